import { describe, expect, it } from '@jest/globals';
import type { PartDetail } from '@common/midi.js';
import { ConfirmStore } from '../shell/confirm.svelte.js';
import { NoticeStore } from '../shell/notices.svelte.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { part, partClip, partDetail as detail } from '../testing/fixtures.js';
import { PartsStore } from './parts.svelte.js';

function setup(): { bridge: FakeBridge; parts: PartsStore; confirm: ConfirmStore; notices: NoticeStore } {
  const bridge = new FakeBridge();
  const confirm = new ConfirmStore();
  const notices = new NoticeStore();
  return { bridge, parts: new PartsStore(fakeApi(bridge), confirm, notices), confirm, notices };
}

/** A part 4 of song 3 with clips at bars 9 and 1, open. */
async function opened(): Promise<ReturnType<typeof setup>> {
  const context = setup();
  context.bridge
    .answer('parts:list', [part({ id: 4, songId: 3, clipCount: 2 }), part({ id: 5, songId: 3, channel: 9 })])
    .answer('parts:get', ({ partId }) => detail({ id: partId, songId: 3, clipCount: 2 }))
    .answer('parts:list-clips', [partClip({ id: 21, partId: 4, startBar: 9 }), partClip({ id: 20, partId: 4, startBar: 1 })]);
  await context.parts.open(3, 4);
  return context;
}

