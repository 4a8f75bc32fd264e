/**
 * The phrase models' native ops, typed (native/addon/sequence.cpp over nn/lstm.h, nn/dense.h,
 * nn/sequence-losses.h and nn/adam.h; native/addon/transformer.cpp over nn/transformer.h): what a
 * training loop written in TypeScript needs to build an LSTM language model, an LSTM VAE or a
 * Transformer VAE. Reached as `loadNativeAddon().sequence`.
 *
 * Every op is synchronous and zero-copy: it reads and writes the Float32Array / Int32Array views
 * it is given in place (subarrays of one parameter buffer are fine) and allocates nothing, so a
 * training step can reuse its buffers. The caller owns every output, the LSTM's backward cache
 * included (sized by {@link SequenceOps.lstmSizes}). Backward passes WRITE (=) activation
 * gradients and ADD (+=) into parameter gradients (zero those before a step). Shapes use these
 * letters, row-major and contiguous:
 *   T time steps, B batch, X LSTM input features, H hidden units, L layers (time-major:
 *   a sequence is (T, B, X), so row n of a flattened (T·B, …) matrix is time n / B, batch n % B);
 *   N rows (T·B flattened), I / O a dense layer's inputs / outputs, V vocabulary, E embedding
 *   width, Z latent dimensions, P an LSTM's parameter count; for attention H heads of D dims
 *   each, C = H·D the model width (a head's columns h·D .. h·D + D − 1 of each row).
 * The LSTM's gate order is i, f, g, o (PyTorch's); its parameters are one flat buffer holding,
 * per layer l at `layerOffsets[l]`, W_ih (4H, X_l), W_hh (4H, H) and b (4H), X_0 = X and X_l = H
 * above (native/include/nn/lstm.h, which also gives the mapping to ONNX's LSTM).
 *
 * Every length and dimension is checked in C++ before any work: a mismatch throws a NativeError
 * (INVALID_INPUT) with one line naming the argument, e.g. "native lstmForward: x has 23 elements,
 * expected 24 for (T, B, X) = (2, 3, 4)"; so are overlapping outputs and token ids outside the
 * vocabulary.
 */
import { z } from 'zod';
import { toNativeError, parseResult } from './native-error.js';
import { nativeFailureSchema, type RawAddon, type Seed } from './schemas.js';

/** An LSTM stack (nn_lstm_config). */
export interface LstmConfig {
  /** Time steps T. */
  T: number;
  /** Batch B. */
  B: number;
  /** Input features X of the first layer. */
  X: number;
  /** Hidden units H of every layer. */
  H: number;
  /** Layers L, ≥ 1. */
  layers: number;
  /** Dropout p in [0, 1) on the inputs of layers ≥ 1 (inverted: kept values × 1/(1 − p)); 0 at inference. */
  dropout: number;
  /** The dropout masks' seed: the same seed draws the same masks in forward and backward. */
  seed: Seed;
}

/** Buffer sizes of one LSTM configuration, in floats. */
export interface LstmSizes {
  /** P: the flat parameter buffer. */
  params: number;
  /** The cache lstmForward fills and lstmBackward reads (activations, gates, dropout masks). */
  cache: number;
  /** Where layer l's W_ih starts in the parameter buffer (its W_hh and b follow). */
  layerOffsets: number[];
}

export interface LstmForwardBuffers {
  /** (P) parameters. */
  params: Float32Array;
  /** (T, B, X) input sequence. */
  x: Float32Array;
  /** (L, B, H) initial hidden state; null = zeros. */
  h0?: Float32Array | null;
  /** (L, B, H) initial cell state; null = zeros. */
  c0?: Float32Array | null;
  /** (T, B, H) written: the last layer's h_t. */
  y: Float32Array;
  /** (L, B, H) written: each layer's final h; null = not wanted. */
  hT?: Float32Array | null;
  /** (L, B, H) written: each layer's final c; null = not wanted. */
  cT?: Float32Array | null;
  /** (sizes.cache) written, for lstmBackward. */
  cache: Float32Array;
}

export interface LstmBackwardBuffers {
  /** (P), x (T, B, X) and cache: exactly what the forward had and filled. */
  params: Float32Array;
  x: Float32Array;
  cache: Float32Array;
  /** (T, B, H) upstream gradient of y. */
  dy: Float32Array;
  /** (L, B, H) upstream gradients of hT and cT; null = 0. */
  dhT?: Float32Array | null;
  dcT?: Float32Array | null;
  /** (P) added to. */
  dparams: Float32Array;
  /** (T, B, X) written; null = not wanted. */
  dx?: Float32Array | null;
  /** (L, B, H) written; null = not wanted. */
  dh0?: Float32Array | null;
  dc0?: Float32Array | null;
}

