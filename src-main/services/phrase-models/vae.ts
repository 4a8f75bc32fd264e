/**
 * The `vary` model: an LSTM variational autoencoder over whole fixed-length phrases (tokens.ts,
 * BOS to EOS), on the addon's sequence ops (addon/sequence-ops.ts). docs/midi.md "The vary
 * model" describes it for a reader.
 *
 *   encoder  ids (T, B) → embedding (V → E) → two Le-layer LSTMs (He), one reading each phrase
 *            BACKWARDS (EOS first), one forwards (BOS first) → [the backward top layer's h
 *            after BOS; the forward top layer's h after EOS] (2·He) → two dense layers
 *            2·He → Z: mu and logvar
 *   latent   z = mu + exp(logvar / 2) · eps, eps ~ N(0, 1) (training); z = mu to reconstruct
 *   decoder  initial state tanh(dense Z → 2·Ld·Hd), split into h0 (Ld, Hd) then c0 (Ld, Hd);
 *            input at step t [embedding(token_t); z]; Ld-layer LSTM (Hd) → dense Hd → V, plus
 *            z outZᵀ (Z → V, no bias) → softmax cross-entropy against token_t+1 (teacher
 *            forcing), PAD ignored
 *
 * z reaches the decoder three times: in its initial state, in its input at every step and
 * straight into every step's logits. The last is what makes the decoder use it: through the
 * LSTM alone, the teacher-forced decoder learns to predict each pitch from the pitches before
 * it and reads the key from z little, so at decoding one wrong early pitch sets a wrong key for
 * all that follows; a direct z → logits term lets z vote for the phrase's own pitches at every
 * step whatever the state says (bench figures: test/bench/RESULTS.md "Phrase models: the vary
 * model"). The backward reader exists because the decoder needs the opening first and a slip
 * there spoils all that follows: read forwards alone, the opening notes lie a whole phrase
 * behind the state that becomes z (Sutskever et al. 2014); the forward reader adds the end of
 * the phrase, which the backward one saw first (a bidirectional encoder, as MusicVAE's). The
 * embedding is shared by encoder and decoder. Everything is time-major
 * as the native LSTM is (row n of a (T·B, …) matrix is time n / B, lane n % B), and all
 * parameters live in ONE Float32Array, laid out in this order (see {@link vaeLayout}):
 *
 *   embedding (V, E) · encoder LSTM reading backwards (per layer W_ih (4He, X), W_hh (4He, He),
 *   b (4He); X = E, then He) · encoder LSTM reading forwards (the same) · mu W (Z, 2·He), b (Z)
 *   · logvar W (Z, 2·He), b (Z) · init W (2·Ld·Hd, Z), b (2·Ld·Hd) · decoder LSTM (X = E + Z,
 *   then Hd) · out W (V, Hd), b (V) · out Z (V, Z)
 *
 * Initialisation is seeded as lstm-lm.ts's: embedding uniform ±√3 (unit variance), LSTM and
 * dense weights uniform ±1/√fan-in as PyTorch's, the forget gates' biases 1, and logvar's bias
 * −4, so the posterior starts narrow: with σ ≈ 1 at the start, z is mostly noise, the decoder
 * learns to ignore it and the encoder then gets no signal (posterior collapse); starting narrow,
 * the KL (its warm-up and free bits) widens it only as far as it pays.
 */
import type { LstmConfig, SequenceOps } from '../../addon/binding.js';
import { BOS, PAD, VOCAB_SIZE, describeToken } from '../phrases/tokens.js';
import { fastRandom } from './lstm-lm.js';

/** The architecture; everything a checkpoint needs to rebuild the model besides its parameters. */
export interface VaeConfig {
  /** V: the vocabulary (tokens.ts's VOCAB_SIZE). */
  vocab: number;
  /** E: embedding width, shared by encoder and decoder. */
  embedding: number;
  /** He, Le: the encoder LSTM's hidden units and layers. */
  encoderHidden: number;
  encoderLayers: number;
  /** Z: latent dimensions (100 for `vary`, common/phrases.ts VARY_LATENT_SIZE). */
  latent: number;
  /** Hd, Ld: the decoder LSTM's hidden units and layers. */
  decoderHidden: number;
  decoderLayers: number;
  /** Dropout p in [0, 1) on the inputs of LSTM layers ≥ 1 (training only). */
  dropout: number;
}

