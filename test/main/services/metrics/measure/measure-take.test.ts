/**
 * A take's full metrics end to end on the demo song (clip 0:04–0:12, held-out 0:14–0:24, all at
 * 16 kHz): the DTO validates; a take made of 5 s of the clip spliced into noise is a near-copy
 * that scores below a real passage of the song; a prepared reference gives the same numbers as
 * the one-call form; rescoring under a new limit changes the flag and the score only; and the
 * picture data lines the take and its source up on shared axes.
 */
import { pictureDataSchema, takeMetricsSchema, type RankWeights, type TakeMetrics } from '../../../../../src-main/common/metrics.js';
import {
  measureTake,
  measureTakeAgainst,
  METRICS_VERSION,
  prepareReference,
  rescore,
} from '../../../../../src-main/services/metrics/measure/measure-take.js';
import { pictureData } from '../../../../../src-main/services/metrics/measure/picture-data.js';
import { cut, loadDemoSong, noiseAt, RATE, rms } from './demo-audio.js';

const weights: RankWeights = { fidelity: 0.5, novelty: 0.5, copyLimitSeconds: 4 };
const now = new Date('2025-01-02T03:04:05.000Z');

let source: Float32Array;
let heldOut: Float32Array;
let passage: Float32Array;
let spliced: Float32Array;
let splicedMetrics: TakeMetrics;

beforeAll(async () => {
  const song = await loadDemoSong();
  source = cut(song, 4, 12);
  heldOut = cut(song, 14, 24);
  passage = cut(song, 24, 32);
  spliced = noiseAt(12, rms(source), 41);
  spliced.set(cut(source, 1.5, 6.5), 3 * RATE);
  splicedMetrics = measureTake({
    takeId: 5,
    modelId: 2,
    take: { samples: spliced, sampleRate: RATE },
    source: { samples: source, sampleRate: RATE },
    heldOut: { samples: heldOut, sampleRate: RATE },
    weights,
    now,
  });
});

describe('measureTake', () => {
  it('fills every field of the DTO', () => {
    expect(takeMetricsSchema.parse(splicedMetrics)).toEqual(splicedMetrics);
    expect(splicedMetrics).toMatchObject({ takeId: 5, modelId: 2, version: METRICS_VERSION, computedAt: now.toISOString(), durationSeconds: 12 });
    expect(splicedMetrics.loudnessLufs).toEqual(expect.any(Number));
    expect(splicedMetrics.peakDbfs).toBeLessThanOrEqual(0);
    expect(splicedMetrics.vsHeldOut).not.toBeNull();
    expect(splicedMetrics.score.explanation).toHaveLength(3);
  });

  it('flags 5 s of the clip spliced into noise as a near-copy, ranked below a real passage of the song', () => {
    expect(splicedMetrics.copy.nearCopy).toBe(true);
    expect(Math.abs(splicedMetrics.copy.longestSeconds - 5)).toBeLessThanOrEqual(0.2);
    const real = measureTake({
      takeId: 6,
      modelId: 2,
      take: { samples: passage, sampleRate: RATE },
      source: { samples: source, sampleRate: RATE },
      heldOut: null,
      weights,
    });
    expect(real.vsHeldOut).toBeNull();
    expect(real.copy.nearCopy).toBe(false);
    expect(real.vsSource.spectralDistance).toBeLessThan(splicedMetrics.vsSource.spectralDistance);
    expect(real.score.fidelity).toBeGreaterThan(splicedMetrics.score.fidelity);
    expect(real.score.novelty).toBeGreaterThan(splicedMetrics.score.novelty);
    expect(real.score.total).toBeGreaterThan(splicedMetrics.score.total);
  });

  it('gives the same metrics from a prepared reference, and a summary for diversity', () => {
    const reference = prepareReference({ samples: source, sampleRate: RATE }, { samples: heldOut, sampleRate: RATE });
    const { metrics, summary } = measureTakeAgainst(reference, { takeId: 5, modelId: 2, take: { samples: spliced, sampleRate: RATE }, weights, now });
    expect(metrics).toEqual(splicedMetrics);
    expect(summary.durationSeconds).toBe(12);
    expect(summary.pitch).toEqual(metrics.pitch);
  });

  it('refuses a take at another rate than its source', () => {
    const reference = prepareReference({ samples: source, sampleRate: RATE }, null);
    expect(() => measureTakeAgainst(reference, { takeId: 5, modelId: 2, take: { samples: spliced, sampleRate: 22050 }, weights })).toThrow(
      /take 5 at 22050 Hz against a source at 16000 Hz/,
    );
  });
});

