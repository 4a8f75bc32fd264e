/**
 * The Train form's forecast: what the run would train, how long it takes and what it buys, asked
 * of the core whenever the form's request changes (`training:forecast`). Only the answer to the
 * latest request is shown: an older one arriving late is dropped. The first forecast of a preset
 * may take tens of seconds (the core measures this computer once every half hour); `pending`
 * says so meanwhile.
 */
import type { TrainForecast, TrainRequest } from '@common/training.js';
import { errorMessage, type Api } from '../shell/api.js';

export class TrainForecastStore {
  /** The latest request's forecast (kept while a newer one is on its way, so the form does not flicker). */
  value = $state<TrainForecast | null>(null);
  /** A request is on its way. */
  pending = $state(false);
  /** Why the latest request has no forecast (a bad clip id, a lost connection), or null. */
  error = $state<string | null>(null);

  readonly #api: Api;
  #asked = 0;
  #lastKey: string | null = null;

  constructor(api: Api) {
    this.#api = api;
  }

  /** The budget cannot work: training it would be refused. */
  get refused(): boolean {
    return this.value?.outcome === 'refused';
  }

  /** Asks for the forecast of `request` (an unchanged request asks nothing). */
  async ask(request: TrainRequest): Promise<void> {
    const key = JSON.stringify(request);
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    const ticket = ++this.#asked;
    this.pending = true;
    try {
      const forecast = await this.#api.invoke('training:forecast', request);
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