export interface Block {
  offset: number;
  length: number;
}

/** Where each part of the flat parameter buffer lies, in floats. */
export interface VaeLayout {
  embedding: Block;
  /** The encoder LSTM reading each phrase backwards (EOS first). */
  encoder: Block & { layerOffsets: number[] };
  /** The encoder LSTM reading each phrase forwards (BOS first); same sizes. */
  encoderForwards: Block & { layerOffsets: number[] };
  muW: Block;
  muB: Block;
  logvarW: Block;
  logvarB: Block;
  initW: Block;
  initB: Block;
  decoder: Block & { layerOffsets: number[] };
  outW: Block;
  outB: Block;
  /** (V, Z): z's direct path into the logits, no bias (see the file comment). */
  outZ: Block;
  total: number;
}

export type VaeViews = { [K in Exclude<keyof VaeLayout, 'total'>]: Float32Array };

/** The dims checked once, with a one-line error naming the bad one. */
export function checkVaeConfig(config: VaeConfig): void {
  const whole = (value: number, name: string, max: number): void => {
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`The model's ${name} is a whole number in 1..${max} (got ${value}).`);
  };
  if (config.vocab !== VOCAB_SIZE) throw new Error(`The model's vocabulary is the ${VOCAB_SIZE} phrase tokens (got ${config.vocab}).`);
  whole(config.embedding, 'embedding width', 4096);
  whole(config.encoderHidden, 'encoder width', 4096);
  whole(config.encoderLayers, 'number of encoder layers', 8);
  whole(config.latent, 'latent size', 4096);
  whole(config.decoderHidden, 'decoder width', 4096);
  whole(config.decoderLayers, 'number of decoder layers', 8);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new Error(`The model's dropout lies in [0, 1) (got ${config.dropout}).`);
}

export function encoderLstmConfig(config: VaeConfig, T: number, B: number, dropout: number, seed: number): LstmConfig {
  return { T, B, X: config.embedding, H: config.encoderHidden, layers: config.encoderLayers, dropout, seed };
}

export function decoderLstmConfig(config: VaeConfig, T: number, B: number, dropout: number, seed: number): LstmConfig {
  return { T, B, X: config.embedding + config.latent, H: config.decoderHidden, layers: config.decoderLayers, dropout, seed };
}

export function vaeLayout(ops: SequenceOps, config: VaeConfig): VaeLayout {
  checkVaeConfig(config);
  const { vocab: V, embedding: E, encoderHidden: He, latent: Z, decoderHidden: Hd, decoderLayers: Ld } = config;
  const enc = ops.lstmSizes(encoderLstmConfig(config, 1, 1, 0, 0));
  const dec = ops.lstmSizes(decoderLstmConfig(config, 1, 1, 0, 0));
  let at = 0;
  const take = (length: number): Block => {
    const block = { offset: at, length };
    at += length;
    return block;
  };
  const embedding = take(V * E);
  const encoder = { ...take(enc.params), layerOffsets: enc.layerOffsets };
  const encoderForwards = { ...take(enc.params), layerOffsets: enc.layerOffsets };
  const muW = take(Z * 2 * He);
  const muB = take(Z);
  const logvarW = take(Z * 2 * He);
  const logvarB = take(Z);
  const initW = take(2 * Ld * Hd * Z);
  const initB = take(2 * Ld * Hd);
  const decoder = { ...take(dec.params), layerOffsets: dec.layerOffsets };
  const outW = take(V * Hd);
  const outB = take(V);
  const outZ = take(V * Z);
  return { embedding, encoder, encoderForwards, muW, muB, logvarW, logvarB, initW, initB, decoder, outW, outB, outZ, total: at };
}

