/**
 * Training jobs: create a model from a clip and a preset, queue it (persisted in SQLite), run
 * each job in its own worker process, follow its progress (ETA from planner.ts), record its
 * finished scales and loss curve, and cancel, resume or delete it.
 *
 * One job runs at a time per core (a 2-core machine gains nothing from two, and a GPU is one
 * device): this queue and the phrase models' share one JobSlot (node/job-slot.ts). `runQueue: 'all'` (the app, web mode) starts queued jobs in order, including those
 * found at start-up; 'own' (the CLI) runs only the jobs this process was asked to run.
 * A job found 'running' under a process that no longer exists is marked interrupted.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AudioFile, Clip, Song } from '../../common/dto.js';
import { AppError, toErrorPayload } from '../../common/errors.js';
import { formatSeconds } from '../../common/format-time.js';
import {
  lossPointSchema,
  RESUMABLE_STATUSES,
  trainRequestSchema,
  type LossPoint,
  type Model,
  type PresetSummary,
  type TrainingPlan,
  type TrainForecast,
  type TrainingProgressEvent,
  type TrainRequest,
} from '../../common/training.js';
import { JobSlot } from '../../node/job-slot.js';
import { isProcessAlive } from '../../node/process-alive.js';
import { randomSeed } from '../../node/seeded-random.js';
import { JobWaiters, WorkerRun } from '../../node/worker-run.js';
import type { WorkerLauncher, WorkerProcess } from '../../node/worker-process.js';
import { MODEL_FILES, modelDirOf } from '../models/model-files.js';
import { writeSourceFiles } from '../models/model-source.js';
import { forecastOf, laterForecast } from './forecast.js';
import { costModelOf, MachineSpeedStore, type MeasuredSpeed } from './machine-speed.js';
import { forecastRemaining, type PlanInputs } from './planner.js';
import { listPresets, loadPreset, type Preset } from './presets.js';
import { SpeedMeter } from './speed-meter.js';
import { workerMessageSchema, type WorkerJob, type WorkerMessage } from './protocol.js';
import { ModelRepository } from './model-repository.js';

export interface TrainingEvents {
  progress(event: TrainingProgressEvent): void;
  changed(modelIds: number[]): void;
}

/**
 * The clips a model is made from, as the library knows them (core.ts passes the library
 * service): the clip, its song and file, and its audio prepared for the trainer.
 */
export interface ClipSource {
  /** Each throws NOT_FOUND when there is no such row. */
  getClip(clipId: number): Clip;
  getSong(songId: number): Song;
  getFile(fileId: number): AudioFile;
  /** The clip as mono float samples at `sampleRate`. */
  trainingAudio(clipId: number, sampleRate: number): Promise<{ samples: Float32Array }>;
}

export interface TrainingServiceOptions {
  dataDir: string;
  launch: WorkerLauncher;
  workerScript: string;
  runQueue: 'all' | 'own';
  /** Which device a request gets, and why (device-choice.ts). */
  chooseDevice(requested: 'auto' | 'cpu' | 'cuda'): { device: 'cpu' | 'cuda'; reason: string };
  events: TrainingEvents;
  /** The core's one training slot, shared with the phrase models' queue [a slot of its own]. */
  slot?: JobSlot;
}

/** A run's deviceReason once the trainer has checked the GPU and trains on it. */
export const GPU_CHECKED_REASON = "the GPU passed the trainer's check against the CPU";

/** Loss points kept per scale when a curve is read (the file keeps every reported epoch). */
const MAX_POINTS_PER_SCALE = 1500;
/** How long a cancelled worker gets to finish its epoch before it is killed. */
const STOP_GRACE_MS = 15_000;

interface ActiveJob {
  modelId: number;
  run: WorkerRun<Extract<WorkerMessage, { type: 'finished' }>>;
  progress: TrainingProgressEvent | null;
  /** Sum and count of the reported epoch times of the current scale. */
  scaleTime: { scale: number; sum: number; count: number };
  /** The plan it runs (the stored one on resume, the worker's once it has planned). */
  plan: TrainingPlan | null;
  /** Trained scales as the trainer reported them (null before its first report). */
  scalesKnown: number | null;
}

