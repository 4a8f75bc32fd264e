/**
 * The open phrase model's takes: the list (newest first), each take's notes once a row asks
 * for them (its piano roll), and what can be done to a take: keep, discard or star it (steps in
 * the window's undo history, as the Takes view records them), make another with a new seed,
 * hear it (`phrase-takes:get-audio` through the shell's media URL), add it to its song as a
 * part, and delete the discarded ones. `phrase-takes:did-change` for the open model reloads the
 * list and the notes of the takes it names. Refusals become notices.
 */
import type { PartDto } from '@common/midi.js';
import type { PhraseGenerateRequest, PhraseTake, PhraseTakeDetail } from '@common/phrases.js';
import type { TakeVerdict } from '@common/generation.js';
import { errorMessage, type Api } from '../shell/api.js';
import { CollapsingReload } from '../shell/collapsing-reload.js';
import type { Confirmer } from '../shell/confirm.svelte.js';
import type { NoticeStore } from '../shell/notices.svelte.js';
import { TakeJudging } from '../shell/take-judging.js';
import type { UndoRecorder } from '../shell/undo.svelte.js';

/** A generate request without its model: the open one. */
export type PhraseGenerateOptions = Omit<PhraseGenerateRequest, 'modelId'>;

type PhraseTakePatch = { verdict?: TakeVerdict; starred?: boolean };

/** Which takes the list shows. */
export const PHRASE_TAKE_FILTERS = ['all', 'kept', 'undecided', 'discarded'] as const;
export type PhraseTakeFilter = (typeof PHRASE_TAKE_FILTERS)[number];

const newestFirst = (a: PhraseTake, b: PhraseTake): number => b.id - a.id;

export class PhraseTakesStore {
  modelId = $state<number | null>(null);
  takes = $state<PhraseTake[]>([]);
  status = $state<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  loadError = $state<string | null>(null);
  filter = $state<PhraseTakeFilter>('all');
  /** Each take's notes once asked for, or 'failed' (the row says so). */
  details = $state<Record<number, PhraseTakeDetail | 'failed'>>({});
  /** A generate request is on its way. */
  submitting = $state(false);
  /** Take ids whose "another one" request is on its way. */
  regenerating = $state<number[]>([]);
  /** Take ids on their way into their song. */
  adding = $state<number[]>([]);

  shown = $derived(this.filter === 'all' ? this.takes : this.takes.filter((take) => take.verdict === this.filter));
  counts = $derived({
    all: this.takes.length,
    kept: this.takes.filter((t) => t.verdict === 'kept').length,
    undecided: this.takes.filter((t) => t.verdict === 'undecided').length,
    discarded: this.takes.filter((t) => t.verdict === 'discarded').length,
  } satisfies Record<PhraseTakeFilter, number>);

  readonly #api: Api;
  readonly #confirm: Confirmer;
  readonly #notices: NoticeStore;
  /** Verdicts and stars, one take's changes after another, with undo. */
  readonly #judging: TakeJudging<PhraseTake>;
  #unsubscribe: (() => void) | null = null;
  /** Bumped by every open, so an answer about a model no longer open is dropped. */
  #openToken = 0;
  readonly #reload = new CollapsingReload(() => this.#load());

  constructor(api: Api, confirm: Confirmer, notices: NoticeStore, history: UndoRecorder) {
    this.#api = api;
    this.#confirm = confirm;
    this.#notices = notices;
    this.#judging = new TakeJudging({ noun: 'phrase take', takes: () => this.takes, send: (takeId, patch) => this.#send(takeId, patch), notices, history });
  }

