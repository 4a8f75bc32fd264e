/**
 * A song's musical time through the library service, on real imports (SQLite, store, inline
 * decoding): the import's analysis of a song at 96 BPM in A minor with bar 1 at 0.5 s; what the
 * user sets wins over every later analysis and goes back through the contract; bad values are
 * refused in one line; a song from before the analysis (its columns NULL, as migration 0009
 * leaves them) is analysed on demand and by the backfill.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { SONG_BPM, aMinorAt96Wav } from '../../../helpers/musical-signals.js';
import { openTestLibrary, type TestLibrary } from '../../../helpers/library.js';
import { wavBytes } from '../../../helpers/signals.js';

const RATE = 22_050;

describe('musical time in the library', () => {
  let lib: TestLibrary;
  beforeEach(async () => {
    lib = await openTestLibrary();
  });
  afterEach(async () => {
    await lib.close();
  });

  async function importSong(name: string, data: Uint8Array, songId?: number): Promise<number> {
    const result = await lib.core.library.importFiles([{ name, data }], songId === undefined ? {} : { songId });
    expect(result.failures).toEqual([]);
    return result.files[0]!.songId;
  }

  it('estimates tempo, bar 1 and key at import, and leaves the signature 4/4 by default', async () => {
    const songId = await importSong('Night Drive.wav', aMinorAt96Wav({ seconds: 20, sampleRate: RATE, downbeat: 0.5 }));
    const time = lib.core.library.getSong(songId).musicalTime!;
    expect(time).toMatchObject({
      tempoSource: 'estimated',
      timeSignature: { numerator: 4, denominator: 4 },
      timeSignatureSource: 'default',
      downbeatSource: 'estimated',
      key: 'A minor',
      keySource: 'estimated',
    });
    expect(Math.abs(time.tempo - SONG_BPM)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(time.downbeatSeconds - 0.5)).toBeLessThanOrEqual(0.02);
    expect(lib.core.library.listSongs()[0]!.musicalTime).toEqual(time);
  }, 120_000);

  it('gives a song without a clear beat 120 BPM from 0 s, marked as the default', async () => {
    const songId = await importSong('Drone.wav', wavBytes({ seconds: 6, sampleRate: RATE, channels: 1, frequency: 220, seed: 3 }));
    expect(lib.core.library.getSong(songId).musicalTime).toMatchObject({ tempo: 120, tempoSource: 'default', downbeatSeconds: 0, downbeatSource: 'default' });
  }, 60_000);

  it("keeps what the user set when a new bounce is analysed, and updates only the rest", async () => {
    const songId = await importSong('Take 1.wav', aMinorAt96Wav({ seconds: 15, sampleRate: RATE, downbeat: 0.5 }));
    const changed = await lib.core.library.setMusicalTime(songId, { tempo: 100, key: 'bbm' });
    expect(changed.musicalTime).toMatchObject({ tempo: 100, tempoSource: 'user', key: 'Bb minor', keySource: 'user', downbeatSource: 'estimated' });

    await importSong('Take 2.wav', aMinorAt96Wav({ seconds: 15, sampleRate: RATE, downbeat: 1.2 }), songId);
    const after = lib.core.library.getSong(songId).musicalTime!;
    expect(after).toMatchObject({ tempo: 100, tempoSource: 'user', key: 'Bb minor', keySource: 'user', downbeatSource: 'estimated' });
    expect(Math.abs(after.downbeatSeconds - 1.2)).toBeLessThanOrEqual(0.02);

    // Over the contract, as the GUI sets it: a signature and bar 1; no key clears it.
    const envelope = await lib.core.handlers['library:set-musical-time']({
      songId,
      patch: { timeSignature: { numerator: 6, denominator: 8 }, downbeatSeconds: 0.25, key: null },
    });
    expect(envelope.musicalTime).toMatchObject({
      tempo: 100,
      timeSignature: { numerator: 6, denominator: 8 },
      timeSignatureSource: 'user',
      downbeatSeconds: 0.25,
      downbeatSource: 'user',
      key: null,
      keySource: 'user',
    });
  }, 120_000);

  it('refuses a bad tempo, key or empty change in one line, and an unknown song', async () => {
    const songId = await importSong('Riff.wav', wavBytes({ seconds: 3, sampleRate: RATE, channels: 1, seed: 5 }));
    const before = lib.core.library.getSong(songId).musicalTime;
    await expect(lib.core.library.setMusicalTime(songId, { tempo: 5 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^tempo: /) });
    await expect(lib.core.library.setMusicalTime(songId, { key: 'H major' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'key: a key such as "A minor" or "Eb major"',
    });
    await expect(lib.core.library.setMusicalTime(songId, {})).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('nothing to change') });
    await expect(lib.core.library.setMusicalTime(999, { tempo: 90 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(lib.core.library.getSong(songId).musicalTime).toEqual(before);
  }, 60_000);

  it('analyses songs from before the analysis existed: on demand, and all of them in the backfill', async () => {
    const first = await importSong('Old one.wav', aMinorAt96Wav({ seconds: 15, sampleRate: RATE, downbeat: 0.5 }));
    const second = await importSong('Old two.wav', wavBytes({ seconds: 4, sampleRate: RATE, channels: 1, seed: 9 }));
    const analysed = lib.core.library.getSong(first).musicalTime;
    // What migration 0009 leaves on songs it finds: no musical time yet.
    const db = new Database(path.join(lib.dir, 'eureka.db'));
    db.exec(`UPDATE songs SET tempo_bpm = NULL, tempo_source = NULL, downbeat_seconds = NULL, downbeat_source = NULL,
      key_tonic = NULL, key_mode = NULL, key_source = NULL`);
    db.close();
    expect(lib.core.library.listSongs().map((song) => song.musicalTime)).toEqual([null, null]);

    const changes: number[][] = [];
    const off = lib.core.subscribe((event, payload) => {
      if (event === 'library:did-change') changes.push((payload as { songIds: number[] }).songIds);
    });
    expect(await lib.core.library.ensureMusicalTime(first)).toEqual(analysed);
    expect(await lib.core.library.backfillMusicalTime()).toEqual([second]);
    expect(await lib.core.library.backfillMusicalTime()).toEqual([]);
    off();
    expect(changes).toEqual([[first], [second]]);
    expect(lib.core.library.getSong(second).musicalTime).toMatchObject({ tempoSource: 'default' });
    await expect(lib.core.library.ensureMusicalTime(999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 120_000);
});
