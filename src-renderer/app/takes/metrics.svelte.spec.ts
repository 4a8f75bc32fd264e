import { describe, expect, it } from '@jest/globals';
import type { RankWeights, Ranking } from '@common/metrics.js';
import { NoticeStore } from '../shell/notices.svelte.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { ranking, take, takeMetrics } from '../testing/fixtures.js';
import { MetricsStore } from './metrics.svelte.js';

const WEIGHTS: RankWeights = { fidelity: 0.5, novelty: 0.5, copyLimitSeconds: 4 };

function setup(): { bridge: FakeBridge; metrics: MetricsStore; notices: NoticeStore } {
  const bridge = new FakeBridge()
    .answer('metrics:get-weights', WEIGHTS)
    .answer('metrics:get', ({ takeId }) => (takeId === 1 ? takeMetrics(1, 0.4) : null));
  const notices = new NoticeStore();
  const metrics = new MetricsStore(fakeApi(bridge), notices);
  metrics.init();
  metrics.open(1);
  return { bridge, metrics, notices };
}

describe('MetricsStore', () => {
  it("reads the stored measurements of ready takes once each, and forgets takes that left", async () => {
    const { bridge, metrics } = setup();
    const takes = [take({ id: 1, modelId: 1 }), take({ id: 2, modelId: 1 }), take({ id: 3, modelId: 1, status: 'queued' })];
    await metrics.sync(takes);
    await metrics.sync(takes);

    expect(bridge.requests('metrics:get')).toEqual([{ takeId: 1 }, { takeId: 2 }]);
    expect(metrics.badges).toEqual({ 1: { score: 40, nearCopy: false } });
    expect(metrics.unmeasured(takes)).toBe(1);

    await metrics.sync([take({ id: 2, modelId: 1 })]);
    expect(metrics.byTake).toEqual({});
  });

  it('measures, following the progress of its own request only, and keeps the ranking', async () => {
    const { bridge, metrics } = setup();
    const answer = deferred<Ranking>();
    bridge.answer('metrics:rank', () => answer.promise);

    const measuring = metrics.measure();
    await drain();
    expect(metrics.measuring).toBe(true);
    const jobId = bridge.requests('metrics:rank')[0]!.jobId!;
    bridge.emit('metrics:did-progress', { jobId: 'another-window', done: 1, total: 9, takeId: 5, etaSeconds: 2 });
    expect(metrics.progress).toBeNull();
    bridge.emit('metrics:did-progress', { jobId, done: 1, total: 2, takeId: 1, etaSeconds: 3 });
    expect(metrics.progress?.done).toBe(1);

    answer.resolve(ranking(1, [takeMetrics(1, 0.4), takeMetrics(2, 0.9, { copy: { longestSeconds: 6, regions: [], limitSeconds: 4, nearCopy: true } })]));
    await measuring;
    expect(metrics.measuring).toBe(false);
    expect(metrics.progress).toBeNull();
    expect(metrics.ranking?.entries.map((entry) => entry.takeId)).toEqual([2, 1]);
    expect(metrics.scores).toEqual({ 1: 0.4, 2: 0.9 });
    expect([...metrics.nearCopies]).toEqual([2]);
  });

  it('drops a ranking that arrives after another model was opened', async () => {
    const { bridge, metrics } = setup();
    const answer = deferred<Ranking>();
    bridge.answer('metrics:rank', () => answer.promise);
    const measuring = metrics.measure();
    metrics.open(2);
    answer.resolve(ranking(1, [takeMetrics(1, 0.4)]));
    await measuring;

    expect(metrics.modelId).toBe(2);
    expect(metrics.ranking).toBeNull();
    expect(metrics.byTake).toEqual({});
  });

  it('collapses weight changes made while one is saved into the newest, then re-scores', async () => {
    const { bridge, metrics } = setup();
    await metrics.sync([take({ id: 1, modelId: 1 })]);
    const saved = { 0.9: deferred<RankWeights>(), 0.6: deferred<RankWeights>() };
    bridge.answer('metrics:set-weights', (weights) => saved[weights.fidelity as 0.9 | 0.6].promise);

    const first = metrics.setWeights({ ...WEIGHTS, fidelity: 0.9 });
    void metrics.setWeights({ ...WEIGHTS, fidelity: 0.7 });
    void metrics.setWeights({ ...WEIGHTS, fidelity: 0.6 });
    expect(metrics.weights?.fidelity).toBe(0.6);
    saved[0.9].resolve({ ...WEIGHTS, fidelity: 0.9 });
    await drain();
    // The slider stays where it was moved last while the newest weights are saved.
    expect(metrics.weights?.fidelity).toBe(0.6);
    saved[0.6].resolve({ ...WEIGHTS, fidelity: 0.6 });
    await first;

    expect(bridge.requests('metrics:set-weights').map((weights) => weights.fidelity)).toEqual([0.9, 0.6]);
    expect(metrics.weights?.fidelity).toBe(0.6);
    // Not ranked yet: the stored measurements are read again with the new weights.
    expect(bridge.requests('metrics:get')).toEqual([{ takeId: 1 }, { takeId: 1 }]);
  });

  it('reports a refused change of weights and goes back to the saved ones', async () => {
    const { bridge, metrics, notices } = setup();
    await drain();
    bridge.refuse('metrics:set-weights', 'INVALID_INPUT', 'fidelity and novelty cannot both be 0');
    await metrics.setWeights({ ...WEIGHTS, fidelity: 0, novelty: 0 });

    expect(notices.items.map((n) => n.message)).toEqual([
      'Cannot change the ranking weights: fidelity and novelty cannot both be 0',
    ]);
    expect(metrics.weights).toEqual(WEIGHTS);
    expect(metrics.savingWeights).toBe(false);
  });
});
