/**
 * MIDI parts exported to Ableton Live and Logic Pro, end to end through the export service with
 * the real synth: a part with a tempo change and a 6/8 section, read back by parsers that are
 * not ours (the .als with fast-xml-parser through als-structure.ts, the .mid files with the
 * `midi-file` package): the same notes (pitch, beat, duration, velocity) at the same bar
 * positions, the tempo and meter changes in the Live set's master automation and in the SMF
 * conductor track, the rendered stem as long as the part in the song, and the sidecar's
 * provenance. The parts library itself is out of scope here: its port answers PartMusic built
 * in the test, as PartsService.musicOf would.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../../src-main/common/errors.js';
import type { MeterPoint, PartMusic, PartNote, TempoPoint } from '../../../../src-main/common/midi.js';
import { barAtBeats, secondsAtBeats } from '../../../../src-main/common/tempo-map.js';
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import type { ExportPart, ExportPartSources, PartTarget } from '../../../../src-main/services/export/export-parts.js';
import type { ExportSources } from '../../../../src-main/services/export/export-plan-builder.js';
import { ExportService } from '../../../../src-main/services/export/export-service.js';
import { createInlineSynth } from '../../../../src-main/services/synth/synth-runner.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { child, findAll, readAls } from './ableton/als-structure.js';
import { liveMaps, liveMidiTracks, readSmf, sortNotes, type PlacedNote } from './midi-readback.js';

/** Bars 1–2 in 4/4 at 100 BPM; bars 3–4 in 6/8 at 140; bar 5 on in 4/4 (still 140). */
const TEMPO_MAP: TempoPoint[] = [
  { beats: 0, bpm: 100 },
  { beats: 8, bpm: 140 },
];
const METER_MAP: MeterPoint[] = [
  { beats: 0, timeSignature: { numerator: 4, denominator: 4 } },
  { beats: 8, timeSignature: { numerator: 6, denominator: 8 } },
  { beats: 14, timeSignature: { numerator: 4, denominator: 4 } },
];
const NOTES: PartNote[] = [
  { pitch: 40, startBeats: 0, durationBeats: 1, velocity: 100 },
  { pitch: 43, startBeats: 1.5, durationBeats: 0.5, velocity: 80 },
  { pitch: 47, startBeats: 8, durationBeats: 1.5, velocity: 90 }, // bar 3, the first 6/8 bar
  { pitch: 50, startBeats: 9.5, durationBeats: 0.5, velocity: 70 },
  { pitch: 52, startBeats: 11, durationBeats: 3, velocity: 127 }, // bar 4
  { pitch: 55, startBeats: 14, durationBeats: 2, velocity: 1 }, // bar 5, 4/4 again
  { pitch: 40, startBeats: 17.75, durationBeats: 0.25, velocity: 64 },
];
const BASS: PartMusic = { program: 33, channel: 0, notes: NOTES, bends: [{ beats: 9, value: 0.5 }], tempoMap: TEMPO_MAP, meterMap: METER_MAP };
const TRACK_NAME = 'bass line (Electric Bass (Finger))';
/** Bars 3–4 of the part as PartsService.musicOf gives a clip: shifted to start at beat 0. */
const CLIP: PartMusic = {
  ...BASS,
  notes: NOTES.filter((note) => note.startBeats >= 8 && note.startBeats < 14).map((note) => ({ ...note, startBeats: note.startBeats - 8 })),
  bends: [{ beats: 1, value: 0.5 }],
  tempoMap: [{ beats: 0, bpm: 140 }],
  meterMap: [
    { beats: 0, timeSignature: { numerator: 6, denominator: 8 } },
    { beats: 6, timeSignature: { numerator: 4, denominator: 4 } },
  ],
};

