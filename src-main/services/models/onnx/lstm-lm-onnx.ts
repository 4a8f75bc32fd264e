/**
 * The phrase models' LSTM language model as an ONNX graph, for inference through onnxruntime:
 * an embedding V→E, an L-layer LSTM of H units and a dense layer H→V, over a window of T tokens
 * with the recurrent state in and out (docs/midi.md, "Phrase models in ONNX"):
 *
 *   inputs   tokens (T, B) int64 in [0, V)     h0, c0 (L, B, H) float32 (zeros for a fresh start)
 *   outputs  logits (T, B, V) float32          hT, cT (L, B, H) float32
 *
 * T and B are symbolic, so one file serves both uses of a sampler: priming with a whole prompt
 * in one run (T = prompt length) and then one run per drawn token (T = 1), the state carried
 * from each run's hT/cT into the next one's h0/c0. Stepping this way equals one run over the
 * whole window, which equals the native forward (embeddingForward → lstmForward →
 * denseForward in src-main/addon/sequence-ops.ts).
 *
 * Nodes: Gather for the embedding; per layer one ONNX `LSTM` node (forward, default Sigmoid /
 * Tanh / Tanh activations, no clip), its initial state sliced out of h0/c0 and its Y squeezed to
 * (T, B, H) for the next layer; MatMul by Wᵀ and Add b for the dense layer; Concat of the
 * layers' Y_h / Y_c for hT / cT.
 *
 * Gate order: ours is i, f, g, o (native/include/nn/lstm.h), ONNX's is i, o, f, c, so W, R and
 * the bias take our blocks (0, 3, 1, 2). Our one bias goes into ONNX's Wb and zeros into its Rb.
 *
 * This file is the floor's: a feature hands it the weights as a plain {@link LstmLmWeights}.
 */
import { AppError } from '../../../common/errors.js';
import { writeFileAtomic } from '../../store/atomic-write.js';
import { APP_VERSION } from '../../../version.js';
import { DType, GraphBuilder } from './graph-builder.js';

/**
 * A trained LSTM language model. `params` is one flat float32 buffer, in this order:
 *   embedding table (V, E)                                   row v is token v's vector
 *   the LSTM's flat buffer: per layer l = 0..L-1,
 *     W_ih (4H, X_l), W_hh (4H, H), b (4H)                   X_0 = E, X_l = H for l ≥ 1,
 *                                                            gate blocks i, f, g, o
 *   dense W (V, H), then dense b (V)                         logits = h Wᵀ + b
 * (the native ops' layouts: embeddingForward's table, lstmSizes' parameters, denseForward's W).
 */
export interface LstmLmWeights {
  /** V: tokens in the vocabulary. */
  vocab: number;
  /** E: embedding width (the LSTM's input features). */
  embed: number;
  /** H: hidden units of every LSTM layer. */
  hidden: number;
  /** L: LSTM layers, ≥ 1. */
  layers: number;
  params: Float32Array;
}

export type LstmLmShape = Omit<LstmLmWeights, 'params'>;

/** [start, end) of one tensor in the flat parameter buffer. */
export interface ParamRange {
  start: number;
  end: number;
}

/** Where each tensor lies in `params` (float offsets). */
export interface LstmLmLayout {
  embedding: ParamRange;
  /** The LSTM's flat buffer as a whole (what lstmForward takes). */
  lstm: ParamRange;
  /** Per layer, inside `params` (not relative to `lstm`). */
  layers: { Wih: ParamRange; Whh: ParamRange; b: ParamRange }[];
  denseW: ParamRange;
  denseB: ParamRange;
  /** The length `params` must have. */
  total: number;
}

/** The graph's value names. */
export const LSTM_LM_IO = {
  tokens: 'tokens',
  h0: 'h0',
  c0: 'c0',
  logits: 'logits',
  hT: 'hT',
  cT: 'cT',
} as const;

/** Our gate blocks (i, f, g, o) in ONNX's order (i, o, f, c). */
const ONNX_GATE_BLOCKS = [0, 3, 1, 2] as const;

/**
 * The most floats a model may hold: a protobuf message stops at 2 GiB, and the phrase models are
 * thousands of times smaller.
 */
const MAX_FLOATS = 2 ** 28;

