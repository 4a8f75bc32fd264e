/**
 * Phrase ideas as the renderer knows them: the phrase models (one per run, which is also their
 * place in the shared training queue), the running one's live progress, the open model (its
 * takes in {@link PhraseTakesStore}, its sliders in {@link PhrasePreviewStore}), the Train form's
 * forecast, and the library's MIDI parts and part clips the forms pick phrases from. Every change
 * goes through the core and the local copy is replaced with what it answers;
 * `phrase-models:did-change` reloads the list, `phrase-models:did-progress` moves the bar,
 * `parts:did-change` reloads the parts. A delete is asked about first; refusals become notices.
 */
import type { PartClipDto, PartDto } from '@common/midi.js';
import type { PhraseModel, PhraseTrainingProgress, PhraseTrainRequest } from '@common/phrases.js';
import { errorMessage, type Api } from '../shell/api.js';
import { CollapsingReload } from '../shell/collapsing-reload.js';
import type { Confirmer } from '../shell/confirm.svelte.js';
import type { NoticeStore } from '../shell/notices.svelte.js';
import type { UndoRecorder } from '../shell/undo.svelte.js';
import { PhraseForecastStore } from './phrase-forecast.svelte.js';
import { PhrasePreviewStore, type PreviewTimer } from './phrase-preview.svelte.js';
import { PhraseTakesStore } from './phrase-takes.svelte.js';
import { KIND_NAME, sortPhraseModels } from './phrase-words.js';

export class PhrasesStore {
  models = $state<PhraseModel[]>([]);
  status = $state<'loading' | 'ready' | 'failed'>('loading');
  loadError = $state<string | null>(null);
  /** The model open on its page, or null (the list and the Train form). */
  selectedId = $state<number | null>(null);
  /** The latest progress event per model id, while it runs. */
  live = $state<Record<number, PhraseTrainingProgress>>({});
  /** Model ids with a call on its way (their buttons show as busy). */
  busy = $state<number[]>([]);
  /** Running models asked to stop, until their status changes. */
  stopping = $state<number[]>([]);
  /** Every MIDI part in the library, by song (null until loaded), for the Train form and the phrase pickers. */
  partsBySong = $state<Record<number, PartDto[]> | null>(null);
  partsError = $state<string | null>(null);
  /** Part clips by part id, loaded as a picker asks for them. */
  clipsByPart = $state<Record<number, PartClipDto[]>>({});

  ordered = $derived(sortPhraseModels(this.models));
  selected = $derived(this.models.find((model) => model.id === this.selectedId) ?? null);
  /** Learning and queued models, for the header's badge. */
  activeCount = $derived(this.models.filter((m) => m.status === 'running' || m.status === 'queued').length);
  /** Songs with at least one MIDI part, by id. */
  songsWithParts = $derived(
    Object.entries(this.partsBySong ?? {})
      .filter(([, parts]) => parts.length > 0)
      .map(([songId]) => Number(songId)),
  );

  readonly forecast: PhraseForecastStore;
  /** The open model's takes. */
  readonly takes: PhraseTakesStore;
  /** The open `vary` model's sliders and their live preview. */
  readonly preview: PhrasePreviewStore;

  readonly #api: Api;
  readonly #confirm: Confirmer;
  readonly #notices: NoticeStore;
  #unsubscribe: (() => void)[] = [];
  readonly #reload = new CollapsingReload(() => this.#load());

  constructor(api: Api, confirm: Confirmer, notices: NoticeStore, history: UndoRecorder, timer?: PreviewTimer) {
    this.#api = api;
    this.#confirm = confirm;
    this.#notices = notices;
    this.forecast = new PhraseForecastStore(api);
    this.takes = new PhraseTakesStore(api, confirm, notices, history);
    this.preview = new PhrasePreviewStore(api, timer);
  }

