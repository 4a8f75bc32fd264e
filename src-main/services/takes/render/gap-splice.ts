/**
 * A gap fill as the songwriter drops it into the song: the clip itself — the original as
 * imported, at its own rate and in all its channels — with the model's fill spliced into the
 * hole. Outside the holes and their crossfades every sample is the clip's, bit for bit.
 *
 * The fill (the pyramid's output at the model's rate R, at the clip's level, training length):
 * 1. its own DC removed (audio/dc-removal.ts; the generator adds an offset of its own);
 * 2. its level matched per channel to the clip around the hole: over up to CONTEXT_SECONDS on
 *    each side (outside every hole), the channel brought to R and the fill are compared by
 *    standard deviation, and the fill is scaled by their ratio (within ±MAX_GAIN_DB). Outside
 *    the hole the pyramid reproduces the clip (the hole's noise is redrawn, the rest is the
 *    reconstruction's), so this compares like with like: it takes out the model's level error
 *    and, on a stereo clip, the difference between each channel and the mono mix the model
 *    learned;
 * 3. upsampled to the clip's rate with libsamplerate's best sinc and copied into every channel,
 *    each at its gain, plus that channel's own mean outside the holes (so the fill sits where
 *    the clip around it sits and the crossfades carry no step);
 * 4. spliced (splice.ts) with CROSSFADE_SECONDS crossfades just outside each edge: sin² weights
 *    that sum to 1 (equal gain, not equal power: near the hole the fill is the model's take on
 *    the same audio, so the two are correlated and equal power would swell by up to 3 dB).
 */
import type { FilledHole, GapFill } from '../../../common/take-render.js';
import { removeDc } from '../../audio/dc-removal.js';
import { resample } from '../../audio/resample.js';
import { holeIndexAt } from './pyramid-modes.js';
import { spliceHoles, spliceRegions, type SampleRange } from './splice.js';

/** Each crossfade's length, seconds: long enough not to click, short enough to keep the clip. */
export const CROSSFADE_SECONDS = 0.03;
/** How much of the clip on each side of a hole its level is measured over, seconds. */
export const CONTEXT_SECONDS = 1;
/**
 * The largest level correction, dB. An under-trained model can reconstruct its clip 20–30 dB
 * low (the test preset's does), and the fill must still sit at the clip's level; beyond this the
 * model made next to nothing there, or the clip around the hole is next to silence, and
 * amplifying either way would only raise noise.
 */
export const MAX_GAIN_DB = 40;

/** The clip a fill goes into: every channel at `sampleRate`. */
export interface ClipAudio {
  channels: Float32Array[];
  sampleRate: number;
  /** What it is: the library's original, or the model's own copy (see take-render.ts). */
  from: GapFill['into'];
}

/** The model's side of a splice. */
export interface FillInput {
  /** The fill at `rate`, at the clip's level, as long as the training signal. */
  fill: Float32Array;
  rate: number;
  /** The holes, samples [start, end) at `holeRate` (ascending). */
  holes: readonly SampleRange[];
  holeRate: number;
}

export interface SplicedGap {
  channels: Float32Array[];
  sampleRate: number;
  fill: GapFill;
}

/** The holes at `rate`, cut to `length` samples; empty ones dropped. */
function holesAt(input: FillInput, rate: number, length: number): SampleRange[] {
  return input.holes
    .map((hole) => ({ start: holeIndexAt(hole.start, rate, input.holeRate), end: Math.min(holeIndexAt(hole.end, rate, input.holeRate), length) }))
    .filter((hole) => hole.start < hole.end);
}

/** `x` cut or zero-padded to `length` samples. */
function fitted(x: Float32Array, length: number): Float32Array {
  if (x.length === length) return x;
  const out = new Float32Array(length);
  out.set(x.subarray(0, Math.min(x.length, length)));
  return out;
}

