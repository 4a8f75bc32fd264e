/**
 * One training job in a worker process, as both training queues run it (services/training for
 * the audio models, services/phrase-training for the phrase models): the worker is sent its job
 * once it says it is ready, the job's last word (finished or failed) is kept and the worker ended
 * soon after it, a stop asks the worker to cancel and kills it after a grace, loss lines go to
 * the model's curve file in batches, and once the worker has exited the job says how it ended.
 * Each queue keeps what it follows of a job's progress and records the outcome in its table.
 */
import { appendFile } from 'node:fs/promises';
import type { WorkerProcess } from './worker-process.js';

/** How long a worker that sent its last message gets to exit by itself. */
const TERMINAL_GRACE_MS = 1000;
/** Loss lines gathered before they are appended to the curve file. */
const LOSS_BATCH = 50;

/** A worker's failure word, as the training protocols send it. */
export interface FailedWord {
  type: 'failed';
  error: { message: string };
}

export class WorkerRun<Finished extends { type: string }> {
  readonly startedAt = performance.now();
  readonly ended: Promise<void>;
  #resolveEnded: () => void = () => undefined;
  #terminal: Finished | FailedWord | null = null;
  #closing = false;
  #exited = false;
  readonly #lossLines: string[] = [];

  constructor(
    readonly worker: WorkerProcess,
    /** The model's loss curve file (one JSON line per reported point). */
    private readonly lossFile: string,
  ) {
    this.ended = new Promise<void>((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  /**
   * Sends `start` when the worker says it is ready and every other message `parse` accepts to
   * `onMessage`; once the worker has exited, the losses are written, `onExit` runs, and `ended` resolves.
   */
  listen<Message extends { type: string }>(
    start: unknown,
    parse: (raw: unknown) => Message | null,
    onMessage: (message: Exclude<Message, { type: 'ready' }>) => void,
    onExit: (exitReason: string | null) => void,
  ): void {
    this.worker.onMessage((raw) => {
      const message = parse(raw);
      if (message === null) return;
      if (message.type === 'ready') this.worker.send(start);
      else onMessage(message as Exclude<Message, { type: 'ready' }>);
    });
    this.worker.onExit((reason) => {
      this.#exited = true;
      void this.#flushLosses()
        .then(() => onExit(reason))
        .finally(this.#resolveEnded);
    });
  }

  /** The job's last word, or null when the worker left without one. */
  get terminal(): Finished | FailedWord | null {
    return this.#terminal;
  }

  /** Keeps the last word. Its files are written before it; a fork worker leaves on its own, a utilityProcess (which cannot disconnect) is ended here. */
  lastWord(message: Finished | FailedWord): void {
    this.#terminal = message;
    setTimeout(() => this.worker.kill(), TERMINAL_GRACE_MS).unref();
  }

  /** Asks the worker to cancel (it saves what it can) and kills it if it is still there after `graceMs`. */
  stop(graceMs: number): void {
    this.worker.send({ type: 'cancel' });
    setTimeout(() => {
      if (!this.#exited) this.worker.kill();
    }, graceMs).unref();
  }

  /** Ends the job because Eureka closes (it counts as interrupted) and waits for the worker to be gone. */
  async close(): Promise<void> {
    this.#closing = true;
    this.worker.kill();
    await this.ended;
  }

  /** A point of the loss curve; `last` (the end of a stretch of the curve) writes the batch at once. */
  addLoss(line: string, last: boolean): void {
    this.#lossLines.push(line);
    if (this.#lossLines.length >= LOSS_BATCH || last) void this.#flushLosses();
  }

  /** Seconds since the job started. */
  get seconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /** The status of a job that sent its finished word. */
  finishedStatus(cancelled: boolean): 'done' | 'cancelled' | 'interrupted' {
    return cancelled ? (this.#closing ? 'interrupted' : 'cancelled') : 'done';
  }

  /** The status and reason of a job that did not finish: a failure, or Eureka closing. */
  failure(exitReason: string | null): { status: 'failed' | 'interrupted'; error: string } {
    const terminal = this.#terminal;
    const error = this.#closing
      ? 'Eureka was closed while it trained'
      : terminal?.type === 'failed'
        ? (terminal as FailedWord).error.message
        : (exitReason ?? 'the training worker stopped without a word');
    return { status: this.#closing ? 'interrupted' : 'failed', error };
  }

  async #flushLosses(): Promise<void> {
    const lines = this.#lossLines.splice(0);
    if (lines.length === 0) return;
    try {
      await appendFile(this.lossFile, `${lines.join('\n')}\n`);
    } catch {
      // The curve is a convenience: a full disk must not stop training (checkpoints report it).
    }
  }
}

/** Who waits for which job to end (`waitFor` of the training queues). */
export class JobWaiters {
  readonly #waiters = new Map<number, (() => void)[]>();

  /** Resolves at the next `notify(id)`. */
  next(id: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const list = this.#waiters.get(id) ?? [];
      list.push(resolve);
      this.#waiters.set(id, list);
    });
  }

  /** Resolves once job `id` is neither queued nor running (`status` reads it afresh after each notify). */
  async settled(id: number, status: () => string): Promise<void> {
    for (let now = status(); now === 'queued' || now === 'running'; now = status()) await this.next(id);
  }

  notify(id: number): void {
    const list = this.#waiters.get(id) ?? [];
    this.#waiters.delete(id);
    for (const resolve of list) resolve();
  }
}
