/**
 * The bandwidth-extension stitch (docs/caw-spec.md §4 "Bandwidth extension"): keep the band-limited
 * input's own spectrum below its Nyquist frequency, take the generated signal's above it, and
 * crossfade linearly over the ~400 Hz just below that Nyquist.
 *
 * With r = highRate / lowRate (an integer) and N = r · (input length):
 * - the input is zero-stuffed to N samples (x at every r-th index); its spectrum below the
 *   input's Nyquist is the input's own, scaled by 1/r, so it is multiplied back by r (the
 *   reference's "divide by H = 1/r");
 * - stitch bin b = ceil(n / 2r) (the input's Nyquist), crossfade width 2·int(n / highRate · 200)
 *   bins ending at b: the low band's weight falls linearly from 1 to 0 across it;
 * - the one-sided result is extended Hermitian-ly and inverse-transformed to a real signal.
 *
 * Two departures from the reference, both deliberate:
 * - Transforms are zero-padded from N to n = the next power of two (fft.ts says why). The
 *   spectra are then the same spectra sampled more finely; the only difference is that the
 *   stitch's short filter rings into the padding instead of wrapping around onto the other end
 *   of the signal, and the padding is cut off.
 * - The crossfade is capped at a quarter of the input's band, so a low input rate (a 1 kHz
 *   input of a small model) keeps most of its band instead of fading all of it; at the rates
 *   the reference uses (≥ 4 kHz inputs) the cap never applies.
 */
import { AppError } from '../../../common/errors.js';
import { nextPowerOfTwo, realInverse, twoRealSpectra } from '../../audio/fft.js';

/** Half the reference's crossfade width, Hz (it spans 2 × this below the input's Nyquist). */
const CROSSFADE_HALF_HZ = 200;

/** Where the crossfade sits, in bins of an n-point transform. */
export interface StitchBands {
  /** The input's Nyquist bin: the generated signal alone from here up. */
  stitchBin: number;
  /** Crossfade width in bins: the low band alone below stitchBin − fadeBins. */
  fadeBins: number;
}

export function stitchBands(n: number, lowRate: number, highRate: number): StitchBands {
  const factor = highRate / lowRate;
  const stitchBin = Math.ceil(n / (2 * factor));
  const reference = 2 * Math.trunc((n / highRate) * CROSSFADE_HALF_HZ);
  return { stitchBin, fadeBins: Math.min(reference, Math.floor(stitchBin / 4)) };
}

/**
 * The stitched signal (N = generated.length) at highRate: `low` (at lowRate, N / r samples)
 * below its Nyquist, `generated` above. Throws INTERNAL when the rates or lengths disagree.
 */
export function stitchBandwidth(low: Float32Array, lowRate: number, generated: Float32Array, highRate: number): Float32Array {
  const factor = highRate / lowRate;
  if (!Number.isInteger(factor) || factor < 2 || generated.length !== low.length * factor) {
    throw new AppError(
      'INTERNAL',
      `bandwidth stitch: ${low.length} samples at ${lowRate} Hz do not match ${generated.length} at ${highRate} Hz`,
    );
  }
  const length = generated.length;
  const stuffed = new Float32Array(length);
  for (let i = 0; i < low.length; i++) stuffed[i * factor] = low[i]!;
  const n = nextPowerOfTwo(length);
  const { aRe: lowRe, aIm: lowIm, bRe: highRe, bIm: highIm } = twoRealSpectra(stuffed, generated, n);
  const { stitchBin, fadeBins } = stitchBands(n, lowRate, highRate);
  const fadeStart = stitchBin - fadeBins;
  const bins = n / 2 + 1;
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    // Weight of the input's band: 1 below the fade, falling linearly to 0 at stitchBin.
    const w = k < fadeStart ? 1 : k >= stitchBin ? 0 : (stitchBin - k) / fadeBins;
    re[k] = w * factor * lowRe[k]! + (1 - w) * highRe[k]!;
    im[k] = w * factor * lowIm[k]! + (1 - w) * highIm[k]!;
  }
  const out = realInverse(re, im, n);
  return Float32Array.from(out.subarray(0, length));
}
