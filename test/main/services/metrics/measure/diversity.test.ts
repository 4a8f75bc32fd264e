/**
 * Diversity of a model's takes: identical takes are near-duplicates at distance 0; different
 * sounds are far apart; the reference distance (source vs held-out) sets the scale of the
 * summary sentence; fewer than two takes have nothing to compare.
 */
import { diversitySchema } from '../../../../../src-main/common/metrics.js';
import { diversity } from '../../../../../src-main/services/metrics/measure/diversity.js';
import { summarise } from '../../../../../src-main/services/metrics/measure/summary.js';
import { noiseAt, RATE, tone } from './demo-audio.js';

const hissA = summarise(noiseAt(3, 0.1, 31), RATE);
const hissB = summarise(noiseAt(3, 0.1, 32), RATE);
const note = summarise(tone(330, 3), RATE);
const higher = summarise(tone(523, 3), RATE);
const highest = summarise(tone(784, 3), RATE);

describe('diversity', () => {
  it('flags identical takes as near-duplicates at distance 0', () => {
    const result = diversity(7, [
      { takeId: 1, summary: note },
      { takeId: 2, summary: higher },
      { takeId: 3, summary: note },
      { takeId: 4, summary: highest },
    ]);
    expect(diversitySchema.parse(result)).toEqual(result);
    expect(result.takes).toBe(4);
    expect(result.minDistance).toBe(0);
    expect(result.nearDuplicates).toEqual([[1, 3, 0]]);
    expect(result.meanDistance).toBeGreaterThan(100);
    expect(result.summary).toMatch(/^The 4 takes are \d+ apart on average \(MFCC distance\)\. One pair is a near-duplicate\.$/);
  });

  it('calls every pair of a batch of one take repeated a near-duplicate', () => {
    const result = diversity(7, [1, 2, 3].map((takeId) => ({ takeId, summary: hissA })));
    expect(result.meanDistance).toBe(0);
    expect(result.nearDuplicates).toHaveLength(3);
  });

  it('puts two noises closer together than noise and a tone, and says so against the reference', () => {
    const result = diversity(7, [{ takeId: 1, summary: hissA }, { takeId: 2, summary: hissB }], { source: hissA, heldOut: note });
    expect(result.nearDuplicates).toEqual([]);
    expect(result.referenceDistance).toBeGreaterThan(10 * result.meanDistance!);
    expect(result.summary).toBe('The 2 takes differ less than two real passages of the song do.');
  });

  it('has nothing to compare with fewer than two takes', () => {
    const one = diversity(7, [{ takeId: 1, summary: note }]);
    expect(one).toMatchObject({ takes: 1, meanDistance: null, minDistance: null, referenceDistance: null, nearDuplicates: [] });
    expect(one.summary).toBe('Only one take: nothing to compare it with yet.');
    expect(diversity(7, []).summary).toBe('No takes to compare yet.');
  });
});