describe('rescore', () => {
  it('redoes the near-copy flag and the score under a new limit and weights, nothing else', () => {
    const relaxed = rescore(splicedMetrics, { fidelity: 0.2, novelty: 0.8, copyLimitSeconds: 6 });
    expect(relaxed.copy).toEqual({ ...splicedMetrics.copy, limitSeconds: 6, nearCopy: false });
    expect(relaxed.score.novelty).toBeGreaterThan(splicedMetrics.score.novelty);
    expect(relaxed.score.fidelity).toBe(splicedMetrics.score.fidelity);
    expect(relaxed.score.total).toBeCloseTo(0.2 * relaxed.score.fidelity + 0.8 * relaxed.score.novelty, 12);
    expect({ ...relaxed, copy: null, score: null }).toEqual({ ...splicedMetrics, copy: null, score: null });
  });
});

describe('pictureData', () => {
  it('puts take and source on shared axes, with the copies to highlight', () => {
    const data = pictureData(5, { samples: spliced, sampleRate: RATE }, { samples: source, sampleRate: RATE }, splicedMetrics.copy.regions);
    expect(pictureDataSchema.parse(data)).toEqual(data);
    // 12 s and 8 s at one seconds-per-column: 1000 and 667 columns.
    expect(data.waveform.take).toHaveLength(1000);
    expect(data.waveform.source).toHaveLength(667);
    expect(data.waveform.secondsPerColumn).toBeCloseTo(0.012, 12);
    expect(data.spectrum.take).toHaveLength(data.spectrum.frequencies.length);
    expect(data.spectrum.source).toHaveLength(data.spectrum.frequencies.length);
    const takeSeconds = data.mel.take.length * data.mel.secondsPerFrame;
    const sourceSeconds = data.mel.source.length * data.mel.secondsPerFrame;
    expect(takeSeconds).toBeCloseTo(12, 0);
    expect(sourceSeconds).toBeCloseTo(8, 0);
    expect(data.mel.take.length).toBeLessThanOrEqual(600);
    expect(data.mel.take[0]).toHaveLength(data.mel.bands);
    expect(data.copies).toEqual(splicedMetrics.copy.regions);
  });

  it('draws identical pictures for identical audio', () => {
    const data = pictureData(5, { samples: source, sampleRate: RATE }, { samples: source.slice(), sampleRate: RATE }, []);
    expect(data.waveform.take).toEqual(data.waveform.source);
    expect(data.spectrum.take).toEqual(data.spectrum.source);
    expect(data.mel.take).toEqual(data.mel.source);
    // The copied stretch of the spliced take draws like the source's, column for column.
    const spliceData = pictureData(5, { samples: spliced, sampleRate: RATE }, { samples: source, sampleRate: RATE }, []);
    const perColumn = spliceData.waveform.secondsPerColumn;
    expect(spliceData.waveform.take[Math.round(4 / perColumn)]).toEqual(spliceData.waveform.source[Math.round(2.5 / perColumn)]);
  });
});

describe('low rates', () => {
  it('measures and draws a take at 2 kHz (the test models’ rate)', () => {
    const rate = 2000;
    const clip = Float32Array.from({ length: 3000 }, (_, t) => 0.5 * Math.sin((2 * Math.PI * 220 * t) / rate) * (1 + Math.sin(t / 90)));
    const metrics = measureTake({
      takeId: 1,
      modelId: 1,
      take: { samples: clip, sampleRate: rate },
      source: { samples: clip, sampleRate: rate },
      heldOut: null,
      weights,
    });
    expect(takeMetricsSchema.parse(metrics)).toEqual(metrics);
    expect(metrics.vsSource.spectralDistance).toBe(0);
    expect(metrics.copy.nearCopy).toBe(false);
    expect(metrics.copy.longestSeconds).toBeCloseTo(1.5, 0);
    const data = pictureData(1, { samples: clip, sampleRate: rate }, { samples: clip, sampleRate: rate }, metrics.copy.regions);
    expect(pictureDataSchema.parse(data)).toEqual(data);
  });
});
