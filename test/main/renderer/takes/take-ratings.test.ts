/**
 * "Best rated" in the Takes list: rated takes by mean musicality, ties by how often they were
 * judged real, takes without musicality after those with one, unrated takes last (newest first).
 */
import type { TakeRating } from '../../../src-main/common/rating.js';
import { sortTakes } from '../../../src-renderer/app/lib/take-list.js';
import { ratingSortValue, ratingSortValues } from '../../../src-renderer/app/lib/take-ratings.js';

const rating = (takeId: number, ratings: number, judgedReal: number, musicalityMean: number | null): TakeRating => ({
  takeId,
  ratings,
  judgedReal,
  musicalityMean,
  inspiring: 0,
});

const take = (id: number) => ({ id, starred: false, verdict: 'undecided' as const });

describe('take ratings order', () => {
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
});
