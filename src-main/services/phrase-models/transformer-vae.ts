/**
 * The VAE-Transformer variant of the `vary` model (seed 003): vae.ts's LSTM VAE with its LSTMs
 * replaced by Transformer blocks, on the addon's sequence ops (dense, embedding, attention, layer
 * norm, GELU; addon/sequence-ops.ts). Same tokens, latent, loss and decoding as vae.ts; built to
 * be measured against it (test/bench/phrases/vary-transformer.ts), not used by the app.
 *
 *   encoder  ids (T, B) → embedding (V → C) + sinusoidal position → Le pre-LN blocks
 *            (bidirectional self-attention, padding masked) → layer norm → the mean over each
 *            phrase's own tokens (B, C) → two dense layers C → Z: mu and logvar
 *   latent   z = mu + exp(logvar / 2) · eps (training); z = mu to reconstruct
 *   decoder  input at position t: embedding(token_t) + position + dense Z → C of z (the same
 *            for every t); Ld pre-LN blocks with CAUSAL self-attention → layer norm → dense
 *            C → V, plus z outZᵀ (Z → V, no bias) → softmax cross-entropy against token_t+1
 *   block    h = x + drop(Wo · attention(Wq a, Wk a, Wv a)), a = LN1(x)
 *            y = h + drop(W2 · GELU(W1 LN2(h) + b1) + b2)              (GPT-2's order)
 *
 * z reaches the decoder at every position's input (the LSTM's [embedding; z] input, as a sum
 * here) and straight into every position's logits (outZ): vae.ts's file comment says why the
 * direct path is what makes a teacher-forced decoder use z. The embedding is shared by encoder
 * and decoder. Sinusoidal positions (Vaswani et al. 2017) rather than learned ones: no
 * parameters and no longest phrase fixed at training. Time-major as vae.ts (row n of a (T·B, …)
 * matrix is time n / B, lane n % B). All parameters live in ONE Float32Array, in this order (see
 * {@link transformerVaeLayout}):
 *
 *   embedding (V, C) · Le encoder blocks · encoder LN gamma, beta (C) · mu W (Z, C), b (Z) ·
 *   logvar W (Z, C), b (Z) · latent-in W (C, Z), b (C) · Ld decoder blocks · decoder LN gamma,
 *   beta (C) · out W (V, C), b (V) · out Z (V, Z)
 *   block: LN1 gamma, beta (C) · Wq, Wk, Wv, Wo (C, C) each with b (C) · LN2 gamma, beta (C) ·
 *          W1 (F, C), b1 (F) · W2 (C, F), b2 (C)
 *
 * Initialisation, seeded: embedding uniform ±√3 (unit variance, as vae.ts), dense weights and
 * biases uniform ±1/√fan-in (PyTorch's nn.Linear), layer norms gamma 1 and beta 0, logvar's bias
 * vae.ts's INITIAL_LOGVAR (a narrow posterior at the start; vae.ts says why).
 */
import type { SequenceOps } from '../../addon/binding.js';
import { PAD, VOCAB_SIZE } from '../phrases/tokens.js';
import { fastRandom } from './lstm-lm.js';
import { addPositions, stackBackward, stackForward, type BlockParts, type BlockViews, type StackRun, type StackTape } from './transformer-blocks.js';
import {
  addLatentLogits,
  BufferPool,
  encodeMeansWith,
  INITIAL_LOGVAR,
  latentLogitsBackward,
  packTokens,
  type Block,
  wordDropoutMask,
  type PackedTokens,
} from './vae.js';
import { decodeLatents, type DecodeOptions } from './vae-decode.js';

/** The architecture; everything needed to rebuild the model besides its parameters. */
export interface TransformerVaeConfig {
  /** V: the vocabulary (tokens.ts's VOCAB_SIZE). */
  vocab: number;
  /** C: the model width (embedding, residual stream), a multiple of heads. */
  width: number;
  /** H: attention heads; each sees C / H dims. */
  heads: number;
  /** F: the feed-forward layer's hidden width. */
  ffn: number;
  /** Le, Ld: blocks of the encoder and of the decoder. */
  encoderLayers: number;
  decoderLayers: number;
  /** Z: latent dimensions (100, as vae.ts's). */
  latent: number;
  /** Dropout p in [0, 1) on each block's two residual branches (training only). */
  dropout: number;
}

