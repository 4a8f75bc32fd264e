import { describe, expect, it } from '@jest/globals';
import { ConfirmStore } from '../shell/confirm.svelte.js';
import { NoticeStore } from '../shell/notices.svelte.js';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { clip, deletionSummary, song } from '../testing/fixtures.js';
import { LibraryStore } from './library.svelte.js';

function setup(): { bridge: FakeBridge; library: LibraryStore; confirm: ConfirmStore; notices: NoticeStore } {
  const bridge = new FakeBridge().answer('library:describe-deletion', (target) => deletionSummary(target));
  const confirm = new ConfirmStore();
  const notices = new NoticeStore();
  return { bridge, library: new LibraryStore(fakeApi(bridge), confirm, notices), confirm, notices };
}

/** Waits until the store asks its question. */
async function asked(confirm: ConfirmStore): Promise<NonNullable<ConfirmStore['current']>> {
  await drain();
  if (!confirm.current) throw new Error('nothing was asked');
  return confirm.current;
}

describe('LibraryStore', () => {
  it('loads the songs, selects the newest and loads its clips in timeline order', async () => {
    const { bridge, library } = setup();
    bridge
      .answer('library:list-songs', [song({ id: 1 }), song({ id: 3, clipCount: 2 }), song({ id: 2 })])
      .answer('library:list-clips', ({ songId }) => [
        clip({ id: 7, songId: songId!, fileId: 30, start: 40, end: 60 }),
        clip({ id: 5, songId: songId!, fileId: 30, start: 10, end: 30 }),
      ]);

    await library.init();
    await drain();

    expect(library.status).toBe('ready');
    expect(library.songs.map((s) => s.id)).toEqual([1, 3, 2]);
    expect(library.selectedSongId).toBe(3);
    expect(library.selectedSong?.name).toBe('Song 3');
    expect(bridge.requests('library:list-clips')).toEqual([{ songId: 3 }]);
    expect(library.clipsOf(3).map((c) => c.id)).toEqual([5, 7]);
    expect(library.clipsOf(1)).toEqual([]);
    expect(bridge.faults).toEqual([]);
  });

  it('says why when the first load fails, and keeps the list when a later one does', async () => {
    const { bridge, library } = setup();
    bridge.refuse('library:list-songs', 'STORAGE', 'the library database cannot be read');
    await library.init();
    expect(library.status).toBe('failed');
    expect(library.loadError).toBe('the library database cannot be read');

    bridge.answer('library:list-songs', [song({ id: 1 })]).answer('library:list-clips', []);
    await library.refresh();
    expect(library.status).toBe('ready');
    expect(library.loadError).toBeNull();

    bridge.refuse('library:list-songs', 'STORAGE', 'disk gone');
    await library.refresh();
    expect(library.status).toBe('ready');
    expect(library.songs.map((s) => s.id)).toEqual([1]);
    expect(library.loadError).toBe('disk gone');
  });

  it('reloads the songs and the loaded clips named by library:did-change', async () => {
    const { bridge, library } = setup();
    bridge.answer('library:list-songs', [song({ id: 1 })]).answer('library:list-clips', []);
    await library.init();
    await drain();

    bridge
      .answer('library:list-songs', [song({ id: 1, name: 'Renamed elsewhere' }), song({ id: 2 })])
      .answer('library:list-clips', [clip({ id: 9, songId: 1, fileId: 10 })]);
    bridge.emit('library:did-change', { songIds: [1, 2] });
    await drain();

    expect(library.songs.map((s) => s.name)).toEqual(['Renamed elsewhere', 'Song 2']);
    expect(library.clipsOf(1).map((c) => c.id)).toEqual([9]);
    // Song 2's clips were never looked at: nothing to reload.
    expect(bridge.requests('library:list-clips')).toEqual([{ songId: 1 }, { songId: 1 }]);

    library.dispose();
    expect(bridge.listenerCount('library:did-change')).toBe(0);
  });

  it('keeps clips and clip counts as the core answered adds, changes and deletes', async () => {
    const { bridge, library } = setup();
    bridge
      .answer('library:list-songs', [song({ id: 1, clipCount: 1 })])
      .answer('library:list-clips', [clip({ id: 1, songId: 1, fileId: 10, start: 30, end: 50 })]);
    await library.init();
    await drain();

    bridge.answer('library:add-clip', (draft) =>
      clip({ id: 2, songId: draft.songId, fileId: draft.fileId!, start: draft.start, end: draft.end, label: draft.label }),
    );
    const added = await library.addClip({ songId: 1, fileId: 10, start: 5, end: 25, label: 'V' });
    expect(added.id).toBe(2);
    expect(library.clipsOf(1).map((c) => c.id)).toEqual([2, 1]);
    expect(library.song(1)?.clipCount).toBe(2);

    bridge.answer('library:update-clip', ({ clipId, patch }) => clip({ id: clipId, songId: 1, fileId: 10, start: 60, end: 80, ...patch }));
    await library.updateClip(2, { start: 60, end: 80 });
    expect(library.clipsOf(1).map((c) => [c.id, c.start])).toEqual([
      [1, 30],
      [2, 60],
    ]);

    bridge.answer('library:delete-clip', { deleted: true });
    expect(await library.deleteClip(library.clipsOf(1)[0]!)).toBe(true);
    expect(library.clipsOf(1).map((c) => c.id)).toEqual([2]);
    expect(library.song(1)?.clipCount).toBe(1);
    // Nothing went with it, so nothing was asked.
    expect(bridge.requests('library:delete-clip')).toEqual([{ clipId: 1 }]);
  });

  it('asks before deleting a clip whose models go with it, and keeps it when the person cancels', async () => {
    const { bridge, library, confirm } = setup();
    bridge
      .answer('library:list-songs', [song({ id: 1, name: 'Night Drive', clipCount: 1 })])
      .answer('library:list-clips', [clip({ id: 4, songId: 1, fileId: 10, start: 12.5, end: 40 })])
      .answer('library:describe-deletion', (target) =>
        deletionSummary(target, { name: 'Night Drive · 0:12.500–0:40.000', models: 2, takes: 14 }),
      )
      .answer('library:delete-clip', { deleted: true });
    await library.init();
    await drain();
    const theClip = library.clipsOf(1)[0]!;

    const kept = library.deleteClip(theClip);
    expect(await asked(confirm)).toMatchObject({
      title: 'Delete the clip “Night Drive · 0:12.500–0:40.000”?',
      lines: ['Goes with it: 2 models and 14 takes.', 'Undo brings back the clip, not its models or takes.'],
      confirmLabel: 'Delete clip',
      blocked: null,
    });
    confirm.answer(false);
    expect(await kept).toBe(false);
    expect(bridge.requests('library:delete-clip')).toEqual([]);
    expect(library.clipsOf(1).map((c) => c.id)).toEqual([4]);

    const deleted = library.deleteClip(theClip);
    await asked(confirm);
    confirm.answer(true);
    expect(await deleted).toBe(true);
    expect(bridge.requests('library:delete-clip')).toEqual([{ clipId: 4, withModels: true }]);
    expect(library.clipsOf(1)).toEqual([]);
    expect(bridge.faults).toEqual([]);
  });

  it('deletes a song only once the person confirmed what goes with it, and forgets its clips', async () => {
    const { bridge, library, confirm, notices } = setup();
    let songs = [song({ id: 1, name: 'Night Drive', clipCount: 3 }), song({ id: 2 })];
    bridge
      .answer('library:list-songs', () => songs)
      .answer('library:list-clips', ({ songId }) => [clip({ id: 5, songId: songId!, fileId: 10 })])
      .answer('library:describe-deletion', (target) =>
        deletionSummary(target, { name: 'Night Drive', clips: 3, models: 2, takes: 14, sessions: [{ id: 1, name: 'Band night', items: 6 }] }),
      )
      .answer('library:delete-song', () => {
        songs = songs.filter((s) => s.id !== 1);
        return { deleted: true };
      });
    await library.init();
    await drain();
    library.select(1);
    await drain();
    expect(library.clipsOf(1)).toHaveLength(1);

    const kept = library.deleteSong(1);
    const question = await asked(confirm);
    expect(question).toMatchObject({
      title: 'Delete the song “Night Drive”?',
      lines: [
        'Goes with it: 1 audio file, 3 clips, 2 models and 14 takes.',
        'Stays: the listening session “Band night” keeps its own copies of 6 items from it, with the answers and results.',
        'This cannot be undone.',
      ],
      confirmLabel: 'Delete song',
    });
    confirm.answer(false);
    expect(await kept).toBe(false);
    expect(bridge.requests('library:delete-song')).toEqual([]);

    const deleting = library.deleteSong(1);
    await asked(confirm);
    confirm.answer(true);
    expect(await deleting).toBe(true);
    expect(bridge.requests('library:delete-song')).toEqual([{ songId: 1 }]);
    expect(library.songs.map((s) => s.id)).toEqual([2]);
    expect(library.clipsBySong[1]).toBeUndefined();
    expect(library.selectedSongId).toBe(2);

    // Another window's change names the deleted song: no error for its missing clips.
    bridge.refuse('library:list-clips', 'NOT_FOUND', 'there is no song 1');
    bridge.emit('library:did-change', { songIds: [1] });
    await drain();
    expect(library.loadError).toBeNull();
    expect(notices.items).toEqual([]);
    expect(bridge.faults).toEqual([]);
  });

  it('shows why a song cannot go now, never deletes it, and says so when the core refuses', async () => {
    const { bridge, library, confirm, notices } = setup();
    bridge
      .answer('library:list-songs', [song({ id: 1 })])
      .answer('library:list-clips', [])
      .answer('library:describe-deletion', (target) => deletionSummary(target, { models: 1, blockers: ['model 4 is training; cancel it first'] }));
    await library.init();

    const blocked = library.deleteSong(1);
    expect((await asked(confirm)).blocked).toBe('Cannot delete it now: model 4 is training; cancel it first.');
    confirm.answer(true); // the button is disabled; even so, a blocked question answers no
    expect(await blocked).toBe(false);
    expect(bridge.requests('library:delete-song')).toEqual([]);

    bridge
      .answer('library:describe-deletion', (target) => deletionSummary(target))
      .refuse('library:delete-song', 'INVALID_INPUT', 'song 1 cannot be deleted now: model 5 is training; cancel it first');
    const refused = library.deleteSong(1);
    await asked(confirm);
    confirm.answer(true);
    expect(await refused).toBe(false);
    expect(notices.items.map((n) => n.message)).toEqual(['song 1 cannot be deleted now: model 5 is training; cancel it first']);
    expect(library.songs.map((s) => s.id)).toEqual([1]);
  });

  it('rejects a refused clip with the service error and leaves the clips alone', async () => {
    const { bridge, library } = setup();
    bridge.answer('library:list-songs', [song({ id: 1 })]).answer('library:list-clips', []);
    await library.init();
    await drain();
    bridge.refuse('library:add-clip', 'INVALID_INPUT', 'a clip must be at least 1 s long');

    await expect(library.addClip({ songId: 1, start: 0, end: 0.5, label: 'U' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'a clip must be at least 1 s long',
    });
    expect(library.clipsOf(1)).toEqual([]);
    expect(library.song(1)?.clipCount).toBe(0);
  });

  it('drops a clip list that answers after a newer local change', async () => {
    const { bridge, library } = setup();
    bridge.answer('library:list-songs', []);
    await library.init();
    const slow = deferred<ReturnType<typeof clip>[]>();
    bridge.answer('library:list-clips', () => slow.promise);
    const loading = library.loadClips(1);

    bridge.answer('library:add-clip', clip({ id: 4, songId: 1, fileId: 10 }));
    await library.addClip({ songId: 1, start: 0, end: 20, label: 'U' });
    slow.resolve([]);
    await loading;

    expect(library.clipsOf(1).map((c) => c.id)).toEqual([4]);
  });

  it('answers a refused rename with its message, and a rename with the new song', async () => {
    const { bridge, library } = setup();
    bridge.answer('library:list-songs', [song({ id: 1 })]).answer('library:list-clips', []);
    await library.init();

    bridge.refuse('library:rename-song', 'INVALID_INPUT', 'a name cannot be empty');
    expect(await library.renameSong(1, ' ')).toBe('a name cannot be empty');
    expect(library.song(1)?.name).toBe('Song 1');

    bridge.answer('library:rename-song', ({ songId, name }) => song({ id: songId, name }));
    expect(await library.renameSong(1, 'Chorus idea')).toBeNull();
    expect(library.song(1)?.name).toBe('Chorus idea');
    expect(library.mediaUrl(10)).toBe('fake-media:{"kind":"file","fileId":10}');
  });
});
