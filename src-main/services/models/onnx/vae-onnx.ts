/**
 * The `vary` model (an LSTM VAE over phrases) as three ONNX graphs for inference through
 * onnxruntime (docs/midi.md "The vary model"), IR 8, opset 17, T and B symbolic:
 *
 *   vae-encoder.onnx  tokens (T, B) int64, lengths (B) int32   → mu (B, Z), logvar (B, Z)
 *   vae-init.onnx     z (B, Z) float32                         → h0, c0 (Ld, B, Hd)
 *   vae-decoder.onnx  tokens (T, B) int64, z (B, Z), h0, c0    → logits (T, B, V), hT, cT (Ld, B, Hd)
 *
 * The encoder is given each phrase's tokens BOS..EOS (PAD after the shorter ones, `lengths`
 * their counts) and reads them both ways, as the native encoder does: Gather for the shared
 * embedding, then two stacks of ONNX `LSTM` nodes with sequence_lens = lengths, one layer a
 * node: one with direction "reverse", so each phrase is read from its own last token back to
 * BOS and the top layer's Y_h is its h after BOS (a stack of reverse layers equals a forward
 * stack over the reversed phrase), and one forward, whose top Y_h is the h after the phrase's
 * own last token; the two Y_h side by side (B, 2·He), then MatMul + Add for mu and logvar. The init graph is MatMul + Add + Tanh, its 2·Ld·Hd outputs per phrase split into
 * h0 (the first Ld·Hd, layer by layer) and c0 (the rest). The decoder's input at each step is
 * [embedding(token); z] (z broadcast over T), then the LSTM layers from h0/c0 and MatMul + Add
 * for the logits, plus z's own MatMul (z outZᵀ, broadcast over T); decoding starts from BOS with vae-init's state and feeds each chosen token
 * back with the state carried from hT/cT, as lstm-lm-onnx.ts's graph is stepped.
 *
 * Gate order: ours is i, f, g, o (native/include/nn/lstm.h), ONNX's i, o, f, c, so W, R and the
 * bias take our blocks (0, 3, 1, 2); our one bias goes into ONNX's Wb and zeros into its Rb.
 * This file is the floor's: a feature hands it the weights as a plain {@link VaeWeights}
 * (phrase-models/vae.ts's PhraseVae is one).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../common/errors.js';
import { writeFileAtomic } from '../../store/atomic-write.js';
import { APP_VERSION } from '../../../version.js';
import { DType, GraphBuilder } from './graph-builder.js';

/** The architecture's sizes (phrase-models/vae.ts's VaeConfig has these and more). */
export interface VaeShape {
  vocab: number;
  embedding: number;
  encoderHidden: number;
  encoderLayers: number;
  latent: number;
  decoderHidden: number;
  decoderLayers: number;
}

/**
 * A trained VAE: one flat float32 buffer, in this order (the native ops' layouts):
 *   embedding (V, E) · encoder LSTM reading backwards (per layer W_ih (4He, X_l), W_hh (4He, He),
 *   b (4He); X_0 = E) · encoder LSTM reading forwards (the same) · mu W (Z, 2·He), b (Z)
 *   · logvar W (Z, 2·He), b (Z) · init W (2·Ld·Hd, Z), b (2·Ld·Hd)
 *   · decoder LSTM (X_0 = E + Z, then Hd) · out W (V, Hd), b (V) · out Z (V, Z)
 */
export interface VaeWeights {
  config: VaeShape;
  params: Float32Array;
}

export interface ParamRange {
  start: number;
  end: number;
}

export interface LstmRanges {
  whole: ParamRange;
  layers: { Wih: ParamRange; Whh: ParamRange; b: ParamRange }[];
}

export interface VaeOnnxLayout {
  embedding: ParamRange;
  encoder: LstmRanges;
  encoderForwards: LstmRanges;
  muW: ParamRange;
  muB: ParamRange;
  logvarW: ParamRange;
  logvarB: ParamRange;
  initW: ParamRange;
  initB: ParamRange;
  decoder: LstmRanges;
  outW: ParamRange;
  outB: ParamRange;
  outZ: ParamRange;
  total: number;
}

export const VAE_ONNX_FILES = {
  encoder: 'vae-encoder.onnx',
  init: 'vae-init.onnx',
  decoder: 'vae-decoder.onnx',
} as const;

/** The graphs' value names. */
export const VAE_ONNX_IO = {
  tokens: 'tokens',
  lengths: 'lengths',
  mu: 'mu',
  logvar: 'logvar',
  z: 'z',
  h0: 'h0',
  c0: 'c0',
  logits: 'logits',
  hT: 'hT',
  cT: 'cT',
} as const;

