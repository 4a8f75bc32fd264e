/**
 * Training as the renderer knows it: the models (one per run, which is also the queue), the
 * live progress of the running one, the selected model's loss curves, and the presets a run can
 * start from. Every change goes through the core and the list is replaced with what it answers;
 * `training:did-change` reloads the list, `training:did-progress` updates progress and appends
 * to the selected model's curves. Refusals become notices.
 */
import type { Model, PresetSummary, PreviewKind, TrainingProgressEvent, TrainRequest } from '@common/training.js';
import { errorMessage, type Api } from '../shell/api.js';
import { CollapsingReload } from '../shell/collapsing-reload.js';
import { LossSeries } from './loss-series.js';
import { TrainForecastStore } from './train-forecast.svelte.js';
import { sortModels } from './training-view.js';
import type { NoticeStore } from '../shell/notices.svelte.js';

export class TrainingStore {
  models = $state<Model[]>([]);
  status = $state<'loading' | 'ready' | 'failed'>('loading');
  loadError = $state<string | null>(null);
  presets = $state<PresetSummary[] | null>(null);
  selectedId = $state<number | null>(null);
  /** The latest progress event per model id, while it runs. */
  live = $state<Record<number, TrainingProgressEvent>>({});
  /** The selected model's curves; mutated in place, so readers watch {@link seriesVersion}. */
  series = $state.raw<LossSeries>(new LossSeries(1));
  seriesVersion = $state(0);
  /** Model ids with a call on its way (their buttons show as busy). */
  busy = $state<number[]>([]);
  /** The model detail's technical part (plan, curves, numbers) is open; kept across models. */
  showDetails = $state(false);
  /** Running models asked to stop, until their status changes. */
  stopping = $state<number[]>([]);

  ordered = $derived(sortModels(this.models));
  selected = $derived(this.models.find((model) => model.id === this.selectedId) ?? null);
  /** Running and queued models, for the header's badge. */
  activeCount = $derived(this.models.filter((m) => m.status === 'running' || m.status === 'queued').length);

  /** The Train form's forecast of the run it would start. */
  readonly forecast: TrainForecastStore;

  readonly #api: Api;
  readonly #notices: NoticeStore;
  #unsubscribe: (() => void)[] = [];
  /** Bumped by every losses load, so a stale answer is dropped. */
  #seriesToken = 0;
  readonly #reload = new CollapsingReload(() => this.#load());

  constructor(api: Api, notices: NoticeStore) {
    this.#api = api;
    this.#notices = notices;
    this.forecast = new TrainForecastStore(api);
  }

