import { describe, expect, it } from '@jest/globals';
import type { Take, TakePatch } from '@common/generation.js';
import { NoticeStore } from '../shell/notices.svelte.js';
import { UndoStore } from '../shell/undo.svelte.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { take } from '../testing/fixtures.js';
import { MetricsStore } from './metrics.svelte.js';
import { TakesStore } from './takes.svelte.js';

/**
 * Model 1 has takes 1–3 (take 3 still generating in batch "b"), model 2 has take 8. The core
 * behind the fake bridge keeps the takes and applies updates as the service does.
 */
function setup(): { bridge: FakeBridge; takes: TakesStore; metrics: MetricsStore; notices: NoticeStore; undo: UndoStore; stored: Take[] } {
  const stored: Take[] = [
    take({ id: 1, modelId: 1 }),
    take({ id: 2, modelId: 1, verdict: 'discarded' }),
    take({ id: 3, modelId: 1, batchId: 'b', status: 'generating', durationSeconds: null, hasFile: false }),
    take({ id: 8, modelId: 2 }),
  ];
  const bridge = new FakeBridge()
    .answer('takes:list', ({ modelId }) => stored.filter((t) => t.modelId === modelId))
    .answer('takes:list-modes', [{ mode: 'new', available: true, reason: null, fixedSeconds: null, extendRates: [] }])
    .answer('takes:ratings', [])
    .answer('metrics:get', null)
    .answer('takes:update', ({ takeId, patch }: { takeId: number; patch: TakePatch }) => {
      const index = stored.findIndex((t) => t.id === takeId);
      stored[index] = { ...stored[index]!, ...patch };
      return stored[index]!;
    });
  const api = fakeApi(bridge);
  const notices = new NoticeStore();
  const metrics = new MetricsStore(api, notices);
  const undo = new UndoStore(notices);
  const takes = new TakesStore(api, notices, metrics, undo);
  takes.init();
  return { bridge, takes, metrics, notices, undo, stored };
}