/** Every parameter block as a view of `buffer` (the parameters, or a gradient laid out the same way). */
export function vaeViews(layout: VaeLayout, buffer: Float32Array): VaeViews {
  const view = (block: Block): Float32Array => buffer.subarray(block.offset, block.offset + block.length);
  return {
    embedding: view(layout.embedding),
    encoder: view(layout.encoder),
    encoderForwards: view(layout.encoderForwards),
    muW: view(layout.muW),
    muB: view(layout.muB),
    logvarW: view(layout.logvarW),
    logvarB: view(layout.logvarB),
    initW: view(layout.initW),
    initB: view(layout.initB),
    decoder: view(layout.decoder),
    outW: view(layout.outW),
    outB: view(layout.outB),
    outZ: view(layout.outZ),
  };
}

/** A `vary` model: its native ops, architecture, layout and the one parameter buffer. */
export class PhraseVae {
  readonly layout: VaeLayout;
  readonly params: Float32Array;

  constructor(
    readonly ops: SequenceOps,
    readonly config: VaeConfig,
    params?: Float32Array,
  ) {
    this.layout = vaeLayout(ops, config);
    if (params && params.length !== this.layout.total) {
      throw new Error(`The model's parameters are ${params.length} floats where its configuration has ${this.layout.total}.`);
    }
    this.params = params ?? new Float32Array(this.layout.total);
  }

  views(): VaeViews {
    return vaeViews(this.layout, this.params);
  }
}

/** logvar's initial bias: σ = e^-2 ≈ 0.14 (see createVae). */
export const INITIAL_LOGVAR = -4;

/** A freshly initialised model (see the file comment); the same seed gives the same bytes. */
export function createVae(ops: SequenceOps, config: VaeConfig, seed: string): PhraseVae {
  const vae = new PhraseVae(ops, config);
  const w = vae.views();
  const random = fastRandom(seed, 'vae-init');
  const fill = (target: Float32Array, bound: number): void => {
    for (let i = 0; i < target.length; i++) target[i] = (2 * random() - 1) * bound;
  };
  const { embedding: E, encoderHidden: He, latent: Z, decoderHidden: Hd } = config;
  fill(w.embedding, Math.sqrt(3));
  fill(w.encoder, 1 / Math.sqrt(He));
  fill(w.encoderForwards, 1 / Math.sqrt(He));
  for (const name of ['muW', 'muB', 'logvarW', 'logvarB'] as const) fill(w[name], 1 / Math.sqrt(2 * He));
  // The posterior starts narrow (σ = e^-2): z then carries the encoder's message clearly from the
  // first step, so the decoder learns to read it before it learns to do without it.
  w.logvarB.fill(INITIAL_LOGVAR);
  fill(w.initW, 1 / Math.sqrt(Z));
  fill(w.initB, 1 / Math.sqrt(Z));
  fill(w.decoder, 1 / Math.sqrt(Hd));
  fill(w.outW, 1 / Math.sqrt(Hd));
  fill(w.outB, 1 / Math.sqrt(Hd));
  fill(w.outZ, 1 / Math.sqrt(Z));
  const forgetBiases = (lstm: Float32Array, offsets: number[], X: number, H: number): void => {
    offsets.forEach((offset, l) => {
      const bias = offset + 4 * H * (l === 0 ? X : H) + 4 * H * H;
      lstm.fill(1, bias + H, bias + 2 * H);
    });
  };
  forgetBiases(w.encoder, vae.layout.encoder.layerOffsets, E, He);
  forgetBiases(w.encoderForwards, vae.layout.encoderForwards.layerOffsets, E, He);
  forgetBiases(w.decoder, vae.layout.decoder.layerOffsets, E + Z, Hd);
  return vae;
}

/**
 * Float32Array views of reusable buffers by name: a batch's shape changes every step (its
 * longest phrase), and the native ops want exact lengths, so each name keeps the largest
 * buffer asked for and hands out its first n floats.
 */
export class BufferPool {
  private readonly buffers = new Map<string, Float32Array>();
  private readonly ints = new Map<string, Int32Array>();

