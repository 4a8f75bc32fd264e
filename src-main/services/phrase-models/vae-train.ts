/**
 * Training the `vary` model (vae.ts): each step encodes B whole phrases, draws z with the
 * reparameterisation, decodes the same phrases from z by teacher forcing and takes one Adam
 * step on
 *
 *   loss = CE + β_t · max(KL, freeBits) / (tokens per phrase)
 *
 * CE is the decoder's cross-entropy, mean per predicted token (PAD ignored); KL is KL(q(z|x) ‖
 * N(0, I)) in nats per phrase, averaged over the batch. Dividing it by the batch's tokens per
 * phrase puts both terms per token, so β = 1 is the evidence lower bound itself. Three things
 * keep the decoder from ignoring z (posterior collapse, Bowman et al. 2016):
 * - KL warm-up: β_t rises linearly from 0 to β over the first klWarmup share of the run, so
 *   the encoder learns to say something before the KL asks it to be quiet;
 * - free bits: while KL is below freeBits nats per phrase it costs nothing (no gradient), so
 *   the latent may carry that much about every phrase for free (Kingma et al. 2016, taken
 *   over the whole latent);
 * - word dropout: each decoder input token's embedding is zeroed with probability wordDropout
 *   (z is kept), so the decoder cannot predict the phrase from its own past alone.
 * Adam, the gradient clipped by its global norm and a cosine learning-rate decay, as lm-train.ts.
 *
 * Batches and epochs: an epoch is every training phrase once in a seeded order, each freshly
 * augmented (phrases/augment.ts: a transposition within ±6 semitones, a swing feel); a step
 * takes the next B phrases, flowing from one epoch into the next. A batch is as long as its
 * longest phrase.
 *
 * Determinism: the order, augmentation, eps, dropout masks and initialisation are drawn from
 * the run's seed by step and epoch number, and the ops are deterministic on the CPU, so the
 * same seed and schedule give the same losses step for step, and a run resumed from its saved
 * state (vae-checkpoint.ts) continues exactly as the uninterrupted one.
 */
import type { SequenceOps } from '../../addon/binding.js';
import { seededRandom, shuffled } from '../../node/seeded-random.js';
import { augment } from '../phrases/augment.js';
import { phraseTokens, type Phrase } from '../phrases/phrases.js';
import { PAD } from '../phrases/tokens.js';
import { ADAM, learningRateAt, type LmSchedule } from './lm-train.js';
import {
  addLatentLogits,
  BufferPool,
  concatLatent,
  createVae,
  decoderLstmConfig,
  encoderBackward,
  encoderForward,
  initialState,
  initialStateBackward,
  latentLogitsBackward,
  packTokens,
  vaeViews,
  wordDropoutMask,
  type PhraseVae,
  type VaeConfig,
} from './vae.js';

export interface VaeSchedule {
  /** B: phrases per step. */
  lanes: number;
  /** Optimiser steps in the whole run. */
  steps: number;
  /** Adam's peak learning rate; it decays along a half cosine to a tenth of this by the last step. */
  learningRate: number;
  /** The gradient's global norm is clipped to this. */
  clipNorm: number;
  /** β: the KL's weight once warmed up (1 = the evidence lower bound). */
  beta: number;
  /** The share of the run over which β rises from 0, in [0, 1]. */
  klWarmup: number;
  /** Nats of KL per phrase that cost nothing. */
  freeBits: number;
  /** The probability a decoder input token's embedding is zeroed in training, in [0, 1). */
  wordDropout: number;
  /**
   * Also train on the windows between adjacent phrases of a source (shiftedWindows below):
   * phrases starting at every bar, not every N bars. Absent: false.
   */
  shiftedWindows?: boolean;
}

export interface VaeTrainingState {
  vae: PhraseVae;
  /** Adam's first and second moments, laid out as the parameters. */
  m: Float32Array;
  v: Float32Array;
  /** Steps taken. */
  step: number;
}

export interface TrainVaeOptions {
  ops: SequenceOps;
  config: VaeConfig;
  schedule: VaeSchedule;
  /** Training phrases (phrases.ts), all of one length in bars; held-out ones are never given here. */
  train: readonly Phrase[];
  /** Decimal seed < 2^64 (node/seeded-random.ts). */
  seed: string;
  /** Draw a transposition and swing per phrase per epoch (default true). */
  augment?: boolean;
  /** A saved state to go on from (same config, schedule, phrases and seed). */
  resume?: VaeTrainingState;
  /** Steps between progress reports; default 10. */
  progressEvery?: number;
}

