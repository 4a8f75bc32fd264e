/**
 * Training augmentation for the phrase models: transposition and a swing feel, both seeded
 * (node/seeded-random.ts) so a training run can be repeated, and both keeping every note on
 * the 1/12-beat grid of tokens.ts, so an augmented phrase encodes as exactly as the original.
 *
 * Transposition is refused, not trimmed: a shift that would push any note outside MIDI's
 * 0..127 yields null and is never drawn, because a phrase with its top notes dropped is a
 * different phrase, not the same one in another key.
 *
 * Timing: a tempo-free stretch of ±1 step would put notes between grid steps or change bar
 * lengths; humanising by random steps makes rhythms no player plays. Swing is what players do
 * to the same notes, and on a 12-step beat it is exact: straight eighths (the off-beat at step
 * 6) become triplet swing (step 8), straight sixteenths (steps 3 and 9) become swung ones (4
 * and 10). It is applied only to simple meters (a quarter-note beat) and only to phrases
 * written on the straight sixteenth grid: a phrase already in triplets has its feel.
 */
import type { PartNote, MeterPoint } from '../../common/midi.js';
import { randomIndex } from '../../node/seeded-random.js';
import { STEPS_PER_BEAT, onGrid, stepsOf } from './tokens.js';

/** The largest transposition drawn, in semitones each way. */
export const MAX_TRANSPOSE = 6;

/** The notes moved by `semitones`, or null when any would leave 0..127 (refused, see above). */
export function transpose(notes: readonly PartNote[], semitones: number): PartNote[] | null {
  if (!Number.isInteger(semitones)) throw new Error(`A transposition is whole semitones (got ${semitones}).`);
  const moved = notes.map((note) => ({ ...note, pitch: note.pitch + semitones }));
  return moved.every((note) => note.pitch >= 0 && note.pitch <= 127) ? moved : null;
}

/** The shifts in −max..max that keep every note inside 0..127, ascending (0 always among them). */
export function allowedTranspositions(notes: readonly PartNote[], max = MAX_TRANSPOSE): number[] {
  const pitches = notes.map((note) => note.pitch);
  const lowest = Math.min(127, ...pitches);
  const highest = Math.max(0, ...pitches);
  const shifts: number[] = [];
  for (let shift = -max; shift <= max; shift++) if (lowest + shift >= 0 && highest + shift <= 127) shifts.push(shift);
  return shifts;
}

export type SwingFeel = 'straight' | 'eighths' | 'sixteenths';

/** Where each straight step within a beat moves under a feel (the others stay). */
const SWING_MOVES: Record<SwingFeel, ReadonlyMap<number, number>> = {
  straight: new Map(),
  eighths: new Map([[6, 8]]),
  sixteenths: new Map([
    [3, 4],
    [9, 10],
  ]),
};

/**
 * The notes with a swing feel, beats counted from beat 0 of the times given (a phrase starts on
 * a bar line, which in a simple meter is on a beat). Notes
 * are returned unchanged if any onset is off the straight sixteenth grid (already triplets or
 * off the grid altogether), since moving them would collide with the moved ones.
 */
export function swing(notes: readonly PartNote[], feel: SwingFeel): PartNote[] {
  const moves = SWING_MOVES[feel];
  const straight = notes.every((note) => onGrid(note.startBeats) && stepsOf(note.startBeats) % 3 === 0);
  if (moves.size === 0 || !straight) return notes.map((note) => ({ ...note }));
  const move = (step: number): number => {
    const beat = Math.floor(step / STEPS_PER_BEAT);
    const within = step - beat * STEPS_PER_BEAT;
    return beat * STEPS_PER_BEAT + (moves.get(within) ?? within);
  };
  return notes.map((note) => {
    const start = move(stepsOf(note.startBeats));
    const endBeats = note.startBeats + note.durationBeats;
    // An end off the grid keeps its length; one on it moves as an onset there would.
    const end = onGrid(endBeats) ? move(stepsOf(endBeats)) : start + Math.max(1, stepsOf(note.durationBeats));
    return { ...note, startBeats: start / STEPS_PER_BEAT, durationBeats: Math.max(1, end - start) / STEPS_PER_BEAT };
  });
}

/** Whether a meter's beat is a quarter note, so its off-beat eighths can swing (not 6/8, whose eighths are its pulse). */
export function swingsIn(meter: MeterPoint['timeSignature']): boolean {
  return meter.denominator === 4 || meter.denominator === 2;
}

export interface Augmented {
  notes: PartNote[];
  semitones: number;
  feel: SwingFeel;
}

/**
 * One augmented copy of a phrase: a transposition drawn uniformly from the allowed ones, and
 * (in a simple meter) straight half the time, swung eighths or sixteenths a quarter each.
 */
export function augment(notes: readonly PartNote[], meter: MeterPoint['timeSignature'], random: () => number): Augmented {
  const shifts = allowedTranspositions(notes);
  const semitones = shifts[randomIndex(random, shifts.length)]!;
  const draw = random();
  const feel: SwingFeel = !swingsIn(meter) || draw < 0.5 ? 'straight' : draw < 0.75 ? 'eighths' : 'sixteenths';
  return { notes: swing(transpose(notes, semitones)!, feel), semitones, feel };
}
