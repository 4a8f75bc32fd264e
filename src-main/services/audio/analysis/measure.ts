/**
 * What we measure on every imported file, and the rules that refuse a file before it enters the
 * library: empty, silent, too short to cut a clip from, too long, or carrying samples no
 * recording holds (NaN, infinite, or far beyond full scale). Measuring is separate from
 * refusing so the same numbers can be shown for generated takes, which are never refused.
 */
import { AppError } from '../../../common/errors.js';
import { MAX_PEAK_DBFS, MIN_CLIP_SECONDS, SILENCE_FLOOR_DBFS } from '../../../common/limits.js';
import { tooLong } from '../containers/header-bytes.js';
import type { DecodedAudio } from '../decode.js';
import { integratedLoudness } from '../loudness.js';

/** Measurements of one decoded file. */
export interface AudioAnalysis {
  /** Sample frames per channel. */
  frames: number;
  durationSeconds: number;
  /** Largest |sample| over all channels in dBFS (0 dBFS = 1.0); -Infinity for digital silence. */
  peakDbfs: number;
  /** BS.1770-4 integrated loudness, LUFS; null when the gate closed (silence or under 400 ms). */
  loudnessLufs: number | null;
}

/** Sample peak of (C, T) channels as a linear value; NaN if any sample is NaN or infinite. */
function samplePeak(channels: Float32Array[]): number {
  let peak = 0;
  for (const channel of channels) {
    for (let i = 0; i < channel.length; i++) {
      const v = channel[i] as number;
      if (v - v !== 0) return Number.NaN;
      const magnitude = v < 0 ? -v : v;
      if (magnitude > peak) peak = magnitude;
    }
  }
  return peak;
}

/** Measures a decoded file: length, sample peak and integrated loudness. */
export function analyseAudio(audio: DecodedAudio): AudioAnalysis {
  const frames = audio.channels[0]?.length ?? 0;
  const peak = samplePeak(audio.channels);
  const peakDbfs = Number.isNaN(peak) ? Number.NaN : 20 * Math.log10(peak);
  return {
    frames,
    durationSeconds: audio.sampleRate > 0 ? frames / audio.sampleRate : 0,
    peakDbfs,
    loudnessLufs: Number.isNaN(peak) ? null : integratedLoudness(audio.channels, audio.sampleRate),
  };
}

/** A short length in words: "2.27 ms" under a tenth of a second, else "0.75 s". */
function shortLength(seconds: number): string {
  return seconds < 0.1 ? `${(seconds * 1000).toFixed(2)} ms` : `${seconds.toFixed(2)} s`;
}

/**
 * Refuses a file the library must not import, with an AppError naming it: EMPTY_AUDIO (no
 * frames), INVALID_SAMPLES (NaN or infinite samples, or a peak over MAX_PEAK_DBFS),
 * TOO_SHORT (shorter than the shortest clip), SILENT_AUDIO (peak below SILENCE_FLOOR_DBFS),
 * TOO_LONG (over `limits.maxSeconds`).
 */
export function checkImportable(
  name: string,
  audio: DecodedAudio,
  analysis: AudioAnalysis,
  limits: { maxSeconds: number },
): void {
  if (analysis.frames === 0 || audio.channels.length === 0) {
    throw new AppError('EMPTY_AUDIO', `${name}: the file contains no samples`);
  }
  if (Number.isNaN(analysis.peakDbfs)) {
    throw new AppError('INVALID_SAMPLES', `${name}: contains NaN or infinite samples`);
  }
  if (analysis.peakDbfs > MAX_PEAK_DBFS) {
    throw new AppError(
      'INVALID_SAMPLES',
      `${name}: peaks at +${analysis.peakDbfs.toFixed(1)} dBFS, far beyond any recording (more than +${MAX_PEAK_DBFS} dBFS): the samples are damaged or not scaled as audio`,
    );
  }
  if (analysis.durationSeconds < MIN_CLIP_SECONDS) {
    throw new AppError(
      'TOO_SHORT',
      `${name}: is ${shortLength(analysis.durationSeconds)} long; the shortest clip is ${MIN_CLIP_SECONDS} s, so none could be cut from it`,
    );
  }
  if (analysis.peakDbfs < SILENCE_FLOOR_DBFS) {
    const peak = Number.isFinite(analysis.peakDbfs) ? `${analysis.peakDbfs.toFixed(1)} dBFS` : '-inf dBFS';
    throw new AppError('SILENT_AUDIO', `${name}: is silent (peak ${peak})`);
  }
  if (analysis.durationSeconds > limits.maxSeconds) throw tooLong(name, analysis.durationSeconds, limits.maxSeconds);
}
