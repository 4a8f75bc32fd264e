/**
 * The phrase models' runtime on the real onnxruntime-node (phrase-runtime.ts) against the
 * native sampler (lm-sample.ts's continueTokens) on a real tiny `continue` model trained by the
 * addon: the same model, context, temperature and seed give the same tokens, token for token,
 * in both (seeds and temperatures checked here; the logits agree within 1e-4 relative, so a
 * divergence needs a draw within that of a boundary). Temperature 0 is the likeliest token at
 * every step; bars stop before the N-th bar line; PAD, BOS and EOS are never drawn; a closed
 * runtime refuses in one line; a missing file is named. The VAE's three graphs (H1's export)
 * encode to the native latent means within 1e-4 and decode, greedy and sampled, to the native
 * decoder's tokens (cut where the runtime stops: EOS, or the bar line past the phrase).
 */
import path from 'node:path';
import { loadNativeAddon, type SequenceOps } from '../../../../../src-main/addon/binding.js';
import { PhraseLmRuntime, PhraseVaeRuntime, drawContinueToken, drawDecoderToken } from '../../../../../src-main/services/models/onnx/phrase-runtime.js';
import { continueTokens } from '../../../../../src-main/services/phrase-models/lm-sample.js';
import { LmPass, fastRandom } from '../../../../../src-main/services/phrase-models/lstm-lm.js';
import { phraseTokens } from '../../../../../src-main/services/phrases/phrases.js';
import { BAR, BOS, EOS, PAD, VOCAB_SIZE } from '../../../../../src-main/services/phrases/tokens.js';
import { exportVaeOnnx } from '../../../../../src-main/services/models/onnx/vae-onnx.js';
import { encodeMean } from '../../../../../src-main/services/phrase-models/vae.js';
import { decodeBeam, decodeGreedy, decodeSample } from '../../../../../src-main/services/phrase-models/vae-decode.js';
import { TINY_PHRASE_BARS, trainTinyLm, trainTinyVae, writeTinyLmOnnx, type TinyPhraseModel, type TinyPhraseVae } from '../../../../helpers/phrase-model.js';
import { makeTempDir, removeDir } from '../../../../helpers/temp-dir.js';

let ops: SequenceOps;
let tiny: TinyPhraseModel;
let dir: string;
let runtime: PhraseLmRuntime;
let context: number[];

beforeAll(async () => {
  ops = loadNativeAddon().sequence;
  tiny = trainTinyLm(ops);
  dir = await makeTempDir();
  runtime = await PhraseLmRuntime.open(await writeTinyLmOnnx(tiny.model, dir));
  context = phraseTokens(tiny.phrases[3]!);
  context.pop(); // EOS: the phrase goes on
  context.push(BAR);
}, 60_000);

afterAll(async () => {
  await runtime.close();
  await removeDir(dir);
});

