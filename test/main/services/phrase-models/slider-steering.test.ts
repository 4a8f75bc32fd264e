/**
 * Steady sliders (slider-steering.ts) against a stand-in model whose faults are the real one's,
 * made exact so the test knows the answer: the decoder's output is discrete (tokens on a grid)
 * and the encoder reads a decode back compressed (half the move) and with a fixed, uneven error
 * per grid cell. Plainly decoded, a sweep along a slider then reads back short of its settings
 * and, somewhere, backwards; steered, it reads back on target and in order. The trained model on
 * the bench: test/bench/phrases/vary-steer.ts.
 */
import { fitLatentSpace, sliderLatent, sliderPosition, type LatentSpace } from '../../../../src-main/services/phrase-models/latent-space.js';
import { STEERING, steerSliders, type SteeringCodec } from '../../../../src-main/services/phrase-models/slider-steering.js';

const SLIDERS = 2;
/** The decoder's grid: a latent's coordinate is written to the nearest of these steps. */
const CELL = 0.125;

/** Latents spread along the axes (spreads 2 and 1 on the first two, small on the rest): the sliders are the axes. */
function axesSpace(): LatentSpace {
  const latents: Float32Array[] = [];
  for (const a of [-2, 2]) for (const b of [-1, 1]) for (const c of [-0.1, 0.1]) latents.push(Float32Array.from([a, b, c, -c]));
  return fitLatentSpace(latents, SLIDERS);
}

/** A fixed, uneven read-back error for each grid cell (±0.4 at most): the same decode always reads back the same. */
const cellError = (cell: number): number => 0.4 * Math.sin(cell * 12.9898 + 78.233);

/** The stand-in model (see the file comment), counting its decodes and encodes and keeping the latents it was asked to decode. */
function standIn(): SteeringCodec & { decodes: Float32Array[]; encodes: number } {
  const codec = {
    decodes: [] as Float32Array[],
    encodes: 0,
    decode(latent: Float32Array): Promise<number[]> {
      codec.decodes.push(latent);
      return Promise.resolve([1, ...Array.from(latent, (value) => Math.round(value / CELL)), 2]);
    },
    encode(tokens: readonly number[]): Promise<Float32Array> {
      codec.encodes += 1;
      return Promise.resolve(Float32Array.from(tokens.slice(1, -1), (cell) => 0.5 * cell * CELL + cellError(cell)));
    },
  };
  return codec;
}

const readBack = async (codec: SteeringCodec, space: LatentSpace, tokens: number[]): Promise<number[]> => sliderPosition(space, await codec.encode(tokens));
const SWEEP = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2];
const nonDecreasing = (values: readonly number[]): boolean => values.every((value, k) => k === 0 || value >= values[k - 1]!);

describe('steady sliders', () => {
  const space = axesSpace();
  const base = Float32Array.from([0.6, -0.3, 0.05, 0.02]);
  const at = sliderPosition(space, base);

  it('decodes the phrase itself, with no read-back, when no slider has moved (within half a tenth)', async () => {
    const codec = standIn();
    const steered = await steerSliders(space, base, at.map((p) => Math.round(p * 10) / 10), codec);
    expect(codec.encodes).toBe(0);
    expect(steered.rounds).toBe(1);
    expect(steered.error).toBe(0);
    expect(Array.from(steered.latent)).toEqual(Array.from(sliderLatent(space, base, at)));
  });

  it('reads back as far along the slider as it moved, where the plain decode reads back half as far', async () => {
    const codec = standIn();
    const rest = await readBack(codec, space, await codec.decode(base));
    const sliders = [at[0]! + 2.5, at[1]!];
    const plain = await readBack(codec, space, await codec.decode(sliderLatent(space, base, sliders)));
    const steered = await steerSliders(space, base, sliders, codec);
    const reading = await readBack(codec, space, steered.tokens);
    expect(plain[0]! - rest[0]!).toBeLessThan(2);
    expect(Math.abs(reading[0]! - rest[0]! - 2.5)).toBeLessThan(0.1);
    expect(Math.abs(reading[1]! - rest[1]!)).toBeLessThan(0.1);
    expect(steered.error).toBeLessThanOrEqual(STEERING.tolerance);
  });

  it('keeps a sweep in order where the plain decodes read back out of order', async () => {
    for (const slider of [0, 1]) {
      const codec = standIn();
      const plain: number[] = [];
      const steered: number[] = [];
      for (const value of SWEEP) {
        const sliders = at.map((p, i) => (i === slider ? value : p));
        plain.push((await readBack(codec, space, await codec.decode(sliderLatent(space, base, sliders))))[slider]!);
        steered.push((await readBack(codec, space, (await steerSliders(space, base, sliders, codec)).tokens))[slider]!);
      }
      expect(nonDecreasing(plain)).toBe(false);
      expect(nonDecreasing(steered)).toBe(true);
    }
  });

  it('moves the latent no further than `reach` beyond the sliders, and stops after `rounds` decodes', async () => {
    const codec = standIn();
    const sliders = [at[0]! + 2.5, at[1]! - 2];
    const options = { ...STEERING, reach: 0.5, rounds: 5 };
    const steered = await steerSliders(space, base, sliders, codec, options);
    expect(steered.rounds).toBe(5);
    expect(codec.decodes).toHaveLength(6); // the phrase at rest, then five rounds
    for (const latent of codec.decodes.slice(1)) {
      sliderPosition(space, latent).forEach((position, i) => expect(Math.abs(position - sliders[i]!)).toBeLessThanOrEqual(0.5 + 1e-5));
    }
  });

  it('gives the same decode for the same sliders, and steers from the centre when there is no phrase', async () => {
    const sliders = [1.2, -0.7];
    const first = await steerSliders(space, null, sliders, standIn());
    const again = await steerSliders(space, null, sliders, standIn());
    expect(again.tokens).toEqual(first.tokens);
    expect(Array.from(again.latent)).toEqual(Array.from(first.latent));
    const codec = standIn();
    const reading = await readBack(codec, space, first.tokens);
    const rest = await readBack(codec, space, await codec.decode(space.mean));
    expect(reading[0]! - rest[0]!).toBeCloseTo(1.2, 0);
  });
});
