/**
 * References for the DSP tests: a direct DFT (slow and obviously right, independent of the FFT
 * under test) and seeded uniform noise.
 */
import { mulberry32 } from '../../../fixtures/audio-fixtures.js';

/** Direct DFT of a real signal, bins 0 … count−1: (re, im). Slow and obviously right. */
export function directDft(x: ArrayLike<number>, count = x.length): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(count);
  const im = new Float64Array(count);
  const cos = Float64Array.from({ length: n }, (_, j) => Math.cos((-2 * Math.PI * j) / n));
  const sin = Float64Array.from({ length: n }, (_, j) => Math.sin((-2 * Math.PI * j) / n));
  for (let k = 0; k < count; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const j = (k * t) % n;
      sr += x[t]! * cos[j]!;
      si += x[t]! * sin[j]!;
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

export function noise(length: number, seed: number, amplitude = 0.5): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length }, () => amplitude * (2 * random() - 1));
}
