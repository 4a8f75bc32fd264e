/**
 * What is computed from a part's music: its length, whole bars, a stretch of it by bars (a part
 * clip's music, shifted to start at beat 0), and its key. Pure functions over common/midi.ts's
 * types; times in beats (quarter notes from bar 1).
 */
import { AppError } from '../../common/errors.js';
import { GM_DRUM_CHANNEL, type MeterPoint, type PartMusic, type PartNote, type PitchBend } from '../../common/midi.js';
import { keyName } from '../../common/musical-time.js';
import { barAtBeats, beatsAtBar, mapFrom } from '../../common/tempo-map.js';
import { keyOfChroma } from '../audio/analysis/key.js';

/** Beats are float; a note ending this close to a bar line ends on it (a millionth of a quarter note). */
const EPSILON = 1e-6;

/** From beat 0 to the end of the last note. */
export function lengthInBeats(notes: readonly PartNote[]): number {
  let end = 0;
  for (const note of notes) end = Math.max(end, note.startBeats + note.durationBeats);
  return end;
}

/** The whole bars a part's notes reach into, on its meter map (0 without notes). */
export function lengthInBars(meterMap: readonly MeterPoint[], lengthBeats: number): number {
  if (lengthBeats <= 0) return 0;
  return Math.max(1, Math.ceil(barAtBeats(meterMap, lengthBeats) - 1 - EPSILON));
}

/** Where bars [startBar, startBar + lengthBars) fall, in beats. */
export function barRange(meterMap: readonly MeterPoint[], startBar: number, lengthBars: number): { startBeats: number; endBeats: number } {
  return { startBeats: beatsAtBar(meterMap, startBar), endBeats: beatsAtBar(meterMap, startBar + lengthBars) };
}

/** How many notes start in [startBeats, endBeats). */
export function notesStartingIn(notes: readonly PartNote[], startBeats: number, endBeats: number): number {
  return notes.filter((note) => note.startBeats >= startBeats - EPSILON && note.startBeats < endBeats - EPSILON).length;
}

/**
 * The music of [startBeats, endBeats), shifted so it starts at beat 0: the notes that start
 * inside it (a note crossing the end is cut there; one that started before is left out, as a
 * DAW's region keeps only the notes it starts), and the bends, tempos and meters inside it,
 * each map starting with the value in effect at its start (a bend held into the clip still
 * bends its first notes).
 */
export function sliceMusic(music: PartMusic, startBeats: number, endBeats: number): PartMusic {
  const shift = (beats: number): number => Math.max(0, beats - startBeats);
  const notes = music.notes
    .filter((note) => note.startBeats >= startBeats - EPSILON && note.startBeats < endBeats - EPSILON)
    .map((note) => ({
      ...note,
      startBeats: shift(note.startBeats),
      // Unchanged unless it crosses the end (a difference of sums would round what was exact).
      durationBeats: note.startBeats + note.durationBeats <= endBeats ? note.durationBeats : endBeats - Math.max(note.startBeats, startBeats),
    }))
    .filter((note) => note.durationBeats > 0);
  const heldBend = [...music.bends].reverse().find((bend) => bend.beats < startBeats - EPSILON);
  const bendsInside = music.bends.filter((bend) => bend.beats >= startBeats - EPSILON && bend.beats < endBeats - EPSILON);
  const bends: PitchBend[] = [
    ...(heldBend && heldBend.value !== 0 && !(bendsInside[0] && bendsInside[0].beats <= startBeats + EPSILON) ? [{ beats: 0, value: heldBend.value }] : []),
    ...bendsInside.map((bend) => ({ ...bend, beats: shift(bend.beats) })),
  ];
  return {
    program: music.program,
    channel: music.channel,
    notes,
    bends,
    tempoMap: mapFrom(music.tempoMap, startBeats, endBeats),
    meterMap: mapFrom(music.meterMap, startBeats, endBeats),
  };
}

/**
 * The key of some parts' notes: Krumhansl–Schmuckler (the audio floor's profiles, key.ts) over
 * each pitch class's total sounding length in beats. Drum-channel notes are not pitches; null
 * when no key correlates clearly.
 */
export function keyOfNotes(musics: readonly Pick<PartMusic, 'channel' | 'notes'>[]): string | null {
  const chroma = new Array<number>(12).fill(0);
  for (const music of musics) {
    if (music.channel === GM_DRUM_CHANNEL) continue;
    for (const note of music.notes) chroma[note.pitch % 12]! += note.durationBeats;
  }
  if (!chroma.some((weight) => weight > 0)) return null;
  const key = keyOfChroma(chroma);
  return key ? keyName(key.tonic, key.mode) : null;
}

/**
 * Refuses music whose maps a synth or the bar arithmetic cannot follow: each map must start at
 * beat 0 and rise (the schema checks each point, not their order).
 */
export function checkMapsInOrder(music: Pick<PartMusic, 'tempoMap' | 'meterMap'>, what: string): void {
  for (const [mapName, points] of [['tempo map', music.tempoMap], ['meter map', music.meterMap]] as const) {
    if (points[0]!.beats !== 0) throw new AppError('INVALID_INPUT', `${what}: its ${mapName} must start at beat 0`);
    for (let i = 1; i < points.length; i++) {
      if (!(points[i]!.beats > points[i - 1]!.beats)) throw new AppError('INVALID_INPUT', `${what}: its ${mapName} must rise beat by beat`);
    }
  }
}

/** Notes in time order (then by pitch), bends in time order: how a part is stored. */
export function inOrder(music: PartMusic): PartMusic {
  return {
    ...music,
    notes: [...music.notes].sort((a, b) => a.startBeats - b.startBeats || a.pitch - b.pitch),
    bends: [...music.bends].sort((a, b) => a.beats - b.beats),
  };
}