export interface VaeProgress {
  step: number;
  steps: number;
  epoch: number;
  /** Mean training loss (per token, as the schedule's formula) over the steps since the last report. */
  loss: number;
  /** Mean cross-entropy per token over those steps. */
  reconstruction: number;
  /** Mean KL, nats per phrase, over those steps. */
  kl: number;
  learningRate: number;
  /** Seconds since this call started. */
  seconds: number;
  /** The model as trained so far (live: it changes with the next step). */
  vae: PhraseVae;
}

export interface TrainVaeResult {
  state: VaeTrainingState;
  /** The loss of every step this call took, in order. */
  losses: number[];
  /** Whether shouldStop ended the run before its last step. */
  stopped: boolean;
}

export function checkVaeSchedule(schedule: VaeSchedule): void {
  const whole = (value: number, name: string, max: number): void => {
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`The schedule's ${name} is a whole number in 1..${max} (got ${value}).`);
  };
  whole(schedule.lanes, 'number of lanes', 4096);
  whole(schedule.steps, 'number of steps', 10_000_000);
  if (!(schedule.learningRate > 0 && schedule.learningRate < 1)) throw new Error(`The learning rate lies in (0, 1) (got ${schedule.learningRate}).`);
  if (!(schedule.clipNorm > 0) || !Number.isFinite(schedule.clipNorm)) throw new Error(`The clipping norm is a number above 0 (got ${schedule.clipNorm}).`);
  if (!(schedule.beta >= 0) || !Number.isFinite(schedule.beta)) throw new Error(`β is a number ≥ 0 (got ${schedule.beta}).`);
  if (!(schedule.klWarmup >= 0 && schedule.klWarmup <= 1)) throw new Error(`The KL warm-up is a share of the run in [0, 1] (got ${schedule.klWarmup}).`);
  if (!(schedule.freeBits >= 0) || !Number.isFinite(schedule.freeBits)) throw new Error(`The free bits are nats ≥ 0 (got ${schedule.freeBits}).`);
  if (!(schedule.wordDropout >= 0 && schedule.wordDropout < 1)) throw new Error(`The word dropout lies in [0, 1) (got ${schedule.wordDropout}).`);
}

/** β at a 1-based step: warming up linearly over the first klWarmup share of the run. */
export function betaAt(schedule: VaeSchedule, step: number): number {
  const warm = schedule.klWarmup * schedule.steps;
  return warm <= 0 ? schedule.beta : schedule.beta * Math.min(1, step / warm);
}

/**
 * The N-bar windows that start inside a phrase and end inside the next one of the same source
 * (phrases.ts cuts without overlap, every N bars): for two adjacent phrases a, b of N bars, the
 * windows starting at bars 2..N of a. Their notes are a's and b's that start in the window,
 * shifted to start at beat 0 and cut at its end (a note of a held over the bar line between a and
 * b was already cut there). Pairs not adjacent (a gap without notes, a meter change) give none.
 */
export function shiftedWindows(phrases: readonly Phrase[]): Phrase[] {
  const bySource = new Map<string, Phrase[]>();
  for (const phrase of phrases) bySource.set(phrase.source, [...(bySource.get(phrase.source) ?? []), phrase]);
  const windows: Phrase[] = [];
  for (const list of bySource.values()) {
    const sorted = [...list].sort((x, y) => x.fromBeats - y.fromBeats);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const a = sorted[i]!;
      const b = sorted[i + 1]!;
      const span = a.toBeats - a.fromBeats;
      const meter = a.timeSignature;
      if (Math.abs(a.toBeats - b.fromBeats) > 1e-9 || b.bars !== a.bars || b.timeSignature.numerator !== meter.numerator || b.timeSignature.denominator !== meter.denominator) continue;
      const perBar = span / a.bars;
      const both = [...a.notes, ...b.notes.map((note) => ({ ...note, startBeats: note.startBeats + span }))];
      for (let k = 1; k < a.bars; k++) {
        const from = k * perBar;
        const to = from + span;
        const notes = both
          .filter((note) => note.startBeats >= from - 1e-9 && note.startBeats < to - 1e-9)
          .map((note) => ({ ...note, startBeats: note.startBeats - from, durationBeats: Math.min(note.durationBeats, to - note.startBeats) }));
        if (notes.length === 0) continue;
        windows.push({ ...a, startBar: a.startBar + k, fromBeats: a.fromBeats + from, toBeats: a.fromBeats + to, notes });
      }
    }
  }
  return windows;
}

