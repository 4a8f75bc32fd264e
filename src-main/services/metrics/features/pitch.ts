/**
 * A YIN pitch tracker (de Cheveigné & Kawahara, 2002) with a voicing decision, framed like the
 * STFT (frame t centred on sample t·hop, 1 + ⌊T / hop⌋ frames), so with equal hops its frames
 * line up with the mel frames.
 *
 * Per frame, for lags τ ≤ τmax = ⌈sr / fMin⌉ over a window of W = τmax samples:
 *   d(τ)  = Σ_{j<W} (x_j − x_{j+τ})² = E(0) + E(τ) − 2·r(τ)   (E from prefix sums of x²,
 *           r(τ) = Σ_{j<W} x_j·x_{j+τ} from one FFT cross-correlation, so a frame costs
 *           O(N log N) instead of O(W·τmax))
 *   d'(τ) = d(τ)·τ / Σ_{1≤j≤τ} d(j)                          (cumulative-mean normalised)
 * The period is the first lag in [sr / fMax, τmax] where d' dips below the threshold, followed
 * down to its local minimum and refined by a parabola through its neighbours. A frame with no
 * such dip (noise), or quieter than the silence floor, is unvoiced: f0 = 0.
 *
 * Shapes: x (T) → f0 (frames) Hz, aperiodicity (frames) = d' at the chosen lag (1 unvoiced).
 */
import { AppError } from '../../../common/errors.js';
import { fftPlan } from '../../audio/fft-plan.js';
import { frameCount } from './stft.js';

export interface PitchTrack {
  frames: number;
  /** Hz per frame, 0 where unvoiced. */
  f0: Float32Array;
  /** YIN's d' at the chosen period, 0 (perfectly periodic) … 1; 1 where unvoiced. */
  aperiodicity: Float32Array;
  secondsPerFrame: number;
}

export interface PitchOptions {
  fMin?: number;
  fMax?: number;
  hop?: number;
  /** d' below this counts as periodic (librosa's yin trough_threshold: 0.1). */
  threshold?: number;
  /** Frames whose mean square is below this level, dBFS, are unvoiced. */
  silenceDb?: number;
}

export const PITCH_DEFAULTS = { fMin: 50, fMax: 2000, hop: 512, threshold: 0.1, silenceDb: -80 } as const;

/** The smallest power of two ≥ n. */
function powerOfTwoAtLeast(n: number): number {
  let size = 4;
  while (size < n) size *= 2;
  return size;
}

/** Pitch per frame of x at `sampleRate` (see the file header). */
export function pitchTrack(x: Float32Array, sampleRate: number, o: PitchOptions = {}): PitchTrack {
  const fMin = o.fMin ?? PITCH_DEFAULTS.fMin;
  const fMax = o.fMax ?? PITCH_DEFAULTS.fMax;
  const hop = o.hop ?? PITCH_DEFAULTS.hop;
  const threshold = o.threshold ?? PITCH_DEFAULTS.threshold;
  const silentMeanSquare = 10 ** ((o.silenceDb ?? PITCH_DEFAULTS.silenceDb) / 10);
  if (!(fMin > 0 && fMax > fMin) || !Number.isInteger(hop) || hop < 1) {
    throw new AppError('INTERNAL', `pitch: bad range ${fMin}–${fMax} Hz or hop ${hop} at ${sampleRate} Hz`);
  }
  const minLag = Math.max(2, Math.floor(sampleRate / fMax));
  const maxLag = Math.ceil(sampleRate / fMin);
  const window = maxLag; // W
  // d' is computed one lag past maxLag so the parabola has a neighbour at every candidate.
  const span = window + maxLag + 1; // samples one frame reads: x_j·x_{j+τ} for j < W, τ ≤ maxLag + 1
  const size = powerOfTwoAtLeast(span); // ≥ span, so the circular correlation never wraps
  const plan = fftPlan(size);

  const frames = frameCount(x.length, hop);
  const f0 = new Float32Array(frames);
  const aperiodicity = new Float32Array(frames).fill(1);
  const segment = new Float64Array(size); // (size): the span, zero-padded
  const head = new Float64Array(size); // (size): its first W samples, zero-padded
  const segmentSpectrum = new Float64Array(2 * size);
  const headSpectrum = new Float64Array(2 * size);
  const product = new Float64Array(2 * size);
  const correlation = new Float64Array(2 * size); // interleaved; real part = r(τ)
  const energyPrefix = new Float64Array(span + 1); // Σ_{j<i} x_j²
  const normalised = new Float64Array(maxLag + 2); // d'(τ), τ = 0 … maxLag + 1

  for (let t = 0; t < frames; t++) {
    const start = t * hop - (span >> 1);
    for (let i = 0; i < span; i++) {
      const s = start + i;
      const value = s >= 0 && s < x.length ? x[s]! : 0;
      segment[i] = value;
      energyPrefix[i + 1] = energyPrefix[i]! + value * value;
    }
    const headEnergy = energyPrefix[window]!;
    if (energyPrefix[span]! / span < silentMeanSquare) continue;

    // r(τ) = IFFT(S · conj(H))[τ], the full spectrum rebuilt from its one-sided half.
    head.fill(0);
    head.set(segment.subarray(0, window));
    plan.realForward(segment, segmentSpectrum);
    plan.realForward(head, headSpectrum);
    const half = size >> 1;
    for (let k = 0; k <= half; k++) {
      const segmentRe = segmentSpectrum[2 * k]!;
      const segmentIm = segmentSpectrum[2 * k + 1]!;
      const headRe = headSpectrum[2 * k]!;
      const headIm = headSpectrum[2 * k + 1]!;
      const re = segmentRe * headRe + segmentIm * headIm;
      const im = segmentIm * headRe - segmentRe * headIm;
      product[2 * k] = re;
      product[2 * k + 1] = im;
      if (k > 0 && k < half) {
        product[2 * (size - k)] = re;
        product[2 * (size - k) + 1] = -im;
      }
    }
    plan.inverse(product, correlation);

    normalised[0] = 1;
    let cumulative = 0;
    for (let lag = 1; lag <= maxLag + 1; lag++) {
      const lagEnergy = energyPrefix[lag + window]! - energyPrefix[lag]!;
      const difference = Math.max(0, headEnergy + lagEnergy - 2 * correlation[2 * lag]!);
      cumulative += difference;
      normalised[lag] = cumulative > 0 ? (difference * lag) / cumulative : 1;
    }

    let lag = minLag;
    while (lag <= maxLag && normalised[lag]! >= threshold) lag++;
    if (lag > maxLag) continue;
    while (lag < maxLag && normalised[lag + 1]! < normalised[lag]!) lag++;
    f0[t] = sampleRate / refinedLag(normalised, lag);
    aperiodicity[t] = normalised[lag]!;
  }
  return { frames, f0, aperiodicity, secondsPerFrame: hop / sampleRate };
}

/** The lag of the minimum of the parabola through d' at lag − 1, lag, lag + 1 (lag ≥ 2). */
function refinedLag(normalised: Float64Array, lag: number): number {
  const before = normalised[lag - 1]!;
  const at = normalised[lag]!;
  const after = normalised[lag + 1]!;
  const curvature = before - 2 * at + after;
  if (curvature <= 0) return lag;
  // A true minimum lies within half a lag of the sampled one.
  return lag + Math.max(-0.5, Math.min(0.5, (before - after) / (2 * curvature)));
}
