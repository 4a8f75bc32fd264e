/**
 * A take's ratings from submitted listening sessions as the Takes list shows them (one short
 * cell, a sentence for its tooltip) and orders by them: by mean musicality (0–10, best first),
 * and between equal means by how often the take was judged real. Takes rated only in pair or
 * ABX sessions (no musicality) come after those with one. Pure.
 */
import type { TakeRating } from '../../../src-main/common/rating.js';

/** Weight of the judged-real share: small enough never to outweigh a musicality difference. */
const REAL_SHARE_WEIGHT = 1e-3;

/** The value "Best rated" sorts by, or null for a take without ratings. */
export function ratingSortValue(rating: TakeRating): number | null {
  if (rating.ratings === 0) return null;
  const realShare = rating.judgedReal / rating.ratings;
  return (rating.musicalityMean ?? -1) + realShare * REAL_SHARE_WEIGHT;
}

/** Sort values by take id, for sortTakes' 'rating' order. */
export function ratingSortValues(ratings: readonly TakeRating[]): Record<number, number> {
  const values: Record<number, number> = {};
  for (const rating of ratings) {
    const value = ratingSortValue(rating);
    if (value !== null) values[rating.takeId] = value;
  }
  return values;
}

/** A take's ratings in one cell: "3× · 1 real · 6.3". */
export function formatTakeRating(rating: TakeRating | undefined): string {
  if (!rating || rating.ratings === 0) return '';
  const parts = [`${rating.ratings}×`, `${rating.judgedReal} real`];
  if (rating.musicalityMean !== null) parts.push(rating.musicalityMean.toFixed(1));
  return parts.join(' · ');
}

/** A take's ratings as a sentence, for the tooltip. */
export function describeTakeRating(rating: TakeRating | undefined): string {
  if (!rating || rating.ratings === 0) return 'Not rated in a submitted session yet';
  const musicality = rating.musicalityMean === null ? '' : `; musicality ${rating.musicalityMean.toFixed(1)} of 10`;
  return `Rated ${rating.ratings} time${rating.ratings === 1 ? '' : 's'}: judged real ${rating.judgedReal}, inspiring ${rating.inspiring}${musicality}`;
}
