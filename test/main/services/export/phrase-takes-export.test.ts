/**
 * The phrase models' MIDI takes exported to Ableton Live and Logic Pro through the export
 * service with the real synth: each a MIDI track whose clip holds the take's notes at its
 * place in its song (two takes of one song keep their beats; takes of two songs follow each
 * other from bar 1), every MIDI element of the set with the outline of one Live 11.3 wrote,
 * the Logic folder's `MIDI/<name>.mid` read back by the `midi-file` parser and its rendered
 * stem, and a failed or discarded take refused in one line. The phrase-takes feature is out
 * of scope here: its port answers takes built in the test, as the core's wiring would.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../../src-main/common/errors.js';
import type { PartMusic, PartNote } from '../../../../src-main/common/midi.js';
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import type { ExportPhraseTake } from '../../../../src-main/services/export/export-phrase-takes.js';
import type { ExportSources } from '../../../../src-main/services/export/export-plan-builder.js';
import { ExportService } from '../../../../src-main/services/export/export-service.js';
import { createInlineSynth } from '../../../../src-main/services/synth/synth-runner.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { closestOutline, outlinesOf, readAls } from './ableton/als-structure.js';
import { loadLive11Outline } from './ableton/reference-outline.js';
import { liveMaps, liveMidiTracks, readSmf, sortNotes, type PlacedNote } from './midi-readback.js';

const SONG_MAPS: Pick<PartMusic, 'tempoMap' | 'meterMap'> = {
  tempoMap: [{ beats: 0, bpm: 96 }],
  meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
};
/** A continuation of bars 1–4: its notes in the song's beats from bar 5 (beat 16). */
const CONTINUATION: PartNote[] = [
  { pitch: 60, startBeats: 16, durationBeats: 1, velocity: 88 },
  { pitch: 64, startBeats: 17, durationBeats: 0.5, velocity: 72 },
  { pitch: 67, startBeats: 18.5, durationBeats: 1.5, velocity: 104 },
  { pitch: 72, startBeats: 22, durationBeats: 2, velocity: 56 },
];
/** A variation of bars 9–12 (beat 32). */
const VARIATION: PartNote[] = [
  { pitch: 48, startBeats: 32, durationBeats: 2, velocity: 96 },
  { pitch: 55, startBeats: 34, durationBeats: 2, velocity: 80 },
  { pitch: 52, startBeats: 37, durationBeats: 1, velocity: 64 },
];

function take(id: number, fields: Partial<ExportPhraseTake> & { notes?: PartNote[] } = {}): ExportPhraseTake {
  const { notes = CONTINUATION, ...rest } = fields;
  return {
    id,
    modelName: 'Night drive phrases',
    songId: 7,
    status: 'ready',
    error: null,
    verdict: 'kept',
    music: { program: 0, channel: 0, notes, bends: [], ...SONG_MAPS },
    startBeats: 16,
    lengthBeats: 16,
    provenance: { phraseTake: { id, mode: 'continue', seed: '42' }, phraseModel: { id: 2, name: 'Night drive phrases', kind: 'continue' } },
    ...rest,
  };
}

const TAKES = new Map<number, ExportPhraseTake>([
  [11, take(11)],
  [12, take(12, { notes: VARIATION, startBeats: 32, lengthBeats: 8, provenance: { phraseTake: { id: 12, mode: 'vary', seed: '7' } } })],
  // Of another song, at its own bar 3 (beat 8), in 3/4.
  [15, take(15, { songId: 8, modelName: 'Waltz phrases', notes: [{ pitch: 62, startBeats: 6, durationBeats: 3, velocity: 90 }], startBeats: 6, lengthBeats: 6, music: { program: 40, channel: 0, notes: [{ pitch: 62, startBeats: 6, durationBeats: 3, velocity: 90 }], bends: [], tempoMap: [{ beats: 0, bpm: 150 }], meterMap: [{ beats: 0, timeSignature: { numerator: 3, denominator: 4 } }] } })],
  [13, take(13, { verdict: 'discarded' })],
  [14, take(14, { status: 'failed', error: 'the model produced no notes', music: null })],
]);