  /** Loads the models and starts listening to the core's training events. */
  async init(): Promise<void> {
    if (this.#unsubscribe.length === 0) {
      this.#unsubscribe = [
        this.#api.on('training:did-progress', (event) => this.#onProgress(event)),
        this.#api.on('training:did-change', ({ modelIds }) => {
          this.stopping = this.stopping.filter((id) => !modelIds.includes(id));
          void this.refresh();
        }),
      ];
    }
    await this.refresh();
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
  }

  /** Reloads the list; calls made while one is in flight collapse into one more. */
  refresh(): Promise<void> {
    return this.#reload.run();
  }

  async loadPresets(): Promise<void> {
    if (this.presets !== null) return;
    try {
      this.presets = await this.#api.invoke('training:list-presets', {});
    } catch (error) {
      this.#notices.push(`Cannot list the training presets: ${errorMessage(error)}`);
    }
  }

  /** The progress to show for a model: the live event while it runs, else what the core kept. */
  progressOf(model: Model): TrainingProgressEvent | null {
    if (model.status !== 'running') return null;
    return this.live[model.id] ?? model.progress;
  }

  /** Where the renderer can load a finished scale's preview from. */
  previewUrl(modelId: number, scale: number, preview: PreviewKind): string {
    return this.#api.mediaUrl({ kind: 'preview', modelId, scale, preview });
  }

  /** Selects a model (null: none) and loads its curves. */
  select(modelId: number | null): void {
    if (modelId === this.selectedId) return;
    this.selectedId = modelId;
    void this.#loadLosses(modelId);
  }

  /** Starts training a clip; resolves with the new model, or null after a notice. */
  async start(request: TrainRequest): Promise<Model | null> {
    try {
      const model = await this.#api.invoke('training:start', request);
      this.#put(model);
      return model;
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return null;
    }
  }

  async cancel(modelId: number): Promise<void> {
    const model = await this.#call(modelId, () => this.#api.invoke('training:cancel', { modelId }));
    if (model?.status === 'running') this.stopping = [...this.stopping, modelId];
  }

  async resume(modelId: number): Promise<void> {
    await this.#call(modelId, () => this.#api.invoke('training:resume', { modelId }));
  }

  async delete(modelId: number): Promise<void> {
    const ok = await this.#call(modelId, async () => {
      await this.#api.invoke('training:delete-model', { modelId });
      return null;
    });
    if (ok === undefined) return;
    const index = this.ordered.findIndex((m) => m.id === modelId);
    this.models = this.models.filter((m) => m.id !== modelId);
    if (this.selectedId === modelId) {
      const next = this.ordered[Math.min(index, this.ordered.length - 1)];
      this.select(next?.id ?? null);
    }
  }

  /** Runs a call for a model with its busy flag; the model answered replaces ours. undefined: it failed. */
  async #call(modelId: number, call: () => Promise<Model | null>): Promise<Model | null | undefined> {
    this.busy = [...this.busy, modelId];
    try {
      const model = await call();
      if (model) this.#put(model);
      return model;
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return undefined;
    } finally {
      this.busy = this.busy.filter((id) => id !== modelId);
    }
  }

  async #load(): Promise<void> {
    try {
      const models = await this.#api.invoke('training:list-models', {});
      this.models = models;
      this.status = 'ready';
      this.loadError = null;
      const running = models.filter((m) => m.status === 'running').map((m) => m.id);
      if (Object.keys(this.live).some((id) => !running.includes(Number(id)))) {
        this.live = Object.fromEntries(Object.entries(this.live).filter(([id]) => running.includes(Number(id))));
      }
      this.stopping = this.stopping.filter((id) => running.includes(id));
      const selected = this.selected;
      if (this.selectedId !== null && !selected) this.select(null);
      else if (selected?.plan) this.#alignSeries(selected.plan.epochsPerScale);
    } catch (error) {
      this.loadError = errorMessage(error);
      if (this.status === 'loading') this.status = 'failed';
    }
  }

  async #loadLosses(modelId: number | null): Promise<void> {
    const token = ++this.#seriesToken;
    const epochs = this.selected?.plan?.epochsPerScale ?? 1;
    this.series = new LossSeries(epochs);
    this.seriesVersion += 1;
    if (modelId === null) return;
    try {
      const points = await this.#api.invoke('training:get-losses', { modelId });
      if (token !== this.#seriesToken) return;
      // Points that arrived live while the file was read come after it.
      const series = new LossSeries(this.selected?.plan?.epochsPerScale ?? this.series.epochsPerScale, points);
      series.appendNewer(this.series);
      this.series = series;
      this.seriesVersion += 1;
    } catch (error) {
      if (token === this.#seriesToken) this.#notices.push(`Cannot read the loss curves: ${errorMessage(error)}`);
    }
  }

  #onProgress(event: TrainingProgressEvent): void {
    this.live[event.modelId] = event;
    if (event.modelId !== this.selectedId || event.phase !== 'training' || !event.losses) return;
    if (event.epoch < 1) return;
    this.series.setEpochsPerScale(event.epochs);
    this.series.append(event.scale, event.epoch, event.losses);
    this.seriesVersion += 1;
  }

  #alignSeries(epochsPerScale: number): void {
    if (this.series.epochsPerScale === epochsPerScale) return;
    this.series.setEpochsPerScale(epochsPerScale);
    this.seriesVersion += 1;
  }

  #put(model: Model): void {
    const others = this.models.filter((m) => m.id !== model.id);
    this.models = [...others, model];
  }
}
