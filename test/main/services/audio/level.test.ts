/**
 * Levels (level.ts) on synthetic signals: raised-cosine edge fades, and the loudness match with
 * its -1 dBFS sample-peak guard.
 */
import { applyEdgeFades, matchLoudness, peakOf } from '../../../../src-main/services/audio/level.js';
import { integratedLoudness } from '../../../../src-main/services/audio/loudness.js';
import { pinkNoise } from '../../../fixtures/audio-fixtures.js';

describe('level', () => {
  it('fades the ends with a raised cosine and leaves the middle alone', () => {
    const x = new Float32Array(1000).fill(1);
    applyEdgeFades(x, 16000, 0.005); // 80 samples
    expect(x[0]).toBe(0);
    expect(x[999]).toBe(0);
    expect(x[40]).toBeCloseTo(0.5, 6);
    expect(x[959]).toBeCloseTo(0.5, 6);
    expect(x[80]).toBe(1);
    expect(x[919]).toBe(1);
    for (let i = 1; i < 80; i++) expect(x[i]!).toBeGreaterThan(x[i - 1]!);
  });

  it('matches the loudness of a target', () => {
    const x = pinkNoise(5, 16000, 0.05)[0]!;
    const leveled = matchLoudness(x, 16000, -20);
    expect(leveled.peakLimited).toBe(false);
    expect(Math.abs(leveled.loudnessLufs! + 20)).toBeLessThan(0.01);
    expect(integratedLoudness([leveled.samples], 16000)).toBe(leveled.loudnessLufs);
  });

  it('lowers the gain to keep the sample peak at or below -1 dBFS and reports the loudness reached', () => {
    const x = pinkNoise(5, 16000, 0.05)[0]!;
    const leveled = matchLoudness(x, 16000, -2);
    expect(leveled.peakLimited).toBe(true);
    expect(peakOf(leveled.samples)).toBeLessThanOrEqual(10 ** (-1 / 20));
    expect(peakOf(leveled.samples)).toBeGreaterThan(10 ** (-1 / 20) - 1e-6);
    expect(leveled.loudnessLufs!).toBeLessThan(-2.5);
  });

  it('keeps the level when there is no target', () => {
    const x = pinkNoise(5, 16000, 0.05)[0]!;
    const leveled = matchLoudness(x, 16000, null);
    expect(leveled.gain).toBe(1);
    expect(leveled.samples).toEqual(x);
  });
});
