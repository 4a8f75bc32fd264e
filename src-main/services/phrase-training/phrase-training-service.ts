/**
 * Phrase model training jobs (docs/midi.md "Phrase models in the app"): create a `continue` or
 * `vary` model from the MIDI parts of chosen songs (or the whole library), queue it (persisted in
 * SQLite, migration 0013), run each job in its own training worker process, follow its progress,
 * and cancel, resume or delete it — the queue discipline of the audio models
 * (services/training/training-service.ts).
 *
 * One job runs at a time per core across audio and phrase models: both queues share one
 * {@link JobSlot} (node/job-slot.ts) and start their next job when it is freed. `runQueue: 'all'`
 * (the app, web mode) starts queued jobs in order, including those found at start-up; 'own' (the
 * CLI) only the jobs this process was asked to run. A job found 'running' under a process that
 * no longer exists is marked interrupted; it resumes from its last saved state (resume.ckpt).
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { AppError, toErrorPayload } from '../../common/errors.js';
import { formatDuration } from '../../common/format-time.js';
import {
  phraseLossPointSchema,
  phraseTrainRequestSchema,
  type PhraseForecast,
  type PhraseLossPoint,
  type PhraseModel,
  type PhraseModelKind,
  type PhrasePreset,
  type PhraseTrainingProgress,
  type PhraseTrainRequest,
} from '../../common/phrases.js';
import { RESUMABLE_STATUSES } from '../../common/training.js';
import type { JobSlot } from '../../node/job-slot.js';
import { pausePoint } from '../../node/pause-point.js';
import { isProcessAlive } from '../../node/process-alive.js';
import { randomSeed } from '../../node/seeded-random.js';
import { JobWaiters, WorkerRun } from '../../node/worker-run.js';
import type { WorkerLauncher, WorkerProcess } from '../../node/worker-process.js';
import { phraseModelDirOf, phraseModelFile, writePhraseCorpus } from '../models/phrase-model-files.js';
import { LM_PRESETS } from '../phrase-models/lm-presets.js';
import { VAE_PRESETS } from '../phrase-models/vae-presets.js';
import { buildCorpus, type BuiltCorpus, type PhraseSource } from './phrase-corpus.js';
import type { PhraseModelRepository } from './phrase-model-repository.js';
import { phraseWorkerMessageSchema, type PhraseJob, type PhraseJobMessage } from './protocol.js';

export interface PhraseTrainingEvents {
  progress(event: PhraseTrainingProgress): void;
  changed(modelIds: number[]): void;
}

export interface PhraseTrainingServiceOptions {
  dataDir: string;
  launch: WorkerLauncher;
  /** The training worker (workers/training-worker.ts), which runs phrase jobs too. */
  workerScript: string;
  runQueue: 'all' | 'own';
  /** The core's one training slot, shared with the audio models' queue. */
  slot: JobSlot;
  source: PhraseSource;
  events: PhraseTrainingEvents;
}

/** Loss points kept when a curve is read (the file keeps every reported point). */
const MAX_LOSS_POINTS = 2000;
/** How long a cancelled worker gets to save and leave before it is killed. */
const STOP_GRACE_MS = 30_000;

/** The default budget of a kind's preset, seconds. */
function defaultBudget(kind: PhraseModelKind, preset: PhrasePreset): number {
  return kind === 'continue' ? LM_PRESETS[preset].defaultSeconds : VAE_PRESETS[preset].defaultSeconds;
}

const KIND_WORDS: Record<PhraseModelKind, string> = { continue: 'carries a phrase on', vary: 'makes variations of a phrase' };

interface ActiveJob {
  modelId: number;
  run: WorkerRun<Extract<PhraseJobMessage, { type: 'phrases-finished' }>>;
  progress: PhraseTrainingProgress | null;
}

export class PhraseTrainingService {
  readonly #repo: PhraseModelRepository;
  readonly #options: PhraseTrainingServiceOptions;
  #active: ActiveJob | null = null;
  readonly #waiters = new JobWaiters();
  readonly #own = new Set<number>();
  #disposed = false;

