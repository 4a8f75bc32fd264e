/**
 * The long-term spectrum of a signal on log-spaced frequencies, for the side-by-side pictures
 * (docs/metrics.md §8): the mean Hann-windowed power over 50 %-overlapping
 * frames, read at `points` frequencies spaced evenly in log frequency from fMin to sr/2.
 *
 * Scale: a bin's power divided by (Σw / 2)² = (nFft / 4)², in dB, so a sine of amplitude A
 * reads 20·log10(A) in its own bin; floor −120 dB. Each point averages the bins inside its band
 * (edges at the geometric midpoints between points), so where a band spans several bins (high
 * frequencies) a sine reads a few dB under its level while noise reads its density; where a
 * band is narrower than a bin (low frequencies) the point interpolates between the two nearest
 * bins. Take and source go through the same reading, which is what the picture compares.
 *
 * Shapes: x (T) → frequencies (points) Hz, db (points).
 */
import { AppError } from '../../../common/errors.js';
import { stft } from './stft.js';

export interface LogSpectrum {
  frequencies: Float64Array;
  db: Float32Array;
}

export interface LogSpectrumOptions {
  nFft?: number;
  points?: number;
  fMin?: number;
}

export const LOG_SPECTRUM_DEFAULTS = { nFft: 4096, points: 512, fMin: 20 } as const;
const FLOOR_DB = -120;

/** The mean power spectrum of x on log-spaced frequencies (see the file header). */
export function logSpectrum(x: Float32Array, sampleRate: number, o: LogSpectrumOptions = {}): LogSpectrum {
  const nFft = o.nFft ?? LOG_SPECTRUM_DEFAULTS.nFft;
  const points = o.points ?? LOG_SPECTRUM_DEFAULTS.points;
  const fMin = o.fMin ?? LOG_SPECTRUM_DEFAULTS.fMin;
  const nyquist = sampleRate / 2;
  if (!(fMin > 0 && fMin < nyquist) || points < 2) {
    throw new AppError('INTERNAL', `log spectrum: ${points} points from ${fMin} Hz at ${sampleRate} Hz`);
  }
  const { frames, bins, power } = stft(x, { nFft, hop: nFft >> 1 });
  const mean = new Float64Array(bins); // (bins), power relative to a full-scale sine
  const fullScale = (nFft / 4) ** 2;
  for (let t = 0; t < frames; t++) for (let k = 0; k < bins; k++) mean[k] = mean[k]! + power[t * bins + k]!;
  for (let k = 0; k < bins; k++) mean[k] = frames > 0 ? mean[k]! / frames / fullScale : 0;

  const frequencies = Float64Array.from({ length: points }, (_, i) => fMin * (nyquist / fMin) ** (i / (points - 1)));
  const db = new Float32Array(points);
  const binHz = sampleRate / nFft;
  for (let i = 0; i < points; i++) {
    const f = frequencies[i]!;
    const low = i > 0 ? Math.sqrt(f * frequencies[i - 1]!) : f;
    const high = i < points - 1 ? Math.sqrt(f * frequencies[i + 1]!) : f;
    const first = Math.ceil(low / binHz);
    const last = Math.min(bins - 1, Math.floor(high / binHz));
    let value: number;
    if (last - first >= 1) {
      let sum = 0;
      for (let k = first; k <= last; k++) sum += mean[k]!;
      value = sum / (last - first + 1);
    } else {
      const position = Math.min(bins - 1, f / binHz);
      const below = Math.floor(position);
      const above = Math.min(bins - 1, below + 1);
      const fraction = position - below;
      value = mean[below]! * (1 - fraction) + mean[above]! * fraction;
    }
    db[i] = value > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(value)) : FLOOR_DB;
  }
  return { frequencies, db };
}
