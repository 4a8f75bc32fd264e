/**
 * How measurements look in the Takes view: scores out of 100, badges and near-copy ids, the
 * linked weight sliders (always adding up to 1), the typed copy limit, the table rows (held-out
 * missing shows a dash, each measure named plainly beside its technical name), "why this score"
 * in words, and the weights and progress sentences.
 */
import type { TakeMetrics } from '../../../../src-main/common/metrics.js';
import { score } from '../../../../src-main/services/metrics/measure/score.js';
import {
  closenessWords,
  comparisonRows,
  copyWords,
  formatMeasure,
  linkedWeights,
  measureProgressText,
  nearCopyIds,
  ownRows,
  parseCopyLimit,
  plainVerdicts,
  scoreBadges,
  scorePercent,
  weightsSentence,
} from '../../../../src-renderer/app/takes/take-metrics.js';

const PITCH = { distinctPitches: 1, entropyBits: 0, rangeHz: 0, voicedFraction: 1 };
const COMPARISON = { mfccKl: 0.5, mfccFrechet: 12.345, spectralDistance: 0, pitchEntropyDelta: -0.25 };

function metrics(takeId: number, total: number, nearCopy: boolean, longestSeconds = nearCopy ? 5 : 0): TakeMetrics {
  return {
    takeId,
    modelId: 1,
    version: 1,
    computedAt: '2025-01-01T00:00:00.000Z',
    durationSeconds: 30,
    loudnessLufs: -14.04,
    peakDbfs: -1.5,
    pitch: { ...PITCH, distinctPitches: 12, entropyBits: 2.5, rangeHz: 440 },
    sourcePitch: PITCH,
    vsSource: COMPARISON,
    vsHeldOut: null,
    copy: { longestSeconds, regions: [], limitSeconds: 4, nearCopy },
    score: { total, fidelity: 0.8, novelty: 0.2, explanation: ['Close to the source.', 'Copies a lot.'] },
  };
}

describe('scores', () => {
  test('a total out of 100, rounded and clamped', () => {
    expect(scorePercent(0.724)).toBe(72);
    expect(scorePercent(0.725)).toBe(73);
    expect(scorePercent(1.2)).toBe(100);
    expect(scorePercent(-0.1)).toBe(0);
    expect(scorePercent(Number.NaN)).toBe(0);
  });

  test('badges and near-copy ids by take id', () => {
    const byTake = { 4: metrics(4, 0.61, false), 9: metrics(9, 0.2, true) };
    expect(scoreBadges(byTake)).toEqual({ 4: { score: 61, nearCopy: false }, 9: { score: 20, nearCopy: true } });
    expect([...nearCopyIds(byTake)]).toEqual([9]);
    expect(scoreBadges({})).toEqual({});
  });
});

describe('linkedWeights', () => {
  const weights = { fidelity: 0.5, novelty: 0.5, copyLimitSeconds: 4 };

  test('moving one part gives the other the rest, keeping the copy limit', () => {
    expect(linkedWeights(weights, 'novelty', 0.8)).toEqual({ fidelity: 0.2, novelty: 0.8, copyLimitSeconds: 4 });
    expect(linkedWeights(weights, 'fidelity', 0.35)).toEqual({ fidelity: 0.35, novelty: 0.65, copyLimitSeconds: 4 });
  });

  test('the two parts add up to exactly 1 at every step', () => {
    for (let step = 0; step <= 100; step += 1) {
      const moved = linkedWeights(weights, step % 2 === 0 ? 'fidelity' : 'novelty', step / 100);
      expect(moved.fidelity + moved.novelty).toBe(1);
    }
  });

  test('values outside 0…1 are clamped', () => {
    expect(linkedWeights(weights, 'fidelity', 1.7)).toMatchObject({ fidelity: 1, novelty: 0 });
    expect(linkedWeights(weights, 'novelty', -3)).toMatchObject({ fidelity: 1, novelty: 0 });
  });
});

describe('parseCopyLimit', () => {
  test('accepts seconds, with or without a unit', () => {
    expect(parseCopyLimit('4')).toBe(4);
    expect(parseCopyLimit(' 2.5 s ')).toBe(2.5);
    expect(parseCopyLimit('.5')).toBe(0.5);
    expect(parseCopyLimit('600 seconds')).toBe(600);
  });

  test('refuses zero, too long, negative and text', () => {
    for (const text of ['0', '600.5', '-1', '', 'four', '4 min', '1e3']) expect(parseCopyLimit(text)).toBeNull();
  });
});

