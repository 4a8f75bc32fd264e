/**
 * Mono mix-down and libsamplerate resampling: length, time alignment, frequency and amplitude
 * of a tone, rejection of a tone above the new Nyquist, chunk boundaries, rates above the wasm
 * package's 192 kHz limit, and bad arguments.
 */
import { AppError } from '../../../../src-main/common/errors.js';
import { mixToMono, resample } from '../../../../src-main/services/audio/resample.js';
import { sine } from '../../../fixtures/audio-fixtures.js';

function tone(freq: number, seconds: number, rate: number, amplitude: number): Float32Array {
  return sine(freq, seconds, rate, amplitude, 1)[0] as Float32Array;
}

/** Amplitude of the `freq` component of `x[from..to)` by least squares on sin and cos. */
function amplitudeAt(x: Float32Array, freq: number, rate: number, from: number, to: number): number {
  let s = 0;
  let c = 0;
  for (let t = from; t < to; t++) {
    const phase = (2 * Math.PI * freq * t) / rate;
    s += (x[t] as number) * Math.sin(phase);
    c += (x[t] as number) * Math.cos(phase);
  }
  return (2 * Math.hypot(s, c)) / (to - from);
}

function rms(x: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let t = from; t < to; t++) sum += (x[t] as number) ** 2;
  return Math.sqrt(sum / (to - from));
}

function zeroCrossings(x: Float32Array, from: number, to: number): number {
  let count = 0;
  for (let t = from + 1; t < to; t++) if ((x[t - 1] as number) < 0 !== (x[t] as number) < 0) count++;
  return count;
}

/** Largest difference from an ideal sine sampled at the output rate, away from the edges. */
function maxErrorFromIdeal(
  y: Float32Array,
  freq: number,
  rate: number,
  amplitude: number,
  edge: number,
): number {
  let error = 0;
  for (let t = edge; t < y.length - edge; t++) {
    error = Math.max(
      error,
      Math.abs((y[t] as number) - amplitude * Math.sin((2 * Math.PI * freq * t) / rate)),
    );
  }
  return error;
}

const dB = (ratio: number): number => 20 * Math.log10(ratio);

describe('resample', () => {
  it('keeps a 1 kHz tone at 1 kHz, its amplitude within 0.1 dB and its timing, 44.1 kHz to 16 kHz', async () => {
    const input = tone(1000, 2, 44100, 0.5);
    const output = await resample(input, 44100, 16000);
    expect(output.length).toBe(Math.round((input.length * 16000) / 44100));
    // One second in the middle holds 1000 periods: 2000 zero crossings.
    expect(Math.abs(zeroCrossings(output, 8000, 24000) - 2000)).toBeLessThanOrEqual(1);
    expect(Math.abs(dB(amplitudeAt(output, 1000, 16000, 8000, 24000) / 0.5))).toBeLessThan(0.1);
    expect(maxErrorFromIdeal(output, 1000, 16000, 0.5, 200)).toBeLessThan(1e-3);
  });

  it.each(['best', 'medium'] as const)(
    'removes a 9 kHz tone (above the 8 kHz Nyquist) to below -60 dB with %s quality',
    async (quality) => {
      const input = tone(9000, 1, 44100, 0.5);
      const output = await resample(input, 44100, 16000, quality);
      const level = rms(output, 1000, output.length - 1000) / (0.5 / Math.SQRT2);
      expect(dB(level)).toBeLessThan(-60);
    },
  );

  it('upsamples 16 kHz to 48 kHz with the exact length and the tone intact', async () => {
    const input = tone(1000, 1, 16000, 0.8);
    const output = await resample(input, 16000, 48000);
    expect(output.length).toBe(48000);
    expect(maxErrorFromIdeal(output, 1000, 48000, 0.8, 300)).toBeLessThan(1e-3);
  });

  it('stays continuous across its internal chunks on a long input', async () => {
    const input = tone(440, 6, 44100, 0.5); // 264600 samples: several 65536-sample chunks
    const output = await resample(input, 44100, 48000);
    expect(output.length).toBe(288000);
    expect(maxErrorFromIdeal(output, 440, 48000, 0.5, 300)).toBeLessThan(1e-3);
  });

  it('handles rates above the wasm package limit of 192 kHz by reducing the ratio', async () => {
    const input = tone(1000, 0.5, 384000, 0.5);
    const output = await resample(input, 384000, 16000);
    expect(output.length).toBe(8000);
    expect(maxErrorFromIdeal(output, 1000, 16000, 0.5, 100)).toBeLessThan(1e-3);
  });

  it('returns a copy when the rates match, and an empty array for empty input', async () => {
    const input = tone(1000, 0.1, 16000, 0.5);
    const output = await resample(input, 16000, 16000);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
    expect((await resample(new Float32Array(0), 44100, 16000)).length).toBe(0);
  });

  it('refuses rates that are not positive whole numbers and ratios beyond 1:256', async () => {
    const input = tone(1000, 0.1, 16000, 0.5);
    for (const [from, to] of [
      [0, 16000],
      [44100.5, 16000],
      [16000, -1],
      [1000, 300000],
    ] as const) {
      await expect(resample(input, from, to)).rejects.toBeInstanceOf(AppError);
      await expect(resample(input, from, to)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
  });
});

describe('mixToMono', () => {
  it('averages channels', () => {
    const mono = mixToMono([Float32Array.of(1, 0.5, -1), Float32Array.of(0, 0.5, 1)]);
    expect(Array.from(mono)).toEqual([0.5, 0.5, 0]);
  });

  it('copies a single channel and returns nothing for no channels', () => {
    const only = Float32Array.of(0.25, -0.25);
    const mono = mixToMono([only]);
    expect(mono).toEqual(only);
    expect(mono).not.toBe(only);
    expect(mixToMono([]).length).toBe(0);
  });

  it('refuses channels of different lengths', () => {
    expect(() => mixToMono([new Float32Array(3), new Float32Array(2)])).toThrow(AppError);
  });
});
