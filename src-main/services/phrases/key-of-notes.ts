/**
 * Keys for MIDI phrases (docs/midi.md "MIDI takes"): the key a phrase's own notes suggest, and
 * notes moved into a key.
 *
 * The key: Krumhansl–Schmuckler over each pitch class's total sounding length (the audio
 * floor's keyOfChroma, services/audio/analysis/key.ts, as an imported MIDI file's key is found),
 * or null when no key correlates clearly.
 *
 * Into a key: a pitch outside the major (Ionian) or natural minor (Aeolian) scale of the key
 * moves to the nearest scale pitch. In both scales every pitch outside lies a semitone from a
 * scale pitch on each side, so "nearest" is always a tie; it goes to the side that belongs to
 * the key more strongly on Krumhansl & Kessler's probe-tone ratings (the profiles keyOfChroma
 * correlates with, repeated here): in C major F♯ goes up to G (the dominant, 5.19 against F's
 * 4.38), C♯ down to C, E♭ up to E, A♭ down to G, B♭ down to A. Pitches stay in 0..127.
 */
import type { PartNote } from '../../common/midi.js';
import { keyOfChroma, type KeyMode } from '../audio/analysis/key.js';
import { mergeUnisons } from './quantize.js';

export interface MusicalKey {
  /** Pitch class of the tonic: C = 0 … B = 11. */
  tonic: number;
  mode: KeyMode;
}

/** Krumhansl & Kessler's probe-tone ratings from the tonic (key.ts's profiles). */
const PROFILE: Record<KeyMode, readonly number[]> = {
  major: [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88],
  minor: [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17],
};

/** Scale degrees in semitones from the tonic. */
const SCALE: Record<KeyMode, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
};

/** The key the notes suggest (each pitch class weighted by its total length in beats), or null. */
export function keyOfPhrase(notes: readonly PartNote[]): MusicalKey | null {
  const chroma = new Array<number>(12).fill(0);
  for (const note of notes) chroma[note.pitch % 12]! += note.durationBeats;
  if (!chroma.some((weight) => weight > 0)) return null;
  const key = keyOfChroma(chroma);
  return key ? { tonic: key.tonic, mode: key.mode } : null;
}

/** Whether `pitch` belongs to the key's scale. */
export function inKey(pitch: number, key: MusicalKey): boolean {
  return SCALE[key.mode].includes((((pitch - key.tonic) % 12) + 12) % 12);
}

/** The scale pitch `pitch` moves to (itself when in the key; see the file comment for ties). */
export function nearestInKey(pitch: number, key: MusicalKey): number {
  if (inKey(pitch, key)) return pitch;
  const weight = (p: number): number => PROFILE[key.mode][(((p - key.tonic) % 12) + 12) % 12]!;
  const candidates = [pitch - 1, pitch + 1, pitch - 2, pitch + 2].filter((p) => p >= 0 && p <= 127 && inKey(p, key));
  candidates.sort((a, b) => Math.abs(a - pitch) - Math.abs(b - pitch) || weight(b) - weight(a));
  return candidates[0] ?? pitch;
}

/** The notes with every pitch outside the key moved into it (two that land on one pitch and onset merge). */
export function notesInKey(notes: readonly PartNote[], key: MusicalKey): PartNote[] {
  return mergeUnisons(notes.map((note) => ({ ...note, pitch: nearestInKey(note.pitch, key) })));
}
