/**
 * The ruler beside a take's spectrogram: on wavesurfer's mel scale (0 Hz at the bottom, the
 * Nyquist frequency at the top), higher frequencies higher up, labels kept apart and inside the
 * spectrogram's height, none above the top frequency.
 */
import { describe, expect, it } from '@jest/globals';
import { hzLabel, spectrogramMel, spectrogramTicks } from './spectrogram-axis.js';

describe('the spectrogram’s frequency ruler', () => {
  it('uses wavesurfer’s mel scale: 1 kHz is 1000 mels', () => {
    expect(spectrogramMel(0)).toBe(0);
    expect(spectrogramMel(1000)).toBeCloseTo(999.99, 1);
    expect(spectrogramMel(700)).toBeCloseTo(2595 * Math.log10(2), 9);
  });

  it('places each frequency at its share of the scale, from the bottom up', () => {
    const height = 128;
    const ticks = spectrogramTicks(11_025, height);
    expect(ticks.map((tick) => tick.hz)).toEqual([8000, 4000, 2000, 1000, 500]);
    for (const tick of ticks) {
      expect(tick.y).toBeCloseTo(height * (1 - spectrogramMel(tick.hz) / spectrogramMel(11_025)), 9);
    }
    // Top first, each lower one further down, at least the gap apart and inside the edges.
    for (let i = 1; i < ticks.length; i += 1) expect(ticks[i]!.y - ticks[i - 1]!.y).toBeGreaterThanOrEqual(14);
    expect(ticks[0]!.y).toBeGreaterThanOrEqual(7);
    expect(height - ticks.at(-1)!.y).toBeGreaterThanOrEqual(7);
  });

  it('names nothing above the top frequency, and fewer where there is less room', () => {
    expect(spectrogramTicks(4000, 128).every((tick) => tick.hz < 4000)).toBe(true);
    expect(spectrogramTicks(11_025, 64).length).toBeLessThan(spectrogramTicks(11_025, 128).length);
    expect(spectrogramTicks(0, 128)).toEqual([]);
    expect(spectrogramTicks(11_025, 0)).toEqual([]);
  });

  it('labels in Hz below a kilohertz, in kHz above', () => {
    expect(hzLabel(500)).toBe('500 Hz');
    expect(hzLabel(2000)).toBe('2 kHz');
    expect(hzLabel(16_000)).toBe('16 kHz');
  });
});
