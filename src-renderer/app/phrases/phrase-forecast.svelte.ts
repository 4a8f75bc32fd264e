/**
 * The phrase Train form's forecast: what the request would learn from and how long it takes, or
 * why it cannot start (`phrase-models:forecast`), asked whenever the form's request changes.
 * Only the answer to the latest request is shown: an older one arriving late is dropped.
 */
import type { PhraseForecast, PhraseTrainRequest } from '@common/phrases.js';
import { errorMessage, type Api } from '../shell/api.js';

export class PhraseForecastStore {
  /** The latest request's forecast (kept while a newer one is on its way, so the form does not flicker). */
  value = $state<PhraseForecast | null>(null);
  pending = $state(false);
  /** Why the latest request has no forecast, or null. */
  error = $state<string | null>(null);

  readonly #api: Api;
  #asked = 0;
  #lastKey: string | null = null;

  constructor(api: Api) {
    this.#api = api;
  }

  /** Starting it would be refused (too few phrases, no parts). */
  get refused(): boolean {
    return this.value?.outcome === 'refused';
  }

  /** Asks for the forecast of `request` (an unchanged request asks nothing). */
  async ask(request: PhraseTrainRequest): Promise<void> {
    const key = JSON.stringify(request);
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    const ticket = ++this.#asked;
    this.pending = true;
    try {
      const forecast = await this.#api.invoke('phrase-models:forecast', request);
      if (ticket !== this.#asked) return;
      this.value = forecast;
      this.error = null;
    } catch (error) {
      if (ticket !== this.#asked) return;
      this.value = null;
      this.error = errorMessage(error);
      this.#lastKey = null;
    } finally {
      if (ticket === this.#asked) this.pending = false;
    }
  }
}
