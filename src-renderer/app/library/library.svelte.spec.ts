import { describe, expect, it } from '@jest/globals';
import { deferred, drain, fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { clip, song } from '../testing/fixtures.js';
import { LibraryStore } from './library.svelte.js';

function setup(): { bridge: FakeBridge; library: LibraryStore } {
  const bridge = new FakeBridge();
  return { bridge, library: new LibraryStore(fakeApi(bridge)) };
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
    await library.deleteClip(library.clipsOf(1)[0]!);
    expect(library.clipsOf(1).map((c) => c.id)).toEqual([2]);
    expect(library.song(1)?.clipCount).toBe(1);
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
