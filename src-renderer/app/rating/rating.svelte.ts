/**
 * Rating sessions as the organiser sees them: the list (with each rater's progress), building a
 * new one (the core's refusal — e.g. a session that could not be blind — is kept for the form to
 * show), the open session's results with the exclude-unreliable switch, and exporting them. The
 * builder's take pickers read a model's takes, and a phrase model's MIDI takes, through here. `rating:did-change` reloads the list
 * and the open results. Nothing here ever sees an item's origin before the core reveals it.
 */
import type { Take } from '@common/generation.js';
import type { PhraseModel, PhraseTake } from '@common/phrases.js';
import type { SessionDraft, SessionResults, SessionSummary } from '@common/rating.js';
import { errorMessage, type Api } from '../shell/api.js';
import type { NoticeStore } from '../shell/notices.svelte.js';

export class RatingStore {
  sessions = $state<SessionSummary[]>([]);
  status = $state<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  loadError = $state<string | null>(null);
  /** The session shown on the right of the Listen view, or null (then the builder). */
  selectedId = $state<number | null>(null);
  /** A create request is on its way. */
  creating = $state(false);
  /** The core's reason for refusing the last draft, until the form changes. */
  createError = $state<string | null>(null);
  /** Results of the session `resultsFor`, or null while they load. */
  results = $state<SessionResults | null>(null);
  resultsFor = $state<number | null>(null);
  resultsError = $state<string | null>(null);
  excludeUnreliable = $state(false);
  /** Takes of the models the builder's picker opened, by model id. */
  takesByModel = $state<Record<number, Take[]>>({});
  /** The phrase models, for the builder's MIDI take picker (loaded when it opens). */
  phraseModels = $state<PhraseModel[]>([]);
  /** MIDI takes of the phrase models the picker opened, by model id. */
  phraseTakesByModel = $state<Record<number, PhraseTake[]>>({});

  selected = $derived(this.sessions.find((session) => session.id === this.selectedId) ?? null);

  readonly #api: Api;
  readonly #notices: NoticeStore;
  #unsubscribe: (() => void) | null = null;
  #resultsToken = 0;
  #shown = false;

  constructor(api: Api, notices: NoticeStore) {
    this.#api = api;
    this.#notices = notices;
  }

  init(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#api.on('rating:did-change', ({ sessionIds }) => {
      if (!this.#shown) return;
      void this.load();
      if (this.resultsFor !== null && sessionIds.includes(this.resultsFor)) void this.loadResults(this.resultsFor);
    });
  }

  /**
   * Whether the Listen view is on screen: only then do changes reload the list and results
   * (a rater's screen asks for nothing but its own progress).
   */
  show(shown: boolean): void {
    this.#shown = shown;
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  async load(): Promise<void> {
    if (this.status !== 'ready') this.status = 'loading';
    try {
      this.sessions = await this.#api.invoke('rating:list', {});
      this.status = 'ready';
      this.loadError = null;
    } catch (error) {
      this.status = 'failed';
      this.loadError = errorMessage(error);
    }
  }

  select(sessionId: number | null): void {
    this.selectedId = sessionId;
  }

  /** Builds a session; resolves with its summary, or null (the reason is in `createError`). */
  async create(draft: SessionDraft): Promise<SessionSummary | null> {
    if (this.creating) return null;
    this.creating = true;
    this.createError = null;
    try {
      const summary = await this.#api.invoke('rating:create', draft);
      this.sessions = [summary, ...this.sessions.filter((session) => session.id !== summary.id)];
      this.selectedId = summary.id;
      return summary;
    } catch (error) {
      this.createError = errorMessage(error);
      return null;
    } finally {
      this.creating = false;
    }
  }

  clearCreateError(): void {
    this.createError = null;
  }

  /** Ends a session: no more answers (those given stay). */
  async close(sessionId: number): Promise<void> {
    try {
      const summary = await this.#api.invoke('rating:close', { sessionId });
      this.sessions = this.sessions.map((session) => (session.id === summary.id ? summary : session));
    } catch (error) {
      this.#notices.push(errorMessage(error));
    }
  }

  /** Loads a model's takes for the builder's picker (once; again with `force`). */
  async loadTakes(modelId: number, force = false): Promise<void> {
    if (!force && this.takesByModel[modelId]) return;
    try {
      const takes = await this.#api.invoke('takes:list', { modelId });
      this.takesByModel = { ...this.takesByModel, [modelId]: takes };
    } catch (error) {
      this.#notices.push(errorMessage(error));
    }
  }

  /** Loads the phrase models for the builder's MIDI take picker. */
  async loadPhraseModels(): Promise<void> {
    try {
      this.phraseModels = await this.#api.invoke('phrase-models:list', {});
    } catch (error) {
      this.#notices.push(errorMessage(error));
    }
  }

  /** Loads a phrase model's MIDI takes for the builder's picker (once; again with `force`). */
  async loadPhraseTakes(modelId: number, force = false): Promise<void> {
    if (!force && this.phraseTakesByModel[modelId]) return;
    try {
      const takes = await this.#api.invoke('phrase-takes:list', { modelId });
      this.phraseTakesByModel = { ...this.phraseTakesByModel, [modelId]: takes };
    } catch (error) {
      this.#notices.push(errorMessage(error));
    }
  }

  /** Loads (or reloads) a session's results with the current exclude switch. */
  async loadResults(sessionId: number): Promise<void> {
    const token = ++this.#resultsToken;
    if (this.resultsFor !== sessionId) this.results = null;
    this.resultsFor = sessionId;
    try {
      const results = await this.#api.invoke('rating:results', { sessionId, excludeUnreliable: this.excludeUnreliable });
      if (token !== this.#resultsToken) return;
      this.results = results;
      this.resultsError = null;
    } catch (error) {
      if (token !== this.#resultsToken) return;
      this.resultsError = errorMessage(error);
    }
  }

  /** Stops following results (the rater's screen asks for none, so nothing hints at the key). */
  forgetResults(): void {
    this.#resultsToken++;
    this.resultsFor = null;
    this.results = null;
  }

  async setExcludeUnreliable(exclude: boolean): Promise<void> {
    this.excludeUnreliable = exclude;
    if (this.resultsFor !== null) await this.loadResults(this.resultsFor);
  }

  /**
   * Asks the core for the results as CSV or JSON (with the exclude switch as shown) and hands
   * the text to the browser as a download.
   */
  async exportResults(sessionId: number, format: 'csv' | 'json'): Promise<void> {
    try {
      const { text, fileName } = await this.#api.invoke('rating:export', {
        sessionId,
        format,
        excludeUnreliable: this.excludeUnreliable,
      });
      download(text, fileName, format === 'csv' ? 'text/csv' : 'application/json');
    } catch (error) {
      this.#notices.push(errorMessage(error));
    }
  }
}

/** Saves `text` through the browser's download (web mode and Electron alike). */
function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Give the download a moment to take the blob before it is released.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
