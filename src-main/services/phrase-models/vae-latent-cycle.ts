/**
 * Latent consistency for the `vary` model's sliders: a training term that teaches the encoder
 * to read back the latent a phrase was decoded from.
 *
 * A slider moves a latent along one principal direction and decodes it (latent-space.ts); the
 * songwriter hears the phrase change, and where the slider "is" for a phrase is read by
 * encoding it. For that to be monotonic the encoder must invert the decoder on the decoder's
 * own phrases, also away from the training phrases' latents, which nothing in the ELBO asks
 * for: the encoder only ever sees real phrases. So each training step also
 *
 *   1. takes the batch's mean latents mu_b (held fixed) and moves each along the batch's own
 *      spread: t_b = mu_b + u_b · (mu_j − mu_k), j, k drawn from the batch, u_b ~ U(−1.5, 1.5)
 *      (a difference of two phrases' latents has √2 times their spread along every
 *      direction, so t covers about ±2 spreads, the sliders' range);
 *   2. decodes each t_b greedily, as a slider's preview is, to the batch phrase's length;
 *   3. encodes those phrases and adds weight · mean over lanes b and dimensions d of
 *      (mu(x̂_b)_d − t_bd)² / max(var_d, VAR_FLOOR) to the loss, var_d the batch's variance of
 *      mu along d (held fixed), its gradient into the encoder only (the decoded tokens are
 *      discrete: the decoder gets none).
 *
 * Why each dimension is measured against its own spread: in absolute units the encoder lowers
 * the term most cheaply by giving up dimensions (a dimension every phrase encodes alike has no
 * error to make); measured: with the KL inside its free bits, the latent fell to about 12 live
 * directions and the last 8 sliders did nothing. Divided by the spread, a dimension's error
 * costs the same at any scale. The floor keeps a dimension with (still) no spread — all of
 * them, at the start — from weighing without bound (measured: divided by the batch's whole
 * spread without a floor, the first steps' weights blew the latent up and training diverged).
 *
 * This is the latent-regression term of BicycleGAN (Zhu et al. 2017) and of cycle-consistent
 * VAEs (Jha et al. 2018), here with the targets drawn where the sliders go. It also shows the
 * encoder many more phrases the decoder can reconstruct, paired with a latent that does.
 * Deterministic: the draws come from the step's seed; no dropout.
 */
import { EOS, lengthInSteps } from '../phrases/tokens.js';
import { fastRandom } from './lstm-lm.js';
import { decodeGreedy, encoderBackward, encoderForward, packTokens, vaeViews, type BufferPool, type PhraseVae } from './vae.js';

/** A dimension's variance is taken as at least this (see the file comment). */
export const VAR_FLOOR = 0.1;

/** How far along the batch's differences the targets go either way (see the file comment). */
export const CYCLE_REACH = 1.5;

/** The targets t_b (B, Z) from the batch's mean latents (B, Z); see the file comment. */
export function cycleTargets(mu: Float32Array, B: number, Z: number, seed: number): Float32Array {
  const random = fastRandom(String(seed), 'vae-cycle');
  const targets = new Float32Array(B * Z);
  for (let b = 0; b < B; b++) {
    const j = Math.floor(random() * B);
    const k = Math.floor(random() * B);
    const u = (random() * 2 - 1) * CYCLE_REACH;
    for (let d = 0; d < Z; d++) targets[b * Z + d] = mu[b * Z + d]! + u * (mu[j * Z + d]! - mu[k * Z + d]!);
  }
  return targets;
}

/**
 * The latent-consistency term for one batch: decodes the targets drawn from `mu` (B, Z, the
 * batch's mean latents, a copy: the encoder's buffers are reused here) at the lengths of the
 * batch's phrases, encodes the decodes, and ADDS weight · its gradient into `grad` (laid out as
 * the parameters). Returns the term's value.
 */
export function latentCycleBackward(
  vae: PhraseVae,
  pool: BufferPool,
  batch: readonly (readonly number[])[],
  mu: Float32Array,
  grad: Float32Array,
  weight: number,
  seed: number,
): number {
  const { latent: Z } = vae.config;
  const B = batch.length;
  if (mu.length !== B * Z) throw new Error(`The batch's latents are ${B} × ${Z} numbers (got ${mu.length}).`);
  const targets = cycleTargets(mu, B, Z, seed);
  const latents = Array.from({ length: B }, (_, b) => targets.subarray(b * Z, (b + 1) * Z));
  const longest = Math.max(...batch.map((tokens) => tokens.length));
  const decoded = decodeGreedy(vae, latents, { maxTokens: 2 * longest, lengthSteps: batch.map(lengthInSteps) }).map((tokens) =>
    tokens[tokens.length - 1] === EOS ? tokens : [...tokens, EOS],
  );
  const tape = encoderForward(vae, pool, packTokens(pool, decoded, 'cycle.packed'), null);
  const dmu = pool.f('cycle.dmu', B * Z);
  const dlogvar = pool.f('cycle.dlogvar', B * Z);
  dlogvar.fill(0);
  // Each dimension's variance over the batch (constants of this step; see the file comment).
  const inverseVariance = new Float64Array(Z);
  for (let d = 0; d < Z; d++) {
    let mean = 0;
    for (let b = 0; b < B; b++) mean += mu[b * Z + d]!;
    mean /= B;
    let variance = 0;
    for (let b = 0; b < B; b++) variance += (mu[b * Z + d]! - mean) ** 2;
    inverseVariance[d] = 1 / Math.max(variance / B, VAR_FLOOR);
  }
  const scale = weight / (B * Z);
  let loss = 0;
  for (let i = 0; i < B * Z; i++) {
    const error = tape.mu[i]! - targets[i]!;
    const w = scale * inverseVariance[i % Z]!;
    loss += w * error * error;
    dmu[i] = 2 * w * error;
  }
  encoderBackward(vae, pool, tape, dmu, dlogvar, vaeViews(vae.layout, grad));
  return loss;
}
