/**
 * The `continue` model: an LSTM language model over the phrase tokens of services/phrases
 * (tokens.ts), on the addon's sequence ops (addon/sequence-ops.ts). docs/midi.md "The
 * continue model" describes it for a reader.
 *
 *   ids (T, B) → embedding (V → E) → L-layer LSTM (H; dropout p on the inputs of layers ≥ 1,
 *   in the native op) → dropout p on the last layer's output → dense (H → V) → softmax
 *   cross-entropy against the next token, PAD targets ignored.
 *
 * Everything is time-major, as the native LSTM is: row n of a (T·B, …) matrix is time n / B,
 * lane n % B. All parameters live in ONE Float32Array (the ops take subarray views of it), so
 * Adam, gradient clipping, a checkpoint and the ONNX export each see a single buffer. Its
 * layout, in order (see {@link lmLayout}):
 *
 *   embedding  (V, E)      row v is token v's vector
 *   lstm       (P)         per layer l at layerOffsets[l]: W_ih (4H, X_l), W_hh (4H, H), b (4H);
 *                          gates i, f, g, o (PyTorch's order); X_0 = E, X_l = H above
 *   outW       (V, H)      the dense layer, as PyTorch's nn.Linear weight
 *   outB       (V)
 *
 * Initialisation is seeded (node/seeded-random.ts): the embedding N(0, 1)-like uniform
 * (±√3, unit variance) as PyTorch's nn.Embedding draws N(0, 1); LSTM and dense weights uniform
 * ±1/√H as PyTorch's nn.LSTM / nn.Linear; the forget gates' biases 1 (Jozefowicz et al. 2015:
 * the cell remembers by default early in training, so gradients reach across a bar).
 */
import type { LstmConfig, SequenceOps } from '../../addon/binding.js';
import { seededRandom } from '../../node/seeded-random.js';
import { PAD, VOCAB_SIZE } from '../phrases/tokens.js';

/** The architecture; everything a checkpoint needs to rebuild the model besides its parameters. */
export interface LmConfig {
  /** V: the vocabulary (tokens.ts's VOCAB_SIZE). */
  vocab: number;
  /** E: embedding width. */
  embedding: number;
  /** H: hidden units of every LSTM layer. */
  hidden: number;
  /** L: LSTM layers. */
  layers: number;
  /** Dropout p in [0, 1) between LSTM layers and before the dense layer (training only). */
  dropout: number;
}

/** Where each part of the flat parameter buffer lies, in floats. */
export interface LmLayout {
  embedding: { offset: number; length: number };
  lstm: { offset: number; length: number; layerOffsets: number[] };
  outW: { offset: number; length: number };
  outB: { offset: number; length: number };
  total: number;
}

export interface LstmLm {
  /** The native ops it runs on (loadNativeAddon().sequence). */
  ops: SequenceOps;
  config: LmConfig;
  layout: LmLayout;
  /** (layout.total) all parameters, laid out as {@link LmLayout}. */
  params: Float32Array;
}

/** The dims checked once, with a one-line error naming the bad one. */
export function checkLmConfig(config: LmConfig): void {
  const whole = (value: number, name: string, max: number): void => {
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`The model's ${name} is a whole number in 1..${max} (got ${value}).`);
  };
  if (config.vocab !== VOCAB_SIZE) throw new Error(`The model's vocabulary is the ${VOCAB_SIZE} phrase tokens (got ${config.vocab}).`);
  whole(config.embedding, 'embedding width', 4096);
  whole(config.hidden, 'hidden width', 4096);
  whole(config.layers, 'number of layers', 8);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new Error(`The model's dropout lies in [0, 1) (got ${config.dropout}).`);
}

/** An LSTM configuration of this model for T steps of B lanes (the parameter count does not depend on T, B). */
export function lstmConfigOf(config: LmConfig, T: number, B: number, dropout: number, seed: number): LstmConfig {
  return { T, B, X: config.embedding, H: config.hidden, layers: config.layers, dropout, seed };
}

