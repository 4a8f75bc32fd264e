/**
 * Takes as the renderer knows them: the open model's takes (which stream in as a batch
 * finishes them), the modes that model generates in, the list's filter, order and selection,
 * and the live progress of running batches. Every change goes through the core and the list is
 * replaced with what it answers; `takes:did-change` for the open model reloads the list,
 * `takes:did-progress` updates a batch's bar. The list's order and near-copy filter read the
 * measurements the metrics store holds (which follows this store's open model and list).
 * Refusals become notices. Verdicts and stars go into the window's undo history.
 */
import type {
  GenerateRequest,
  GenerationProgressEvent,
  ModeAvailability,
  Take,
  TakePatch,
  TakeVerdict,
} from '@common/generation.js';
import { errorMessage, type Api } from '../shell/api.js';
import { CollapsingReload } from '../shell/collapsing-reload.js';
import { isPending } from './take-format.js';
import {
  countByFilter,
  filterTakes,
  pendingBatches,
  sortTakes,
  withoutNearCopies,
  type PendingBatch,
  type TakeFilter,
  type TakeSort,
} from './take-list.js';
import type { MetricsStore } from './metrics.svelte.js';
import { TakeRatingsStore } from './take-ratings.svelte.js';
import type { NoticeStore } from '../shell/notices.svelte.js';
import { TakeJudging } from '../shell/take-judging.js';
import type { UndoRecorder } from '../shell/undo.svelte.js';

/** One batch that still has takes on their way, for its progress bar. */
export interface ActiveBatch extends PendingBatch {
  /** The latest progress event, or null before the first. */
  progress: GenerationProgressEvent | null;
}

/** A generate request without its model: the open one. */
export type GenerateOptions = Omit<GenerateRequest, 'modelId'>;

export class TakesStore {
  /** The model whose takes are open, or null. */
  modelId = $state<number | null>(null);
  takes = $state<Take[]>([]);
  status = $state<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  loadError = $state<string | null>(null);
  /** The open model's modes, or null while they load (or could not be read). */
  modes = $state<ModeAvailability[] | null>(null);
  selectedId = $state<number | null>(null);
  filter = $state<TakeFilter>('all');
  sort = $state<TakeSort>('newest');
  /** The latest progress event per batch id. */
  progress = $state<Record<string, GenerationProgressEvent>>({});
  /** Take ids whose "new seed" request is on its way. */
  regenerating = $state<number[]>([]);
  /** Batches asked to stop, until their takes finish. */
  cancelling = $state<string[]>([]);
  /** A generate request is on its way. */
  submitting = $state(false);

