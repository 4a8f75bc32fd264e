/**
 * A checked Standard MIDI File (smf-check.ts) read into parts, with @tonejs/midi (docs/midi.md,
 * "Import"). Every track with notes becomes a part: tonejs splits a track that plays on several
 * channels or changes program (a format 0 file is one track of every channel) into one track
 * per channel and program, which is what a part is. Times become beats: ticks / PPQ, quarter
 * notes from bar 1, exact for every PPQ a DAW writes. The tempo map and the time signatures are
 * the file's (120 BPM and 4/4 from beat 0 where the file says nothing, as the SMF specification
 * defaults them); pitch bends become −1..1 of the bend range.
 */
import tonejs from '@tonejs/midi';
import { AppError } from '../../common/errors.js';
import { instrumentName } from '../../common/gm-programs.js';
import {
  GM_DRUM_CHANNEL,
  partMusicSchema,
  type MeterPoint,
  type PartMusic,
  type PartNote,
  type PitchBend,
  type TempoPoint,
} from '../../common/midi.js';
import { DEFAULT_TEMPO } from '../../common/musical-time.js';
import { checkSmf, type SmfFacts } from './smf-check.js';

const { Midi } = tonejs;

export interface ImportedTrack {
  /** The track's name, else its instrument's; made unique within the file ("Bass", "Bass 2"). */
  name: string;
  /** Its place among the tracks with notes, after splitting by channel and program (0-based). */
  trackIndex: number;
  music: PartMusic;
}

export interface ImportedMidi {
  facts: SmfFacts;
  tracks: ImportedTrack[];
  tempoMap: TempoPoint[];
  meterMap: MeterPoint[];
  /** Whether the file set a tempo, a time signature (else the SMF defaults stand). */
  setsTempo: boolean;
  setsMeter: boolean;
}

/**
 * The tempo the songwriter typed, from the file's whole microseconds per quarter note: a DAW
 * writes 92 BPM as 652 174 µs, which reads back as 91.99988 BPM. The BPM with the fewest
 * decimals (up to three) that the same whole microseconds stand for is the one they set; writing
 * it again gives the same bytes. Any other tempo is kept as the file's exact value.
 */
export function typedTempo(bpm: number): number {
  const microseconds = Math.round(60_000_000 / bpm);
  for (const scale of [1, 10, 100, 1000]) {
    const candidate = Math.round(bpm * scale) / scale;
    if (Math.round(60_000_000 / candidate) === microseconds) return candidate;
  }
  return bpm;
}

/** Checks `bytes` (smf-check.ts) and reads them into parts; an AppError with a one-line reason when it is refused. */
export function readSmf(name: string, bytes: Uint8Array): ImportedMidi {
  const facts = checkSmf(name, bytes);
  let midi: InstanceType<typeof Midi>;
  try {
    midi = new Midi(bytes);
  } catch (error) {
    throw new AppError('INVALID_INPUT', `${name}: the MIDI file cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const ppq = midi.header.ppq;
  const beatsOf = (ticks: number): number => ticks / ppq;
  const tempos = stepMap<TempoPoint>(midi.header.tempos.map((tempo) => ({ beats: beatsOf(tempo.ticks), bpm: typedTempo(tempo.bpm) })));
  const meters = stepMap<MeterPoint>(
    midi.header.timeSignatures.map((signature) => ({
      beats: beatsOf(signature.ticks),
      timeSignature: { numerator: signature.timeSignature[0]!, denominator: signature.timeSignature[1]! as 1 | 2 | 4 | 8 | 16 },
    })),
  );
  const tempoMap = startAtZero(tempos, { beats: 0, bpm: DEFAULT_TEMPO });
  const meterMap = startAtZero<MeterPoint>(meters, { beats: 0, timeSignature: { numerator: 4, denominator: 4 } });

  const tracks: ImportedTrack[] = [];
  const names = new Map<string, number>();
  for (const track of midi.tracks) {
    if (track.notes.length === 0) continue;
    const channel = track.channel;
    const program = channel === GM_DRUM_CHANNEL ? 0 : track.instrument.number;
    const notes: PartNote[] = track.notes.map((note) => ({
      pitch: note.midi,
      startBeats: beatsOf(note.ticks),
      // A note switched off at the tick it starts (a drum hit some DAWs write so) keeps one tick.
      durationBeats: beatsOf(Math.max(1, note.durationTicks)),
      velocity: Math.min(127, Math.max(1, Math.round(note.velocity * 127))),
    }));
    const bends: PitchBend[] = track.pitchBends.map((bend) => ({
      beats: beatsOf(bend.ticks),
      value: Math.min(1, Math.max(-1, bend.value)),
    }));
    const parsed = partMusicSchema.safeParse({ program, channel, notes, bends, tempoMap, meterMap });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('INVALID_INPUT', `${name}: track ${tracks.length + 1}: ${issue.path.join('.')}: ${issue.message}`);
    }
    tracks.push({ name: uniqueName(trackName(track.name, program, channel), names), trackIndex: tracks.length, music: parsed.data });
  }
  if (tracks.length === 0) throw new AppError('INVALID_INPUT', `${name}: holds no notes`);
  return { facts, tracks, tempoMap, meterMap, setsTempo: tempos.length > 0, setsMeter: meters.length > 0 };
}

/** Points in order of their beat, the last of several at one beat winning (as a sequencer plays them). */
function stepMap<T extends { beats: number }>(points: T[]): T[] {
  const sorted = points.map((point, order) => ({ point, order })).sort((a, b) => a.point.beats - b.point.beats || a.order - b.order);
  const kept: T[] = [];
  for (const { point } of sorted) {
    if (kept.length > 0 && kept.at(-1)!.beats === point.beats) kept[kept.length - 1] = point;
    else kept.push(point);
  }
  return kept;
}

/** The map with a point at beat 0: the default until the file's first one. */
function startAtZero<T extends { beats: number }>(points: T[], fallback: T): T[] {
  return points[0]?.beats === 0 ? points : [fallback, ...points];
}

function trackName(name: string, program: number, channel: number): string {
  // Track names are the user's text: trimmed, at most 200 characters, never empty.
  const trimmed = name.replace(/\0/g, '').trim().slice(0, 200);
  return trimmed.length > 0 ? trimmed : instrumentName(program, channel);
}

function uniqueName(name: string, seen: Map<string, number>): string {
  const count = (seen.get(name) ?? 0) + 1;
  seen.set(name, count);
  return count === 1 ? name : `${name.slice(0, 190)} ${count}`;
}
