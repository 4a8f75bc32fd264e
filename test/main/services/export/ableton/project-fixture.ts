/**
 * A small Live project on disk for the Ableton tests: a source clip and two takes written as
 * real BWF WAVs (deterministic sines) into `Samples/Imported/`, placed one after another with a
 * bar's gap, then `writeAbletonProject` over them. With `midiPart`, a MIDI track follows them
 * (FIXTURE_PART after the last take) and the set has a tempo change and a 6/8 section.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeAbletonProject } from '../../../../../src-main/services/export/ableton/index.js';
import type { LiveMidiTrackSpec, LiveSetSpec, LiveTrackSpec } from '../../../../../src-main/services/export/ableton/index.js';
import type { MeterPoint, PartNote, TempoPoint } from '../../../../../src-main/common/midi.js';
import { encodeBwfWav } from '../../../../../src-main/services/export/bwf-wav.js';

export const FIXTURE_RATE = 48000;

export interface FixtureTrack {
  name: string;
  /** Length in frames at FIXTURE_RATE. */
  frames: number;
}

export const FIXTURE_TRACKS: FixtureTrack[] = [
  { name: 'Source clip 0:04–0:12', frames: 8 * FIXTURE_RATE },
  { name: 'Take 1 <dark> & "warm" ★', frames: 6 * FIXTURE_RATE + 123 },
  { name: 'Take 2 été', frames: 5 * FIXTURE_RATE },
];

function sine(frames: number, hz: number): Float32Array {
  return Float32Array.from({ length: frames }, (_, i) => 0.25 * Math.sin((2 * Math.PI * hz * i) / FIXTURE_RATE));
}

export interface FixtureOptions {
  tempo?: number;
  timeSignature?: { numerator: number; denominator: number };
  scenes?: number;
  songName?: string;
  /** Add the MIDI track (and the tempo and meter changes). */
  midiPart?: boolean;
}

/** The MIDI track's clip: two bars of 4/4 notes; bar 3 onwards of the set is in 6/8. */
export const FIXTURE_PART_NOTES: PartNote[] = [
  { pitch: 40, startBeats: 0, durationBeats: 1, velocity: 100 },
  { pitch: 47, startBeats: 1.5, durationBeats: 0.5, velocity: 90 },
  { pitch: 40, startBeats: 2, durationBeats: 1.25, velocity: 1 },
  { pitch: 52, startBeats: 7.75, durationBeats: 0.25, velocity: 127 },
];

/** Writes the WAVs and the set into `dir`; returns the .als path and the spec that was written. */
export async function writeFixtureProject(dir: string, options: FixtureOptions = {}): Promise<{ alsFile: string; set: LiveSetSpec }> {
  const tempo = options.tempo ?? 92.5;
  const timeSignature = options.timeSignature ?? { numerator: 4, denominator: 4 };
  const barBeats = (timeSignature.numerator * 4) / timeSignature.denominator;
  await mkdir(path.join(dir, 'Samples', 'Imported'), { recursive: true });
  const tracks: LiveTrackSpec[] = [];
  let startBeats = 0;
  for (const [index, fixture] of FIXTURE_TRACKS.entries()) {
    const relativePath = `Samples/Imported/${fixture.name.replace(/[<>:"|?*]/g, '-')}.wav`;
    const absolutePath = path.join(dir, ...relativePath.split('/'));
    const wav = encodeBwfWav([sine(fixture.frames, 220 * (index + 1))], FIXTURE_RATE, 24, {
      name: fixture.name,
      comment: `fixture ${index}`,
      createdAt: new Date(Date.UTC(2026, 10, 23, 12, 0, 0)),
      timeReference: 0,
    });
    await writeFile(absolutePath, wav);
    const seconds = fixture.frames / FIXTURE_RATE;
    tracks.push({
      name: fixture.name,
      clip: {
        name: fixture.name,
        startBeats,
        seconds,
        file: { relativePath, absolutePath, bytes: wav.byteLength, frames: fixture.frames, sampleRate: FIXTURE_RATE },
      },
    });
    // Sequence placement: the next clip starts on the bar after this one ends, plus a bar's gap.
    startBeats += (Math.ceil((seconds * tempo) / 60 / barBeats) + 1) * barBeats;
  }
  const allTracks: (LiveTrackSpec | LiveMidiTrackSpec)[] = [...tracks];
  let maps: { tempoMap: TempoPoint[]; meterMap: MeterPoint[] } | null = null;
  if (options.midiPart) {
    allTracks.push({
      kind: 'midi',
      name: 'bass line (Electric Bass (Finger))',
      clip: { name: 'bass line', startBeats, lengthBeats: 8, timeSignature, notes: FIXTURE_PART_NOTES },
    });
    const meter = timeSignature as MeterPoint['timeSignature'];
    maps = {
      tempoMap: [{ beats: 0, bpm: tempo }, { beats: startBeats + 4, bpm: 140 }],
      meterMap: [{ beats: 0, timeSignature: meter }, { beats: startBeats + 8, timeSignature: { numerator: 6, denominator: 8 } }],
    };
  }
  const set: LiveSetSpec = { tempo, timeSignature, tracks: allTracks, ...(maps ?? {}), ...(options.scenes ? { scenes: options.scenes } : {}) };
  const { alsFile } = await writeAbletonProject(dir, options.songName ?? 'Verse idea 3', set);
  return { alsFile, set };
}