  constructor(repo: PhraseModelRepository, options: PhraseTrainingServiceOptions) {
    this.#repo = repo;
    this.#options = options;
    options.slot.onFreed(() => this.#pump());
    const orphans = repo.markOrphansInterrupted(isProcessAlive);
    if (orphans.length > 0) options.events.changed(orphans);
    if (options.runQueue === 'all') this.#pump();
  }

  list(): PhraseModel[] {
    return this.#repo.list().map((model) => this.#withProgress(model));
  }

  get(modelId: number): PhraseModel {
    return this.#withProgress(this.#repo.get(modelId));
  }

  /** The folder of a phrase model (services/models/phrase-model-files.ts names what is in it). */
  modelDir(modelId: number): string {
    return phraseModelDirOf(this.#options.dataDir, modelId);
  }

  /** What `create` would learn from and how long it takes, or why it cannot (a missing song is NOT_FOUND). */
  forecast(input: PhraseTrainRequest): PhraseForecast {
    const request = phraseTrainRequestSchema.parse(input);
    let budgetSeconds: number;
    let built: BuiltCorpus;
    try {
      budgetSeconds = request.budgetSeconds ?? defaultBudget(request.kind, request.preset);
      built = this.#corpusOf(request, request.seed ?? '0');
    } catch (error) {
      if (error instanceof AppError && error.code === 'INVALID_INPUT') return { outcome: 'refused', headline: error.message, corpus: null, seconds: null };
      throw error;
    }
    const { summary } = built;
    const headline =
      `Learns from ${summary.trainPhrases} phrases of ${request.bars} bars (${summary.parts} part${summary.parts === 1 ? '' : 's'} in ${summary.songs} song${summary.songs === 1 ? '' : 's'}` +
      (summary.heldOutPhrases > 0 ? `; ${summary.heldOutPhrases} more kept aside to test it` : '; none kept aside to test it: one part only') +
      `) in about ${formatDuration(budgetSeconds)}; then it ${KIND_WORDS[request.kind]}.`;
    return { outcome: 'fits', headline, corpus: summary, seconds: budgetSeconds };
  }

  /**
   * Creates a phrase model and queues it: the row first, then its folder with the phrases it
   * learns from (corpus.json), so a folder never exists without its row; a failure leaves neither.
   */
  async create(input: PhraseTrainRequest): Promise<PhraseModel> {
    const request = phraseTrainRequestSchema.parse(input);
    const budgetSeconds = request.budgetSeconds ?? defaultBudget(request.kind, request.preset);
    const seed = request.seed ?? randomSeed();
    const { corpus, summary, songNames } = this.#corpusOf(request, seed);
    const id = this.#repo.insert({
      kind: request.kind,
      name: request.name ?? defaultName(request.kind, request.songIds.length > 0 ? songNames : null, request.bars),
      preset: request.preset,
      request: { songIds: request.songIds, bars: request.bars, budgetSeconds, seed },
      corpus: summary,
    });
    const dir = this.modelDir(id);
    try {
      await mkdir(dir, { recursive: true });
      await writePhraseCorpus(dir, corpus);
    } catch (error) {
      this.#repo.delete(id);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    this.#own.add(id);
    this.#options.events.changed([id]);
    this.#pump();
    return this.get(id);
  }

  #corpusOf(request: ReturnType<typeof phraseTrainRequestSchema.parse>, seed: string): BuiltCorpus {
    for (const songId of request.songIds) this.#options.source.songName(songId); // NOT_FOUND first, before any phrase is cut
    return buildCorpus(this.#options.source, { songIds: request.songIds, bars: request.bars, seed });
  }

  /** Queues a failed, cancelled or interrupted model again; it goes on from its last saved state. */
  resume(modelId: number): PhraseModel {
    const model = this.#repo.get(modelId);
    if (!RESUMABLE_STATUSES.includes(model.status)) {
      throw new AppError('INVALID_INPUT', `phrase model ${modelId} is ${model.status}: only a failed, cancelled or interrupted model can resume`);
    }
    if (!this.#repo.requeue(modelId)) throw new AppError('INVALID_INPUT', `phrase model ${modelId} changed state meanwhile; try again`);
    this.#own.add(modelId);
    this.#options.events.changed([modelId]);
    this.#pump();
    return this.get(modelId);
  }

  /** Stops a model: a queued one at once, the running one after its current step (its state saved). */
  cancel(modelId: number): PhraseModel {
    const model = this.#repo.get(modelId);
    if (model.status === 'queued') {
      this.#repo.cancelQueued(modelId);
      this.#own.delete(modelId);
      this.#options.events.changed([modelId]);
      this.#waiters.notify(modelId);
    } else if (model.status === 'running') {
      const active = this.#active;
      if (active?.modelId !== modelId) {
        throw new AppError('INVALID_INPUT', `phrase model ${modelId} is training in another Eureka process; cancel it there`);
      }
      active.run.stop(STOP_GRACE_MS);
    } else {
      throw new AppError('INVALID_INPUT', `phrase model ${modelId} is ${model.status}, not training`);
    }
    return this.get(modelId);
  }

  /** Deletes a model that is not training: its row, then its folder (takes go with the row by cascade). */
  async delete(modelId: number): Promise<void> {
    const model = this.#repo.get(modelId);
    if (model.status === 'running' || model.status === 'queued') {
      throw new AppError('INVALID_INPUT', `phrase model ${modelId} is ${model.status}: cancel it before deleting it`);
    }
    this.#repo.delete(modelId);
    await rm(this.modelDir(modelId), { recursive: true, force: true });
    this.#options.events.changed([modelId]);
  }

  /** Resolves with the model once it is no longer queued or running. */
  async waitFor(modelId: number): Promise<PhraseModel> {
    await this.#waiters.settled(modelId, () => this.#repo.get(modelId).status);
    return this.get(modelId);
  }

  /** The loss curve so far (a resumed run's abandoned steps dropped), thinned to at most MAX_LOSS_POINTS. */
  async losses(modelId: number): Promise<PhraseLossPoint[]> {
    this.#repo.get(modelId);
    let text: string;
    try {
      text = await readFile(phraseModelFile(this.modelDir(modelId), 'losses'), 'utf8');
    } catch {
      return [];
    }
    const points: PhraseLossPoint[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let point: PhraseLossPoint;
      try {
        point = phraseLossPointSchema.parse(JSON.parse(line));
      } catch {
        continue; // a torn last line after a crash
      }
      // A resumed run goes on from its last saved step: its later points before the stop were abandoned.
      while (points.length > 0 && points.at(-1)!.step >= point.step) points.pop();
      points.push(point);
    }
    if (points.length <= MAX_LOSS_POINTS) return points;
    const every = Math.ceil(points.length / MAX_LOSS_POINTS);
    return points.filter((_, i) => i % every === 0 || i === points.length - 1);
  }

  /** Worker pid of the running job (diagnostics and tests). */
  workerPid(): number | null {
    return this.#active?.run.worker.pid ?? null;
  }

  /** Ends the running job as interrupted (resumable from its last saved state) and waits for its worker to be gone. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.#active?.run.close();
  }

  // ---- running jobs

  #pump(): void {
    if (this.#active || this.#disposed || this.#options.slot.busy) return;
    const candidates = this.#options.runQueue === 'all' ? [this.#repo.nextQueued()] : [...this.#own];
    for (const id of candidates) {
      if (id === null) continue;
      const model = this.#repo.find(id);
      if (model?.status !== 'queued') {
        if (model?.status !== 'running') this.#own.delete(id);
        continue;
      }
      if (!this.#repo.claim(id, process.pid)) continue;
      this.#own.delete(id);
      this.#options.slot.take(slotName(id));
      this.#start(model);
      return;
    }
  }

  #start(model: PhraseModel): void {
    const request = this.#repo.request(model.id);
    const job: PhraseJob = {
      modelId: model.id,
      kind: model.kind,
      modelDir: this.modelDir(model.id),
      preset: model.preset,
      seed: request.seed,
      budgetSeconds: request.budgetSeconds,
      steps: model.stepsTotal,
    };
    let worker: WorkerProcess;
    try {
      worker = this.#options.launch(this.#options.workerScript);
    } catch (error) {
      this.#repo.finish(model.id, { status: 'failed', error: `cannot start the training worker: ${toErrorPayload(error).message}`, seconds: 0 });
      this.#options.events.changed([model.id]);
      this.#waiters.notify(model.id);
      this.#options.slot.release(slotName(model.id));
      return;
    }
    const active: ActiveJob = { modelId: model.id, run: new WorkerRun(worker, phraseModelFile(this.modelDir(model.id), 'losses')), progress: null };
    this.#active = active;
    active.run.listen(
      { type: 'start-phrases', job },
      (raw) => phraseWorkerMessageSchema.safeParse(raw).data ?? null,
      (message) => this.#onMessage(active, message),
      (reason) => this.#onExit(active, reason),
    );
    this.#options.events.changed([model.id]);
  }

  #onMessage(active: ActiveJob, message: PhraseJobMessage): void {
    const id = active.modelId;
    switch (message.type) {
      case 'phrases-planned':
        this.#repo.setStepsTotal(id, message.steps);
        this.#options.events.changed([id]);
        return;
      case 'phrases-progress': {
        const done = message.step - message.fromStep;
        const etaSeconds = done > 0 && message.seconds > 0 ? ((message.steps - message.step) * message.seconds) / done : null;
        active.progress = { modelId: id, step: message.step, steps: message.steps, loss: message.loss, fraction: Math.min(1, message.step / message.steps), etaSeconds };
        active.run.addLoss(JSON.stringify({ step: message.step, loss: message.loss }), message.step === message.steps);
        this.#options.events.progress(active.progress);
        // Where the crash tests kill the owner of a running job (node/pause-point.ts).
        pausePoint('phrase-training:progress');
        return;
      }
      case 'phrases-saved':
        this.#repo.setStepsDone(id, message.step);
        return;
      case 'phrases-finished':
      case 'failed':
        active.run.lastWord(message);
        return;
    }
  }

  #onExit(active: ActiveJob, exitReason: string | null): void {
    const id = active.modelId;
    const { run } = active;
    const terminal = run.terminal;
    if (terminal?.type === 'phrases-finished') {
      const status = run.finishedStatus(terminal.cancelled);
      this.#repo.finish(id, { status, error: null, seconds: run.seconds, stepsDone: terminal.step, ...(terminal.evaluation ? { evaluation: terminal.evaluation } : {}) });
    } else {
      this.#repo.finish(id, { ...run.failure(exitReason), seconds: run.seconds });
    }
    this.#active = null;
    this.#options.events.changed([id]);
    this.#waiters.notify(id);
    // Freeing the slot starts the next job of either queue (this one's #pump is a listener).
    this.#options.slot.release(slotName(id));
  }

  #withProgress(model: PhraseModel): PhraseModel {
    const active = this.#active;
    return active?.modelId === model.id && model.status === 'running' ? { ...model, progress: active.progress } : model;
  }
}

/** How the shared slot names a phrase job. */
function slotName(modelId: number): string {
  return `phrase model ${modelId}`;
}

/** "continue · Night Drive, 4 bars", "vary · 3 songs, 8 bars", "continue · the whole library, 4 bars". */
function defaultName(kind: PhraseModelKind, songNames: string[] | null, bars: number): string {
  const songs = songNames === null ? 'the whole library' : songNames.length === 1 ? songNames[0]! : `${songNames.length} songs`;
  return `${kind} · ${songs}, ${bars} bars`.slice(0, 200);
}
