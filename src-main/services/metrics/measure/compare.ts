/**
 * One signal compared with a reference (its source clip, held-out audio of the song, another
 * take), from their summaries (summary.ts):
 *
 *  - mfccKl: symmetric KL divergence of the MFCC Gaussians, nats (gaussian.ts says why
 *    symmetric: neither side is the truth, and compare(a, b) = compare(b, a)).
 *  - mfccFrechet: the Fréchet distance of the same Gaussians (FAD's formula on MFCCs, docs/metrics.md §4).
 *  - spectralDistance: multi-resolution log-spectral distance, dB: at each of the three
 *    resolutions, the root mean square over mel bands of the differences of the bands' mean
 *    level and of their spread over time, √(mean_b (Δμ_b² + Δσ_b²)); then the mean over
 *    resolutions. Not frame by frame: a take is not time-aligned with its source, so what is
 *    compared is how each band sounds and moves over the whole signal. 0 for identical audio.
 *  - pitchEntropyDelta: a's pitch entropy minus b's, bits.
 *
 * Both signals must be at the same sample rate (the bands are laid out per rate).
 */
import { AppError } from '../../../common/errors.js';
import type { Comparison } from '../../../common/metrics.js';
import { frechetDistance, symmetricKl } from './gaussian.js';
import type { BandStats, FeatureSummary } from './summary.js';

function checkComparable(a: FeatureSummary, b: FeatureSummary): void {
  if (a.sampleRate !== b.sampleRate) {
    throw new AppError('INVALID_INPUT', `cannot compare audio at ${a.sampleRate} Hz with audio at ${b.sampleRate} Hz (resample one first)`);
  }
  if (a.spectra.length !== b.spectra.length || a.mfcc.dimension !== b.mfcc.dimension) {
    throw new AppError('INTERNAL', 'compare: summaries of different layouts');
  }
}

/** √(mean_b (Δmean_b² + Δstd_b²)), dB, for one resolution. */
function bandDistance(a: BandStats, b: BandStats): number {
  const bands = a.meanDb.length;
  if (b.meanDb.length !== bands || a.nFft !== b.nFft) throw new AppError('INTERNAL', 'compare: band layouts differ');
  let sum = 0;
  for (let i = 0; i < bands; i++) {
    sum += (a.meanDb[i]! - b.meanDb[i]!) ** 2 + (a.stdDb[i]! - b.stdDb[i]!) ** 2;
  }
  return bands > 0 ? Math.sqrt(sum / bands) : 0;
}

/** Multi-resolution log-spectral distance, dB (see the file header). */
export function spectralDistance(a: FeatureSummary, b: FeatureSummary): number {
  checkComparable(a, b);
  let sum = 0;
  for (let r = 0; r < a.spectra.length; r++) sum += bandDistance(a.spectra[r]!, b.spectra[r]!);
  return a.spectra.length > 0 ? sum / a.spectra.length : 0;
}

/** MFCC Fréchet distance between two summaries (diversity's pairwise distance). */
export function mfccFrechet(a: FeatureSummary, b: FeatureSummary): number {
  checkComparable(a, b);
  return frechetDistance(a.mfcc, b.mfcc);
}

/** Signal `a` compared with reference `b`. */
export function compare(a: FeatureSummary, b: FeatureSummary): Comparison {
  checkComparable(a, b);
  return {
    mfccKl: symmetricKl(a.mfcc, b.mfcc),
    mfccFrechet: frechetDistance(a.mfcc, b.mfcc),
    spectralDistance: spectralDistance(a, b),
    pitchEntropyDelta: a.pitch.entropyBits - b.pitch.entropyBits,
  };
}