const synth = createInlineSynth();
const renders: PartMusic[] = [];
const unused = (): never => {
  throw new Error('a MIDI-take export read something else');
};
const sources: ExportSources = {
  take: unused,
  takeFile: unused,
  model: unused,
  modelDir: unused,
  clip: unused,
  song: (id) => ({ 7: { id, name: 'Night drive' }, 8: { id, name: 'Waltz' } })[id] as ReturnType<ExportSources['song']>,
  musicalTime: () => Promise.resolve(null),
  originalFile: unused,
  parts: {
    part: unused,
    render(music, options) {
      renders.push(music);
      return synth.render(music, options);
    },
  },
  phraseTakes: {
    take(takeId) {
      const found = TAKES.get(takeId);
      if (!found) throw new AppError('NOT_FOUND', `there is no MIDI take ${takeId}`);
      return found;
    },
  },
};

let root: string;
let service: ExportService;
beforeAll(async () => {
  root = await makeTempDir('eureka-phrase-take-export-');
  service = new ExportService({ dataDir: path.join(root, 'data'), exportRoot: path.join(root, 'exports'), sources });
});
afterAll(async () => {
  await synth.dispose();
  await removeDir(root);
});

const placed = (notes: PartNote[]): PlacedNote[] =>
  sortNotes(notes.map((note) => ({ pitch: note.pitch, beats: note.startBeats, duration: note.durationBeats, velocity: note.velocity })));
const CONTINUATION_NAME = 'Night drive phrases · take 11';
const VARIATION_NAME = 'Night drive phrases · take 12';

describe('two MIDI takes of one song', () => {
  let folders: string[];
  let result: Awaited<ReturnType<ExportService['exportTakes']>>;

  beforeAll(async () => {
    renders.length = 0;
    result = await service.exportTakes({ phraseTakeIds: [11, 12], destination: path.join(root, 'one-song'), format: 'both' });
    folders = result.folders;
  }, 60_000);

  it("takes the song's grid from the first take and its name from the song", () => {
    expect(result).toMatchObject({ tempo: 96, tempoSource: 'part', timeSignature: { numerator: 4, denominator: 4 } });
    expect(folders.map((folder) => path.basename(folder))).toEqual(['Night drive Project', 'Night drive Logic']);
  });

  it('writes a MIDI track per take whose clip holds its notes at its place in the song', () => {
    const { root: set } = readAls(path.join(folders[0]!, 'Night drive.als'));
    const tracks = liveMidiTracks(set);
    expect(tracks.map((track) => track.name)).toEqual([CONTINUATION_NAME, VARIATION_NAME]);
    // Bar 5 and bar 9, four bars each: where the takes sit in the song, not one after another.
    expect(tracks.map((track) => [track.clipTime, track.length])).toEqual([
      [16, 16],
      [32, 8],
    ]);
    expect(tracks[0]!.notes).toEqual(placed(CONTINUATION));
    expect(tracks[1]!.notes).toEqual(placed(VARIATION));
    expect(liveMaps(set)).toEqual(SONG_MAPS);
  });

  it('writes every MIDI element of the set with the outline of one Live 11.3 wrote', () => {
    const { root: set } = readAls(path.join(folders[0]!, 'Night drive.als'));
    const live11 = loadLive11Outline();
    for (const name of ['MidiTrack', 'MainSequencer', 'ClipSlot'] as const) {
      const references = live11.outlines[name];
      const known = new Set(references.map((lines) => lines.join('\n')));
      const written = outlinesOf(set, name);
      expect(written.length).toBeGreaterThan(0);
      for (const lines of written) if (!known.has(lines.join('\n'))) expect(lines).toEqual(closestOutline(lines, references));
    }
  });

  it('writes MIDI/<name>.mid with the notes at their song beats, and renders a stem from bar 1', async () => {
    const logic = folders[1]!;
    expect((await readdir(path.join(logic, 'MIDI'))).sort()).toEqual([`${CONTINUATION_NAME}.mid`, `${VARIATION_NAME}.mid`]);
    const smf = readSmf(await readFile(path.join(logic, 'MIDI', `${CONTINUATION_NAME}.mid`)));
    expect(smf.format).toBe(1);
    expect(smf.tempoMap).toEqual([{ beats: 0, bpm: 96 }]);
    // SMF text is folded to ASCII (docs/export-formats.md §2).
    expect(smf.tracks[1]).toMatchObject({ name: 'Night drive phrases - take 11', program: 0, channel: 0 });
    expect(smf.tracks[1]!.notes).toEqual(placed(CONTINUATION));
    // Rendered from the take's start: its notes moved to its beat 0.
    expect(renders.map((music) => music.notes[0]!.startBeats)).toEqual([0, 0]);
    const stem = await decodeAudio(await readFile(path.join(logic, 'Stems', `${CONTINUATION_NAME}.wav`)), 'stem');
    const start = Math.round(((16 * 60) / 96) * 48000);
    const peak = (samples: Float32Array): number => samples.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    expect(peak(stem.channels[0]!.subarray(0, start))).toBe(0);
    expect(peak(stem.channels[0]!.subarray(start, start + 0.3 * 48000))).toBeGreaterThan(0.01);
  });

  it('names each take in eureka-takes.json', async () => {
    const sidecar = JSON.parse(await readFile(path.join(folders[1]!, 'eureka-takes.json'), 'utf8')) as {
      files: { file: string; role: string; kind: string; startBar: number; provenance: Record<string, unknown> }[];
    };
    const midi = sidecar.files.filter((file) => file.role === 'midi');
    expect(midi.map((file) => [file.kind, file.startBar])).toEqual([
      ['phrase-take', 5],
      ['phrase-take', 9],
    ]);
    expect(midi[0]!.provenance).toMatchObject({ kind: 'phrase-take', phraseTake: { id: 11, mode: 'continue' }, song: { id: 7 }, startBeats: 16 });
  });
});

