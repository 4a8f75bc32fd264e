/**
 * Complex FFTs for the bandwidth-extension stitch (takes/render/band-stitch.ts), in double
 * precision, over the project's one FFT (fft.js through fft-plan.ts).
 *
 * Powers of two only: fft.js does no other sizes and the arbitrary-length npm FFTs (kissfft-js,
 * ndarray-fft) are unmaintained ports, so the stitch zero-pads to the next power of two
 * (band-stitch.ts explains why that is harmless). What is ours: packing two real signals
 * into one complex transform and the Hermitian inverse.
 *
 * Convention: forward X[k] = Σ_t x[t]·exp(-2πi·kt/n), inverse divides by n (numpy's fft/ifft).
 */
import { AppError } from '../../common/errors.js';
import { fftPlan } from './fft-plan.js';

/** The smallest power of two ≥ n (1 for n ≤ 1). */
export function nextPowerOfTwo(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

/**
 * In-place FFT of the complex signal (re, im), both (n) with n a power of two; `inverse` takes
 * the inverse transform, scaled by 1/n. Runs on the shared fft.js plans (fft-plan.ts).
 */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n || (n & (n - 1)) !== 0) {
    throw new AppError('INTERNAL', `fft: ${n} and ${im.length} samples (needs equal powers of two)`);
  }
  if (n <= 1) return;
  if (n === 2) {
    // fft.js plans start at 4; the 2-point transform is a sum and a difference.
    const scale = inverse ? 0.5 : 1;
    [re[0], re[1]] = [(re[0]! + re[1]!) * scale, (re[0]! - re[1]!) * scale];
    [im[0], im[1]] = [(im[0]! + im[1]!) * scale, (im[0]! - im[1]!) * scale];
    return;
  }
  const plan = fftPlan(n);
  const data = new Float64Array(2 * n); // interleaved [re0, im0, re1, im1, …]
  for (let i = 0; i < n; i++) {
    data[2 * i] = re[i]!;
    data[2 * i + 1] = im[i]!;
  }
  const out = new Float64Array(2 * n);
  if (inverse) plan.inverse(data, out);
  else plan.forward(data, out);
  for (let i = 0; i < n; i++) {
    re[i] = out[2 * i]!;
    im[i] = out[2 * i + 1]!;
  }
}

/** One-sided spectra (bins 0 … n/2) of two real signals. */
export interface TwoSpectra {
  aRe: Float64Array;
  aIm: Float64Array;
  bRe: Float64Array;
  bIm: Float64Array;
}

/**
 * The one-sided spectra of real a and b, each zero-padded to n (a power of two ≥ both lengths),
 * from ONE complex FFT of z = a + i·b: A[k] = (Z[k] + conj Z[n−k]) / 2 and
 * B[k] = (Z[k] − conj Z[n−k]) / 2i, since both signals are real.
 */
export function twoRealSpectra(a: Float32Array, b: Float32Array, n: number): TwoSpectra {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  re.set(a);
  im.set(b);
  fftInPlace(re, im);
  const bins = n / 2 + 1;
  const out: TwoSpectra = {
    aRe: new Float64Array(bins),
    aIm: new Float64Array(bins),
    bRe: new Float64Array(bins),
    bIm: new Float64Array(bins),
  };
  for (let k = 0; k < bins; k++) {
    const m = (n - k) % n;
    const zr = re[k]!;
    const zi = im[k]!;
    const cr = re[m]!; // conj Z[n−k] = (cr, −ci)
    const ci = -im[m]!;
    out.aRe[k] = (zr + cr) / 2;
    out.aIm[k] = (zi + ci) / 2;
    // (Z − conj Z[n−k]) / 2i = (dr + i·di) / 2i = (di − i·dr) / 2
    out.bRe[k] = (zi - ci) / 2;
    out.bIm[k] = -(zr - cr) / 2;
  }
  return out;
}

/**
 * The real signal (n) whose one-sided spectrum is (re, im) over bins 0 … n/2: the Hermitian
 * extension X[n−k] = conj X[k], inverse FFT, real part. The imaginary parts of bins 0 and n/2
 * are ignored (a real signal has none there).
 */
export function realInverse(re: Float64Array, im: Float64Array, n: number): Float64Array {
  const fullRe = new Float64Array(n);
  const fullIm = new Float64Array(n);
  const half = n / 2;
  fullRe[0] = re[0]!;
  fullRe[half] = re[half]!;
  for (let k = 1; k < half; k++) {
    fullRe[k] = re[k]!;
    fullIm[k] = im[k]!;
    fullRe[n - k] = re[k]!;
    fullIm[n - k] = -im[k]!;
  }
  fftInPlace(fullRe, fullIm, true);
  return fullRe;
}