export interface TransformerVaeLayout {
  embedding: Block;
  /** Where each encoder block starts; every block has blockParts' layout from there. */
  encoderBlocks: number[];
  encoderLnG: Block;
  encoderLnB: Block;
  muW: Block;
  muB: Block;
  logvarW: Block;
  logvarB: Block;
  /** (C, Z), (C): z's projection added to every decoder input. */
  latentInW: Block;
  latentInB: Block;
  decoderBlocks: number[];
  decoderLnG: Block;
  decoderLnB: Block;
  outW: Block;
  outB: Block;
  /** (V, Z): z's direct path into the logits, no bias. */
  outZ: Block;
  blockParts: BlockParts;
  blockSize: number;
  total: number;
}

/** The dims checked once, with a one-line error naming the bad one. */
export function checkTransformerVaeConfig(config: TransformerVaeConfig): void {
  const whole = (value: number, name: string, max: number): void => {
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`The model's ${name} is a whole number in 1..${max} (got ${value}).`);
  };
  if (config.vocab !== VOCAB_SIZE) throw new Error(`The model's vocabulary is the ${VOCAB_SIZE} phrase tokens (got ${config.vocab}).`);
  whole(config.width, 'width', 4096);
  whole(config.heads, 'number of heads', 64);
  if (config.width % config.heads !== 0) throw new Error(`The model's width is a multiple of its heads (got ${config.width} and ${config.heads}).`);
  whole(config.ffn, 'feed-forward width', 16384);
  whole(config.encoderLayers, 'number of encoder blocks', 16);
  whole(config.decoderLayers, 'number of decoder blocks', 16);
  whole(config.latent, 'latent size', 4096);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new Error(`The model's dropout lies in [0, 1) (got ${config.dropout}).`);
}

export function transformerVaeLayout(config: TransformerVaeConfig): TransformerVaeLayout {
  checkTransformerVaeConfig(config);
  const { vocab: V, width: C, ffn: F, latent: Z } = config;
  let at = 0;
  const take = (length: number): Block => {
    const block = { offset: at, length };
    at += length;
    return block;
  };
  // One block's parts, relative to its start.
  const parts: BlockParts = {
    ln1g: take(C), ln1b: take(C),
    wq: take(C * C), bq: take(C), wk: take(C * C), bk: take(C), wv: take(C * C), bv: take(C), wo: take(C * C), bo: take(C),
    ln2g: take(C), ln2b: take(C),
    w1: take(F * C), b1: take(F), w2: take(C * F), b2: take(C),
  };
  const blockSize = at;
  at = 0;
  const blocks = (count: number): number[] => Array.from({ length: count }, () => take(blockSize).offset);
  const embedding = take(V * C);
  const encoderBlocks = blocks(config.encoderLayers);
  const encoderLnG = take(C);
  const encoderLnB = take(C);
  const muW = take(Z * C);
  const muB = take(Z);
  const logvarW = take(Z * C);
  const logvarB = take(Z);
  const latentInW = take(C * Z);
  const latentInB = take(C);
  const decoderBlocks = blocks(config.decoderLayers);
  const decoderLnG = take(C);
  const decoderLnB = take(C);
  const outW = take(V * C);
  const outB = take(V);
  const outZ = take(V * Z);
  return {
    embedding, encoderBlocks, encoderLnG, encoderLnB, muW, muB, logvarW, logvarB, latentInW, latentInB,
    decoderBlocks, decoderLnG, decoderLnB, outW, outB, outZ, blockParts: parts, blockSize, total: at,
  };
}