/** The phrases a run reads, B a step, epoch after epoch (see the file comment). */
export class PhraseBatches {
  private epoch = -1;
  private queue: number[][] = [];

  constructor(
    private readonly phrases: readonly Phrase[],
    private readonly seed: string,
    private readonly B: number,
    private readonly augmented = true,
  ) {
    if (phrases.length === 0) throw new Error('Nothing to train on: no training phrases.');
  }

  get epochs(): number {
    return this.epoch + 1;
  }

  private pull(): number[] {
    if (this.queue.length === 0) {
      this.epoch += 1;
      const random = seededRandom(this.seed, `vae-epoch:${this.epoch}`);
      this.queue = shuffled(this.phrases, random)
        .map((phrase) => phraseTokens(this.augmented ? { ...phrase, notes: augment(phrase.notes, phrase.timeSignature, random).notes } : phrase))
        .reverse();
    }
    return this.queue.pop()!;
  }

  next(): number[][] {
    return Array.from({ length: this.B }, () => this.pull());
  }
}

export interface VaeStepResult {
  loss: number;
  reconstruction: number;
  kl: number;
}

/**
 * One training pass over a batch of phrases (tokens BOS..EOS): forward, loss (see the file
 * comment) and its gradient ADDED into `grad` (laid out as the parameters). `beta` is this
 * step's β; seeds draw eps, the word-dropout mask and the LSTMs' dropout masks.
 */
export function vaeForwardBackward(
  vae: PhraseVae,
  pool: BufferPool,
  batch: readonly (readonly number[])[],
  grad: Float32Array,
  settings: { beta: number; freeBits: number; wordDropout: number },
  seeds: { eps: number; words: number; dropout: number },
): VaeStepResult {
  const { ops, config } = vae;
  const { vocab: V, embedding: E, latent: Z, decoderHidden: Hd, decoderLayers: Ld } = config;
  const w = vae.views();
  const g = vaeViews(vae.layout, grad);

  const packed = packTokens(pool, batch);
  const { T, B } = packed;
  const tape = encoderForward(vae, pool, packed, seeds.dropout);
  const eps = pool.f('eps', B * Z);
  const z = pool.f('z', B * Z);
  ops.reparamForward({ N: B, Z }, { mu: tape.mu, logvar: tape.logvar, eps, z }, seeds.eps);
  const state = initialState(vae, pool, z, B);

  // The decoder reads tokens 0..T-2 and predicts 1..T-1.
  const Td = T - 1;
  const N = Td * B;
  const ids = pool.i('dec.ids', N);
  const targets = pool.i('dec.targets', N);
  ids.set(packed.ids.subarray(0, N));
  targets.set(packed.ids.subarray(B, B + N));
  const emb = pool.f('dec.emb', N * E);
  ops.embeddingForward({ N, V, E }, { table: w.embedding, ids, y: emb });
  const keep = wordDropoutMask(pool, N, settings.wordDropout, seeds.words);
  if (keep !== null) for (let n = 0; n < N; n++) if (keep[n] === 0) emb.fill(0, n * E, (n + 1) * E);
  const X = E + Z;
  const x = pool.f('dec.x', N * X);
  concatLatent(emb, z, x, N, B, E, Z);
  const lstm = decoderLstmConfig(config, Td, B, config.dropout, seeds.dropout + 1);
  const y = pool.f('dec.y', N * Hd);
  const cache = pool.f('dec.cache', ops.lstmSizes(lstm).cache);
  ops.lstmForward(lstm, { params: w.decoder, x, h0: state.h0, c0: state.c0, y, cache });
  const logits = pool.f('dec.logits', N * V);
  ops.denseForward({ N, I: Hd, O: V }, { x: y, W: w.outW, b: w.outB, y: logits });
  addLatentLogits(vae, pool, z, logits, N, B);
  const dlogits = pool.f('dec.dlogits', N * V);
  const ce = ops.crossEntropy({ N, V }, { logits, targets, dlogits }, PAD, 1);
  if (ce.kept === 0) throw new Error('A batch of phrases with nothing to predict: every phrase is BOS alone.');

  // Decoder backward.
  const dy = pool.f('dec.dy', N * Hd);
  ops.denseBackward({ N, I: Hd, O: V }, { x: y, W: w.outW, dy: dlogits, dx: dy, dW: g.outW, db: g.outB });
  // z's direct path into the logits: its rows' gradients summed over time, lane by lane.
  const dzOut = latentLogitsBackward(vae, pool, z, dlogits, N, B, g.outZ);
  const dx = pool.f('dec.dx', N * X);
  const S = Ld * B * Hd;
  const dh0 = pool.f('dec.dh0', S);
  const dc0 = pool.f('dec.dc0', S);
  ops.lstmBackward(lstm, { params: w.decoder, x, cache, dy, dparams: g.decoder, dx, dh0, dc0 });
  // Split dx into the embedding's part (dropped rows get none) and z's part (summed over time).
  const demb = pool.f('dec.demb', N * E);
  const dz = pool.f('dz', B * Z);
  dz.fill(0);
  for (let n = 0; n < N; n++) {
    const k = keep === null ? 1 : keep[n]!;
    for (let j = 0; j < E; j++) demb[n * E + j] = k * dx[n * X + j]!;
    const b = n % B;
    for (let j = 0; j < Z; j++) dz[b * Z + j] = dz[b * Z + j]! + dx[n * X + E + j]!;
  }
  ops.embeddingBackward({ N, V, E }, { ids, dy: demb, dtable: g.embedding });
  // Through tanh of the initial state, then the init dense layer, into dz.
  const dzInit = initialStateBackward(vae, pool, state, { dh0, dc0, dInitW: g.initW, dInitB: g.initB }, z, B, 'init');
  for (let i = 0; i < dz.length; i++) dz[i] = dz[i]! + dzInit[i]! + dzOut[i]!;
  const latent = latentBackward(vae.ops, pool, { mu: tape.mu, logvar: tape.logvar, eps, dz }, B, Z, settings.beta * (B / ce.kept), settings.freeBits);
  encoderBackward(vae, pool, tape, latent.dmu, latent.dlogvar, g);
  return { loss: ce.loss + latent.klLoss, reconstruction: ce.loss, kl: latent.kl };
}

