/**
 * The open model's take ratings (from submitted listening sessions) for the Takes list: shown
 * next to each take and used by its "Best rated" order. Follows the model the takes store
 * opens; a `rating:did-change` (a rater submitted) reloads them. A failure to load leaves the
 * list without ratings rather than interrupting the songwriter.
 */
import type { TakeRating } from '@common/rating.js';
import type { Api } from '../shell/api.js';
import { ratingSortValues } from './take-ratings.js';

export class TakeRatingsStore {
  modelId = $state<number | null>(null);
  byTake = $state<Record<number, TakeRating>>({});

  sortValues = $derived(ratingSortValues(Object.values(this.byTake)));

  readonly #api: Api;
  #unsubscribe: (() => void) | null = null;
  #token = 0;

  constructor(api: Api) {
    this.#api = api;
  }

  init(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#api.on('rating:did-change', () => void this.reload());
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Follows model `modelId` (null: none). */
  open(modelId: number | null): void {
    if (modelId !== this.modelId) this.byTake = {};
    this.modelId = modelId;
    void this.reload();
  }

  async reload(): Promise<void> {
    const modelId = this.modelId;
    const token = ++this.#token;
    if (modelId === null) return;
    try {
      const ratings = await this.#api.invoke('takes:ratings', { modelId });
      if (token !== this.#token) return;
      this.byTake = Object.fromEntries(ratings.map((rating) => [rating.takeId, rating]));
    } catch {
      // Ratings are extra information; the takes list works without them.
    }
  }
}
