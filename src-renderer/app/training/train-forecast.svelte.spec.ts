import { describe, expect, it } from '@jest/globals';
import type { TrainForecast, TrainRequest } from '@common/training.js';
import { deferred, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { TrainForecastStore } from './train-forecast.svelte.js';

function forecast(headline: string, overrides: Partial<TrainForecast> = {}): TrainForecast {
  return { outcome: 'fits', plan: null, headline, quality: null, shortestBudgetSeconds: null, measuredAt: null, ...overrides };
}

const request = (budgetSeconds: number): TrainRequest => ({ clipId: 3, preset: 'quick', device: 'auto', budgetSeconds });

describe('TrainForecastStore', () => {
  it('shows the answer to the latest request, not an older one arriving late', async () => {
    const slow = deferred<TrainForecast>();
    const bridge = new FakeBridge().answer('training:forecast', (r) => (r.budgetSeconds === 300 ? slow.promise : forecast('About 9 min of your 10 min')));
    const store = new TrainForecastStore(fakeApi(bridge));
    const first = store.ask(request(300));
    expect(store.pending).toBe(true);
    await store.ask(request(600));
    expect(store.value?.headline).toBe('About 9 min of your 10 min');
    expect(store.pending).toBe(false);
    slow.resolve(forecast('5 min is too short', { outcome: 'refused', shortestBudgetSeconds: 420 }));
    await first;
    expect(store.value?.headline).toBe('About 9 min of your 10 min');
    expect(store.refused).toBe(false);
  });

  it('asks once for an unchanged request and says when the budget is refused', async () => {
    const bridge = new FakeBridge().answer('training:forecast', forecast('5 min is too short', { outcome: 'refused', shortestBudgetSeconds: 420 }));
    const store = new TrainForecastStore(fakeApi(bridge));
    await store.ask(request(300));
    await store.ask(request(300));
    expect(bridge.requests('training:forecast')).toHaveLength(1);
    expect(store.refused).toBe(true);
    expect(store.value?.shortestBudgetSeconds).toBe(420);
  });

  it('keeps the reason of a failed request and asks again next time', async () => {
    const bridge = new FakeBridge().refuse('training:forecast', 'NOT_FOUND', 'no clip 3');
    const store = new TrainForecastStore(fakeApi(bridge));
    await store.ask(request(300));
    expect(store.value).toBeNull();
    expect(store.error).toContain('no clip 3');
    expect(store.pending).toBe(false);
    await store.ask(request(300));
    expect(bridge.requests('training:forecast')).toHaveLength(2);
  });
});
