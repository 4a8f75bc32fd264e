/**
 * Runs one batch of queued takes in a fresh generation worker process and keeps the database in
 * step with it: a take becomes 'generating' when the worker starts it, 'ready' (file recorded)
 * or 'failed' when it answers, and whatever is unanswered when the worker ends fails with the
 * reason (cancelled, Eureka closed, the worker's crash). Progress events carry the batch's
 * fraction and an ETA from the takes' measured times.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { toErrorPayload } from '../../common/errors.js';
import { TAKE_FAILURE, type GenerationProgressEvent, type TakeCheckpoint } from '../../common/generation.js';
import type { WorkerLauncher, WorkerProcess } from '../../node/worker-process.js';
import { takeFileOf, workerMessageSchema, type GenerationJob, type TakeTarget, type WorkerMessage } from './protocol.js';
import type { TakeRepository } from './take-repository.js';

export interface BatchEvents {
  progress(event: GenerationProgressEvent): void;
  /** Takes changed status (modelId: the batch's model). */
  changed(takeIds: number[]): void;
}

export interface BatchSpec {
  batchId: string;
  modelId: number;
  modelDir: string;
  executionProvider: 'auto' | 'cpu' | 'cuda';
  /** The song's rate and the clip's original, as the library has them when the batch starts. */
  target: TakeTarget;
  /** The takes to make, in order (queued rows). */
  takeIds: number[];
}

/** How long a worker that sent its last message gets to exit by itself. */
const TERMINAL_GRACE_MS = 1000;

export class BatchRun {
  readonly batchId: string;
  /** Resolves once the worker is gone and every take of the batch is answered. */
  readonly ended: Promise<void>;
  #worker: WorkerProcess | null = null;
  #checkpoint: TakeCheckpoint | null = null;
  #executionProvider: 'cpu' | 'cuda' | null = null;
  #current: { takeId: number; index: number; startedAt: number } | null = null;
  readonly #takeSeconds: number[] = [];
  #terminal: WorkerMessage | null = null;
  #stopReason: string | null = null;
  readonly #answered = new Set<number>();
  readonly #resolveEnded: () => void;

  constructor(
    private readonly spec: BatchSpec,
    private readonly repo: TakeRepository,
    private readonly dataDir: string,
    private readonly events: BatchEvents,
  ) {
    this.batchId = spec.batchId;
    let resolveEnded: () => void = () => undefined;
    this.ended = new Promise<void>((resolve) => {
      resolveEnded = resolve;
    });
    this.#resolveEnded = resolveEnded;
  }

  get modelId(): number {
    return this.spec.modelId;
  }

  get pid(): number | null {
    return this.#worker?.pid ?? null;
  }

