/**
 * Takes: generate them from a trained model (a batch per request, rows queued at once, one
 * worker process per batch, batches one at a time per process), follow them, keep / star /
 * discard them, regenerate with a new seed, delete the files of discarded ones, and serve their
 * WAV files. Every take row holds its provenance (model, checkpoint, mode, settings, seed), so
 * the same request with the same seed makes the same bytes on the same execution provider.
 * Takes are written at their song's rate; a gap fill is its clip's original with the fill
 * spliced in (render/gap-splice.ts). A mode without randomness (reconstruction) is made once
 * per model and checkpoint: asking again is refused, naming the take that has it.
 *
 * A process owns the takes it queued (owner_pid): rows left queued or generating by a process
 * that is gone fail as interrupted when a core starts. A model's takes live in
 * data/takes/<modelId>/take-<id>.wav; when the model is deleted its rows go by cascade and the
 * folder with them (modelsChanged).
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import {
  GENERATION_MODES,
  TAKE_FAILURE,
  generateRequestSchema,
  isSeedless,
  seedlessCountRefusal,
  takePatchSchema,
  type GenerateRequest,
  type GenerationProgressEvent,
  type ModeAvailability,
  type Take,
  type TakePatch,
} from '../../common/generation.js';
import type { Model } from '../../common/training.js';
import { isProcessAlive } from '../../node/process-alive.js';
import { randomSeed } from '../../node/seeded-random.js';
import type { WorkerLauncher } from '../../node/worker-process.js';
import { BatchRun } from './batch-runner.js';
import type { ClipOriginal, TakeTarget } from './protocol.js';
import type { TakeFilter, TakeRepository } from './take-repository.js';
import { batchSeeds, takeSettingsFor, whyNotReady } from './take-request.js';

export { whyNotReady } from './take-request.js';

export interface TakesEvents {
  progress(event: GenerationProgressEvent): void;
  changed(takeIds: number[], modelIds: number[]): void;
}

/** The trained models, as the training service knows them. */
export interface ModelDirectory {
  /** The model, or throws NOT_FOUND. */
  get(modelId: number): Model;
  modelDir(modelId: number): string;
}

/** The clip a model learned, as the library has it now. */
export interface ClipOriginals {
  /** Its song's rate (the original file's) and its region of that file, or null once the clip or file is gone. */
  of(model: Model): { songRate: number; original: ClipOriginal } | null;
}

export interface TakesServiceOptions {
  dataDir: string;
  launch: WorkerLauncher;
  workerScript: string;
  models: ModelDirectory;
  /** Where a model's takes go: its song's rate, the original a gap fill is spliced into. */
  originals: ClipOriginals;
  /** Which modes a generating-ready model offers (engine.ts describeModes: exports ONNX on demand). */
  describeModes(model: Model, modelDir: string): Promise<ModeAvailability[]>;
  /** The onnxruntime execution provider batches ask for [auto]. */
  executionProvider?: 'auto' | 'cpu' | 'cuda';
  events: TakesEvents;
}

interface QueuedBatch {
  batchId: string;
  modelId: number;
  takeIds: number[];
  executionProvider: 'auto' | 'cpu' | 'cuda';
  target: TakeTarget;
}

export class TakesService {
  readonly #repo: TakeRepository;
  readonly #options: TakesServiceOptions;
  readonly #queue: QueuedBatch[] = [];
  #active: BatchRun | null = null;
  readonly #waiters = new Set<() => void>();
  readonly #modesInFlight = new Map<number, Promise<ModeAvailability[]>>();
  readonly #swept: Promise<void>;
  #disposed = false;

  constructor(repo: TakeRepository, options: TakesServiceOptions) {
    this.#repo = repo;
    this.#options = options;
    const orphans = repo.markOrphansFailed(isProcessAlive);
    if (orphans.length > 0) options.events.changed(orphans, repo.modelIdsOf(orphans));
    this.#swept = this.#removeFoldersOfDeletedModels();
  }

  list(filter: TakeFilter = {}): Take[] {
    return this.#repo.list(filter);
  }

  get(takeId: number): Take {
    return this.#repo.get(takeId);
  }

  /** A batch's takes in the order they were queued. */
  batch(batchId: string): Take[] {
    return this.#repo.batch(batchId);
  }