  shown = $derived.by(() => {
    const filtered = filterTakes(this.takes, this.filter);
    const kept = this.#metrics.hideNearCopies ? withoutNearCopies(filtered, this.#metrics.nearCopies) : filtered;
    return sortTakes(kept, this.sort, this.#metrics.scores, this.ratings.sortValues);
  });
  counts = $derived(countByFilter(this.takes));
  selected = $derived(this.takes.find((take) => take.id === this.selectedId) ?? null);
  /** Discarded takes whose files "Delete discarded files" would remove. */
  discardedFiles = $derived(this.takes.filter((take) => take.verdict === 'discarded' && take.hasFile).length);
  /** Queued and generating takes of the open model, for the header's badge. */
  pendingCount = $derived(this.takes.filter(isPending).length);
  batches = $derived(
    pendingBatches(this.takes).map((batch): ActiveBatch => ({ ...batch, progress: this.progress[batch.batchId] ?? null })),
  );

  /** The open model's ratings from listening sessions (shown per take, "Best rated" order). */
  readonly ratings: TakeRatingsStore;
  readonly #api: Api;
  readonly #notices: NoticeStore;
  readonly #metrics: MetricsStore;
  /** Verdicts and stars, one take's changes after another, with undo. */
  readonly #judging: TakeJudging<Take>;
  #unsubscribe: (() => void)[] = [];
  /** Bumped by every open, so an answer about a model no longer open is dropped. */
  #openToken = 0;
  readonly #reload = new CollapsingReload(() => this.#load());

  constructor(api: Api, notices: NoticeStore, metrics: MetricsStore, history: UndoRecorder) {
    this.#api = api;
    this.#notices = notices;
    this.#metrics = metrics;
    this.#judging = new TakeJudging({ noun: 'take', takes: () => this.takes, send: (takeId, patch) => this.#send(takeId, patch), notices, history });
    this.ratings = new TakeRatingsStore(api);
  }

  /** Starts listening to the core's generation events. */
  init(): void {
    if (this.#unsubscribe.length > 0) return;
    this.ratings.init();
    this.#unsubscribe = [
      this.#api.on('takes:did-progress', (event) => {
        this.progress[event.batchId] = event;
      }),
      this.#api.on('takes:did-change', ({ takeIds, modelIds }) => {
        const ours = this.modelId !== null && modelIds.includes(this.modelId);
        if (ours || takeIds.some((id) => this.takes.some((take) => take.id === id))) void this.refresh();
      }),
    ];
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    this.ratings.dispose();
  }

  /** Opens a model's takes and modes (null: none). Opening the open model reloads it. */
  async open(modelId: number | null): Promise<void> {
    const changed = modelId !== this.modelId;
    this.modelId = modelId;
    this.#metrics.open(modelId);
    this.ratings.open(modelId);
    const token = ++this.#openToken;
    if (changed) {
      this.takes = [];
      this.modes = null;
      this.selectedId = null;
      this.cancelling = [];
      this.status = modelId === null ? 'idle' : 'loading';
    }
    if (modelId === null) return;
    await Promise.all([this.refresh(), this.#loadModes(modelId, token)]);
  }

  /** Reloads the open model's modes (they change as its scales finish). */
  async reloadModes(): Promise<void> {
    if (this.modelId !== null) await this.#loadModes(this.modelId, this.#openToken);
  }

  /** Reloads the list; calls made while one is in flight collapse into one more. */
  refresh(): Promise<void> {
    return this.#reload.run();
  }

  select(takeId: number | null): void {
    this.selectedId = takeId;
  }

  /** Where the renderer can load a take's audio from. */
  takeUrl(takeId: number): string {
    return this.#api.mediaUrl({ kind: 'take', takeId });
  }

  /** Where the renderer can load an imported file's playback audio from (the A/B source). */
  fileUrl(fileId: number): string {
    return this.#api.mediaUrl({ kind: 'file', fileId });
  }

  setVerdict(takeId: number, verdict: TakeVerdict): Promise<void> {
    return this.#judging.setVerdict(takeId, verdict);
  }

  /** Stars or unstars, from the take as it is when the call goes out (after any queued ones). */
  toggleStar(takeId: number): Promise<void> {
    return this.#judging.toggleStar(takeId);
  }

  /** Queues takes of the open model; resolves with whether the core accepted the request. */
  async generate(options: GenerateOptions): Promise<boolean> {
    const modelId = this.modelId;
    if (modelId === null || this.submitting) return false;
    this.submitting = true;
    try {
      const { takes } = await this.#api.invoke('takes:generate', { ...options, modelId });
      this.#putAll(takes);
      const first = takes[0];
      if (first && (this.selectedId === null || this.filter !== 'all')) this.#reveal(first.id);
      return true;
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return false;
    } finally {
      this.submitting = false;
    }
  }

  /** The same settings with a new seed; the new take is selected. */
  async regenerate(takeId: number): Promise<void> {
    if (this.regenerating.includes(takeId)) return;
    this.regenerating = [...this.regenerating, takeId];
    try {
      const { takes } = await this.#api.invoke('takes:regenerate', { takeId });
      this.#putAll(takes);
      const first = takes[0];
      if (first) this.#reveal(first.id);
    } catch (error) {
      this.#notices.push(errorMessage(error));
    } finally {
      this.regenerating = this.regenerating.filter((id) => id !== takeId);
    }
  }

  async cancel(batchId: string): Promise<void> {
    if (this.cancelling.includes(batchId)) return;
    this.cancelling = [...this.cancelling, batchId];
    try {
      await this.#api.invoke('takes:cancel', { batchId });
    } catch (error) {
      this.cancelling = this.cancelling.filter((id) => id !== batchId);
      this.#notices.push(errorMessage(error));
    }
    void this.refresh();
  }

  /** Deletes the open model's discarded takes' files; resolves with how many went (null: failed). */
  async deleteDiscarded(): Promise<number | null> {
    const modelId = this.modelId;
    if (modelId === null) return null;
    try {
      const { deleted } = await this.#api.invoke('takes:delete-discarded', { modelId });
      await this.refresh();
      return deleted;
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return null;
    }
  }

  /** Sends a change; resolves true once the core accepted it, rejects with its ApiError. */
  async #send(takeId: number, patch: TakePatch): Promise<boolean> {
    const changed = await this.#api.invoke('takes:update', { takeId, patch });
    this.#putAll([changed]);
    return true;
  }

  async #load(): Promise<void> {
    const modelId = this.modelId;
    if (modelId === null) return;
    const token = this.#openToken;
    try {
      const takes = await this.#api.invoke('takes:list', { modelId });
      if (token !== this.#openToken) return;
      this.takes = takes;
      this.status = 'ready';
      this.loadError = null;
      this.#forgetFinishedBatches();
      void this.#metrics.sync(takes);
      if (this.selectedId !== null && !takes.some((take) => take.id === this.selectedId)) this.selectedId = null;
      if (this.selectedId === null) this.selectedId = this.shown[0]?.id ?? null;
    } catch (error) {
      if (token !== this.#openToken) return;
      this.loadError = errorMessage(error);
      if (this.status === 'loading') this.status = 'failed';
    }
  }

  async #loadModes(modelId: number, token: number): Promise<void> {
    try {
      const modes = await this.#api.invoke('takes:list-modes', { modelId });
      if (token === this.#openToken) this.modes = modes;
    } catch (error) {
      if (token === this.#openToken) this.#notices.push(`Cannot list the generation modes: ${errorMessage(error)}`);
    }
  }

  /** Drops progress and cancel marks of the open model's batches that have nothing pending. */
  #forgetFinishedBatches(): void {
    const pending = this.takes.filter(isPending).map((take) => take.batchId);
    const stale = Object.values(this.progress)
      .filter((event) => event.modelId === this.modelId && !pending.includes(event.batchId))
      .map((event) => event.batchId);
    if (stale.length > 0) {
      this.progress = Object.fromEntries(Object.entries(this.progress).filter(([batchId]) => !stale.includes(batchId)));
    }
    this.cancelling = this.cancelling.filter((batchId) => pending.includes(batchId));
  }

  /** Selects a take, widening the filter when it would hide it. */
  #reveal(takeId: number): void {
    const take = this.takes.find((t) => t.id === takeId);
    if (take && this.filter !== 'all' && take.verdict !== this.filter) this.filter = 'all';
    this.selectedId = takeId;
  }

  #putAll(changed: Take[]): void {
    const ours = changed.filter((take) => take.modelId === this.modelId);
    if (ours.length === 0) return;
    const ids = ours.map((take) => take.id);
    this.takes = [...this.takes.filter((take) => !ids.includes(take.id)), ...ours];
  }
}
