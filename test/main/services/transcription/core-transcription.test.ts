/**
 * Transcription through the core, as `transcription:start` runs it: a rendered piano phrase
 * whose notes are known, imported as a song with its tempo and bar 1 set, a clip of it
 * transcribed by the real basic-pitch model (on the caller's thread: the sources run unbuilt)
 * into a part stored by the parts feature with its settings, its notes on the song's beats
 * (note onset F1 ≥ 0.8, mir_eval-style: same pitch, onset within 50 ms); then a redo of a second
 * clip's part replaces its music in the library with the new settings.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Midi } from '@tonejs/midi';
import { createCore, type Core } from '../../../../src-main/core.js';
import type { EventPayloadOf } from '../../../../src-main/common/ipc-contract.js';
import { secondsAtBeats } from '../../../../src-main/common/tempo-map.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { onsetScores, PHRASE_TEMPO, renderPhrase } from '../../../bench/transcription/known-phrase.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';

const RATE = 44100;
/** Seconds of silence before the phrase: bar 1 of the song. */
const BAR_ONE = 1;

let dir: string;
let core: Core;
let songId: number;
let reference: ReturnType<typeof renderPhrase>['reference'];

beforeAll(async () => {
  dir = await makeTempDir();
  core = await createCore({ dataDir: dir, audio: 'inline', transcription: 'inline' });
  // 3 bars at 100 BPM (7.2 s) of melody and chords on the acoustic grand, after 1 s of silence.
  const phrase = renderPhrase(3, 0, 0, RATE);
  reference = phrase.reference;
  const audio = new Float32Array(phrase.audio.length + BAR_ONE * RATE);
  audio.set(phrase.audio, BAR_ONE * RATE);
  const { files } = await core.library.importFiles([{ name: 'phrase.wav', data: encodeWav({ sampleRate: RATE, channels: [audio] }, { bitDepth: 16 }) }]);
  songId = files[0]!.songId;
  await core.library.setMusicalTime(songId, { tempo: PHRASE_TEMPO, timeSignature: { numerator: 4, denominator: 4 }, downbeatSeconds: BAR_ONE });
  // Rendering 8 s through the synth and importing it takes ~2 s alone, more on a loaded 2-core
  // machine: jest's 5 s default failed this hook there.
}, 60_000);

afterAll(async () => {
  await core.dispose();
  await removeDir(dir);
});

describe('transcription:start through the core', () => {
  it('stores a clip as a part on the song’s beats, with its settings, and reports progress', async () => {
    // 7.9 s of audio: 0.2 s before bar 1, the phrase and its release.
    const clip = core.library.addClip({ songId, start: 0.8, end: 8.7, label: 'U', notes: 'verse riff' });
    const progress: EventPayloadOf<'transcription:did-progress'>[] = [];
    const unsubscribe = core.subscribe((event, payload) => {
      if (event === 'transcription:did-progress') progress.push(payload as EventPayloadOf<'transcription:did-progress'>);
    });
    const outcome = await core.handlers['transcription:start']({ target: { clipId: clip.id }, settings: {}, jobId: 'clip' });
    unsubscribe();

    expect(outcome.status).toBe('done');
    if (outcome.status !== 'done') return;
    const part = core.parts.detail(outcome.partId);
    expect(part).toMatchObject({ songId, name: 'verse riff (transcribed)', source: 'transcription', sourceClipId: clip.id, sourceTakeId: null });
    expect(part.settings).toEqual({
      onsetThreshold: 0.6,
      frameThreshold: 0.4,
      minNoteMs: 128,
      minPitch: 21,
      maxPitch: 108,
      melodiaTrick: false,
      pitchBends: true,
      model: 'basic-pitch',
    });
    expect(part.music.tempoMap).toEqual([{ beats: 0, bpm: PHRASE_TEMPO }]);
    expect(part.noteCount).toBe(outcome.notes);
    // The phrase starts at bar 1, so its notes' seconds from bar 1 are the written ones.
    const heard = part.music.notes.map((note) => ({ pitch: note.pitch, onset: secondsAtBeats(part.music.tempoMap, note.startBeats) }));
    const scores = onsetScores(reference, heard);
    expect(scores.f1).toBeGreaterThanOrEqual(0.8);

    expect(progress.map((p) => p.stage)).toEqual(expect.arrayContaining(['reading', 'listening', 'writing']));
    expect(progress.every((p) => p.jobId === 'clip')).toBe(true);
    expect(progress.at(-1)?.fraction).toBe(1);
  }, 180_000);

  it('redoes a transcribed part with new settings: the same part, its music and settings replaced', async () => {
    // The shortest clip (1 s): the first melody notes and chord (the model costs CPU by the second).
    const clip = core.library.addClip({ songId, start: BAR_ONE, end: BAR_ONE + 1, label: 'U' });
    const first = await core.handlers['transcription:start']({ target: { clipId: clip.id }, settings: { minNoteMs: 60 } });
    expect(first).toMatchObject({ status: 'done', replaced: false });
    if (first.status !== 'done') return;
    expect(core.parts.get(first.partId).name).toBe(`Clip ${clip.id} (transcribed)`);

    const redo = await core.handlers['transcription:start']({ target: { partId: first.partId }, settings: { onsetThreshold: 0.7, pitchBends: false } });
    expect(redo).toMatchObject({ status: 'done', replaced: true, partId: first.partId });
    const part = core.parts.detail(first.partId);
    expect(part.settings).toMatchObject({ onsetThreshold: 0.7, minNoteMs: 60, pitchBends: false });
    expect(part.music.bends).toEqual([]);
    expect(core.parts.list(songId).filter((p) => p.source === 'transcription')).toHaveLength(2);
  }, 180_000);

  it('refuses to redo a part that is not a transcription, or none, in one line', async () => {
    const midi = new Midi();
    midi.addTrack().addNote({ midi: 60, time: 0, duration: 0.5, velocity: 0.8 });
    const { parts } = await core.library.importFiles([{ name: 'riff.mid', data: new Uint8Array(midi.toArray()) }], { songId });
    expect(parts).toHaveLength(1);
    await expect(core.handlers['transcription:start']({ target: { partId: parts[0]!.id }, settings: {} })).rejects.toThrow(
      new RegExp(`^part ${parts[0]!.id} is not a transcription \\(it came from a MIDI file\\), so there is nothing to redo$`),
    );
    await expect(core.handlers['transcription:start']({ target: { partId: 999 }, settings: {} })).rejects.toThrow(/999/);
  });
});