  f(name: string, n: number): Float32Array {
    let buffer = this.buffers.get(name);
    if (!buffer || buffer.length < n) {
      buffer = new Float32Array(n);
      this.buffers.set(name, buffer);
    }
    return buffer.subarray(0, n);
  }

  i(name: string, n: number): Int32Array {
    let buffer = this.ints.get(name);
    if (!buffer || buffer.length < n) {
      buffer = new Int32Array(n);
      this.ints.set(name, buffer);
    }
    return buffer.subarray(0, n);
  }
}

/** Phrases' tokens side by side: ids (T, B) with PAD after each phrase's end, and their lengths (B). */
export interface PackedTokens {
  ids: Int32Array;
  lengths: number[];
  T: number;
  B: number;
}

/** Phrases' tokens side by side: ids (T, B) with PAD after each phrase's end, and their lengths. */
export function packTokens(pool: BufferPool, sequences: readonly (readonly number[])[], name = 'packed'): PackedTokens {
  const B = sequences.length;
  const lengths = sequences.map((sequence) => sequence.length);
  const T = Math.max(...lengths);
  const ids = pool.i(name, T * B);
  sequences.forEach((sequence, b) => {
    for (let t = 0; t < T; t++) ids[t * B + b] = t < sequence.length ? sequence[t]! : PAD;
  });
  return { ids, lengths, T, B };
}

/** What one encoder LSTM's forward leaves for its backward. */
interface EncoderRun {
  ids: Int32Array;
  lstm: LstmConfig;
  emb: Float32Array;
  y: Float32Array;
  cache: Float32Array;
}

/** What the encoder's forward leaves for its backward. */
export interface EncoderTape {
  T: number;
  B: number;
  lengths: number[];
  /** The LSTM reading each phrase backwards, and the one reading it forwards. */
  backwards: EncoderRun;
  forwards: EncoderRun;
  /** (B, 2·He) [backwards h after BOS; forwards h after EOS] of the top layers. */
  last: Float32Array;
  /** (B, Z) */
  mu: Float32Array;
  logvar: Float32Array;
}

/** Encoder forward over packed phrases (BOS..EOS each, read both ways): mu and logvar (B, Z). */
export function encoderForward(vae: PhraseVae, pool: BufferPool, packed: PackedTokens, dropoutSeed: number | null): EncoderTape {
  const { ops, config } = vae;
  const { vocab: V, embedding: E, encoderHidden: He, latent: Z } = config;
  const { lengths, T, B } = packed;
  const N = T * B;
  const w = vae.views();
  const run = (name: string, params: Float32Array, ids: Int32Array, seedOffset: number): EncoderRun => {
    const lstm = encoderLstmConfig(config, T, B, dropoutSeed === null ? 0 : config.dropout, (dropoutSeed ?? 0) + seedOffset);
    const emb = pool.f(`${name}.emb`, N * E);
    const y = pool.f(`${name}.y`, N * He);
    const cache = pool.f(`${name}.cache`, ops.lstmSizes(lstm).cache);
    ops.embeddingForward({ N, V, E }, { table: w.embedding, ids, y: emb });
    ops.lstmForward(lstm, { params, x: emb, y, cache });
    return { ids, lstm, emb, y, cache };
  };
  // Each phrase read backwards, EOS first (see the file comment), and forwards.
  const reversed = pool.i('enc.ids', N);
  for (let b = 0; b < B; b++) {
    const length = lengths[b]!;
    for (let t = 0; t < T; t++) reversed[t * B + b] = t < length ? packed.ids[(length - 1 - t) * B + b]! : PAD;
  }
  const backwards = run('enc', w.encoder, reversed, 0);
  const forwards = run('encf', w.encoderForwards, packed.ids, 7);
  const last = pool.f('enc.last', B * 2 * He);
  for (let b = 0; b < B; b++) {
    const row = (lengths[b]! - 1) * B + b;
    last.set(backwards.y.subarray(row * He, (row + 1) * He), b * 2 * He);
    last.set(forwards.y.subarray(row * He, (row + 1) * He), b * 2 * He + He);
  }
  const mu = pool.f('enc.mu', B * Z);
  const logvar = pool.f('enc.logvar', B * Z);
  ops.denseForward({ N: B, I: 2 * He, O: Z }, { x: last, W: w.muW, b: w.muB, y: mu });
  ops.denseForward({ N: B, I: 2 * He, O: Z }, { x: last, W: w.logvarW, b: w.logvarB, y: logvar });
  return { T, B, lengths, backwards, forwards, last, mu, logvar };
}