describe('TakesStore', () => {
  it("opens a model's takes and modes, selects the first one shown and asks for their measurements", async () => {
    const { bridge, takes, metrics } = setup();
    await takes.open(1);
    await drain();

    expect(takes.status).toBe('ready');
    expect(takes.takes.map((t) => t.id).sort()).toEqual([1, 2, 3]);
    expect(takes.shown.map((t) => t.id)).toEqual([3, 2, 1]);
    expect(takes.selectedId).toBe(3);
    expect(takes.modes?.map((m) => m.mode)).toEqual(['new']);
    expect(takes.counts).toMatchObject({ all: 3, discarded: 1 });
    expect(takes.discardedFiles).toBe(1);
    expect(takes.pendingCount).toBe(1);
    // Only ready takes with a file have measurements to read.
    expect(bridge.requests('metrics:get')).toEqual([{ takeId: 1 }, { takeId: 2 }]);
    expect(metrics.modelId).toBe(1);
    expect(bridge.requests('takes:ratings')).toEqual([{ modelId: 1 }]);
    expect(bridge.faults).toEqual([]);
  });

  it('reloads on takes:did-change for the open model only, and follows batch progress until it ends', async () => {
    const { bridge, takes, stored } = setup();
    await takes.open(1);
    await drain();
    const progress = {
      batchId: 'b',
      modelId: 1,
      takeId: 3,
      index: 0,
      count: 1,
      phase: 'generating' as const,
      fraction: 0.5,
      etaSeconds: 4,
    };
    bridge.emit('takes:did-progress', progress);
    expect(takes.batches).toEqual([{ batchId: 'b', total: 1, finished: 0, progress }]);

    bridge.emit('takes:did-change', { takeIds: [8], modelIds: [2] });
    await drain();
    expect(bridge.requests('takes:list')).toHaveLength(1);

    stored[2] = { ...stored[2]!, status: 'ready', durationSeconds: 8, hasFile: true };
    bridge.emit('takes:did-change', { takeIds: [3], modelIds: [1] });
    await drain();
    expect(bridge.requests('takes:list')).toHaveLength(2);
    expect(takes.batches).toEqual([]);
    expect(takes.progress).toEqual({});
    expect(takes.pendingCount).toBe(0);
  });

  it('sends changes to one take one after another, each from the answer before it', async () => {
    const { bridge, takes } = setup();
    await takes.open(1);
    await drain();

    await Promise.all([takes.toggleStar(1), takes.setVerdict(1, 'kept'), takes.toggleStar(1)]);
    expect(bridge.requests('takes:update')).toEqual([
      { takeId: 1, patch: { starred: true } },
      { takeId: 1, patch: { verdict: 'kept' } },
      { takeId: 1, patch: { starred: false } },
    ]);
    expect(takes.takes.find((t) => t.id === 1)).toMatchObject({ starred: false, verdict: 'kept' });
  });

  it('puts verdicts and stars in the undo history; undo sends the old value, redo the new', async () => {
    const { bridge, takes, undo, stored } = setup();
    await takes.open(1);
    await drain();

    await takes.setVerdict(1, 'kept');
    await takes.toggleStar(1);
    await takes.setVerdict(2, 'discarded');
    expect(undo.done.map((e) => e.label)).toEqual(['keep take 1', 'star take 1']);

    await undo.undo();
    await undo.undo();
    expect(bridge.requests('takes:update').slice(-2)).toEqual([
      { takeId: 1, patch: { starred: false } },
      { takeId: 1, patch: { verdict: 'undecided' } },
    ]);
    expect(takes.takes.find((t) => t.id === 1)).toMatchObject({ verdict: 'undecided', starred: false });
    await undo.redo();
    expect(stored[0]).toMatchObject({ verdict: 'kept', starred: false });
    expect(undo.undoLabel).toBe('keep take 1');
    expect(undo.redoLabel).toBe('star take 1');
  });

  it('generates for the open model and reveals the first new take, widening the filter', async () => {
    const { bridge, takes } = setup();
    await takes.open(1);
    await drain();
    takes.filter = 'discarded';
    bridge.answer('takes:generate', ({ count }) => ({
      batchId: 'c',
      takes: Array.from({ length: count ?? 1 }, (_, i) => take({ id: 20 + i, modelId: 1, batchId: 'c', status: 'queued' })),
    }));

    expect(await takes.generate({ mode: 'new', count: 2 })).toBe(true);
    expect(bridge.requests('takes:generate')).toEqual([{ mode: 'new', count: 2, modelId: 1 }]);
    expect(takes.filter).toBe('all');
    expect(takes.selectedId).toBe(20);
    expect(takes.submitting).toBe(false);
  });

  it('turns refusals into notices', async () => {
    const { bridge, takes, notices } = setup();
    await takes.open(1);
    await drain();
    bridge
      .refuse('takes:generate', 'INVALID_INPUT', 'this model has no finished scale yet')
      .refuse('takes:delete-discarded', 'STORAGE', 'the takes folder is read-only');

    expect(await takes.generate({ mode: 'new' })).toBe(false);
    expect(await takes.deleteDiscarded()).toBeNull();
    expect(notices.items.map((n) => n.message)).toEqual([
      'this model has no finished scale yet',
      'the takes folder is read-only',
    ]);
  });

  it('drops the takes of a model that is no longer open when they arrive', async () => {
    const { bridge, takes } = setup();
    const lists = { 1: deferred<Take[]>(), 2: deferred<Take[]>() };
    bridge.answer('takes:list', ({ modelId }) => lists[modelId as 1 | 2].promise);
    const first = takes.open(1);
    const second = takes.open(2);
    lists[1].resolve([take({ id: 1, modelId: 1 })]);
    await drain();

    expect(takes.modelId).toBe(2);
    expect(takes.takes).toEqual([]);
    expect(takes.status).toBe('loading');
    lists[2].resolve([take({ id: 8, modelId: 2 })]);
    await Promise.all([first, second]);
    expect(takes.takes.map((t) => t.id)).toEqual([8]);
    expect(takes.selectedId).toBe(8);
  });

  it('says why the list could not be read, and forgets everything when no model is open', async () => {
    const { bridge, takes } = setup();
    bridge.refuse('takes:list', 'NOT_FOUND', 'no model 5');
    await takes.open(5);
    expect(takes.status).toBe('failed');
    expect(takes.loadError).toBe('no model 5');

    await takes.open(null);
    expect(takes.status).toBe('idle');
    expect(takes.takes).toEqual([]);
    expect(takes.takeUrl(4)).toBe('fake-media:{"kind":"take","takeId":4}');
  });

  it("shows the open model's ratings and reloads them when a rater submits", async () => {
    const { bridge, takes } = setup();
    await takes.open(1);
    await drain();
    bridge.answer('takes:ratings', [{ takeId: 1, ratings: 2, judgedReal: 1, musicalityMean: 7, inspiring: 1 }]);
    bridge.emit('rating:did-change', { sessionIds: [4] });
    await drain();

    expect(takes.ratings.byTake[1]?.musicalityMean).toBe(7);
    takes.sort = 'rating';
    expect(takes.shown.map((t) => t.id)).toEqual([1, 3, 2]);

    takes.dispose();
    expect(bridge.listenerCount('rating:did-change')).toBe(0);
    expect(bridge.listenerCount('takes:did-change')).toBe(0);
  });
});
