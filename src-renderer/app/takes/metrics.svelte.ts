/**
 * What the Takes view knows of the open model's measurements: each take's stored metrics
 * (score, near-copy flag, the numbers), the model's ranking and diversity once "Measure takes"
 * ran, the ranking weights (global, persisted by the core), Measure's progress, and the
 * take-vs-source pictures of the takes looked at. Stored metrics of ready takes are read as
 * the list loads, so scores survive a restart without measuring again; measuring and
 * re-weighting go through `metrics:rank`, whose answer replaces what was known. Refusals become
 * notices.
 */
import type { MetricsProgressEvent, PictureData, RankWeights, Ranking, TakeMetrics } from '@common/metrics.js';
import type { Take } from '@common/generation.js';
import { errorMessage, type Api } from '../shell/api.js';
import { nearCopyIds, scoreBadges, type ScoreBadge } from './take-metrics.js';
import type { NoticeStore } from '../shell/notices.svelte.js';

/** Pictures kept in memory (each holds two mel spectrograms: a few MB for long takes). */
const PICTURES_KEPT = 4;

/** A take's pictures: on their way, drawn from this data, or why not. */
export type PictureState =
  | { status: 'loading' }
  | { status: 'ready'; data: PictureData }
  | { status: 'failed'; error: string };

export class MetricsStore {
  /** The model whose takes these are, or null. */
  modelId = $state<number | null>(null);
  /** Metrics of the open model's takes, by take id (measured ones only). */
  byTake = $state<Record<number, TakeMetrics>>({});
  /** The latest ranking of the open model, or null before Measure. */
  ranking = $state<Ranking | null>(null);
  /** The ranking weights, or null until they load. */
  weights = $state<RankWeights | null>(null);
  /** Measure (or a re-rank after new weights) is on its way. */
  measuring = $state(false);
  /** The latest progress event of the measuring in flight. */
  progress = $state<MetricsProgressEvent | null>(null);
  /** New weights are being saved (a re-rank follows). */
  savingWeights = $state(false);
  /** The list hides takes flagged as near-copies. */
  hideNearCopies = $state(false);
  pictures = $state<Record<number, PictureState>>({});

  badges = $derived<Record<number, ScoreBadge>>(scoreBadges(this.byTake));
  /** Exact score totals by take id, for ordering the list (as the ranking orders them). */
  scores = $derived(Object.fromEntries(Object.values(this.byTake).map((metrics) => [metrics.takeId, metrics.score.total])));
  nearCopies = $derived(nearCopyIds(this.byTake));

  readonly #api: Api;
  readonly #notices: NoticeStore;
  #unsubscribe: (() => void) | null = null;
  /** Bumped by every open, so an answer about a model no longer open is dropped. */
  #openToken = 0;
  /** Take ids whose stored metrics were asked for (or are known) since the model opened. */
  #asked: Record<number, true> = {};
  /** The newest weights asked for while a change is on its way (sent when it lands). */
  #pendingWeights: RankWeights | null = null;
  #rankAgain = false;
  /** The id the running rank request's progress events carry. */
  #jobId: string | null = null;
  #jobs = 0;
  /** Take ids of the pictures in memory, oldest first. */
  #pictureOrder: number[] = [];

  constructor(api: Api, notices: NoticeStore) {
    this.#api = api;
    this.#notices = notices;
  }

  /** Listens to Measure's progress and loads the weights. */
  init(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#api.on('metrics:did-progress', (event) => {
      if (this.measuring && event.jobId === this.#jobId) this.progress = event;
    });
    void this.#loadWeights();
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Switches to a model's takes (null: none); forgets the previous model's measurements. */
  open(modelId: number | null): void {
    if (modelId === this.modelId) return;
    this.#openToken += 1;
    this.modelId = modelId;
    this.byTake = {};
    this.ranking = null;
    this.progress = null;
    this.measuring = false;
    this.#asked = {};
    this.pictures = {};
    this.#pictureOrder = [];
  }

