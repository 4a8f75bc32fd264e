import { describe, expect, it } from '@jest/globals';
import type { PhraseForecast, PhraseModel } from '@common/phrases.js';
import { ConfirmStore } from '../shell/confirm.svelte.js';
import { NoticeStore } from '../shell/notices.svelte.js';
import { UndoStore } from '../shell/undo.svelte.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { part, partClip } from '../testing/fixtures.js';
import { phraseModel, phraseTake } from '../testing/phrase-fixtures.js';
import { PhrasesStore } from './phrases.svelte.js';

/**
 * Models 1 (done) and 2 (running) in the core behind the fake bridge; song 3 has parts 4 and 5,
 * song 6 has none listed (it has no MIDI).
 */
function setup(models: PhraseModel[] = [phraseModel({ id: 1 }), phraseModel({ id: 2, kind: 'vary', status: 'running', stepsDone: 10 })]) {
  const stored = [...models];
  const bridge = new FakeBridge()
    .answer('phrase-models:list', () => stored)
    .answer('phrase-takes:list', ({ modelId }) => (modelId === 1 ? [phraseTake({ id: 30 })] : []))
    .answer('parts:list', [part({ id: 4, songId: 3 }), part({ id: 5, songId: 3 }), part({ id: 9, songId: 8 })])
    .answer('parts:list-clips', ({ partId = 4 }) => [partClip({ id: 21, partId, startBar: 5 }), partClip({ id: 20, partId, startBar: 1 })]);
  const notices = new NoticeStore();
  const confirm = new ConfirmStore();
  const phrases = new PhrasesStore(fakeApi(bridge), confirm, notices, new UndoStore(notices));
  return { bridge, phrases, notices, confirm, stored };
}