/** The layout of `params` for a shape; throws INVALID_INPUT for a shape that is not one. */
export function lstmLmLayout(shape: LstmLmShape): LstmLmLayout {
  const { vocab: V, embed: E, hidden: H, layers: L } = shape;
  for (const [name, value] of [
    ['vocab', V],
    ['embed', E],
    ['hidden', H],
    ['layers', L],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new AppError('INVALID_INPUT', `LSTM language model: ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  let at = 0;
  const take = (count: number): ParamRange => ({ start: at, end: (at += count) });
  const embedding = take(V * E);
  const lstmStart = at;
  const layers = Array.from({ length: L }, (_, l) => ({
    Wih: take(4 * H * (l === 0 ? E : H)),
    Whh: take(4 * H * H),
    b: take(4 * H),
  }));
  const lstm = { start: lstmStart, end: at };
  const denseW = take(V * H);
  const denseB = take(V);
  if (at > MAX_FLOATS) {
    throw new AppError('INVALID_INPUT', `LSTM language model: ${at} parameters are too many for one ONNX file (at most ${MAX_FLOATS})`);
  }
  return { embedding, lstm, layers, denseW, denseB, total: at };
}

/** Extra metadata_props a caller records with the model (e.g. its tokenisation), after ours. */
export type LstmLmMetadata = Record<string, string>;

/** The serialised ONNX model (IR 8, opset 17) of `weights`; throws INVALID_INPUT on bad weights. */
export function buildLstmLmModel(weights: LstmLmWeights, metadata: LstmLmMetadata = {}): Uint8Array {
  const layout = lstmLmLayout(weights);
  const { vocab: V, embed: E, hidden: H, layers: L, params } = weights;
  checkParams(params, layout, weights);
  const slice = (range: ParamRange) => params.subarray(range.start, range.end);

  const b = new GraphBuilder('lstm_lm');
  const tokens = b.input(LSTM_LM_IO.tokens, DType.INT64, ['T', 'B']);
  const h0 = b.input(LSTM_LM_IO.h0, DType.FLOAT, [L, 'B', H]);
  const c0 = b.input(LSTM_LM_IO.c0, DType.FLOAT, [L, 'B', H]);

  const table = b.floats('embedding', slice(layout.embedding), [V, E]);
  let x = b.op('Gather', [table, tokens], { axis: { int: 0 } }); // (T, B, E)

  const axis0 = b.int64s('axis0', [0]);
  const axis1 = b.int64s('axis1', [1]);
  const finalH: string[] = [];
  const finalC: string[] = [];
  for (const [l, layer] of layout.layers.entries()) {
    const X = l === 0 ? E : H;
    const W = b.floats(`W${l}`, gateReordered(slice(layer.Wih), H, X), [1, 4 * H, X]);
    const R = b.floats(`R${l}`, gateReordered(slice(layer.Whh), H, H), [1, 4 * H, H]);
    const biases = new Float32Array(8 * H); // [Wb, Rb]: our bias, then zeros
    biases.set(gateReordered(slice(layer.b), H, 1));
    const WRb = b.floats(`B${l}`, biases, [1, 8 * H]);
    const from = b.int64s(`from${l}`, [l]);
    const to = b.int64s(`to${l}`, [l + 1]);
    const initialH = b.op('Slice', [h0, from, to, axis0]); // (1, B, H)
    const initialC = b.op('Slice', [c0, from, to, axis0]);
    const [Y, Yh, Yc] = b.ops('LSTM', [x, W, R, WRb, '', initialH, initialC], 3, { hidden_size: { int: H } });
    x = b.op('Squeeze', [Y as string, axis1]); // (T, 1, B, H) → (T, B, H)
    finalH.push(Yh as string);
    finalC.push(Yc as string);
  }

  const Wt = b.floats('denseWt', transposed(slice(layout.denseW), V, H), [H, V]);
  const bias = b.floats('denseB', slice(layout.denseB), [V]);
  b.op('Add', [b.op('MatMul', [x, Wt]), bias], {}, LSTM_LM_IO.logits);
  b.op('Concat', finalH, { axis: { int: 0 } }, LSTM_LM_IO.hT);
  b.op('Concat', finalC, { axis: { int: 0 } }, LSTM_LM_IO.cT);
  b.output(LSTM_LM_IO.logits, DType.FLOAT, ['T', 'B', V]);
  b.output(LSTM_LM_IO.hT, DType.FLOAT, [L, 'B', H]);
  b.output(LSTM_LM_IO.cT, DType.FLOAT, [L, 'B', H]);

  return b.build({
    producerVersion: APP_VERSION,
    docString: 'LSTM language model: tokens (T, B) and state h0, c0 (L, B, H) to logits (T, B, V) and hT, cT (L, B, H)',
    metadata: { model: 'lstm-lm', vocab: String(V), embed: String(E), hidden: String(H), layers: String(L), ...metadata },
  });
}

/**
 * Writes the model of `weights` to `file` atomically (a reader sees the old file or the whole new
 * one) and returns its size in bytes.
 */
export async function writeLstmLmOnnx(file: string, weights: LstmLmWeights, metadata: LstmLmMetadata = {}): Promise<number> {
  const model = buildLstmLmModel(weights, metadata);
  await writeFileAtomic(file, model, 'the phrase model’s ONNX file');
  return model.byteLength;
}

function checkParams(params: Float32Array, layout: LstmLmLayout, shape: LstmLmShape): void {
  if (!(params instanceof Float32Array)) {
    throw new AppError('INVALID_INPUT', 'LSTM language model: params must be a Float32Array');
  }
  const { vocab: V, embed: E, hidden: H, layers: L } = shape;
  if (params.length !== layout.total) {
    throw new AppError(
      'INVALID_INPUT',
      `LSTM language model: params has ${params.length} floats, expected ${layout.total} for (V, E, H, L) = (${V}, ${E}, ${H}, ${L})`,
    );
  }
  for (let i = 0; i < params.length; i++) {
    if (!Number.isFinite(params[i])) {
      throw new AppError('INVALID_INPUT', `LSTM language model: params[${i}] is ${String(params[i])}; a diverged model cannot be exported`);
    }
  }
}

/**
 * A (4H, cols) gate-blocked matrix (or a 4H vector, cols = 1) with its H-row blocks taken in
 * ONNX's order.
 */
function gateReordered(source: Float32Array, H: number, cols: number): Float32Array {
  const block = H * cols;
  const out = new Float32Array(4 * block);
  for (const [k, ours] of ONNX_GATE_BLOCKS.entries()) {
    out.set(source.subarray(ours * block, (ours + 1) * block), k * block);
  }
  return out;
}

/** (rows, cols) → (cols, rows). */
function transposed(source: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = source[r * cols + c] as number;
  }
  return out;
}