  /** Every mode with whether it applies to the model and why not (all unavailable until it can generate). */
  async listModes(modelId: number): Promise<ModeAvailability[]> {
    const model = this.#options.models.get(modelId);
    const why = whyNotReady(model);
    if (why !== null) {
      return GENERATION_MODES.map((mode) => ({ mode, available: false, reason: why, fixedSeconds: null, extendRates: [] }));
    }
    // One export at a time per model: two callers must not write the same onnx/ files at once.
    const inFlight = this.#modesInFlight.get(modelId);
    if (inFlight) return inFlight;
    const pending = this.#options.describeModes(model, this.#options.models.modelDir(modelId)).finally(() => this.#modesInFlight.delete(modelId));
    this.#modesInFlight.set(modelId, pending);
    return pending;
  }

  /**
   * Queues `count` takes (seeds seed, seed+1, … — a random first seed when none is given) and
   * starts them when no other batch of this process runs. The rows exist when this resolves.
   */
  async generate(input: GenerateRequest, options: { executionProvider?: 'auto' | 'cpu' | 'cuda' } = {}): Promise<{ batchId: string; takes: Take[] }> {
    if (this.#disposed) throw new AppError('INTERNAL', 'generation is shutting down');
    const request = generateRequestSchema.parse(input);
    const model = this.#options.models.get(request.modelId);
    const why = whyNotReady(model);
    if (why !== null) throw new AppError('INVALID_INPUT', why);
    const modes = await this.listModes(model.id);
    const mode = modes.find((m) => m.mode === request.mode);
    if (!mode?.available) {
      throw new AppError('INVALID_INPUT', `model ${model.id} cannot make ${request.mode} takes: ${mode?.reason ?? 'unknown mode'}`);
    }
    if (isSeedless(request.mode) && request.count > 1) throw new AppError('INVALID_INPUT', seedlessCountRefusal(request.mode, request.count));
    const batchId = randomBytes(8).toString('hex');
    const takeIds = this.#repo.insertBatch({
      modelId: model.id,
      clipId: model.clipId,
      songId: model.songId,
      batchId,
      settings: takeSettingsFor(request, mode, model),
      seeds: batchSeeds(request.seed ?? randomSeed(), request.count),
      ownerPid: process.pid,
      scales: model.scalesDone,
    });
    const clip = this.#options.originals.of(model);
    this.#queue.push({
      batchId,
      modelId: model.id,
      takeIds,
      executionProvider: options.executionProvider ?? this.#options.executionProvider ?? 'auto',
      target: { songRate: clip?.songRate ?? null, original: clip?.original ?? null },
    });
    this.#changed(takeIds);
    this.#pump();
    return { batchId, takes: this.#repo.batch(batchId) };
  }

  /** One take with the same model, mode and settings as `takeId`, and a fresh seed (a seedless mode's is refused while it exists). */
  regenerate(takeId: number): Promise<{ batchId: string; takes: Take[] }> {
    const take = this.#repo.get(takeId);
    return this.generate({
      modelId: take.modelId,
      mode: take.settings.mode,
      count: 1,
      ...(take.settings.mode === 'new' ? { seconds: take.settings.seconds } : {}),
      ...(take.settings.extendFromRate !== null ? { extendFromRate: take.settings.extendFromRate } : {}),
    });
  }

  /** Stops a batch of this process: the take in progress and the queued ones fail as cancelled. */
  cancel(batchId: string): { cancelled: number } {
    if (this.#active?.batchId === batchId) return { cancelled: this.#active.stop(TAKE_FAILURE.cancelled) };
    const queued = this.#queue.findIndex((batch) => batch.batchId === batchId);
    if (queued >= 0) {
      const [batch] = this.#queue.splice(queued, 1);
      const failed = this.#repo.fail(batch!.takeIds, TAKE_FAILURE.cancelled);
      this.#changed(failed);
      this.#notify();
      return { cancelled: failed.length };
    }
    const unfinished = this.#repo.unfinished(batchId);
    if (unfinished.length > 0) {
      throw new AppError('INVALID_INPUT', `batch ${batchId} is generating in another Eureka process; cancel it there`);
    }
    if (this.#repo.batch(batchId).length === 0) throw new AppError('NOT_FOUND', `there is no batch ${batchId}`);
    return { cancelled: 0 };
  }

  update(takeId: number, patch: TakePatch): Take {
    const take = this.#repo.update(takeId, takePatchSchema.parse(patch));
    this.#options.events.changed([take.id], [take.modelId]);
    return take;
  }

  /** Deletes the files of discarded takes (of a model, a clip, or all); rows and provenance stay. */
  async deleteDiscarded(filter: TakeFilter = {}): Promise<{ deleted: number }> {
    const targets = this.#repo.discardedFiles(filter);
    for (const target of targets) {
      await rm(path.join(this.#options.dataDir, target.file), { force: true });
      this.#repo.clearFile(target.id);
    }
    if (targets.length > 0) this.#changed(targets.map((t) => t.id));
    return { deleted: targets.length };
  }

  /** The WAV of a take (NOT_FOUND while it has none). */
  filePath(takeId: number): string {
    const take = this.#repo.get(takeId);
    const file = this.#repo.file(takeId);
    if (file === null) {
      const why = take.status === 'ready' ? 'its file was deleted' : `it is ${take.status}`;
      throw new AppError('NOT_FOUND', `take ${takeId} has no audio: ${why}`);
    }
    return path.join(this.#options.dataDir, file);
  }

  /** Resolves with the batch's takes once none is queued or generating. */
  async waitForBatch(batchId: string): Promise<Take[]> {
    for (;;) {
      const takes = this.#repo.batch(batchId);
      if (takes.length === 0) throw new AppError('NOT_FOUND', `there is no batch ${batchId}`);
      if (takes.every((take) => take.status === 'ready' || take.status === 'failed')) return takes;
      await new Promise<void>((resolve) => this.#waiters.add(resolve));
    }
  }

  /** Resolves once no batch of this process is queued or running (its worker is gone). */
  async whenIdle(): Promise<void> {
    while (this.#active || this.#queue.length > 0) {
      await (this.#active?.ended ?? new Promise<void>((resolve) => this.#waiters.add(resolve)));
      await Promise.resolve(); // let the run's own ended handler clear #active first
    }
  }

  /** Worker pid of the running batch (diagnostics and tests). */
  workerPid(): number | null {
    return this.#active?.pid ?? null;
  }

  /** After models changed: the takes folder of a model that no longer exists goes (its rows went by cascade). */
  async modelsChanged(modelIds: number[]): Promise<void> {
    const gone = modelIds.filter((id) => !this.#modelExists(id));
    for (const id of gone) {
      for (const batch of this.#queue.filter((b) => b.modelId === id)) this.#queue.splice(this.#queue.indexOf(batch), 1);
      if (this.#active?.modelId === id) this.#active.stop('its model was deleted');
    }
    await Promise.all(gone.map((id) => rm(this.#takesDir(id), { recursive: true, force: true })));
    if (gone.length > 0) this.#options.events.changed([], gone);
  }

  /** Fails queued batches, stops the running one (its takes fail as interrupted) and waits for its worker. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const batch of this.#queue.splice(0)) this.#changed(this.#repo.fail(batch.takeIds, TAKE_FAILURE.closed));
    const active = this.#active;
    if (active) {
      active.stop(TAKE_FAILURE.closed);
      await active.ended;
    }
    await this.#swept;
  }

  #pump(): void {
    if (this.#active || this.#disposed) return;
    const batch = this.#queue.shift();
    if (!batch) return;
    const run = new BatchRun(
      { ...batch, modelDir: this.#options.models.modelDir(batch.modelId) },
      this.#repo,
      this.#options.dataDir,
      {
        progress: (event) => this.#options.events.progress(event),
        changed: (takeIds) => this.#changed(takeIds),
      },
    );
    this.#active = run;
    void run.ended.then(() => {
      this.#active = null;
      this.#notify();
      this.#pump();
    });
    run.start(this.#options.launch, this.#options.workerScript);
  }

  #changed(takeIds: number[]): void {
    if (takeIds.length === 0) return;
    this.#options.events.changed(takeIds, this.#repo.modelIdsOf(takeIds));
    this.#notify();
  }

  #notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const resolve of waiters) resolve();
  }

  #takesDir(modelId: number): string {
    return path.join(this.#options.dataDir, 'takes', String(modelId));
  }

  #modelExists(modelId: number): boolean {
    try {
      this.#options.models.get(modelId);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }

  async #removeFoldersOfDeletedModels(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(path.join(this.#options.dataDir, 'takes'));
    } catch {
      return;
    }
    const ids = names.filter((name) => /^[1-9]\d*$/.test(name)).map(Number);
    await this.modelsChanged(ids).catch(() => undefined);
  }
}