  /** Starts the worker; a launch failure fails the batch at once. */
  start(launch: WorkerLauncher, workerScript: string): void {
    const job: GenerationJob = {
      modelId: this.spec.modelId,
      modelDir: this.spec.modelDir,
      executionProvider: this.spec.executionProvider,
      target: this.spec.target,
      takes: this.repo
        .batch(this.batchId)
        .filter((take) => this.spec.takeIds.includes(take.id))
        .map((take) => ({
          takeId: take.id,
          seed: take.seed,
          settings: take.settings,
          file: path.join(this.dataDir, takeFileOf(this.spec.modelId, take.id)),
        })),
    };
    let worker: WorkerProcess;
    try {
      worker = launch(workerScript);
    } catch (error) {
      void this.#end(`cannot start the generation worker: ${toErrorPayload(error).message}`);
      return;
    }
    this.#worker = worker;
    this.#emitProgress(this.spec.takeIds[0]!, 0, 'preparing', 0);
    worker.onMessage((raw) => {
      const parsed = workerMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      if (parsed.data.type === 'ready') worker.send({ type: 'start', job });
      else this.#onMessage(parsed.data);
    });
    worker.onExit((reason) => void this.#end(reason));
  }

  /** Fails the unanswered takes with `reason` now and kills the worker. Returns how many. */
  stop(reason: string): number {
    this.#stopReason ??= reason;
    const failed = this.#failUnanswered(reason);
    this.#worker?.kill();
    return failed;
  }

  #onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'prepared':
        this.#checkpoint = message.checkpoint;
        this.#executionProvider = message.executionProvider;
        return;
      case 'progress': {
        if (this.#current?.takeId !== message.takeId) {
          const index = this.spec.takeIds.indexOf(message.takeId);
          if (index < 0 || this.#checkpoint === null) return;
          this.#current = { takeId: message.takeId, index, startedAt: performance.now() };
          if (this.repo.start(message.takeId, this.#checkpoint)) this.events.changed([message.takeId]);
        }
        this.#emitProgress(message.takeId, this.#current.index, message.phase, message.fraction);
        return;
      }
      case 'take-done': {
        this.#answered.add(message.takeId);
        this.#takeSeconds.push(message.generateSeconds);
        const file = takeFileOf(this.spec.modelId, message.takeId);
        const recorded = this.repo.finishReady(message.takeId, {
          file,
          sampleRate: message.sampleRate,
          durationSeconds: message.durationSeconds,
          loudnessLufs: message.loudnessLufs,
          sourceLoudnessLufs: message.sourceLoudnessLufs,
          executionProvider: this.#executionProvider ?? 'cpu',
          generateSeconds: message.generateSeconds,
          render: message.render,
        });
        // Cancelled (or its model deleted) while the worker finished it: nobody wants the file.
        if (!recorded) void rm(path.join(this.dataDir, file), { force: true }).catch(() => undefined);
        this.events.changed([message.takeId]);
        return;
      }
      case 'take-failed':
        this.#answered.add(message.takeId);
        if (this.repo.fail([message.takeId], message.error.message).length > 0) this.events.changed([message.takeId]);
        return;
      case 'finished':
      case 'failed':
        this.#terminal = message;
        // A fork worker leaves on its own once its channel closes; a utilityProcess is ended here.
        setTimeout(() => this.#worker?.kill(), TERMINAL_GRACE_MS).unref();
        return;
      case 'ready':
        return;
    }
  }

  async #end(exitReason: string | null): Promise<void> {
    const terminal = this.#terminal;
    const reason =
      this.#stopReason ??
      (terminal?.type === 'failed' ? terminal.error.message : (exitReason ?? TAKE_FAILURE.silent));
    this.#failUnanswered(reason);
    await this.#removeTornFiles();
    this.#resolveEnded();
  }

  #failUnanswered(reason: string): number {
    const open = this.repo
      .unfinished(this.batchId)
      .filter((row) => row.ownerPid === process.pid && !this.#answered.has(row.id))
      .map((row) => row.id);
    const failed = this.repo.fail(open, reason);
    if (failed.length > 0) this.events.changed(failed);
    return failed.length;
  }

  /** A worker killed mid-write leaves writeFileAtomic's temporary file behind. */
  async #removeTornFiles(): Promise<void> {
    const dir = path.join(this.dataDir, 'takes', String(this.spec.modelId));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    const ours = new Set(this.spec.takeIds.map((id) => `.take-${id}.wav.`));
    const torn = names.filter((name) => name.endsWith('.tmp') && [...ours].some((prefix) => name.startsWith(prefix)));
    await Promise.all(torn.map((name) => rm(path.join(dir, name), { force: true }).catch(() => undefined)));
  }

  #emitProgress(takeId: number, index: number, phase: GenerationProgressEvent['phase'], takeFraction: number): void {
    const count = this.spec.takeIds.length;
    const done = index + takeFraction;
    this.events.progress({
      batchId: this.batchId,
      modelId: this.spec.modelId,
      takeId,
      index,
      count,
      phase,
      fraction: Math.min(1, done / count),
      etaSeconds: this.#eta(count - done, takeFraction),
    });
  }

  /** Seconds left: the mean finished take's time per take left, else the current take's pace. */
  #eta(takesLeft: number, takeFraction: number): number | null {
    if (this.#takeSeconds.length > 0) {
      const mean = this.#takeSeconds.reduce((a, b) => a + b, 0) / this.#takeSeconds.length;
      return Math.max(0, mean * takesLeft);
    }
    if (this.#current === null || takeFraction < 0.05) return null;
    const perTake = (performance.now() - this.#current.startedAt) / 1000 / takeFraction;
    return Math.max(0, perTake * takesLeft);
  }
}

