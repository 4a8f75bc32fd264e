/**
 * Metrics of takes: measure takes against their model's source clip and the song's
 * held-out audio on worker threads (metrics-runner.ts), store each measurement (take_metrics,
 * with the feature summary diversity needs and which held-out audio it was made against), rank
 * a model's takes by the songwriter's weights with their diversity, and serve the data of the
 * side-by-side pictures.
 *
 * A stored measurement is current while its version is METRICS_VERSION and the song's held-out
 * audio is the one it was compared with; otherwise it is measured again when next asked for.
 * Scores are never read from storage: every answer is re-scored with the weights of the moment
 * (metrics-settings.json), so changing the weights or the copy limit needs no audio.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import type { Take } from '../../common/generation.js';
import {
  normaliseWeights,
  takeMetricsSchema,
  type rankWeightsSchema,
  type MetricsProgressEvent,
  type PictureData,
  type RankWeights,
  type Ranking,
  type TakeMetrics,
} from '../../common/metrics.js';
import type { Model } from '../../common/training.js';
import { heldOutKey, planHeldOut, type HeldOutLibrary, type HeldOutPlan } from './held-out.js';
import type { ReferenceSummaries } from './metrics-jobs.js';
import type { MetricsRepository } from './metrics-repository.js';
import type { MetricsRunner } from './metrics-runner.js';
import { renderPicturePng } from './metrics-png.js';
import { readWeights, writeWeights } from './metrics-settings.js';
import { diversity, featureSummarySchema, METRICS_VERSION, rescore } from './measure/index.js';

/** What the service needs of the takes (TakesService fits). */
export interface MetricsTakes {
  get(takeId: number): Take;
  list(filter: { modelId?: number }): Take[];
  /** The take's WAV, or throws NOT_FOUND (no file yet, or deleted). */
  filePath(takeId: number): string;
}

/** What the service needs of the models (TrainingService fits). */
export interface MetricsModels {
  get(modelId: number): Model;
  modelDir(modelId: number): string;
}

export interface MetricsServiceOptions {
  dataDir: string;
  runner: MetricsRunner;
  takes: MetricsTakes;
  models: MetricsModels;
  library: HeldOutLibrary;
  onProgress(event: MetricsProgressEvent): void;
}

/** What take_metrics.json holds. */
const storedSchema = z.object({ metrics: takeMetricsSchema, summary: featureSummarySchema, heldOut: z.string() });
type Stored = z.infer<typeof storedSchema>;

export interface ComputeRequest {
  takeIds?: number[];
  modelId?: number;
  /** Names the progress events [a fresh id]. */
  jobId?: string;
}

export class MetricsService {
  readonly #repo: MetricsRepository;
  readonly #options: MetricsServiceOptions;
  /** Takes being measured now, so two callers asking for one take share the work. */
  readonly #inFlight = new Map<number, Promise<Stored>>();
  /** The references' summaries by model and held-out plan, as the last measurement gave them. */
  readonly #references = new Map<string, ReferenceSummaries>();

  constructor(repo: MetricsRepository, options: MetricsServiceOptions) {
    this.#repo = repo;
    this.#options = options;
  }

  weights(): Promise<RankWeights> {
    return readWeights(this.#options.dataDir);
  }

  setWeights(weights: z.input<typeof rankWeightsSchema>): Promise<RankWeights> {
    return writeWeights(this.#options.dataDir, weights);
  }

  /** A take's stored metrics scored with the current weights, or null when it has none current. */
  async get(takeId: number): Promise<TakeMetrics | null> {
    const take = this.#options.takes.get(takeId);
    const stored = this.#stored([take], this.#plan(take.modelId)).get(takeId);
    return stored ? rescore(stored.metrics, await this.weights()) : null;
  }

  /** Measures the takes asked for (those stored and current are reused), in the order asked. */
  async compute(request: ComputeRequest): Promise<TakeMetrics[]> {
    const takes = this.#resolveTakes(request);
    const weights = await this.weights();
    const measured = await this.#ensure(takes, weights, request.jobId ?? newJobId());
    return measured.map((stored) => rescore(stored.metrics, weights));
  }

  /**
   * A model's takes (those with a file) best first, measured where needed, and how different
   * they are from each other. `weights` ranks this once with other weights (not saved).
   */
  async rank(modelId: number, options: { jobId?: string; weights?: RankWeights } = {}): Promise<Ranking> {
    this.#options.models.get(modelId); // NOT_FOUND before any work
    const takes = this.#readyTakes(modelId);
    const weights = options.weights ? normaliseWeights(options.weights) : await this.weights();
    const measured = await this.#ensure(takes, weights, options.jobId ?? newJobId());
    const entries = measured
      .map((stored) => rescore(stored.metrics, weights))
      .sort((a, b) => b.score.total - a.score.total || a.takeId - b.takeId)
      .map((metrics, index) => ({ takeId: metrics.takeId, rank: index + 1, metrics }));
    const reference = takes.length > 0 ? await this.#reference(modelId, takes[0]!.sampleRate ?? 16_000) : null;
    const summaries = measured.map((stored) => ({ takeId: stored.metrics.takeId, summary: stored.summary }));
    const diversityReference = reference?.heldOut ? { source: reference.source, heldOut: reference.heldOut } : null;
    return { modelId, weights, entries, diversity: diversity(modelId, summaries, diversityReference) };
  }

  /** The side-by-side picture data of a take and its source (measuring it first if needed). */
  async pictures(takeId: number): Promise<PictureData> {
    const take = this.#options.takes.get(takeId);
    const takeFile = this.#options.takes.filePath(takeId);
    const [stored] = await this.#ensure([take], await this.weights(), newJobId());
    return this.#options.runner.run({
      kind: 'pictures',
      takeId,
      takeFile,
      modelDir: this.#options.models.modelDir(take.modelId),
      copies: stored!.metrics.copy.regions,
    });
  }

