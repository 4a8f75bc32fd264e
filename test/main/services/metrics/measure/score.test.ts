/**
 * The ranking score: fidelity falls with distance to the source, novelty with copying (a copy
 * scores lower novelty, never higher), the weights mix them, and every part is explained.
 */
import type { Comparison, CopyReport, RankWeights } from '../../../../../src-main/common/metrics.js';
import { takeScoreSchema } from '../../../../../src-main/common/metrics.js';
import { copiedSeconds, fidelityOf, noveltyOf, score } from '../../../../../src-main/services/metrics/measure/score.js';

const weights: RankWeights = { fidelity: 0.5, novelty: 0.5, copyLimitSeconds: 4 };
const close: Comparison = { mfccKl: 1, mfccFrechet: 100, spectralDistance: 2, pitchEntropyDelta: 0 };

function copyOf(longestSeconds: number, regions: [number, number][] = [], limitSeconds = 4): CopyReport {
  return {
    longestSeconds,
    regions: regions.map(([takeStart, takeEnd]) => ({ takeStart, takeEnd, sourceStart: 0, similarity: 0.95 })),
    limitSeconds,
    nearCopy: longestSeconds > limitSeconds,
  };
}

describe('score', () => {
  it('gives identical audio full fidelity and halves it at 6 dB and 1000 MFCC distance', () => {
    expect(fidelityOf({ mfccKl: 0, mfccFrechet: 0, spectralDistance: 0, pitchEntropyDelta: 0 })).toBe(1);
    expect(fidelityOf({ mfccKl: 0, mfccFrechet: 1000, spectralDistance: 6, pitchEntropyDelta: 0 })).toBeCloseTo(0.5, 12);
  });

  it('lowers fidelity as either distance grows', () => {
    const base = fidelityOf(close);
    expect(fidelityOf({ ...close, spectralDistance: 8 })).toBeLessThan(base);
    expect(fidelityOf({ ...close, mfccFrechet: 5000 })).toBeLessThan(base);
  });

  it('gives a take that copies nothing novelty 1 and a take that is its source novelty 0', () => {
    expect(noveltyOf(copyOf(0), 30)).toBe(1);
    expect(noveltyOf(copyOf(8, [[0, 8]]), 8)).toBe(0);
  });

  it('scores a longer copy lower novelty and a lower total, all else equal', () => {
    const lengths = [0, 1, 2, 3.9, 5, 10, 20, 30];
    const novelties = lengths.map((l) => noveltyOf(copyOf(l, l >= 1 ? [[2, 2 + l]] : []), 30));
    const totals = lengths.map((l) => score({ vsSource: close, copy: copyOf(l, l >= 1 ? [[2, 2 + l]] : []), durationSeconds: 30 }, weights).total);
    for (let i = 1; i < lengths.length; i++) {
      expect(novelties[i]).toBeLessThan(novelties[i - 1]!);
      expect(totals[i]).toBeLessThan(totals[i - 1]!);
    }
    // Under the limit a take keeps more than half its novelty; a near-copy keeps at most half.
    expect(novelties[3]).toBeGreaterThan(0.4);
    expect(novelties[4]).toBeLessThanOrEqual(0.5);
  });

  it('counts overlapping regions once', () => {
    expect(copiedSeconds(copyOf(3, [[1, 4], [2, 5], [10, 11]]))).toBeCloseTo(5, 12);
  });

  it('mixes the parts by the weights, scaled to sum to 1', () => {
    const input = { vsSource: close, copy: copyOf(5, [[0, 5]]), durationSeconds: 30 };
    const faithful = score(input, { fidelity: 1, novelty: 0, copyLimitSeconds: 4 });
    expect(faithful.total).toBeCloseTo(faithful.fidelity, 12);
    const novel = score(input, { fidelity: 0.2, novelty: 0.6, copyLimitSeconds: 4 });
    expect(novel.total).toBeCloseTo(0.25 * novel.fidelity + 0.75 * novel.novelty, 12);
  });

  it('explains each part in a sentence', () => {
    const result = score({ vsSource: close, copy: copyOf(5, [[3, 8]]), durationSeconds: 20 }, weights);
    expect(takeScoreSchema.parse(result)).toEqual(result);
    expect(result.explanation).toEqual([
      // ½·2^(−2/6) + ½·2^(−√(100/1000)) = 0.798; (1 − 5/20)·(1 − ½) = 0.375; their mean 0.587.
      'Fidelity 0.80: its sound is close to the source\'s (spectral distance 2.0 dB, MFCC distance 100).',
      'Novelty 0.38: a near-copy, it repeats 5.0 s of the source in one stretch (your limit is 4.0 s); 25 % of the take repeats the source in all.',
      'Score 0.59 = 50 % fidelity + 50 % novelty (your weights).',
    ]);
    const clean = score({ vsSource: close, copy: copyOf(0), durationSeconds: 20 }, weights);
    expect(clean.explanation[1]).toBe('Novelty 1.00: no stretch of it repeats the source.');
  });
});
