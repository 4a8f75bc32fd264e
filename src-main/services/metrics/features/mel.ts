/**
 * Mel filterbank and log-mel spectrogram, as librosa computes them by default: the Slaney mel
 * scale (linear below 1 kHz, logarithmic above; `htk = False`) and Slaney area normalisation
 * (each triangle scaled by 2 / its width in Hz, so bands hold equal energy of white noise), then
 * `power_to_db(ref = 1, amin = 1e-10, top_db = 80)`.
 *
 * Shapes: filterbank (nMels, bins) row-major, bins = nFft/2 + 1; mel power and dB
 * (frames, bands) row-major.
 */
import { AppError } from '../../../common/errors.js';
import { stft, type PowerSpectrogram } from './stft.js';

/** Slaney's scale: 3 mels per 200 Hz up to 1 kHz (15 mels), then 27 mels per factor 6.4. */
const LINEAR_HZ_PER_MEL = 200 / 3;
const LOG_START_HZ = 1000;
const LOG_START_MEL = LOG_START_HZ / LINEAR_HZ_PER_MEL;
const LOG_MELS_PER_NEPER = 27 / Math.log(6.4);

export function hzToMel(hz: number): number {
  return hz < LOG_START_HZ ? hz / LINEAR_HZ_PER_MEL : LOG_START_MEL + Math.log(hz / LOG_START_HZ) * LOG_MELS_PER_NEPER;
}

export function melToHz(mel: number): number {
  return mel < LOG_START_MEL ? mel * LINEAR_HZ_PER_MEL : LOG_START_HZ * Math.exp((mel - LOG_START_MEL) / LOG_MELS_PER_NEPER);
}

/**
 * The Slaney-normalised triangular mel filterbank (nMels, bins): band i rises from edge i to
 * peak i+1 and falls to edge i+2, the nMels + 2 edges evenly spaced in mels over [fMin, fMax].
 */
export function melFilterbank(sampleRate: number, nFft: number, nMels: number, fMin = 0, fMax = sampleRate / 2): Float32Array {
  if (!(fMin >= 0 && fMax > fMin && fMax <= sampleRate / 2 + 1e-9) || nMels < 1) {
    throw new AppError('INTERNAL', `mel filterbank: bad range ${fMin}–${fMax} Hz or ${nMels} bands at ${sampleRate} Hz`);
  }
  const bins = (nFft >> 1) + 1;
  const lowMel = hzToMel(fMin);
  const melStep = (hzToMel(fMax) - lowMel) / (nMels + 1);
  const edges = Float64Array.from({ length: nMels + 2 }, (_, i) => melToHz(lowMel + i * melStep));
  const weights = new Float32Array(nMels * bins);
  for (let band = 0; band < nMels; band++) {
    const left = edges[band]!;
    const centre = edges[band + 1]!;
    const right = edges[band + 2]!;
    const areaNorm = 2 / (right - left);
    for (let k = 0; k < bins; k++) {
      const hz = (k * sampleRate) / nFft;
      const rising = (hz - left) / (centre - left);
      const falling = (right - hz) / (right - centre);
      const weight = Math.min(rising, falling);
      if (weight > 0) weights[band * bins + k] = weight * areaNorm;
    }
  }
  return weights;
}

/** A log-mel spectrogram: db (frames, bands), row-major. */
export interface MelSpectrogram {
  frames: number;
  bands: number;
  db: Float32Array;
  secondsPerFrame: number;
  /** The framing it was made with, in samples. */
  nFft: number;
  hop: number;
}

export interface MelOptions {
  nFft?: number;
  hop?: number;
  nMels?: number;
  fMin?: number;
  /** Upper edge, Hz (default sampleRate/2). Pass the same value when comparing signals of different rates. */
  fMax?: number;
  /** Floor below the loudest cell, dB (librosa's top_db, default 80); null keeps every value. */
  topDb?: number | null;
}

export const MEL_DEFAULTS = { nFft: 2048, hop: 512, nMels: 128 } as const;

/** The floor of power_to_db: 10·log10(1e-10). Silence reads this in every band. */
export const POWER_FLOOR_DB = -100;
const AMIN = 1e-10;

/**
 * power_to_db in place over `power` (any shape): 10·log10(max(amin, p)), then, unless topDb is
 * null, raised to at least (loudest value − topDb). Returns the same array.
 */
export function powerToDbInPlace(power: Float32Array, topDb: number | null = 80): Float32Array {
  let loudest = -Infinity;
  for (let i = 0; i < power.length; i++) {
    const db = 10 * Math.log10(Math.max(AMIN, power[i]!));
    power[i] = db;
    if (db > loudest) loudest = db;
  }
  if (topDb !== null) {
    const floor = loudest - topDb;
    for (let i = 0; i < power.length; i++) if (power[i]! < floor) power[i] = floor;
  }
  return power;
}

/**
 * Mel power (frames, nMels) of a power spectrogram through `filterbank` (nMels, bins). Each
 * band only visits the bins where its triangle is non-zero.
 */
export function melPower(spectrogram: PowerSpectrogram, filterbank: Float32Array, nMels: number): Float32Array {
  const { frames, bins, power } = spectrogram;
  if (filterbank.length !== nMels * bins) {
    throw new AppError('INTERNAL', `mel: filterbank of ${filterbank.length} weights for ${nMels} × ${bins}`);
  }
  const first = new Int32Array(nMels);
  const last = new Int32Array(nMels);
  for (let band = 0; band < nMels; band++) {
    first[band] = bins;
    last[band] = -1;
    for (let k = 0; k < bins; k++) {
      if (filterbank[band * bins + k]! > 0) {
        if (first[band] === bins) first[band] = k;
        last[band] = k;
      }
    }
  }
  const out = new Float32Array(frames * nMels);
  for (let t = 0; t < frames; t++) {
    const row = t * bins;
    for (let band = 0; band < nMels; band++) {
      const weights = band * bins;
      let sum = 0;
      for (let k = first[band]!; k <= last[band]!; k++) sum += filterbank[weights + k]! * power[row + k]!;
      out[t * nMels + band] = sum;
    }
  }
  return out;
}

/** The log-mel spectrogram of a power spectrogram made at `sampleRate`. */
export function melFromPower(spectrogram: PowerSpectrogram, sampleRate: number, o: MelOptions = {}): MelSpectrogram {
  const nMels = o.nMels ?? MEL_DEFAULTS.nMels;
  const filterbank = melFilterbank(sampleRate, spectrogram.nFft, nMels, o.fMin ?? 0, o.fMax ?? sampleRate / 2);
  const db = powerToDbInPlace(melPower(spectrogram, filterbank, nMels), o.topDb === undefined ? 80 : o.topDb);
  const { frames, nFft, hop } = spectrogram;
  return { frames, bands: nMels, db, secondsPerFrame: hop / sampleRate, nFft, hop };
}

/** librosa's `power_to_db(melspectrogram(x, sr))` with n_fft 2048, hop 512, 128 bands by default. */
export function melSpectrogram(x: Float32Array, sampleRate: number, o: MelOptions = {}): MelSpectrogram {
  const spectrogram = stft(x, { nFft: o.nFft ?? MEL_DEFAULTS.nFft, hop: o.hop ?? MEL_DEFAULTS.hop });
  return melFromPower(spectrogram, sampleRate, o);
}
