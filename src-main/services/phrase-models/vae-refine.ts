/**
 * Latent refinement for the `vary` model: a phrase's latent found by gradient descent on the
 * decoder's own reconstruction loss, starting from the encoder's mean (mu). The encoder maps a
 * phrase to its latent in one pass, learned from the training phrases; on a phrase it has not
 * heard its mu lands near, not on, the latent the decoder would reconstruct it from (the
 * amortisation gap, Cremer et al. 2018; Kim et al. 2018 refine it the same way). A few Adam
 * steps on z alone, the weights fixed, close most of that gap:
 *
 *   z* = argmin_z  CE(decoder(z), phrase) + prior · |z|² / 2 / (tokens per phrase)
 *
 * (CE the teacher-forced cross-entropy per predicted token, the prior term the N(0, I) prior's
 * negative log density per token, weighted; it keeps z where the sliders were fitted.)
 * Deterministic: no dropout, no noise.
 */
import { PAD } from '../phrases/tokens.js';
import { addLatentLogits, BufferPool, concatLatent, decoderLstmConfig, encodeMean, initialState, initialStateBackward, latentLogitsBackward, packTokens, PhraseVae, vaeViews } from './vae.js';

/**
 * What refinement needs of a model: its mean encodings and the gradient of the objective with
 * respect to z (latentLossAndGradient's contract below). vae.ts's PhraseVae is taken as it is;
 * another model (transformer-vae.ts's) brings the methods.
 */
export interface RefinableVae {
  readonly config: { latent: number };
  encodeMean(sequences: readonly (readonly number[])[]): Float32Array[];
  latentLossAndGradient(pool: BufferPool, sequences: readonly (readonly number[])[], z: Float32Array, prior: number, grad: Float32Array): number;
}

function refinableOf(vae: PhraseVae | RefinableVae): RefinableVae {
  if (!(vae instanceof PhraseVae)) return vae;
  return {
    config: vae.config,
    encodeMean: (sequences) => encodeMean(vae, sequences),
    latentLossAndGradient: (pool, sequences, z, prior, grad) => latentLossAndGradient(vae, pool, sequences, z, prior, grad),
  };
}

export interface RefineOptions {
  /** Adam steps on z (default 200). */
  steps?: number;
  /** Adam's step size (default 0.05). */
  learningRate?: number;
  /** The prior term's weight (default 0.01; 1 is the prior as the model's ELBO has it, β aside). */
  prior?: number;
}

/** Adam steps when none are given. */
export const DEFAULT_REFINE_STEPS = 200;

/** Phrases side by side in one refinement. */
const REFINE_LANES = 64;

/** Refined latents of phrases given as tokens (BOS..EOS each), from their mu; see the file comment. */
export function refineLatents(vae: PhraseVae | RefinableVae, sequences: readonly (readonly number[])[], options: RefineOptions = {}): Float32Array[] {
  const model = refinableOf(vae);
  const out: Float32Array[] = [];
  for (let first = 0; first < sequences.length; first += REFINE_LANES) {
    const group = sequences.slice(first, first + REFINE_LANES);
    const steps = refineGroup(model, group, model.encodeMean(group), options);
    let next = steps.next();
    while (!next.done) next = steps.next();
    out.push(...next.value);
  }
  return out;
}

/**
 * refineLatents, giving the event loop a turn whenever `sliceMs` (default 20) of steps have run:
 * the same steps and the same result, but no single stretch of work blocks the thread for long
 * (the app refines on its main process; phrase-takes/refined-latents.ts).
 */
export async function refineLatentsAsync(
  vae: PhraseVae | RefinableVae,
  sequences: readonly (readonly number[])[],
  options: RefineOptions & { sliceMs?: number } = {},
): Promise<Float32Array[]> {
  const model = refinableOf(vae);
  const sliceMs = options.sliceMs ?? 20;
  const out: Float32Array[] = [];
  for (let first = 0; first < sequences.length; first += REFINE_LANES) {
    const group = sequences.slice(first, first + REFINE_LANES);
    const steps = refineGroup(model, group, model.encodeMean(group), options);
    let since = performance.now();
    let next = steps.next();
    while (!next.done) {
      if (performance.now() - since >= sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        since = performance.now();
      }
      next = steps.next();
    }
    out.push(...next.value);
  }
  return out;
}