  /** The same pictures drawn as a PNG (metrics-png.ts), for `eureka metrics --png`. */
  async picturePng(takeId: number): Promise<Buffer> {
    return renderPicturePng(await this.pictures(takeId));
  }

  dispose(): Promise<void> {
    return this.#options.runner.dispose();
  }

  #resolveTakes(request: ComputeRequest): Take[] {
    if ((request.takeIds === undefined) === (request.modelId === undefined)) {
      throw new AppError('INVALID_INPUT', 'name the takes to measure, or a model');
    }
    if (request.modelId !== undefined) {
      this.#options.models.get(request.modelId);
      return this.#readyTakes(request.modelId);
    }
    const ids = [...new Set(request.takeIds)];
    return ids.map((takeId) => {
      const take = this.#options.takes.get(takeId);
      this.#options.takes.filePath(takeId); // NOT_FOUND: "take 5 has no audio: it is failed"
      return take;
    });
  }

  #readyTakes(modelId: number): Take[] {
    return this.#options.takes
      .list({ modelId })
      .filter((take) => take.status === 'ready' && take.hasFile)
      .sort((a, b) => a.id - b.id);
  }

  #plan(modelId: number): HeldOutPlan | null {
    return planHeldOut(this.#options.library, this.#options.models.get(modelId));
  }

  /** The stored, current measurements among `takes` (of one model, whose plan is `plan`). */
  #stored(takes: Take[], plan: HeldOutPlan | null): Map<number, Stored> {
    const rows = this.#repo.readMany(
      takes.map((take) => take.id),
      METRICS_VERSION,
    );
    const current = new Map<number, Stored>();
    for (const [takeId, row] of rows) {
      const parsed = storedSchema.safeParse(safeJson(row.json));
      if (parsed.success && parsed.data.heldOut === heldOutKey(plan)) current.set(takeId, parsed.data);
    }
    return current;
  }

  /** Every take's current measurement, measuring those without one; progress per take measured. */
  async #ensure(takes: Take[], weights: RankWeights, jobId: string): Promise<Stored[]> {
    const plans = new Map<number, HeldOutPlan | null>();
    const planOf = (modelId: number) => {
      if (!plans.has(modelId)) plans.set(modelId, this.#plan(modelId));
      return plans.get(modelId)!;
    };
    const found = new Map<number, Stored>();
    for (const modelId of new Set(takes.map((take) => take.modelId))) {
      const plan = planOf(modelId);
      for (const [takeId, stored] of this.#stored(takes.filter((take) => take.modelId === modelId), plan)) found.set(takeId, stored);
    }
    const missing = takes.filter((take) => !found.has(take.id));
    const started = performance.now();
    let done = 0;
    const report = (takeId: number | null) => {
      const elapsed = (performance.now() - started) / 1000;
      const etaSeconds = done > 0 ? (elapsed / done) * (missing.length - done) : null;
      this.#options.onProgress({ jobId, done, total: missing.length, takeId, etaSeconds });
    };
    if (missing.length > 0) report(null);
    const results = await Promise.all(
      missing.map(async (take) => {
        const stored = await this.#measure(take, planOf(take.modelId), weights);
        done += 1;
        report(take.id);
        return stored;
      }),
    );
    for (const stored of results) found.set(stored.metrics.takeId, stored);
    return takes.map((take) => found.get(take.id)!);
  }

  #measure(take: Take, plan: HeldOutPlan | null, weights: RankWeights): Promise<Stored> {
    const running = this.#inFlight.get(take.id);
    if (running) return running;
    const pending = (async (): Promise<Stored> => {
      const measured = await this.#options.runner.run({
        kind: 'measure',
        takeId: take.id,
        modelId: take.modelId,
        takeFile: this.#options.takes.filePath(take.id),
        reference: { modelDir: this.#options.models.modelDir(take.modelId), heldOut: plan },
        weights,
      });
      const stored: Stored = { metrics: measured.metrics, summary: measured.summary, heldOut: heldOutKey(plan) };
      this.#options.takes.get(take.id); // NOT_FOUND when the take (or its model) went meanwhile
      this.#repo.write(take.id, METRICS_VERSION, JSON.stringify(stored), measured.metrics.computedAt);
      this.#references.set(referenceKey(take.modelId, plan), measured.reference);
      return stored;
    })().finally(() => this.#inFlight.delete(take.id));
    this.#inFlight.set(take.id, pending);
    return pending;
  }

  /** The source's and held-out audio's summaries of a model (from the last measurement, or a worker). */
  async #reference(modelId: number, sampleRate: number): Promise<ReferenceSummaries> {
    const plan = this.#plan(modelId);
    const key = referenceKey(modelId, plan);
    const known = this.#references.get(key);
    if (known && known.source.sampleRate === sampleRate) return known;
    const summaries = await this.#options.runner.run({
      kind: 'reference',
      reference: { modelDir: this.#options.models.modelDir(modelId), heldOut: plan },
      sampleRate,
    });
    this.#references.set(key, summaries);
    return summaries;
  }
}

function referenceKey(modelId: number, plan: HeldOutPlan | null): string {
  return `${modelId}|${heldOutKey(plan)}`;
}

function newJobId(): string {
  return randomBytes(8).toString('hex');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