/** The model's tensors as views of `buffer` (the parameters, or a gradient laid out the same way). */
export interface TransformerVaeViews {
  embedding: Float32Array;
  encoder: BlockViews[];
  encoderLnG: Float32Array;
  encoderLnB: Float32Array;
  muW: Float32Array;
  muB: Float32Array;
  logvarW: Float32Array;
  logvarB: Float32Array;
  latentInW: Float32Array;
  latentInB: Float32Array;
  decoder: BlockViews[];
  decoderLnG: Float32Array;
  decoderLnB: Float32Array;
  outW: Float32Array;
  outB: Float32Array;
  outZ: Float32Array;
}

export function transformerVaeViews(layout: TransformerVaeLayout, buffer: Float32Array): TransformerVaeViews {
  const view = (block: Block, base = 0): Float32Array => buffer.subarray(base + block.offset, base + block.offset + block.length);
  const blockViews = (start: number): BlockViews => {
    const out = {} as BlockViews;
    for (const key of Object.keys(layout.blockParts) as (keyof BlockParts)[]) out[key] = view(layout.blockParts[key], start);
    return out;
  };
  return {
    embedding: view(layout.embedding),
    encoder: layout.encoderBlocks.map(blockViews),
    encoderLnG: view(layout.encoderLnG),
    encoderLnB: view(layout.encoderLnB),
    muW: view(layout.muW),
    muB: view(layout.muB),
    logvarW: view(layout.logvarW),
    logvarB: view(layout.logvarB),
    latentInW: view(layout.latentInW),
    latentInB: view(layout.latentInB),
    decoder: layout.decoderBlocks.map(blockViews),
    decoderLnG: view(layout.decoderLnG),
    decoderLnB: view(layout.decoderLnB),
    outW: view(layout.outW),
    outB: view(layout.outB),
    outZ: view(layout.outZ),
  };
}

/** A VAE-Transformer: its native ops, architecture, layout and the one parameter buffer. */
export class TransformerVae {
  readonly layout: TransformerVaeLayout;
  readonly params: Float32Array;

  constructor(
    readonly ops: SequenceOps,
    readonly config: TransformerVaeConfig,
    params?: Float32Array,
  ) {
    this.layout = transformerVaeLayout(config);
    if (params && params.length !== this.layout.total) {
      throw new Error(`The model's parameters are ${params.length} floats where its configuration has ${this.layout.total}.`);
    }
    this.params = params ?? new Float32Array(this.layout.total);
  }

  views(): TransformerVaeViews {
    return transformerVaeViews(this.layout, this.params);
  }

  /** The mean encodings (mu) of phrases given as tokens, BOS..EOS each. */
  encodeMean(sequences: readonly (readonly number[])[]): Float32Array[] {
    return encodeMeansWith(sequences, this.config.latent, (pool, packed) => tfEncoderForward(this, pool, packed, null).mu);
  }

  /**
   * The most likely token at each step from BOS (vae.ts's decodeLatents: PAD and BOS never
   * chosen, EOS or the phrase's length ends a lane). No key-value cache: each step runs the
   * causal decoder over the whole prefix and reads its last row, which equals what a cache gives.
   */
  decodeGreedy(latents: readonly Float32Array[], options: DecodeOptions = {}): number[][] {
    const { vocab: V, latent: Z } = this.config;
    const pool = new BufferPool();
    return decodeLatents(latents, Z, options, (z, B) => {
      const history: number[] = [];
      return (ids) => {
        history.push(...ids);
        const T = history.length / B;
        const { logits } = tfDecoderForward(this, pool, Int32Array.from(history), new Array<number>(B).fill(T), T, B, z, null, null);
        return logits.subarray((T - 1) * B * V, T * B * V);
      };
    }, (row) => {
      let best = 0;
      for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
      return best;
    });
  }