export class TrainingService {
  readonly #repo: ModelRepository;
  readonly #clips: ClipSource;
  readonly #options: TrainingServiceOptions;
  #active: ActiveJob | null = null;
  readonly #waiters = new JobWaiters();
  readonly #own = new Set<number>();
  readonly #speeds: MachineSpeedStore;
  readonly #meter: SpeedMeter;
  readonly #slot: JobSlot;
  #disposed = false;

  constructor(repo: ModelRepository, clips: ClipSource, options: TrainingServiceOptions) {
    this.#repo = repo;
    this.#clips = clips;
    this.#options = options;
    this.#slot = options.slot ?? new JobSlot();
    this.#slot.onFreed(() => this.#pump());
    this.#speeds = new MachineSpeedStore(options.dataDir);
    this.#meter = new SpeedMeter({ launch: options.launch, workerScript: options.workerScript, store: this.#speeds, onIdle: () => this.#pump() });
    const orphans = repo.markOrphansInterrupted(isProcessAlive);
    if (orphans.length > 0) options.events.changed(orphans);
    if (options.runQueue === 'all') this.#pump();
  }

  presets(): PresetSummary[] {
    return listPresets();
  }

  list(clipId?: number): Model[] {
    return this.#repo.list(clipId).map((model) => this.#withProgress(model));
  }

  get(modelId: number): Model {
    return this.#withProgress(this.#repo.get(modelId));
  }

