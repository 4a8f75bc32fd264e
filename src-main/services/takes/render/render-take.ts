/**
 * Renders one take: drives the pyramid for the take's mode (pyramid-modes.ts), brings the result
 * back to the clip's level, to a rate every player handles, and to the clip's loudness.
 *
 * After the pyramid, per mode:
 * - new: × normFactor, DC removed, 20 ms raised-cosine fades at both ends;
 * - variation, reconstruct, denoise: × normFactor, DC removed;
 * - extend: the FFT stitch of input and generated signal (band-stitch.ts), × the input's peak,
 *   DC removed;
 * - gap: × normFactor, spliced into the training signal (splice.ts) with no gain at all, so
 *   everything outside the hole and its crossfades is the clip itself, bit for bit;
 * then upsampled to max(R, 16 kHz) with libsamplerate's best sinc (gap: both signals before
 * the splice), and every mode but gap loudness-matched to the source clip (level.ts: BS.1770,
 * never above -1 dBFS sample peak).
 *
 * DC removal (audio/dc-removal.ts, a zero-phase 20 Hz high-pass) because the generator learns
 * and adds an offset of its own (the trainer sees the clip's), and a DAW user never wants one.
 * A gap take is the user's clip outside the hole, offset and all, and must stay that clip bit
 * for bit, so there only the fill is filtered: its own offset is removed and the clip's (its
 * mean outside the holes) put in its place, so the fill sits where the clip around it sits and
 * the crossfades carry no step.
 *
 * Progress: one step per scale the pyramid computes, one for the rest.
 */
import { AppError } from '../../../common/errors.js';
import { MAX_TAKE_SECONDS, MIN_TAKE_SECONDS, type TakeSettings } from '../../../common/generation.js';
import { integratedLoudness } from '../../audio/loudness.js';
import { resample } from '../../audio/resample.js';
import { stitchBandwidth } from './band-stitch.js';
import { applyEdgeFades, matchLoudness, MIN_OUTPUT_RATE } from '../../audio/level.js';
import { removeDc } from '../../audio/dc-removal.js';
import {
  extendEntryScale,
  generateExtension,
  generateGapFill,
  generateNew,
  generateReconstruction,
  generateVariation,
  holeIndexAt,
  topRateOf,
  type PyramidContext,
} from './pyramid-modes.js';
import { spliceHoles } from './splice.js';

export { MIN_OUTPUT_RATE } from '../../audio/level.js';
export type { ModelSource } from '../../models/model-source.js';
export type { NoiseSource, RenderPyramid } from './pyramid-modes.js';

/** What renderTake works with: the open pyramid, the seeded noise, the model's source facts. */
export type RenderContext = PyramidContext;

/** A rendered take: mono, ready to be written as a WAV. */
export interface RenderedTake {
  samples: Float32Array;
  sampleRate: number;
  /** Integrated loudness of `samples`, LUFS (null: under 400 ms or silent). */
  loudnessLufs: number | null;
  seconds: number;
}

/** The rate a take of this pyramid is written at. */
export function outputRateOf(ctx: RenderContext): number {
  return Math.max(topRateOf(ctx.pyramid.manifest), MIN_OUTPUT_RATE);
}

/**
 * One take of `settings.mode` from `seed` (the same seed, the same bits). Throws INVALID_INPUT
 * for a mode the model does not offer (modeAvailability says which), a 'new' length outside
 * 1 … 600 s, or an extend rate that is not one of its extendRates.
 */
