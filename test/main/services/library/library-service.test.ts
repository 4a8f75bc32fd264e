import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImportProgress } from '../../../../src-main/common/dto.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { wavBytes } from '../../../helpers/signals.js';
import { openTestLibrary, type TestLibrary } from '../../../helpers/library.js';

const stereo10s = () => wavBytes({ seconds: 10, sampleRate: 44_100, channels: 2, seed: 7 });

describe('LibraryService import', () => {
  let lib: TestLibrary;
  beforeEach(async () => {
    lib = await openTestLibrary({ maxImportSeconds: 30 });
  });
  afterEach(async () => {
    await lib.close();
  });

  it('imports a bounce into a new song named after it, keeping the original bytes', async () => {
    const bytes = stereo10s();
    const progress: ImportProgress[] = [];
    const result = await lib.core.library.importFiles([{ name: 'Verse idea 3.wav', data: bytes }], {
      onProgress: (p) => progress.push(p),
    });
    expect(result.failures).toEqual([]);
    const [file] = result.files;
    expect(file).toMatchObject({ originalName: 'Verse idea 3.wav', format: 'wav', sampleRate: 44_100, channels: 2, frames: 441_000 });
    expect(file!.durationSeconds).toBeCloseTo(10, 6);
    const songs = lib.core.library.listSongs();
    expect(songs.map((s) => s.name)).toEqual(['Verse idea 3']);
    const original = await readFile(lib.core.library.originalPath(file!.id));
    expect(Buffer.compare(original, Buffer.from(bytes))).toBe(0);
    expect(existsSync(lib.core.library.playbackPath(file!.id))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', fraction: 1 });
  });

  it('puts every file into one song with songName, and into an existing song with songId', async () => {
    const a = wavBytes({ seconds: 2, sampleRate: 48_000, seed: 1 });
    const b = wavBytes({ seconds: 3, sampleRate: 48_000, seed: 2 });
    const first = await lib.core.library.importFiles(
      [
        { name: 'a.wav', data: a },
        { name: 'b.wav', data: b },
      ],
      { songName: 'Night Drive' },
    );
    const songId = first.files[0]!.songId;
    expect(first.files.map((f) => f.songId)).toEqual([songId, songId]);
    const c = wavBytes({ seconds: 4, sampleRate: 48_000, seed: 3 });
    await lib.core.library.importFiles([{ name: 'c.wav', data: c }], { songId });
    const song = lib.core.library.getSong(songId);
    expect(song.name).toBe('Night Drive');
    expect(song.files.map((f) => f.originalName)).toEqual(['a.wav', 'b.wav', 'c.wav']);
  });

  it('refuses bad files one by one, imports the good ones, and leaves nothing of the bad behind', async () => {
    const before = await lib.snapshot();
    const result = await lib.core.library.importFiles([
      { name: 'notes.wav', data: new TextEncoder().encode('lyrics: verse one, verse two\n') },
      { name: 'empty.wav', data: new Uint8Array(0) },
      { name: 'silence.wav', data: encodeWav({ sampleRate: 44_100, channels: [new Float32Array(88_200)] }, { bitDepth: 16 }) },
      { name: 'too-long.wav', data: wavBytes({ seconds: 31, sampleRate: 8_000, channels: 1 }) },
    ]);
    expect(result.files).toEqual([]);
    expect(result.failures.map((f) => [f.name, f.error.code])).toEqual([
      ['notes.wav', 'UNSUPPORTED_FORMAT'],
      ['empty.wav', 'EMPTY_AUDIO'],
      ['silence.wav', 'SILENT_AUDIO'],
      ['too-long.wav', 'TOO_LONG'],
    ]);
    for (const failure of result.failures) {
      expect(failure.error.message.startsWith(failure.name)).toBe(true);
      expect(failure.error.message).not.toContain('\n');
    }
    expect(await lib.snapshot()).toEqual(before);
  });

  it('creates the named song with the first file that imports, never for a failed one', async () => {
    const result = await lib.core.library.importFiles(
      [
        { name: 'broken.wav', data: new TextEncoder().encode('not audio') },
        { name: 'good.wav', data: wavBytes({ seconds: 2, sampleRate: 22_050, seed: 4 }) },
        { name: 'good too.wav', data: wavBytes({ seconds: 3, sampleRate: 22_050, seed: 5 }) },
      ],
      { songName: 'Bridge' },
    );
    expect(result.failures.map((f) => f.name)).toEqual(['broken.wav']);
    const songs = lib.core.library.listSongs();
    expect(songs.map((s) => [s.name, s.files.map((f) => f.originalName)])).toEqual([['Bridge', ['good.wav', 'good too.wav']]]);
  });

  it('stores identical content once and removes nothing another file still uses', async () => {
    const bytes = stereo10s();
    const one = await lib.core.library.importFiles([{ name: 'take.wav', data: bytes }]);
    // Imported again on purpose (by default the same bytes name the song that has them: song-deletion.test.ts).
    const two = await lib.core.library.importFiles([{ name: 'take again.wav', data: bytes }], { again: true });
    expect(one.files[0]!.sha256).toBe(two.files[0]!.sha256);
    expect(lib.core.library.originalPath(one.files[0]!.id)).toBe(lib.core.library.originalPath(two.files[0]!.id));
    expect(lib.core.library.listSongs()).toHaveLength(2);
  });

  it('turns a store that cannot be written into one STORAGE error and no rows', async () => {
    // A plain file where the store's folder should be: every write fails, as on a broken disk.
    await writeFile(path.join(lib.dir, 'files'), 'not a folder');
    const before = await lib.snapshot();
    const result = await lib.core.library.importFiles([{ name: 'take.wav', data: stereo10s() }]);
    expect(result.files).toEqual([]);
    expect(result.failures[0]?.error.code).toBe('STORAGE');
    expect(result.failures[0]?.error.message).toMatch(/^take.wav: cannot write to the audio store \(/);
    expect(await lib.snapshot()).toEqual(before);
  });

  it('says which song is missing before doing any work', async () => {
    await expect(lib.core.library.importFiles([{ name: 'a.wav', data: stereo10s() }], { songId: 42 })).rejects.toThrow(
      'there is no song 42',
    );
  });
});

describe('LibraryService clips', () => {
  let lib: TestLibrary;
  let songId: number;
  beforeEach(async () => {
    lib = await openTestLibrary({ maxClipSeconds: 60 });
    const result = await lib.core.library.importFiles([
      { name: 'song.wav', data: wavBytes({ seconds: 90, sampleRate: 16_000, channels: 1, seed: 3 }) },
    ]);
    songId = result.files[0]!.songId;
  });
  afterEach(async () => {
    await lib.close();
  });

  it('adds, lists, changes and deletes clips', async () => {
    const clip = lib.core.library.addClip({ songId, start: 10, end: 40, label: 'U', notes: 'chorus' });
    expect(clip).toMatchObject({ songId, start: 10, end: 40, label: 'U', split: 'train', holeStart: null, notes: 'chorus' });
    expect(lib.core.library.listClips(songId)).toEqual([clip]);
    const changed = lib.core.library.updateClip(clip.id, { split: 'test', end: 45 });
    expect(changed).toMatchObject({ split: 'test', end: 45, start: 10 });
    expect(lib.core.library.getSong(songId).clipCount).toBe(1);
    await lib.core.library.deleteClip(clip.id);
    expect(lib.core.library.listClips()).toEqual([]);
  });

  it('gives a gap clip its middle third as the hole, and drops the hole when the label changes', () => {
    const gap = lib.core.library.addClip({ songId, start: 0, end: 30, label: 'gap' });
    expect(gap.holeStart).toBeCloseTo(10);
    expect(gap.holeEnd).toBeCloseTo(20);
    const moved = lib.core.library.updateClip(gap.id, { holeStart: 12, holeEnd: 14 });
    expect([moved.holeStart, moved.holeEnd]).toEqual([12, 14]);
    const relabelled = lib.core.library.updateClip(gap.id, { label: 'V' });
    expect([relabelled.holeStart, relabelled.holeEnd]).toEqual([null, null]);
  });

  it.each([
    [{ start: 80, end: 95 }, /outside "song", which is 1:30.000 long/],
    [{ start: 10, end: 10.5 }, /needs at least 1 s/],
    [{ start: 0, end: 61 }, /the limit is 1:00.000/],
    [{ start: 20, end: 10 }, /end must come after the start/],
  ])('refuses %j with a one-line reason and writes nothing', (region, reason) => {
    expect(() => lib.core.library.addClip({ songId, label: 'U', ...region })).toThrow(reason);
    expect(lib.core.library.listClips()).toEqual([]);
  });

  it('refuses a hole that leaves no music on one side, or a hole on a non-gap clip', () => {
    expect(() => lib.core.library.addClip({ songId, start: 0, end: 20, label: 'gap', holeStart: 0.2, holeEnd: 5 })).toThrow(
      /at least 0.5 s of music on each side/,
    );
    expect(() => lib.core.library.addClip({ songId, start: 0, end: 20, label: 'U', holeStart: 5, holeEnd: 6 })).toThrow(
      /only a gap clip has a hole/,
    );
  });

  it('refuses an update that would move a clip outside its file, keeping the clip as it was', () => {
    const clip = lib.core.library.addClip({ songId, start: 10, end: 40, label: 'V' });
    expect(() => lib.core.library.updateClip(clip.id, { end: 100 })).toThrow(/outside/);
    expect(lib.core.library.getClip(clip.id)).toEqual(clip);
  });

  it('names missing songs, files and clips', () => {
    expect(() => lib.core.library.addClip({ songId: 999, start: 0, end: 5, label: 'U' })).toThrow('there is no song 999');
    expect(() => lib.core.library.addClip({ songId, fileId: 999, start: 0, end: 5, label: 'U' })).toThrow(
      `song ${songId} has no file 999`,
    );
    expect(() => lib.core.library.updateClip(999, { label: 'U' })).toThrow('there is no clip 999');
  });

  it('prepares mono training audio at the requested rate, and reads it back from the cache', async () => {
    const clip = lib.core.library.addClip({ songId, start: 5, end: 17, label: 'U' });
    const first = await lib.core.library.trainingAudio(clip.id, 8_000);
    expect(first.samples.length).toBe(12 * 8_000);
    const energy = first.samples.reduce((sum, v) => sum + v * v, 0) / first.samples.length;
    expect(energy).toBeGreaterThan(0.05); // the 440 Hz tone survived (RMS of 0.5 sine ≈ 0.125)
    const again = await lib.core.library.trainingAudio(clip.id, 8_000);
    expect(again.path).toBe(first.path);
    expect(Buffer.from(again.samples.buffer).equals(Buffer.from(first.samples.buffer))).toBe(true);
  });
});
