/**
 * The `vary` model's sliders: the first principal directions of the training phrases' mean
 * encodings (mu), each scaled by its spread, so a slider at ±1 is one standard deviation of
 * the training phrases along it. docs/midi.md "The vary model" describes them for a reader.
 *
 * A slider's value is a POSITION, not a nudge: sliderLatent puts a latent at the given
 * positions on the sliders and keeps whatever else it holds (its part outside the slider
 * directions), so sliderPosition(sliderLatent(space, base, s)) = s for any base, and setting
 * the sliders to a phrase's own positions gives back that phrase's latent exactly.
 *
 * The principal directions are the eigenvectors of the latents' covariance, found with the
 * cyclic Jacobi method in float64 (a 100 × 100 symmetric matrix: milliseconds), ordered by
 * variance, largest first, each signed so its largest component is positive (the same latents
 * give the same sliders).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { VARY_SLIDER_COUNT } from '../../common/phrases.js';
import { sliderCharacterSchema, type SliderCharacter } from '../../common/slider-character.js';
import { writeFileAtomic } from '../store/atomic-write.js';

export interface LatentSpace {
  /** (Z) the latents' mean: every slider at 0. */
  mean: Float32Array;
  /** The principal directions, unit length and orthogonal, largest variance first; each Z floats. */
  directions: Float32Array[];
  /** Each direction's standard deviation among the latents. */
  spreads: number[];
  /** The share of the latents' total variance each direction explains. */
  explained: number[];
  /**
   * What each slider does to the music (slider-character.ts; null: no one trait), measured when
   * the model was trained; absent in spaces saved before sliders were described (version 1).
   */
  characters?: (SliderCharacter | null)[];
}