/** The clip with the fill spliced into its holes (the module comment says how). */
export async function spliceGap(clip: ClipAudio, input: FillInput): Promise<SplicedGap> {
  const rate = clip.sampleRate;
  const length = clip.channels[0]?.length ?? 0;
  const holes = holesAt(input, rate, length);
  const fade = Math.round(CROSSFADE_SECONDS * rate);
  const regions = spliceRegions(holes, length, fade);
  const fill = removeDc(input.fill, input.rate);
  const gains = await levelGains(clip, fill, input);
  const up = fitted(await resample(fill, input.rate, rate, 'best'), length);
  const channels = clip.channels.map((channel, c) => {
    const gain = gains[c]!;
    const offset = meanOutside(channel, holes);
    const patch = new Float32Array(length);
    for (let t = 0; t < length; t++) patch[t] = up[t]! * gain + offset;
    return spliceHoles(channel, patch, holes, fade);
  });
  const filled: FilledHole[] = regions.map((region) => ({
    start: region.start / rate,
    end: region.end / rate,
    fadeIn: region.fadeIn / rate,
    fadeOut: region.fadeOut / rate,
  }));
  return {
    channels,
    sampleRate: rate,
    fill: { holes: filled, into: clip.from, gainsDb: gains.map((gain) => 20 * Math.log10(gain)) },
  };
}

/**
 * Per channel, the gain that brings the fill (DC-free, at input.rate) to the clip's level
 * around the holes: std(channel) / std(fill) over the context windows, both at input.rate;
 * 1 where either is silent there, and within ±MAX_GAIN_DB.
 */
async function levelGains(clip: ClipAudio, fill: Float32Array, input: FillInput): Promise<number[]> {
  const holes = holesAt(input, input.rate, fill.length);
  const windows = contextWindows(holes, fill.length, Math.round(CONTEXT_SECONDS * input.rate));
  const fillSpread = spread(fill, windows);
  const limit = 10 ** (MAX_GAIN_DB / 20);
  return Promise.all(
    clip.channels.map(async (channel) => {
      const atRate = fitted(await resample(channel, clip.sampleRate, input.rate, 'medium'), fill.length);
      const channelSpread = spread(atRate, windows);
      if (!(fillSpread > 0) || !(channelSpread > 0)) return 1;
      return Math.min(limit, Math.max(1 / limit, channelSpread / fillSpread));
    }),
  );
}

/** Up to `context` samples before and after each hole, outside every hole. */
function contextWindows(holes: readonly SampleRange[], length: number, context: number): SampleRange[] {
  const windows: SampleRange[] = [];
  holes.forEach((hole, i) => {
    const previousEnd = i === 0 ? 0 : holes[i - 1]!.end;
    const nextStart = i === holes.length - 1 ? length : holes[i + 1]!.start;
    windows.push({ start: Math.max(previousEnd, hole.start - context), end: hole.start });
    windows.push({ start: hole.end, end: Math.min(nextStart, hole.end + context) });
  });
  return windows.filter((w) => w.start < w.end);
}

/** Standard deviation of `x` over `windows` together (0 when they hold nothing). */
function spread(x: Float32Array, windows: readonly SampleRange[]): number {
  let sum = 0;
  let count = 0;
  for (const w of windows) for (let t = w.start; t < w.end; t++) sum += x[t]!;
  for (const w of windows) count += w.end - w.start;
  if (count === 0) return 0;
  const mean = sum / count;
  let squares = 0;
  for (const w of windows) for (let t = w.start; t < w.end; t++) squares += (x[t]! - mean) ** 2;
  return Math.sqrt(squares / count);
}

/** The mean of `x` outside `holes` (ascending), or 0 when nothing is outside them. */
function meanOutside(x: Float32Array, holes: readonly SampleRange[]): number {
  let sum = 0;
  let count = 0;
  let from = 0;
  for (const to of [...holes, { start: x.length, end: x.length }]) {
    for (let i = from; i < to.start; i++) sum += x[i]!;
    count += Math.max(0, to.start - from);
    from = Math.max(from, to.end);
  }
  return count > 0 ? sum / count : 0;
}
