/**
 * Chroma: the energy of each of the 12 pitch classes per frame (C = 0 … B = 11, A = 9), from a
 * power spectrogram, each frame scaled so its strongest class is 1 (silent frames stay 0).
 *
 * Like librosa's chroma_stft in outline, not bit for bit: each FFT bin spreads its power over
 * the pitch classes with a Gaussian in semitones whose width is the bin's own width in
 * semitones (at least one), the bin's weights are scaled to unit length, and an octave weight
 * (Gaussian in octaves around 880 Hz, ±2 octaves) fades out the rumble and hiss that carry no
 * pitch. No tuning estimate: A = 440 Hz.
 *
 * Shapes: filterbank (12, bins) row-major; chroma (frames, 12) row-major.
 */
import { stft, type PowerSpectrogram } from './stft.js';

export interface Chroma {
  frames: number;
  data: Float32Array;
  secondsPerFrame: number;
}

export const PITCH_CLASSES = 12;
/** C0, the pitch of class 0 in the lowest octave (A4 = 440 Hz, equal temperament). */
const C0_HZ = 440 * 2 ** (-57 / 12);
const OCTAVE_CENTRE_HZ = 880;
const OCTAVE_WIDTH = 2;
/** Frames whose weighted energy is below this are silent (all classes 0). */
const SILENT_ENERGY = 1e-10;

/** The chroma filterbank (12, bins) for nFft-point frames at `sampleRate` (bin 0, DC, weighs 0). */
export function chromaFilterbank(sampleRate: number, nFft: number): Float32Array {
  const bins = (nFft >> 1) + 1;
  const binHz = sampleRate / nFft;
  const weights = new Float32Array(PITCH_CLASSES * bins);
  const column = new Float64Array(PITCH_CLASSES);
  for (let k = 1; k < bins; k++) {
    const hz = k * binHz;
    const semitones = 12 * Math.log2(hz / C0_HZ);
    const width = Math.max(1, 12 * Math.log2((hz + binHz) / hz));
    let length = 0;
    for (let pc = 0; pc < PITCH_CLASSES; pc++) {
      // Distance from the bin's pitch to class pc, wrapped to [-6, 6) semitones.
      const distance = ((((semitones - pc) % 12) + 18) % 12) - 6;
      column[pc] = Math.exp(-0.5 * ((2 * distance) / width) ** 2);
      length += column[pc]! ** 2;
    }
    const octaves = Math.log2(hz / OCTAVE_CENTRE_HZ);
    const scale = Math.exp(-0.5 * (octaves / OCTAVE_WIDTH) ** 2) / Math.sqrt(length);
    for (let pc = 0; pc < PITCH_CLASSES; pc++) weights[pc * bins + k] = column[pc]! * scale;
  }
  return weights;
}

/** Chroma of a power spectrogram made at `sampleRate`. */
export function chromaFromPower(spectrogram: PowerSpectrogram, sampleRate: number): Chroma {
  const { frames, bins, power, nFft, hop } = spectrogram;
  const filterbank = chromaFilterbank(sampleRate, nFft);
  const data = new Float32Array(frames * PITCH_CLASSES);
  const frame = new Float64Array(PITCH_CLASSES);
  for (let t = 0; t < frames; t++) {
    const row = t * bins;
    let strongest = 0;
    for (let pc = 0; pc < PITCH_CLASSES; pc++) {
      const weights = pc * bins;
      let sum = 0;
      for (let k = 1; k < bins; k++) sum += filterbank[weights + k]! * power[row + k]!;
      frame[pc] = sum;
      if (sum > strongest) strongest = sum;
    }
    if (strongest < SILENT_ENERGY) continue;
    for (let pc = 0; pc < PITCH_CLASSES; pc++) data[t * PITCH_CLASSES + pc] = frame[pc]! / strongest;
  }
  return { frames, data, secondsPerFrame: hop / sampleRate };
}

/** Chroma of x from a 2048-point, 512-hop power spectrogram (librosa's chroma_stft framing). */
export function chroma(x: Float32Array, sampleRate: number, o: { nFft?: number; hop?: number } = {}): Chroma {
  return chromaFromPower(stft(x, { nFft: o.nFft ?? 2048, hop: o.hop ?? 512 }), sampleRate);
}
