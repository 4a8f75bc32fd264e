/**
 * Standard MIDI Files for export, written with @tonejs/midi (docs/export-formats.md §2: it
 * writes a correct SMF type 1, checked): a conductor track (song name, tempo, time signature)
 * and one named track per part. `Tempo.mid` is the conductor track alone; Logic and Live take
 * the song's tempo and meter from it.
 *
 *   track 0: FF 03 song name · FF 51 tempo (µs per quarter) · FF 58 time signature · FF 2F
 *   track n: FF 03 part name · program change · note on/off pairs on one channel · FF 2F
 * PPQ 480. `encodeMidiFile` takes times in seconds from bar 1 at one tempo (the takes' grid);
 * `encodePartsMidiFile` takes MIDI parts as they are stored, in beats (common/midi.ts), with the
 * tempo map and meter map as tempo (FF 51) and time signature (FF 58) events at their beats, so
 * a 6/8 section and a tempo change land where the part has them.
 *
 * The time signature's metronome (FF 58 04 nn dd cc bb) clicks once a beat: cc = 96/dd MIDI
 * clocks (24 a quarter note), and in compound time (6/8, 9/8, 12/8, 6/16: a numerator above 3
 * divisible by 3, an eighth or shorter) once a dotted beat, three of them (6/8: 36), as the SMF
 * specification's own 6/8 example has it. The writer library always writes 24, so that byte is
 * set afterwards.
 *
 * Text meta events are folded to ASCII (bwf-wav.ts foldToAscii: "Café · 2" becomes "Cafe - 2"):
 * the SMF standard defines no encoding, and readers show UTF-8 as mojibake. The full names stay
 * in the file names and in eureka-takes.json.
 */
import tonejs from '@tonejs/midi';
import { AppError } from '../../common/errors.js';
import { foldToAscii } from './bwf-wav.js';
import type { MeterPoint, PartNote, PitchBend, TempoPoint } from '../../common/midi.js';
import { conductorOf, type ExportItem, type ExportMidiNote, type ExportPlan, type ExportTimeSignature } from './export-plan.js';

const { Midi } = tonejs;

/** Ticks per quarter note. */
export const MIDI_PPQ = 480;

export interface MidiSong {
  name: string;
  /** Quarter notes per minute. */
  tempo: number;
  timeSignature: ExportTimeSignature;
}

export interface MidiPart {
  /** The track's name. */
  name: string;
  /** Notes, `time` in seconds from bar 1 (not from the part's start). */
  notes: ExportMidiNote[];
}

/**
 * An SMF type 1: the conductor track, then one track per part (on channels 0, 1, …, skipping
 * the drum channel 9). Throws AppError INVALID_INPUT for a bad tempo, time signature or note.
 */
export function encodeMidiFile(song: MidiSong, parts: MidiPart[] = []): Uint8Array {
  checkSong(song);
  const midi = new Midi();
  midi.header.name = foldToAscii(song.name);
  midi.header.setTempo(song.tempo);
  midi.header.timeSignatures.push({
    ticks: 0,
    timeSignature: [song.timeSignature.numerator, song.timeSignature.denominator],
  });
  midi.header.update();
  const ticksPerSecond = (song.tempo / 60) * MIDI_PPQ;
  parts.forEach((part, index) => {
    const track = midi.addTrack();
    track.name = foldToAscii(part.name);
    track.channel = channelFor(index);
    // By start (then pitch): a note off must come before a later note on of the same pitch at
    // the same tick, and the encoder's stable sort keeps this order.
    const notes = [...part.notes].sort((a, b) => a.time - b.time || a.midi - b.midi);
    for (const note of notes) {
      checkNote(note, part.name);
      const ticks = Math.round(note.time * ticksPerSecond);
      const endTicks = Math.max(ticks + 1, Math.round((note.time + note.duration) * ticksPerSecond));
      track.addNote({ midi: note.midi, ticks, durationTicks: endTicks - ticks, velocity: velocityFor(note.velocity) });
    }
  });
  return withMetronome(midi.toArray());
}

/** The conductor of a parts file: the song's name and its tempo and meter maps, in beats. */
export interface MidiConductor {
  name: string;
  tempoMap: readonly TempoPoint[];
  meterMap: readonly MeterPoint[];
}

