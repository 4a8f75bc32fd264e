/**
 * Our own check of a Standard MIDI File, before any parser trusts it (docs/midi.md, "Import").
 * A MIDI parser believes what the bytes say: a chunk length past the end, a data byte where a
 * status belongs, a tempo of 1 µs per quarter note. This walks the file once, byte by byte,
 * and refuses it with a one-line reason unless every chunk fits, every event is whole and
 * well-formed, and what it says is music we can keep:
 *
 * - at most MAX_MIDI_BYTES (refused from the size alone, before the bytes are read);
 * - an `MThd` header of format 0 or 1 (format 2 is a set of unrelated patterns, no DAW
 *   writes it) with ticks per quarter note (SMPTE time division is refused), a format 0 file
 *   with one track;
 * - as many `MTrk` chunks as the header declares, each inside the file (other chunk types
 *   are skipped, as the SMF specification asks);
 * - every event inside its chunk: delta times of at most 4 bytes, channel messages with
 *   their data bytes (no top bit set), running status only after a channel status in the
 *   same track (a data byte with no status before it is refused), no system real-time or
 *   common bytes (they have no place in a file), meta and sysex lengths that fit;
 * - at most MAX_MIDI_EVENTS events (a file of nothing but controller data is refused before
 *   a parser builds millions of objects from it);
 * - tempos of 20..999 BPM, time signatures a DAW can show (denominator 1..16);
 * - at least one note.
 */
import { AppError } from '../../common/errors.js';
import { MAX_TEMPO, MIN_TEMPO } from '../../common/musical-time.js';

/** The largest MIDI file imported: a whole album of dense parts is under 1 MB. */
export const MAX_MIDI_BYTES = 16 * 1024 * 1024;
/**
 * The most events of all tracks together: a dense five-minute orchestral file holds about
 * 100 000. The parser pairs notes in time that grows faster than their number, on the main
 * thread: 200 000 events read in about two seconds on a slow machine, 500 000 in ten.
 */
export const MAX_MIDI_EVENTS = 200_000;

export interface SmfFacts {
  format: 0 | 1;
  /** Track chunks, as declared and found. */
  trackCount: number;
  /** Ticks per quarter note. */
  ppq: number;
  /** Note-ons with a velocity above 0. */
  noteCount: number;
  eventCount: number;
}

/** The file names the library sends here rather than to the audio decoder. */
export function isMidiFileName(name: string): boolean {
  return /\.midi?$/i.test(name.trim());
}

/**
 * Refuses a MIDI file from what is known before it is read whole: its size and its first
 * bytes (`head`, any length from 0). A whole file is checked by {@link checkSmf}.
 */
export function checkSmfHead(name: string, head: Uint8Array, fileSize: number): void {
  if (fileSize > MAX_MIDI_BYTES) {
    throw new AppError('INVALID_INPUT', `${name}: ${megabytes(fileSize)} is larger than the 16 MB a MIDI file may be`);
  }
  if (fileSize < 14 || (head.length >= 4 && ascii(head, 0, 4) !== 'MThd')) {
    throw new AppError('INVALID_INPUT', `${name}: not a Standard MIDI File (no MThd header)`);
  }
}