describe('PhrasesStore', () => {
  it('lists the models in queue order and opens one with its takes', async () => {
    const { bridge, phrases } = setup();
    await phrases.init();
    expect(phrases.status).toBe('ready');
    expect(phrases.ordered.map((m) => m.id)).toEqual([2, 1]);
    expect(phrases.activeCount).toBe(1);

    phrases.select(1);
    await drain();
    expect(phrases.selected?.id).toBe(1);
    expect(phrases.takes.modelId).toBe(1);
    expect(phrases.takes.takes.map((t) => t.id)).toEqual([30]);
    expect(bridge.faults).toEqual([]);
  });

  it('follows the running model with live progress, and reloads on phrase-models:did-change', async () => {
    const { bridge, phrases, stored } = setup();
    await phrases.init();
    const running = phrases.models.find((m) => m.id === 2)!;
    expect(phrases.progressOf(running)).toBeNull();

    const progress = { modelId: 2, step: 50, steps: 200, loss: 1.2, fraction: 0.25, etaSeconds: 30 };
    bridge.emit('phrase-models:did-progress', progress);
    expect(phrases.progressOf(running)).toEqual(progress);

    stored[1] = { ...stored[1]!, status: 'done' };
    bridge.emit('phrase-models:did-change', { modelIds: [2] });
    await drain();
    expect(phrases.models.find((m) => m.id === 2)?.status).toBe('done');
    expect(phrases.live).toEqual({});
    expect(phrases.activeCount).toBe(0);
  });

  it('starts a model from the Train form and opens it; a refusal becomes a notice', async () => {
    const { bridge, phrases, notices } = setup([]);
    await phrases.init();
    bridge.answer('phrase-models:start', (request) => phraseModel({ id: 7, kind: request.kind, status: 'queued', bars: request.bars ?? 4 }));
    const model = await phrases.start({ kind: 'vary', songIds: [3], bars: 2, preset: 'test' });
    expect(model?.id).toBe(7);
    expect(phrases.selectedId).toBe(7);
    expect(bridge.requests('phrase-models:start')).toEqual([{ kind: 'vary', songIds: [3], bars: 2, preset: 'test' }]);

    bridge.refuse('phrase-models:start', 'INVALID_INPUT', 'the chosen songs have too few phrases');
    expect(await phrases.start({ kind: 'continue', preset: 'test' })).toBeNull();
    expect(notices.items.map((n) => n.message)).toEqual(['the chosen songs have too few phrases']);
  });

  it('cancels, resumes, and deletes only once the person said yes', async () => {
    const { bridge, phrases, confirm } = setup();
    await phrases.init();
    phrases.select(1);
    bridge
      .answer('phrase-models:cancel', phraseModel({ id: 2, status: 'running' }))
      .answer('phrase-models:resume', phraseModel({ id: 1, status: 'queued' }))
      .answer('phrase-models:delete', { deleted: true });

    await phrases.cancel(2);
    expect(phrases.stopping).toEqual([2]);
    await phrases.resume(1);
    expect(phrases.models.find((m) => m.id === 1)?.status).toBe('queued');

    const declined = phrases.delete(1);
    expect(confirm.current?.title).toBe('Delete “Phrase model 1”?');
    confirm.answer(false);
    expect(await declined).toBe(false);
    expect(bridge.requests('phrase-models:delete')).toEqual([]);

    const accepted = phrases.delete(1);
    confirm.answer(true);
    expect(await accepted).toBe(true);
    expect(bridge.requests('phrase-models:delete')).toEqual([{ modelId: 1 }]);
    expect(phrases.models.map((m) => m.id)).toEqual([2]);
    expect(phrases.selectedId).toBeNull();
  });

  it('forgets an open model that went elsewhere', async () => {
    const { bridge, phrases, stored } = setup();
    await phrases.init();
    phrases.select(1);
    stored.splice(0, 1);
    bridge.emit('phrase-models:did-change', { modelIds: [1] });
    await drain();
    expect(phrases.selectedId).toBeNull();
    expect(phrases.takes.modelId).toBeNull();
  });

  it("groups the library's MIDI parts by song, lists a part's clips by bar, and follows parts:did-change", async () => {
    const { bridge, phrases } = setup();
    await phrases.init();
    await phrases.loadParts();
    expect(phrases.songsWithParts).toEqual([3, 8]);
    expect(phrases.partsBySong?.[3]?.map((p) => p.id)).toEqual([4, 5]);
    expect(phrases.part(9)?.songId).toBe(8);
    await phrases.loadClips(4);
    expect(phrases.clipsByPart[4]?.map((c) => c.startBar)).toEqual([1, 5]);

    bridge.answer('parts:list', [part({ id: 4, songId: 3 })]);
    bridge.emit('parts:did-change', { songIds: [3], partIds: [4] });
    await drain();
    expect(phrases.songsWithParts).toEqual([3]);
    expect(bridge.requests('parts:list-clips')).toEqual([{ partId: 4 }, { partId: 4 }]);
    expect(bridge.faults).toEqual([]);
  });

  it('shows the forecast of the latest request only', async () => {
    const { bridge, phrases } = setup([]);
    const slow = deferred<PhraseForecast>();
    const fits: PhraseForecast = { outcome: 'fits', headline: 'Learns 40 phrases from 1 song in about 30 s.', corpus: null, seconds: 30 };
    bridge.answer('phrase-models:forecast', (request) => (request.bars === 2 ? slow.promise : fits));
    const first = phrases.forecast.ask({ kind: 'vary', bars: 2, preset: 'test' });
    await phrases.forecast.ask({ kind: 'vary', bars: 4, preset: 'test' });
    slow.resolve({ outcome: 'refused', headline: 'Too few phrases.', corpus: null, seconds: null });
    await first;
    expect(phrases.forecast.value?.headline).toBe(fits.headline);
    expect(phrases.forecast.refused).toBe(false);
    expect(phrases.forecast.pending).toBe(false);
    // An unchanged request asks nothing.
    await phrases.forecast.ask({ kind: 'vary', bars: 4, preset: 'test' });
    expect(bridge.requests('phrase-models:forecast')).toHaveLength(2);
  });
});