  /** Loads the models and listens to the core's phrase and parts events. */
  async init(): Promise<void> {
    if (this.#unsubscribe.length === 0) {
      this.takes.init();
      this.#unsubscribe = [
        this.#api.on('phrase-models:did-progress', (progress) => {
          this.live[progress.modelId] = progress;
        }),
        this.#api.on('phrase-models:did-change', ({ modelIds }) => {
          this.stopping = this.stopping.filter((id) => !modelIds.includes(id));
          void this.refresh();
        }),
        this.#api.on('parts:did-change', ({ partIds }) => {
          if (this.partsBySong !== null) void this.loadParts();
          for (const partId of partIds) {
            if (this.clipsByPart[partId] !== undefined) void this.loadClips(partId);
          }
        }),
      ];
    }
    await this.refresh();
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    this.takes.dispose();
    this.preview.dispose();
  }

  /** Reloads the list; calls made while one is in flight collapse into one more. */
  refresh(): Promise<void> {
    return this.#reload.run();
  }

  /** Opens a model's page (null: back to the list): its takes, and a `vary` model's sliders. */
  select(modelId: number | null): void {
    if (modelId === this.selectedId) return;
    this.selectedId = modelId;
    void this.takes.open(modelId);
    this.preview.close();
  }

  /** The progress to show for a model: the live event while it runs, else what the core kept. */
  progressOf(model: PhraseModel): PhraseTrainingProgress | null {
    if (model.status !== 'running') return null;
    return this.live[model.id] ?? model.progress;
  }

  /** Starts a model learning; resolves with it (and opens it), or null after a notice. */
  async start(request: PhraseTrainRequest): Promise<PhraseModel | null> {
    try {
      const model = await this.#api.invoke('phrase-models:start', request);
      this.#put(model);
      this.select(model.id);
      return model;
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return null;
    }
  }

  async cancel(modelId: number): Promise<void> {
    const model = await this.#call(modelId, () => this.#api.invoke('phrase-models:cancel', { modelId }));
    if (model?.status === 'running') this.stopping = [...this.stopping, modelId];
  }

  async resume(modelId: number): Promise<void> {
    await this.#call(modelId, () => this.#api.invoke('phrase-models:resume', { modelId }));
  }

  /** Deletes a model with its takes once the person said yes; resolves true when it went. */
  async delete(modelId: number): Promise<boolean> {
    const model = this.models.find((m) => m.id === modelId);
    if (!model) return false;
    const yes = await this.#confirm.ask({
      title: `Delete “${model.name}”?`,
      lines: [
        `The ${KIND_NAME[model.kind].toLowerCase()} model and every take it made go; parts already added to songs stay.`,
        'This cannot be undone.',
      ],
      confirmLabel: 'Delete model',
    });
    if (!yes) return false;
    const done = await this.#call(modelId, async () => {
      await this.#api.invoke('phrase-models:delete', { modelId });
      return null;
    });
    if (done === undefined) return false;
    this.models = this.models.filter((m) => m.id !== modelId);
    if (this.selectedId === modelId) this.select(null);
    return true;
  }

  /** Loads every MIDI part in the library, by song. */
  async loadParts(): Promise<void> {
    try {
      const parts = await this.#api.invoke('parts:list', {});
      const bySong: Record<number, PartDto[]> = {};
      for (const part of parts) (bySong[part.songId] ??= []).push(part);
      this.partsBySong = bySong;
      this.partsError = null;
    } catch (error) {
      this.partsError = errorMessage(error);
      this.partsBySong ??= {};
    }
  }

  /** Loads a part's clips (phrases a picker offers by name). */
  async loadClips(partId: number): Promise<void> {
    try {
      const clips = await this.#api.invoke('parts:list-clips', { partId });
      this.clipsByPart[partId] = clips.toSorted((a, b) => a.startBar - b.startBar || a.id - b.id);
    } catch (error) {
      this.clipsByPart[partId] = [];
      this.#notices.push(`Cannot list the part's clips: ${errorMessage(error)}`);
    }
  }

  /** A part by id, wherever it is (null while unknown). */
  part(partId: number): PartDto | null {
    for (const parts of Object.values(this.partsBySong ?? {})) {
      const found = parts.find((part) => part.id === partId);
      if (found) return found;
    }
    return null;
  }

  /** Runs a call for a model with its busy flag; the model answered replaces ours. undefined: it failed. */
  async #call(modelId: number, call: () => Promise<PhraseModel | null>): Promise<PhraseModel | null | undefined> {
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
      const models = await this.#api.invoke('phrase-models:list', {});
      this.models = models;
      this.status = 'ready';
      this.loadError = null;
      const running = models.filter((m) => m.status === 'running').map((m) => m.id);
      if (Object.keys(this.live).some((id) => !running.includes(Number(id)))) {
        this.live = Object.fromEntries(Object.entries(this.live).filter(([id]) => running.includes(Number(id))));
      }
      this.stopping = this.stopping.filter((id) => running.includes(id));
      if (this.selectedId !== null && !this.selected) this.select(null);
    } catch (error) {
      this.loadError = errorMessage(error);
      if (this.status === 'loading') this.status = 'failed';
    }
  }

  #put(model: PhraseModel): void {
    this.models = [...this.models.filter((m) => m.id !== model.id), model];
  }
}
