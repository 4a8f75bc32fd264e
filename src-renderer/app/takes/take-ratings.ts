/**
 * A take's ratings from submitted listening sessions as the Takes list shows them (words in
 * its row, sentences for the tooltip) and orders by them: by mean musicality (0–10, best first),
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

/** A mean musicality as said: "5", "6.3" (one decimal unless whole). */
function musicalityText(mean: number): string {
  const tenths = Math.round(mean * 10) / 10;
  return Number.isInteger(tenths) ? String(tenths) : tenths.toFixed(1);
}

/**
 * A take's ratings in words for its list row: "fooled 1 of 2 raters · musicality 5". Fooled: the
 * raters who took it for real (a pair session: who picked it over its real partner); musicality:
 * their mean, 0–10, where the session asked it. A rating is one rater's answer about the take in
 * one submitted session (a catch repeat is not counted again).
 */
export function formatTakeRating(rating: TakeRating | undefined): string {
  if (!rating || rating.ratings === 0) return '';
  const fooled = `fooled ${rating.judgedReal} of ${rating.ratings} ${rating.ratings === 1 ? 'rater' : 'raters'}`;
  return rating.musicalityMean === null ? fooled : `${fooled} · musicality ${musicalityText(rating.musicalityMean)}`;
}

/** A take's ratings as sentences, for the tooltip. */
export function describeTakeRating(rating: TakeRating | undefined): string {
  if (!rating || rating.ratings === 0) return 'Not rated in a submitted listening session yet';
  const heard = `${rating.judgedReal} of ${rating.ratings} ${rating.ratings === 1 ? 'rater' : 'raters'} took it for a real recording`;
  const musicality = rating.musicalityMean === null ? '' : `; musicality ${musicalityText(rating.musicalityMean)} of 10 on average`;
  const inspiring = rating.inspiring > 0 ? `; ${rating.inspiring} found it inspiring` : '';
  return `${heard}${musicality}${inspiring}. From submitted listening sessions: a rater who heard it in two sessions counts twice.`;
}