describe('MIDI takes of two songs', () => {
  it('follow each other from bar 1 like parts, on the first one\'s grid', async () => {
    const result = await service.exportTakes({ phraseTakeIds: [11, 15], destination: path.join(root, 'two-songs'), format: 'ableton' });
    const { root: set } = readAls(path.join(result.folders[0]!, 'Night drive.als'));
    const tracks = liveMidiTracks(set);
    expect(tracks.map((track) => track.name)).toEqual([CONTINUATION_NAME, 'Waltz phrases · take 15']);
    // Four bars of 4/4 from bar 1, then the waltz take at the first bar line after them (bar 6,
    // beat 20: an item that ends on a bar line gets one bar of air), 6 beats: two bars of its 3/4.
    expect(tracks.map((track) => [track.clipTime, track.length])).toEqual([
      [0, 16],
      [20, 6],
    ]);
    expect(tracks[1]!.notes).toEqual([{ pitch: 62, beats: 20, duration: 3, velocity: 90 }]);
  });
});

describe('refusals', () => {
  it('refuses a discarded take and a failed one in one line each, writing nothing', async () => {
    const destination = path.join(root, 'refused');
    await expect(service.exportTakes({ phraseTakeIds: [11, 13], destination })).rejects.toThrow(
      new AppError('INVALID_INPUT', 'MIDI take 13 cannot be exported: it was discarded (keep it first)'),
    );
    await expect(service.exportTakes({ phraseTakeIds: [14], destination })).rejects.toThrow(
      new AppError('INVALID_INPUT', 'MIDI take 14 cannot be exported: it failed (the model produced no notes)'),
    );
    await expect(service.exportTakes({ phraseTakeIds: [99], destination })).rejects.toThrow('there is no MIDI take 99');
    expect(await readdir(root)).not.toContain('refused');
  });
});