/** A dense layer's shape: y (N, O) = x (N, I) Wᵀ + b, W (O, I) as PyTorch's nn.Linear. */
export interface DenseShape {
  N: number;
  I: number;
  O: number;
}

/** An embedding's shape: y (N, E) = table (V, E) rows ids (N). */
export interface EmbeddingShape {
  N: number;
  V: number;
  E: number;
}

/**
 * Attention's shape (nn_attention_config): q, k, v and y are (T, B, H·D), time-major; the
 * probabilities att are (B, H, T, T) (B·H·T·T floats), written by the forward for the backward.
 */
export interface AttentionShape {
  T: number;
  B: number;
  /** Heads. */
  H: number;
  /** Dims per head. */
  D: number;
  /** A query at time t sees only keys at t and before (a decoder's self-attention). */
  causal: boolean;
}

/** Adam's settings for one step (torch.optim.Adam, no weight decay). */
export interface AdamSettings {
  /** 1-based count of steps taken, this one included. */
  step: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export interface SequenceOps {
  /** Buffer sizes of an LSTM configuration. */
  lstmSizes(config: LstmConfig): LstmSizes;
  /** The LSTM's forward pass: y, hT, cT and cache written. */
  lstmForward(config: LstmConfig, buffers: LstmForwardBuffers): void;
  /** Backward through time after lstmForward with the same config, params and x. */
  lstmBackward(config: LstmConfig, buffers: LstmBackwardBuffers): void;
  /** y (N, O) = x (N, I) Wᵀ + b; b (O) optional. */
  denseForward(
    shape: DenseShape,
    buffers: { x: Float32Array; W: Float32Array; b?: Float32Array | null; y: Float32Array },
  ): void;
  /** dx (N, I) = dy W written (optional); dW (O, I) += dyᵀ x; db (O) += Σ_n dy (optional). */
  denseBackward(
    shape: DenseShape,
    buffers: {
      x: Float32Array;
      W: Float32Array;
      dy: Float32Array;
      dx?: Float32Array | null;
      dW: Float32Array;
      db?: Float32Array | null;
    },
  ): void;
  /** y[n] (E) = table[ids[n]]; every id in [0, V). */
  embeddingForward(shape: EmbeddingShape, buffers: { table: Float32Array; ids: Int32Array; y: Float32Array }): void;
  /** dtable[ids[n]] += dy[n], in order (repeated ids add up). */
  embeddingBackward(shape: EmbeddingShape, buffers: { ids: Int32Array; dy: Float32Array; dtable: Float32Array }): void;
  /**
   * Softmax cross-entropy of logits (N, V) against targets (N) (F.cross_entropy, mean over the
   * `kept` rows whose target is not ignoreIndex; 0 with zero gradients when none is kept). With
   * dlogits (N, V), also writes dloss × d loss / d logits (0 on ignored rows).
   */
  crossEntropy(
    shape: { N: number; V: number },
    buffers: { logits: Float32Array; targets: Int32Array; dlogits?: Float32Array | null },
    ignoreIndex: number,
    dloss: number,
  ): { loss: number; kept: number };
  /**
   * KL(N(mu, exp(logvar)) ‖ N(0, 1)) summed over Z, averaged over N (mu, logvar (N, Z)). With
   * dmu and dlogvar (N, Z), both written with dkl × its gradient (add the sample's yourself).
   */
  klNormal(
    shape: { N: number; Z: number },
    buffers: { mu: Float32Array; logvar: Float32Array; dmu?: Float32Array | null; dlogvar?: Float32Array | null },
    dkl: number,
  ): number;
  /** z = mu + exp(0.5 logvar) · eps with eps ~ N(0, 1) drawn from seed; eps and z (N, Z) written. */
  reparamForward(
    shape: { N: number; Z: number },
    buffers: { mu: Float32Array; logvar: Float32Array; eps: Float32Array; z: Float32Array },
    seed: Seed,
  ): void;
  /** dmu = dz (optional) and dlogvar = dz · 0.5 exp(0.5 logvar) · eps, written (N, Z). */
  reparamBackward(
    shape: { N: number; Z: number },
    buffers: { logvar: Float32Array; eps: Float32Array; dz: Float32Array; dmu?: Float32Array | null; dlogvar: Float32Array },
  ): void;
  /**
   * Clipping by global norm (torch's clip_grad_norm_): returns the norm over all arrays before
   * clipping and, when it exceeds maxNorm, scales every element by maxNorm / (norm + 1e-6). A
   * non-finite norm is returned as it is with the gradients untouched: skip that step.
   */
  gradClipNorm(grads: readonly Float32Array[], maxNorm: number): number;
  /** One Adam step (torch 1.9's order) over params, grads, m and v of one length: params, m, v updated. */
  adamStep(
    buffers: { params: Float32Array; grads: Float32Array; m: Float32Array; v: Float32Array },
    settings: AdamSettings,
  ): void;
  /**
   * Multi-head scaled dot-product attention (nn/transformer.h): per lane b and head h,
   * y[t] = Σ_u softmax_u(q[t]·k[u] / √D) v[u] over the keys u < lengths[b] (padding masked; and
   * u ≤ t when causal). lengths (B) in [1, T]; rows at t ≥ lengths[b] are computed and meant to
   * be ignored. y and att written.
   */
  attentionForward(
    shape: AttentionShape,
    buffers: { q: Float32Array; k: Float32Array; v: Float32Array; lengths: Int32Array; y: Float32Array; att: Float32Array },
  ): void;
  /** Backward after attentionForward with the same shape, q, k, v and its att: dq, dk, dv (T, B, H·D) written. */
  attentionBackward(
    shape: AttentionShape,
    buffers: {
      q: Float32Array;
      k: Float32Array;
      v: Float32Array;
      att: Float32Array;
      dy: Float32Array;
      dq: Float32Array;
      dk: Float32Array;
      dv: Float32Array;
    },
  ): void;
  /**
   * Layer norm over each row's C features (nn.LayerNorm(C, eps)): y (N, C) = (x − mean) · rstd ·
   * gamma + beta; y, mean (N) and rstd (N) written for the backward.
   */
  layerNormForward(
    shape: { N: number; C: number },
    buffers: { x: Float32Array; gamma: Float32Array; beta: Float32Array; y: Float32Array; mean: Float32Array; rstd: Float32Array },
    eps: number,
  ): void;
  /** dx (N, C) written; dgamma and dbeta (C) added to. */
  layerNormBackward(
    shape: { N: number; C: number },
    buffers: {
      x: Float32Array;
      gamma: Float32Array;
      mean: Float32Array;
      rstd: Float32Array;
      dy: Float32Array;
      dx: Float32Array;
      dgamma: Float32Array;
      dbeta: Float32Array;
    },
  ): void;
  /** GELU, the tanh form (GPT-2's), elementwise over x (N): y written. */
  geluForward(buffers: { x: Float32Array; y: Float32Array }): void;
  /** dx (N) = dy · GELU'(x), written. */
  geluBackward(buffers: { x: Float32Array; dy: Float32Array; dx: Float32Array }): void;
}

const lstmSizesSchema = z.object({
  params: z.number().int().positive(),
  cache: z.number().int().positive(),
  layerOffsets: z.array(z.number().int().nonnegative()),
});
/** Any number, NaN and ±Infinity included: a diverged loss or norm is the caller's to see. */
const anyNumber = z.custom<number>((value) => typeof value === 'number');
const crossEntropySchema = z.object({ loss: anyNumber, kept: z.number().int().nonnegative() });

/** The raw functions sequence.cpp adds to the addon. */
export type RawSequenceOps = Pick<
  RawAddon,
  | 'lstmSizes'
  | 'lstmForward'
  | 'lstmBackward'
  | 'denseForward'
  | 'denseBackward'
  | 'embeddingForward'
  | 'embeddingBackward'
  | 'crossEntropy'
  | 'klNormal'
  | 'reparamForward'
  | 'reparamBackward'
  | 'gradClipNorm'
  | 'adamStep'
  | 'attentionForward'
  | 'attentionBackward'
  | 'layerNormForward'
  | 'layerNormBackward'
  | 'geluForward'
  | 'geluBackward'
>;

export function createSequenceOps(raw: RawSequenceOps): SequenceOps {
  return {
    lstmSizes: (config) => parseResult('lstmSizes', lstmSizesSchema, call('lstmSizes', () => raw.lstmSizes(config))),
    lstmForward(config, b) {
      call('lstmForward', () =>
        raw.lstmForward(config, b.params, b.x, b.h0 ?? null, b.c0 ?? null, b.y, b.hT ?? null, b.cT ?? null, b.cache),
      );
    },
    lstmBackward(config, b) {
      call('lstmBackward', () =>
        raw.lstmBackward(
          config,
          b.params,
          b.x,
          b.cache,
          b.dy,
          b.dhT ?? null,
          b.dcT ?? null,
          b.dparams,
          b.dx ?? null,
          b.dh0 ?? null,
          b.dc0 ?? null,
        ),
      );
    },
    denseForward({ N, I, O }, b) {
      call('denseForward', () => raw.denseForward(b.x, b.W, b.b ?? null, b.y, N, I, O));
    },
    denseBackward({ N, I, O }, b) {
      call('denseBackward', () => raw.denseBackward(b.x, b.W, b.dy, b.dx ?? null, b.dW, b.db ?? null, N, I, O));
    },
    embeddingForward({ N, V, E }, b) {
      call('embeddingForward', () => raw.embeddingForward(b.table, b.ids, b.y, N, V, E));
    },
    embeddingBackward({ N, V, E }, b) {
      call('embeddingBackward', () => raw.embeddingBackward(b.ids, b.dy, b.dtable, N, V, E));
    },
    crossEntropy({ N, V }, b, ignoreIndex, dloss) {
      const value = call('crossEntropy', () =>
        raw.crossEntropy(b.logits, b.targets, N, V, ignoreIndex, dloss, b.dlogits ?? null),
      );
      return parseResult('crossEntropy', crossEntropySchema, value);
    },
    klNormal({ N, Z }, b, dkl) {
      const value = call('klNormal', () =>
        raw.klNormal(b.mu, b.logvar, N, Z, dkl, b.dmu ?? null, b.dlogvar ?? null),
      );
      return parseResult('klNormal', anyNumber, value);
    },
    reparamForward({ N, Z }, b, seed) {
      call('reparamForward', () => raw.reparamForward(b.mu, b.logvar, N, Z, seed, b.eps, b.z));
    },
    reparamBackward({ N, Z }, b) {
      call('reparamBackward', () => raw.reparamBackward(b.logvar, b.eps, b.dz, N, Z, b.dmu ?? null, b.dlogvar));
    },
    gradClipNorm(grads, maxNorm) {
      return parseResult('gradClipNorm', anyNumber, call('gradClipNorm', () => raw.gradClipNorm([...grads], maxNorm)));
    },
    adamStep(b, s) {
      call('adamStep', () => raw.adamStep(b.params, b.grads, b.m, b.v, s.step, s.lr, s.beta1, s.beta2, s.eps));
    },
    attentionForward({ T, B, H, D, causal }, b) {
      call('attentionForward', () => raw.attentionForward(b.q, b.k, b.v, b.lengths, b.y, b.att, T, B, H, D, causal));
    },
    attentionBackward({ T, B, H, D, causal }, b) {
      call('attentionBackward', () =>
        raw.attentionBackward(b.q, b.k, b.v, b.att, b.dy, b.dq, b.dk, b.dv, T, B, H, D, causal),
      );
    },
    layerNormForward({ N, C }, b, eps) {
      call('layerNormForward', () => raw.layerNormForward(b.x, b.gamma, b.beta, b.y, b.mean, b.rstd, N, C, eps));
    },
    layerNormBackward({ N, C }, b) {
      call('layerNormBackward', () =>
        raw.layerNormBackward(b.x, b.gamma, b.mean, b.rstd, b.dy, b.dx, b.dgamma, b.dbeta, N, C),
      );
    },
    geluForward(b) {
      call('geluForward', () => raw.geluForward(b.x, b.y, b.x.length));
    },
    geluBackward(b) {
      call('geluBackward', () => raw.geluBackward(b.x, b.dy, b.dx, b.x.length));
    },
  };
}

/**
 * run(), its failure as a NativeError. sequence.cpp's own messages already start with the
 * function's name: that prefix is dropped so the facade's "native <method>: " is not doubled.
 */
function call(method: string, run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    const failure = nativeFailureSchema.safeParse(error);
    const prefix = `${method}: `;
    if (failure.success && failure.data.message.startsWith(prefix)) {
      throw toNativeError(method, { ...failure.data, message: failure.data.message.slice(prefix.length) });
    }
    throw toNativeError(method, error);
  }
}