/** Encoder backward from dmu, dlogvar (B, Z): parameter gradients added into `grad`. */
export function encoderBackward(vae: PhraseVae, pool: BufferPool, tape: EncoderTape, dmu: Float32Array, dlogvar: Float32Array, grad: VaeViews): void {
  const { ops, config } = vae;
  const { vocab: V, embedding: E, encoderHidden: He, latent: Z } = config;
  const { T, B, lengths } = tape;
  const N = T * B;
  const w = vae.views();
  const dlast = pool.f('enc.dlast', B * 2 * He);
  const dlast2 = pool.f('enc.dlast2', B * 2 * He);
  ops.denseBackward({ N: B, I: 2 * He, O: Z }, { x: tape.last, W: w.muW, dy: dmu, dx: dlast, dW: grad.muW, db: grad.muB });
  ops.denseBackward({ N: B, I: 2 * He, O: Z }, { x: tape.last, W: w.logvarW, dy: dlogvar, dx: dlast2, dW: grad.logvarW, db: grad.logvarB });
  const back = (name: string, run: EncoderRun, params: Float32Array, dparams: Float32Array, half: number): void => {
    const dy = pool.f(`${name}.dy`, N * He);
    dy.fill(0);
    for (let b = 0; b < B; b++) {
      const row = (lengths[b]! - 1) * B + b;
      const from = b * 2 * He + half * He;
      for (let j = 0; j < He; j++) dy[row * He + j] = dlast[from + j]! + dlast2[from + j]!;
    }
    const demb = pool.f(`${name}.demb`, N * E);
    ops.lstmBackward(run.lstm, { params, x: run.emb, cache: run.cache, dy, dparams, dx: demb });
    ops.embeddingBackward({ N, V, E }, { ids: run.ids, dy: demb, dtable: grad.embedding });
  };
  back('enc', tape.backwards, w.encoder, grad.encoder, 0);
  back('encf', tape.forwards, w.encoderForwards, grad.encoderForwards, 1);
}

/** The decoder's initial state from z (B, Z): pre (B, 2·Ld·Hd) before tanh, h0 and c0 (Ld, B, Hd). */
export function initialState(vae: PhraseVae, pool: BufferPool, z: Float32Array, B: number): { pre: Float32Array; h0: Float32Array; c0: Float32Array } {
  const { ops, config } = vae;
  const { latent: Z, decoderHidden: Hd, decoderLayers: Ld } = config;
  const w = vae.views();
  const S = Ld * Hd;
  const pre = pool.f('init.pre', B * 2 * S);
  ops.denseForward({ N: B, I: Z, O: 2 * S }, { x: z, W: w.initW, b: w.initB, y: pre });
  const h0 = pool.f('init.h0', S * B);
  const c0 = pool.f('init.c0', S * B);
  for (let b = 0; b < B; b++) {
    for (let l = 0; l < Ld; l++) {
      for (let j = 0; j < Hd; j++) {
        h0[(l * B + b) * Hd + j] = Math.tanh(pre[b * 2 * S + l * Hd + j]!);
        c0[(l * B + b) * Hd + j] = Math.tanh(pre[b * 2 * S + S + l * Hd + j]!);
      }
    }
  }
  return { pre, h0, c0 };
}

/**
 * Back through initialState: dh0, dc0 (Ld, B, Hd) through tanh, then the init dense layer (its
 * gradients added into dInitW, dInitB); returns dz (B, Z), written. Training and refinement
 * both take it (`name` keeps their pool buffers apart).
 */