  /** The folder holding a model's checkpoints and previews. */
  modelDir(modelId: number): string {
    return modelDirOf(this.#options.dataDir, modelId);
  }

  /** A preview WAV of a finished scale (NOT_FOUND unless it was written). */
  previewPath(modelId: number, scale: number, kind: 'fake' | 'rec'): string {
    const model = this.#repo.get(modelId);
    const record = model.scales.find((s) => s.scale === scale);
    if (!record?.previews.includes(kind)) throw new AppError('NOT_FOUND', `model ${modelId} has no ${kind} preview of scale ${scale}`);
    return path.join(this.modelDir(modelId), MODEL_FILES.previews, MODEL_FILES.preview(scale, kind));
  }

  /**
   * Creates a model for a clip and queues it. The clip's audio is copied into the model's folder
   * first (so the model outlives edits to the clip); a failure leaves no row and no folder.
   */
  async create(input: TrainRequest): Promise<Model> {
    const { request, preset, clip, song, device, reason, sourceRate } = this.#resolve(input);
    // With a fresh measurement the budget is checked now, before anything is made, and the run
    // trains the plan its forecast showed.
    const speed = await this.#speeds.fresh(preset, device);
    if (speed) {
      const forecast = forecastOf(this.#planInputs(request, preset, clip, device, reason, sourceRate, speed), speed.measuredAt);
      if (forecast.outcome === 'refused') throw new AppError('INVALID_INPUT', forecast.headline);
    }
    const audio = await this.#clips.trainingAudio(clip.id, sourceRate);
    const id = this.#repo.insert({
      clipId: clip.id,
      songId: song.id,
      name: `${song.name} · ${formatSeconds(clip.start)}–${formatSeconds(clip.end)}`,
      preset: preset.name,
      request: {
        budgetSeconds: preset.budget ? (request.budgetSeconds ?? preset.budget.defaultSeconds) : null,
        device,
        deviceReason: reason,
        seed: request.seed ?? randomSeed(),
        mode: request.mode ?? null,
        ...(request.overBudget === undefined ? {} : { overBudget: request.overBudget }),
      },
    });
    const dir = this.modelDir(id);
    try {
      await mkdir(dir, { recursive: true });
      await writeSourceFiles(dir, audio.samples, {
        sampleRate: sourceRate,
        samples: audio.samples.length,
        label: clip.label,
        hole: clip.holeStart !== null && clip.holeEnd !== null ? { start: clip.holeStart - clip.start, end: clip.holeEnd - clip.start } : null,
      });
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

  /**
   * What `create` would train, told before it starts (docs/architecture.md "Training"): the plan,
   * its time and what it buys, or the shortest budget that works. Measures this machine first
   * when no fresh measurement exists and nothing trains (tens of seconds, once per half hour).
   */
  async forecast(input: TrainRequest): Promise<TrainForecast> {
    const { request, preset, clip, device, reason, sourceRate } = this.#resolve(input);
    const speed = await this.#meter.speedFor(preset, device, this.#slot.busy);
    if (!speed) return laterForecast(preset);
    // A preset that does not probe measured nothing (only whether bf16 is there).
    return forecastOf(this.#planInputs(request, preset, clip, device, reason, sourceRate, speed), speed.costs.length > 0 ? speed.measuredAt : null);
  }

  /** A request checked against its preset and clip, with the device it gets and the rate its audio is read at. */
  #resolve(input: TrainRequest) {
    const request = trainRequestSchema.parse(input);
    const preset = loadPreset(request.preset);
    if (request.budgetSeconds !== undefined && !preset.budget) {
      throw new AppError('INVALID_INPUT', `the ${preset.name} preset has no time budget (only quick plans to one)`);
    }
    const clip = this.#clips.getClip(request.clipId);
    if (request.mode !== undefined && clip.label === 'gap') {
      throw new AppError('INVALID_INPUT', `clip ${clip.id} is a gap clip: it trains in inpainting mode, not ${request.mode}`);
    }
    const song = this.#clips.getSong(clip.songId);
    const file = this.#clips.getFile(clip.fileId);
    const { device, reason } = this.#options.chooseDevice(request.device);
    const highest = Math.max(preset.topRate, ...(preset.budget?.ladder.map((rung) => rung.topRate) ?? []));
    const sourceRate = Math.max(1000, Math.min(highest, file.sampleRate));
    return { request, preset, clip, song, device, reason, sourceRate };
  }

  /** The planner's inputs for a request, as the worker will have them (its source audio is the clip at sourceRate). */
  #planInputs(
    request: ReturnType<typeof trainRequestSchema.parse>,
    preset: Preset,
    clip: Clip,
    device: 'cpu' | 'cuda',
    deviceReason: string,
    sourceRate: number,
    speed: MeasuredSpeed,
  ): PlanInputs {
    const samples = Math.round((clip.end - clip.start) * sourceRate);
    const hole = clip.holeStart !== null && clip.holeEnd !== null ? { start: clip.holeStart - clip.start, end: clip.holeEnd - clip.start } : null;
    return {
      preset,
      clip: { seconds: samples / sourceRate, sourceRate, hole },
      seed: request.seed ?? '0',
      device,
      deviceReason,
      bf16: speed.bf16,
      costs: costModelOf(speed),
      budgetSeconds: preset.budget ? (request.budgetSeconds ?? preset.budget.defaultSeconds) : null,
      spentSeconds: 0,
      ...(request.overBudget === undefined ? {} : { overBudget: request.overBudget }),
      mode: request.mode ?? null,
    };
  }

  /** Queues a failed, cancelled or interrupted model again; it continues after its last finished scale. */
  resume(modelId: number): Model {
    const model = this.#repo.get(modelId);
    if (!RESUMABLE_STATUSES.includes(model.status)) {
      throw new AppError('INVALID_INPUT', `model ${modelId} is ${model.status}: only a failed, cancelled or interrupted model can resume`);
    }
    if (!this.#repo.requeue(modelId)) throw new AppError('INVALID_INPUT', `model ${modelId} changed state meanwhile; try again`);
    this.#own.add(modelId);
    this.#options.events.changed([modelId]);
    this.#pump();
    return this.get(modelId);
  }

  /** Stops a model: a queued one at once, the running one after its current epoch (finished scales stay). */
  cancel(modelId: number): Model {
    const model = this.#repo.get(modelId);
    if (model.status === 'queued') {
      this.#repo.cancelQueued(modelId);
      this.#options.events.changed([modelId]);
      this.#waiters.notify(modelId);
    } else if (model.status === 'running') {
      const active = this.#active;
      if (active?.modelId !== modelId) {
        throw new AppError('INVALID_INPUT', `model ${modelId} is training in another Eureka process; cancel it there`);
      }
      active.run.stop(STOP_GRACE_MS);
    } else {
      throw new AppError('INVALID_INPUT', `model ${modelId} is ${model.status}, not training`);
    }
    return this.get(modelId);
  }

  /** Deletes a model that is not training: its row and its folder. */
  async delete(modelId: number): Promise<void> {
    const model = this.#repo.get(modelId);
    if (model.status === 'running' || model.status === 'queued') {
      throw new AppError('INVALID_INPUT', `model ${modelId} is ${model.status}: cancel it before deleting it`);
    }
    this.#repo.delete(modelId);
    await rm(this.modelDir(modelId), { recursive: true, force: true });
    this.#options.events.changed([modelId]);
  }

  /** Resolves with the model once it is no longer queued or running. */
  async waitFor(modelId: number): Promise<Model> {
    await this.#waiters.settled(modelId, () => this.#repo.get(modelId).status);
    return this.get(modelId);
  }

  /** The loss curve so far, thinned to at most MAX_POINTS_PER_SCALE points per scale. */
  async losses(modelId: number): Promise<LossPoint[]> {
    this.#repo.get(modelId);
    let text: string;
    try {
      text = await readFile(path.join(this.modelDir(modelId), MODEL_FILES.losses), 'utf8');
    } catch {
      return [];
    }
    const byScale = new Map<number, LossPoint[]>();
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let point: LossPoint;
      try {
        point = lossPointSchema.parse(JSON.parse(line));
      } catch {
        continue; // a torn last line after a crash
      }
      const list = byScale.get(point.scale) ?? [];
      // A resumed scale starts again: drop the abandoned attempt's later epochs.
      while (list.length > 0 && list.at(-1)!.epoch >= point.epoch) list.pop();
      list.push(point);
      byScale.set(point.scale, list);
    }
    return [...byScale.keys()].sort((a, b) => a - b).flatMap((scale) => thin(byScale.get(scale)!, MAX_POINTS_PER_SCALE));
  }

  /**
   * Where a request for `requested` would train, and why, as far as can be told before the
   * trainer starts (addon/device.ts): the CLI and the Train form pick their default preset by it.
   */
  deviceFor(requested: 'auto' | 'cpu' | 'cuda'): { device: 'cpu' | 'cuda'; reason: string } {
    return this.#options.chooseDevice(requested);
  }

  /** Worker pid of the running job (diagnostics and tests). */
  workerPid(): number | null {
    return this.#active?.run.worker.pid ?? null;
  }

  /**
   * Ends the running job as interrupted (resumable from its last finished scale) and waits for
   * its worker to be gone. The worker is killed rather than asked to finish its epoch: the
   * scale in progress is lost either way, and a top-scale epoch can take minutes on a CPU.
   */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.#active?.run.close();
  }