/**
 * The latent's part of both `vary` models' steps (the file comment's loss): the KL per phrase,
 * weighted by `klWeight` (β per token) and costing nothing (no gradient) while under the free
 * bits, and dz (B, Z) through the reparameterisation into dmu and dlogvar, the KL's own
 * gradient added. Returns the loss term, the KL in nats per phrase and dmu, dlogvar (B, Z).
 */
export function latentBackward(
  ops: SequenceOps,
  pool: BufferPool,
  latent: { mu: Float32Array; logvar: Float32Array; eps: Float32Array; dz: Float32Array },
  B: number,
  Z: number,
  klWeight: number,
  freeBits: number,
): { klLoss: number; kl: number; dmu: Float32Array; dlogvar: Float32Array } {
  const dmuKl = pool.f('kl.dmu', B * Z);
  const dlogvarKl = pool.f('kl.dlogvar', B * Z);
  const kl = ops.klNormal({ N: B, Z }, { mu: latent.mu, logvar: latent.logvar, dmu: dmuKl, dlogvar: dlogvarKl }, klWeight);
  const dmu = pool.f('dmu', B * Z);
  const dlogvar = pool.f('dlogvar', B * Z);
  ops.reparamBackward({ N: B, Z }, { logvar: latent.logvar, eps: latent.eps, dz: latent.dz, dmu, dlogvar });
  if (kl > freeBits) {
    for (let i = 0; i < dmu.length; i++) {
      dmu[i] = dmu[i]! + dmuKl[i]!;
      dlogvar[i] = dlogvar[i]! + dlogvarKl[i]!;
    }
  }
  return { klLoss: klWeight * Math.max(kl, freeBits), kl, dmu, dlogvar };
}

/** What one model's training step is, for the loop both `vary` models share (runVaeSteps). */
export type VaeStepFunction = (
  batch: readonly (readonly number[])[],
  grad: Float32Array,
  settings: { beta: number; freeBits: number; wordDropout: number },
  seeds: { eps: number; words: number; dropout: number },
) => VaeStepResult;

/** A run's parameters, Adam's moments and the steps taken so far (advanced by runVaeSteps). */
export interface VaeRunState {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  step: number;
}

export interface VaeRunOptions {
  ops: SequenceOps;
  schedule: VaeSchedule;
  train: readonly Phrase[];
  seed: string;
  augment?: boolean;
  progressEvery?: number;
  /** The prefix of the step seeds' streams (default "vae"); another model draws its own. */
  seedStream?: string;
}

