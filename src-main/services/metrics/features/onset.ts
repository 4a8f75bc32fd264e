/**
 * Onset strength as librosa's default onset_strength: the spectral flux of the log-mel
 * spectrogram (dB, top_db 80) — per band the rise since the previous frame, negatives dropped,
 * averaged over bands — shifted so a peak sits on the frame of the onset itself.
 *
 * Why the shift of 1 + ⌊nFft/(2·hop)⌋ frames: flux at index f compares frames f + 1 and f, and
 * a centred frame already hears sound nFft/2 samples ahead of its centre, so an onset at frame
 * t first shows in frame t − nFft/(2·hop). The first frames, before any flux, read 0.
 *
 * Shapes: log-mel (frames, bands) → strength (frames), frame times t·hop / sampleRate.
 */
import { melSpectrogram, type MelOptions, type MelSpectrogram } from './mel.js';

export interface OnsetStrength {
  frames: number;
  data: Float32Array;
  secondsPerFrame: number;
}

/** Onset strength of a log-mel spectrogram. */
export function onsetFromMel(mel: MelSpectrogram): OnsetStrength {
  const { frames, bands, db, secondsPerFrame, nFft, hop } = mel;
  const shift = 1 + Math.floor(nFft / (2 * hop));
  const data = new Float32Array(frames);
  for (let f = 0; f + 1 < frames && f + shift < frames; f++) {
    const previous = f * bands;
    const next = previous + bands;
    let rise = 0;
    for (let band = 0; band < bands; band++) {
      const difference = db[next + band]! - db[previous + band]!;
      if (difference > 0) rise += difference;
    }
    data[f + shift] = rise / bands;
  }
  return { frames, data, secondsPerFrame };
}

/** Onset strength of x (log-mel with 2048 / 512 / 128 bands by default). */
export function onsetStrength(x: Float32Array, sampleRate: number, o: MelOptions = {}): OnsetStrength {
  return onsetFromMel(melSpectrogram(x, sampleRate, o));
}
