/**
 * The MIDI round trip a songwriter makes, through the real core (SQLite library, parts service,
 * synth): a type-1 MIDI file as Logic or Live exports it (midi-fixtures.ts songType1: 96 BPM then
 * 132, 4/4 then a 6/8 section then 4/4 again, a bass with pitch bends) is imported, then a part
 * and a part clip across the 6/8 section are exported to Live and Logic. The original is read by
 * `midi-file`'s parser alone, the exports by fast-xml-parser and `midi-file`: every note comes
 * back with its pitch, beat, length and velocity, in the same bar, with the same tempo and
 * signature changes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MeterPoint, PartNote } from '../../../../src-main/common/midi.js';
import { barAtBeats, beatsAtBar } from '../../../../src-main/common/tempo-map.js';
import { openTestLibrary, type TestLibrary } from '../../../helpers/library.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { inMicroseconds, readIndependently, songType1 } from '../parts/midi-fixtures.js';
import { readAls } from './ableton/als-structure.js';
import { liveMaps, liveMidiTracks, readSmf, sortNotes, type PlacedNote } from './midi-readback.js';

let lib: TestLibrary;
/** Outside the library's folder (exports may not go there). */
let exports: string;
const original = readIndependently(songType1());
/** The original's meter map, as common/midi.ts holds one. */
const METER_MAP = original.meters.map(({ beats, numerator, denominator }) => ({ beats, timeSignature: { numerator, denominator } })) as MeterPoint[];
/** The bass: channel 1 of the original. */
const BASS = original.notesByChannel.get(1)!;

beforeAll(async () => {
  lib = await openTestLibrary();
  exports = await makeTempDir('eureka-midi-round-trip-');
  const imported = await lib.core.library.importFiles([{ name: 'Night Drive.mid', data: songType1() }]);
  expect(imported.parts.map((part) => part.name)).toEqual(['Keys', 'Bass', 'Drums']);
});
afterAll(async () => {
  await lib.close();
  await removeDir(exports);
});

const placed = (notes: PartNote[], offset = 0): PlacedNote[] =>
  sortNotes(notes.map((note) => ({ pitch: note.pitch, beats: note.startBeats + offset, duration: note.durationBeats, velocity: note.velocity })));
/** Bar (1-based, fractional) of every note, in time order. */
const barsOf = (notes: PlacedNote[], meterMap: MeterPoint[]): number[] => notes.map((note) => barAtBeats(meterMap, note.beats));

it('a whole part: the same notes in the same bars, with the tempo and signature changes, in Live and in Logic', async () => {
  const result = await lib.core.export.exportTakes({ partIds: [2], destination: path.join(exports, 'part'), format: 'both' });
  expect(result).toMatchObject({ tempo: 96, tempoSource: 'part', timeSignature: { numerator: 4, denominator: 4 } });
  const [project, logic] = result.folders;

  const { root } = readAls(path.join(project!, 'Night Drive.als'));
  const [track] = liveMidiTracks(root);
  expect(track).toMatchObject({ name: 'Bass (Electric Bass (Finger))', clipTime: 0 });
  expect(track!.notes).toEqual(placed(BASS));
  const maps = liveMaps(root);
  expect(inMicroseconds(maps.tempoMap)).toEqual(inMicroseconds(original.tempos));
  expect(maps.meterMap).toEqual(METER_MAP);
  expect(barsOf(track!.notes, maps.meterMap)).toEqual(barsOf(placed(BASS), METER_MAP));
  // Bars 5–8 are the 6/8 section in both.
  expect(track!.notes.filter((note) => barAtBeats(maps.meterMap, note.beats) >= 5 && barAtBeats(maps.meterMap, note.beats) < 9).length).toBeGreaterThan(0);

  for (const folder of [project!, logic!]) {
    const smf = readSmf(await readFile(path.join(folder, 'MIDI', 'Bass (Electric Bass (Finger)).mid')));
    expect(smf.tempoMap.map((point) => point.beats)).toEqual(original.tempos.map((point) => point.beats));
    smf.tempoMap.forEach((point, i) => expect(point.bpm).toBeCloseTo(original.tempos[i]!.bpm, 3));
    expect(smf.meterMap.map(({ beats, timeSignature }) => ({ beats, timeSignature }))).toEqual(METER_MAP);
    expect(smf.tracks[1]).toMatchObject({ program: 33, channel: 1, notes: placed(BASS) });
    expect(smf.tracks[1]!.bends.map((bend) => bend.beats)).toEqual(original.bendsByChannel.get(1)!.map((bend) => bend.beats));
  }
}, 120_000);

it('a part clip across the 6/8 section: its bars become the export\'s first bars, every note in its place', async () => {
  const clip = lib.core.parts.addClip({ partId: 2, startBar: 4, lengthBars: 4, label: 'into the 6/8' });
  const result = await lib.core.export.exportTakes({ partClipIds: [clip.id], destination: path.join(exports, 'clip'), format: 'ableton' });
  const { root } = readAls(path.join(result.folders[0]!, 'Night Drive.als'));
  const [track] = liveMidiTracks(root);
  // Bar 4 of the part (beat 12) is bar 1 of the export: one 4/4 bar, then three of 6/8 (13 beats).
  const from = beatsAtBar(METER_MAP, 4);
  const to = beatsAtBar(METER_MAP, 8);
  const inside = BASS.filter((note) => note.startBeats >= from && note.startBeats < to);
  expect(inside.length).toBeGreaterThan(3);
  expect(track).toMatchObject({ name: 'Bass · into the 6/8 (Electric Bass (Finger))', clipTime: 0, length: to - from });
  // Notes cut at the clip's end, as the parts library cuts them.
  expect(track!.notes.map(({ pitch, beats, velocity }) => ({ pitch, beats, velocity }))).toEqual(
    placed(inside, -from).map(({ pitch, beats, velocity }) => ({ pitch, beats, velocity })),
  );
  const maps = liveMaps(root);
  const exportedBars = barsOf(track!.notes, maps.meterMap);
  const originalBars = barsOf(placed(inside), METER_MAP);
  expect(exportedBars).toHaveLength(originalBars.length);
  // Three bars earlier, to the last bit of a float (a 6/8 bar is a third of a beat's multiple).
  exportedBars.forEach((bar, i) => expect(bar + 3).toBeCloseTo(originalBars[i]!, 9));
}, 120_000);
