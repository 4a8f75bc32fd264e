/**
 * Levels: short raised-cosine fades at a signal's ends, and a gain that brings its integrated
 * loudness (BS.1770) to a target's, lowered when that would push a sample above the peak
 * ceiling (-1 dBFS), in which case the result is quieter than the target and says so. Takes are
 * matched to their source clip this way; rating items use the fades and the output rate floor.
 */
import { integratedLoudness } from './loudness.js';

/**
 * Takes are written at no lower rate than this (browsers and DAWs play it), and loudness is
 * measured at no lower rate: BS.1770's K-weighting shelf sits at 1.7 kHz, and derived at a rate
 * whose Nyquist frequency is near or below it the filter is meaningless.
 */
export const MIN_OUTPUT_RATE = 16_000;

/** The highest sample peak a take may have after its gain, dBFS. */
export const PEAK_CEILING_DBFS = -1;

/** Length of the fades at a 'new' take's ends, seconds. */
export const EDGE_FADE_SECONDS = 0.02;

/** max |x| (0 for an empty signal). */
export function peakOf(samples: Float32Array): number {
  let peak = 0;
  for (const x of samples) {
    const a = Math.abs(x);
    if (a > peak) peak = a;
  }
  return peak;
}

/**
 * In place: raised-cosine (Hann half) fade-in and fade-out of round(seconds · rate) samples each,
 * at most half the signal each. The first and last samples become exactly 0.
 */
export function applyEdgeFades(samples: Float32Array, rate: number, seconds = EDGE_FADE_SECONDS): void {
  const count = Math.min(Math.round(seconds * rate), Math.floor(samples.length / 2));
  for (let i = 0; i < count; i++) {
    const gain = 0.5 - 0.5 * Math.cos((Math.PI * i) / count);
    samples[i] = samples[i]! * gain;
    const j = samples.length - 1 - i;
    samples[j] = samples[j]! * gain;
  }
}

/** The largest float32 ≤ x (x positive and finite). */
function float32AtMost(x: number): number {
  const bits = new Uint32Array(Float32Array.of(x).buffer);
  const f = new Float32Array(bits.buffer);
  if (f[0]! > x) bits[0] = bits[0]! - 1;
  return f[0]!;
}

/** A take after its gain. */
export interface Leveled {
  samples: Float32Array;
  /** Integrated loudness of `samples`, LUFS (null: under 400 ms, or silent). */
  loudnessLufs: number | null;
  /** The linear gain applied. */
  gain: number;
  /** The peak ceiling lowered the gain below the loudness match. */
  peakLimited: boolean;
}

/**
 * `samples` (mono, at `rate`) scaled to `targetLufs`, or by 1 when either loudness is unknown,
 * the gain then lowered so that no sample exceeds {@link PEAK_CEILING_DBFS}. Returns a new array
 * and the loudness measured on it.
 */
export function matchLoudness(samples: Float32Array, rate: number, targetLufs: number | null): Leveled {
  const measured = integratedLoudness([samples], rate);
  let gain = targetLufs !== null && measured !== null ? 10 ** ((targetLufs - measured) / 20) : 1;
  const peak = peakOf(samples);
  const ceiling = float32AtMost(10 ** (PEAK_CEILING_DBFS / 20));
  const peakLimited = peak * gain > ceiling;
  if (peakLimited) gain = ceiling / peak;
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! * gain;
  // Rounding to float32 can lift a sample a hair above the ceiling (itself a float32); pull those back.
  if (peakLimited) for (let i = 0; i < out.length; i++) out[i] = Math.max(-ceiling, Math.min(ceiling, out[i]!));
  return { samples: out, loudnessLufs: integratedLoudness([out], rate), gain, peakLimited };
}
