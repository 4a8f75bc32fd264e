/**
 * How each generation mode drives the pyramid (docs/caw-spec.md §4). Everything here is in the
 * pyramid's own units (the clip peaks at 1, model-source.ts) at the finest trained rate R;
 * render-take.ts brings the result back to the clip's level and a playable rate.
 *
 * Noise is always N(0, 1) from the native PRNG (ctx.noise, one array per scale in order), so a
 * seed makes the same take bit for bit; each scale's graph multiplies it by its amplitude.
 */
import { AppError } from '../../../common/errors.js';
import { resample } from '../../audio/resample.js';
import type { PyramidManifest } from '../../models/onnx/manifest.js';
import { peakOf } from '../../audio/level.js';
import type { ModelSource } from '../../models/model-source.js';

/** The parts of the ONNX pyramid (onnx/onnx-pyramid.ts OnnxPyramid) rendering uses. */
export interface RenderPyramid {
  readonly manifest: PyramidManifest;
  /** Scale s's reconstruction noise, (trainingLength_s), zeros where it has none. */
  zRec(s: number): Float32Array;
  /** Every scale's output from startScale on; `entry` is scale startScale − 1's output. */
  run(options: {
    noises: Float32Array[];
    startScale?: number;
    entry?: Float32Array;
    onScale?: (s: number) => void;
  }): Promise<Float32Array[]>;
}

/** Seeded N(0, 1) noise, one array per length (the addon's generationNoise). */
export type NoiseSource = (seed: bigint, lengths: number[]) => Float32Array[];

export interface PyramidContext {
  pyramid: RenderPyramid;
  noise: NoiseSource;
  source: ModelSource;
}

/** Called after each scale the run computes. */
export type ScaleDone = () => void;

/**
 * How far past each end a 'new' take is generated, in units of the coarsest scale's padding
 * time P / rate_0: every generator zero-pads its input by P samples, and P / rate_0 is the
 * longest such stretch (the finer scales pad the same P at higher rates); the extra quarter
 * covers the finer scales spreading the coarse edge a little further.
 */
export const EDGE_MARGIN_FACTOR = 1.25;

/** The finest trained rate R. */
export function topRateOf(manifest: PyramidManifest): number {
  return manifest.scales[manifest.scales.length - 1]!.rate;
}

/** Samples per scale for a signal of `topLength` samples at R: round(rate_s · topLength / R). */
export function lengthsForTop(manifest: PyramidManifest, topLength: number): number[] {
  const top = topRateOf(manifest);
  return manifest.scales.map((scale) => Math.round((scale.rate * topLength) / top));
}

/** The margin, samples at R, a 'new' take is generated with on each side. */
export function edgeMarginSamples(manifest: PyramidManifest): number {
  const coarsest = manifest.scales[0]!.rate;
  return Math.ceil(((EDGE_MARGIN_FACTOR * manifest.pad) / coarsest) * topRateOf(manifest));
}

/** The last scale's output, checked for length. */
function finest(outputs: Float32Array[], length: number): Float32Array {
  const out = outputs[outputs.length - 1];
  if (!out || out.length !== length) {
    throw new AppError('INTERNAL', `the pyramid returned ${out?.length ?? 0} samples, not ${length}`);
  }
  return out;
}

/**
 * new: `samples` at R of unconditional material, generated with {@link edgeMarginSamples} on
 * each side and cut out of the middle, so its ends are not the padding's "silence".
 */
export async function generateNew(ctx: PyramidContext, samples: number, seed: bigint, done: ScaleDone): Promise<Float32Array> {
  const margin = edgeMarginSamples(ctx.pyramid.manifest);
  const total = samples + 2 * margin;
  const lengths = lengthsForTop(ctx.pyramid.manifest, total);
  const outputs = await ctx.pyramid.run({ noises: ctx.noise(seed, lengths), onScale: done });
  return finest(outputs, total).slice(margin, margin + samples);
}

/** new without margins, exactly as the reference generates: for tests and comparisons. */
export async function generateUnpadded(ctx: PyramidContext, samples: number, seed: bigint): Promise<Float32Array> {
  const lengths = lengthsForTop(ctx.pyramid.manifest, samples);
  return finest(await ctx.pyramid.run({ noises: ctx.noise(seed, lengths) }), samples);
}

/** The training lengths of every scale. */
function trainingLengths(manifest: PyramidManifest): number[] {
  return manifest.scales.map((scale) => scale.trainingLength);
}

/** The training signal as the trainer saw it: peak-normalised, holes zeroed (inpainting). */
function normalisedSignal(source: ModelSource): Float32Array {
  const x = new Float32Array(source.signal.length);
  for (let i = 0; i < x.length; i++) x[i] = source.signal[i]! / source.normFactor;
  for (const hole of source.holes) x.fill(0, hole.start, Math.min(hole.end, x.length));
  return x;
}

/** `x` cropped or zero-padded to `length`. */
function fitLength(x: Float32Array, length: number): Float32Array {
  if (x.length === length) return x;
  const out = new Float32Array(length);
  out.set(x.subarray(0, Math.min(length, x.length)));
  return out;
}

/**
 * variation: the clip's own coarsest scale (the normalised training signal resampled to
 * rate_0) as scale 0's output, fresh seeded noise from scale 1 on. The training signal's length.
 */
