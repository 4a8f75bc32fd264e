/**
 * The LSTM language model's ONNX export (lstm-lm-onnx.ts, run by the real onnxruntime-node on
 * the CPU) against the native forward through the real addon (embeddingForward → lstmForward →
 * denseForward) on seeded random weights: 9 tokens at batch 3, 2 layers, from a non-zero state.
 * The whole window in one run and one token per run with the state carried both equal the
 * native window within 1e-4 relative; the file written through the atomic store write opens in
 * a fresh session from disk and has the size its initializers imply; bad weights fail in one line.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { loadNativeAddon, type SequenceOps } from '../../../../../src-main/addon/binding.js';
import { AppError } from '../../../../../src-main/common/errors.js';
import {
  buildLstmLmModel,
  LSTM_LM_IO,
  lstmLmLayout,
  writeLstmLmOnnx,
  type LstmLmWeights,
} from '../../../../../src-main/services/models/onnx/lstm-lm-onnx.js';
import { APP_VERSION } from '../../../../../src-main/version.js';
import { makeTempDir, removeDir } from '../../../../helpers/temp-dir.js';

const { onnx } = onnxProto;

const V = 13;
const E = 6;
const H = 8;
const L = 2;
const T = 9;
const B = 3;
const STATE = L * B * H;

/** Deterministic floats in [lo, hi) (a 32-bit LCG; fixed seed). */
function uniform(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (state / 2 ** 32);
  }
  return out;
}

/** Every element within 1e-4 of the reference's largest magnitude, and the L2 error within 1e-4 relative. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i] as number));
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs((actual[i] as number) - (expected[i] as number));
    if (!(diff <= 1e-4 * scale)) throw new Error(`${what}[${i}]: onnx ${actual[i]}, native ${expected[i]}`);
    num += diff ** 2;
    den += (expected[i] as number) ** 2;
  }
  expect(Math.sqrt(num / den)).toBeLessThanOrEqual(1e-4);
}

interface Outputs {
  logits: Float32Array;
  hT: Float32Array;
  cT: Float32Array;
}

/** The native path over a (T, B) window from state h0/c0. */
function nativeForward(ops: SequenceOps, w: LstmLmWeights, ids: Int32Array, h0: Float32Array, c0: Float32Array, steps: number): Outputs {
  const layout = lstmLmLayout(w);
  const part = (r: { start: number; end: number }) => w.params.subarray(r.start, r.end);
  const N = steps * B;
  const x = new Float32Array(N * E);
  ops.embeddingForward({ N, V, E }, { table: part(layout.embedding), ids, y: x });
  const config = { T: steps, B, X: E, H, layers: L, dropout: 0, seed: 0 };
  const y = new Float32Array(N * H);
  const hT = new Float32Array(STATE);
  const cT = new Float32Array(STATE);
  const cache = new Float32Array(ops.lstmSizes(config).cache);
  ops.lstmForward(config, { params: part(layout.lstm), x, h0, c0, y, hT, cT, cache });
  const logits = new Float32Array(N * V);
  ops.denseForward({ N, I: H, O: V }, { x: y, W: part(layout.denseW), b: part(layout.denseB), y: logits });
  return { logits, hT, cT };
}

async function onnxRun(session: ort.InferenceSession, ids: ArrayLike<number>, h0: Float32Array, c0: Float32Array): Promise<Outputs> {
  const steps = ids.length / B;
  const result = await session.run({
    [LSTM_LM_IO.tokens]: new ort.Tensor('int64', BigInt64Array.from(Array.from(ids, (v) => BigInt(v))), [steps, B]),
    [LSTM_LM_IO.h0]: new ort.Tensor('float32', h0, [L, B, H]),
    [LSTM_LM_IO.c0]: new ort.Tensor('float32', c0, [L, B, H]),
  });
  const logits = result[LSTM_LM_IO.logits] as ort.Tensor;
  const hT = result[LSTM_LM_IO.hT] as ort.Tensor;
  const cT = result[LSTM_LM_IO.cT] as ort.Tensor;
  expect(logits.dims).toEqual([steps, B, V]);
  expect(hT.dims).toEqual([L, B, H]);
  expect(cT.dims).toEqual([L, B, H]);
  return { logits: logits.data as Float32Array, hT: hT.data as Float32Array, cT: cT.data as Float32Array };
}

