import { describe, expect, it } from '@jest/globals';
import type { EpochLosses, Model, TrainingProgressEvent } from '@common/training.js';
import { NoticeStore } from '../shell/notices.svelte.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { model } from '../testing/fixtures.js';
import { TrainingStore } from './training.svelte.js';

const LOSSES: EpochLosses = { dReal: 1, dFake: -1, gp: 0.1, errG: 0.5, rec: 0.2, mse: 0.01, mss: null };

function progress(modelId: number, epoch: number): TrainingProgressEvent {
  return {
    modelId,
    phase: 'training',
    scale: 0,
    scales: 4,
    epoch,
    epochs: 100,
    losses: LOSSES,
    epochSeconds: 0.1,
    fraction: epoch / 400,
    etaSeconds: 30,
  };
}

function setup(models: Model[]): { bridge: FakeBridge; training: TrainingStore; notices: NoticeStore } {
  const bridge = new FakeBridge().answer('training:list-models', () => models).answer('training:get-losses', []);
  const notices = new NoticeStore();
  return { bridge, training: new TrainingStore(fakeApi(bridge), notices), notices };
}

describe('TrainingStore', () => {
  it('lists the models in queue order and counts the active ones', async () => {
    const { training } = setup([
      model({ id: 1 }),
      model({ id: 2, status: 'queued', scalesDone: 0 }),
      model({ id: 3 }),
      model({ id: 4, status: 'running', scalesDone: 1 }),
    ]);
    await training.init();

    expect(training.status).toBe('ready');
    expect(training.ordered.map((m) => m.id)).toEqual([4, 2, 3, 1]);
    expect(training.activeCount).toBe(2);
  });

  it("follows the running model's progress, and the selected one's curves", async () => {
    const { bridge, training } = setup([model({ id: 4, status: 'running', scalesDone: 0 })]);
    await training.init();
    bridge.answer('training:get-losses', [{ scale: 0, epoch: 1, losses: LOSSES }]);
    training.select(4);
    await drain();
    expect(training.series.length).toBe(1);

    bridge.emit('training:did-progress', progress(4, 2));
    expect(training.progressOf(training.models[0]!)).toEqual(progress(4, 2));
    expect(training.series.length).toBe(2);
    const version = training.seriesVersion;

    // Another model's progress is kept for it, and leaves the selected curves alone.
    bridge.emit('training:did-progress', progress(9, 5));
    expect(training.live[9]?.epoch).toBe(5);
    expect(training.seriesVersion).toBe(version);
  });

  it('reloads on training:did-change and forgets live progress of models that stopped', async () => {
    const models = [model({ id: 4, status: 'running', scalesDone: 0 })];
    const { bridge, training } = setup(models);
    await training.init();
    bridge.emit('training:did-progress', progress(4, 2));
    bridge.answer('training:cancel', { ...models[0]!, status: 'running' });
    await training.cancel(4);
    expect(training.stopping).toEqual([4]);

    models[0] = model({ id: 4, status: 'cancelled', scalesDone: 0 });
    bridge.emit('training:did-change', { modelIds: [4] });
    await drain();

    expect(training.models[0]?.status).toBe('cancelled');
    expect(training.stopping).toEqual([]);
    expect(training.live).toEqual({});
    expect(training.progressOf(training.models[0]!)).toBeNull();
  });

  it('collapses refreshes asked for while one is on its way into one more', async () => {
    const { bridge, training } = setup([model({ id: 1 })]);
    const first = deferred<Model[]>();
    bridge.answer('training:list-models', () => first.promise);
    const loading = training.refresh();
    void training.refresh();
    void training.refresh();
    bridge.answer('training:list-models', [model({ id: 1 }), model({ id: 2 })]);
    first.resolve([model({ id: 1 })]);
    await loading;

    expect(bridge.requests('training:list-models')).toHaveLength(2);
    expect(training.models.map((m) => m.id)).toEqual([1, 2]);
  });

  it('starts a run and adds its model; a refusal becomes a notice', async () => {
    const { bridge, training, notices } = setup([]);
    await training.init();
    bridge.answer('training:start', model({ id: 7, status: 'queued', scalesDone: 0 }));
    expect((await training.start({ clipId: 1, preset: 'test' }))?.id).toBe(7);
    expect(training.models.map((m) => m.id)).toEqual([7]);

    bridge.refuse('training:start', 'NOT_FOUND', 'no clip 99');
    expect(await training.start({ clipId: 99, preset: 'test' })).toBeNull();
    expect(notices.items.map((n) => n.message)).toEqual(['no clip 99']);
  });

  it('marks a model busy while a call is on its way, and selects the next one after a delete', async () => {
    const { bridge, training, notices } = setup([model({ id: 1 }), model({ id: 2 }), model({ id: 3 })]);
    await training.init();
    training.select(2);
    const answer = deferred<{ deleted: true }>();
    bridge.answer('training:delete-model', () => answer.promise);

    const deleting = training.delete(2);
    await drain();
    expect(training.busy).toEqual([2]);
    answer.resolve({ deleted: true });
    await deleting;

    expect(training.busy).toEqual([]);
    expect(training.models.map((m) => m.id)).toEqual([1, 3]);
    expect(training.selectedId).toBe(1);

    bridge.refuse('training:resume', 'INVALID_INPUT', 'model 3 is done: nothing to resume');
    await training.resume(3);
    expect(notices.items.map((n) => n.message)).toEqual(['model 3 is done: nothing to resume']);
    expect(training.busy).toEqual([]);
  });

  it('loads the presets once, each with its recipe in words', async () => {
    const { bridge, training } = setup([]);
    const presets = [
      { name: 'quick', title: 'Quick', description: 'Fits a time budget.', defaultBudgetSeconds: 900, recipe: 'Up to 16 kHz where the budget allows' },
      { name: 'paper', title: 'Paper', description: 'The reference.', defaultBudgetSeconds: null, recipe: 'Up to 16 kHz, 96 channels' },
    ] as const;
    bridge.answer('training:list-presets', [...presets]);
    await training.loadPresets();
    await training.loadPresets();
    expect(training.presets?.map((p) => [p.name, p.recipe])).toEqual([
      ['quick', 'Up to 16 kHz where the budget allows'],
      ['paper', 'Up to 16 kHz, 96 channels'],
    ]);
    expect(bridge.requests('training:list-presets')).toHaveLength(1);
  });

  it('says why the list could not be read', async () => {
    const { bridge, training } = setup([]);
    bridge.refuse('training:list-models', 'STORAGE', 'the models folder is gone');
    await training.init();
    expect(training.status).toBe('failed');
    expect(training.loadError).toBe('the models folder is gone');
  });
});
