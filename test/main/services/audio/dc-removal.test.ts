/**
 * DC removal (dc-removal.ts): a constant offset is gone, the music band passes untouched and
 * in phase, the response is −6 dB at the cutoff (the 2nd-order Butterworth run forward and
 * backward), the first and last samples carry no step from the offset, and
 * signals of any length, at any rate the project uses, come out finite and as long as they went in.
 */
import { DC_CUTOFF_HZ, removeDc } from '../../../../src-main/services/audio/dc-removal.js';

function sine(rate: number, seconds: number, hz: number, amplitude: number, offset = 0): Float32Array {
  return new Float32Array(Math.round(rate * seconds)).map((_, i) => offset + amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
}

function mean(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]!;
  return sum / (to - from);
}

function maxAbsDifference(a: Float32Array, b: Float32Array, from = 0, to = a.length): number {
  let worst = 0;
  for (let i = from; i < to; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('removeDc', () => {
  it('removes an offset from the first sample to the last, and leaves a tone as it was', () => {
    for (const rate of [2000, 16_000, 44_100, 48_000, 192_000]) {
      const tone = sine(rate, 2, 1000 * Math.min(1, rate / 8000), 0.3);
      const out = removeDc(tone.map((x) => x + 0.2), rate);
      expect(out).toHaveLength(tone.length);
      expect(Math.abs(mean(out))).toBeLessThan(5e-5);
      // No step at either end: the first and last samples are the tone's within a tenth of the
      // offset (what is left is the filter meeting the tone's kink at the mirrored end) …
      expect(maxAbsDifference(out, tone, 0, rate / 100)).toBeLessThan(0.02);
      expect(maxAbsDifference(out, tone, tone.length - rate / 100)).toBeLessThan(0.02);
      // … and 50 ms in, the tone itself.
      expect(maxAbsDifference(out, tone, rate / 20, tone.length - rate / 20)).toBeLessThan(5e-4);
    }
  });

  it('is −6 dB at the cutoff and zero-phase: a 20 Hz tone keeps its phase at half its amplitude', () => {
    const rate = 16_000;
    const low = sine(rate, 4, DC_CUTOFF_HZ, 0.5);
    const out = removeDc(low, rate);
    // Over the middle two seconds (whole periods): least-squares gain of the input tone.
    const from = rate;
    const to = 3 * rate;
    let dot = 0;
    let energy = 0;
    let quadrature = 0;
    for (let i = from; i < to; i++) {
      dot += out[i]! * low[i]!;
      energy += low[i]! * low[i]!;
      quadrature += out[i]! * 0.5 * Math.cos((2 * Math.PI * DC_CUTOFF_HZ * i) / rate);
    }
    expect(dot / energy).toBeCloseTo(0.5, 3);
    expect(Math.abs(quadrature / energy)).toBeLessThan(1e-3);
  });

  it('passes the music band: −0.014 dB at 100 Hz, nothing measurable from 440 Hz up', () => {
    const rate = 48_000;
    for (const [hz, db] of [[100, 0.014], [440, 0.0001], [5000, 0.0001]] as const) {
      const tone = sine(rate, 1, hz, 0.5);
      const out = removeDc(tone, rate);
      const expected = 0.5 * (1 - 10 ** (-db / 20));
      expect(maxAbsDifference(out, tone, rate / 4, (3 * rate) / 4)).toBeLessThan(expected * 1.1 + 1e-6);
    }
  });

  it('handles any length: empty, one sample, a few samples, all finite and without offset', () => {
    expect(removeDc(new Float32Array(0), 16_000)).toHaveLength(0);
    for (const length of [1, 2, 3, 10, 100]) {
      const out = removeDc(new Float32Array(length).fill(0.25), 16_000);
      expect(out).toHaveLength(length);
      for (const x of out) expect(Math.abs(x)).toBeLessThan(1e-9);
    }
  });

  it('does not change its input', () => {
    const input = sine(16_000, 0.5, 300, 0.2, 0.1);
    const copy = input.slice();
    removeDc(input, 16_000);
    expect(Array.from(input)).toEqual(Array.from(copy));
  });
});