describe('continuing on onnxruntime', () => {
  it('reads the state size from the graph', () => {
    expect([runtime.layers, runtime.hidden]).toEqual([tiny.model.config.layers, tiny.model.config.hidden]);
  });

  it('draws the same tokens as the native sampler for the same seed and temperature', async () => {
    for (const [seed, temperature] of [
      ['1', 1],
      ['2', 1],
      ['3', 0.7],
      ['18446744073709551615', 1.5],
    ] as const) {
      const native = continueTokens(tiny.model, context, { bars: 3 }, temperature, seed);
      const onnx = await runtime.continueTokens(context, { bars: 3 }, temperature, seed);
      expect(native.length).toBeGreaterThan(10);
      expect(onnx).toEqual(native);
    }
    const byTokens = continueTokens(tiny.model, context, { tokens: 40 }, 1, '9');
    expect(await runtime.continueTokens(context, { tokens: 40 }, 1, '9')).toEqual(byTokens);
    // Another seed, other tokens: the seed is used.
    expect(await runtime.continueTokens(context, { tokens: 40 }, 1, '10')).not.toEqual(byTokens);
  });

  it('takes the likeliest token at temperature 0 (EOS counted as a bar line), the same every time', async () => {
    const greedy = await runtime.continueTokens(context, { tokens: 30 }, 0, '1');
    expect(await runtime.continueTokens(context, { tokens: 30 }, 0, '2')).toEqual(greedy);
    // The native forward over context + greedy: each greedy token is the argmax at its step.
    const sequence = [...context, ...greedy];
    const pass = new LmPass(tiny.model, sequence.length, 1);
    pass.ids.set(sequence);
    pass.forward(null);
    greedy.forEach((token, i) => {
      const row = pass.logits.subarray((context.length - 1 + i) * VOCAB_SIZE, (context.length + i) * VOCAB_SIZE);
      expect(token).toBe(drawContinueToken(row, 0, () => 0.5));
    });
  });

  it('stops before the N-th bar line and never draws PAD, BOS or EOS', async () => {
    for (const seed of ['4', '5', '6']) {
      const tokens = await runtime.continueTokens(context, { bars: 2 }, 1.2, seed);
      expect(tokens.filter((token) => token === BAR).length).toBeLessThanOrEqual(1);
      expect(tokens.some((token) => token === PAD || token === BOS || token === EOS)).toBe(false);
    }
  });

  it('refuses a context without BOS and bad bars in one line', async () => {
    await expect(runtime.continueTokens([BAR], { bars: 2 }, 1, '1')).rejects.toThrow('a context to continue starts with BOS');
    await expect(runtime.continueTokens(context, { bars: 0 }, 1, '1')).rejects.toThrow('bars to write: a whole number in 1..64 (got 0)');
    await expect(runtime.continueTokens(context, { bars: 2 }, -1, '1')).rejects.toThrow('the temperature is a number from 0 up (got -1)');
  });

  it('names a missing file, and refuses runs once closed', async () => {
    await expect(PhraseLmRuntime.open(path.join(dir, 'none.onnx'))).rejects.toThrow("the continue model's ONNX file is missing (none.onnx); export or train the model again");
    await expect(PhraseVaeRuntime.open(dir)).rejects.toThrow("the vary model's ONNX file is missing (vae-encoder.onnx)");
    const other = await PhraseLmRuntime.open(path.join(dir, 'lm.onnx'));
    const running = other.continueTokens(context, { tokens: 20 }, 1, '1');
    const closing = other.close();
    expect(await running).toHaveLength(20); // the run in flight finishes before the session goes
    await closing;
    await expect(other.continueTokens(context, { tokens: 5 }, 1, '1')).rejects.toThrow('the continue model was closed (its model was deleted or changed)');
  });
});

describe('drawing a token', () => {
  it('gives EOS to BAR for a continuation and keeps it for a decode; never PAD or BOS', () => {
    const logits = new Float32Array(VOCAB_SIZE).fill(-50);
    logits[PAD] = 10;
    logits[BOS] = 10;
    logits[EOS] = 5;
    logits[BAR] = 4;
    expect(drawContinueToken(logits, 0, () => 0)).toBe(BAR);
    expect(drawDecoderToken(logits, 0, () => 0)).toBe(EOS);
    for (const u of [0, 0.3, 0.999999]) {
      expect(drawContinueToken(logits, 1, () => u)).toBe(BAR);
      expect([EOS, BAR]).toContain(drawDecoderToken(logits, 1, () => u));
    }
    // The decoder's draw walks the tokens in order: a low draw takes EOS (2), a high one BAR (3).
    expect(drawDecoderToken(logits, 1, () => 0.1)).toBe(EOS);
    expect(drawDecoderToken(logits, 1, () => 0.9)).toBe(BAR);
  });
});

