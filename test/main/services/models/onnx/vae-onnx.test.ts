/**
 * The `vary` model's ONNX export (vae-onnx.ts, run by the real onnxruntime-node on the CPU)
 * against the native forward through the real addon (vae.ts's encoderForward, initialState and
 * decoderForward) on a seeded model with 2-layer encoder and decoder: phrases of different
 * lengths at batch 3 encode to the same mu and logvar, z gives the same initial state, and the
 * decoder over a window, or stepped one token a run with its state carried, gives the same
 * logits and state, all within 1e-4 relative. The files are written atomically into a folder
 * and open from disk; bad weights fail in one line before anything is written.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadNativeAddon, type SequenceOps } from '../../../../../src-main/addon/binding.js';
import { AppError } from '../../../../../src-main/common/errors.js';
import {
  buildVaeDecoderModel,
  buildVaeEncoderModel,
  buildVaeInitModel,
  exportVaeOnnx,
  VAE_ONNX_FILES,
  VAE_ONNX_IO,
  vaeOnnxLayout,
} from '../../../../../src-main/services/models/onnx/vae-onnx.js';
import { BufferPool, createVae, decoderForward, encoderForward, initialState, packTokens, type PhraseVae, type VaeConfig } from '../../../../../src-main/services/phrase-models/vae.js';
import { fastRandom } from '../../../../../src-main/services/phrase-models/lstm-lm.js';
import { cutPhrases, phraseTokens } from '../../../../../src-main/services/phrases/phrases.js';
import { generateCorpus } from '../../../../../src-main/services/phrases/corpus.js';
import { VOCAB_SIZE } from '../../../../../src-main/services/phrases/tokens.js';
import { makeTempDir, removeDir } from '../../../../helpers/temp-dir.js';

const CONFIG: VaeConfig = { vocab: VOCAB_SIZE, embedding: 6, encoderHidden: 8, encoderLayers: 2, latent: 5, decoderHidden: 7, decoderLayers: 2, dropout: 0 };
const { vocab: V, latent: Z, decoderHidden: Hd, decoderLayers: Ld } = CONFIG;
const B = 3;

/** Every element within 1e-4 of the reference's largest magnitude, and the L2 error within 1e-4 relative. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i] as number));
  expect(scale).toBeGreaterThan(1e-3); // something to compare
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs((actual[i] as number) - (expected[i] as number));
    if (!(diff <= 1e-4 * scale)) throw new Error(`${what}[${i}]: onnx ${actual[i]}, native ${expected[i]}`);
    num += diff ** 2;
    den += (expected[i] as number) ** 2;
  }
  expect(Math.sqrt(num / den)).toBeLessThanOrEqual(1e-4);
}

const int64 = (ids: ArrayLike<number>, dims: number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(Array.from(ids, (v) => BigInt(v))), dims);
const float = (data: Float32Array, dims: number[]): ort.Tensor => new ort.Tensor('float32', Float32Array.from(data), dims);
const data = (tensor: ort.OnnxValue | undefined): Float32Array => (tensor as ort.Tensor).data as Float32Array;

describe('ONNX export of the vary model', () => {
  let ops: SequenceOps;
  let vae: PhraseVae;
  let sequences: number[][];
  const sessions: ort.InferenceSession[] = [];
  const dirs: string[] = [];

  beforeAll(() => {
    ops = loadNativeAddon().sequence;
    vae = createVae(ops, CONFIG, '7');
    // Biases and the embedding away from their initial values, so every block matters.
    const random = fastRandom('8', 'vae-onnx-test');
    for (let i = 0; i < vae.params.length; i++) vae.params[i] = vae.params[i]! + (random() - 0.5) * 0.4;
    const phrases = generateCorpus({ seed: '1' }).flatMap((piece) => cutPhrases(piece.music, 2, piece.name));
    // Three phrases of three lengths, cut short so the test is quick.
    sequences = [phraseTokens(phrases[0]!).slice(0, 30), phraseTokens(phrases[5]!).slice(0, 17), phraseTokens(phrases[9]!).slice(0, 24)];
  });

  afterAll(async () => {
    await Promise.all(sessions.map((session) => session.release()));
    await Promise.all(dirs.map((dir) => removeDir(dir)));
  });

  const open = async (model: Uint8Array | string): Promise<ort.InferenceSession> => {
    const session = typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
    sessions.push(session);
    return session;
  };

  test('lays the parameters out as vae.ts does', () => {
    const layout = vaeOnnxLayout(CONFIG);
    expect(layout.total).toBe(vae.layout.total);
    expect(layout.encoder.whole.start).toBe(vae.layout.encoder.offset);
    expect(layout.encoder.layers.map((layer) => layer.Wih.start - layout.encoder.whole.start)).toEqual(vae.layout.encoder.layerOffsets);
    expect(layout.decoder.layers.map((layer) => layer.Wih.start - layout.decoder.whole.start)).toEqual(vae.layout.decoder.layerOffsets);
    expect([layout.muW.start, layout.logvarW.start, layout.initW.start, layout.outW.start, layout.outZ.start]).toEqual([vae.layout.muW.offset, vae.layout.logvarW.offset, vae.layout.initW.offset, vae.layout.outW.offset, vae.layout.outZ.offset]);
  });

  test('the encoder gives the native mu and logvar for phrases of different lengths', async () => {
    const pool = new BufferPool();
    const packed = packTokens(pool, sequences);
    const native = encoderForward(vae, pool, packed, null);
    const session = await open(buildVaeEncoderModel(vae));
    const out = await session.run({
      [VAE_ONNX_IO.tokens]: int64(packed.ids, [packed.T, B]),
      [VAE_ONNX_IO.lengths]: new ort.Tensor('int32', Int32Array.from(packed.lengths), [B]),
    });
    expect((out[VAE_ONNX_IO.mu] as ort.Tensor).dims).toEqual([B, Z]);
    expectClose(data(out[VAE_ONNX_IO.mu]), native.mu, 'mu');
    expectClose(data(out[VAE_ONNX_IO.logvar]), native.logvar, 'logvar');
    // A phrase encodes the same alone as beside longer ones (the padding is not read).
    const alone = await session.run({ [VAE_ONNX_IO.tokens]: int64(sequences[1]!, [sequences[1]!.length, 1]), [VAE_ONNX_IO.lengths]: new ort.Tensor('int32', Int32Array.from([sequences[1]!.length]), [1]) });
    expectClose(data(alone[VAE_ONNX_IO.mu]), native.mu.subarray(Z, 2 * Z), 'mu alone');
  });

  test('the init graph and the decoder, in one run or a token a run, give the native state and logits', async () => {
    const pool = new BufferPool();
    const z = Float32Array.from({ length: B * Z }, (_, i) => Math.sin(i + 1) * 1.5);
    const state = initialState(vae, pool, z, B);
    const h0 = state.h0.slice();
    const c0 = state.c0.slice();
    const init = await open(buildVaeInitModel(vae));
    const initOut = await init.run({ [VAE_ONNX_IO.z]: float(z, [B, Z]) });
    expect((initOut[VAE_ONNX_IO.h0] as ort.Tensor).dims).toEqual([Ld, B, Hd]);
    expectClose(data(initOut[VAE_ONNX_IO.h0]), h0, 'h0');
    expectClose(data(initOut[VAE_ONNX_IO.c0]), c0, 'c0');

    const packed = packTokens(pool, sequences);
    const T = packed.T;
    const native = decoderForward(vae, pool, packed.ids, T, B, z, h0, c0);
    const logits = native.logits.slice();
    const hT = native.hT.slice();
    const cT = native.cT.slice();
    const decoder = await open(buildVaeDecoderModel(vae));
    const whole = await decoder.run({
      [VAE_ONNX_IO.tokens]: int64(packed.ids, [T, B]),
      [VAE_ONNX_IO.z]: float(z, [B, Z]),
      [VAE_ONNX_IO.h0]: float(h0, [Ld, B, Hd]),
      [VAE_ONNX_IO.c0]: float(c0, [Ld, B, Hd]),
    });
    expect((whole[VAE_ONNX_IO.logits] as ort.Tensor).dims).toEqual([T, B, V]);
    expectClose(data(whole[VAE_ONNX_IO.logits]), logits, 'logits');
    expectClose(data(whole[VAE_ONNX_IO.hT]), hT, 'hT');
    expectClose(data(whole[VAE_ONNX_IO.cT]), cT, 'cT');

    let h: Float32Array = h0;
    let c: Float32Array = c0;
    const stepped = new Float32Array(T * B * V);
    for (let t = 0; t < T; t++) {
      const out = await decoder.run({
        [VAE_ONNX_IO.tokens]: int64(packed.ids.subarray(t * B, (t + 1) * B), [1, B]),
        [VAE_ONNX_IO.z]: float(z, [B, Z]),
        [VAE_ONNX_IO.h0]: float(h, [Ld, B, Hd]),
        [VAE_ONNX_IO.c0]: float(c, [Ld, B, Hd]),
      });
      stepped.set(data(out[VAE_ONNX_IO.logits]), t * B * V);
      h = data(out[VAE_ONNX_IO.hT]);
      c = data(out[VAE_ONNX_IO.cT]);
    }
    expectClose(stepped, logits, 'stepped logits');
    expectClose(h, hT, 'stepped hT');
  });

  test('writes the three files into a folder; they open from disk', async () => {
    const dir = await makeTempDir('eureka-vae-onnx-');
    dirs.push(dir);
    const folder = path.join(dir, 'onnx');
    const { files, bytes } = await exportVaeOnnx(vae, folder);
    expect((await readdir(folder)).sort()).toEqual(Object.values(VAE_ONNX_FILES).sort());
    expect(bytes).toBeGreaterThan(4 * vae.layout.total);
    const encoder = await open(files.encoder);
    expect(encoder.inputNames).toEqual([VAE_ONNX_IO.tokens, VAE_ONNX_IO.lengths]);
    expect(encoder.outputNames).toEqual([VAE_ONNX_IO.mu, VAE_ONNX_IO.logvar]);
    expect((await open(files.init)).outputNames).toEqual([VAE_ONNX_IO.h0, VAE_ONNX_IO.c0]);
    const decoder = await open(files.decoder);
    expect(decoder.inputNames).toEqual([VAE_ONNX_IO.tokens, VAE_ONNX_IO.z, VAE_ONNX_IO.h0, VAE_ONNX_IO.c0]);
    expect(decoder.outputNames).toEqual([VAE_ONNX_IO.logits, VAE_ONNX_IO.hT, VAE_ONNX_IO.cT]);
  });

  test('bad weights fail with one line before anything is written', async () => {
    const failure = (build: () => unknown): AppError => {
      try {
        build();
      } catch (error) {
        if (error instanceof AppError) return error;
        throw error;
      }
      throw new Error('no error');
    };
    const short = failure(() => buildVaeEncoderModel({ config: CONFIG, params: vae.params.subarray(1) }));
    expect(short.code).toBe('INVALID_INPUT');
    expect(short.message).toBe(`vary model: params has ${vae.params.length - 1} floats, expected ${vae.params.length} for its sizes`);
    const nan = Float32Array.from(vae.params);
    nan[11] = Number.NaN;
    expect(failure(() => buildVaeDecoderModel({ config: CONFIG, params: nan })).message).toBe('vary model: params[11] is NaN; a diverged model cannot be exported');
    const dir = await makeTempDir('eureka-vae-onnx-');
    dirs.push(dir);
    await expect(exportVaeOnnx({ config: { ...CONFIG, latent: 6 }, params: vae.params }, path.join(dir, 'onnx'))).rejects.toThrow(/^vary model: params has \d+ floats/);
    expect(await readdir(dir)).toEqual([]);
  });
});
