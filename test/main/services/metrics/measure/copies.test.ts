/**
 * Copy detection on synthetic takes with known answers, built from the demo song's training
 * clip (0:04–0:12 at 16 kHz): 5 s of the clip spliced into noise is found as one region of
 * 5 s (±0.2 s) at the right place in the take and in the source, also quieter or under a
 * layer of hiss; noise alone copies nothing; the clip itself is a copy from end to end; the
 * limit decides the near-copy flag.
 */
import { detectCopies } from '../../../../../src-main/services/metrics/measure/copies.js';
import { cut, loadDemoSong, noiseAt, RATE, rms } from './demo-audio.js';

let source: Float32Array;
let level: number;

beforeAll(async () => {
  source = cut(await loadDemoSong(), 4, 12);
  level = rms(source);
});

/** 3 s of noise, source [1.5 s, 6.5 s) times `gain` (plus `hiss` noise at that RMS), 4 s of noise. */
function splicedTake(gain = 1, hiss = 0): Float32Array {
  const take = noiseAt(12, level, 21);
  const copy = cut(source, 1.5, 6.5);
  const layer = noiseAt(5, hiss, 22);
  take.set(copy.map((v, i) => gain * v + layer[i]!), 3 * RATE);
  return take;
}

describe('detectCopies', () => {
  it.each([
    ['as is', 1, 0],
    ['12 dB quieter', 0.25, 0],
    ['under hiss 20 dB down', 1, 0.1],
  ])('finds 5 s of the source spliced into noise (%s)', (_, gain, hissShare) => {
    const report = detectCopies(splicedTake(gain, hissShare * level), source, RATE, { limitSeconds: 4 });
    expect(Math.abs(report.longestSeconds - 5)).toBeLessThanOrEqual(0.2);
    expect(report.regions).toHaveLength(1);
    const [region] = report.regions;
    expect(Math.abs(region!.takeStart - 3)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(region!.takeEnd - 8)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(region!.sourceStart - 1.5)).toBeLessThanOrEqual(0.1);
    expect(region!.similarity).toBeGreaterThan(0.9);
    expect(report.nearCopy).toBe(true);
  });

  it('lists two separate copies as two regions, longest first', () => {
    const take = noiseAt(12, level, 24);
    take.set(cut(source, 0.5, 2.5), 1 * RATE);
    take.set(cut(source, 4, 7), 7 * RATE);
    const report = detectCopies(take, source, RATE, { limitSeconds: 4 });
    expect(report.regions).toHaveLength(2);
    const [long, short] = report.regions;
    expect(long!.takeStart).toBeCloseTo(7, 1);
    expect(long!.sourceStart).toBeCloseTo(4, 1);
    expect(long!.takeEnd - long!.takeStart).toBeCloseTo(3, 0);
    expect(short!.takeStart).toBeCloseTo(1, 1);
    expect(short!.sourceStart).toBeCloseTo(0.5, 1);
    expect(Math.abs(report.longestSeconds - 3)).toBeLessThanOrEqual(0.2);
    expect(report.nearCopy).toBe(false);
  });

  it('flags a near-copy only when the longest copy exceeds the limit', () => {
    const report = detectCopies(splicedTake(), source, RATE, { limitSeconds: 6 });
    expect(report.limitSeconds).toBe(6);
    expect(report.nearCopy).toBe(false);
  });

  it('finds nothing in noise', () => {
    const report = detectCopies(noiseAt(12, level, 23), source, RATE, { limitSeconds: 4 });
    expect(report.longestSeconds).toBeLessThan(0.2);
    expect(report.regions).toEqual([]);
    expect(report.nearCopy).toBe(false);
  });

  it('finds the whole source in the source', () => {
    const report = detectCopies(source, source, RATE, { limitSeconds: 4 });
    expect(Math.abs(report.longestSeconds - 8)).toBeLessThanOrEqual(0.1);
    expect(report.regions[0]).toMatchObject({ takeStart: 0, sourceStart: 0 });
    expect(report.regions[0]!.similarity).toBeCloseTo(1, 5);
  });

  it('copies nothing out of silence', () => {
    const report = detectCopies(new Float32Array(4 * RATE), new Float32Array(4 * RATE), RATE, { limitSeconds: 4 });
    expect(report.longestSeconds).toBe(0);
  });

  it('refuses a threshold outside (0, 1] and a limit of 0', () => {
    expect(() => detectCopies(source, source, RATE, { limitSeconds: 4, threshold: 1.5 })).toThrow(/threshold/);
    expect(() => detectCopies(source, source, RATE, { limitSeconds: 0 })).toThrow(/limit/);
  });
});
