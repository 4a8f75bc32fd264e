/**
 * The neutral labels a rater sees on a trial's stimuli ("Item 7", "Item 7 A", "A"/"B"/"X"):
 * shown by the rating service and written into the results export, so both say the same.
 */
import type { SessionFormat } from '../../common/rating.js';

/** The labels of a trial's stimuli, by format and position (1-based). */
export function stimulusLabels(format: SessionFormat, position: number, count: number): string[] {
  if (format === 'abx') return ['A', 'B', 'X'].slice(0, count);
  if (format === '2afc') return ['A', 'B'].slice(0, count).map((letter) => `Item ${position} ${letter}`);
  return [`Item ${position}`];
}
