/**
 * One answered position of a rater, scored: what the results (results.ts), their export
 * (results-export.ts) and the per-take ratings (take-ratings.ts) all read. Its own module so
 * those three depend on it and never on each other in a circle.
 */
import type { AnswerRow, StoredItem } from './rating-repository.js';
import type { Trial } from './rating-stats.js';

/** One answered position of a rater, with what it was. */
export interface ScoredTrial {
  raterId: number;
  position: number;
  answer: AnswerRow;
  /** The items the rater heard, in the order presented. */
  stimuli: StoredItem[];
  trial: Trial;
  /** The generated item the trial is about (null for real and catch trials). */
  generated: StoredItem | null;
  /** Catch trials: whether the rater passed it (null when it cannot be scored). */
  catchPassed: boolean | null;
}