  /**
   * The latent refinement's objective (vae-refine.ts) summed over the phrases, each its
   * teacher-forced cross-entropy per token plus prior · |z|² / 2 per token, and its gradient
   * with respect to z (B, Z) written into `grad`; the weights are not changed.
   */
  latentLossAndGradient(pool: BufferPool, sequences: readonly (readonly number[])[], z: Float32Array, prior: number, grad: Float32Array): number {
    const packed = packTokens(pool, sequences, 'refine.packed');
    const scratch = transformerVaeViews(this.layout, pool.f('refine.scratch', this.layout.total).fill(0));
    const { ce, perToken, dz } = tfDecoderLoss(this, pool, packed, z, scratch, packed.B, { wordDropout: 0, seed: 0 }, null);
    let squares = 0;
    for (let i = 0; i < z.length; i++) {
      squares += z[i]! * z[i]!;
      grad[i] = dz[i]! + prior * perToken * z[i]!;
    }
    return packed.B * ce + (prior * perToken * squares) / 2;
  }
}

/** A freshly initialised model (see the file comment); the same seed gives the same bytes. */
export function createTransformerVae(ops: SequenceOps, config: TransformerVaeConfig, seed: string): TransformerVae {
  const vae = new TransformerVae(ops, config);
  const w = vae.views();
  const random = fastRandom(seed, 'tvae-init');
  const fill = (target: Float32Array, bound: number): void => {
    for (let i = 0; i < target.length; i++) target[i] = (2 * random() - 1) * bound;
  };
  const { width: C, ffn: F, latent: Z } = config;
  fill(w.embedding, Math.sqrt(3));
  for (const block of [...w.encoder, ...w.decoder]) {
    block.ln1g.fill(1);
    block.ln2g.fill(1);
    for (const name of ['wq', 'bq', 'wk', 'bk', 'wv', 'bv', 'wo', 'bo', 'w1', 'b1'] as const) fill(block[name], 1 / Math.sqrt(C));
    fill(block.w2, 1 / Math.sqrt(F));
    fill(block.b2, 1 / Math.sqrt(F));
  }
  w.encoderLnG.fill(1);
  w.decoderLnG.fill(1);
  for (const name of ['muW', 'muB', 'logvarW', 'outW', 'outB'] as const) fill(w[name], 1 / Math.sqrt(C));
  w.logvarB.fill(INITIAL_LOGVAR);
  fill(w.latentInW, 1 / Math.sqrt(Z));
  fill(w.latentInB, 1 / Math.sqrt(Z));
  fill(w.outZ, 1 / Math.sqrt(Z));
  return vae;
}

/** What the encoder's forward leaves for its backward. */
export interface TfEncoderTape {
  packed: PackedTokens;
  stack: StackTape;
  /** (B, C) each phrase's mean over its own tokens. */
  pooled: Float32Array;
  /** (B, Z) */
  mu: Float32Array;
  logvar: Float32Array;
}

/** Encoder forward over packed phrases (BOS..EOS each): mu and logvar (B, Z). */
export function tfEncoderForward(vae: TransformerVae, pool: BufferPool, packed: PackedTokens, dropoutSeed: number | null): TfEncoderTape {
  const { ops, config } = vae;
  const { vocab: V, width: C, latent: Z } = config;
  const { T, B, lengths } = packed;
  const N = T * B;
  const w = vae.views();
  const x0 = pool.f('enc.x0', N * C);
  ops.embeddingForward({ N, V, E: C }, { table: w.embedding, ids: packed.ids, y: x0 });
  addPositions(x0, T, B, C);
  const run: StackRun = { name: 'enc', T, B, lengths: Int32Array.from(lengths), causal: false };
  const stack = stackForward(vae, pool, run, w.encoder, w.encoderLnG, w.encoderLnB, x0, dropoutSeed);
  const pooled = pool.f('enc.pooled', B * C);
  pooled.fill(0);
  for (let b = 0; b < B; b++) {
    const length = lengths[b]!;
    for (let t = 0; t < length; t++) {
      const row = (t * B + b) * C;
      for (let j = 0; j < C; j++) pooled[b * C + j] = pooled[b * C + j]! + stack.y[row + j]! / length;
    }
  }
  const mu = pool.f('enc.mu', B * Z);
  const logvar = pool.f('enc.logvar', B * Z);
  ops.denseForward({ N: B, I: C, O: Z }, { x: pooled, W: w.muW, b: w.muB, y: mu });
  ops.denseForward({ N: B, I: C, O: Z }, { x: pooled, W: w.logvarW, b: w.logvarB, y: logvar });
  return { packed, stack, pooled, mu, logvar };
}

