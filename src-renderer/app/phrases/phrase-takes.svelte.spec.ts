import { describe, expect, it } from '@jest/globals';
import type { PhraseTake } from '@common/phrases.js';
import { ConfirmStore } from '../shell/confirm.svelte.js';
import { NoticeStore } from '../shell/notices.svelte.js';
import { UndoStore } from '../shell/undo.svelte.js';
import { drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { part } from '../testing/fixtures.js';
import { phraseTake, phraseTakeDetail } from '../testing/phrase-fixtures.js';
import { PhraseTakesStore } from './phrase-takes.svelte.js';

/** Model 1 has takes 30 and 31 (31 discarded), model 2 has take 40; the core applies updates as the service does. */
function setup() {
  const stored: PhraseTake[] = [phraseTake({ id: 30 }), phraseTake({ id: 31, verdict: 'discarded' }), phraseTake({ id: 40, modelId: 2 })];
  let nextId = 50;
  const bridge = new FakeBridge()
    .answer('phrase-takes:list', ({ modelId }) => stored.filter((t) => t.modelId === modelId))
    .answer('phrase-takes:get', ({ takeId }) => phraseTakeDetail({ id: takeId }))
    .answer('phrase-takes:update', ({ takeId, patch }) => {
      const index = stored.findIndex((t) => t.id === takeId);
      stored[index] = { ...stored[index]!, ...patch };
      return stored[index]!;
    })
    .answer('phrase-takes:generate', (request) => {
      const made = Array.from({ length: request.count ?? 1 }, () => phraseTake({ id: nextId++, modelId: request.modelId, batchId: 'b2' }));
      stored.push(...made);
      return { batchId: 'b2', takes: made };
    });
  const notices = new NoticeStore();
  const confirm = new ConfirmStore();
  const undo = new UndoStore(notices);
  const takes = new PhraseTakesStore(fakeApi(bridge), confirm, notices, undo);
  takes.init();
  return { bridge, takes, notices, confirm, undo, stored };
}

describe('PhraseTakesStore', () => {
  it("opens a model's takes newest first, filters them, and loads a take's notes once", async () => {
    const { bridge, takes } = setup();
    await takes.open(1);
    expect(takes.status).toBe('ready');
    expect(takes.shown.map((t) => t.id)).toEqual([31, 30]);
    expect(takes.counts).toEqual({ all: 2, kept: 0, undecided: 1, discarded: 1 });
    takes.filter = 'discarded';
    expect(takes.shown.map((t) => t.id)).toEqual([31]);

    await takes.loadDetail(30);
    await takes.loadDetail(30);
    const detail = takes.details[30];
    expect(detail !== 'failed' && detail?.music?.notes.length).toBe(4);
    expect(bridge.requests('phrase-takes:get')).toEqual([{ takeId: 30 }]);
    expect(bridge.faults).toEqual([]);
  });

  it('generates takes of the open model and shows them even when the filter would hide them', async () => {
    const { bridge, takes } = setup();
    await takes.open(1);
    takes.filter = 'kept';
    const made = await takes.generate({ mode: 'continue', count: 2, from: { partId: 4, startBar: 1, bars: 4 }, bars: 4 });
    expect(made?.map((t) => t.id)).toEqual([51, 50]);
    expect(takes.filter).toBe('all');
    expect(takes.shown.map((t) => t.id)).toEqual([51, 50, 31, 30]);
    expect(bridge.requests('phrase-takes:generate')).toEqual([
      { modelId: 1, mode: 'continue', count: 2, from: { partId: 4, startBar: 1, bars: 4 }, bars: 4 },
    ]);
  });

  it('says why a take could not be made', async () => {
    const { bridge, takes, notices } = setup();
    await takes.open(1);
    bridge.answer('phrase-takes:generate', { batchId: 'b3', takes: [phraseTake({ id: 60, status: 'failed', error: 'the phrase has no notes', noteCount: 0, metrics: null })] });
    await takes.generate({ mode: 'continue' });
    expect(notices.items.map((n) => n.message)).toEqual(['A take could not be made: the phrase has no notes']);
    bridge.refuse('phrase-takes:generate', 'INVALID_INPUT', 'part 4 has no bars 9–12');
    expect(await takes.generate({ mode: 'continue' })).toBeNull();
    expect(notices.items.at(-1)?.message).toBe('part 4 has no bars 9–12');
  });

  it('puts verdicts and stars in the undo history; undo sends the old value, redo the new', async () => {
    const { bridge, takes, undo } = setup();
    await takes.open(1);
    await Promise.all([takes.setVerdict(30, 'kept'), takes.toggleStar(30)]);
    expect(undo.done.map((e) => e.label)).toEqual(['keep phrase take 30', 'star phrase take 30']);
    await undo.undo();
    await undo.undo();
    expect(bridge.requests('phrase-takes:update')).toEqual([
      { takeId: 30, patch: { verdict: 'kept' } },
      { takeId: 30, patch: { starred: true } },
      { takeId: 30, patch: { starred: false } },
      { takeId: 30, patch: { verdict: 'undecided' } },
    ]);
    await undo.redo();
    expect(takes.takes.find((t) => t.id === 30)?.verdict).toBe('kept');
    // A verdict that does not change anything is no step.
    await takes.setVerdict(31, 'discarded');
    expect(undo.done.map((e) => e.label)).toEqual(['keep phrase take 30']);
  });

  it('adds a take to its song and remembers the part it became', async () => {
    const { bridge, takes } = setup();
    await takes.open(1);
    bridge.answer('phrase-takes:add-to-song', part({ id: 77, songId: 3, source: 'model', midiFileId: null }));
    const made = await takes.addToSong(30);
    expect(made?.id).toBe(77);
    expect(takes.takes.find((t) => t.id === 30)?.partId).toBe(77);
  });

  it('plays a take from the media URL the core names', async () => {
    const { bridge, takes } = setup();
    bridge.answer('phrase-takes:get-audio', { media: { kind: 'rendered', renderId: 'a'.repeat(64) }, durationSeconds: 10, sampleRate: 44100 });
    await takes.open(1);
    expect(await takes.audioUrl(30)).toBe(`fake-media:${JSON.stringify({ kind: 'rendered', renderId: 'a'.repeat(64) })}`);
    expect(bridge.faults).toEqual([]);
  });

  it('deletes the discarded takes once the person said yes', async () => {
    const { bridge, takes, confirm, stored } = setup();
    await takes.open(1);
    bridge.answer('phrase-takes:delete-discarded', () => {
      stored.splice(1, 1);
      return { deleted: 1 };
    });
    const asked = takes.deleteDiscarded();
    expect(confirm.current?.title).toBe('Delete the discarded take?');
    confirm.answer(true);
    expect(await asked).toBe(1);
    expect(takes.takes.map((t) => t.id)).toEqual([30]);
  });

  it('reloads on phrase-takes:did-change for the open model (and the notes of the takes it names) only', async () => {
    const { bridge, takes, stored } = setup();
    await takes.open(1);
    await takes.loadDetail(30);
    bridge.emit('phrase-takes:did-change', { takeIds: [40], modelIds: [2] });
    await drain();
    expect(bridge.requests('phrase-takes:list')).toHaveLength(1);

    stored[0] = { ...stored[0]!, partId: 88 };
    bridge.emit('phrase-takes:did-change', { takeIds: [30], modelIds: [1] });
    await drain();
    expect(bridge.requests('phrase-takes:list')).toHaveLength(2);
    expect(bridge.requests('phrase-takes:get')).toHaveLength(2);
    expect(takes.takes.find((t) => t.id === 30)?.partId).toBe(88);
  });
});
