/**
 * A form's forecast, asked of the core whenever the form's request changes (the Train forms of
 * audio and phrase models: `training:forecast`, `phrase-models:forecast`). Only the answer to the
 * latest request is shown: an older one arriving late is dropped. A feature's store extends it
 * with the channel it asks.
 */
import { errorMessage } from './api.js';

export class ForecastStore<Request, Forecast extends { outcome: string }> {
  /** The latest request's forecast (kept while a newer one is on its way, so the form does not flicker). */
  value = $state<Forecast | null>(null);
  /** A request is on its way. */
  pending = $state(false);
  /** Why the latest request has no forecast (a bad id, a lost connection), or null. */
  error = $state<string | null>(null);

  readonly #fetch: (request: Request) => Promise<Forecast>;
  #asked = 0;
  #lastKey: string | null = null;

  constructor(fetch: (request: Request) => Promise<Forecast>) {
    this.#fetch = fetch;
  }

  /** Starting it would be refused. */
  get refused(): boolean {
    return this.value?.outcome === 'refused';
  }

  /** Asks for the forecast of `request` (an unchanged request asks nothing). */
  async ask(request: Request): Promise<void> {
    const key = JSON.stringify(request);
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    const ticket = ++this.#asked;
    this.pending = true;
    try {
      const forecast = await this.#fetch(request);
      if (ticket !== this.#asked) return;
      this.value = forecast;
      this.error = null;
    } catch (error) {
      if (ticket !== this.#asked) return;
      this.value = null;
      this.error = errorMessage(error);
      // The same request may be asked again (a retry after the connection is back).
      this.#lastKey = null;
    } finally {
      if (ticket === this.#asked) this.pending = false;
    }
  }
}