describe('the vary model on onnxruntime', () => {
  let tinyVae: TinyPhraseVae;
  let vae: PhraseVaeRuntime;

  beforeAll(async () => {
    tinyVae = trainTinyVae(ops);
    const folder = path.join(dir, 'vae');
    await exportVaeOnnx(tinyVae.vae, folder);
    vae = await PhraseVaeRuntime.open(folder);
  }, 60_000);
  afterAll(() => vae.close());

  /** The native decoder's tokens after BOS, up to EOS or the bar line that would start bar bars + 1. */
  function cut(tokens: number[], bars: number): number[] {
    const out: number[] = [];
    let barLines = 0;
    for (const token of tokens.slice(1)) {
      if (token === EOS || (token === BAR && ++barLines > bars)) break;
      out.push(token);
    }
    return out;
  }

  it('encodes phrases to the native latent means, batched with padding', async () => {
    const sequences = tinyVae.phrases.slice(0, 5).map(phraseTokens);
    const native = encodeMean(tinyVae.vae, sequences);
    const onnx = await vae.encodeMean(sequences);
    expect(vae.latent).toBe(tinyVae.vae.config.latent);
    onnx.forEach((mu, b) => {
      const scale = Math.max(...Array.from(native[b]!, Math.abs));
      mu.forEach((value, j) => expect(Math.abs(value - native[b]![j]!)).toBeLessThanOrEqual(1e-4 * scale));
    });
  });

  it('decodes a latent as the native decoder does, greedy and sampled', async () => {
    const [z] = encodeMean(tinyVae.vae, [phraseTokens(tinyVae.phrases[2]!)]);
    const greedy = await vae.decode(z!, TINY_PHRASE_BARS, 0, '1');
    expect(greedy).toEqual(cut(decodeGreedy(tinyVae.vae, [z!])[0]!, TINY_PHRASE_BARS));
    expect(greedy.length).toBeGreaterThan(5);
    for (const seed of ['3', '4']) {
      const sampled = await vae.decode(z!, TINY_PHRASE_BARS, 1, seed);
      expect(sampled).toEqual(cut(decodeSample(tinyVae.vae, [z!], 1, seed)[0]!, TINY_PHRASE_BARS));
    }
    expect(await vae.decode(z!, TINY_PHRASE_BARS, 1, '3')).not.toEqual(await vae.decode(z!, TINY_PHRASE_BARS, 1, '4'));
    await expect(vae.decode(z!.subarray(1), 4, 0, '1')).rejects.toThrow(`a latent of the vary model has ${tinyVae.vae.config.latent} numbers (got ${tinyVae.vae.config.latent - 1})`);
  });

  it('decodes by beam search as the native beam does; a beam of 1 is the greedy decode', async () => {
    // Four phrases' latents and two drawn from the prior (where the sliders' ends go).
    const random = fastRandom('7', 'beam-latents');
    const Z = tinyVae.vae.config.latent;
    const drawn = Array.from({ length: 2 }, () => Float32Array.from({ length: Z }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())));
    const latents = [...encodeMean(tinyVae.vae, tinyVae.phrases.slice(0, 4).map(phraseTokens)), ...drawn];
    let widerDiffers = false;
    for (const z of latents) {
      expect(await vae.decodeBeam(z, TINY_PHRASE_BARS, 1)).toEqual(await vae.decode(z, TINY_PHRASE_BARS, 0, '1'));
      const beam = await vae.decodeBeam(z, TINY_PHRASE_BARS, 4);
      expect(beam).toEqual(cut(decodeBeam(tinyVae.vae, [z], 4, { bars: TINY_PHRASE_BARS })[0]!, TINY_PHRASE_BARS));
      if (beam.join() !== (await vae.decode(z, TINY_PHRASE_BARS, 0, '1')).join()) widerDiffers = true;
    }
    // A beam that never left greedy's path would pass the above trivially.
    expect(widerDiffers).toBe(true);
    await expect(vae.decodeBeam(latents[0]!, TINY_PHRASE_BARS, 17)).rejects.toThrow("the beam's width is a whole number in 1..16 (got 17)");
  }, 60_000);
});