export function lmLayout(ops: SequenceOps, config: LmConfig): LmLayout {
  checkLmConfig(config);
  const { vocab: V, embedding: E, hidden: H } = config;
  const sizes = ops.lstmSizes(lstmConfigOf(config, 1, 1, 0, 0));
  const embedding = { offset: 0, length: V * E };
  const lstm = { offset: embedding.length, length: sizes.params, layerOffsets: sizes.layerOffsets };
  const outW = { offset: lstm.offset + lstm.length, length: V * H };
  const outB = { offset: outW.offset + outW.length, length: V };
  return { embedding, lstm, outW, outB, total: outB.offset + outB.length };
}

/** The four parameter blocks as views of `buffer` (params, or a gradient laid out the same way). */
export function lmViews(layout: LmLayout, buffer: Float32Array): { table: Float32Array; lstm: Float32Array; W: Float32Array; b: Float32Array } {
  const view = (part: { offset: number; length: number }): Float32Array => buffer.subarray(part.offset, part.offset + part.length);
  return { table: view(layout.embedding), lstm: view(layout.lstm), W: view(layout.outW), b: view(layout.outB) };
}

/**
 * Uniform numbers in [0, 1) from a seed and a stream, fast: mulberry32 keyed by the first draw
 * of node/seeded-random's splitmix64 stream. The BigInt generator costs about a microsecond a
 * draw, too slow for a million initial weights or a dropout mask every step; this keeps the
 * seeding (and stream separation) of the node floor with a 32-bit generator's speed.
 */
