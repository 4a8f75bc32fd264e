/**
 * A tempo estimate of a clip, so an export lands in the DAW at roughly the song's tempo when the
 * user gives none. Classic beat-period analysis in two steps:
 *
 * 1. Onset strength: spectral flux, on the clip decimated to about 11 kHz. Frames of ~23 ms (a Hann window, the next power of two)
 *    every 5 ms (ENVELOPE_RATE = 200 frames a second); log-compressed magnitudes
 *    log(1 + 100·|X|) (|X| scaled so a full-scale sine reads 0.5) so quiet onsets count; the sum
 *    over bins of each rise since the previous frame above MIN_RISE (steady tones ripple). That envelope (F) is smoothed with a small Gaussian (a click's
 *    spike then spans a few frames, so fractional periods still line up) and its mean removed.
 * 2. Periodicity: the normalised autocorrelation r(L) = Σ e[t]·e[t+L] / ((F - L)·Σ e²/F) of
 *    the envelope for lags L between 60 and 180 BPM (L = 60·ENVELOPE_RATE / bpm), weighted by
 *    a mild log-normal preference around 120 BPM. The best lag is refined by a parabola
 *    through its neighbours (sub-frame accuracy: ±0.1 frame ≈ ±0.3 BPM at 180 BPM).
 *    Octave rule: a pulse train at T BPM also repeats at T/2, so when the lag of twice the tempo
 *    is (nearly) as periodic (r ≥ OCTAVE_RATIO of the best) the faster one is taken.
 *
 * Returns null (the caller falls back to 120 BPM) for clips too short to hold a few beats or
 * without a clear periodicity (r of the best lag under MIN_CONFIDENCE: noise, drones).
 */
import { fftInPlace, nextPowerOfTwo } from '../audio/fft.js';

export const MIN_TEMPO_BPM = 60;
export const MAX_TEMPO_BPM = 180;
/** Envelope frames per second. */
const ENVELOPE_RATE = 200;
/** Analysis window, seconds (rounded up to a power of two in samples). */
const WINDOW_SECONDS = 0.023;
/** Input above about this rate is decimated first (by a whole factor). */
const ANALYSIS_RATE = 11_025;
/** Clips shorter than this carry too few beats to measure. */
export const MIN_TEMPO_SECONDS = 3;
/** Only the first two minutes are analysed (the tempo of a clip does not need more). */
const MAX_ANALYSIS_SECONDS = 120;
/** Smoothing of the envelope, frames (σ). */
const SMOOTHING_FRAMES = 1.5;
const MIN_CONFIDENCE = 0.15;
/**
 * Per-bin rises below this (log units) are not onsets: a steady tone's magnitude ripples a
 * little from frame to frame (its phase against the window), periodically, which would
 * otherwise read as a tempo. A note 40 dB down rising out of silence rises by ~0.7.
 */
const MIN_RISE = 0.02;
const OCTAVE_RATIO = 0.85;
/** Centre and width (octaves) of the tempo preference. */
const PREFERRED_BPM = 120;
const PREFERENCE_OCTAVES = 1;

export interface TempoEstimate {
  /** Beats per minute, one decimal. */
  bpm: number;
  /** The normalised autocorrelation at the chosen period, 0..1. */
  confidence: number;
}

/** The clip's tempo, or null when it has no clear beat. `samples` mono (N) at `sampleRate`. */
export function estimateTempo(samples: Float32Array, sampleRate: number): TempoEstimate | null {
  const usable = samples.subarray(0, Math.min(samples.length, Math.round(MAX_ANALYSIS_SECONDS * sampleRate)));
  if (usable.length < MIN_TEMPO_SECONDS * sampleRate) return null;
  const factor = Math.max(1, Math.floor(sampleRate / ANALYSIS_RATE));
  const envelope = centred(smoothed(onsetStrength(boxDecimated(usable, factor), sampleRate / factor), SMOOTHING_FRAMES));
  const energy = dot(envelope, envelope, 0) / envelope.length;
  if (!(energy > 0)) return null;

  const minLag = Math.floor((60 * ENVELOPE_RATE) / MAX_TEMPO_BPM);
  const maxLag = Math.min(Math.ceil((60 * ENVELOPE_RATE) / MIN_TEMPO_BPM), Math.floor(envelope.length / 2));
  if (maxLag <= minLag + 2) return null;
  // r over [minLag - 1, maxLag + 1] so every lag in range has both neighbours for the parabola.
  const r = new Map<number, number>();
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    r.set(lag, dot(envelope, envelope, lag) / ((envelope.length - lag) * energy));
  }
  const at = (lag: number): number => r.get(lag) ?? Number.NEGATIVE_INFINITY;

  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const isPeak = at(lag) >= at(lag - 1) && at(lag) >= at(lag + 1);
    const score = at(lag) * preference((60 * ENVELOPE_RATE) / lag);
    if (isPeak && score > bestScore) {
      best = lag;
      bestScore = score;
    }
  }
  if (best < 0) return null;
  let period = refinedPeak(at, best);
  // Octave rule: prefer the faster of two tempi the pulse fits equally well.
  for (;;) {
    const half = nearestPeak(at, Math.round(period / 2), minLag, maxLag);
    if (half === null || at(half) < OCTAVE_RATIO * at(Math.round(period))) break;
    period = refinedPeak(at, half);
  }
  const confidence = Math.max(0, Math.min(1, at(Math.round(period))));
  if (confidence < MIN_CONFIDENCE) return null;
  return { bpm: Math.round((600 * ENVELOPE_RATE) / period) / 10, confidence };
}