export function initialStateBackward(
  vae: PhraseVae,
  pool: BufferPool,
  state: { h0: Float32Array; c0: Float32Array },
  grads: { dh0: Float32Array; dc0: Float32Array; dInitW: Float32Array; dInitB: Float32Array },
  z: Float32Array,
  B: number,
  name: string,
): Float32Array {
  const { latent: Z, decoderHidden: Hd, decoderLayers: Ld } = vae.config;
  const Hs = Ld * Hd;
  const dpre = pool.f(`${name}.dpre`, B * 2 * Hs);
  for (let b = 0; b < B; b++) {
    for (let l = 0; l < Ld; l++) {
      for (let j = 0; j < Hd; j++) {
        const at = (l * B + b) * Hd + j;
        const h = state.h0[at]!;
        const c = state.c0[at]!;
        dpre[b * 2 * Hs + l * Hd + j] = grads.dh0[at]! * (1 - h * h);
        dpre[b * 2 * Hs + Hs + l * Hd + j] = grads.dc0[at]! * (1 - c * c);
      }
    }
  }
  const dz = pool.f(`${name}.dzInit`, B * Z);
  vae.ops.denseBackward({ N: B, I: Z, O: 2 * Hs }, { x: z, W: vae.views().initW, dy: dpre, dx: dz, dW: grads.dInitW, db: grads.dInitB });
  return dz;
}

/**
 * Word dropout's mask over a decoder's N input tokens (1 kept, 0 dropped, each dropped with
 * probability p, drawn from `seed`), or null when p is 0: both vary models' training steps.
 */
export function wordDropoutMask(pool: BufferPool, N: number, p: number, seed: number): Float32Array | null {
  if (p <= 0) return null;
  const keep = pool.f('dec.keep', N);
  const random = fastRandom(String(seed), 'vae-word-dropout');
  for (let n = 0; n < N; n++) keep[n] = random() < p ? 0 : 1;
  return keep;
}

/** Rows of x (N = T·B, E + Z): [emb row n; z of lane n % B]. */
export function concatLatent(emb: Float32Array, z: Float32Array, x: Float32Array, N: number, B: number, E: number, Z: number): void {
  const X = E + Z;
  for (let n = 0; n < N; n++) {
    x.set(emb.subarray(n * E, (n + 1) * E), n * X);
    const b = n % B;
    x.set(z.subarray(b * Z, (b + 1) * Z), n * X + E);
  }
}

/**
 * The decoder's forward without dropout over ids (T, B) from state h0/c0 (Ld, B, Hd) with
 * latents z (B, Z): logits (T·B, V), hT and cT written into pool buffers (valid until the
 * pool's next use of their names). The ONNX decoder graph computes the same.
 */
export function decoderForward(
  vae: PhraseVae,
  pool: BufferPool,
  ids: Int32Array,
  T: number,
  B: number,
  z: Float32Array,
  h0: Float32Array,
  c0: Float32Array,
): { logits: Float32Array; hT: Float32Array; cT: Float32Array } {
  const { ops, config } = vae;
  const { vocab: V, embedding: E, latent: Z, decoderHidden: Hd, decoderLayers: Ld } = config;
  const N = T * B;
  const w = vae.views();
  const lstm = decoderLstmConfig(config, T, B, 0, 0);
  const emb = pool.f('fwd.emb', N * E);
  const x = pool.f('fwd.x', N * (E + Z));
  const y = pool.f('fwd.y', N * Hd);
  const hT = pool.f('fwd.hT', Ld * B * Hd);
  const cT = pool.f('fwd.cT', Ld * B * Hd);
  const cache = pool.f('fwd.cache', ops.lstmSizes(lstm).cache);
  const logits = pool.f('fwd.logits', N * V);
  ops.embeddingForward({ N, V, E }, { table: w.embedding, ids, y: emb });
  concatLatent(emb, z, x, N, B, E, Z);
  ops.lstmForward(lstm, { params: w.decoder, x, h0, c0, y, hT, cT, cache });
  ops.denseForward({ N, I: Hd, O: V }, { x: y, W: w.outW, b: w.outB, y: logits });
  addLatentLogits(vae, pool, z, logits, N, B);
  return { logits, hT, cT };
}