/** A part as a track of a parts file: its own program and channel, times in beats from bar 1. */
export interface MidiPartTrack {
  name: string;
  /** General MIDI program 0..127. */
  program: number;
  /** 0..15 (9: General MIDI drums). */
  channel: number;
  notes: readonly PartNote[];
  bends: readonly PitchBend[];
}

/**
 * An SMF type 1 of MIDI parts: the conductor track with every tempo and time signature of the
 * maps at its beat, then one track per part on the part's own channel with its program, notes
 * (velocity 1..127 as stored) and pitch bends (−1..1 of the range → −8192..8191). A beat is
 * MIDI_PPQ ticks, rounded to the nearest tick. Throws AppError INVALID_INPUT for a bad map or note.
 */
export function encodePartsMidiFile(conductor: MidiConductor, parts: readonly MidiPartTrack[]): Uint8Array {
  checkMaps(conductor);
  const midi = new Midi();
  midi.header.name = foldToAscii(conductor.name);
  for (const point of conductor.tempoMap) midi.header.tempos.push({ ticks: ticksAt(point.beats), bpm: point.bpm });
  for (const point of conductor.meterMap) {
    const { numerator, denominator } = point.timeSignature;
    midi.header.timeSignatures.push({ ticks: ticksAt(point.beats), timeSignature: [numerator, denominator] });
  }
  midi.header.update();
  for (const part of parts) {
    const track = midi.addTrack();
    track.name = foldToAscii(part.name);
    track.channel = part.channel;
    track.instrument.number = part.program;
    // By start, then pitch: see encodeMidiFile.
    const notes = [...part.notes].sort((a, b) => a.startBeats - b.startBeats || a.pitch - b.pitch);
    for (const note of notes) {
      checkPartNote(note, part.name);
      const ticks = ticksAt(note.startBeats);
      const endTicks = Math.max(ticks + 1, ticksAt(note.startBeats + note.durationBeats));
      track.addNote({ midi: note.pitch, ticks, durationTicks: endTicks - ticks, velocity: (note.velocity + 0.001) / 127 });
    }
    for (const bend of part.bends) {
      // The writer takes the raw 14-bit offset from the centre.
      track.addPitchBend({ ticks: ticksAt(bend.beats), value: Math.max(-8192, Math.min(8191, Math.round(bend.value * 8192))) });
    }
  }
  return withMetronome(midi.toArray());
}

/**
 * `MIDI/<name>.mid` of a MIDI part item: aligned at bar 1 like the stems (its notes at their
 * beats in the song: the item's start plus their own), with the song's tempo and meter maps.
 */
export function encodeItemMidiFile(plan: ExportPlan, item: ExportItem): Uint8Array {
  if (!item.midi) throw new AppError('INTERNAL', `"${item.name}" has no MIDI to write`);
  const { program, channel, notes, bends } = item.midi;
  const at = item.startBeats;
  return encodePartsMidiFile({ name: plan.songName, ...conductorOf(plan) }, [
    {
      name: item.name,
      program,
      channel,
      notes: notes.map((note) => ({ ...note, startBeats: note.startBeats + at })),
      bends: bends.map((bend) => ({ ...bend, beats: bend.beats + at })),
    },
  ]);
}

function ticksAt(beats: number): number {
  return Math.round(beats * MIDI_PPQ);
}

/** MIDI clocks (24 a quarter note) between metronome clicks: a beat, or a dotted beat in compound time. */
export function metronomeClocks({ numerator, denominator }: ExportTimeSignature): number {
  const beatClocks = 96 / denominator;
  const compound = denominator >= 8 && numerator > 3 && numerator % 3 === 0;
  return compound ? 3 * beatClocks : beatClocks;
}

/**
 * The file with every time signature event's clocks-per-click byte set (see the module
 * comment). The writer puts all of them in the conductor track (the first MTrk), which holds
 * meta events only, so walking its events finds each one (a search for the bytes could match
 * a delta time).
 */
