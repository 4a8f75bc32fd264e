/**
 * Typed, cached FFT plans on fft.js (Fedor Indutny's radix-4 FFT).
 *
 * The project's one FFT: the metrics' features run tens of thousands of short transforms of one
 * size (an STFT frame, a YIN segment), where fft.js's precomputed tables and real-input
 * transform pay off (so do the import's tempo and key analysis, analysis/), and fft.ts (the takes' band stitch) runs its
 * complex transforms on the same cached plans. fft.js ships untyped (`any`) signatures, so this file is the only one that
 * touches it; everything else sees the typed plan below.
 *
 * Convention (numpy's): forward X[k] = Σ_t x[t]·exp(-2πi·kt/n); inverse divides by n.
 * Complex arrays are interleaved (2n): [re0, im0, re1, im1, …].
 */
import FFT from 'fft.js';
import { AppError } from '../../common/errors.js';

/** A transform size's tables and scratch, reused frame after frame. Not re-entrant. */
export interface FftPlan {
  readonly size: number;
  /**
   * The one-sided spectrum of real `input` (size) into `out` (2·size, interleaved): bins
   * 0 … size/2 are written; the rest of `out` is left as it was.
   */
  realForward(input: Float64Array, out: Float64Array): void;
  /** The complex forward transform of `input` (2·size) into `out` (2·size). */
  forward(input: Float64Array, out: Float64Array): void;
  /** The complex inverse of `spectrum` (2·size) into `out` (2·size), scaled by 1/size. */
  inverse(spectrum: Float64Array, out: Float64Array): void;
}

const plans = new Map<number, FftPlan>();

/** The plan for `size` (a power of two ≥ 4), built once per process. */
export function fftPlan(size: number): FftPlan {
  const cached = plans.get(size);
  if (cached) return cached;
  if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
    throw new AppError('INTERNAL', `fft: size ${size} is not a power of two of at least 4`);
  }
  const fft = new FFT(size);
  const plan: FftPlan = {
    size,
    realForward: (input, out) => fft.realTransform(out, input),
    forward: (input, out) => fft.transform(out, input),
    inverse: (spectrum, out) => fft.inverseTransform(out, spectrum),
  };
  plans.set(size, plan);
  return plan;
}

/** Whether n is a power of two ≥ 4 (the sizes fftPlan accepts). */
export function isFftSize(n: number): boolean {
  return Number.isInteger(n) && n >= 4 && (n & (n - 1)) === 0;
}