/** Encoder backward from dmu, dlogvar (B, Z): parameter gradients added into `grad`. */
export function tfEncoderBackward(vae: TransformerVae, pool: BufferPool, tape: TfEncoderTape, dmu: Float32Array, dlogvar: Float32Array, grad: TransformerVaeViews): void {
  const { ops, config } = vae;
  const { vocab: V, width: C, latent: Z } = config;
  const { T, B, lengths, ids } = tape.packed;
  const N = T * B;
  const w = vae.views();
  const dpooled = pool.f('enc.dpooled', B * C);
  const dpooled2 = pool.f('enc.dpooled2', B * C);
  ops.denseBackward({ N: B, I: C, O: Z }, { x: tape.pooled, W: w.muW, dy: dmu, dx: dpooled, dW: grad.muW, db: grad.muB });
  ops.denseBackward({ N: B, I: C, O: Z }, { x: tape.pooled, W: w.logvarW, dy: dlogvar, dx: dpooled2, dW: grad.logvarW, db: grad.logvarB });
  // The mean's gradient: 1/length to each of the phrase's own rows, 0 to its padding.
  const dy = pool.f('enc.dy', N * C);
  dy.fill(0);
  for (let b = 0; b < B; b++) {
    const length = lengths[b]!;
    for (let t = 0; t < length; t++) {
      const row = (t * B + b) * C;
      for (let j = 0; j < C; j++) dy[row + j] = (dpooled[b * C + j]! + dpooled2[b * C + j]!) / length;
    }
  }
  const dx0 = stackBackward(vae, pool, tape.stack, w.encoder, grad.encoder, w.encoderLnG, grad.encoderLnG, grad.encoderLnB, dy);
  ops.embeddingBackward({ N, V, E: C }, { ids, dy: dx0, dtable: grad.embedding });
}

/** What the decoder's forward leaves for its backward. */
interface TfDecoderTape {
  ids: Int32Array;
  T: number;
  B: number;
  /** (N) 1 where the input token's embedding was kept, 0 where word dropout zeroed it. */
  keep: Float32Array | null;
  stack: StackTape;
  logits: Float32Array;
}

/**
 * The decoder's forward over ids (T, B) with latents z (B, Z): logits (T·B, V) (a pool buffer).
 * lengths (B): each lane's real tokens (later rows are padding, masked from attention). `keep`
 * (T·B) zeroes dropped tokens' embeddings (word dropout); dropoutSeed null = no dropout.
 */
export function tfDecoderForward(vae: TransformerVae, pool: BufferPool, ids: Int32Array, lengths: readonly number[], T: number, B: number, z: Float32Array, keep: Float32Array | null, dropoutSeed: number | null): TfDecoderTape {
  const { ops, config } = vae;
  const { vocab: V, width: C, latent: Z } = config;
  const N = T * B;
  const w = vae.views();
  const x0 = pool.f('dec.x0', N * C);
  ops.embeddingForward({ N, V, E: C }, { table: w.embedding, ids, y: x0 });
  if (keep) for (let n = 0; n < N; n++) if (keep[n] === 0) x0.fill(0, n * C, (n + 1) * C);
  addPositions(x0, T, B, C);
  const zIn = pool.f('dec.zIn', B * C);
  ops.denseForward({ N: B, I: Z, O: C }, { x: z, W: w.latentInW, b: w.latentInB, y: zIn });
  for (let n = 0; n < N; n++) {
    const b = n % B;
    for (let j = 0; j < C; j++) x0[n * C + j] = x0[n * C + j]! + zIn[b * C + j]!;
  }
  const run: StackRun = { name: 'dec', T, B, lengths: Int32Array.from(lengths), causal: true };
  const stack = stackForward(vae, pool, run, w.decoder, w.decoderLnG, w.decoderLnB, x0, dropoutSeed);
  const logits = pool.f('dec.logits', N * V);
  ops.denseForward({ N, I: C, O: V }, { x: stack.y, W: w.outW, b: w.outB, y: logits });
  addLatentLogits(vae, pool, z, logits, N, B);
  return { ids, T, B, keep, stack, logits };
}