  // ---- running jobs

  #pump(): void {
    // A measurement for a forecast has the machine: the queue goes on when it ends (onIdle).
    if (this.#active || this.#disposed || this.#meter.busy || this.#slot.busy) return;
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
      this.#slot.take(`audio model ${id}`);
      this.#start(model, this.#freshSpeedFor(model));
      return;
    }
  }

  /** A fresh measurement for a model that has not planned yet (a resume keeps its plan). */
  #freshSpeedFor(model: Model): MeasuredSpeed | null {
    if (model.plan !== null) return null;
    return this.#speeds.freshKnown(loadPreset(model.preset), this.#repo.request(model.id).device);
  }

  #start(model: Model, speed: MeasuredSpeed | null): void {
    const request = this.#repo.request(model.id);
    const job: WorkerJob = {
      modelId: model.id,
      modelDir: this.modelDir(model.id),
      preset: model.preset,
      seed: request.seed,
      device: request.device,
      deviceReason: request.deviceReason,
      budgetSeconds: request.budgetSeconds,
      ...(request.overBudget === undefined ? {} : { overBudget: request.overBudget }),
      mode: request.mode,
      plan: model.plan,
      resume: model.plan !== null,
      previewed: model.scales.filter((s) => s.previews.length > 0).map((s) => s.scale),
      speed,
    };
    let worker: WorkerProcess;
    try {
      worker = this.#options.launch(this.#options.workerScript);
    } catch (error) {
      this.#repo.finish(model.id, { status: 'failed', error: `cannot start the training worker: ${toErrorPayload(error).message}`, seconds: 0 });
      this.#options.events.changed([model.id]);
      this.#waiters.notify(model.id);
      this.#slot.release(`audio model ${model.id}`);
      return;
    }
    const active: ActiveJob = {
      modelId: model.id,
      run: new WorkerRun(worker, path.join(this.modelDir(model.id), MODEL_FILES.losses)),
      progress: null,
      scaleTime: { scale: -1, sum: 0, count: 0 },
      plan: model.plan,
      scalesKnown: null,
    };
    this.#active = active;
    active.run.listen(
      { type: 'start', job },
      (raw) => workerMessageSchema.safeParse(raw).data ?? null,
      (message) => this.#onMessage(active, message),
      (reason) => this.#onExit(active, reason),
    );
    this.#options.events.changed([model.id]);
  }

  #onMessage(active: ActiveJob, message: WorkerMessage): void {
    const id = active.modelId;
    switch (message.type) {
      case 'probing':
        active.progress = { modelId: id, phase: 'probing', scale: 0, scales: 1, epoch: 0, epochs: 1, losses: null, epochSeconds: 0, fraction: 0, etaSeconds: null };
        this.#options.events.progress(active.progress);
        return;
      case 'measured': {
        // The run measured this machine itself: keep it for the next forecast.
        const model = this.#repo.find(id);
        if (model) void this.#speeds.write(loadPreset(model.preset), this.#repo.request(id).device, message.speed).catch(() => undefined);
        return;
      }
      case 'planned':
        active.plan = message.plan;
        this.#repo.setPlan(id, message.plan);
        this.#options.events.changed([id]);
        return;
      case 'progress': {
        if (active.scalesKnown !== message.scales) {
          // The energy rule may skip coarse levels: the trainer's count replaces the plan's.
          active.scalesKnown = message.scales;
          this.#repo.setScalesTotal(id, message.scales);
          this.#options.events.changed([id]);
        }
        if (active.scaleTime.scale !== message.scale) active.scaleTime = { scale: message.scale, sum: 0, count: 0 };
        active.scaleTime.sum += message.epochSeconds;
        active.scaleTime.count += 1;
        const mean = active.scaleTime.sum / active.scaleTime.count;
        const forecast = active.plan ? forecastRemaining(active.plan, message, mean) : { fraction: 0, etaSeconds: null };
        active.progress = { modelId: id, phase: 'training', ...message, ...forecast };
        active.run.addLoss(JSON.stringify({ scale: message.scale, epoch: message.epoch, losses: message.losses }), message.epoch === message.epochs);
        this.#options.events.progress(active.progress);
        return;
      }
      case 'device': {
        // The trainer's word on where it runs replaces the plan's (a GPU that fails its check
        // against the CPU trains on the CPU): the job record keeps what ran, and why.
        const plan = active.plan ?? this.#repo.find(id)?.plan ?? null;
        if (!plan) return;
        const reason = message.device === 'cuda' ? GPU_CHECKED_REASON : message.reason === '' ? plan.deviceReason : message.reason;
        // The summary's "fp32 on the CUDA" (planner.ts) follows the device that runs.
        const summary = plan.summary.replace(/ on the (CPU|CUDA)\b/, ` on the ${message.device.toUpperCase()}`);
        active.plan = { ...plan, device: message.device, deviceReason: reason, deviceName: message.name, summary };
        this.#repo.setPlan(id, active.plan);
        this.#options.events.changed([id]);
        return;
      }
      case 'scale-done':
        this.#repo.addScale(id, message.record, message.scalesTotal);
        this.#options.events.changed([id]);
        return;
      case 'finished':
      case 'failed':
        active.run.lastWord(message);
        return;
    }
  }

  #onExit(active: ActiveJob, exitReason: string | null): void {
    const id = active.modelId;
    const { run } = active;
    const terminal = run.terminal;
    if (terminal?.type === 'finished') {
      const status = run.finishedStatus(terminal.cancelled);
      this.#repo.finish(id, { status, error: null, seconds: run.seconds, scalesDone: terminal.scalesDone, scalesTotal: terminal.scalesTotal });
    } else {
      this.#repo.finish(id, { ...run.failure(exitReason), seconds: run.seconds });
    }
    this.#active = null;
    this.#options.events.changed([id]);
    this.#waiters.notify(id);
    // Freeing the slot starts the next job of either queue (this one's #pump is a listener).
    this.#slot.release(`audio model ${id}`);
  }

  #withProgress(model: Model): Model {
    const active = this.#active;
    return active?.modelId === model.id && model.status === 'running' ? { ...model, progress: active.progress } : model;
  }
}

/** Every k-th point plus the last, so a curve keeps its shape and its end. */
function thin(points: LossPoint[], max: number): LossPoint[] {
  if (points.length <= max) return points;
  const step = Math.ceil(points.length / max);
  return points.filter((_, i) => i % step === 0 || i === points.length - 1);
}
