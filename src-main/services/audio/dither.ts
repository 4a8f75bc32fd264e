/**
 * TPDF dither for integer WAV writes (wav.ts encodeWav's `dither`): the sum of two independent
 * uniform values in [−½, ½) LSB, triangular on (−1, 1) LSB. Added before rounding it makes the
 * quantisation error independent of the signal (mean 0, variance LSB²/4 with the rounding),
 * so a level below one LSB survives as noise instead of vanishing, and two writes of the same
 * audio with different seeds are different files holding the same audio within 2 LSB: how a
 * listening session renders a repeated item so that no hash of the files spots the repeat.
 *
 * The generator is mulberry32 (32-bit state): a 60 s item at 48 kHz draws 5.8 million values,
 * far more than the seeded splitmix64 of node/seeded-random.ts does quickly in BigInt, and far
 * fewer than mulberry32's period.
 */
import type { DitherSource } from './wav.js';

/** Seeded TPDF dither, one value per call, in LSBs. `seed` is any integer; only its low 32 bits count. */
export function tpdfDither(seed: number): DitherSource {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => uniform() - uniform();
}
