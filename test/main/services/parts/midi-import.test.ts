/**
 * Importing MIDI files through the library, as a drop or `eureka import` does it (real SQLite
 * file, real store, the files of midi-fixtures.ts): every note, tempo, signature and bend read
 * back equal to an independent parser's reading; a new song takes the file's tempo and
 * signature as the songwriter's and a key from the notes; bad files give one line and leave
 * the library as it was; a MIDI file already in the library is named, not imported again; a
 * song with MIDI and no audio works everywhere a song does, and goes with its parts.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openTestLibrary, type TestLibrary } from '../../../helpers/library.js';
import { listFiles } from '../../../helpers/temp-dir.js';
import { createCore } from '../../../../src-main/core.js';
import { sha256Hex, storeKey } from '../../../../src-main/services/store/audio-store.js';
import {
  absurdTempo,
  controllerFlood,
  floodAfterEndOfTrack,
  noNotes,
  readIndependently,
  runningStatusAbuse,
  seventeenMegabytes,
  songType0,
  songType1,
  truncated,
  smfBytes,
  TYPE1_PART_NAMES,
  inMicroseconds,
} from './midi-fixtures.js';

/** A track of one note and its end. */
const ONE_NOTE_TRACK = [0x00, 0x90, 60, 100, 0x83, 0x60, 0x80, 60, 0, 0x00, 0xff, 0x2f, 0x00];

