/**
 * MIDI files as a DAW writes them, and broken ones, for the parts tests:
 *
 * - `songType1`: format 1 from @tonejs/midi's writer (as Logic and Live export): a conductor
 *   track, then Keys (program 4), Bass (program 33, with pitch bends) and Drums (channel 10);
 *   96 BPM for 8 bars then 132 BPM; 4/4 for 4 bars, 6/8 for 4 bars, then 4/4 again; A minor.
 * - `songType0`: format 0 from midi-file's writer, with running status: one track holding a
 *   lead on channel 1 and drums on channel 10, a tempo change and a 6/8 bar.
 * - broken files, made byte by byte: truncated, running status abuse, no notes, a tempo of
 *   10 000 BPM, 600 000 controller events (or 300 000 hidden after a track's end), and 17 MB.
 *
 * `readIndependently` reads a file back with midi-file's parser alone (notes paired per
 * channel and pitch, first on first off), so the import's reading is checked against another.
 */
import tonejs from '@tonejs/midi';
import { parseMidi, writeMidi, type MidiEvent } from 'midi-file';

const { Midi } = tonejs;
export const PPQ = 480;

/** Bar lines of songType1 in beats: 4 bars of 4/4 (16 beats), 4 of 6/8 (12 beats), then 4/4. */
export const SIX_EIGHT_FROM_BEATS = 16;
export const FOUR_FOUR_AGAIN_FROM_BEATS = 28;
export const TEMPO_CHANGE_BEATS = 28;

/** A minor: the chord tones the Keys part plays, one chord per bar, over 14 bars. */
const CHORDS = [
  [57, 60, 64], // Am
  [50, 53, 57], // Dm
  [52, 56, 59], // E (its G# makes it minor, not C major)
  [57, 60, 64], // Am
];

export function songType1(): Uint8Array {
  const midi = new Midi();
  midi.header.tempos = [
    { ticks: 0, bpm: 96 },
    { ticks: TEMPO_CHANGE_BEATS * PPQ, bpm: 132 },
  ];
  midi.header.timeSignatures = [
    { ticks: 0, timeSignature: [4, 4] },
    { ticks: SIX_EIGHT_FROM_BEATS * PPQ, timeSignature: [6, 8] },
    { ticks: FOUR_FOUR_AGAIN_FROM_BEATS * PPQ, timeSignature: [4, 4] },
  ];
  midi.header.update();
  const keys = midi.addTrack();
  keys.name = 'Keys';
  keys.channel = 0;
  keys.instrument.number = 4;
  const bass = midi.addTrack();
  bass.name = 'Bass';
  bass.channel = 1;
  bass.instrument.number = 33;
  const drums = midi.addTrack();
  drums.name = '';
  drums.channel = 9;
  // Bars: 4 of 4/4, 4 of 6/8, 6 of 4/4 = 14 bars, 52 beats.
  const barStarts: { beats: number; length: number }[] = [];
  for (let beats = 0, bar = 0; bar < 14; bar++) {
    const length = bar >= 4 && bar < 8 ? 3 : 4;
    barStarts.push({ beats, length });
    beats += length;
  }
  barStarts.forEach(({ beats, length }, bar) => {
    const chord = CHORDS[bar % CHORDS.length]!;
    for (const [i, pitch] of chord.entries()) {
      keys.addNote({ midi: pitch, ticks: beats * PPQ, durationTicks: length * PPQ - 10 * (i + 1), velocity: (70 + 7 * i + bar) / 127 });
    }
    for (let beat = 0; beat < length; beat++) {
      bass.addNote({ midi: chord[0]! - 12, ticks: (beats + beat) * PPQ, durationTicks: PPQ / 2 + beat * 11, velocity: (90 - beat * 5) / 127 });
      drums.addNote({ midi: beat === 0 ? 36 : 42, ticks: (beats + beat) * PPQ, durationTicks: PPQ / 4, velocity: (100 - beat * 9) / 127 });
    }
  });
  // The bass slides into bar 9 (the last 6/8 bar is bar 8) and back. @tonejs/midi reads a bend
  // as −1..1 but writes its value as given: the raw 14-bit value, −8192..8191, goes in.
  for (let i = 0; i <= 8; i++) bass.addPitchBend({ ticks: (25 + i / 4) * PPQ, value: Math.round((i / 8 - 0.5) * 8192) });
  bass.addPitchBend({ ticks: 30 * PPQ, value: 0 });
  return midi.toArray();
}