/** What z's direct path into the logits needs of a model: this file's, or transformer-vae.ts's. */
export interface LatentLogitsModel {
  readonly ops: SequenceOps;
  readonly config: { vocab: number; latent: number };
  views(): { outZ: Float32Array };
}

/**
 * logits (N = T·B, V) += z (B, Z) outZᵀ, lane n % B's row to row n: z's direct say in every
 * token, beside what the LSTM state carries. Returns the (B, V) rows added.
 */
export function addLatentLogits(vae: LatentLogitsModel, pool: BufferPool, z: Float32Array, logits: Float32Array, N: number, B: number): Float32Array {
  const { vocab: V, latent: Z } = vae.config;
  const zLogits = pool.f('zlogits', B * V);
  vae.ops.denseForward({ N: B, I: Z, O: V }, { x: z, W: vae.views().outZ, y: zLogits });
  for (let n = 0; n < N; n++) {
    const b = n % B;
    for (let j = 0; j < V; j++) logits[n * V + j] = logits[n * V + j]! + zLogits[b * V + j]!;
  }
  return zLogits;
}

/**
 * addLatentLogits' backward: the (B, Z) gradient of z through its direct path into the logits
 * (dlogits (N = T·B, V) summed over time lane by lane, then through outZ); outZ's gradient is
 * added into dOutZ.
 */
export function latentLogitsBackward(vae: LatentLogitsModel, pool: BufferPool, z: Float32Array, dlogits: Float32Array, N: number, B: number, dOutZ: Float32Array): Float32Array {
  const { vocab: V, latent: Z } = vae.config;
  const dzLogits = pool.f('dzlogits', B * V);
  dzLogits.fill(0);
  for (let n = 0; n < N; n++) {
    const b = n % B;
    for (let j = 0; j < V; j++) dzLogits[b * V + j] = dzLogits[b * V + j]! + dlogits[n * V + j]!;
  }
  const dzOut = pool.f('dzOut', B * Z);
  vae.ops.denseBackward({ N: B, I: Z, O: V }, { x: z, W: vae.views().outZ, dy: dzLogits, dx: dzOut, dW: dOutZ });
  return dzOut;
}

/** The mean encodings (mu) of phrases given as tokens, BOS..EOS each; no dropout. */
export function encodeMean(vae: PhraseVae, sequences: readonly (readonly number[])[]): Float32Array[] {
  return encodeMeansWith(sequences, vae.config.latent, (pool, packed) => encoderForward(vae, pool, packed, null).mu);
}

/**
 * Phrases' mean encodings, ENCODE_LANES at a time, each checked first: `encode` gives a packed
 * group's mu (B, Z). The LSTM's encodeMean and transformer-vae.ts's share it.
 */
export function encodeMeansWith(
  sequences: readonly (readonly number[])[],
  Z: number,
  encode: (pool: BufferPool, packed: ReturnType<typeof packTokens>) => Float32Array,
): Float32Array[] {
  const out: Float32Array[] = [];
  const pool = new BufferPool();
  for (let first = 0; first < sequences.length; first += ENCODE_LANES) {
    const group = sequences.slice(first, first + ENCODE_LANES);
    for (const sequence of group) checkPhraseTokens(sequence);
    const mu = encode(pool, packTokens(pool, group));
    for (let b = 0; b < group.length; b++) out.push(mu.slice(b * Z, (b + 1) * Z));
  }
  return out;
}

/** Phrases encoded side by side: enough to use the matmuls well, little memory. */
export const ENCODE_LANES = 32;

/** Refuses anything but a phrase's tokens from BOS, each in the vocabulary, with a one-line error. */
function checkPhraseTokens(sequence: readonly number[]): void {
  if (sequence.length < 2 || sequence[0] !== BOS) throw new Error('A phrase to encode is its tokens from BOS to EOS.');
  for (const token of sequence) describeToken(token); // a clear error for a token outside the vocabulary
}
