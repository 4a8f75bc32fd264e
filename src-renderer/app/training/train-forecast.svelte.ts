/**
 * The Train form's forecast: what the run would train, how long it takes and what it buys
 * (`training:forecast`; shell/forecast.svelte.ts keeps only the latest request's answer). The
 * first forecast of a preset may take tens of seconds (the core measures this computer once
 * every half hour); `pending` says so meanwhile.
 */
import type { TrainForecast, TrainRequest } from '@common/training.js';
import type { Api } from '../shell/api.js';
import { ForecastStore } from '../shell/forecast.svelte.js';

export class TrainForecastStore extends ForecastStore<TrainRequest, TrainForecast> {
  constructor(api: Api) {
    super((request) => api.invoke('training:forecast', request));
  }
}
