/**
 * The key of a song's audio: the Krumhansl–Schmuckler key-finding algorithm over a chroma
 * profile from the project's FFT (Krumhansl, "Cognitive Foundations of Musical Pitch", 1990,
 * ch. 4, with the probe-tone profiles of Krumhansl & Kessler, 1982).
 *
 * 1. Chroma: Hann frames of about 0.37 s (the next power of two; bins about 2.7 Hz apart, finer
 *    than a semitone down to A1), half overlapping, over the first MAX_ANALYSIS_SECONDS. Each
 *    spectral peak (a bin above both neighbours) between MIN_HZ and MAX_HZ adds its magnitude,
 *    square-rooted so a loud bass note does not drown the chord above it, to the pitch class
 *    nearest its frequency (equal temperament, A4 = 440 Hz), weighted cos² by its distance in
 *    semitones (a peak half-way between two classes counts for neither). Peaks alone, not
 *    every bin, so broadband noise and drums add little. Summed over the frames: a 12-vector.
 * 2. Correlation: the Pearson correlation of that vector with each of the 24 rotations of the
 *    major and minor probe-tone profiles; the best is the key, its r the confidence.
 *
 * No key (null) when r stays under MIN_CORRELATION: percussion, noise and sounds without a
 * tonal centre correlate weakly with every profile.
 *
 * Why our own code and not a library: the algorithm is these few dozen lines over the FFT the
 * project already has; essentia.js, the maintained analysis library that offers a key
 * extractor, is AGPL-3.0 and a multi-megabyte WebAssembly build, and the other npm packages
 * that mention keys are music-theory helpers (tonal) that analyse no audio.
 */
import { fftPlan } from '../fft-plan.js';
import { nextPowerOfTwo } from '../fft.js';

// Hot loops call these per sample or bin: bound once here, not looked up on the global object each time.
const { sqrt } = Math;

export const KEY_MODES = ['major', 'minor'] as const;
export type KeyMode = (typeof KEY_MODES)[number];

export interface KeyEstimate {
  /** Pitch class of the tonic: C = 0 … B = 11. */
  tonic: number;
  mode: KeyMode;
  /** Pearson r of the chroma with the key's profile, −1..1. */
  confidence: number;
}

/** Krumhansl & Kessler's probe-tone ratings, from the tonic (C major, C minor). */
const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

/** Frame length, seconds (rounded up to a power of two in samples). */
const FRAME_SECONDS = 0.37;
/** Peaks below this carry rumble more than pitch; A1 is 55 Hz. */
const MIN_HZ = 50;
/** Above this the peaks are mostly harmonics of notes below. */
const MAX_HZ = 2000;
/** The key of a song does not need more than its first four minutes. */
const MAX_ANALYSIS_SECONDS = 240;
/** Audio shorter than this holds too few notes to name a key. */
export const MIN_KEY_SECONDS = 2;
const MIN_CORRELATION = 0.5;
/** Peaks more than this far below the frame's strongest are noise (a linear magnitude ratio, −60 dB). */
const PEAK_FLOOR = 1e-3;

/** The key of mono `samples` (N) at `sampleRate`, or null when it has none clear enough. */
export function estimateKey(samples: Float32Array, sampleRate: number): KeyEstimate | null {
  const chroma = chromaProfile(samples, sampleRate);
  return chroma === null ? null : keyOfChroma(chroma);
}

/**
 * Step 2 alone: the key whose profile a 12-vector of pitch-class weights (C = 0) correlates
 * with best, or null under MIN_CORRELATION. MIDI notes weighted by their length use it too.
 */
export function keyOfChroma(chroma: readonly number[]): KeyEstimate | null {
  let best: KeyEstimate | null = null;
  for (const mode of KEY_MODES) {
    const profile = mode === 'major' ? MAJOR_PROFILE : MINOR_PROFILE;
    for (let tonic = 0; tonic < 12; tonic++) {
      const rotated = Array.from({ length: 12 }, (_, pc) => profile[(pc - tonic + 12) % 12]!);
      const r = pearson(chroma, rotated);
      if (best === null || r > best.confidence) best = { tonic, mode, confidence: r };
    }
  }
  if (best === null || !(best.confidence >= MIN_CORRELATION)) return null;
  return { ...best, confidence: Math.round(best.confidence * 1000) / 1000 };
}

/** Step 1: the summed chroma (12), or null when the audio is too short or holds no peaks. */
export function chromaProfile(samples: Float32Array, sampleRate: number): number[] | null {
  const usable = samples.subarray(0, Math.min(samples.length, Math.round(MAX_ANALYSIS_SECONDS * sampleRate)));
  if (usable.length < MIN_KEY_SECONDS * sampleRate) return null;
  const size = Math.min(nextPowerOfTwo(Math.round(FRAME_SECONDS * sampleRate)), nextPowerOfTwo(usable.length));
  const hop = size / 2;
  const plan = fftPlan(size);
  const window = new Float64Array(size);
  for (let i = 0; i < size; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  const frame = new Float64Array(size);
  const spectrum = new Float64Array(2 * size);
  const magnitude = new Float64Array(size / 2 + 1);
  const binHz = sampleRate / size;
  const firstBin = Math.max(1, Math.ceil(MIN_HZ / binHz));
  const lastBin = Math.min(size / 2 - 1, Math.floor(MAX_HZ / binHz));
  // Each bin's pitch class and weight, once.
  const binClass = new Int32Array(lastBin + 1);
  const binWeight = new Float64Array(lastBin + 1);
  for (let k = firstBin; k <= lastBin; k++) {
    const semitones = 12 * Math.log2((k * binHz) / 440) + 9; // from C, A4 = 440 Hz
    const nearest = Math.round(semitones);
    binClass[k] = ((nearest % 12) + 12) % 12;
    binWeight[k] = Math.cos(Math.PI * (semitones - nearest)) ** 2;
  }

  const chroma = new Array<number>(12).fill(0);
  for (let start = 0; start + size <= usable.length; start += hop) {
    for (let i = 0; i < size; i++) frame[i] = usable[start + i]! * window[i]!;
    plan.realForward(frame, spectrum);
    let strongest = 0;
    for (let k = 0; k <= size / 2; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      magnitude[k] = sqrt(re * re + im * im);
      if (k >= firstBin && k <= lastBin && magnitude[k]! > strongest) strongest = magnitude[k]!;
    }
    if (strongest === 0) continue;
    for (let k = firstBin; k <= lastBin; k++) {
      const m = magnitude[k]!;
      if (m <= magnitude[k - 1]! || m < magnitude[k + 1]! || m < PEAK_FLOOR * strongest) continue;
      chroma[binClass[k]!]! += sqrt(m) * binWeight[k]!;
    }
  }
  return chroma.some((value) => value > 0) ? chroma : null;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const meanA = a.reduce((sum, v) => sum + v, 0) / n;
  const meanB = b.reduce((sum, v) => sum + v, 0) / n;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    covariance += (a[i]! - meanA) * (b[i]! - meanB);
    varianceA += (a[i]! - meanA) ** 2;
    varianceB += (b[i]! - meanB) ** 2;
  }
  return varianceA > 0 && varianceB > 0 ? covariance / sqrt(varianceA * varianceB) : 0;
}
