/**
 * The phrase Train form's forecast: what the request would learn from and how long it takes, or
 * why it cannot start, such as too few phrases or no parts (`phrase-models:forecast`;
 * shell/forecast.svelte.ts keeps only the latest request's answer).
 */
import type { PhraseForecast, PhraseTrainRequest } from '@common/phrases.js';
import type { Api } from '../shell/api.js';
import { ForecastStore } from '../shell/forecast.svelte.js';

export class PhraseForecastStore extends ForecastStore<PhraseTrainRequest, PhraseForecast> {
  constructor(api: Api) {
    super((request) => api.invoke('phrase-models:forecast', request));
  }
}