/**
 * The training loop of the file comment, for any model with a step function (the LSTM VAE
 * here, the VAE-Transformer in transformer-vae-train.ts): batches, β's warm-up, step seeds,
 * clipping, the cosine learning rate, Adam, progress means, stopping and resuming (a state
 * with steps taken draws those steps' batches again first). onProgress gets VaeProgress
 * without the model, which the caller adds.
 */
export function runVaeSteps(
  options: VaeRunOptions,
  state: VaeRunState,
  stepOnce: VaeStepFunction,
  onProgress: (progress: Omit<VaeProgress, 'vae'>) => void,
  shouldStop: () => boolean,
): { losses: number[]; stopped: boolean } {
  const { ops, schedule, seed } = options;
  checkVaeSchedule(schedule);
  const stream = options.seedStream ?? 'vae';
  const seedOf = (purpose: string, step: number): number => Math.floor(seededRandom(seed, `${stream}-${purpose}:${step}`)() * 2 ** 52);
  const train = schedule.shiftedWindows ? [...options.train, ...shiftedWindows(options.train)] : options.train;
  const batches = new PhraseBatches(train, seed, schedule.lanes, options.augment ?? true);
  const total = state.params.length;
  if (state.m.length !== total || state.v.length !== total) throw new Error('The saved training state was made with another model.');
  const grad = new Float32Array(total);
  // The batches already read are drawn again (cheap: no model work), so the run goes on where it stopped.
  for (let done = 0; done < state.step; done++) batches.next();
  const every = options.progressEvery ?? 10;
  const losses: number[] = [];
  const started = performance.now();
  let since: VaeStepResult[] = [];
  let stopped = false;
  // The learning rate's cosine is lm-train.ts's; it reads only steps and learningRate.
  const lrSchedule: LmSchedule = { window: 1, lanes: schedule.lanes, steps: schedule.steps, learningRate: schedule.learningRate, clipNorm: schedule.clipNorm };
  while (state.step < schedule.steps) {
    if (shouldStop()) {
      stopped = true;
      break;
    }
    const step = (state.step += 1);
    grad.fill(0);
    const result = stepOnce(
      batches.next(),
      grad,
      { beta: betaAt(schedule, step), freeBits: schedule.freeBits, wordDropout: schedule.wordDropout },
      { eps: seedOf('eps', step), words: seedOf('words', step), dropout: seedOf('dropout', step) },
    );
    const norm = ops.gradClipNorm([grad], schedule.clipNorm);
    const learningRate = learningRateAt(lrSchedule, step);
    // A non-finite gradient (a diverging step) is skipped rather than written into the weights.
    if (Number.isFinite(norm)) ops.adamStep({ params: state.params, grads: grad, m: state.m, v: state.v }, { step, lr: learningRate, ...ADAM });
    losses.push(result.loss);
    since.push(result);
    if (step % every === 0 || step === schedule.steps) {
      const mean = (pick: (r: VaeStepResult) => number): number => since.reduce((sum, r) => sum + pick(r), 0) / since.length;
      onProgress({
        step,
        steps: schedule.steps,
        epoch: batches.epochs,
        loss: mean((r) => r.loss),
        reconstruction: mean((r) => r.reconstruction),
        kl: mean((r) => r.kl),
        learningRate,
        seconds: (performance.now() - started) / 1000,
      });
      since = [];
    }
  }
  return { losses, stopped };
}

/**
 * Trains (or goes on training) a model; see the file comment. onProgress is called every
 * progressEvery steps and after the last; shouldStop before each step (true: stop, keeping
 * what was learned, and report stopped).
 */
export function trainVae(
  options: TrainVaeOptions,
  onProgress: (progress: VaeProgress) => void = () => undefined,
  shouldStop: () => boolean = () => false,
): TrainVaeResult {
  checkVaeSchedule(options.schedule);
  const vae = options.resume?.vae ?? createVae(options.ops, options.config, options.seed);
  const total = vae.layout.total;
  const state: VaeRunState = { params: vae.params, m: options.resume?.m ?? new Float32Array(total), v: options.resume?.v ?? new Float32Array(total), step: options.resume?.step ?? 0 };
  const pool = new BufferPool();
  const { losses, stopped } = runVaeSteps(
    options,
    state,
    (batch, grad, settings, seeds) => vaeForwardBackward(vae, pool, batch, grad, settings, seeds),
    (progress) => onProgress({ ...progress, vae }),
    shouldStop,
  );
  return { state: { vae, m: state.m, v: state.v, step: state.step }, losses, stopped };
}