/** The refinement of one group, a step per `next()`; its return value is the latents. */
function* refineGroup(vae: RefinableVae, sequences: readonly (readonly number[])[], start: readonly Float32Array[], options: RefineOptions): Generator<void, Float32Array[]> {
  const Z = vae.config.latent;
  const steps = options.steps ?? DEFAULT_REFINE_STEPS;
  const lr = options.learningRate ?? 0.05;
  const prior = options.prior ?? 0.01;
  const pool = new BufferPool();
  const B = sequences.length;
  const z = new Float32Array(B * Z);
  start.forEach((mu, b) => z.set(mu, b * Z));
  const m = new Float32Array(B * Z);
  const v = new Float32Array(B * Z);
  const grad = new Float32Array(B * Z);
  for (let step = 1; step <= steps; step++) {
    vae.latentLossAndGradient(pool, sequences, z, prior, grad);
    for (let i = 0; i < B * Z; i++) {
      const g = grad[i]!;
      m[i] = 0.9 * m[i]! + 0.1 * g;
      v[i] = 0.999 * v[i]! + 0.001 * g * g;
      const mHat = m[i]! / (1 - 0.9 ** step);
      const vHat = v[i]! / (1 - 0.999 ** step);
      z[i] = z[i]! - (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
    yield;
  }
  return Array.from({ length: B }, (_, b) => z.slice(b * Z, (b + 1) * Z));
}

/**
 * The refinement's objective summed over the phrases (each phrase's teacher-forced cross-entropy
 * per token, plus prior · |z|² / 2 per token; B phrases, tokens BOS..EOS, latents z (B, Z)),
 * and its gradient with respect to z written into `grad` (B, Z). The weights are not changed.
 */
export function latentLossAndGradient(vae: PhraseVae, pool: BufferPool, sequences: readonly (readonly number[])[], z: Float32Array, prior: number, grad: Float32Array): number {
  const { ops, config } = vae;
  const { vocab: V, embedding: E, latent: Z, decoderHidden: Hd, decoderLayers: Ld } = config;
  const packed = packTokens(pool, sequences, 'refine.packed');
  const { T, B } = packed;
  const w = vae.views();
  // The weights' gradients are computed by the ops and thrown away.
  const scratch = vaeViews(vae.layout, pool.f('refine.scratch', vae.layout.total).fill(0));
  const Td = T - 1;
  const N = Td * B;
  const ids = pool.i('refine.ids', N);
  const targets = pool.i('refine.targets', N);
  ids.set(packed.ids.subarray(0, N));
  targets.set(packed.ids.subarray(B, B + N));
  const emb = pool.f('refine.emb', N * E);
  ops.embeddingForward({ N, V, E }, { table: w.embedding, ids, y: emb });
  const X = E + Z;
  const lstm = decoderLstmConfig(config, Td, B, 0, 0);
  const x = pool.f('refine.x', N * X);
  const y = pool.f('refine.y', N * Hd);
  const cache = pool.f('refine.cache', ops.lstmSizes(lstm).cache);
  const logits = pool.f('refine.logits', N * V);
  const dlogits = pool.f('refine.dlogits', N * V);
  const state = initialState(vae, pool, z, B);
  concatLatent(emb, z, x, N, B, E, Z);
  ops.lstmForward(lstm, { params: w.decoder, x, h0: state.h0, c0: state.c0, y, cache });
  ops.denseForward({ N, I: Hd, O: V }, { x: y, W: w.outW, b: w.outB, y: logits });
  addLatentLogits(vae, pool, z, logits, N, B);
  // Summed over the phrases, each per token: the mean over all tokens × B (each lane's z moves by its own phrase alone).
  const ce = ops.crossEntropy({ N, V }, { logits, targets, dlogits }, PAD, B);
  const perToken = B / ce.kept;
  const dy = pool.f('refine.dy', N * Hd);
  ops.denseBackward({ N, I: Hd, O: V }, { x: y, W: w.outW, dy: dlogits, dx: dy, dW: scratch.outW, db: scratch.outB });
  const dzOut = latentLogitsBackward(vae, pool, z, dlogits, N, B, scratch.outZ);
  const dx = pool.f('refine.dx', N * X);
  const S = Ld * B * Hd;
  const dh0 = pool.f('refine.dh0', S);
  const dc0 = pool.f('refine.dc0', S);
  ops.lstmBackward(lstm, { params: w.decoder, x, cache, dy, dparams: scratch.decoder, dx, dh0, dc0 });
  const dzInit = initialStateBackward(vae, pool, state, { dh0, dc0, dInitW: scratch.initW, dInitB: scratch.initB }, z, B, 'refine');
  let squares = 0;
  for (let i = 0; i < B * Z; i++) {
    squares += z[i]! * z[i]!;
    grad[i] = dzOut[i]! + dzInit[i]! + prior * perToken * z[i]!;
  }
  for (let n = 0; n < N; n++) {
    const b = n % B;
    for (let j = 0; j < Z; j++) grad[b * Z + j] = grad[b * Z + j]! + dx[n * X + E + j]!;
  }
  return B * ce.loss + (prior * perToken * squares) / 2;
}
