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
import { seededRandom } from '../../node/seeded-random.js';
import type { Phrase } from '../phrases/phrases.js';
import { learningRateAt, type LmSchedule } from './lm-train.js';
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
import { betaAt, checkVaeSchedule, PhraseBatches, shiftedWindows, type VaeSchedule } from './vae-train.js';

/** Adam's moments and step size constants: vae-train.ts's (torch's defaults). */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

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
export interface TransformerVaeStepResult {
  loss: number;
  reconstruction: number;
  kl: number;
}

export interface TransformerVaeProgress {
  step: number;
  steps: number;
  epoch: number;
  /** Means over the steps since the last report, as vae-train.ts's VaeProgress. */
  loss: number;
  reconstruction: number;
  kl: number;
  learningRate: number;
  seconds: number;
  /** The model as trained so far (live: it changes with the next step). */
  vae: TransformerVae;
}

/** A step's seed for one purpose, from the run's seed and the step alone. */
function stepSeed(seed: string, purpose: string, step: number): number {
  return Math.floor(seededRandom(seed, `tvae-${purpose}:${step}`)() * 2 ** 52);
}

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

  // KL per phrase; its gradient weighted by β per token, and none while under the free bits.
  const dmuKl = pool.f('kl.dmu', B * Z);
  const dlogvarKl = pool.f('kl.dlogvar', B * Z);
  const klWeight = settings.beta * decoded.perToken;
  const kl = ops.klNormal({ N: B, Z }, { mu: tape.mu, logvar: tape.logvar, dmu: dmuKl, dlogvar: dlogvarKl }, klWeight);
  const klActive = kl > settings.freeBits;
  const loss = decoded.ce + klWeight * Math.max(kl, settings.freeBits);

  const dmu = pool.f('dmu', B * Z);
  const dlogvar = pool.f('dlogvar', B * Z);
  ops.reparamBackward({ N: B, Z }, { logvar: tape.logvar, eps, dz: decoded.dz, dmu, dlogvar });
  if (klActive) {
    for (let i = 0; i < dmu.length; i++) {
      dmu[i] = dmu[i]! + dmuKl[i]!;
      dlogvar[i] = dlogvar[i]! + dlogvarKl[i]!;
    }
  }
  tfEncoderBackward(vae, pool, tape, dmu, dlogvar, g);
  return { loss, reconstruction: decoded.ce, kl };
}

/**
 * Trains a model from its seed for schedule.steps steps; onProgress every progressEvery steps
 * and after the last. Returns the model and every step's loss.
 */
export function trainTransformerVae(
  options: TrainTransformerVaeOptions,
  onProgress: (progress: TransformerVaeProgress) => void = () => undefined,
): { vae: TransformerVae; losses: number[] } {
  const { ops, config, schedule, seed } = options;
  checkVaeSchedule(schedule);
  const vae = createTransformerVae(ops, config, seed);
  const total = vae.layout.total;
  const train = schedule.shiftedWindows ? [...options.train, ...shiftedWindows(options.train)] : options.train;
  const batches = new PhraseBatches(train, seed, schedule.lanes, options.augment ?? true);
  const grad = new Float32Array(total);
  const m = new Float32Array(total);
  const v = new Float32Array(total);
  const pool = new BufferPool();
  const every = options.progressEvery ?? 10;
  const losses: number[] = [];
  const started = performance.now();
  let since: TransformerVaeStepResult[] = [];
  // The learning rate's cosine is lm-train.ts's; it reads only steps and learningRate.
  const lrSchedule: LmSchedule = { window: 1, lanes: schedule.lanes, steps: schedule.steps, learningRate: schedule.learningRate, clipNorm: schedule.clipNorm };
  for (let step = 1; step <= schedule.steps; step++) {
    grad.fill(0);
    const result = transformerVaeForwardBackward(
      vae,
      pool,
      batches.next(),
      grad,
      { beta: betaAt(schedule, step), freeBits: schedule.freeBits, wordDropout: schedule.wordDropout },
      { eps: stepSeed(seed, 'eps', step), words: stepSeed(seed, 'words', step), dropout: config.dropout > 0 ? stepSeed(seed, 'dropout', step) : null },
    );
    const norm = ops.gradClipNorm([grad], schedule.clipNorm);
    const learningRate = learningRateAt(lrSchedule, step);
    // A non-finite gradient (a diverging step) is skipped rather than written into the weights.
    if (Number.isFinite(norm)) ops.adamStep({ params: vae.params, grads: grad, m, v }, { step, lr: learningRate, beta1: BETA1, beta2: BETA2, eps: EPS });
    losses.push(result.loss);
    since.push(result);
    if (step % every === 0 || step === schedule.steps) {
      const mean = (pick: (r: TransformerVaeStepResult) => number): number => since.reduce((sum, r) => sum + pick(r), 0) / since.length;
      onProgress({
        step,
        steps: schedule.steps,
        epoch: batches.epochs,
        loss: mean((r) => r.loss),
        reconstruction: mean((r) => r.reconstruction),
        kl: mean((r) => r.kl),
        learningRate,
        seconds: (performance.now() - started) / 1000,
        vae,
      });
      since = [];
    }
  }
  return { vae, losses };
}
