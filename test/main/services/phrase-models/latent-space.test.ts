/**
 * The `vary` model's sliders (latent-space.ts) on synthetic latents with known principal axes:
 * the directions come out orthonormal, ordered by variance and along the true axes with the
 * true spreads; a slider value is a position, so sliderPosition undoes sliderLatent for any
 * base; interpolation runs straight between two latents; the JSON file round-trips and a bad
 * one is refused in one line; the sliders' characters round-trip, and a file from before them reads.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../../src-main/common/errors.js';
import { fitLatentSpace, interpolateLatent, loadLatentSpace, saveLatentSpace, sliderLatent, sliderPosition, type LatentSpace } from '../../../../src-main/services/phrase-models/latent-space.js';
import { fastRandom } from '../../../../src-main/services/phrase-models/lstm-lm.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const Z = 30;
const SLIDERS = 6;
/** The true spreads along the axes, largest first; the rest of the latent is small noise. */
const SPREADS = [5, 4, 3, 2, 1.5, 1];

/** An orthonormal basis of R^Z (Gram–Schmidt on seeded vectors). */
function basis(random: () => number): Float64Array[] {
  const out: Float64Array[] = [];
  while (out.length < Z) {
    const v = Float64Array.from({ length: Z }, () => random() - 0.5);
    for (const u of out) {
      const dot = v.reduce((s, x, j) => s + x * u[j]!, 0);
      for (let j = 0; j < Z; j++) v[j] = v[j]! - dot * u[j]!;
    }
    const norm = Math.hypot(...v);
    out.push(v.map((x) => x / norm));
  }
  return out;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const random = fastRandom('4', 'latent-space-test');
const axes = basis(random);
const centre = Float64Array.from({ length: Z }, () => random() * 2 - 1);
const latents = Array.from({ length: 4000 }, () => {
  const z = Float64Array.from(centre);
  axes.forEach((axis, k) => {
    const amount = gaussian(random) * (SPREADS[k] ?? 0.05);
    for (let j = 0; j < Z; j++) z[j] = z[j]! + amount * axis[j]!;
  });
  return Float32Array.from(z);
});

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += (a[j] as number) * (b[j] as number);
  return sum;
};

