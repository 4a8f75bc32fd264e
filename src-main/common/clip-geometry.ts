/**
 * The shape of a gap clip, shared by the core (which enforces it, services/library/clip-rules.ts)
 * and the editor (which keeps a hole valid while the user drags the clip's edges).
 */

/** Music a gap clip keeps on each side of its hole, in seconds: the model learns from it. */
export const MIN_GAP_CONTEXT_SECONDS = 0.5;
/** Shortest hole worth filling, in seconds. */
export const MIN_HOLE_SECONDS = 0.1;

/** The default hole of a gap clip: its middle third. */
export function defaultHole(start: number, end: number): { holeStart: number; holeEnd: number } {
  const third = (end - start) / 3;
  return { holeStart: start + third, holeEnd: end - third };
}

/** Whether a hole fits a clip by the rules above. */
export function holeFits(start: number, end: number, holeStart: number, holeEnd: number): boolean {
  return (
    holeEnd - holeStart >= MIN_HOLE_SECONDS &&
    holeStart - start >= MIN_GAP_CONTEXT_SECONDS &&
    end - holeEnd >= MIN_GAP_CONTEXT_SECONDS
  );
}