const renders: PartMusic[] = [];
const synth = createInlineSynth();
const partSources: ExportPartSources = {
  part(target: PartTarget): ExportPart {
    if ('partId' in target && target.partId === 3) {
      return { name: 'bass line', songId: 7, music: BASS, lengthBeats: 17.9, provenance: { part: { id: 3, source: 'midi-file', midiFileId: 2 }, partClip: null } };
    }
    if ('partClipId' in target && target.partClipId === 5) {
      return { name: 'bass line · bars 3–4', songId: 7, music: CLIP, lengthBeats: 6, provenance: { part: { id: 3 }, partClip: { id: 5, startBar: 3, lengthBars: 2 } } };
    }
    throw new AppError('NOT_FOUND', `there is no ${JSON.stringify(target)}`);
  },
  render(music, options) {
    renders.push(music);
    return synth.render(music, options);
  },
};
const unused = (): never => {
  throw new Error('a parts-only export read a take');
};
const sources: ExportSources = {
  take: unused,
  takeFile: unused,
  model: unused,
  modelDir: unused,
  clip: unused,
  song: (id) => (id === 7 ? ({ id, name: 'Night drive' } as ReturnType<ExportSources['song']>) : null),
  musicalTime: () => Promise.resolve(null),
  originalFile: unused,
  parts: partSources,
};

let root: string;
let service: ExportService;
beforeAll(async () => {
  root = await makeTempDir('eureka-midi-export-');
  service = new ExportService({ dataDir: path.join(root, 'data'), exportRoot: path.join(root, 'exports'), sources });
});
afterAll(async () => {
  await synth.dispose();
  await removeDir(root);
});

const expected = (notes: PartNote[], offset: number): PlacedNote[] =>
  sortNotes(notes.map((note) => ({ pitch: note.pitch, beats: note.startBeats + offset, duration: note.durationBeats, velocity: note.velocity })));

async function exportedFiles(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true })).map((file) => file.split(path.sep).join('/')).sort();
}