const ONNX_GATE_BLOCKS = [0, 3, 1, 2] as const;
const MAX_FLOATS = 2 ** 28;

/** Where each tensor lies in `params`; throws INVALID_INPUT for sizes that are not a model's. */
export function vaeOnnxLayout(sizes: VaeShape): VaeOnnxLayout {
  const shape = shapeOf(sizes);
  for (const [name, value] of Object.entries(shape)) {
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      throw new AppError('INVALID_INPUT', `vary model: ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  const { vocab: V, embedding: E, encoderHidden: He, encoderLayers: Le, latent: Z, decoderHidden: Hd, decoderLayers: Ld } = shape;
  let at = 0;
  const take = (count: number): ParamRange => ({ start: at, end: (at += count) });
  const lstm = (X: number, H: number, L: number): LstmRanges => {
    const start = at;
    const layers = Array.from({ length: L }, (_, l) => ({ Wih: take(4 * H * (l === 0 ? X : H)), Whh: take(4 * H * H), b: take(4 * H) }));
    return { whole: { start, end: at }, layers };
  };
  const embedding = take(V * E);
  const encoder = lstm(E, He, Le);
  const encoderForwards = lstm(E, He, Le);
  const muW = take(Z * 2 * He);
  const muB = take(Z);
  const logvarW = take(Z * 2 * He);
  const logvarB = take(Z);
  const initW = take(2 * Ld * Hd * Z);
  const initB = take(2 * Ld * Hd);
  const decoder = lstm(E + Z, Hd, Ld);
  const outW = take(V * Hd);
  const outB = take(V);
  const outZ = take(V * Z);
  if (at > MAX_FLOATS) throw new AppError('INVALID_INPUT', `vary model: ${at} parameters are too many for one ONNX file (at most ${MAX_FLOATS})`);
  return { embedding, encoder, encoderForwards, muW, muB, logvarW, logvarB, initW, initB, decoder, outW, outB, outZ, total: at };
}

function checked(weights: VaeWeights): { layout: VaeOnnxLayout; slice: (range: ParamRange) => Float32Array } {
  const layout = vaeOnnxLayout(weights.config);
  const { params } = weights;
  if (!(params instanceof Float32Array)) throw new AppError('INVALID_INPUT', 'vary model: params must be a Float32Array');
  if (params.length !== layout.total) {
    throw new AppError('INVALID_INPUT', `vary model: params has ${params.length} floats, expected ${layout.total} for its sizes`);
  }
  for (let i = 0; i < params.length; i++) {
    if (!Number.isFinite(params[i])) throw new AppError('INVALID_INPUT', `vary model: params[${i}] is ${String(params[i])}; a diverged model cannot be exported`);
  }
  return { layout, slice: (range) => params.subarray(range.start, range.end) };
}

/** Just the sizes (a PhraseVae's config also holds its dropout, which inference does not use). */
function shapeOf(config: VaeShape): VaeShape {
  const { vocab, embedding, encoderHidden, encoderLayers, latent, decoderHidden, decoderLayers } = config;
  return { vocab, embedding, encoderHidden, encoderLayers, latent, decoderHidden, decoderLayers };
}

function metadata(shape: VaeShape, part: string): Record<string, string> {
  return { model: 'phrase-vae', part, ...Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, String(value)])) };
}

/**
 * The LSTM layers over x (T, B, X) as ONNX LSTM nodes: returns the top layer's Y (T, B, H) and
 * every layer's Y_h and Y_c (1, B, H). h0/c0 (L, B, H) are sliced per layer when given.
 */
function lstmStack(
  b: GraphBuilder,
  prefix: string,
  x: string,
  ranges: LstmRanges,
  slice: (range: ParamRange) => Float32Array,
  X0: number,
  H: number,
  options: { lengths?: string; h0?: string; c0?: string; reverse?: boolean },
): { y: string; finalH: string[]; finalC: string[] } {
  const axis0 = options.h0 !== undefined ? b.int64s(`${prefix}axis0`, [0]) : '';
  const axis1 = b.int64s(`${prefix}axis1`, [1]);
  const finalH: string[] = [];
  const finalC: string[] = [];
  for (const [l, layer] of ranges.layers.entries()) {
    const X = l === 0 ? X0 : H;
    const W = b.floats(`${prefix}W${l}`, gateReordered(slice(layer.Wih), H, X), [1, 4 * H, X]);
    const R = b.floats(`${prefix}R${l}`, gateReordered(slice(layer.Whh), H, H), [1, 4 * H, H]);
    const biases = new Float32Array(8 * H);
    biases.set(gateReordered(slice(layer.b), H, 1));
    const WRb = b.floats(`${prefix}B${l}`, biases, [1, 8 * H]);
    let initialH = '';
    let initialC = '';
    if (options.h0 !== undefined && options.c0 !== undefined) {
      const from = b.int64s(`${prefix}from${l}`, [l]);
      const to = b.int64s(`${prefix}to${l}`, [l + 1]);
      initialH = b.op('Slice', [options.h0, from, to, axis0]);
      initialC = b.op('Slice', [options.c0, from, to, axis0]);
    }
    const attributes = { hidden_size: { int: H }, ...(options.reverse ? { direction: { string: 'reverse' } } : {}) };
    const [Y, Yh, Yc] = b.ops('LSTM', [x, W, R, WRb, options.lengths ?? '', initialH, initialC], 3, attributes);
    x = b.op('Squeeze', [Y as string, axis1]);
    finalH.push(Yh as string);
    finalC.push(Yc as string);
  }
  return { y: x, finalH, finalC };
}

/** x (…, I) Wᵀ + b for a W (O, I) laid out as nn.Linear's. */
function dense(b: GraphBuilder, name: string, x: string, W: Float32Array, bias: Float32Array, I: number, O: number, output?: string): string {
  const Wt = b.floats(`${name}Wt`, transposed(W, O, I), [I, O]);
  const B = b.floats(`${name}B`, bias, [O]);
  return b.op('Add', [b.op('MatMul', [x, Wt]), B], {}, output);
}

/** The encoder graph (see the file comment). */
export function buildVaeEncoderModel(weights: VaeWeights): Uint8Array {
  const { layout, slice } = checked(weights);
  const shape = shapeOf(weights.config);
  const { vocab: V, embedding: E, encoderHidden: He, latent: Z } = shape;
  const b = new GraphBuilder('phrase_vae_encoder');
  const tokens = b.input(VAE_ONNX_IO.tokens, DType.INT64, ['T', 'B']);
  const lengths = b.input(VAE_ONNX_IO.lengths, DType.INT32, ['B']);
  const table = b.floats('embedding', slice(layout.embedding), [V, E]);
  const x = b.op('Gather', [table, tokens], { axis: { int: 0 } });
  const backwards = lstmStack(b, 'enc', x, layout.encoder, slice, E, He, { lengths, reverse: true }).finalH;
  const forwards = lstmStack(b, 'encf', x, layout.encoderForwards, slice, E, He, { lengths }).finalH;
  const lastAxis = b.int64s('lastAxis', [0]);
  const top = (finalH: string[]): string => b.op('Squeeze', [finalH[finalH.length - 1]!, lastAxis]); // (B, He)
  const last = b.op('Concat', [top(backwards), top(forwards)], { axis: { int: 1 } }); // (B, 2·He)
  dense(b, 'mu', last, slice(layout.muW), slice(layout.muB), 2 * He, Z, VAE_ONNX_IO.mu);
  dense(b, 'logvar', last, slice(layout.logvarW), slice(layout.logvarB), 2 * He, Z, VAE_ONNX_IO.logvar);
  b.output(VAE_ONNX_IO.mu, DType.FLOAT, ['B', Z]);
  b.output(VAE_ONNX_IO.logvar, DType.FLOAT, ['B', Z]);
  return b.build({
    producerVersion: APP_VERSION,
    docString: 'Phrase VAE encoder: tokens (T, B) BOS..EOS and lengths (B) to mu, logvar (B, Z)',
    metadata: metadata(shape, 'encoder'),
  });
}

/** The initial-state graph (see the file comment). */
export function buildVaeInitModel(weights: VaeWeights): Uint8Array {
  const { layout, slice } = checked(weights);
  const shape = shapeOf(weights.config);
  const { latent: Z, decoderHidden: Hd, decoderLayers: Ld } = shape;
  const b = new GraphBuilder('phrase_vae_init');
  const z = b.input(VAE_ONNX_IO.z, DType.FLOAT, ['B', Z]);
  const state = b.op('Tanh', [dense(b, 'init', z, slice(layout.initW), slice(layout.initB), Z, 2 * Ld * Hd)]); // (B, 2·Ld·Hd)
  const split = b.op('Reshape', [state, b.int64s('splitShape', [-1, 2, Ld, Hd])]); // (B, 2, Ld, Hd)
  const layered = b.op('Transpose', [split], { perm: { ints: [1, 2, 0, 3] } }); // (2, Ld, B, Hd)
  b.op('Gather', [layered, b.int64s('hIndex', 0)], { axis: { int: 0 } }, VAE_ONNX_IO.h0);
  b.op('Gather', [layered, b.int64s('cIndex', 1)], { axis: { int: 0 } }, VAE_ONNX_IO.c0);
  b.output(VAE_ONNX_IO.h0, DType.FLOAT, [Ld, 'B', Hd]);
  b.output(VAE_ONNX_IO.c0, DType.FLOAT, [Ld, 'B', Hd]);
  return b.build({
    producerVersion: APP_VERSION,
    docString: 'Phrase VAE decoder initial state: z (B, Z) to h0, c0 (Ld, B, Hd)',
    metadata: metadata(shape, 'init'),
  });
}

/** The decoder graph (see the file comment). */
export function buildVaeDecoderModel(weights: VaeWeights): Uint8Array {
  const { layout, slice } = checked(weights);
  const shape = shapeOf(weights.config);
  const { vocab: V, embedding: E, latent: Z, decoderHidden: Hd, decoderLayers: Ld } = shape;
  const b = new GraphBuilder('phrase_vae_decoder');
  const tokens = b.input(VAE_ONNX_IO.tokens, DType.INT64, ['T', 'B']);
  const z = b.input(VAE_ONNX_IO.z, DType.FLOAT, ['B', Z]);
  const h0 = b.input(VAE_ONNX_IO.h0, DType.FLOAT, [Ld, 'B', Hd]);
  const c0 = b.input(VAE_ONNX_IO.c0, DType.FLOAT, [Ld, 'B', Hd]);
  const table = b.floats('embedding', slice(layout.embedding), [V, E]);
  const emb = b.op('Gather', [table, tokens], { axis: { int: 0 } }); // (T, B, E)
  const zShape = b.op('Concat', [b.op('Shape', [tokens]), b.int64s('latentWidth', [Z])], { axis: { int: 0 } }); // [T, B, Z]
  const zEvery = b.op('Expand', [b.op('Unsqueeze', [z, b.int64s('timeAxis', [0])]), zShape]); // (T, B, Z)
  const x = b.op('Concat', [emb, zEvery], { axis: { int: 2 } }); // (T, B, E + Z)
  const { y, finalH, finalC } = lstmStack(b, 'dec', x, layout.decoder, slice, E + Z, Hd, { h0, c0 });
  const fromState = dense(b, 'out', y, slice(layout.outW), slice(layout.outB), Hd, V); // (T, B, V)
  const fromLatent = b.op('MatMul', [z, b.floats('outZt', transposed(slice(layout.outZ), V, Z), [Z, V])]); // (B, V), broadcast over T
  b.op('Add', [fromState, fromLatent], {}, VAE_ONNX_IO.logits);
  b.op('Concat', finalH, { axis: { int: 0 } }, VAE_ONNX_IO.hT);
  b.op('Concat', finalC, { axis: { int: 0 } }, VAE_ONNX_IO.cT);
  b.output(VAE_ONNX_IO.logits, DType.FLOAT, ['T', 'B', V]);
  b.output(VAE_ONNX_IO.hT, DType.FLOAT, [Ld, 'B', Hd]);
  b.output(VAE_ONNX_IO.cT, DType.FLOAT, [Ld, 'B', Hd]);
  return b.build({
    producerVersion: APP_VERSION,
    docString: 'Phrase VAE decoder: tokens (T, B), z (B, Z) and state h0, c0 (Ld, B, Hd) to logits (T, B, V) and hT, cT',
    metadata: metadata(shape, 'decoder'),
  });
}

/**
 * Writes the three files into `folder` (made if missing), each atomically, and returns their
 * paths and sizes. Bad weights fail in one line before anything is written.
 */
export async function exportVaeOnnx(weights: VaeWeights, folder: string): Promise<{ files: Record<keyof typeof VAE_ONNX_FILES, string>; bytes: number }> {
  const models = { encoder: buildVaeEncoderModel(weights), init: buildVaeInitModel(weights), decoder: buildVaeDecoderModel(weights) };
  await mkdir(folder, { recursive: true });
  const files = {} as Record<keyof typeof VAE_ONNX_FILES, string>;
  let bytes = 0;
  for (const part of ['encoder', 'init', 'decoder'] as const) {
    const file = path.join(folder, VAE_ONNX_FILES[part]);
    await writeFileAtomic(file, models[part], 'the vary model’s ONNX file');
    files[part] = file;
    bytes += models[part].byteLength;
  }
  return { files, bytes };
}

function gateReordered(source: Float32Array, H: number, cols: number): Float32Array {
  const block = H * cols;
  const out = new Float32Array(4 * block);
  for (const [k, ours] of ONNX_GATE_BLOCKS.entries()) out.set(source.subarray(ours * block, (ours + 1) * block), k * block);
  return out;
}

/** (rows, cols) → (cols, rows). */
function transposed(source: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = source[r * cols + c] as number;
  return out;
}
