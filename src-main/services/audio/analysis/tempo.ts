/**
 * The tempo and the beat grid of a song's audio, so the library knows its bars from import on
 * (the clip editor's grid, lengths in bars, the export's tempo). Classic beat-period analysis
 * in three steps:
 *
 * 1. Onset strength: spectral flux, on the audio decimated to about 11 kHz. Frames of ~23 ms (a Hann window, the next power of two)
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
 * 3. Grid (estimateBeatGrid): a comb of pulses one period apart is laid over the envelope for
 *    every period within ±0.5 % of step 2's and every phase, and the (period, phase) whose
 *    pulses collect the most onset strength wins: over a minute of beats a 0.01-frame error in
 *    the period adds up to frames, so the comb pins the tempo far closer than the
 *    autocorrelation's parabola (a grid that drifts 0.1 BPM is a tenth of a beat off after a
 *    minute at 96 BPM). The downbeat is the beat of the bar (one of `beatsPerBar` phases) whose
 *    beats carry the most onset strength: bar lines are where accents and kicks fall. It is a
 *    heuristic, stored as an estimate the user can correct.
 *
 * Returns null (the caller falls back to 120 BPM) for audio too short to hold a few beats or
 * without a clear periodicity: r of the best lag under MIN_CONFIDENCE, or under what noise
 * reaches by chance on an envelope this long. For an envelope without any period, r(L) is about
 * normal with σ = √(W / (F − L)), W ≈ 5.3 frames being how far the smoothed flux stays
 * correlated with itself (measured on a tone in noise: 10 s peak at r ≈ 0.16, three σ over ~140
 * lags); a beat must stand NULL_SIGMAS of those above zero. That keeps short noisy bounces from
 * getting a made-up grid, and matters little for a song (0.08 at a minute, under MIN_CONFIDENCE).
 */
import { fftPlan } from '../fft-plan.js';
import { nextPowerOfTwo } from '../fft.js';

// Hot loops call these per sample or bin: bound once here, not looked up on the global object each time.
const { floor, sqrt, log1p } = Math;

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
/** How far (frames) the smoothed onset envelope of noise stays correlated with itself, and how many σ of that noise a beat must stand above. */
const NULL_WIDTH_FRAMES = 5.3;
const NULL_SIGMAS = 4.5;
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
  /** Beats (quarter notes) per minute, two decimals. */
  bpm: number;
  /** The normalised autocorrelation at the chosen period, 0..1. */
  confidence: number;
}

export interface BeatGridEstimate extends TempoEstimate {
  /** Seconds from the audio's start to its first downbeat, in [0, one bar). */
  downbeatSeconds: number;
}

/** The tempo, or null when the audio has no clear beat. `samples` mono (N) at `sampleRate`. */
export function estimateTempo(samples: Float32Array, sampleRate: number): TempoEstimate | null {
  const found = findPeriod(samples, sampleRate);
  return found && { bpm: roundBpm(60 * ENVELOPE_RATE / found.period), confidence: found.confidence };
}

/**
 * The tempo, refined on the whole analysed span, and the first downbeat for bars of
 * `beatsPerBar` beats (step 3 of the module comment); null when there is no clear beat.
 */
export function estimateBeatGrid(samples: Float32Array, sampleRate: number, beatsPerBar = 4): BeatGridEstimate | null {
  const found = findPeriod(samples, sampleRate);
  if (!found) return null;
  const { period, phase } = combFit(found.smoothedEnvelope, found.period);
  const bpm = roundBpm((60 * ENVELOPE_RATE) / period);
  const barPhase = strongestBeat(found.smoothedEnvelope, period, phase, beatsPerBar);
  const barSeconds = (beatsPerBar * 60) / bpm;
  let downbeat = (phase + barPhase * period) / ENVELOPE_RATE + found.frameLeadSeconds;
  downbeat = ((downbeat % barSeconds) + barSeconds) % barSeconds;
  return { bpm, confidence: found.confidence, downbeatSeconds: Math.round(downbeat * 1000) / 1000 };
}

interface FoundPeriod {
  /** Envelope frames per beat (fractional). */
  period: number;
  confidence: number;
  /** The onset envelope after smoothing, before centring (non-negative), (F). */
  smoothedEnvelope: Float64Array;
  /** Seconds from a frame's start to where an onset it peaks on lies (see frameLead). */
  frameLeadSeconds: number;
}

function findPeriod(samples: Float32Array, sampleRate: number): FoundPeriod | null {
  const usable = samples.subarray(0, Math.min(samples.length, Math.round(MAX_ANALYSIS_SECONDS * sampleRate)));
  if (usable.length < MIN_TEMPO_SECONDS * sampleRate) return null;
  const factor = Math.max(1, floor(sampleRate / ANALYSIS_RATE));
  const analysisRate = sampleRate / factor;
  const smoothedEnvelope = smoothed(onsetStrength(boxDecimated(usable, factor), analysisRate), SMOOTHING_FRAMES);
  const envelope = centred(smoothedEnvelope);
  const energy = dot(envelope, envelope, 0) / envelope.length;
  if (!(energy > 0)) return null;

  const minLag = floor((60 * ENVELOPE_RATE) / MAX_TEMPO_BPM);
  const maxLag = Math.min(Math.ceil((60 * ENVELOPE_RATE) / MIN_TEMPO_BPM), floor(envelope.length / 2));
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
  const chance = NULL_SIGMAS * sqrt(NULL_WIDTH_FRAMES / (envelope.length - Math.round(period)));
  if (confidence < Math.max(MIN_CONFIDENCE, chance)) return null;
  return { period, confidence, smoothedEnvelope, frameLeadSeconds: frameLead(analysisRate) };
}