describe('a MIDI part with a tempo change and a 6/8 section', () => {
  let folders: string[];
  let result: Awaited<ReturnType<ExportService['exportTakes']>>;

  beforeAll(async () => {
    renders.length = 0;
    result = await service.exportTakes({ partIds: [3], partClipIds: [5], destination: path.join(root, 'both'), format: 'both' });
    folders = result.folders;
  }, 60_000);

  it('takes the song grid from the part: its first tempo and signature, and says so', () => {
    expect(result).toMatchObject({ tempo: 100, tempoSource: 'part', tempoEstimated: false, timeSignature: { numerator: 4, denominator: 4 } });
    expect(folders.map((folder) => path.basename(folder))).toEqual(['Night drive Project', 'Night drive Logic']);
  });

  it('writes a Live set whose MIDI clips hold the same notes at the same bar positions', async () => {
    const { root: set } = readAls(path.join(folders[0]!, 'Night drive.als'));
    const tracks = liveMidiTracks(set);
    expect(tracks.map((track) => track.name)).toEqual([TRACK_NAME, 'bass line · bars 3–4 (Electric Bass (Finger))']);
    // The part at bar 1, 18 beats (5 bars) long; the clip (two 6/8 bars: 6 beats) on the next
    // bar line after it: bar 7 (beat 22).
    expect(tracks.map((track) => [track.clipTime, track.length])).toEqual([
      [0, 18],
      [22, 6],
    ]);
    expect(tracks[0]!.notes).toEqual(expected(NOTES, 0));
    expect(tracks[1]!.notes).toEqual(expected(CLIP.notes, 22));
    // The set's own tempo and meter changes put every note in the bar the part has it in.
    const maps = liveMaps(set);
    expect(maps.tempoMap).toEqual(TEMPO_MAP);
    expect(maps.meterMap).toEqual(METER_MAP);
    expect(tracks[0]!.notes.map((note) => barAtBeats(maps.meterMap, note.beats))).toEqual(
      expected(NOTES, 0).map((note) => barAtBeats(METER_MAP, note.beats)),
    );
    expect(tracks[0]!.notes.map((note) => Math.floor(barAtBeats(maps.meterMap, note.beats)))).toEqual([1, 1, 3, 3, 4, 5, 5]);
    // Bar 7 is 4/4 (the part's last meter): the clip's bars 3–4 of 6/8 become 4/4 bars there, its notes at their beats.
    expect(barAtBeats(maps.meterMap, 22)).toBe(7);
    // The first clip's own signature is 4/4, the master's at bar 1.
    const clip = findAll(set, 'MidiClip')[0]!;
    expect(child(clip, 'TimeSignature/TimeSignatures/RemoteableTimeSignature/Numerator').attributes.Value).toBe('4');
    // A MIDI track needs no WAV: the Live project has only the MIDI files and the set.
    expect(await exportedFiles(folders[0]!)).toEqual([
      'Ableton Project Info',
      'MIDI',
      `MIDI/${TRACK_NAME}.mid`,
      'MIDI/bass line · bars 3–4 (Electric Bass (Finger)).mid',
      'Night drive.als',
      'Samples',
      'Samples/Imported',
      'eureka-takes.json',
    ]);
  });

  it('writes MIDI files aligned at bar 1 with the tempo map, the signatures and the same notes', async () => {
    for (const folder of folders) {
      const smf = readSmf(await readFile(path.join(folder, 'MIDI', `${TRACK_NAME}.mid`)));
      expect(smf.format).toBe(1);
      expect(smf.tempoMap.map((point) => point.beats)).toEqual([0, 8]);
      expect(smf.tempoMap[0]!.bpm).toBe(100);
      expect(smf.tempoMap[1]!.bpm).toBeCloseTo(140, 3); // 428571 µs a quarter
      // 6/8 clicks once a dotted quarter: 36 MIDI clocks.
      expect(smf.meterMap).toEqual(METER_MAP.map((point) => ({ ...point, metronome: point.timeSignature.denominator === 8 ? 36 : 24 })));
      const [conductor, part] = smf.tracks;
      expect(conductor!.notes).toEqual([]);
      expect(part).toMatchObject({ name: 'bass line (Electric Bass (Finger))', program: 33, channel: 0 });
      expect(part!.notes).toEqual(expected(NOTES, 0));
      expect(part!.bends).toEqual([{ beats: 9, value: 4096 }]);

      // The clip sits at bar 7 of the song, where the Live set has it.
      const clip = readSmf(await readFile(path.join(folder, 'MIDI', 'bass line · bars 3–4 (Electric Bass (Finger)).mid')));
      expect(clip.tracks[1]!.notes).toEqual(expected(CLIP.notes, 22));
      expect(clip.tracks[1]!.bends).toEqual([{ beats: 23, value: 4096 }]);
    }
  });

  it('renders each part at the tempo it plays at in the song, into a stem from bar 1 and a region', async () => {
    const logic = folders[1]!;
    // The part renders with the song's map; the clip at bar 7 with the tempo there (140), not its own.
    expect(renders.map((music) => music.tempoMap)).toEqual([TEMPO_MAP, [{ beats: 0, bpm: 140 }]]);
    const partSeconds = secondsAtBeats(TEMPO_MAP, 18);
    const clipStart = secondsAtBeats(TEMPO_MAP, 22);
    const clipSeconds = secondsAtBeats(TEMPO_MAP, 28) - clipStart;
    const region = await decodeAudio(await readFile(path.join(logic, 'Regions', `${TRACK_NAME}.wav`)), 'region');
    expect(region.sampleRate).toBe(48000);
    expect(region.channels).toHaveLength(2);
    expect(region.channels[0]!.length).toBe(Math.round(partSeconds * 48000));
    const stem = await decodeAudio(await readFile(path.join(logic, 'Stems', 'bass line · bars 3–4 (Electric Bass (Finger)).wav')), 'stem');
    const start = Math.round(clipStart * 48000);
    const frames = Math.round(clipSeconds * 48000);
    expect(stem.channels[0]!.length).toBeGreaterThanOrEqual(start + frames);
    const peak = (samples: Float32Array): number => samples.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    expect(peak(stem.channels[0]!.subarray(0, start))).toBe(0); // silence before the clip, exactly
    expect(peak(stem.channels[0]!.subarray(start, start + Math.round(0.3 * 48000)))).toBeGreaterThan(0.01); // its first note
    expect(peak(stem.channels[0]!.subarray(start + frames))).toBe(0);
    // Tempo.mid carries the changes too.
    const tempo = readSmf(await readFile(path.join(logic, 'Tempo.mid')));
    expect(tempo.tempoMap.map((point) => point.beats)).toEqual([0, 8]);
    expect(tempo.meterMap.map((point) => point.beats)).toEqual([0, 8, 14]);
  });

  it('records where each part came from in eureka-takes.json, with its place in bars', async () => {
    for (const folder of folders) {
      const sidecar = JSON.parse(await readFile(path.join(folder, 'eureka-takes.json'), 'utf8')) as {
        tempoMap: TempoPoint[];
        meterMap: MeterPoint[];
        files: { file: string; role: string; kind: string; startBeats: number; startBar: number; lengthSeconds: number; provenance: Record<string, unknown> }[];
      };
      expect(sidecar.tempoMap).toEqual(TEMPO_MAP);
      expect(sidecar.meterMap).toEqual(METER_MAP);
      const midi = sidecar.files.filter((file) => file.role === 'midi');
      expect(midi.map((file) => [file.file, file.kind, file.startBeats, file.startBar])).toEqual([
        [`MIDI/${TRACK_NAME}.mid`, 'part', 0, 1],
        ['MIDI/bass line · bars 3–4 (Electric Bass (Finger)).mid', 'part', 22, 7],
      ]);
      expect(midi[0]!.provenance).toMatchObject({ kind: 'part', part: { id: 3, source: 'midi-file', midiFileId: 2 }, partClip: null, song: { id: 7 } });
      expect(midi[1]!.provenance).toMatchObject({ part: { id: 3 }, partClip: { id: 5, startBar: 3, lengthBars: 2 } });
      expect(midi[0]!.lengthSeconds).toBeCloseTo(secondsAtBeats(TEMPO_MAP, 18), 9);
    }
  });
});

