/**
 * Heard notes (seconds from the audio's start) → a part's music (common/midi.ts: quarter notes
 * from bar 1, the song's one tempo and signature as the part's maps).
 *
 * Where the notes go: a clip's audio starts `clip.start − downbeat` seconds after bar 1 of its
 * song, so its notes land on the song's own beats and a part clip or an export puts them back
 * under the same bar as the audio. A take has no place in the song (it is new material), so its
 * first sample is bar 1. Notes that begin before bar 1 (a clip reaching into the pickup) are
 * left out and counted: a part has no bar 0.
 *
 * Velocity is basic-pitch's amplitude × 127, as its own MIDI writer does. Pitch bends: a MIDI
 * channel bends every note it plays, so the contour is written only where one note sounds
 * alone (a melody, a bass line), as the offset from the note's pitch in the General MIDI ±2
 * semitone range; each bend point is written where the value changes, and a note whose pitch
 * moved ends with a return to 0.
 */
import type { MeterPoint, PartMusic, PartNote, PitchBend } from '../../common/midi.js';
import type { TimeSignature } from '../../common/musical-time.js';
import type { HeardNote } from './run-transcription.js';

/** General MIDI's default bend range: ±1 of a bend value is 2 semitones. */
const BEND_RANGE_SEMITONES = 2;
/** Below this a bend step is noise (the contour moves in thirds of a semitone). */
const BEND_EPSILON = 1e-6;

export interface Placement {
  /** Seconds from bar 1 of the song to the audio's first sample (negative: it starts in the pickup). */
  offsetSeconds: number;
  tempo: number;
  timeSignature: TimeSignature;
  /** General MIDI program the part plays with [0, acoustic grand piano]. */
  program?: number;
}

export interface TranscribedMusic {
  music: PartMusic;
  notesBeforeBarOne: number;
}

export function velocityOf(amplitude: number): number {
  return Math.min(127, Math.max(1, Math.round(127 * amplitude)));
}

/** Which notes sound alone over their whole length (sorted by start). */
function aloneFlags(notes: readonly HeardNote[]): boolean[] {
  const ends = notes.map((note) => note.startSeconds + note.durationSeconds);
  const alone = notes.map(() => true);
  let latestEnd = -Infinity;
  let latestIndex = -1;
  for (let i = 0; i < notes.length; i++) {
    const start = notes[i]!.startSeconds;
    if (latestEnd > start) {
      alone[i] = false;
      alone[latestIndex] = false;
    }
    if (ends[i]! > latestEnd) {
      latestEnd = ends[i]!;
      latestIndex = i;
    }
  }
  return alone;
}

export function toPartMusic(heard: readonly HeardNote[], placement: Placement): TranscribedMusic {
  const beatsPerSecond = placement.tempo / 60;
  const toBeats = (seconds: number) => (placement.offsetSeconds + seconds) * beatsPerSecond;
  const sorted = [...heard].sort((a, b) => a.startSeconds - b.startSeconds || a.pitch - b.pitch);
  const alone = aloneFlags(sorted);
  const notes: PartNote[] = [];
  const bends: PitchBend[] = [];
  let notesBeforeBarOne = 0;
  let channelBend = 0;
  sorted.forEach((note, index) => {
    const startBeats = toBeats(note.startSeconds);
    if (startBeats < -1e-9) {
      notesBeforeBarOne++;
      return;
    }
    notes.push({
      pitch: note.pitch,
      startBeats: Math.max(0, startBeats),
      durationBeats: note.durationSeconds * beatsPerSecond,
      velocity: velocityOf(note.amplitude),
    });
    if (!alone[index] || note.bendSemitones.length === 0) return;
    const step = note.durationSeconds / note.bendSemitones.length;
    note.bendSemitones.forEach((semitones, frame) => {
      const value = Math.max(-1, Math.min(1, semitones / BEND_RANGE_SEMITONES));
      if (Math.abs(value - channelBend) < BEND_EPSILON) return;
      bends.push({ beats: Math.max(0, toBeats(note.startSeconds + frame * step)), value });
      channelBend = value;
    });
    if (Math.abs(channelBend) >= BEND_EPSILON) {
      bends.push({ beats: Math.max(0, toBeats(note.startSeconds + note.durationSeconds)), value: 0 });
      channelBend = 0;
    }
  });
  const meterMap: MeterPoint[] = [{ beats: 0, timeSignature: placement.timeSignature }];
  return {
    music: {
      program: placement.program ?? 0,
      channel: 0,
      notes,
      bends,
      tempoMap: [{ beats: 0, bpm: placement.tempo }],
      meterMap,
    },
    notesBeforeBarOne,
  };
}
