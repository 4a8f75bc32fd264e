/**
 * Standard MIDI Files for export, written with @tonejs/midi (docs/export-formats.md §2: it
 * writes a correct SMF type 1, checked): a conductor track (song name, tempo, time signature)
 * and one named track per part. `Tempo.mid` is the conductor track alone; Logic and Live take
 * the song's tempo and meter from it.
 *
 *   track 0: FF 03 song name · FF 51 tempo (µs per quarter) · FF 58 time signature · FF 2F
 *   track n: FF 03 part name · program change · note on/off pairs on one channel · FF 2F
 * PPQ 480. Times arrive in seconds from bar 1 and become ticks at the one tempo.
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
import type { ExportMidiNote, ExportTimeSignature } from './export-plan.js';

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
  return withMetronome(midi.toArray(), song.timeSignature);
}

/** MIDI clocks (24 a quarter note) between metronome clicks: a beat, or a dotted beat in compound time. */
export function metronomeClocks({ numerator, denominator }: ExportTimeSignature): number {
  const beatClocks = 96 / denominator;
  const compound = denominator >= 8 && numerator > 3 && numerator % 3 === 0;
  return compound ? 3 * beatClocks : beatClocks;
}

/** The file with its time signature event's clocks-per-click byte set (see the module comment). */
function withMetronome(bytes: Uint8Array, timeSignature: ExportTimeSignature): Uint8Array {
  const event = [0xff, 0x58, 0x04, timeSignature.numerator, Math.log2(timeSignature.denominator)];
  const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(Buffer.from(event));
  if (at < 0) throw new AppError('INTERNAL', 'the MIDI writer produced no time signature event');
  bytes[at + event.length] = metronomeClocks(timeSignature);
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
