/**
 * The short-time Fourier transform as a power spectrogram, framed as librosa frames it
 * (center = True, zero padding): frame t is centred on sample t·hop, so there are
 * 1 + ⌊T / hop⌋ frames for T > 0 samples and frame times are t·hop / sampleRate.
 *
 * Shapes: x (T), window (nFft), power (frames, bins) row-major with bins = nFft/2 + 1.
 * Power is |X[k]|² of the Hann-windowed frame, unscaled (librosa's `np.abs(stft)**2`), so a sine
 * of amplitude A peaks near (A·nFft/4)² and Parseval reads Σ_k |X[k]|² = nFft · Σ_t (w·x)²
 * over the full two-sided spectrum.
 */
import { AppError } from '../../../common/errors.js';
import { fftPlan, isFftSize } from '../../audio/fft-plan.js';

export interface StftOptions {
  /** Frame length, a power of two (512, 1024, 2048, …). */
  nFft: number;
  /** Samples between frame centres. */
  hop: number;
  window?: 'hann';
}

/** A power spectrogram: power is (frames, bins), row-major. */
export interface PowerSpectrogram {
  frames: number;
  bins: number;
  nFft: number;
  hop: number;
  power: Float32Array;
}

/** The periodic Hann window (n): w[t] = ½ − ½·cos(2πt/n), scipy's `get_window('hann', n)`. */
export function hannWindow(n: number): Float64Array {
  const window = new Float64Array(n);
  for (let t = 0; t < n; t++) window[t] = 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / n);
  return window;
}

/** How many centred frames a signal of `samples` has at `hop` (0 for an empty signal). */
export function frameCount(samples: number, hop: number): number {
  return samples > 0 ? 1 + Math.floor(samples / hop) : 0;
}

/**
 * Copies the nFft samples of centred frame t (x from t·hop − nFft/2, zeros outside x) times
 * `window` into `frame` (nFft).
 */
export function windowedFrame(x: Float32Array, t: number, hop: number, window: Float64Array, frame: Float64Array): void {
  const n = window.length;
  const start = t * hop - (n >> 1);
  if (start >= 0 && start + n <= x.length) {
    for (let i = 0; i < n; i++) frame[i] = x[start + i]! * window[i]!;
    return;
  }
  for (let i = 0; i < n; i++) {
    const s = start + i;
    frame[i] = s >= 0 && s < x.length ? x[s]! * window[i]! : 0;
  }
}

export function checkStftOptions(nFft: number, hop: number): void {
  if (!isFftSize(nFft)) throw new AppError('INTERNAL', `stft: nFft ${nFft} is not a power of two of at least 4`);
  if (!Number.isInteger(hop) || hop < 1) throw new AppError('INTERNAL', `stft: hop ${hop} is not a positive integer`);
}

/** The power spectrogram of x (see the file header for framing and scale). */
export function stft(x: Float32Array, o: StftOptions): PowerSpectrogram {
  const { nFft, hop } = o;
  checkStftOptions(nFft, hop);
  const bins = (nFft >> 1) + 1;
  const frames = frameCount(x.length, hop);
  const power = new Float32Array(frames * bins);
  const window = hannWindow(nFft);
  const plan = fftPlan(nFft);
  const frame = new Float64Array(nFft);
  const spectrum = new Float64Array(2 * nFft);
  for (let t = 0; t < frames; t++) {
    windowedFrame(x, t, hop, window, frame);
    plan.realForward(frame, spectrum);
    const row = t * bins;
    for (let k = 0; k < bins; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      power[row + k] = re * re + im * im;
    }
  }
  return { frames, bins, nFft, hop, power };
}