/** The notes of songType1's parts in order: Keys, Bass, Drums. */
export const TYPE1_PART_NAMES = ['Keys', 'Bass', 'Drums'];

export function songType0(): Uint8Array {
  const events: MidiEvent[] = [
    { deltaTime: 0, meta: true, type: 'trackName', text: 'Sketch' },
    { deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: 500_000 },
    { deltaTime: 0, meta: true, type: 'timeSignature', numerator: 4, denominator: 4, metronome: 24, thirtyseconds: 8 },
    { deltaTime: 0, type: 'programChange', channel: 0, programNumber: 73 },
  ];
  // Bar 1-2 in 4/4: a flute line with drums; bar 3 in 6/8 at 90 BPM; bar 4 back in 4/4.
  const timeline: { ticks: number; event: MidiEvent }[] = [];
  const add = (ticks: number, event: MidiEvent) => timeline.push({ ticks, event });
  const melody = [72, 74, 76, 77, 79, 77, 76, 74, 72, 71, 72, 74, 76, 72, 71, 69];
  melody.forEach((pitch, i) => {
    add(i * PPQ, { deltaTime: 0, type: 'noteOn', channel: 0, noteNumber: pitch, velocity: 60 + i });
    add(i * PPQ + PPQ - 30, { deltaTime: 0, type: 'noteOff', channel: 0, noteNumber: pitch, velocity: 0 });
    add(i * PPQ, { deltaTime: 0, type: 'noteOn', channel: 9, noteNumber: i % 2 === 0 ? 36 : 38, velocity: 100 });
    // Velocity 0 note-on as note-off, as many DAWs write it (with running status below).
    add(i * PPQ + PPQ / 8, { deltaTime: 0, type: 'noteOn', channel: 9, noteNumber: i % 2 === 0 ? 36 : 38, velocity: 0 });
  });
  add(8 * PPQ, { deltaTime: 0, meta: true, type: 'timeSignature', numerator: 6, denominator: 8, metronome: 24, thirtyseconds: 8 });
  add(8 * PPQ, { deltaTime: 0, meta: true, type: 'setTempo', microsecondsPerBeat: 666_667 });
  add(11 * PPQ, { deltaTime: 0, meta: true, type: 'timeSignature', numerator: 4, denominator: 4, metronome: 24, thirtyseconds: 8 });
  add(9 * PPQ, { deltaTime: 0, type: 'pitchBend', channel: 0, value: 4096 });
  add(10 * PPQ, { deltaTime: 0, type: 'pitchBend', channel: 0, value: -8192 });
  add(10 * PPQ + 240, { deltaTime: 0, type: 'pitchBend', channel: 0, value: 0 });
  timeline.sort((a, b) => a.ticks - b.ticks);
  let last = 0;
  for (const { ticks, event } of timeline) {
    events.push({ ...event, deltaTime: ticks - last });
    last = ticks;
  }
  events.push({ deltaTime: 0, meta: true, type: 'endOfTrack' });
  return Uint8Array.from(writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat: PPQ }, tracks: [events] }, { running: true }));
}

/** An SMF of these track chunks (each the bytes after its delta-time/event encoding). */
export function smfBytes(tracks: number[][], options: { format?: number; ppq?: number; declaredTracks?: number } = {}): Uint8Array {
  const header = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, options.format ?? 1, 0, options.declaredTracks ?? tracks.length, (options.ppq ?? PPQ) >> 8, (options.ppq ?? PPQ) & 0xff];
  const chunks = tracks.flatMap((body) => [0x4d, 0x54, 0x72, 0x6b, (body.length >>> 24) & 0xff, (body.length >>> 16) & 0xff, (body.length >>> 8) & 0xff, body.length & 0xff, ...body]);
  return Uint8Array.from([...header, ...chunks]);
}

const END_OF_TRACK = [0x00, 0xff, 0x2f, 0x00];
const ONE_NOTE = [0x00, 0x90, 60, 100, 0x83, 0x60, 0x80, 60, 0];

/** A data byte where a status belongs: the first event of a track has no status to run on. */
export function runningStatusAbuse(): Uint8Array {
  return smfBytes([[0x00, 60, 100, 0x83, 0x60, 0x80, 60, 0, ...END_OF_TRACK]], { format: 0 });
}

export function noNotes(): Uint8Array {
  return smfBytes([[0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20, 0x00, 0xb0, 7, 100, ...END_OF_TRACK]], { format: 0 });
}

