/**
 * What we measure on every imported file, and the rules that refuse a file before it enters the
 * library: empty, silent, too long, or carrying NaN samples. Measuring is separate from refusing
 * so the same numbers can be shown for generated takes, which are never refused.
 */
import { AppError } from '../../common/errors.js';
import { SILENCE_FLOOR_DBFS } from '../../common/limits.js';
import type { DecodedAudio } from './decode.js';
import { integratedLoudness } from './loudness.js';

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

/**
 * Minutes and seconds, m:ss. A duration rounds up and a limit down, so a file that is over the
 * limit by a fraction of a second never reads "20:00 long; the limit is 20:00".
 */
function minutesSeconds(seconds: number, round: (value: number) => number): string {
  const whole = round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * Refuses a file the library must not import, with an AppError naming it: EMPTY_AUDIO (no
 * frames), INVALID_SAMPLES (NaN or infinite samples), SILENT_AUDIO (peak below
 * SILENCE_FLOOR_DBFS), TOO_LONG (over `limits.maxSeconds`).
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
  if (analysis.peakDbfs < SILENCE_FLOOR_DBFS) {
    const peak = Number.isFinite(analysis.peakDbfs) ? `${analysis.peakDbfs.toFixed(1)} dBFS` : '-inf dBFS';
    throw new AppError('SILENT_AUDIO', `${name}: is silent (peak ${peak})`);
  }
  if (analysis.durationSeconds > limits.maxSeconds) {
    throw new AppError(
      'TOO_LONG',
      `${name}: is ${minutesSeconds(analysis.durationSeconds, Math.ceil)} long; the limit is ${minutesSeconds(limits.maxSeconds, Math.floor)} (set --max-duration to import longer files)`,
    );
  }
}