export async function renderTake(
  ctx: RenderContext,
  settings: TakeSettings,
  seed: bigint,
  onProgress: (fraction: number) => void = () => {},
): Promise<RenderedTake> {
  const { manifest } = ctx.pyramid;
  const scales = manifest.scales.length;
  const modelRate = topRateOf(manifest);
  const outRate = outputRateOf(ctx);
  const { normFactor } = ctx.source;
  // Steps: the scales this mode computes, plus one for everything after the pyramid.
  const computed =
    settings.mode === 'variation'
      ? scales - 1
      : settings.mode === 'extend'
        ? scales - 1 - extendEntryScale(manifest, requireExtendRate(settings))
        : scales;
  let steps = 0;
  const done = (): void => onProgress(Math.min(++steps, computed) / (computed + 1));
  onProgress(0);

  let audio: Float32Array;
  switch (settings.mode) {
    case 'new': {
      if (!(settings.seconds >= MIN_TAKE_SECONDS && settings.seconds <= MAX_TAKE_SECONDS)) {
        throw new AppError('INVALID_INPUT', `a new take is ${MIN_TAKE_SECONDS} to ${MAX_TAKE_SECONDS} seconds long, not ${settings.seconds}`);
      }
      const samples = Math.round(settings.seconds * modelRate);
      audio = scaled(await generateNew(ctx, samples, seed, done), normFactor);
      break;
    }
    case 'variation':
      audio = scaled(await generateVariation(ctx, seed, done), normFactor);
      break;
    case 'denoise':
      if (ctx.source.mode !== 'denoising') throw new AppError('INVALID_INPUT', 'only a model trained in denoising mode can denoise its clip');
      audio = scaled(await generateReconstruction(ctx, done), normFactor);
      break;
    case 'reconstruct':
      audio = scaled(await generateReconstruction(ctx, done), normFactor);
      break;
    case 'extend': {
      const fromRate = requireExtendRate(settings);
      const extension = await generateExtension(ctx, fromRate, seed, done);
      audio = scaled(stitchBandwidth(extension.input, fromRate, extension.generated, modelRate), extension.inputPeak);
      break;
    }
    case 'gap': {
      const filled = await generateGapFill(ctx, seed, done);
      const spliced = await spliceGap(ctx, scaled(filled, normFactor), outRate);
      onProgress(1);
      return { samples: spliced, sampleRate: outRate, loudnessLufs: integratedLoudness([spliced], outRate), seconds: spliced.length / outRate };
    }
  }
  audio = removeDc(audio, modelRate);
  // After the DC removal: the fades must end on silence, not on the offset.
  if (settings.mode === 'new') applyEdgeFades(audio, modelRate);
  const playable = await resample(audio, modelRate, outRate, 'best');
  const leveled = matchLoudness(playable, outRate, ctx.source.sourceLoudnessLufs);
  onProgress(1);
  return { samples: leveled.samples, sampleRate: outRate, loudnessLufs: leveled.loudnessLufs, seconds: leveled.samples.length / outRate };
}

function requireExtendRate(settings: TakeSettings): number {
  if (settings.extendFromRate === null) throw new AppError('INVALID_INPUT', 'extend needs the rate of its band-limited input');
  return settings.extendFromRate;
}

/** x · gain as a new array. */
function scaled(x: Float32Array, gain: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * gain;
  return out;
}

/**
 * The training signal with `filled` (at the clip's level, at R) spliced into its holes, at
 * outRate: both are brought to outRate first, so the audio outside the holes is the training
 * signal itself whenever it is already at outRate (the usual 16 kHz and above). The fill loses
 * its own DC and takes the clip's (the file comment says why).
 */
async function spliceGap(ctx: RenderContext, filled: Float32Array, outRate: number): Promise<Float32Array> {
  const { manifest } = ctx.pyramid;
  const { signal, topRate } = ctx.source;
  const original = await resample(signal, topRate, outRate, 'best');
  const generated = await resample(filled, topRateOf(manifest), outRate, 'best');
  const fitted = new Float32Array(original.length);
  fitted.set(generated.subarray(0, Math.min(generated.length, original.length)));
  const holeRate = manifest.holeRate ?? topRate;
  const holes = manifest.holes.map((hole) => ({
    start: holeIndexAt(hole.start, outRate, holeRate),
    end: Math.min(holeIndexAt(hole.end, outRate, holeRate), original.length),
  }));
  const clipOffset = meanOutside(original, holes);
  const fill = removeDc(fitted, outRate).map((x) => x + clipOffset);
  return spliceHoles(original, fill, holes);
}

/** The mean of `x` outside `holes` (ascending), or 0 when nothing is outside them. */
function meanOutside(x: Float32Array, holes: readonly { start: number; end: number }[]): number {
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
