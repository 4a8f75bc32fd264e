/**
 * MFCCs as librosa computes them: the orthonormal DCT-II of each frame's log-mel spectrum
 * (dB, top_db 80), first nMfcc coefficients. The metrics keep the first 13 of 40 (docs/metrics.md §2); with an
 * orthonormal DCT each coefficient's scale does not depend on how many are computed, so
 * keeping 13 of 40 is computing 13.
 *
 * Shapes: log-mel (frames, bands) → data (frames, keep), row-major.
 */
import { AppError } from '../../../common/errors.js';
import { melSpectrogram, type MelOptions, type MelSpectrogram } from './mel.js';

export interface Mfcc {
  frames: number;
  coefficients: number;
  data: Float32Array;
  secondsPerFrame: number;
}

export interface MfccOptions extends MelOptions {
  /** Coefficients in the DCT (librosa's n_mfcc; the metrics: 40, docs/metrics.md §2). */
  nMfcc?: number;
  /** Leading coefficients returned (the metrics: 13, c0 = overall level included). */
  keep?: number;
}

export const MFCC_DEFAULTS = { nMfcc: 40, keep: 13 } as const;

/**
 * The first `rows` rows of the n-point orthonormal DCT-II matrix (rows, n):
 * D[k][i] = s_k · cos(π·k·(2i + 1) / 2n), s_0 = √(1/n), s_k = √(2/n).
 */
export function dctMatrix(rows: number, n: number): Float64Array {
  const matrix = new Float64Array(rows * n);
  for (let k = 0; k < rows; k++) {
    const scale = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let i = 0; i < n; i++) matrix[k * n + i] = scale * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
  }
  return matrix;
}

/** MFCCs of a log-mel spectrogram: the first `keep` of `nMfcc` orthonormal DCT-II coefficients. */
export function mfccFromMel(mel: MelSpectrogram, o: Pick<MfccOptions, 'nMfcc' | 'keep'> = {}): Mfcc {
  const nMfcc = o.nMfcc ?? MFCC_DEFAULTS.nMfcc;
  const keep = o.keep ?? MFCC_DEFAULTS.keep;
  const { frames, bands, db } = mel;
  if (keep < 1 || keep > nMfcc || nMfcc > bands) {
    throw new AppError('INTERNAL', `mfcc: keep ${keep} of ${nMfcc} coefficients from ${bands} mel bands`);
  }
  const dct = dctMatrix(keep, bands);
  const data = new Float32Array(frames * keep);
  for (let t = 0; t < frames; t++) {
    const row = t * bands;
    for (let k = 0; k < keep; k++) {
      let sum = 0;
      for (let i = 0; i < bands; i++) sum += dct[k * bands + i]! * db[row + i]!;
      data[t * keep + k] = sum;
    }
  }
  return { frames, coefficients: keep, data, secondsPerFrame: mel.secondsPerFrame };
}

/** MFCCs of x: log-mel (2048 / 512 / 128 bands by default), then the first 13 of 40 coefficients. */
export function mfcc(x: Float32Array, sampleRate: number, o: MfccOptions = {}): Mfcc {
  return mfccFromMel(melSpectrogram(x, sampleRate, o), o);
}