/**
 * Every `factor`-th mean of `factor` samples: a crude low-pass and decimation, enough for onsets
 * (they are broadband) and 4× less FFT work at 44.1 / 48 kHz.
 */
function boxDecimated(samples: Float32Array, factor: number): Float32Array {
  if (factor === 1) return samples;
  const out = new Float32Array(Math.floor(samples.length / factor));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let j = 0; j < factor; j++) sum += samples[i * factor + j]!;
    out[i] = sum / factor;
  }
  return out;
}

/** Spectral flux (F) at ENVELOPE_RATE frames per second. */
function onsetStrength(samples: Float32Array, sampleRate: number): Float64Array {
  const hop = sampleRate / ENVELOPE_RATE;
  const size = nextPowerOfTwo(Math.round(WINDOW_SECONDS * sampleRate));
  const window = new Float64Array(size);
  for (let i = 0; i < size; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  const frames = Math.max(0, Math.floor((samples.length - size) / hop) + 1);
  const flux = new Float64Array(frames);
  const bins = size / 2 + 1;
  // A full-scale sine's peak bin reads about 0.5 whatever the window length.
  const scale = 2 / size;
  let previous = new Float64Array(bins);
  let current = new Float64Array(bins);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let f = 0; f < frames; f++) {
    const start = Math.round(f * hop);
    for (let i = 0; i < size; i++) {
      re[i] = (samples[start + i] ?? 0) * window[i]!;
      im[i] = 0;
    }
    fftInPlace(re, im);
    let rise = 0;
    for (let k = 0; k < bins; k++) {
      const magnitude = Math.log1p(100 * scale * Math.hypot(re[k]!, im[k]!));
      current[k] = magnitude;
      if (f > 0 && magnitude > previous[k]! + MIN_RISE) rise += magnitude - previous[k]!;
    }
    flux[f] = rise;
    [previous, current] = [current, previous];
  }
  return flux;
}

/** Convolution with a normalised Gaussian of σ = `sigma` frames (edges see zeros). */
function smoothed(values: Float64Array, sigma: number): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-0.5 * ((i - radius) / sigma) ** 2));
  const total = kernel.reduce((a, b) => a + b, 0);
  const out = new Float64Array(values.length);
  for (let t = 0; t < values.length; t++) {
    let sum = 0;
    for (let j = -radius; j <= radius; j++) sum += (values[t + j] ?? 0) * kernel[j + radius]!;
    out[t] = sum / total;
  }
  return out;
}

function centred(values: Float64Array): Float64Array {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= Math.max(1, values.length);
  return values.map((v) => v - mean);
}

/** Σ_t a[t]·b[t + lag]. */
function dot(a: Float64Array, b: Float64Array, lag: number): number {
  let sum = 0;
  for (let t = 0; t + lag < a.length; t++) sum += a[t]! * b[t + lag]!;
  return sum;
}

/** Log-normal preference for tempi near PREFERRED_BPM (1 there, 0.88 half an octave away). */
function preference(bpm: number): number {
  const octaves = Math.log2(bpm / PREFERRED_BPM) / PREFERENCE_OCTAVES;
  return Math.exp(-0.5 * octaves * octaves);
}

/** The vertex of the parabola through (lag - 1, lag, lag + 1). */
function refinedPeak(at: (lag: number) => number, lag: number): number {
  const left = at(lag - 1);
  const centre = at(lag);
  const right = at(lag + 1);
  const curvature = left - 2 * centre + right;
  if (!Number.isFinite(curvature) || curvature >= 0) return lag;
  return lag + Math.max(-0.5, Math.min(0.5, (0.5 * (left - right)) / curvature));
}

/** The local maximum of r within ±1 lag of `lag` (inside [minLag, maxLag]), or null. */
function nearestPeak(at: (lag: number) => number, lag: number, minLag: number, maxLag: number): number | null {
  let best: number | null = null;
  for (let candidate = lag - 1; candidate <= lag + 1; candidate++) {
    if (candidate < minLag || candidate > maxLag) continue;
    const isPeak = at(candidate) >= at(candidate - 1) && at(candidate) >= at(candidate + 1);
    if (isPeak && (best === null || at(candidate) > at(best))) best = candidate;
  }
  return best;
}
