/**
 * A take's ratings in the Takes list: "Best rated" puts rated takes by mean musicality, ties by
 * how often they were judged real, takes without musicality after those with one, unrated takes
 * last (newest first); each rated take reads in words in its row ("fooled 1 of 2 raters ·
 * musicality 5"), with sentences for its tooltip.
 */
import type { TakeRating } from '../../../../src-main/common/rating.js';
import { sortTakes } from '../../../../src-renderer/app/takes/take-list.js';
import { describeTakeRating, formatTakeRating, ratingSortValue, ratingSortValues } from '../../../../src-renderer/app/takes/take-ratings.js';

const rating = (takeId: number, ratings: number, judgedReal: number, musicalityMean: number | null): TakeRating => ({
  takeId,
  ratings,
  judgedReal,
  musicalityMean,
  inspiring: 0,
});

const take = (id: number) => ({ id, starred: false, verdict: 'undecided' as const });

describe('take ratings', () => {
  test('musicality first, the judged-real share between equal means, nothing for no ratings', () => {
    expect(ratingSortValue(rating(1, 0, 0, null))).toBeNull();
    const better = ratingSortValue(rating(1, 4, 0, 7));
    const tied = ratingSortValue(rating(2, 4, 4, 6.99));
    const realer = ratingSortValue(rating(3, 4, 3, 7));
    expect(better).not.toBeNull();
    expect(tied! < better!).toBe(true);
    expect(realer! > better!).toBe(true);
    expect(ratingSortValue(rating(4, 2, 2, null))! < ratingSortValue(rating(5, 2, 0, 0))!).toBe(true);
  });

  test('sorts rated takes best first, then the unrated newest first', () => {
    const values = ratingSortValues([rating(2, 3, 1, 5), rating(4, 3, 0, 8), rating(6, 0, 0, null), rating(1, 2, 2, null)]);
    expect(Object.keys(values).map(Number).toSorted()).toEqual([1, 2, 4]);
    const ids = sortTakes([1, 2, 3, 4, 5, 6].map(take), 'rating', { 3: 99 }, values).map((t) => t.id);
    expect(ids).toEqual([4, 2, 1, 6, 5, 3]);
    // Measured scores do not leak into the rating order, nor ratings into the score order.
    expect(sortTakes([1, 2, 3].map(take), 'score', { 1: 50 }, { 3: 9 }).map((t) => t.id)).toEqual([1, 3, 2]);
  });

  test('a take rating reads in words, with sentences for its tooltip', () => {
    expect(formatTakeRating(rating(4, 2, 1, 5))).toBe('fooled 1 of 2 raters · musicality 5');
    const rated = { takeId: 4, ratings: 3, judgedReal: 0, musicalityMean: 6.333, inspiring: 2 };
    expect(formatTakeRating(rated)).toBe('fooled 0 of 3 raters · musicality 6.3');
    // A mean that rounds to a whole number reads whole; pair sessions ask no musicality.
    expect(formatTakeRating(rating(4, 4, 1, 6.96))).toBe('fooled 1 of 4 raters · musicality 7');
    expect(formatTakeRating(rating(4, 1, 1, null))).toBe('fooled 1 of 1 rater');
    expect(formatTakeRating(rating(4, 0, 0, null))).toBe('');
    expect(formatTakeRating(undefined)).toBe('');
    expect(describeTakeRating(rated)).toBe(
      '0 of 3 raters took it for a real recording; musicality 6.3 of 10 on average; 2 found it inspiring. ' +
        'From submitted listening sessions: a rater who heard it in two sessions counts twice.',
    );
    expect(describeTakeRating(undefined)).toBe('Not rated in a submitted listening session yet');
  });
});