  /**
   * Reads the stored metrics of the open model's ready takes not asked about yet (the list
   * just loaded, or new takes arrived); forgets takes that left the list or lost their file.
   */
  async sync(takes: readonly Take[]): Promise<void> {
    const token = this.#openToken;
    const measurable = takes.filter((take) => take.modelId === this.modelId && take.status === 'ready' && take.hasFile);
    const listed = (id: number): boolean => measurable.some((take) => take.id === id);
    const gone = Object.keys(this.byTake).map(Number).filter((id) => !listed(id));
    if (gone.length > 0) this.byTake = Object.fromEntries(Object.entries(this.byTake).filter(([id]) => listed(Number(id))));
    const fresh = measurable.filter((take) => this.#asked[take.id] === undefined).map((take) => take.id);
    for (const id of fresh) this.#asked[id] = true;
    if (fresh.length === 0) return;
    try {
      const answers = await Promise.all(fresh.map((takeId) => this.#api.invoke('metrics:get', { takeId })));
      if (token !== this.#openToken) return;
      this.#putAll(answers.filter((answer): answer is TakeMetrics => answer !== null));
    } catch (error) {
      if (token === this.#openToken) this.#notices.push(`Cannot read the takes' measurements: ${errorMessage(error)}`);
    }
  }

  /** Ready takes of `takes` that have no measurements yet. */
  unmeasured(takes: readonly Take[]): number {
    return takes.filter((take) => take.status === 'ready' && take.hasFile && this.byTake[take.id] === undefined).length;
  }

  /** Measures the open model's takes that need it and ranks them all. */
  async measure(): Promise<void> {
    const modelId = this.modelId;
    if (modelId === null) return;
    if (this.measuring) {
      // Weights changed while ranking: rank once more when this one lands.
      this.#rankAgain = true;
      return;
    }
    const token = this.#openToken;
    this.measuring = true;
    this.progress = null;
    try {
      do {
        this.#rankAgain = false;
        // Another window may measure at the same time: its progress events carry its own id.
        this.#jobs += 1;
        this.#jobId = `ui-${this.#jobs}-${Math.random().toString(36).slice(2, 10)}`;
        const ranking = await this.#api.invoke('metrics:rank', { modelId, jobId: this.#jobId });
        if (token !== this.#openToken) return;
        this.ranking = ranking;
        this.weights = ranking.weights;
        this.#putAll(ranking.entries.map((entry) => entry.metrics));
      } while (this.#rankAgain);
    } catch (error) {
      if (token === this.#openToken) this.#notices.push(`Cannot measure the takes: ${errorMessage(error)}`);
    } finally {
      if (token === this.#openToken) {
        this.measuring = false;
        this.progress = null;
        this.#jobId = null;
      }
    }
  }

  /**
   * Saves new weights (the sliders, the copy limit) and re-scores: a model already ranked is
   * ranked again, otherwise the stored metrics are read again. Changes made while one is on
   * its way collapse into the newest.
   */
  async setWeights(weights: RankWeights): Promise<void> {
    this.weights = weights;
    this.#pendingWeights = weights;
    if (this.savingWeights) return;
    this.savingWeights = true;
    try {
      while (this.#pendingWeights) {
        const asked = this.#pendingWeights;
        this.#pendingWeights = null;
        try {
          const saved = await this.#api.invoke('metrics:set-weights', asked);
          if (!this.#pendingWeights) this.weights = saved;
        } catch (error) {
          this.#notices.push(`Cannot change the ranking weights: ${errorMessage(error)}`);
          await this.#loadWeights();
          return;
        }
      }
      await this.#rescore();
    } finally {
      this.savingWeights = false;
    }
  }

  /** The pictures of a measured take: loads them unless they are in memory or on their way. */
  async loadPictures(takeId: number): Promise<void> {
    const state = this.pictures[takeId];
    if (state && state.status !== 'failed') return;
    const token = this.#openToken;
    this.pictures[takeId] = { status: 'loading' };
    try {
      const data = await this.#api.invoke('metrics:get-pictures', { takeId });
      if (token !== this.#openToken) return;
      this.pictures[takeId] = { status: 'ready', data };
      this.#pictureOrder = [...this.#pictureOrder.filter((id) => id !== takeId), takeId];
      const oldest = this.#pictureOrder.slice(0, Math.max(0, this.#pictureOrder.length - PICTURES_KEPT));
      for (const id of oldest) this.#forgetPictures(id);
    } catch (error) {
      if (token === this.#openToken) this.pictures[takeId] = { status: 'failed', error: errorMessage(error) };
    }
  }

  async #rescore(): Promise<void> {
    if (this.ranking !== null) {
      await this.measure();
      return;
    }
    const token = this.#openToken;
    const known = Object.keys(this.byTake).map(Number);
    try {
      const answers = await Promise.all(known.map((takeId) => this.#api.invoke('metrics:get', { takeId })));
      if (token === this.#openToken) this.#putAll(answers.filter((answer): answer is TakeMetrics => answer !== null));
    } catch (error) {
      if (token === this.#openToken) this.#notices.push(`Cannot re-score the takes: ${errorMessage(error)}`);
    }
  }

  async #loadWeights(): Promise<void> {
    try {
      this.weights = await this.#api.invoke('metrics:get-weights', {});
    } catch (error) {
      this.#notices.push(`Cannot read the ranking weights: ${errorMessage(error)}`);
    }
  }

  #putAll(measured: readonly TakeMetrics[]): void {
    const ours = measured.filter((metrics) => metrics.modelId === this.modelId);
    if (ours.length === 0) return;
    // Pictures of a take measured anew (not just re-scored) may show other copies: reload them.
    for (const metrics of ours) {
      const before = this.byTake[metrics.takeId];
      if (before && before.computedAt !== metrics.computedAt) this.#forgetPictures(metrics.takeId);
    }
    this.byTake = { ...this.byTake, ...Object.fromEntries(ours.map((metrics) => [metrics.takeId, metrics])) };
  }

  #forgetPictures(takeId: number): void {
    delete this.pictures[takeId];
    this.#pictureOrder = this.#pictureOrder.filter((id) => id !== takeId);
  }
}
