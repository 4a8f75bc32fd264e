/**
 * Parts and part clips through the service and the contract (real SQLite file): clips by bars
 * across songType1's 6/8 section and its tempo change, their music shifted to beat 0 with the
 * maps and a held bend; notes cut at a clip's end; clips past a part's end or without notes
 * refused; parts that transcription and the models add (addPart), with their refusals; every
 * `parts:*` channel answered within its schema.
 */
import { dispatch } from '../../../../src-main/api/dispatch.js';
import type { PartMusic } from '../../../../src-main/common/midi.js';
import { openTestLibrary, type TestLibrary } from '../../../helpers/library.js';
import { wavBytes } from '../../../helpers/signals.js';
import { songType1 } from './midi-fixtures.js';

const FOUR_FOUR = { numerator: 4, denominator: 4 } as const;
const SIX_EIGHT = { numerator: 6, denominator: 8 } as const;

/** A part of two notes: a long one from beat 0 (10 beats) and a short one at beat 16, at 100 BPM in 4/4. */
const LONG_NOTE: PartMusic = {
  program: 0,
  channel: 0,
  notes: [
    { pitch: 64, startBeats: 16, durationBeats: 1, velocity: 80 },
    { pitch: 60, startBeats: 0, durationBeats: 10, velocity: 90 },
  ],
  bends: [],
  tempoMap: [{ beats: 0, bpm: 100 }],
  meterMap: [{ beats: 0, timeSignature: FOUR_FOUR }],
};