export async function generateVariation(ctx: PyramidContext, seed: bigint, done: ScaleDone): Promise<Float32Array> {
  const { manifest } = ctx.pyramid;
  if (manifest.scales.length < 2) throw new AppError('INVALID_INPUT', 'variations need a model with at least two trained scales');
  const lengths = trainingLengths(manifest);
  const coarse = await resample(normalisedSignal(ctx.source), ctx.source.topRate, manifest.scales[0]!.rate);
  const outputs = await ctx.pyramid.run({
    noises: ctx.noise(seed, lengths),
    startScale: 1,
    entry: fitLength(coarse, lengths[0]!),
    onScale: done,
  });
  return finest(outputs, lengths[lengths.length - 1]!);
}

/** reconstruct / denoise: the pyramid driven by its reconstruction noise; no seed. */
export async function generateReconstruction(ctx: PyramidContext, done: ScaleDone): Promise<Float32Array> {
  const { manifest } = ctx.pyramid;
  const noises = manifest.scales.map((_, s) => ctx.pyramid.zRec(s));
  return finest(await ctx.pyramid.run({ noises, onScale: done }), manifest.scales[manifest.scales.length - 1]!.trainingLength);
}

/** A hole index h at holeRate, at a level of `rate` Hz: floor(h · rate / holeRate) (native nn_hole_index). */
export function holeIndexAt(h: number, rate: number, holeRate: number): number {
  return Math.floor((h * rate) / holeRate);
}

/**
 * The first scale whose hole noise a gap fill redraws from the seed: 0, as the reference's
 * `inpaint --new` does, because the songwriter auditions several fills and wants them to differ
 * in shape, not only in detail (redrawing from scale 1 up left two seeds' fills ~12 % apart in
 * RMS on the test model, about 6 times less than from scale 0). Outside the hole the noise stays
 * the reconstruction's, and the splice keeps the clip there anyway.
 */
export const FIRST_REDRAWN_SCALE = 0;

/**
 * gap: the reconstruction noise everywhere, except inside the holes from
 * {@link FIRST_REDRAWN_SCALE} up, where the seed's noise is used (hole indices scaled to each
 * level's rate as floor(h · rate / holeRate); the reference redraws with full-rate indices at
 * every scale, a bug). Returns the raw pyramid output at R, training length; the caller
 * splices it into the clip.
 */
export async function generateGapFill(ctx: PyramidContext, seed: bigint, done: ScaleDone): Promise<Float32Array> {
  const { manifest } = ctx.pyramid;
  if (!manifest.inpainting || manifest.holeRate === null || manifest.holes.length === 0) {
    throw new AppError('INVALID_INPUT', 'only a model trained on a gap clip can fill its gap');
  }
  const holeRate = manifest.holeRate;
  const lengths = trainingLengths(manifest);
  const fresh = ctx.noise(seed, lengths);
  const noises = manifest.scales.map((scale, s) => {
    const z = ctx.pyramid.zRec(s).slice();
    if (s < FIRST_REDRAWN_SCALE) return z;
    for (const hole of manifest.holes) {
      const start = holeIndexAt(hole.start, scale.rate, holeRate);
      const end = Math.min(holeIndexAt(hole.end, scale.rate, holeRate), z.length);
      z.set(fresh[s]!.subarray(start, end), start);
    }
    return z;
  });
  return finest(await ctx.pyramid.run({ noises, onScale: done }), lengths[lengths.length - 1]!);
}

/** extend's result: the generated signal and the input it continues, both in input-peak units. */
export interface Extension {
  /** The band-limited input at fromRate, peak-normalised, (L). */
  input: Float32Array;
  /** Its peak before normalising, at the clip's level: input × inputPeak is the real input. */
  inputPeak: number;
  /** The pyramid's output at R, (r · L). */
  generated: Float32Array;
}

/** The scale whose rate is `fromRate`, or throws INVALID_INPUT naming the rates that work. */
export function extendEntryScale(manifest: PyramidManifest, fromRate: number): number {
  const top = topRateOf(manifest);
  const k = manifest.scales.findIndex((scale) => scale.rate === fromRate);
  if (k < 0 || fromRate >= top || top % fromRate !== 0) {
    const ok = manifest.scales.map((s) => s.rate).filter((rate) => rate < top && top % rate === 0);
    throw new AppError(
      'INVALID_INPUT',
      ok.length > 0
        ? `cannot extend from ${fromRate} Hz: this model extends from ${ok.join(', ')} Hz`
        : "this model cannot extend a clip's bandwidth (no lower scale divides its top rate)",
    );
  }
  return k;
}

/**
 * extend: the training signal band-limited to fromRate (resampled down), peak-normalised,
 * enters as the output of the scale at fromRate; the finer scales add seeded noise.
 */
export async function generateExtension(ctx: PyramidContext, fromRate: number, seed: bigint, done: ScaleDone): Promise<Extension> {
  const { manifest } = ctx.pyramid;
  const k = extendEntryScale(manifest, fromRate);
  const factor = topRateOf(manifest) / fromRate;
  const band = await resample(ctx.source.signal, ctx.source.topRate, fromRate);
  const inputPeak = peakOf(band);
  if (!(inputPeak > 0)) throw new AppError('INVALID_INPUT', 'the clip is silent below the chosen rate: nothing to extend');
  const input = band.map((x) => x / inputPeak);
  const lengths = lengthsForTop(manifest, input.length * factor);
  if (lengths[k] !== input.length) throw new AppError('INTERNAL', `extend: scale ${k} wants ${lengths[k]} samples, not ${input.length}`);
  const outputs = await ctx.pyramid.run({ noises: ctx.noise(seed, lengths), startScale: k + 1, entry: input, onScale: done });
  return { input, inputPeak, generated: finest(outputs, input.length * factor) };
}
