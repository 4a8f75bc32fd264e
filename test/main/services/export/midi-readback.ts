/**
 * Reading exported MIDI back with parsers that are not the writer's: a Live set's MIDI tracks,
 * notes and master automation through fast-xml-parser (als-structure.ts), and a Standard MIDI
 * File through the `midi-file` package, every time in beats from bar 1.
 */
import midiFile from 'midi-file';
import type { MeterPoint, TempoPoint } from '../../../../src-main/common/midi.js';
import { child, findAll, type XmlNode } from './ableton/als-structure.js';

const { parseMidi } = midiFile;

/** A note as both files hold it, with its bar in the song (1-based, fractional inside a bar). */
export interface PlacedNote {
  pitch: number;
  beats: number;
  duration: number;
  velocity: number;
}

export const sortNotes = (notes: PlacedNote[]): PlacedNote[] => notes.toSorted((a, b) => a.beats - b.beats || a.pitch - b.pitch);

/** The Arrangement MIDI clips of a Live set's MIDI tracks, notes at their song beats (clip Time + note Time). */
export function liveMidiTracks(root: XmlNode): { name: string; clipTime: number; length: number; notes: PlacedNote[] }[] {
  return findAll(child(root, 'LiveSet/Tracks'), 'MidiTrack').map((track) => {
    const clips = child(track, 'DeviceChain/MainSequencer/ClipTimeable/ArrangerAutomation/Events').children;
    expect(clips.map((clip) => clip.name)).toEqual(['MidiClip']);
    const clip = clips[0]!;
    const clipTime = Number(clip.attributes.Time);
    const notes = child(clip, 'Notes/KeyTracks').children.flatMap((keyTrack) => {
      const pitch = Number(child(keyTrack, 'MidiKey').attributes.Value);
      return child(keyTrack, 'Notes').children.map((event) => ({
        pitch,
        beats: clipTime + Number(event.attributes.Time),
        duration: Number(event.attributes.Duration),
        velocity: Number(event.attributes.Velocity),
      }));
    });
    const length = Number(child(clip, 'CurrentEnd').attributes.Value) - clipTime;
    return { name: child(track, 'Name/UserName').attributes.Value!, clipTime, length, notes: sortNotes(notes) };
  });
}

/** The set's tempo and meter maps as its master track's automation says (Live's codes decoded). */
export function liveMaps(root: XmlNode): { tempoMap: TempoPoint[]; meterMap: MeterPoint[] } {
  const master = child(root, 'LiveSet/MasterTrack');
  const mixer = child(master, 'DeviceChain/Mixer');
  const targetOf = (name: string): string => child(mixer, `${name}/AutomationTarget`).attributes.Id!;
  const envelopes = child(master, 'AutomationEnvelopes/Envelopes').children;
  const eventsOf = (targetId: string): { time: number; value: number }[] => {
    const envelope = envelopes.find((e) => child(e, 'EnvelopeTarget/PointeeId').attributes.Value === targetId)!;
    return child(envelope, 'Automation/Events').children.map((event) => ({ time: Math.max(0, Number(event.attributes.Time)), value: Number(event.attributes.Value) }));
  };
  // A step is two events at one time: the value that holds from there is the later one.
  const tempoMap: TempoPoint[] = [];
  for (const { time, value } of eventsOf(targetOf('Tempo'))) {
    if (tempoMap.at(-1)?.beats === time) tempoMap.pop();
    tempoMap.push({ beats: time, bpm: value });
  }
  const meterMap = eventsOf(targetOf('TimeSignature')).map(({ time, value }) => ({
    beats: time,
    timeSignature: { numerator: (value % 99) + 1, denominator: 2 ** Math.floor(value / 99) },
  })) as MeterPoint[];
  return { tempoMap, meterMap };
}

/** An SMF read by `midi-file`: the conductor's maps and each track's notes, program and bends, in beats. */
export function readSmf(bytes: Uint8Array): {
  format: number;
  tempoMap: TempoPoint[];
  meterMap: (MeterPoint & { metronome: number })[];
  tracks: { name: string; program: number | null; channel: number | null; notes: PlacedNote[]; bends: { beats: number; value: number }[] }[];
} {
  const smf = parseMidi(bytes);
  const ppq = smf.header.ticksPerBeat!;
  const tempoMap: TempoPoint[] = [];
  const meterMap: (MeterPoint & { metronome: number })[] = [];
  const tracks = smf.tracks.map((events) => {
    let ticks = 0;
    let name = '';
    let program: number | null = null;
    let channel: number | null = null;
    const open = new Map<number, { ticks: number; velocity: number }>();
    const notes: PlacedNote[] = [];
    const bends: { beats: number; value: number }[] = [];
    for (const event of events) {
      ticks += event.deltaTime;
      const beats = ticks / ppq;
      if (event.type === 'trackName') name = event.text;
      if (event.type === 'setTempo') tempoMap.push({ beats, bpm: 60e6 / event.microsecondsPerBeat });
      if (event.type === 'timeSignature') {
        meterMap.push({ beats, timeSignature: { numerator: event.numerator, denominator: event.denominator } as MeterPoint['timeSignature'], metronome: event.metronome });
      }
      if (event.type === 'programChange') [program, channel] = [event.programNumber, event.channel];
      if (event.type === 'pitchBend') bends.push({ beats, value: event.value });
      if (event.type === 'noteOn') open.set(event.noteNumber, { ticks, velocity: event.velocity });
      if (event.type === 'noteOff') {
        const on = open.get(event.noteNumber)!;
        open.delete(event.noteNumber);
        notes.push({ pitch: event.noteNumber, beats: on.ticks / ppq, duration: (ticks - on.ticks) / ppq, velocity: on.velocity });
      }
    }
    expect(open.size).toBe(0);
    return { name, program, channel, notes: sortNotes(notes), bends };
  });
  return { format: smf.header.format, tempoMap, meterMap, tracks };
}