export function fastRandom(seed: string, stream: string): () => number {
  let state = Math.floor(seededRandom(seed, stream)() * 2 ** 32) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A freshly initialised model (see the file comment); the same seed gives the same bytes. */
export function createLm(ops: SequenceOps, config: LmConfig, seed: string): LstmLm {
  const layout = lmLayout(ops, config);
  const params = new Float32Array(layout.total);
  const { table, lstm, W } = lmViews(layout, params);
  const random = fastRandom(seed, 'lstm-lm-init');
  const fill = (target: Float32Array, bound: number): void => {
    for (let i = 0; i < target.length; i++) target[i] = (2 * random() - 1) * bound;
  };
  const k = 1 / Math.sqrt(config.hidden);
  fill(table, Math.sqrt(3));
  fill(lstm, k);
  fill(W, k);
  const H = config.hidden;
  layout.lstm.layerOffsets.forEach((offset, l) => {
    const inputs = l === 0 ? config.embedding : H;
    const bias = offset + 4 * H * inputs + 4 * H * H;
    lstm.fill(1, bias + H, bias + 2 * H); // the forget gate's bias
  });
  return { ops, config, layout, params };
}

/**
 * The buffers of one (T, B) shape and the passes over them: a training step's forward and
 * backward, or a forward alone (evaluation, sampling). Made once per shape and reused, since
 * the ops allocate nothing. Recurrent state: h0/c0 are read at the start of a pass and hT/cT
 * written at its end; {@link carryState} moves one to the other.
 */
export class LmPass {
  readonly N: number;
  /** (T, B) input tokens and next-token targets (PAD = ignored). */
  readonly ids: Int32Array;
  readonly targets: Int32Array;
  /** (L, B, H) state in and out. */
  readonly h0: Float32Array;
  readonly c0: Float32Array;
  readonly hT: Float32Array;
  readonly cT: Float32Array;
  /** (T·B, V) the last forward's logits. */
  readonly logits: Float32Array;
  private readonly emb: Float32Array;
  private readonly y: Float32Array;
  private readonly dropped: Float32Array;
  private readonly mask: Float32Array;
  private readonly dlogits: Float32Array;
  private readonly ddropped: Float32Array;
  private readonly dy: Float32Array;
  private readonly demb: Float32Array;
  private readonly cache: Float32Array;

  private readonly ops: SequenceOps;

  constructor(
    private readonly model: LstmLm,
    readonly T: number,
    readonly B: number,
  ) {
    const ops = (this.ops = model.ops);
    const { vocab: V, embedding: E, hidden: H, layers: L } = model.config;
    const N = (this.N = T * B);
    this.ids = new Int32Array(N);
    this.targets = new Int32Array(N);
    [this.h0, this.c0, this.hT, this.cT] = [0, 1, 2, 3].map(() => new Float32Array(L * B * H)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    this.logits = new Float32Array(N * V);
    this.emb = new Float32Array(N * E);
    this.y = new Float32Array(N * H);
    this.dropped = new Float32Array(N * H);
    this.mask = new Float32Array(N * H);
    this.dlogits = new Float32Array(N * V);
    this.ddropped = new Float32Array(N * H);
    this.dy = new Float32Array(N * H);
    this.demb = new Float32Array(N * E);
    this.cache = new Float32Array(ops.lstmSizes(lstmConfigOf(model.config, T, B, 0, 0)).cache);
  }

  /**
   * Forward over ids from h0/c0: logits, hT and cT written. With `dropoutSeed` (training) the
   * model's dropout applies, its masks drawn from the seed; without it, none (inference).
   * Returns the LSTM configuration used, for the backward.
   */
  forward(dropoutSeed: number | null): LstmConfig {
    const { ops, model, N } = this;
    const { vocab: V, embedding: E, hidden: H, dropout } = model.config;
    const p = dropoutSeed === null ? 0 : dropout;
    const cfg = lstmConfigOf(model.config, this.T, this.B, p, dropoutSeed ?? 0);
    const { table, lstm, W, b } = lmViews(model.layout, model.params);
    ops.embeddingForward({ N, V, E }, { table, ids: this.ids, y: this.emb });
    ops.lstmForward(cfg, { params: lstm, x: this.emb, h0: this.h0, c0: this.c0, y: this.y, hT: this.hT, cT: this.cT, cache: this.cache });
    let top = this.y;
    if (p > 0) {
      // Inverted dropout on the LSTM's output, from its own stream of the step's seed.
      const random = fastRandom(String(dropoutSeed), 'lstm-lm-output-dropout');
      const keep = 1 / (1 - p);
      for (let i = 0; i < this.mask.length; i++) {
        this.mask[i] = random() < p ? 0 : keep;
        this.dropped[i] = this.y[i]! * this.mask[i]!;
      }
      top = this.dropped;
    }
    ops.denseForward({ N, I: H, O: V }, { x: top, W, b, y: this.logits });
    return cfg;
  }

  /**
   * One training pass: forward with dropout, mean cross-entropy over the non-PAD targets, and
   * its gradient ADDED into `grad` (laid out as the parameters). Returns the loss and how many
   * targets counted.
   */
  forwardBackward(grad: Float32Array, dropoutSeed: number): { loss: number; kept: number } {
    const { ops, model, N } = this;
    const { vocab: V, embedding: E, hidden: H, dropout } = model.config;
    const cfg = this.forward(dropoutSeed);
    const result = ops.crossEntropy({ N, V }, { logits: this.logits, targets: this.targets, dlogits: this.dlogits }, PAD, 1);
    if (result.kept === 0) return result;
    const { lstm, W } = lmViews(model.layout, model.params);
    const g = lmViews(model.layout, grad);
    const top = dropout > 0 ? this.dropped : this.y;
    ops.denseBackward({ N, I: H, O: V }, { x: top, W, dy: this.dlogits, dx: this.ddropped, dW: g.W, db: g.b });
    if (dropout > 0) for (let i = 0; i < this.dy.length; i++) this.dy[i] = this.ddropped[i]! * this.mask[i]!;
    else this.dy.set(this.ddropped);
    ops.lstmBackward(cfg, { params: lstm, x: this.emb, cache: this.cache, dy: this.dy, dparams: g.lstm, dx: this.demb });
    ops.embeddingBackward({ N, V, E }, { ids: this.ids, dy: this.demb, dtable: g.table });
    return result;
  }

  /** The final state becomes the next pass's initial state (truncated BPTT carries it on). */
  carryState(): void {
    this.h0.set(this.hT);
    this.c0.set(this.cT);
  }

  /** Zero lane b's initial state in every layer (a new sequence starts there). */
  resetLane(b: number): void {
    const { hidden: H, layers: L } = this.model.config;
    for (let l = 0; l < L; l++) {
      const from = (l * this.B + b) * H;
      this.h0.fill(0, from, from + H);
      this.c0.fill(0, from, from + H);
    }
  }

  resetAll(): void {
    this.h0.fill(0);
    this.c0.fill(0);
  }
}