describe('MIDI import', () => {
  let lib: TestLibrary;
  beforeEach(async () => {
    lib = await openTestLibrary();
  });
  afterEach(async () => {
    await lib.close();
  });

  /** Everything a refused import must leave alone: songs, clips, parts and every file in the data folder. */
  const state = async () => ({ ...(await lib.snapshot()), parts: lib.core.parts.list() });

  it('imports a format 1 file: a part per track with every note, bend, tempo and signature intact', async () => {
    const bytes = songType1();
    const result = await lib.core.library.importFiles([{ name: 'Night Drive.mid', data: bytes }]);
    expect(result.failures).toEqual([]);
    expect(result.files).toEqual([]);
    expect(result.parts.map((part) => [part.name, part.program, part.channel, part.source])).toEqual([
      [TYPE1_PART_NAMES[0], 4, 0, 'midi-file'],
      [TYPE1_PART_NAMES[1], 33, 1, 'midi-file'],
      [TYPE1_PART_NAMES[2], 0, 9, 'midi-file'],
    ]);
    const independent = readIndependently(bytes);
    expect(independent.format).toBe(1);
    for (const part of result.parts) {
      const music = lib.core.parts.musicOf({ partId: part.id });
      expect(music.notes).toEqual(independent.notesByChannel.get(part.channel));
      expect(music.bends).toEqual(independent.bendsByChannel.get(part.channel) ?? []);
      expect(inMicroseconds(music.tempoMap)).toEqual(inMicroseconds(independent.tempos));
      expect(music.tempoMap.map((tempo) => tempo.bpm)).toEqual([96, 132]); // as typed in the DAW, not 132.00013
      expect(music.meterMap).toEqual(independent.meters.map(({ beats, numerator, denominator }) => ({ beats, timeSignature: { numerator, denominator } })));
      expect(part.noteCount).toBe(music.notes.length);
      // 4 bars of 4/4, 4 of 6/8 and 6 of 4/4.
      expect(part.lengthBars).toBe(14);
    }
    expect(lib.core.parts.musicOf({ partId: result.parts[1]!.id }).bends).toHaveLength(10);
    expect(result.parts[0]!.noteCount).toBe(14 * 3);

    // The song is new, named after the file, with the file's tempo and signature as the songwriter's.
    const song = lib.core.library.getSong(result.parts[0]!.songId);
    expect(song).toMatchObject({ name: 'Night Drive', files: [], clipCount: 0 });
    expect(song.musicalTime).toEqual({
      tempo: 96,
      tempoSource: 'user',
      timeSignature: { numerator: 4, denominator: 4 },
      timeSignatureSource: 'user',
      downbeatSeconds: 0,
      downbeatSource: 'default',
      key: 'A minor',
      keySource: 'estimated',
    });
    // The original, byte for byte, in the store's midi area.
    const key = storeKey('midi', sha256Hex(bytes), '.mid');
    expect(new Uint8Array(await readFile(path.join(lib.dir, key)))).toEqual(bytes);
  });

  it('imports a format 0 file with running status: one part per channel, the tempo change and the 6/8 bar', async () => {
    const bytes = songType0();
    const { parts, failures } = await lib.core.library.importFiles([{ name: 'sketch.midi', data: bytes }]);
    expect(failures).toEqual([]);
    expect(parts.map((part) => [part.name, part.program, part.channel])).toEqual([
      ['Sketch', 73, 0],
      ['Drums', 0, 9],
    ]);
    const independent = readIndependently(bytes);
    expect(independent.format).toBe(0);
    expect(independent.tempos.map((tempo) => tempo.beats)).toEqual([0, 8]);
    for (const part of parts) {
      const music = lib.core.parts.musicOf({ partId: part.id });
      expect(music.notes).toEqual(independent.notesByChannel.get(part.channel));
      expect(music.notes).toHaveLength(16);
      expect(inMicroseconds(music.tempoMap)).toEqual(inMicroseconds(independent.tempos));
      expect(music.meterMap).toEqual([
        { beats: 0, timeSignature: { numerator: 4, denominator: 4 } },
        { beats: 8, timeSignature: { numerator: 6, denominator: 8 } },
        { beats: 11, timeSignature: { numerator: 4, denominator: 4 } },
      ]);
    }
    expect(lib.core.parts.musicOf({ partId: parts[0]!.id }).bends).toEqual([
      { beats: 9, value: 0.5 },
      { beats: 10, value: -1 },
      { beats: 10.5, value: 0 },
    ]);
    expect(lib.core.library.getSong(parts[0]!.songId).musicalTime).toMatchObject({ tempo: 120, tempoSource: 'user', timeSignatureSource: 'user' });
  });

  it.each([
    ['truncated.mid', truncated, /^truncated\.mid: truncated: track 4 claims \d+ bytes, the file ends \d+ bytes after its start$/],
    ['abuse.mid', runningStatusAbuse, /^abuse\.mid: track 1: a data byte with no status before it \(running status abuse, byte 23\)$/],
    ['empty.mid', noNotes, /^empty\.mid: holds no notes$/],
    ['fast.mid', absurdTempo, /^fast\.mid: track 1: a tempo of 10000 BPM is outside 20–999 BPM$/],
    ['flood.mid', controllerFlood, /^flood\.mid: track 1: more than 200,000 events, more than a MIDI part holds$/],
    ['hidden.mid', floodAfterEndOfTrack, /^hidden\.mid: track 1: more than 200,000 events, more than a MIDI part holds$/],
    ['huge.mid', seventeenMegabytes, /^huge\.mid: 17\.0 MB is larger than the 16 MB a MIDI file may be$/],
    ['patterns.mid', () => smfBytes([ONE_NOTE_TRACK], { format: 2 }), /^patterns\.mid: format 2 MIDI files \(independent patterns\) are not supported: save it as format 0 or 1$/],
    ['smpte.mid', () => smfBytes([ONE_NOTE_TRACK], { format: 0, ppq: 0xe728 }), /^smpte\.mid: SMPTE time division is not supported: save it with ticks per quarter note$/],
    ['two.mid', () => smfBytes([ONE_NOTE_TRACK, ONE_NOTE_TRACK], { format: 0 }), /^two\.mid: a format 0 file must hold one track, its header declares 2$/],
    ['riff.mid', () => new TextEncoder().encode('RIFF....WAVEfmt and more bytes'), /^riff\.mid: not a Standard MIDI File \(no MThd header\)$/],
  ])('refuses %s in one line and changes nothing', async (name, make, message) => {
    const before = await state();
    const { failures, parts } = await lib.core.library.importFiles([{ name, data: make() }]);
    expect(parts).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error.code).toBe('INVALID_INPUT');
    expect(failures[0]!.error.message).toMatch(message);
    expect(failures[0]!.error.message).not.toContain('\n');
    expect(await state()).toEqual(before);
  });

  it('refuses a file over the size cap from its size, before reading it', async () => {
    const file = path.join(lib.dir, '..', `huge-${process.pid}.mid`);
    // A header and then nothing readable: only the size can refuse it without reading the rest.
    await writeFile(file, seventeenMegabytes());
    const before = await state();
    const { failures } = await lib.core.library.importPaths([file]);
    expect(failures.map((failure) => failure.error.message)).toEqual([`huge-${process.pid}.mid: 17.0 MB is larger than the 16 MB a MIDI file may be`]);
    expect(await state()).toEqual(before);
    expect(() => lib.core.library.checkHeader('huge.mid', new Uint8Array(0), 17 * 1024 * 1024)).toThrow('larger than the 16 MB');
  });

  it('names the song that has a MIDI file already, and imports it again only when asked', async () => {
    const bytes = songType1();
    const first = await lib.core.library.importFiles([{ name: 'Night Drive.mid', data: bytes }]);
    const songId = first.parts[0]!.songId;
    const again = await lib.core.library.importFiles([{ name: 'copy.mid', data: bytes }]);
    expect(again).toEqual({ files: [], failures: [], parts: [], duplicates: [{ name: 'copy.mid', songId, songName: 'Night Drive', fileId: null, midiFileId: first.parts[0]!.midiFileId }] });
    const forced = await lib.core.library.importFiles([{ name: 'copy.mid', data: bytes }], { again: true });
    expect(forced.parts).toHaveLength(3);
    expect(forced.parts[0]!.songId).not.toBe(songId);
    expect(lib.core.parts.list()).toHaveLength(6);
  });

  it('joins an existing song without touching its tempo, and one new song with --song for a batch', async () => {
    const { parts } = await lib.core.library.importFiles([{ name: 'a.mid', data: songType0() }]);
    const songId = parts[0]!.songId;
    await lib.core.library.setMusicalTime(songId, { tempo: 100 });
    const joined = await lib.core.library.importFiles([{ name: 'b.mid', data: songType1() }], { songId });
    expect(joined.parts.every((part) => part.songId === songId)).toBe(true);
    expect(lib.core.library.getSong(songId).musicalTime).toMatchObject({ tempo: 100, tempoSource: 'user' });
    expect(lib.core.parts.list(songId)).toHaveLength(5);

    const batch = await lib.core.library.importFiles(
      [
        { name: 'c.mid', data: songType0() },
        { name: 'd.mid', data: songType1().slice(0, 30) },
        { name: 'e.mid', data: songType1() },
      ],
      { songName: 'Band', again: true },
    );
    expect(batch.failures.map((failure) => failure.name)).toEqual(['d.mid']);
    expect(new Set(batch.parts.map((part) => part.songId)).size).toBe(1);
    expect(lib.core.library.getSong(batch.parts[0]!.songId).name).toBe('Band');
  });

  it('keeps a song of MIDI alone working: lists, shows, analyses, describes and deletes it with its parts and file', async () => {
    const bytes = songType1();
    const { parts } = await lib.core.library.importFiles([{ name: 'Only MIDI.mid', data: bytes }]);
    const songId = parts[0]!.songId;
    expect(lib.core.library.listSongs().map((song) => [song.name, song.files.length])).toEqual([['Only MIDI', 0]]);
    expect(await lib.core.library.backfillMusicalTime()).toEqual([]);
    expect((await lib.core.library.ensureMusicalTime(songId)).tempo).toBe(96);
    const clip = lib.core.parts.addClip({ partId: parts[0]!.id, startBar: 1, lengthBars: 4, label: 'intro' });

    const summary = lib.core.library.describeDeletion({ kind: 'song', songId });
    expect(summary).toMatchObject({ files: 0, clips: 0, parts: 3, models: 0, takes: 0 });
    await lib.core.library.deleteSong(songId);
    expect(lib.core.parts.list()).toEqual([]);
    expect(() => lib.core.parts.getClip(clip.id)).toThrow(`there is no part clip ${clip.id}`);
    expect((await listFiles(lib.dir)).filter((line) => line.startsWith('midi/'))).toEqual([]);
  });

  it('removes at start a MIDI original no row names (what a killed import leaves)', async () => {
    await lib.core.library.importFiles([{ name: 'kept.mid', data: songType1() }]);
    const orphan = storeKey('midi', sha256Hex(songType0()), '.mid');
    await mkdir(path.dirname(path.join(lib.dir, orphan)), { recursive: true });
    await writeFile(path.join(lib.dir, orphan), songType0());
    const midiFiles = async () => (await listFiles(lib.dir)).filter((line) => line.startsWith('midi/')).map((line) => line.split(' ')[0]);
    expect(await midiFiles()).toHaveLength(2);
    // A second core on the same folder starts as the next run of the app would.
    const next = await createCore({ dataDir: lib.dir, audio: 'inline' });
    await next.dispose();
    expect(await midiFiles()).toEqual([storeKey('midi', sha256Hex(songType1()), '.mid')]);
  });
});
