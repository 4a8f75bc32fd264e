/**
 * A rater's screen in an address: "#/rate/12" opens rater 12's screen, where a rater's own link
 * lands (web mode) and where a reload comes back to. The rater's window (RaterApp.svelte) reads
 * its address through this alone: any other address, an owner's view included, names no rater
 * there. The whole grammar of addresses is @common/view-route.ts.
 */
import { hashOf, routeFromHash } from '../../../src-main/common/view-route.js';

/** The rater id of "#/rate/12", or null for any other address (or one understood only in part). */
export function raterIdFromHash(hash: string): number | null {
  const { route, problem } = routeFromHash(hash);
  return route.view === 'rater' && problem === null ? route.raterId : null;
}

/** The address of rater `raterId`'s screen, or "" for none. */
export function hashForRater(raterId: number | null): string {
  return raterId === null ? '' : hashOf({ view: 'rater', raterId });
}