describe('parts and part clips', () => {
  let lib: TestLibrary;
  let songId: number;
  let keys: number;
  let bass: number;
  beforeEach(async () => {
    lib = await openTestLibrary();
    const { parts } = await lib.core.library.importFiles([{ name: 'Night Drive.mid', data: songType1() }]);
    songId = parts[0]!.songId;
    keys = parts[0]!.id;
    bass = parts[1]!.id;
  });
  afterEach(async () => {
    await lib.close();
  });

  it('cuts the 6/8 section by bars: its notes from beat 0, its meter and tempo', () => {
    const clip = lib.core.parts.addClip({ partId: keys, startBar: 5, lengthBars: 4, label: 'the 6/8 bit' });
    expect(clip).toMatchObject({ partId: keys, songId, startBar: 5, lengthBars: 4, startBeats: 16, endBeats: 28, noteCount: 12, label: 'the 6/8 bit', split: 'train' });
    const music = lib.core.parts.musicOf({ partClipId: clip.id });
    expect(music.name).toBe('Keys · the 6/8 bit');
    expect(music.songId).toBe(songId);
    expect([...new Set(music.notes.map((note) => note.startBeats))]).toEqual([0, 3, 6, 9]);
    expect(music.meterMap).toEqual([{ beats: 0, timeSignature: SIX_EIGHT }]);
    expect(music.tempoMap).toEqual([{ beats: 0, bpm: 96 }]);
  });

  it('cuts across the change back to 4/4 and to 132 BPM, maps and bends shifted alike', () => {
    const clip = lib.core.parts.addClip({ partId: keys, startBar: 7, lengthBars: 4 });
    expect([clip.startBeats, clip.endBeats]).toEqual([22, 36]);
    const music = lib.core.parts.musicOf({ partClipId: clip.id });
    expect(music.name).toBe('Keys · bars 7–10');
    expect([...new Set(music.notes.map((note) => note.startBeats))]).toEqual([0, 3, 6, 10]);
    expect(music.notes).toHaveLength(12);
    expect(music.meterMap).toEqual([
      { beats: 0, timeSignature: SIX_EIGHT },
      { beats: 6, timeSignature: FOUR_FOUR },
    ]);
    // 132 BPM as typed: the file holds 454 545 µs a quarter note, which 132 stands for.
    expect(music.tempoMap).toEqual([
      { beats: 0, bpm: 96 },
      { beats: 6, bpm: 132 },
    ]);
    // The whole part's notes of those bars, the same notes moved by 22 beats.
    const whole = lib.core.parts.musicOf({ partId: keys }).notes.filter((note) => note.startBeats >= 22 && note.startBeats < 36);
    expect(music.notes).toEqual(whole.map((note) => ({ ...note, startBeats: note.startBeats - 22 })));

    // The bass's slide ends at beat 27 on +0.5 and is released at 30: from bar 9 (beat 28) the held bend comes first.
    const slide = lib.core.parts.addClip({ partId: bass, startBar: 9, lengthBars: 2 });
    expect(lib.core.parts.musicOf({ partClipId: slide.id }).bends).toEqual([
      { beats: 0, value: 0.5 },
      { beats: 2, value: 0 },
    ]);
  });

  it('cuts a note crossing the clip end there, and refuses clips without notes or past the end', () => {
    const part = lib.core.parts.addPart({ songId, name: 'Pad', source: 'model', settings: { seed: 7 }, music: LONG_NOTE });
    expect(part).toMatchObject({ name: 'Pad', source: 'model', settings: { seed: 7 }, noteCount: 2, lengthBeats: 17, lengthBars: 5, bpm: 100, midiFileId: null });
    const first = lib.core.parts.addClip({ partId: part.id, startBar: 1, lengthBars: 2 });
    expect(lib.core.parts.musicOf({ partClipId: first.id }).notes).toEqual([{ pitch: 60, startBeats: 0, durationBeats: 8, velocity: 90 }]);
    expect(() => lib.core.parts.addClip({ partId: part.id, startBar: 3, lengthBars: 2 })).toThrow(`part ${part.id} “Pad” has no notes in bars 3–4`);
    expect(() => lib.core.parts.addClip({ partId: part.id, startBar: 5, lengthBars: 2 })).toThrow(`part ${part.id} “Pad” has 5 bars: bars 5–6 go past its end`);
    expect(() => lib.core.parts.addClip({ partId: part.id, startBar: 0, lengthBars: 2 })).toThrow('startBar');
    expect(() => lib.core.parts.updateClip(first.id, { startBar: 3 })).toThrow('has no notes in bars 3–4');

    const moved = lib.core.parts.updateClip(first.id, { startBar: 4, lengthBars: 2, label: 'tail', split: 'val', notes: 'the high E' });
    expect(moved).toMatchObject({ startBar: 4, lengthBars: 2, startBeats: 12, endBeats: 20, noteCount: 1, label: 'tail', split: 'val', notes: 'the high E' });
    expect(lib.core.parts.get(part.id).clipCount).toBe(1);
    lib.core.parts.deleteClip(first.id);
    expect(lib.core.parts.listClips({ partId: part.id })).toEqual([]);
  });

  it('adds transcriptions and model parts, refusing what a synth or the grid cannot follow', async () => {
    const add = (patch: Partial<Parameters<typeof lib.core.parts.addPart>[0]>) =>
      lib.core.parts.addPart({ songId, name: 'Take', source: 'transcription', settings: {}, music: LONG_NOTE, ...patch });
    expect(() => add({ songId: 999 })).toThrow('there is no song 999');
    expect(() => add({ name: '  ' })).toThrow('a part name needs 1 to 200 characters');
    expect(() => add({ source: 'midi-file' as 'model' })).toThrow('comes from a transcription or a model');
    expect(() => add({ music: { ...LONG_NOTE, notes: [] } })).toThrow('part "Take" has no notes');
    expect(() => add({ music: { ...LONG_NOTE, notes: [{ pitch: 130, startBeats: 0, durationBeats: 1, velocity: 1 }] } })).toThrow('notes.0.pitch');
    expect(() => add({ music: { ...LONG_NOTE, tempoMap: [{ beats: 1, bpm: 90 }] } })).toThrow('its tempo map must start at beat 0');
    expect(() => add({ music: { ...LONG_NOTE, meterMap: [{ beats: 0, timeSignature: FOUR_FOUR }, { beats: 0, timeSignature: SIX_EIGHT }] } })).toThrow('its meter map must rise');
    expect(() => add({ sourceClipId: 77 })).toThrow('its source (clip 77) does not exist');
    expect(lib.core.parts.list(songId)).toHaveLength(3);

    // A transcription of a real clip names it; the part stays when the clip goes.
    const imported = await lib.core.library.importFiles([{ name: 'bounce.wav', data: wavBytes({ seconds: 3, sampleRate: 16_000, channels: 1, frequency: 220, seed: 1 }) }], { songId });
    const clip = lib.core.library.addClip({ songId, fileId: imported.files[0]!.id, start: 0, end: 2, label: 'U' });
    const settings = { model: 'basic-pitch', onsetThreshold: 0.5, nested: { frames: [1, 2] } };
    const take = add({ sourceClipId: clip.id, settings, name: '  Hum  ' });
    expect(take).toMatchObject({ name: 'Hum', source: 'transcription', sourceClipId: clip.id, sourceTakeId: null, settings });
    await lib.core.library.deleteClip(clip.id);
    expect(lib.core.parts.get(take.id).sourceClipId).toBeNull();
    // Notes are kept in time order, whatever order they came in.
    expect(lib.core.parts.musicOf({ partId: take.id }).notes.map((note) => note.startBeats)).toEqual([0, 16]);
  });

  it('answers every parts:* channel within the contract, and tells listeners what changed', async () => {
    const events: unknown[] = [];
    lib.core.subscribe((event, payload) => {
      if (event === 'parts:did-change') events.push(payload);
    });
    const call = async (channel: string, request: unknown) => {
      const envelope = await dispatch(lib.core.handlers, channel, request);
      if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
      return envelope.value as Record<string, unknown>;
    };
    expect(await call('parts:list', { songId })).toHaveLength(3);
    const detail = await call('parts:get', { partId: keys });
    expect((detail.music as PartMusic).notes).toHaveLength(42);
    expect(await call('parts:rename', { partId: keys, name: 'Rhodes' })).toMatchObject({ name: 'Rhodes' });
    const clip = await call('parts:add-clip', { partId: keys, startBar: 1, lengthBars: 4, label: 'verse' });
    expect(await call('parts:update-clip', { partClipId: clip.id, patch: { label: 'chorus hook' } })).toMatchObject({ label: 'chorus hook' });
    expect(await call('parts:list-clips', { songId })).toHaveLength(1);
    expect(await call('parts:list-clips', { partId: keys })).toHaveLength(1);
    await expect(call('parts:list-clips', {})).rejects.toThrow('give partId or songId');
    expect(await call('parts:delete-clip', { partClipId: clip.id })).toEqual({ deleted: true });
    expect(await call('parts:delete', { partId: bass })).toEqual({ deleted: true });
    await expect(call('parts:get', { partId: bass })).rejects.toThrow(`NOT_FOUND: there is no part ${bass}`);
    expect(events).toEqual([
      { songIds: [songId], partIds: [keys] },
      { songIds: [songId], partIds: [keys] },
      { songIds: [songId], partIds: [keys] },
      { songIds: [songId], partIds: [keys] },
      { songIds: [songId], partIds: [bass] },
    ]);
  });
});