describe('sentences and rows', () => {
  test('the weights in words', () => {
    expect(weightsSentence({ fidelity: 0.3, novelty: 0.7 })).toBe(
      'Score = 30% how close it sounds to the clip + 70% how little it copies it.',
    );
  });

  test('measures keep about three significant digits and a true minus', () => {
    expect(formatMeasure(12.345)).toBe('12.3');
    expect(formatMeasure(-0.25, 'bits')).toBe('−0.25 bits');
    expect(formatMeasure(440, 'Hz')).toBe('440 Hz');
    expect(formatMeasure(Number.POSITIVE_INFINITY)).toBe('—');
  });

  test('own rows put the take beside its source clip, each measure named plainly and technically', () => {
    const rows = ownRows(metrics(1, 0.5, false), null);
    expect(rows.map((row) => [row.name, row.technical, ...row.values])).toEqual([
      ['Notes heard', 'distinct pitches', '12', '1'],
      ['Note variety', 'pitch entropy', '2.50 bits', '0.00 bits'],
      ['Pitch span', 'pitch range', '440 Hz', '0.00 Hz'],
      ['Loudness', 'integrated loudness', '−14.0 LUFS', '—'],
      ['Loudest peak', 'sample peak', '−1.50 dBFS', '—'],
    ]);
  });

  test('comparison rows show a dash where the song has no held-out audio', () => {
    const rows = comparisonRows(metrics(1, 0.5, false));
    expect(rows.map((row) => [row.name, row.technical, ...row.values])).toEqual([
      ['Tone colour', 'MFCC Fréchet distance', '12.3', '—'],
      ['Tone mix', 'MFCC KL divergence', '0.50 nats', '—'],
      ['Frequency balance', 'spectral distance', '0.00 dB', '—'],
      ['Note variety change', 'pitch entropy change', '−0.25 bits', '—'],
    ]);
    expect(rows.every((row) => row.hint.length > 0)).toBe(true);
  });

  test("how close it sounds, in words, at the thresholds of the core's own sentence", () => {
    expect([0.9, 0.75, 0.74, 0.4, 0.39, 0].map(closenessWords)).toEqual([
      'Sounds close to the clip.',
      'Sounds close to the clip.',
      'Sounds somewhat like the clip.',
      'Sounds somewhat like the clip.',
      'Sounds far from the clip.',
      'Sounds far from the clip.',
    ]);
  });

  test("the words agree with the core's own sentence about the same take", () => {
    const copy = { longestSeconds: 0, regions: [], limitSeconds: 4, nearCopy: false };
    const weights = { fidelity: 0.5, novelty: 0.5, copyLimitSeconds: 4 };
    const seen = new Set<string>();
    for (const [spectralDistance, mfccFrechet] of [[0, 10], [3, 300], [6, 1000], [20, 5000], [40, 90_000]] as const) {
      const scored = score({ vsSource: { ...COMPARISON, spectralDistance, mfccFrechet }, copy, durationSeconds: 30 }, weights);
      const said = ['close to', 'somewhat like', 'far from'].find((words) => scored.explanation[0]?.includes(`is ${words} the source`));
      if (said === undefined) throw new Error(`the core's sentence changed: ${scored.explanation[0]}`);
      expect(closenessWords(scored.fidelity)).toBe(`Sounds ${said} the clip.`);
      seen.add(said);
    }
    expect(seen.size).toBe(3);
  });

  test('what it copies, in words: nothing, a stretch under the limit, or a near-copy', () => {
    const copy = (longestSeconds: number, nearCopy: boolean) => ({ longestSeconds, regions: [], limitSeconds: 4, nearCopy });
    expect(copyWords(copy(0, false))).toBe('Copies nothing of the clip.');
    expect(copyWords(copy(0.04, false))).toBe('Copies nothing of the clip.');
    expect(copyWords(copy(1.26, false))).toBe('Its longest stretch copied from the clip is 1.3 s (your limit: 4 s).');
    expect(copyWords(copy(6.31, true))).toBe('Plays back 6.3 s of the clip in one stretch: more than your 4 s limit.');
    expect(plainVerdicts(metrics(1, 0.5, true))).toEqual([
      'Sounds close to the clip.',
      'Plays back 5 s of the clip in one stretch: more than your 4 s limit.',
    ]);
  });

  test('the progress line counts the take being measured', () => {
    expect(measureProgressText(null)).toBe('Measuring…');
    expect(measureProgressText({ jobId: 'a', done: 2, total: 20, takeId: 5, etaSeconds: null })).toBe('Measuring take 3 of 20…');
    expect(measureProgressText({ jobId: 'a', done: 20, total: 20, takeId: null, etaSeconds: 0.2 })).toBe(
      'Measuring take 20 of 20 · about 1 s left',
    );
  });
});