/** Symmetric eigen-decomposition (cyclic Jacobi): eigenvalues and unit eigenvectors (as rows), unsorted. */
function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p]! ** 2;
      for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        // v holds eigenvectors as rows: row p and row q rotate together.
        for (let k = 0; k < n; k++) {
          const vpk = v[p * n + k]!;
          const vqk = v[q * n + k]!;
          v[p * n + k] = c * vpk - s * vqk;
          v[q * n + k] = s * vpk + c * vqk;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

/** The sliders of a set of latents (see the file comment): their mean and first `sliders` principal directions. */
export function fitLatentSpace(latents: readonly Float32Array[], sliders: number = VARY_SLIDER_COUNT): LatentSpace {
  if (latents.length < 2) throw new AppError('INVALID_INPUT', `Sliders need at least 2 phrases to measure their spread (got ${latents.length}).`);
  const Z = latents[0]!.length;
  if (!Number.isInteger(sliders) || sliders < 1 || sliders > Z) throw new AppError('INVALID_INPUT', `Sliders: a whole number in 1..${Z} (got ${sliders}).`);
  for (const latent of latents) {
    if (latent.length !== Z) throw new AppError('INVALID_INPUT', `Latents of one model have one size (${Z} and ${latent.length} given).`);
    for (const value of latent) if (!Number.isFinite(value)) throw new AppError('INVALID_INPUT', 'A latent holds a number that is not finite.');
  }
  const count = latents.length;
  const mean = new Float64Array(Z);
  for (const latent of latents) for (let j = 0; j < Z; j++) mean[j] = mean[j]! + latent[j]! / count;
  const covariance = new Float64Array(Z * Z);
  const centred = new Float64Array(Z);
  for (const latent of latents) {
    for (let j = 0; j < Z; j++) centred[j] = latent[j]! - mean[j]!;
    for (let p = 0; p < Z; p++) {
      const cp = centred[p]! / count;
      for (let q = p; q < Z; q++) covariance[p * Z + q] = covariance[p * Z + q]! + cp * centred[q]!;
    }
  }
  for (let p = 0; p < Z; p++) for (let q = 0; q < p; q++) covariance[p * Z + q] = covariance[q * Z + p]!;
  const { values, vectors } = symmetricEigen(covariance, Z);
  const order = Array.from({ length: Z }, (_, i) => i).sort((i, j) => values[j]! - values[i]! || i - j);
  const totalVariance = values.reduce((sum, value) => sum + Math.max(0, value), 0);
  const directions: Float32Array[] = [];
  const spreads: number[] = [];
  const explained: number[] = [];
  for (const index of order.slice(0, sliders)) {
    const row = vectors.subarray(index * Z, (index + 1) * Z);
    let largest = 0;
    for (let j = 1; j < Z; j++) if (Math.abs(row[j]!) > Math.abs(row[largest]!)) largest = j;
    const sign = row[largest]! < 0 ? -1 : 1;
    directions.push(Float32Array.from(row, (value) => sign * value));
    const variance = Math.max(0, values[index]!);
    spreads.push(Math.sqrt(variance));
    explained.push(totalVariance > 0 ? variance / totalVariance : 0);
  }
  return { mean: Float32Array.from(mean), directions, spreads, explained };
}

function checkLatent(space: LatentSpace, z: Float32Array, what: string): void {
  if (z.length !== space.mean.length) throw new AppError('INVALID_INPUT', `${what} has ${z.length} numbers where the model's latent has ${space.mean.length}.`);
}

/** Where z sits on each slider, in spreads from the mean (0 on a direction with no spread). */
export function sliderPosition(space: LatentSpace, z: Float32Array): number[] {
  checkLatent(space, z, 'The latent');
  return space.directions.map((direction, i) => {
    const spread = space.spreads[i]!;
    if (!(spread > 0)) return 0;
    let dot = 0;
    for (let j = 0; j < direction.length; j++) dot += (z[j]! - space.mean[j]!) * direction[j]!;
    return dot / spread;
  });
}

/**
 * A latent at the given slider positions: `base` (or the mean when null) with its position on
 * each slider replaced by `sliders[i]` spreads; its part outside the slider directions is kept.
 */
export function sliderLatent(space: LatentSpace, base: Float32Array | null, sliders: readonly number[]): Float32Array {
  if (sliders.length !== space.directions.length) {
    throw new AppError('INVALID_INPUT', `The model has ${space.directions.length} sliders (got ${sliders.length} values).`);
  }
  for (const value of sliders) if (!Number.isFinite(value)) throw new AppError('INVALID_INPUT', 'A slider value is not a finite number.');
  const start = base ?? space.mean;
  checkLatent(space, start, 'The phrase’s latent');
  const from = sliderPosition(space, start);
  const z = Float64Array.from(start);
  space.directions.forEach((direction, i) => {
    const move = (sliders[i]! - from[i]!) * space.spreads[i]!;
    for (let j = 0; j < z.length; j++) z[j] = z[j]! + move * direction[j]!;
  });
  return Float32Array.from(z);
}

/** The latent `fraction` of the way from a to b (0: a, 1: b), in a straight line. */
export function interpolateLatent(a: Float32Array, b: Float32Array, fraction: number): Float32Array {
  if (a.length !== b.length) throw new AppError('INVALID_INPUT', `Two latents of one model have one size (${a.length} and ${b.length} given).`);
  if (!(fraction >= 0 && fraction <= 1)) throw new AppError('INVALID_INPUT', `The fraction lies in [0, 1] (got ${fraction}).`);
  return Float32Array.from(a, (value, j) => value + fraction * (b[j]! - value));
}

/** 2: the sliders' characters added (a version-1 file reads without them). */
export const LATENT_SPACE_VERSION = 2;

const latentSpaceFileSchema = z.strictObject({
  format: z.literal('eureka-latent-space'),
  version: z.number().int().positive(),
  latent: z.number().int().positive(),
  mean: z.array(z.number()),
  directions: z.array(z.array(z.number())),
  spreads: z.array(z.number().nonnegative()),
  explained: z.array(z.number().min(0).max(1)),
  characters: z.array(sliderCharacterSchema.nullable()).optional(),
});

/** The space as JSON (format, version, latent size, mean, directions, spreads, explained, characters), written atomically. */
export async function saveLatentSpace(target: string, space: LatentSpace): Promise<void> {
  const file: z.infer<typeof latentSpaceFileSchema> = {
    format: 'eureka-latent-space',
    version: LATENT_SPACE_VERSION,
    latent: space.mean.length,
    mean: Array.from(space.mean),
    directions: space.directions.map((direction) => Array.from(direction)),
    spreads: space.spreads,
    explained: space.explained,
    ...(space.characters ? { characters: space.characters } : {}),
  };
  await writeFileAtomic(target, `${JSON.stringify(file)}\n`, 'the sliders file');
}

/** A space saved by saveLatentSpace; one line for anything that is not one. */
export async function loadLatentSpace(source: string): Promise<LatentSpace> {
  const fail = (why: string): never => {
    throw new AppError('INVALID_INPUT', `${source} is not a sliders file: ${why}.`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(source, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NOT_FOUND', `${source} does not exist.`);
    fail('it is not JSON');
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > LATENT_SPACE_VERSION) {
    throw new AppError('INVALID_INPUT', `${source} was written by a newer Eureka (sliders format ${version}; this one reads up to ${LATENT_SPACE_VERSION}).`);
  }
  const parsed = latentSpaceFileSchema.safeParse(raw);
  if (!parsed.success) fail(`${parsed.error.issues[0]?.path.join('.') || 'file'}: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  const file = parsed.data!;
  const count = file.directions.length;
  if (file.mean.length !== file.latent) fail(`its mean has ${file.mean.length} numbers for a latent of ${file.latent}`);
  if (count < 1 || file.spreads.length !== count || file.explained.length !== count) fail('its directions, spreads and shares do not agree in number');
  if (file.directions.some((direction) => direction.length !== file.latent)) fail(`a direction does not have ${file.latent} numbers`);
  if (file.characters !== undefined && file.characters.length !== count) fail(`it describes ${file.characters.length} sliders of ${count}`);
  return {
    mean: Float32Array.from(file.mean),
    directions: file.directions.map((direction) => Float32Array.from(direction)),
    spreads: file.spreads,
    explained: file.explained,
    ...(file.characters ? { characters: file.characters } : {}),
  };
}
