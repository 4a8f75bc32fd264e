import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ConfirmStore } from '../shell/confirm.svelte.js';
import { NoticeStore } from '../shell/notices.svelte.js';
import { fakeApi, FakeBridge } from '../testing/fake-bridge.js';
import { audioFile, part, song } from '../testing/fixtures.js';
import { ImportStore } from './imports.svelte.js';
import { LibraryStore } from './library.svelte.js';

/** Runs what the last call started (the files are read and sent within promise jobs). */
const settle = (): Promise<void> => jest.advanceTimersByTimeAsync(0);

const wav = (name: string, bytes = 4): File => new File([new Uint8Array(bytes).fill(7)], name);

function setup(): { bridge: FakeBridge; imports: ImportStore; library: LibraryStore } {
  const bridge = new FakeBridge()
    .answer('library:list-songs', [song({ id: 3 })])
    .answer('library:list-clips', [])
    .answer('library:import-files', ({ files }) => ({
      files: files.map((_, i) => audioFile({ id: 30 + i, songId: 3 })),
      failures: [],
      duplicates: [],
      parts: [],
    }));
  const api = fakeApi(bridge);
  const library = new LibraryStore(api, new ConfirmStore(), new NoticeStore());
  const imports = new ImportStore(api, library);
  imports.init();
  return { bridge, imports, library };
}

describe('ImportStore', () => {
  // The 4 s a finished import lingers runs on the fake clock; promise jobs stay real.
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('counts a MIDI file that became parts as imported, and opens its song', async () => {
    const { bridge, imports, library } = setup();
    bridge
      .answer('library:list-songs', [song({ id: 3 }), song({ id: 4, name: 'Night Drive' })])
      .answer('library:import-files', () => ({
        files: [],
        failures: [],
        duplicates: [],
        parts: [part({ id: 8, songId: 4, midiFileId: 12 }), part({ id: 9, songId: 4, midiFileId: 12 })],
      }));
    imports.importFiles([wav('Night Drive.mid')]);
    await settle();
    expect(imports.jobs).toMatchObject([{ state: 'done', imported: 1, failures: [] }]);
    expect(library.selectedSongId).toBe(4);
    expect(bridge.faults).toEqual([]);
  });

  it('reads the files, sends them, opens the song they went to, then tidies the import away', async () => {
    const { bridge, imports, library } = setup();
    imports.importFiles([wav('verse.wav'), wav('chorus.wav', 6)]);
    expect(imports.busy).toBe(true);
    await settle();

    const [request] = bridge.requests('library:import-files');
    expect(request?.files.map((file) => [file.name, [...file.data]])).toEqual([
      ['verse.wav', [7, 7, 7, 7]],
      ['chorus.wav', [7, 7, 7, 7, 7, 7]],
    ]);
    expect(imports.jobs).toMatchObject([{ state: 'done', imported: 2, fraction: 1, failures: [] }]);
    expect(imports.busy).toBe(false);
    expect(library.songs.map((s) => s.id)).toEqual([3]);
    expect(library.selectedSongId).toBe(3);

    await jest.advanceTimersByTimeAsync(3999);
    expect(imports.jobs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(imports.jobs).toEqual([]);
  });

  it('refuses empty files before reading them, and keeps every failure on screen', async () => {
    const { bridge, imports } = setup();
    bridge.refuse('library:import-files', 'UNSUPPORTED_FORMAT', 'notes.txt: not audio Eureka can read');
    imports.importFiles([wav('empty.wav', 0), wav('notes.txt')]);
    await settle();
    await jest.advanceTimersByTimeAsync(10_000);

    expect(imports.jobs.map((job) => [job.state, job.names, job.failures])).toEqual([
      ['failed', ['empty.wav'], ['empty.wav: the file is empty']],
      ['failed', ['notes.txt'], ['notes.txt: not audio Eureka can read']],
    ]);
    expect(bridge.requests('library:import-files')[0]?.files.map((file) => file.name)).toEqual(['notes.txt']);

    imports.dismiss(imports.jobs[0]!.key);
    expect(imports.jobs.map((job) => job.names)).toEqual([['notes.txt']]);
  });

  it("follows the core's progress for its own import only, once per failure", async () => {
    const { bridge, imports } = setup();
    let release: () => void = () => {};
    bridge.answer('library:import-files', () => {
      // The core reports progress while the request runs; the answer waits for the spec.
      bridge.emit('library:did-import-progress', { index: 0, total: 3, name: 'other.wav', phase: 'decoding', fraction: 0.9 });
      bridge.emit('library:did-import-progress', { index: 1, total: 2, name: 'b.wav', phase: 'failed', fraction: 0.5, error: 'corrupt' });
      bridge.emit('library:did-import-progress', { index: 0, total: 2, name: 'a.wav', phase: 'analysing', fraction: 0.25 });
      return new Promise((resolve) => {
        release = () => resolve({ files: [audioFile({ id: 40, songId: 3 })], failures: [], duplicates: [], parts: [] });
      });
    });
    imports.importFiles([wav('a.wav'), wav('b.wav')]);
    await settle();

    expect(imports.jobs[0]).toMatchObject({ state: 'running', phase: 'analysing', current: 'a.wav', fraction: 0.5 });
    expect(imports.jobs[0]?.failures).toEqual(['b.wav: corrupt']);
    release();
    await settle();
    expect(imports.jobs[0]).toMatchObject({ state: 'failed', imported: 1, failures: ['b.wav: corrupt'] });
  });

  it('keeps a file the library holds already on screen with the song that has it, and selects that song', async () => {
    const { bridge, imports, library } = setup();
    bridge
      .answer('library:list-songs', [song({ id: 3, name: 'Night Drive' }), song({ id: 4 })])
      .answer('library:import-files', ({ files }) => ({
        files: [],
        failures: [],
        duplicates: files.map((file) => ({ name: file.name, songId: 3, songName: 'Night Drive', fileId: 30 })),
        parts: [],
      }));
    imports.importFiles([wav('Night Drive (copy).wav')]);
    await settle();
    await jest.advanceTimersByTimeAsync(10_000);

    expect(imports.jobs).toMatchObject([
      {
        state: 'done',
        imported: 0,
        failures: [],
        duplicates: [{ name: 'Night Drive (copy).wav', songId: 3, songName: 'Night Drive', fileId: 30 }],
      },
    ]);
    expect(library.selectedSongId).toBe(3);
    expect(bridge.faults).toEqual([]);
  });
});