/** Checks a whole MIDI file (see the top); its facts, or an AppError with a one-line reason. */
export function checkSmf(name: string, bytes: Uint8Array): SmfFacts {
  const refuse = (reason: string): never => {
    throw new AppError('INVALID_INPUT', `${name}: ${reason}`);
  };
  checkSmfHead(name, bytes, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4);
  if (headerLength < 6 || 8 + headerLength > bytes.length) refuse('its MThd header is damaged');
  const format = view.getUint16(8);
  const declaredTracks = view.getUint16(10);
  const division = view.getUint16(12);
  if (format === 2) refuse('format 2 MIDI files (independent patterns) are not supported: save it as format 0 or 1');
  if (format !== 0 && format !== 1) refuse(`unknown MIDI file format ${format}`);
  if (division & 0x8000) refuse('SMPTE time division is not supported: save it with ticks per quarter note');
  if (division === 0) refuse('its header gives 0 ticks per quarter note');
  if (declaredTracks === 0) refuse('its header declares no tracks');
  if (format === 0 && declaredTracks !== 1) refuse(`a format 0 file must hold one track, its header declares ${declaredTracks}`);

  const counts = { events: 0, notes: 0 };
  let offset = 8 + headerLength;
  let tracks = 0;
  while (tracks < declaredTracks) {
    if (offset + 8 > bytes.length) refuse(`truncated: ${tracks} of the ${declaredTracks} tracks its header declares are there`);
    const type = ascii(bytes, offset, 4);
    const length = view.getUint32(offset + 4);
    const start = offset + 8;
    if (start + length > bytes.length) refuse(`truncated: track ${tracks + 1} claims ${length} bytes, the file ends ${bytes.length - start} bytes after its start`);
    if (type === 'MTrk') {
      tracks++;
      const problem = scanTrack(bytes, start, start + length, counts);
      if (problem !== null) refuse(`track ${tracks}: ${problem}`);
    }
    offset = start + length;
  }
  if (counts.notes === 0) refuse('holds no notes');
  return { format: format as 0 | 1, trackCount: tracks, ppq: division, noteCount: counts.notes, eventCount: counts.events };
}

/** Walks one track's events; why it is refused, or null when every event is whole and sound. */
function scanTrack(bytes: Uint8Array, start: number, end: number, counts: { events: number; notes: number }): string | null {
  let at = start;
  let runningStatus = 0;
  const readVlq = (): number | null => {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      if (at >= end) return null;
      const byte = bytes[at++]!;
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) return value;
    }
    return null;
  };
  while (at < end) {
    if (readVlq() === null) return `a delta time runs past the track's end or over 4 bytes (byte ${at})`;
    if (at >= end) return 'ends after a delta time, without its event';
    if (++counts.events > MAX_MIDI_EVENTS) return `more than ${MAX_MIDI_EVENTS.toLocaleString('en')} events, more than a MIDI part holds`;
    const lead = bytes[at]!;
    if (lead === 0xff) {
      const type = bytes[at + 1];
      at += 2;
      if (type === undefined || at > end) return 'a meta event is cut off';
      const length = readVlq();
      if (length === null || at + length > end) return 'a meta event runs past the track\'s end';
      if (type === 0x51) {
        if (length !== 3) return 'a tempo event is not 3 bytes long';
        const microseconds = (bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!;
        const bpm = microseconds === 0 ? Infinity : 60_000_000 / microseconds;
        if (!(bpm >= MIN_TEMPO && bpm <= MAX_TEMPO)) return `a tempo of ${Number.isFinite(bpm) ? Math.round(bpm) : '∞'} BPM is outside ${MIN_TEMPO}–${MAX_TEMPO} BPM`;
      } else if (type === 0x58) {
        if (length < 2) return 'a time signature event is too short';
        const numerator = bytes[at]!;
        const power = bytes[at + 1]!;
        if (numerator < 1 || numerator > 99 || power > 4) return `a time signature of ${numerator}/${2 ** Math.min(power, 30)} is not one Eureka can show`;
      }
      // Past an End of Track too: a parser reads the chunk to its end, so this check does.
      at += length;
      continue;
    }
    if (lead === 0xf0 || lead === 0xf7) {
      at++;
      const length = readVlq();
      if (length === null || at + length > end) return 'a system exclusive message runs past the track\'s end';
      at += length;
      continue;
    }
    if (lead >= 0xf1) return `a system byte 0x${lead.toString(16)} has no place in a MIDI file`;
    let status: number;
    if (lead & 0x80) {
      status = lead;
      runningStatus = lead;
      at++;
    } else {
      if (runningStatus === 0) return `a data byte with no status before it (running status abuse, byte ${at})`;
      status = runningStatus;
    }
    const kind = status & 0xf0;
    const dataBytes = kind === 0xc0 || kind === 0xd0 ? 1 : 2;
    if (at + dataBytes > end) return 'a channel message is cut off at the track\'s end';
    for (let i = 0; i < dataBytes; i++) {
      if (bytes[at + i]! & 0x80) return `a channel message lacks its data bytes (byte ${at + i})`;
    }
    if (kind === 0x90 && bytes[at + 1]! > 0) counts.notes++;
    at += dataBytes;
  }
  return null;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function megabytes(size: number): string {
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}
