/**
 * A radix-2 complex FFT for the bandwidth-extension stitch (band-stitch.ts), in double precision.
 *
 * Why our own and why powers of two: the stitch needs one forward transform of two real signals
 * and one inverse, on takes of up to a few million samples. The well-kept npm FFT (fft.js) only
 * does powers of two, and the arbitrary-length ones (kissfft-js, ndarray-fft) are unmaintained
 * ports, so the stitch zero-pads to the next power of two anyway (band-stitch.ts explains why
 * that is harmless), and an iterative radix-2 transform is forty lines we can test against a
 * direct DFT without adding a dependency.
 *
 * Convention: forward X[k] = Σ_t x[t]·exp(-2πi·kt/n), inverse divides by n (numpy's fft/ifft).
 */
import { AppError } from '../../../common/errors.js';

/** The smallest power of two ≥ n (1 for n ≤ 1). */
export function nextPowerOfTwo(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

/**
 * In-place FFT of the complex signal (re, im), both (n) with n a power of two; `inverse` takes
 * the inverse transform, scaled by 1/n.
 */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n || (n & (n - 1)) !== 0) {
    throw new AppError('INTERNAL', `fft: ${n} and ${im.length} samples (needs equal powers of two)`);
  }
  if (n <= 1) return;
  // Bit-reversal permutation.
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  // Twiddles exp(∓2πi·k/n) for k < n/2, once; a stage of span `size` strides through them.
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = sign * Math.sin((2 * Math.PI * k) / n);
  }
  for (let size = 2; size <= n; size *= 2) {
    const halfSize = size >> 1;
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < halfSize; k++) {
        const wr = cos[k * stride]!;
        const wi = sin[k * stride]!;
        const a = start + k;
        const b = a + halfSize;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] = re[i]! / n;
      im[i] = im[i]! / n;
    }
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
