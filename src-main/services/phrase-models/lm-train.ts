/**
 * Training the `continue` model (lstm-lm.ts): truncated backpropagation through time over
 * windows of T tokens in B lanes, Adam with the gradient clipped by its global norm, a cosine
 * learning-rate decay, on training phrases freshly augmented every epoch. `trainLm` is the
 * loop a training worker calls; it is synchronous (the native ops are) and checks `shouldStop`
 * between steps.
 *
 * Lanes and state. Each of the B lanes reads one phrase at a time, BOS to EOS, T tokens per
 * step; the rest of a phrase's last window is PAD (its targets ignored). The LSTM state is
 * CARRIED from one window to the next within a phrase, so the model learns from context
 * across a whole 4-bar phrase at the cost of a T-token window, and RESET to zero where a lane
 * starts a new phrase: evaluation (lm-eval.ts, as markov.ts's score) and sampling read every
 * phrase from BOS with a zero state, so training does the same rather than learning to lean
 * on the end of an unrelated phrase.
 *
 * Epochs and augmentation. An epoch is every training phrase once, in a seeded shuffled order,
 * each drawn afresh through phrases/augment.ts (a transposition within ±6 semitones that keeps
 * notes in range, and a swing feel in simple meters), so the model meets each phrase in many
 * keys and feels over a run. Lanes flow from one epoch into the next without a gap.
 *
 * Determinism: the order, augmentation, dropout masks and initialisation are drawn from the
 * run's seed by step and epoch number, and the ops are deterministic on the CPU, so the same
 * seed and schedule give the same losses, step for step; a resumed run (the state saved by
 * lm-checkpoint.ts, carried LSTM state included) continues exactly as the uninterrupted one.
 */
import { seededRandom, shuffled } from '../../node/seeded-random.js';
import { augment } from '../phrases/augment.js';
import { phraseTokens, type Phrase } from '../phrases/phrases.js';
import { PAD } from '../phrases/tokens.js';
import { LmPass, createLm, type LmConfig, type LstmLm } from './lstm-lm.js';
import type { SequenceOps } from '../../addon/binding.js';

/** How a run trains: window, lanes, steps and Adam's settings. */
export interface LmSchedule {
  /** T: tokens per window (backpropagation reaches this far back). */
  window: number;
  /** B: lanes (phrases read side by side). */
  lanes: number;
  /** Optimiser steps in the whole run. */
  steps: number;
  /** Adam's peak learning rate; it decays along a half cosine to a tenth of this by the last step. */
  learningRate: number;
  /** The gradient's global norm is clipped to this. */
  clipNorm: number;
}

/** Everything needed to go on training: the model, Adam's moments, the step reached and the carried state. */
export interface LmTrainingState {
  model: LstmLm;
  /** Adam's first and second moments, laid out as the parameters. */
  m: Float32Array;
  v: Float32Array;
  /** Steps taken. */
  step: number;
  /** (L, B, H) the LSTM state carried into the next window. */
  h0: Float32Array;
  c0: Float32Array;
}

export interface TrainLmOptions {
  ops: SequenceOps;
  config: LmConfig;
  schedule: LmSchedule;
  /** Training phrases (phrases.ts); held-out ones are never given here. */
  train: readonly Phrase[];
  /** Decimal seed < 2^64 (node/seeded-random.ts). */
  seed: string;
  /** Draw a transposition and swing per phrase per epoch (default true); false trains on the phrases as given. */
  augment?: boolean;
  /** A saved state to go on from (same config, schedule, phrases and seed). */
  resume?: LmTrainingState;
  /** Steps between progress reports; default 10. */
  progressEvery?: number;
}

export interface LmProgress {
  step: number;
  steps: number;
  epoch: number;
  /** Mean training loss (nats per token) over the steps since the last report. */
  loss: number;
  /** The learning rate of this step. */
  learningRate: number;
  /** Seconds since this call started. */
  seconds: number;
  /** The model as trained so far (live: it changes with the next step), for a checkpoint or a score. */
  model: LstmLm;
}

export interface TrainLmResult {
  state: LmTrainingState;
  /** The loss of every step this call took, in order. */
  losses: number[];
  /** Whether shouldStop ended the run before its last step. */
  stopped: boolean;
}

/** Adam's moment decays and epsilon, torch.optim.Adam's defaults (the phrase models all use them). */
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;
/** The learning rate's floor at the end of the cosine, as a fraction of the peak. */
const FINAL_LR_FRACTION = 0.1;

export function learningRateAt(schedule: LmSchedule, step: number): number {
  const progress = schedule.steps <= 1 ? 0 : (step - 1) / (schedule.steps - 1);
  const floor = schedule.learningRate * FINAL_LR_FRACTION;
  return floor + 0.5 * (schedule.learningRate - floor) * (1 + Math.cos(Math.PI * progress));
}

export function checkSchedule(schedule: LmSchedule): void {
  const whole = (value: number, name: string, max: number): void => {
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`The schedule's ${name} is a whole number in 1..${max} (got ${value}).`);
  };
  whole(schedule.window, 'window', 4096);
  whole(schedule.lanes, 'number of lanes', 4096);
  whole(schedule.steps, 'number of steps', 10_000_000);
  if (!(schedule.learningRate > 0 && schedule.learningRate < 1)) throw new Error(`The learning rate lies in (0, 1) (got ${schedule.learningRate}).`);
  if (!(schedule.clipNorm > 0) || !Number.isFinite(schedule.clipNorm)) throw new Error(`The clipping norm is a number above 0 (got ${schedule.clipNorm}).`);
}

