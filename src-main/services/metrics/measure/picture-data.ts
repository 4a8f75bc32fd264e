/**
 * What the side-by-side pictures of a take and its source draw (docs/metrics.md §8: waveform,
 * frequency spectrum, mel spectrogram), on shared axes so the two line up:
 *
 *  - waveform: min/max per column, the same seconds per column for both, chosen so the longer
 *    signal has about WAVEFORM_COLUMNS columns;
 *  - spectrum: the long-term spectrum on one log-frequency axis (features/log-spectrum.ts);
 *  - mel: log-mel spectrograms, [frame][band] dB, the same hop for both, chosen so the longer
 *    signal has at most MAX_MEL_FRAMES frames;
 *  - copies: the regions copy detection flagged, to highlight.
 *
 * Numbers are rounded (samples to 1e-4, dB to 0.1) because this travels as JSON over IPC and
 * into PNG rendering, where finer steps are invisible.
 */
import { AppError } from '../../../common/errors.js';
import type { CopyRegion, PictureData } from '../../../common/metrics.js';
import { logSpectrum, melSpectrogram } from '../features/index.js';
import type { AudioInput } from './measure-take.js';

const WAVEFORM_COLUMNS = 1000;
const SPECTRUM_POINTS = 256;
const MAX_MEL_FRAMES = 600;
const MEL_BANDS = 64;
const MIN_MEL_HOP = 256;

/** x to `digits` decimals (dividing by a power of ten keeps the JSON short: 0.3, not 0.30000000000000004). */
const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** (columns) [min, max] pairs of x, `perColumn` samples each. */
function envelope(x: Float32Array, perColumn: number): [number, number][] {
  const columns: [number, number][] = [];
  for (let start = 0; start < x.length; start += perColumn) {
    let low = Infinity;
    let high = -Infinity;
    const end = Math.min(x.length, start + perColumn);
    for (let i = start; i < end; i++) {
      const value = x[i]!;
      if (value < low) low = value;
      if (value > high) high = value;
    }
    columns.push([round(low, 4), round(high, 4)]);
  }
  return columns;
}

/** [frame][band] rows of a (frames, bands) dB array. */
function rows(db: Float32Array, frames: number, bands: number): number[][] {
  const out: number[][] = [];
  for (let t = 0; t < frames; t++) {
    const row: number[] = [];
    for (let b = 0; b < bands; b++) row.push(round(db[t * bands + b]!, 1));
    out.push(row);
  }
  return out;
}

/** The picture data of `take` beside `source` (mono, same rate), with `copies` to highlight. */
export function pictureData(takeId: number, take: AudioInput, source: AudioInput, copies: CopyRegion[]): PictureData {
  const { sampleRate } = take;
  if (source.sampleRate !== sampleRate) {
    throw new AppError('INVALID_INPUT', `cannot draw a take at ${sampleRate} Hz beside a source at ${source.sampleRate} Hz (resample one first)`);
  }
  if (take.samples.length === 0 || source.samples.length === 0) throw new AppError('EMPTY_AUDIO', 'cannot draw audio with no samples');
  const longest = Math.max(take.samples.length, source.samples.length);

  const perColumn = Math.max(1, Math.ceil(longest / WAVEFORM_COLUMNS));
  const takeSpectrum = logSpectrum(take.samples, sampleRate, { points: SPECTRUM_POINTS });
  const sourceSpectrum = logSpectrum(source.samples, sampleRate, { points: SPECTRUM_POINTS });

  let hop = MIN_MEL_HOP;
  while (Math.floor(longest / hop) + 1 > MAX_MEL_FRAMES) hop *= 2;
  const nFft = Math.max(1024, 2 * hop);
  const takeMel = melSpectrogram(take.samples, sampleRate, { nFft, hop, nMels: MEL_BANDS });
  const sourceMel = melSpectrogram(source.samples, sampleRate, { nFft, hop, nMels: MEL_BANDS });

  return {
    takeId,
    sampleRate,
    waveform: { take: envelope(take.samples, perColumn), source: envelope(source.samples, perColumn), secondsPerColumn: perColumn / sampleRate },
    spectrum: {
      frequencies: Array.from(takeSpectrum.frequencies, (f) => round(f, 2)),
      take: Array.from(takeSpectrum.db, (d) => round(d, 1)),
      source: Array.from(sourceSpectrum.db, (d) => round(d, 1)),
    },
    mel: {
      bands: MEL_BANDS,
      secondsPerFrame: hop / sampleRate,
      take: rows(takeMel.db, takeMel.frames, MEL_BANDS),
      source: rows(sourceMel.db, sourceMel.frames, MEL_BANDS),
    },
    copies,
  };
}