/** 6000 µs per quarter note: 10 000 BPM. */
export function absurdTempo(): Uint8Array {
  return smfBytes([[0x00, 0xff, 0x51, 0x03, 0x00, 0x17, 0x70, ...ONE_NOTE, ...END_OF_TRACK]], { format: 0 });
}

/** A note, then 600 000 controller changes in running status: about 1.8 MB. */
export function controllerFlood(): Uint8Array {
  const body = [...ONE_NOTE, 0x00, 0xb0, 1, 0];
  for (let i = 0; i < 600_000; i++) body.push(0x00, 1, i & 0x7f);
  body.push(...END_OF_TRACK);
  return smfBytes([body], { format: 0 });
}

/** A note and its track's end, then 300 000 controller changes hidden after the End of Track. */
export function floodAfterEndOfTrack(): Uint8Array {
  const body = [...ONE_NOTE, ...END_OF_TRACK, 0x00, 0xb0, 1, 0];
  for (let i = 0; i < 300_000; i++) body.push(0x00, 1, i & 0x7f);
  return smfBytes([body], { format: 0 });
}

/** A valid header and 17 MB of controller data: over the size cap. */
export function seventeenMegabytes(): Uint8Array {
  const size = 17 * 1024 * 1024;
  const bytes = new Uint8Array(size);
  bytes.set(smfBytes([[...ONE_NOTE, ...END_OF_TRACK]], { format: 0 }).subarray(0, 14));
  return bytes;
}

/** songType1 with its last 40 bytes gone, as a copy interrupted mid-transfer leaves it. */
export function truncated(): Uint8Array {
  const whole = songType1();
  return whole.slice(0, whole.length - 40);
}

/**
 * A tempo map as the whole microseconds per quarter note a MIDI file holds: what must survive a
 * round trip (the BPM read back may be the one typed, 132, rather than 60 000 000 / 454 545).
 */
export function inMicroseconds(tempoMap: readonly { beats: number; bpm: number }[]): { beats: number; microseconds: number }[] {
  return tempoMap.map(({ beats, bpm }) => ({ beats, microseconds: Math.round(60_000_000 / bpm) }));
}

export interface IndependentRead {
  format: number;
  ppq: number;
  tempos: { beats: number; bpm: number }[];
  meters: { beats: number; numerator: number; denominator: number }[];
  /** Notes by channel, in beats, sorted by start then pitch. */
  notesByChannel: Map<number, { pitch: number; startBeats: number; durationBeats: number; velocity: number }[]>;
  bendsByChannel: Map<number, { beats: number; value: number }[]>;
  programsByChannel: Map<number, number>;
}

/** Reads a MIDI file with midi-file's parser only (see the top). */
export function readIndependently(bytes: Uint8Array): IndependentRead {
  const parsed = parseMidi(bytes);
  const ppq = parsed.header.ticksPerBeat!;
  const read: IndependentRead = { format: parsed.header.format, ppq, tempos: [], meters: [], notesByChannel: new Map(), bendsByChannel: new Map(), programsByChannel: new Map() };
  for (const track of parsed.tracks) {
    let ticks = 0;
    const open = new Map<string, { ticks: number; velocity: number }[]>();
    for (const event of track) {
      ticks += event.deltaTime;
      const beats = ticks / ppq;
      if (event.type === 'setTempo') read.tempos.push({ beats, bpm: 60_000_000 / event.microsecondsPerBeat });
      else if (event.type === 'timeSignature') read.meters.push({ beats, numerator: event.numerator, denominator: event.denominator });
      else if (event.type === 'programChange') read.programsByChannel.set(event.channel, event.programNumber);
      else if (event.type === 'pitchBend') push(read.bendsByChannel, event.channel, { beats, value: event.value / 8192 });
      else if (event.type === 'noteOn' && event.velocity > 0) push(open, `${event.channel} ${event.noteNumber}`, { ticks, velocity: event.velocity });
      else if (event.type === 'noteOff' || event.type === 'noteOn') {
        const started = open.get(`${event.channel} ${event.noteNumber}`)?.shift();
        if (started) {
          push(read.notesByChannel, event.channel, {
            pitch: event.noteNumber,
            startBeats: started.ticks / ppq,
            durationBeats: Math.max(1, ticks - started.ticks) / ppq,
            velocity: started.velocity,
          });
        }
      }
    }
  }
  for (const notes of read.notesByChannel.values()) notes.sort((a, b) => a.startBeats - b.startBeats || a.pitch - b.pitch);
  return read;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}