/**
 * The windows a run reads, lane by lane, in order (see the file comment): fill() writes the
 * next window's ids and targets and says which lanes started a new phrase.
 */
export class PhraseFeeder {
  private epoch = -1;
  private queue: number[][] = [];
  private readonly lanes: ({ tokens: number[]; offset: number } | null)[];

  constructor(
    private readonly phrases: readonly Phrase[],
    private readonly seed: string,
    private readonly T: number,
    B: number,
    private readonly augmented = true,
  ) {
    if (phrases.length === 0) throw new Error('Nothing to train on: no training phrases.');
    this.lanes = Array.from({ length: B }, () => null);
  }

  /** Epochs begun so far (1 during the first). */
  get epochs(): number {
    return this.epoch + 1;
  }

  private pull(): number[] {
    if (this.queue.length === 0) {
      this.epoch += 1;
      const random = seededRandom(this.seed, `lstm-lm-epoch:${this.epoch}`);
      const order = shuffled(this.phrases, random);
      this.queue = order
        .map((phrase) => phraseTokens(this.augmented ? { ...phrase, notes: augment(phrase.notes, phrase.timeSignature, random).notes } : phrase))
        .reverse();
    }
    return this.queue.pop()!;
  }

  /** The next window into ids/targets (T, B); returns the lanes that begin a phrase (their state resets). */
  fill(ids: Int32Array, targets: Int32Array): number[] {
    const { T } = this;
    const B = this.lanes.length;
    const fresh: number[] = [];
    for (let b = 0; b < B; b++) {
      let lane = this.lanes[b];
      if (!lane || lane.offset >= lane.tokens.length - 1) {
        lane = this.lanes[b] = { tokens: this.pull(), offset: 0 };
        fresh.push(b);
      }
      const { tokens, offset } = lane;
      for (let t = 0; t < T; t++) {
        const at = offset + t;
        ids[t * B + b] = at < tokens.length ? tokens[at]! : PAD;
        targets[t * B + b] = at + 1 < tokens.length ? tokens[at + 1]! : PAD;
      }
      lane.offset += T;
    }
    return fresh;
  }
}

/** A step's dropout seed, from the run's seed and the step alone (so a resumed run draws the same). */
function dropoutSeedOf(seed: string, step: number): number {
  return Math.floor(seededRandom(seed, `lstm-lm-dropout:${step}`)() * 2 ** 52);
}

/**
 * Trains (or goes on training) a model; see the file comment. onProgress is called every
 * progressEvery steps and after the last; shouldStop before each step (true: stop, keeping
 * what was learned, and report stopped).
 */
export function trainLm(
  options: TrainLmOptions,
  onProgress: (progress: LmProgress) => void = () => undefined,
  shouldStop: () => boolean = () => false,
): TrainLmResult {
  const { ops, config, schedule, seed } = options;
  checkSchedule(schedule);
  const model = options.resume?.model ?? createLm(ops, config, seed);
  const pass = new LmPass(model, schedule.window, schedule.lanes);
  const feeder = new PhraseFeeder(options.train, seed, schedule.window, schedule.lanes, options.augment ?? true);
  const grad = new Float32Array(model.layout.total);
  const m = options.resume?.m ?? new Float32Array(model.layout.total);
  const v = options.resume?.v ?? new Float32Array(model.layout.total);
  let step = options.resume?.step ?? 0;
  if (options.resume) {
    if (options.resume.h0.length !== pass.h0.length) throw new Error('The saved training state was made with another number of lanes or another model.');
    // The windows already read are read again (cheap: no model work), so the run goes on where it stopped.
    for (let done = 0; done < step; done++) feeder.fill(pass.ids, pass.targets);
    pass.h0.set(options.resume.h0);
    pass.c0.set(options.resume.c0);
  }
  const every = options.progressEvery ?? 10;
  const losses: number[] = [];
  const started = performance.now();
  let sinceReport: number[] = [];
  let stopped = false;
  while (step < schedule.steps) {
    if (shouldStop()) {
      stopped = true;
      break;
    }
    step += 1;
    for (const lane of feeder.fill(pass.ids, pass.targets)) pass.resetLane(lane);
    grad.fill(0);
    const { loss } = pass.forwardBackward(grad, dropoutSeedOf(seed, step));
    const norm = ops.gradClipNorm([grad], schedule.clipNorm);
    const learningRate = learningRateAt(schedule, step);
    // A non-finite gradient (a diverging step) is skipped rather than written into the weights.
    if (Number.isFinite(norm)) ops.adamStep({ params: model.params, grads: grad, m, v }, { step, lr: learningRate, ...ADAM });
    pass.carryState();
    losses.push(loss);
    sinceReport.push(loss);
    if (step % every === 0 || step === schedule.steps) {
      const mean = sinceReport.reduce((sum, value) => sum + value, 0) / sinceReport.length;
      onProgress({ step, steps: schedule.steps, epoch: feeder.epochs, loss: mean, learningRate, seconds: (performance.now() - started) / 1000, model });
      sinceReport = [];
    }
  }
  return { state: { model, m, v, step, h0: pass.h0.slice(), c0: pass.c0.slice() }, losses, stopped };
}
