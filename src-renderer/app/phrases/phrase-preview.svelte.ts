/**
 * The Sliders panel of a `vary` model: its 20 sliders (each direction's spread and share of the
 * variety, and where the chosen phrase sits on them, `phrase-takes:get-sliders`) and the notes
 * they decode to, heard before anything is kept (`phrase-takes:preview`, not stored).
 *
 * Moving a slider never waits on the core: the values change at once, and a preview is asked
 * for once they have rested for {@link PREVIEW_DEBOUNCE_MS}. One request is on its way at a
 * time; values that moved meanwhile are sent when it returns, so the notes shown end on the
 * latest values (latest wins) without a queue of stale decodes. An answer for another model or
 * phrase (the panel was reopened meanwhile) is dropped.
 */
import type { PartMusic } from '@common/midi.js';
import { SLIDER_LIMIT, VARY_SLIDER_COUNT, type PhraseQuantize, type PhraseRef, type PhraseSliders } from '@common/phrases.js';
import { errorMessage, type Api } from '../shell/api.js';

/** How long the sliders rest before a preview is asked for. */
export const PREVIEW_DEBOUNCE_MS = 150;

/** The clock the debounce runs on (the window's timers; a spec may pass its own). */
export interface PreviewTimer {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const windowTimer: PreviewTimer = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const clamp = (value: number): number => Math.max(-SLIDER_LIMIT, Math.min(SLIDER_LIMIT, Math.round(value * 10) / 10));

export class PhrasePreviewStore {
  modelId = $state<number | null>(null);
  /** The phrase the sliders move from (null: the middle of what the model learned). */
  from = $state.raw<PhraseRef | null>(null);
  sliders = $state.raw<PhraseSliders | null>(null);
  status = $state<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  error = $state<string | null>(null);
  /** The sliders' values now, in spreads (−3..3). */
  values = $state<number[]>(Array.from({ length: VARY_SLIDER_COUNT }, () => 0));
  quantize = $state<PhraseQuantize>({ grid: '1/16', toKey: false });
  /** The latest preview's notes, and where they sit in the song. */
  music = $state.raw<PartMusic | null>(null);
  startBeats = $state(0);
  /** The values the shown notes were decoded from. */
  shownValues = $state.raw<number[] | null>(null);
  /** A preview is on its way or waiting for the sliders to rest. */
  pending = $state(false);

  readonly #api: Api;
  readonly #timer: PreviewTimer;
  #handle: unknown = null;
  #inFlight = false;
  #again = false;
  /** Bumped by every open and close, so answers for an earlier panel are dropped. */
  #token = 0;

  constructor(api: Api, timer: PreviewTimer = windowTimer) {
    this.#api = api;
    this.#timer = timer;
  }

  /** Opens the panel for a model and phrase: the sliders start where the phrase sits, and it is decoded. */
  async open(modelId: number, from: PhraseRef | null): Promise<void> {
    this.close();
    const token = this.#token;
    this.modelId = modelId;
    this.from = from;
    this.status = 'loading';
    try {
      const sliders = await this.#api.invoke('phrase-takes:get-sliders', { modelId, ...(from ? { from } : {}) });
      if (token !== this.#token) return;
      this.sliders = sliders;
      this.values = this.#start(sliders);
      this.status = 'ready';
    } catch (error) {
      if (token !== this.#token) return;
      this.error = errorMessage(error);
      this.status = 'failed';
      return;
    }
    await this.#send();
  }

  /** Forgets the panel (another model or phrase is coming, or none). */
  close(): void {
    this.#token += 1;
    if (this.#handle !== null) this.#timer.clear(this.#handle);
    this.#handle = null;
    this.#again = false;
    this.modelId = null;
    this.sliders = null;
    this.music = null;
    this.shownValues = null;
    this.error = null;
    this.pending = false;
    this.status = 'idle';
  }

  dispose(): void {
    this.close();
  }

  /** Moves one slider; the preview follows once the sliders rest. */
  set(index: number, value: number): void {
    if (index < 0 || index >= VARY_SLIDER_COUNT || !Number.isFinite(value)) return;
    this.values[index] = clamp(value);
    this.#schedule();
  }

  /** Puts every slider back where the phrase sits. */
  reset(): void {
    if (!this.sliders) return;
    this.values = this.#start(this.sliders);
    this.#schedule();
  }

  /** Snaps to a grid and, on request, to the song's key; the preview follows. */
  setQuantize(quantize: PhraseQuantize): void {
    this.quantize = quantize;
    this.#schedule();
  }

  #start(sliders: PhraseSliders): number[] {
    return Array.from({ length: VARY_SLIDER_COUNT }, (_, i) => clamp(sliders.position?.[i] ?? 0));
  }

  #schedule(): void {
    if (this.modelId === null || this.status !== 'ready') return;
    this.pending = true;
    if (this.#handle !== null) this.#timer.clear(this.#handle);
    this.#handle = this.#timer.set(() => {
      this.#handle = null;
      void this.#send();
    }, PREVIEW_DEBOUNCE_MS);
  }

  async #send(): Promise<void> {
    const modelId = this.modelId;
    if (modelId === null) return;
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    const token = this.#token;
    const values = [...this.values];
    this.#inFlight = true;
    this.pending = true;
    try {
      const answer = await this.#api.invoke('phrase-takes:preview', {
        modelId,
        ...(this.from ? { from: this.from } : {}),
        sliders: values,
        temperature: 0,
        quantize: this.quantize,
      });
      if (token !== this.#token) return;
      this.music = answer.music;
      this.startBeats = answer.startBeats;
      this.shownValues = values;
      this.error = null;
    } catch (error) {
      if (token === this.#token) this.error = errorMessage(error);
    } finally {
      this.#inFlight = false;
      // Values that moved meanwhile (on this panel or a reopened one) go now.
      if (this.#again) {
        this.#again = false;
        void this.#send();
      } else if (token === this.#token && this.#handle === null) this.pending = false;
    }
  }
}