describe('latent space (the sliders)', () => {
  let space: LatentSpace;
  beforeAll(() => {
    space = fitLatentSpace(latents, SLIDERS);
  });

  it('finds orthonormal directions ordered by variance, along the true axes with their spreads', () => {
    expect(space.directions).toHaveLength(SLIDERS);
    for (let i = 0; i < SLIDERS; i++) {
      for (let k = 0; k < SLIDERS; k++) expect(dot(space.directions[i]!, space.directions[k]!)).toBeCloseTo(i === k ? 1 : 0, 5);
      expect(Math.abs(dot(space.directions[i]!, axes[i]!))).toBeGreaterThan(0.99);
      expect(space.spreads[i]! / SPREADS[i]!).toBeGreaterThan(0.95);
      expect(space.spreads[i]! / SPREADS[i]!).toBeLessThan(1.05);
    }
    for (let i = 1; i < SLIDERS; i++) expect(space.spreads[i]!).toBeLessThan(space.spreads[i - 1]!);
    // Variance shares: the six axes hold nearly all of it.
    const total = SPREADS.reduce((s, v) => s + v * v, 0) + (Z - SLIDERS) * 0.05 ** 2;
    expect(space.explained[0]!).toBeCloseTo(25 / total, 1);
    expect(space.explained.reduce((s, v) => s + v, 0)).toBeGreaterThan(0.99);
    for (let j = 0; j < Z; j++) expect(space.mean[j]!).toBeCloseTo(centre[j]!, 0);
    // The same latents give the same sliders, signs included.
    expect(fitLatentSpace(latents, SLIDERS)).toEqual(space);
  });

  it('treats slider values as positions: sliderPosition undoes sliderLatent for any base', () => {
    const values = [-2, -1, 0, 0.5, 1, 2.5];
    const fromCentre = sliderLatent(space, null, values);
    sliderPosition(space, fromCentre).forEach((p, i) => expect(p).toBeCloseTo(values[i]!, 4));
    const base = latents[17]!;
    const moved = sliderLatent(space, base, values);
    sliderPosition(space, moved).forEach((p, i) => expect(p).toBeCloseTo(values[i]!, 4));
    // What lies outside the slider directions is the base's own.
    const rest = (z: Float32Array): number[] => {
      const r = Array.from(z, (v, j) => v - space.mean[j]!);
      for (const d of space.directions) {
        const amount = dot(r, d);
        for (let j = 0; j < Z; j++) r[j] = r[j]! - amount * d[j]!;
      }
      return r;
    };
    rest(moved).forEach((v, j) => expect(v).toBeCloseTo(rest(base)[j]!, 4));
    // A phrase's own positions give back its latent; the centre is all zeros.
    sliderLatent(space, base, sliderPosition(space, base)).forEach((v, j) => expect(v).toBeCloseTo(base[j]!, 4));
    sliderPosition(space, space.mean).forEach((p) => expect(p).toBeCloseTo(0, 6));
    // One spread along slider 1 is one spread of the latents there.
    const one = sliderLatent(space, null, [1, 0, 0, 0, 0, 0]);
    expect(Math.hypot(...Array.from(one, (v, j) => v - space.mean[j]!))).toBeCloseTo(space.spreads[0]!, 4);
  });

  it('interpolates in a straight line', () => {
    const a = latents[0]!;
    const b = latents[1]!;
    expect(Array.from(interpolateLatent(a, b, 0))).toEqual(Array.from(a));
    interpolateLatent(a, b, 1).forEach((v, j) => expect(v).toBeCloseTo(b[j]!, 5));
    interpolateLatent(a, b, 0.25).forEach((v, j) => expect(v).toBeCloseTo(0.75 * a[j]! + 0.25 * b[j]!, 5));
    expect(() => interpolateLatent(a, b, 1.5)).toThrow('The fraction lies in [0, 1] (got 1.5).');
  });

  it('refuses what is not a latent space in one line', () => {
    expect(() => fitLatentSpace([latents[0]!])).toThrow(AppError);
    expect(() => fitLatentSpace([latents[0]!, latents[1]!.subarray(1)])).toThrow('Latents of one model have one size (30 and 29 given).');
    expect(() => sliderLatent(space, null, [1, 2])).toThrow('The model has 6 sliders (got 2 values).');
    expect(() => sliderPosition(space, new Float32Array(3))).toThrow("The latent has 3 numbers where the model's latent has 30.");
  });

  it('saves and loads its JSON file, and refuses a bad one in one line', async () => {
    const dir = await makeTempDir('eureka-latent-space-');
    try {
      const file = path.join(dir, 'latent-space.json');
      await saveLatentSpace(file, space);
      const loaded = await loadLatentSpace(file);
      expect(loaded.spreads).toEqual(space.spreads);
      expect(loaded.explained).toEqual(space.explained);
      expect(Array.from(loaded.mean)).toEqual(Array.from(space.mean));
      loaded.directions.forEach((d, i) => expect(Array.from(d)).toEqual(Array.from(space.directions[i]!)));

      const bad = path.join(dir, 'bad.json');
      const refuse = async (text: string, message: string): Promise<void> => {
        await writeFile(bad, text);
        const error = await loadLatentSpace(bad).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).message).toBe(message);
        expect((error as AppError).message).not.toContain('\n');
      };
      await refuse('{not json', `${bad} is not a sliders file: it is not JSON.`);
      await refuse(JSON.stringify({ format: 'eureka-latent-space', version: 9 }), `${bad} was written by a newer Eureka (sliders format 9; this one reads up to 2).`);
      const good = JSON.parse(JSON.stringify({ format: 'eureka-latent-space', version: 1, latent: Z, mean: Array.from(space.mean), directions: space.directions.map((d) => Array.from(d)), spreads: space.spreads, explained: space.explained }));
      await refuse(JSON.stringify({ ...good, mean: good.mean.slice(1) }), `${bad} is not a sliders file: its mean has 29 numbers for a latent of 30.`);
      await refuse(JSON.stringify({ ...good, spreads: good.spreads.slice(1) }), `${bad} is not a sliders file: its directions, spreads and shares do not agree in number.`);
      await refuse(JSON.stringify({ ...good, version: 2, characters: [null] }), `${bad} is not a sliders file: it describes 1 sliders of ${SLIDERS}.`);
      // A version-1 file (saved before sliders were described) reads, without characters.
      await writeFile(bad, JSON.stringify(good));
      expect((await loadLatentSpace(bad)).characters).toBeUndefined();
      // Characters round-trip with the rest.
      const characters = space.directions.map((_, i) => (i === 0 ? { trait: 'pitch' as const, rises: false, low: 64.5, high: 60.25, effect: 0.9, steady: 6, phrases: 8 } : null));
      await saveLatentSpace(file, { ...space, characters });
      expect((await loadLatentSpace(file)).characters).toEqual(characters);
      await writeFile(bad, JSON.stringify({ ...good, format: 'other' }));
      const wrongFormat = (await loadLatentSpace(bad).catch((e: unknown) => e)) as AppError;
      expect(wrongFormat.message.startsWith(`${bad} is not a sliders file: format: `)).toBe(true);
      expect(wrongFormat.message).not.toContain('\n');
      const missing = await loadLatentSpace(path.join(dir, 'none.json')).catch((e: unknown) => e);
      expect((missing as AppError).code).toBe('NOT_FOUND');
    } finally {
      await removeDir(dir);
    }
  });
});
