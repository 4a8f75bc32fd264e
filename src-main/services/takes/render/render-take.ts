/**
 * Renders one take: drives the pyramid for the take's mode (pyramid-modes.ts), brings the result
 * back to the clip's level, to the song's rate, and to the clip's loudness.
 *
 * After the pyramid, per mode:
 * - new: × normFactor, DC removed, 20 ms raised-cosine fades at both ends;
 * - variation, reconstruct, denoise: × normFactor, DC removed;
 * - extend: the FFT stitch of input and generated signal (band-stitch.ts), × the input's peak,
 *   DC removed;
 * then upsampled to the take's rate with libsamplerate's best sinc — the song's rate (its
 * file's), never below the model's rate R or 16 kHz, so an export to the song's session needs
 * no conversion — and loudness-matched to the source clip (level.ts: BS.1770, never above
 * -1 dBFS sample peak). The take is mono and holds nothing above R / 2, which its provenance
 * (TakeRender.modelRate) says.
 * - gap: × normFactor, then spliced into the clip (gap-splice.ts): the original as imported,
 *   at its own rate and channels, unchanged outside the hole and its crossfades; no loudness
 *   match, since everything but the fill is the clip itself.
 *
 * DC removal (audio/dc-removal.ts, a zero-phase 20 Hz high-pass) because the generator learns
 * and adds an offset of its own (the trainer sees the clip's), and a DAW user never wants one.
 *
 * Progress: one step per scale the pyramid computes, one for the rest.
 */
import { AppError } from '../../../common/errors.js';
import { MAX_TAKE_SECONDS, MIN_TAKE_SECONDS, type TakeSettings } from '../../../common/generation.js';
import type { TakeRender } from '../../../common/take-render.js';
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
  topRateOf,
  type PyramidContext,
} from './pyramid-modes.js';
import { spliceGap, type ClipAudio } from './gap-splice.js';

export { MIN_OUTPUT_RATE } from '../../audio/level.js';
export type { ModelSource } from '../../models/model-source.js';
export type { NoiseSource, RenderPyramid } from './pyramid-modes.js';
export type { ClipAudio } from './gap-splice.js';

/** What renderTake works with: the open pyramid, the seeded noise, the model's source facts. */
export type RenderContext = PyramidContext;

/** Where a take goes. */
export interface RenderTarget {
  /** The song's rate (its file's), or null when the clip is gone: the take is then at outputRateOf. */
  songRate: number | null;
  /**
   * gap: the clip the fill is spliced into — the library's original when it is still the audio
   * the model learned, else the model's copy; null: the model's training signal.
   */
  clip: ClipAudio | null;
}

/** A rendered take, ready to be written as a WAV: one channel, or a gap fill's clip's channels. */
export interface RenderedTake {
  /** (C, T) */
  channels: Float32Array[];
  sampleRate: number;
  /** Integrated loudness of the channels, LUFS (null: under 400 ms or silent). */
  loudnessLufs: number | null;
  /**
   * The loudness of what the take is heard against (A/B): the source clip's, which a generated
   * take is matched to; for a gap fill, the clip it went into, measured the same way as the take.
   */
  sourceLoudnessLufs: number | null;
  seconds: number;
  render: TakeRender;
}

/** The lowest rate a generated take of this pyramid is written at: R, at least 16 kHz. */
export function outputRateOf(ctx: RenderContext): number {
  return Math.max(topRateOf(ctx.pyramid.manifest), MIN_OUTPUT_RATE);
}

/** The rate a generated (not spliced) take is written at: the song's, never below outputRateOf. */
export function generatedRateOf(ctx: RenderContext, target: RenderTarget): number {
  return Math.max(target.songRate ?? 0, outputRateOf(ctx));
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
  target: RenderTarget = { songRate: null, clip: null },
): Promise<RenderedTake> {
  const { manifest } = ctx.pyramid;
  const scales = manifest.scales.length;
  const modelRate = topRateOf(manifest);
  const outRate = generatedRateOf(ctx, target);
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
      const holeRate = manifest.holeRate ?? ctx.source.topRate;
      const clip = await playableClip(target.clip ?? modelCopyOf(ctx));
      const spliced = await spliceGap(clip, {
        fill: scaled(filled, normFactor),
        rate: modelRate,
        holes: manifest.holes,
        holeRate,
      });
      const rate = spliced.sampleRate;
      onProgress(1);
      return {
        channels: spliced.channels,
        sampleRate: rate,
        loudnessLufs: await loudnessAtPlayableRate(spliced.channels, rate),
        sourceLoudnessLufs: await loudnessAtPlayableRate(clip.channels, clip.sampleRate),
        seconds: (spliced.channels[0]?.length ?? 0) / rate,
        render: { modelRate, channels: spliced.channels.length, fill: spliced.fill },
      };
    }
  }
  audio = removeDc(audio, modelRate);
  // After the DC removal: the fades must end on silence, not on the offset.
  if (settings.mode === 'new') applyEdgeFades(audio, modelRate);
  const playable = await resample(audio, modelRate, outRate, 'best');
  const leveled = matchLoudness(playable, outRate, ctx.source.sourceLoudnessLufs);
  onProgress(1);
  return {
    channels: [leveled.samples],
    sampleRate: outRate,
    loudnessLufs: leveled.loudnessLufs,
    sourceLoudnessLufs: ctx.source.sourceLoudnessLufs,
    seconds: leveled.samples.length / outRate,
    render: { modelRate, channels: 1, fill: null },
  };
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

/** The model's training signal as the clip a fill goes into (what renderTake uses without one). */
function modelCopyOf(ctx: RenderContext): ClipAudio {
  return { channels: [ctx.source.signal], sampleRate: ctx.source.topRate, from: 'model copy' };
}

/**
 * The clip as the take is written: the original as it is (its rate is the song's, whatever it
 * is); a model copy below 16 kHz upsampled to 16 kHz (players and DAWs handle that).
 */
async function playableClip(clip: ClipAudio): Promise<ClipAudio> {
  if (clip.from === 'original' || clip.sampleRate >= MIN_OUTPUT_RATE) return clip;
  const channels = await Promise.all(clip.channels.map((channel) => resample(channel, clip.sampleRate, MIN_OUTPUT_RATE, 'best')));
  return { channels, sampleRate: MIN_OUTPUT_RATE, from: clip.from };
}

/** Integrated loudness, measured at 16 kHz when the rate is lower (level.ts says why). */
async function loudnessAtPlayableRate(channels: Float32Array[], rate: number): Promise<number | null> {
  if (rate >= MIN_OUTPUT_RATE) return integratedLoudness(channels, rate);
  return integratedLoudness(await Promise.all(channels.map((channel) => resample(channel, rate, MIN_OUTPUT_RATE, 'best'))), MIN_OUTPUT_RATE);
}
