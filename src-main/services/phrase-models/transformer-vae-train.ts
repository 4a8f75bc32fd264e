/**
 * Training the VAE-Transformer (transformer-vae.ts) exactly as vae-train.ts trains the LSTM VAE:
 * the same loss (CE + β_t · max(KL, freeBits) / tokens per phrase), KL warm-up, free bits, word
 * dropout, the same batches and augmentation (PhraseBatches), Adam with clipping by global norm
 * and lm-train.ts's cosine decay, and the same schedule type, so the two models are compared on
 * equal terms (test/bench/phrases/vary-transformer.ts). Only the model differs; vae-train.ts's
 * file comment explains each piece of the loss. Deterministic per seed: order, augmentation, eps,
 * word-dropout and dropout masks are drawn from the run's seed by step and epoch, and the native
 * ops are deterministic on the CPU.
 */
import type { SequenceOps } from '../../addon/binding.js';
import type { Phrase } from '../phrases/phrases.js';
import {
  createTransformerVae,
  tfDecoderLoss,
  tfEncoderBackward,
  tfEncoderForward,
  transformerVaeViews,
  type TransformerVae,
  type TransformerVaeConfig,
} from './transformer-vae.js';
import { BufferPool, packTokens } from './vae.js';
import { checkVaeSchedule, latentBackward, runVaeSteps, type VaeProgress, type VaeSchedule, type VaeStepResult } from './vae-train.js';

export interface TrainTransformerVaeOptions {
  ops: SequenceOps;
  config: TransformerVaeConfig;
  schedule: VaeSchedule;
  /** Training phrases, all of one length in bars; held-out ones are never given here. */
  train: readonly Phrase[];
  /** Decimal seed < 2^64 (node/seeded-random.ts). */
  seed: string;
  /** Draw a transposition and swing per phrase per epoch (default true). */
  augment?: boolean;
  /** Steps between progress reports; default 10. */
  progressEvery?: number;
}

/** One step's loss (per token), cross-entropy per token and KL in nats per phrase. */
/** One step's loss (per token), cross-entropy per token and KL in nats per phrase: vae-train.ts's. */
export type TransformerVaeStepResult = VaeStepResult;

/** Progress as vae-train.ts's VaeProgress, with this model. */
export type TransformerVaeProgress = Omit<VaeProgress, 'vae'> & { vae: TransformerVae };

/**
 * One training pass over a batch of phrases (tokens BOS..EOS): forward, the loss of the file
 * comment and its gradient ADDED into `grad` (laid out as the parameters). `beta` is this step's
 * β; seeds draw eps, the word-dropout mask and the blocks' dropout masks (null dropout: none).
 */
export function transformerVaeForwardBackward(
  vae: TransformerVae,
  pool: BufferPool,
  batch: readonly (readonly number[])[],
  grad: Float32Array,
  settings: { beta: number; freeBits: number; wordDropout: number },
  seeds: { eps: number; words: number; dropout: number | null },
): TransformerVaeStepResult {
  const { ops, config } = vae;
  const Z = config.latent;
  const g = transformerVaeViews(vae.layout, grad);
  const packed = packTokens(pool, batch);
  const B = packed.B;
  const tape = tfEncoderForward(vae, pool, packed, seeds.dropout);
  const eps = pool.f('eps', B * Z);
  const z = pool.f('z', B * Z);
  ops.reparamForward({ N: B, Z }, { mu: tape.mu, logvar: tape.logvar, eps, z }, seeds.eps);
  const decoded = tfDecoderLoss(vae, pool, packed, z, g, 1, { wordDropout: settings.wordDropout, seed: seeds.words }, seeds.dropout === null ? null : seeds.dropout + 1);

  const latent = latentBackward(ops, pool, { mu: tape.mu, logvar: tape.logvar, eps, dz: decoded.dz }, B, Z, settings.beta * decoded.perToken, settings.freeBits);
  tfEncoderBackward(vae, pool, tape, latent.dmu, latent.dlogvar, g);
  return { loss: decoded.ce + latent.klLoss, reconstruction: decoded.ce, kl: latent.kl };
}

/**
 * Trains a model from its seed for schedule.steps steps in vae-train.ts's loop (runVaeSteps,
 * its own seed streams); onProgress every progressEvery steps and after the last. Returns the
 * model and every step's loss.
 */
export function trainTransformerVae(
  options: TrainTransformerVaeOptions,
  onProgress: (progress: TransformerVaeProgress) => void = () => undefined,
): { vae: TransformerVae; losses: number[] } {
  checkVaeSchedule(options.schedule);
  const vae = createTransformerVae(options.ops, options.config, options.seed);
  const total = vae.layout.total;
  const pool = new BufferPool();
  const withDropout = options.config.dropout > 0;
  const { losses } = runVaeSteps(
    { ...options, seedStream: 'tvae' },
    { params: vae.params, m: new Float32Array(total), v: new Float32Array(total), step: 0 },
    (batch, grad, settings, seeds) => transformerVaeForwardBackward(vae, pool, batch, grad, settings, { ...seeds, dropout: withDropout ? seeds.dropout : null }),
    (progress) => onProgress({ ...progress, vae }),
    () => false,
  );
  return { vae, losses };
}
