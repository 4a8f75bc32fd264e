/**
 * The part of the route an address can carry: "#/rate/12" opens rater 12's screen, where a
 * rater's own link lands (web mode) and where a reload comes back to. Other views keep the hash
 * empty.
 */

/** The rater id of "#/rate/12", or null for any other hash. */
export function raterIdFromHash(hash: string): number | null {
  const match = /^#\/rate\/([1-9]\d{0,11})$/.exec(hash);
  return match ? Number(match[1]) : null;
}

/** The hash of rater `raterId`'s screen, or "" for views without one. */
export function hashForRater(raterId: number | null): string {
  return raterId === null ? '' : `#/rate/${raterId}`;
}