  init(): void {
    this.#unsubscribe ??= this.#api.on('phrase-takes:did-change', ({ takeIds, modelIds }) => {
      const ours = this.modelId !== null && modelIds.includes(this.modelId);
      if (!ours && !takeIds.some((id) => this.takes.some((take) => take.id === id))) return;
      for (const id of takeIds) {
        if (this.details[id] !== undefined) void this.loadDetail(id, true);
      }
      void this.refresh();
    });
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Opens a model's takes (null: none). Opening the open model reloads it. */
  async open(modelId: number | null): Promise<void> {
    if (modelId !== this.modelId) {
      this.modelId = modelId;
      this.#openToken += 1;
      this.takes = [];
      this.details = {};
      this.filter = 'all';
      this.status = modelId === null ? 'idle' : 'loading';
    }
    if (modelId !== null) await this.refresh();
  }

  /** Reloads the list; calls made while one is in flight collapse into one more. */
  refresh(): Promise<void> {
    return this.#reload.run();
  }

  /** Loads a take's notes (once, unless `again`). */
  async loadDetail(takeId: number, again = false): Promise<void> {
    if (!again && this.details[takeId] !== undefined) return;
    const token = this.#openToken;
    try {
      const detail = await this.#api.invoke('phrase-takes:get', { takeId });
      if (token === this.#openToken) this.details[takeId] = detail;
    } catch {
      if (token === this.#openToken) this.details[takeId] = 'failed';
    }
  }

  /** Makes takes of the open model; resolves with them (newest first), or null after a notice. */
  async generate(options: PhraseGenerateOptions): Promise<PhraseTake[] | null> {
    const modelId = this.modelId;
    if (modelId === null || this.submitting) return null;
    this.submitting = true;
    try {
      const { takes } = await this.#api.invoke('phrase-takes:generate', { ...options, modelId });
      this.#putAll(takes);
      this.#reveal(takes);
      const failed = takes.find((take) => take.status === 'failed');
      if (failed) this.#notices.push(`A take could not be made: ${failed.error ?? 'no reason given'}`);
      return takes.toSorted(newestFirst);
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return null;
    } finally {
      this.submitting = false;
    }
  }

  /** The same settings as a take, with a new seed. */
  async regenerate(takeId: number): Promise<void> {
    if (this.regenerating.includes(takeId)) return;
    this.regenerating = [...this.regenerating, takeId];
    try {
      const { takes } = await this.#api.invoke('phrase-takes:regenerate', { takeId });
      this.#putAll(takes);
      this.#reveal(takes);
    } catch (error) {
      this.#notices.push(errorMessage(error));
    } finally {
      this.regenerating = this.regenerating.filter((id) => id !== takeId);
    }
  }

  setVerdict(takeId: number, verdict: TakeVerdict): Promise<void> {
    return this.#judging.setVerdict(takeId, verdict);
  }

  /** Stars or unstars, from the take as it is when the call goes out (after any queued ones). */
  toggleStar(takeId: number): Promise<void> {
    return this.#judging.toggleStar(takeId);
  }

  /** Adds a take to its song as a new part; resolves with the part, or null after a notice. */
  async addToSong(takeId: number): Promise<PartDto | null> {
    if (this.adding.includes(takeId)) return null;
    this.adding = [...this.adding, takeId];
    try {
      const part = await this.#api.invoke('phrase-takes:add-to-song', { takeId });
      this.takes = this.takes.map((take) => (take.id === takeId ? { ...take, partId: part.id, songId: take.songId ?? part.songId } : take));
      return part;
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return null;
    } finally {
      this.adding = this.adding.filter((id) => id !== takeId);
    }
  }

  /** Deletes the open model's discarded takes once the person said yes; resolves with how many went (null: none asked or failed). */
  async deleteDiscarded(): Promise<number | null> {
    const modelId = this.modelId;
    const count = this.counts.discarded;
    if (modelId === null || count === 0) return null;
    const yes = await this.#confirm.ask({
      title: `Delete ${count === 1 ? 'the discarded take' : `the ${count} discarded takes`}?`,
      lines: ['Kept and undecided takes stay, and so do parts already added to songs. This cannot be undone.'],
      confirmLabel: 'Delete discarded',
    });
    if (!yes) return null;
    try {
      const { deleted } = await this.#api.invoke('phrase-takes:delete-discarded', { modelId });
      await this.refresh();
      return deleted;
    } catch (error) {
      this.#notices.push(errorMessage(error));
      return null;
    }
  }

  /**
   * Where the renderer plays a take's audio from (rendered by the General MIDI synth on first
   * ask); `withPhrase`, a continuation from the start of the phrase it carries on.
   */
  async audioUrl(takeId: number, withPhrase = false): Promise<string> {
    const { media } = await this.#api.invoke('phrase-takes:get-audio', withPhrase ? { takeId, withPhrase } : { takeId });
    return this.#api.mediaUrl(media);
  }

  async #send(takeId: number, patch: PhraseTakePatch): Promise<boolean> {
    const changed = await this.#api.invoke('phrase-takes:update', { takeId, patch });
    this.#putAll([changed]);
    return true;
  }

  async #load(): Promise<void> {
    const modelId = this.modelId;
    if (modelId === null) return;
    const token = this.#openToken;
    try {
      const takes = await this.#api.invoke('phrase-takes:list', { modelId });
      if (token !== this.#openToken) return;
      this.takes = takes.toSorted(newestFirst);
      this.status = 'ready';
      this.loadError = null;
    } catch (error) {
      if (token !== this.#openToken) return;
      this.loadError = errorMessage(error);
      if (this.status === 'loading') this.status = 'failed';
    }
  }

  /** New takes show even when the filter would hide them. */
  #reveal(takes: PhraseTake[]): void {
    if (takes.length > 0 && this.filter !== 'all' && this.filter !== 'undecided') this.filter = 'all';
  }

  #putAll(changed: PhraseTake[]): void {
    const ours = changed.filter((take) => take.modelId === this.modelId);
    if (ours.length === 0) return;
    const ids = ours.map((take) => take.id);
    this.takes = [...this.takes.filter((take) => !ids.includes(take.id)), ...ours].toSorted(newestFirst);
  }
}