function withMetronome(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = 8 + view.getUint32(4);
  const trackEnd = headerLength + 8 + view.getUint32(headerLength + 4);
  let at = headerLength + 8;
  let found = 0;
  const readLength = (): number => {
    let length = 0;
    let byte: number;
    do {
      byte = bytes[at++]!;
      length = (length << 7) | (byte & 0x7f);
    } while (byte & 0x80);
    return length;
  };
  while (at < trackEnd) {
    readLength(); // delta time
    if (bytes[at] !== 0xff) throw new AppError('INTERNAL', 'the MIDI writer put a non-meta event in the conductor track');
    const type = bytes[at + 1]!;
    at += 2;
    const length = readLength();
    if (type === 0x58 && length === 4) {
      bytes[at + 2] = metronomeClocks({ numerator: bytes[at]!, denominator: 2 ** bytes[at + 1]! });
      found++;
    }
    at += length;
  }
  if (found === 0) throw new AppError('INTERNAL', 'the MIDI writer produced no time signature event');
  return bytes;
}

/** `Tempo.mid`: the conductor track alone. */
export function encodeTempoMap(song: MidiSong): Uint8Array {
  return encodeMidiFile(song, []);
}

/**
 * 0..1 as the writer wants it: it stores floor(v · 127), so aim just above a whole step; at
 * least 1, since a note on with velocity 0 means note off.
 */
function velocityFor(velocity: number): number {
  return (Math.max(1, Math.round(velocity * 127)) + 0.001) / 127;
}

/** Channels 0..15 in turn, never 9 (General MIDI drums). */
function channelFor(index: number): number {
  const channel = index % 15;
  return channel >= 9 ? channel + 1 : channel;
}

function checkSong(song: MidiSong): void {
  if (!Number.isFinite(song.tempo) || song.tempo < 20 || song.tempo > 999) {
    throw new AppError('INVALID_INPUT', `cannot write a MIDI file at ${song.tempo} BPM (20 to 999)`);
  }
  const { numerator, denominator } = song.timeSignature;
  if (!Number.isInteger(numerator) || numerator < 1 || numerator > 99 || ![1, 2, 4, 8, 16, 32].includes(denominator)) {
    throw new AppError('INVALID_INPUT', `cannot write a MIDI file in ${numerator}/${denominator} time`);
  }
}

/** Maps as common/midi.ts defines them: first points at beat 0, ascending, tempos and meters a file can hold. */
function checkMaps(conductor: MidiConductor): void {
  const { tempoMap, meterMap } = conductor;
  const ascending = (beats: number[]): boolean => beats[0] === 0 && beats.every((b, i) => Number.isFinite(b) && (i === 0 || b > beats[i - 1]!));
  if (tempoMap.length === 0 || !ascending(tempoMap.map((point) => point.beats))) {
    throw new AppError('INVALID_INPUT', 'cannot write a MIDI file: its tempo map must start at beat 0 and ascend');
  }
  if (meterMap.length === 0 || !ascending(meterMap.map((point) => point.beats))) {
    throw new AppError('INVALID_INPUT', 'cannot write a MIDI file: its meter map must start at beat 0 and ascend');
  }
  for (const point of tempoMap) checkSong({ name: '', tempo: point.bpm, timeSignature: meterMap[0]!.timeSignature });
  for (const point of meterMap) checkSong({ name: '', tempo: tempoMap[0]!.bpm, timeSignature: point.timeSignature });
}

function checkPartNote(note: PartNote, partName: string): void {
  const valid =
    Number.isInteger(note.pitch) &&
    note.pitch >= 0 &&
    note.pitch <= 127 &&
    Number.isFinite(note.startBeats) &&
    note.startBeats >= 0 &&
    Number.isFinite(note.durationBeats) &&
    note.durationBeats > 0 &&
    Number.isInteger(note.velocity) &&
    note.velocity >= 1 &&
    note.velocity <= 127;
  if (!valid) {
    throw new AppError('INVALID_INPUT', `cannot write a MIDI note of "${partName}" (pitch ${note.pitch} at beat ${note.startBeats})`);
  }
}

function checkNote(note: ExportMidiNote, partName: string): void {
  const valid =
    Number.isInteger(note.midi) &&
    note.midi >= 0 &&
    note.midi <= 127 &&
    Number.isFinite(note.time) &&
    note.time >= 0 &&
    Number.isFinite(note.duration) &&
    note.duration > 0 &&
    note.velocity >= 0 &&
    note.velocity <= 1;
  if (!valid) {
    throw new AppError('INVALID_INPUT', `cannot write a MIDI note of "${partName}" (pitch ${note.midi} at ${note.time} s)`);
  }
}