describe('ONNX export of the LSTM language model', () => {
  let ops: SequenceOps;
  let weights: LstmLmWeights;
  let ids: Int32Array;
  let h0: Float32Array;
  let c0: Float32Array;
  let native: Outputs;
  let session: ort.InferenceSession;
  const dirs: string[] = [];

  beforeAll(async () => {
    ops = loadNativeAddon().sequence;
    const total = lstmLmLayout({ vocab: V, embed: E, hidden: H, layers: L }).total;
    weights = { vocab: V, embed: E, hidden: H, layers: L, params: uniform(total, 1, -0.8, 0.8) };
    ids = Int32Array.from(uniform(T * B, 2, 0, V), Math.floor);
    h0 = uniform(STATE, 3, -0.7, 0.7);
    c0 = uniform(STATE, 4, -1.5, 1.5);
    native = nativeForward(ops, weights, ids, h0, c0, T);
    session = await ort.InferenceSession.create(buildLstmLmModel(weights));
  });

  afterAll(async () => {
    await session?.release();
    await Promise.all(dirs.map((dir) => removeDir(dir)));
  });

  test('lays the LSTM out where lstmSizes puts it', () => {
    const layout = lstmLmLayout(weights);
    const sizes = ops.lstmSizes({ T: 1, B: 1, X: E, H, layers: L, dropout: 0, seed: 0 });
    expect(layout.embedding).toEqual({ start: 0, end: V * E });
    expect(layout.lstm).toEqual({ start: V * E, end: V * E + sizes.params });
    expect(layout.layers.map((layer) => layer.Wih.start - V * E)).toEqual(sizes.layerOffsets);
    expect(layout.denseB.end).toBe(layout.total);
    expect(layout.total).toBe(V * E + sizes.params + V * H + V);
  });

  test('one run over 9 tokens at batch 3 equals the native forward', async () => {
    // the window must exercise every token row and every gate: distinct tokens, logits far from flat
    expect(new Set(ids).size).toBeGreaterThan(5);
    const out = await onnxRun(session, ids, h0, c0);
    expectClose(out.logits, native.logits, 'logits');
    expectClose(out.hT, native.hT, 'hT');
    expectClose(out.cT, native.cT, 'cT');
  });

  test('one token per run, the state carried, equals the whole native window', async () => {
    let h = h0;
    let c = c0;
    const logits = new Float32Array(T * B * V);
    for (let t = 0; t < T; t++) {
      const out = await onnxRun(session, ids.subarray(t * B, (t + 1) * B), h, c);
      logits.set(out.logits, t * B * V);
      h = out.hT;
      c = out.cT;
    }
    expectClose(logits, native.logits, 'stepped logits');
    expectClose(h, native.hT, 'stepped hT');
    expectClose(c, native.cT, 'stepped cT');
  });

  test('a fresh start is zero state: the same as native without h0/c0', async () => {
    const zeros = new Float32Array(STATE);
    const out = await onnxRun(session, ids, zeros, zeros);
    const reference = nativeForward(ops, weights, ids, zeros, zeros, T);
    expectClose(out.logits, reference.logits, 'logits from zero state');
    // and the state matters: these logits are not the ones from h0/c0
    expect(Math.abs((out.logits[0] as number) - (native.logits[0] as number))).toBeGreaterThan(1e-3);
  });

  test('written atomically, it opens from disk in a fresh session, at the size its weights imply', async () => {
    const dir = await makeTempDir('eureka-lstm-lm-onnx-');
    dirs.push(dir);
    const file = path.join(dir, 'continue.onnx');
    const bytes = await writeLstmLmOnnx(file, weights, { tokens: 'test-scheme' });
    expect(await readdir(dir)).toEqual(['continue.onnx']);
    expect((await stat(file)).size).toBe(bytes);
    // the initializers: the weights as given plus ONNX's zero recurrent bias (4H per layer),
    // float32; the graph around them (names, nodes, a few int64 indices) is well under 4 KiB
    const floats = lstmLmLayout(weights).total + 4 * H * L;
    expect(bytes).toBeGreaterThan(4 * floats);
    expect(bytes).toBeLessThan(4 * floats + 4096);

    const fromDisk = await ort.InferenceSession.create(file);
    try {
      expect(fromDisk.inputNames).toEqual([LSTM_LM_IO.tokens, LSTM_LM_IO.h0, LSTM_LM_IO.c0]);
      expect(fromDisk.outputNames).toEqual([LSTM_LM_IO.logits, LSTM_LM_IO.hT, LSTM_LM_IO.cT]);
      const out = await onnxRun(fromDisk, ids, h0, c0);
      expectClose(out.logits, native.logits, 'logits from disk');
    } finally {
      await fromDisk.release();
    }

    const proto = onnx.ModelProto.decode(await readFile(file));
    expect(proto.producerName).toBe('Eureka');
    expect(proto.producerVersion).toBe(APP_VERSION);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(proto.graph?.node?.filter((n) => n.opType === 'LSTM')).toHaveLength(L);
    expect(Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]))).toEqual({
      model: 'lstm-lm',
      vocab: String(V),
      embed: String(E),
      hidden: String(H),
      layers: String(L),
      tokens: 'test-scheme',
    });
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
    const short = failure(() => buildLstmLmModel({ ...weights, params: weights.params.subarray(1) }));
    expect(short.code).toBe('INVALID_INPUT');
    expect(short.message).toBe(
      `LSTM language model: params has ${weights.params.length - 1} floats, expected ${weights.params.length} for (V, E, H, L) = (13, 6, 8, 2)`,
    );
    const nan = Float32Array.from(weights.params);
    nan[7] = Number.NaN;
    expect(failure(() => buildLstmLmModel({ ...weights, params: nan })).message).toBe(
      'LSTM language model: params[7] is NaN; a diverged model cannot be exported',
    );
    expect(failure(() => buildLstmLmModel({ ...weights, layers: 0 })).message).toBe(
      'LSTM language model: layers must be a positive integer, got 0',
    );

    const dir = await makeTempDir('eureka-lstm-lm-onnx-');
    dirs.push(dir);
    await expect(writeLstmLmOnnx(path.join(dir, 'bad.onnx'), { ...weights, hidden: 9 })).rejects.toThrow(/^LSTM language model: params has \d+ floats/);
    expect(await readdir(dir)).toEqual([]);
  });
});