describe('choosing the grid and what to render', () => {
  it("an Ableton-only export renders nothing and a request's tempo and signature replace the part's maps", async () => {
    renders.length = 0;
    const result = await service.exportTakes({
      partIds: [3],
      destination: path.join(root, 'ableton-only'),
      format: 'ableton',
      tempo: 90,
      timeSignature: { numerator: 3, denominator: 4 },
    });
    expect(renders).toEqual([]);
    expect(result).toMatchObject({ tempo: 90, tempoSource: 'user', timeSignature: { numerator: 3, denominator: 4 } });
    const { root: set } = readAls(path.join(result.folders[0]!, 'Night drive.als'));
    expect(liveMaps(set)).toEqual({ tempoMap: [{ beats: 0, bpm: 90 }], meterMap: [{ beats: 0, timeSignature: { numerator: 3, denominator: 4 } }] });
    // The notes keep their beats; the clip is whole bars of the part's own meter (18 beats).
    expect(liveMidiTracks(set)[0]).toMatchObject({ clipTime: 0, length: 18, notes: expected(NOTES, 0) });
  });

  it('refuses a request with nothing to export, and a part that is not there, in one line each', async () => {
    await expect(service.exportTakes({ destination: path.join(root, 'none') })).rejects.toThrow(
      new AppError('INVALID_INPUT', 'cannot export: name at least one take, part, part clip or MIDI take'),
    );
    await expect(service.exportTakes({ partIds: [99], destination: path.join(root, 'none') })).rejects.toThrow('there is no {"partId":99}');
  });
});