function roundBpm(bpm: number): number {
  return Math.round(bpm * 100) / 100;
}

/**
 * Where in its frame an onset lies when the flux peaks on that frame: a Hann window's gain
 * rises fastest a quarter of the way in, so the magnitude of a sound entering the window
 * grows fastest (and the flux peaks) when the onset sits three quarters of a window after
 * the frame's start. Seconds.
 */
function frameLead(analysisRate: number): number {
  return (0.75 * windowSize(analysisRate)) / analysisRate;
}

function windowSize(analysisRate: number): number {
  return nextPowerOfTwo(Math.round(WINDOW_SECONDS * analysisRate));
}

/** Periods tried around the autocorrelation's, each side (fraction), and how many steps. */
const COMB_SPAN = 0.005;
const COMB_STEPS = 100;
/** Phase resolution of the final comb, frames. */
const COMB_PHASE_STEP = 0.25;

/**
 * The (period, phase) whose comb of pulses collects the most of `envelope` (step 3). Each
 * period's comb is scored by folding the envelope onto one period (frame t into phase bin
 * ⌊t mod period⌋) and taking the strongest three adjacent bins: one pass over the envelope
 * per period. The winner's phase is then refined to a quarter frame with the comb itself.
 */
function combFit(envelope: Float64Array, guess: number): { period: number; phase: number } {
  let best = { period: guess, bin: 0, score: Number.NEGATIVE_INFINITY };
  const sums = new Float64Array(Math.ceil(guess * (1 + COMB_SPAN)) + 1);
  const counts = new Float64Array(sums.length);
  for (let step = -COMB_STEPS; step <= COMB_STEPS; step++) {
    const period = guess * (1 + (COMB_SPAN * step) / COMB_STEPS);
    const bins = Math.ceil(period);
    sums.fill(0);
    counts.fill(0);
    for (let t = 0; t < envelope.length; t++) {
      const bin = floor(t % period);
      sums[bin]! += envelope[t]!;
      counts[bin]! += 1;
    }
    for (let bin = 0; bin < bins; bin++) {
      let sum = 0;
      let count = 0;
      for (const b of [bin - 1, bin, bin + 1]) {
        const wrapped = (b + bins) % bins;
        sum += sums[wrapped]!;
        count += counts[wrapped]!;
      }
      const score = count > 0 ? sum / count : 0;
      if (score > best.score) best = { period, bin, score };
    }
  }
  const { period } = best;
  const pulses = Math.max(1, floor((envelope.length - 1 - best.bin) / period));
  let phase = best.bin;
  let phaseScore = Number.NEGATIVE_INFINITY;
  for (let candidate = best.bin - 1.5; candidate <= best.bin + 1.5; candidate += COMB_PHASE_STEP) {
    const start = candidate < 0 ? candidate + period : candidate;
    let score = 0;
    for (let k = 0; k < pulses; k++) score += sampleAt(envelope, start + k * period);
    if (score > phaseScore) {
      phase = start;
      phaseScore = score;
    }
  }
  return { period, phase };
}

/** Which of the bar's beats (0 … beatsPerBar - 1 after `phase`) carries the most onset strength. */
function strongestBeat(envelope: Float64Array, period: number, phase: number, beatsPerBar: number): number {
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let beat = 0; beat < beatsPerBar; beat++) {
    let score = 0;
    let count = 0;
    for (let position = phase + beat * period; position < envelope.length - 1; position += beatsPerBar * period) {
      score += sampleAt(envelope, position);
      count++;
    }
    if (count > 0 && score / count > bestScore) {
      best = beat;
      bestScore = score / count;
    }
  }
  return best;
}

/** The envelope at a fractional frame, linearly interpolated. */
function sampleAt(envelope: Float64Array, position: number): number {
  const i = floor(position);
  const fraction = position - i;
  return (envelope[i] ?? 0) * (1 - fraction) + (envelope[i + 1] ?? 0) * fraction;
}

/**
 * Every `factor`-th mean of `factor` samples: a crude low-pass and decimation, enough for onsets
 * (they are broadband) and 4× less FFT work at 44.1 / 48 kHz.
 */
function boxDecimated(samples: Float32Array, factor: number): Float32Array {
  if (factor === 1) return samples;
  const out = new Float32Array(floor(samples.length / factor));
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
  const size = windowSize(sampleRate);
  const window = new Float64Array(size);
  for (let i = 0; i < size; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  const frames = Math.max(0, floor((samples.length - size) / hop) + 1);
  const flux = new Float64Array(frames);
  const bins = size / 2 + 1;
  // A full-scale sine's peak bin reads about 0.5 whatever the window length.
  const scale = 2 / size;
  let previous = new Float64Array(bins);
  let current = new Float64Array(bins);
  const plan = fftPlan(size);
  const frame = new Float64Array(size);
  const spectrum = new Float64Array(2 * size);
  for (let f = 0; f < frames; f++) {
    const start = Math.round(f * hop);
    for (let i = 0; i < size; i++) frame[i] = (samples[start + i] ?? 0) * window[i]!;
    plan.realForward(frame, spectrum);
    let rise = 0;
    for (let k = 0; k < bins; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      const magnitude = log1p(100 * scale * sqrt(re * re + im * im));
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