describe('PartsStore', () => {
  it("opens a part with its music, its clips by start bar and its song's parts", async () => {
    const { bridge, parts } = await opened();
    expect(parts.status).toBe('ready');
    expect(parts.part?.music.notes).toHaveLength(1);
    expect(parts.clips.map((c) => c.id)).toEqual([20, 21]);
    expect(parts.partsOf(3).map((p) => p.id)).toEqual([4, 5]);
    expect(bridge.requests('parts:get')).toEqual([{ partId: 4 }]);
    expect(bridge.requests('parts:list-clips')).toEqual([{ partId: 4 }]);
    expect(bridge.faults).toEqual([]);
  });

  it('says why a part cannot be opened, and marks a song whose parts cannot be read', async () => {
    const { bridge, parts } = setup();
    bridge.refuse('parts:list', 'STORAGE', 'the library database cannot be read').refuse('parts:get', 'NOT_FOUND', 'there is no part 9');
    bridge.answer('parts:list-clips', []);
    await parts.open(3, 9);
    expect(parts.status).toBe('failed');
    expect(parts.loadError).toBe('there is no part 9');
    expect(parts.partsBySong[3]).toBe('failed');
    expect(parts.partsOf(3)).toEqual([]);
  });

  it('drops the answer for a part no longer open', async () => {
    const { bridge, parts } = setup();
    const slow = deferred<PartDetail>();
    bridge
      .answer('parts:list', [])
      .answer('parts:list-clips', [])
      .answer('parts:get', ({ partId }) => (partId === 4 ? slow.promise : detail({ id: partId, songId: 3 })));
    const first = parts.open(3, 4);
    await parts.open(3, 5);
    slow.resolve(detail({ id: 4, songId: 3 }));
    await first;
    expect(parts.part?.id).toBe(5);
  });

  it('cuts whole bars of the open part into a labelled clip and counts it', async () => {
    const { bridge, parts } = await opened();
    bridge.answer('parts:add-clip', (draft) =>
      partClip({ id: 22, partId: draft.partId, startBar: draft.startBar, lengthBars: draft.lengthBars, label: draft.label ?? '', noteCount: 6 }),
    );
    const clip = await parts.addClip(5, 4, 'hook');
    expect(bridge.requests('parts:add-clip')).toEqual([{ partId: 4, startBar: 5, lengthBars: 4, label: 'hook' }]);
    expect(clip.label).toBe('hook');
    expect(parts.clips.map((c) => c.startBar)).toEqual([1, 5, 9]);
    expect(parts.part?.clipCount).toBe(3);
    expect(parts.partsOf(3).find((p) => p.id === 4)?.clipCount).toBe(3);
    expect(bridge.faults).toEqual([]);
  });

  it('passes a refused cut on to the view with the service’s words', async () => {
    const { bridge, parts } = await opened();
    bridge.refuse('parts:add-clip', 'INVALID_INPUT', 'bars 40–43 are past the end of the part (12 bars)');
    await expect(parts.addClip(40, 4, '')).rejects.toThrow('bars 40–43 are past the end of the part (12 bars)');
    expect(parts.clips).toHaveLength(2);
  });

  it('relabels and deletes clips, and says why when a delete is refused', async () => {
    const { bridge, parts, notices } = await opened();
    bridge.answer('parts:update-clip', ({ partClipId, patch }) => partClip({ id: partClipId, partId: 4, startBar: 9, label: patch.label ?? '' }));
    await parts.updateClip(21, { label: 'chorus' });
    expect(parts.clips.find((c) => c.id === 21)?.label).toBe('chorus');

    bridge.answer('parts:delete-clip', { deleted: true });
    expect(await parts.deleteClip(20)).toBe(true);
    expect(parts.clips.map((c) => c.id)).toEqual([21]);
    expect(parts.part?.clipCount).toBe(1);

    bridge.refuse('parts:delete-clip', 'NOT_FOUND', 'there is no part clip 21');
    expect(await parts.deleteClip(21)).toBe(false);
    expect(notices.items.at(-1)?.message).toBe('there is no part clip 21');
  });

  it('renames a part in the list and on the roll, and returns a refusal as a message', async () => {
    const { bridge, parts } = await opened();
    bridge.answer('parts:rename', ({ partId, name }) => part({ id: partId, songId: 3, name, clipCount: 2 }));
    expect(await parts.rename(4, 'Bass line')).toBeNull();
    expect(parts.part?.name).toBe('Bass line');
    expect(parts.part?.music.notes).toHaveLength(1);
    expect(parts.partsOf(3).find((p) => p.id === 4)?.name).toBe('Bass line');
    bridge.refuse('parts:rename', 'INVALID_INPUT', 'a name cannot be empty');
    expect(await parts.rename(4, ' ')).toBe('a name cannot be empty');
  });

  it('deletes a part only once the person said yes', async () => {
    const { bridge, parts, confirm } = await opened();
    bridge.answer('parts:delete', { deleted: true });
    const kept = parts.deletePart(parts.partsOf(3)[0]!);
    await drain();
    expect(confirm.current?.title).toBe('Delete the part “Part 4”?');
    expect(confirm.current?.lines[0]).toBe('Its 2 clips go with it.');
    confirm.answer(false);
    expect(await kept).toBe(false);
    expect(bridge.requests('parts:delete')).toEqual([]);

    const gone = parts.deletePart(parts.partsOf(3)[0]!);
    await drain();
    confirm.answer(true);
    expect(await gone).toBe(true);
    expect(bridge.requests('parts:delete')).toEqual([{ partId: 4 }]);
    expect(parts.partsOf(3).map((p) => p.id)).toEqual([5]);
    expect(parts.part).toBeNull();
  });

  it('plays a part or a clip from the media URL of its rendered audio', async () => {
    const { bridge, parts } = await opened();
    const renderId = 'a'.repeat(64);
    bridge.answer('parts:get-audio', () => ({ media: { kind: 'rendered', renderId }, durationSeconds: 10, sampleRate: 44_100 }));
    expect(await parts.audioUrl({ partId: 4 })).toBe(`fake-media:${JSON.stringify({ kind: 'rendered', renderId })}`);
    await parts.audioUrl({ partClipId: 21 });
    expect(bridge.requests('parts:get-audio')).toEqual([{ partId: 4 }, { partClipId: 21 }]);
    bridge.refuse('parts:get-audio', 'INTERNAL', 'the synth could not render part 4');
    await expect(parts.audioUrl({ partId: 4 })).rejects.toThrow('the synth could not render part 4');
    expect(bridge.faults).toEqual([]);
  });

  it('reloads what parts:did-change names: a listed song, the open part', async () => {
    const { bridge, parts } = await opened();
    parts.init();
    bridge
      .answer('parts:list', [part({ id: 4, songId: 3 }), part({ id: 5, songId: 3 }), part({ id: 6, songId: 3 })])
      .answer('parts:list-clips', [partClip({ id: 20, partId: 4, startBar: 1 })]);
    bridge.emit('parts:did-change', { songIds: [3], partIds: [6] });
    await drain();
    expect(parts.partsOf(3).map((p) => p.id)).toEqual([4, 5, 6]);
    expect(parts.clips.map((c) => c.id)).toEqual([20]);
    // A song nobody looked at is not loaded.
    bridge.emit('parts:did-change', { songIds: [8], partIds: [30] });
    await drain();
    expect(bridge.requests('parts:list').filter((r) => r.songId === 8)).toEqual([]);
    parts.dispose();
    expect(bridge.listenerCount('parts:did-change')).toBe(0);
  });
});
