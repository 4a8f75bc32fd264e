/**
 * The pace of a phrase training job (run-phrase-training.ts says why it trains in stretches):
 * progress messages a few times a second, stretches of at least ten seconds between resume
 * checkpoints, and the job's control and message sink.
 */
import { stat } from 'node:fs/promises';
import type { PhraseJobMessage } from './protocol.js';

/** Progress messages at most this often (a few a second). */
export const PROGRESS_INTERVAL_MS = 250;
/** The shortest stretch between resume checkpoints. */
export const SAVE_INTERVAL_MS = 10_000;
/** A stretch lasts at least this many times the re-read its loop began with. */
const REREAD_FACTOR = 50;

export interface PhraseJobControl {
  /** Set when the parent asks to cancel (or goes away): stop after the current step. */
  readonly cancelled: boolean;
}

export type PhraseEmit = (message: PhraseJobMessage) => void;

/**
 * Throttles a loop's per-step losses into a few progress messages a second (the mean since the
 * last one), always reporting the last step. A mean that is not a number (a diverging stretch,
 * whose steps the loop skips) is not reported.
 */
export class ProgressThrottle {
  #pending: number[] = [];
  #last = performance.now();
  readonly #fromStep: number;
  readonly #started = performance.now();

  constructor(
    private readonly emit: PhraseEmit,
    fromStep: number,
  ) {
    this.#fromStep = fromStep;
  }

  step(step: number, steps: number, loss: number): void {
    this.#pending.push(loss);
    const now = performance.now();
    if (now - this.#last < PROGRESS_INTERVAL_MS && step !== steps) return;
    const mean = this.#pending.reduce((sum, value) => sum + value, 0) / this.#pending.length;
    this.#pending = [];
    this.#last = now;
    if (!Number.isFinite(mean)) return;
    this.emit({ type: 'phrases-progress', step, steps, loss: mean, fromStep: this.#fromStep, seconds: (now - this.#started) / 1000 });
  }
}

/**
 * Decides when a stretch ends (run-phrase-training.ts says why there are stretches): at a
 * cancel, or once it has trained for the save interval and 50 times its re-read. `shouldStop` goes to the training loop.
 */
export class Stretch {
  #interval = SAVE_INTERVAL_MS;
  #began = 0;
  #firstCheck = -1;

  constructor(private readonly control: PhraseJobControl) {}

  /** Call right before a loop starts. */
  begin(): void {
    this.#began = performance.now();
    this.#firstCheck = -1;
  }

  readonly shouldStop = (): boolean => {
    if (this.control.cancelled) return true;
    const now = performance.now();
    if (this.#firstCheck < 0) {
      // The loop asks first right after re-reading what it had read: that is the re-read's cost.
      this.#firstCheck = now;
      this.#interval = Math.max(SAVE_INTERVAL_MS, REREAD_FACTOR * (now - this.#began));
    }
    return now - this.#firstCheck >= this.#interval;
  };
}

/** Whether a file is there. */
export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