/**
 * The decoder's teacher-forced cross-entropy of packed phrases from z (B, Z) and its backward:
 * ce (mean per predicted token), perToken (B / tokens predicted) and dz (B, Z, a pool buffer) for
 * dloss, the weights' gradients added into `grad`. Training's and refinement's decoder half.
 */
export function tfDecoderLoss(
  vae: TransformerVae,
  pool: BufferPool,
  packed: PackedTokens,
  z: Float32Array,
  grad: TransformerVaeViews,
  dloss: number,
  words: { wordDropout: number; seed: number },
  dropoutSeed: number | null,
): { ce: number; perToken: number; dz: Float32Array } {
  const { ops, config } = vae;
  const { vocab: V, width: C, latent: Z } = config;
  const { T, B } = packed;
  // The decoder reads tokens 0..T-2 and predicts 1..T-1.
  const Td = T - 1;
  const N = Td * B;
  const ids = pool.i('dec.ids', N);
  const targets = pool.i('dec.targets', N);
  ids.set(packed.ids.subarray(0, N));
  targets.set(packed.ids.subarray(B, B + N));
  const keep = wordDropoutMask(pool, N, words.wordDropout, words.seed);
  const tape = tfDecoderForward(vae, pool, ids, packed.lengths.map((length) => length - 1), Td, B, z, keep, dropoutSeed);
  const dlogits = pool.f('dec.dlogits', N * V);
  const ce = ops.crossEntropy({ N, V }, { logits: tape.logits, targets, dlogits }, PAD, dloss);
  if (ce.kept === 0) throw new Error('A batch of phrases with nothing to predict: every phrase is BOS alone.');
  const w = vae.views();
  const dy = pool.f('dec.dy', N * C);
  ops.denseBackward({ N, I: C, O: V }, { x: tape.stack.y, W: w.outW, dy: dlogits, dx: dy, dW: grad.outW, db: grad.outB });
  const dzOut = latentLogitsBackward(vae, pool, z, dlogits, N, B, grad.outZ);
  const dx0 = stackBackward(vae, pool, tape.stack, w.decoder, grad.decoder, w.decoderLnG, grad.decoderLnG, grad.decoderLnB, dy);
  // z's projection was added to every row of its lane: its gradient is their sum.
  const dzIn = pool.f('dec.dzIn', B * C);
  dzIn.fill(0);
  for (let n = 0; n < N; n++) {
    const b = n % B;
    for (let j = 0; j < C; j++) dzIn[b * C + j] = dzIn[b * C + j]! + dx0[n * C + j]!;
  }
  const dz = pool.f('dec.dz', B * Z);
  ops.denseBackward({ N: B, I: Z, O: C }, { x: z, W: w.latentInW, dy: dzIn, dx: dz, dW: grad.latentInW, db: grad.latentInB });
  for (let i = 0; i < B * Z; i++) dz[i] = dz[i]! + dzOut[i]!;
  // Dropped tokens' embeddings were zeros: they get no gradient.
  if (keep) for (let n = 0; n < N; n++) if (keep[n] === 0) dx0.fill(0, n * C, (n + 1) * C);
  ops.embeddingBackward({ N, V, E: C }, { ids, dy: dx0, dtable: grad.embedding });
  return { ce: ce.loss, perToken: B / ce.kept, dz };
}

/** Parameters of a configuration, for reports. */
export function transformerVaeParameterCount(config: TransformerVaeConfig): number {
  return transformerVaeLayout(config).total;
}
