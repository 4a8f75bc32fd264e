/**
 * The event tokens the phrase models (`continue`, `vary`) and their Markov baseline read and
 * write: a part's notes (polyphony allowed) as one sequence of integers from a fixed vocabulary.
 * docs/midi.md "Phrase data" describes them for a reader.
 *
 * Times are counted on a grid of 1/12 beat ("steps"): 12 divides into quarters, eighths,
 * sixteenths (3 steps) and triplet eighths (4 steps), so straight and triplet rhythms both land
 * on it exactly. Vocabulary (ids in this order):
 *
 *   PAD · BOS · EOS · BAR
 *   TIME_SHIFT 1..48 steps   (48 steps = one bar of 4/4; a longer gap is several shifts)
 *   NOTE pitch 0..127        (a note starts now, at this pitch)
 *   DURATION 1..48 steps     (the note just named lasts this long; a longer note takes several, summed)
 *   VELOCITY 8 bins          (the velocity of the notes that follow; written only where it changes)
 *
 * Why a note is NOTE + DURATION rather than NOTE_ON / NOTE_OFF: each note is whole where it
 * starts, so (1) two overlapping notes of the same pitch are unambiguous (a NOTE_OFF could
 * not say which of them it ends), (2) a sampled sequence can never leave a note hanging or
 * switch off one that never started, and (3) a fixed-length phrase for the VAE holds no
 * events of notes from outside it. The price is that a model must choose a length at the
 * onset, as a player does.
 *
 * BAR is a marker only, written at every bar line of the part's meter map: time is carried by
 * TIME_SHIFT alone, so decoding needs no meter map and a misplaced BAR in a sampled sequence
 * cannot move notes. Shifts are split at bar lines so that BAR sits exactly where the bar is.
 * Within one step, notes are written lowest pitch first (then shorter first), so one set of
 * notes has exactly one encoding.
 */
import { beatsAtBar, barAtBeats } from '../../common/tempo-map.js';
import type { MeterPoint, PartNote } from '../../common/midi.js';

/** Grid steps per beat (quarter note). */
export const STEPS_PER_BEAT = 12;
/** The longest single shift or duration token: one bar of 4/4. */
export const MAX_STEPS = 48;
/** Velocity bins: 1..16 → 0, 17..32 → 1, …, 113..127 → 7. */
export const VELOCITY_BINS = 8;
/** The velocity each bin decodes to (its middle); notes at these velocities round-trip exactly. */
export const VELOCITY_LEVELS: readonly number[] = Array.from({ length: VELOCITY_BINS }, (_, bin) => 8 + 16 * bin);
/** The velocity of notes a sequence names before any VELOCITY token (a sampled one may). */
export const DEFAULT_VELOCITY = VELOCITY_LEVELS[5]!;

export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const BAR = 3;
const TIME_SHIFT_BASE = 4; // TIME_SHIFT n → TIME_SHIFT_BASE + n − 1
const NOTE_BASE = TIME_SHIFT_BASE + MAX_STEPS;
const DURATION_BASE = NOTE_BASE + 128;
const VELOCITY_BASE = DURATION_BASE + MAX_STEPS;
/** Number of distinct tokens (236). */
export const VOCAB_SIZE = VELOCITY_BASE + VELOCITY_BINS;

export const timeShiftToken = (steps: number): number => TIME_SHIFT_BASE + steps - 1;
export const noteToken = (pitch: number): number => NOTE_BASE + pitch;
export const durationToken = (steps: number): number => DURATION_BASE + steps - 1;
export const velocityToken = (bin: number): number => VELOCITY_BASE + bin;

export type TokenKind = 'pad' | 'bos' | 'eos' | 'bar' | 'shift' | 'note' | 'duration' | 'velocity';

/** What a token is and its value (steps, pitch or velocity bin; 0 for the specials). */
export function describeToken(token: number): { kind: TokenKind; value: number } {
  if (!Number.isInteger(token) || token < 0 || token >= VOCAB_SIZE) throw new Error(`Not a phrase token: ${token}.`);
  if (token === PAD) return { kind: 'pad', value: 0 };
  if (token === BOS) return { kind: 'bos', value: 0 };
  if (token === EOS) return { kind: 'eos', value: 0 };
  if (token === BAR) return { kind: 'bar', value: 0 };
  if (token < NOTE_BASE) return { kind: 'shift', value: token - TIME_SHIFT_BASE + 1 };
  if (token < DURATION_BASE) return { kind: 'note', value: token - NOTE_BASE };
  if (token < VELOCITY_BASE) return { kind: 'duration', value: token - DURATION_BASE + 1 };
  return { kind: 'velocity', value: token - VELOCITY_BASE };
}

/** A readable form for tests and debugging: "BAR SHIFT6 V5 N60 D12". */
export function tokenText(token: number): string {
  const { kind, value } = describeToken(token);
  const names: Record<TokenKind, string> = {
    pad: 'PAD', bos: 'BOS', eos: 'EOS', bar: 'BAR', shift: `SHIFT${value}`, note: `N${value}`, duration: `D${value}`, velocity: `V${value}`,
  };
  return names[kind];
}

export function velocityBin(velocity: number): number {
  return Math.min(VELOCITY_BINS - 1, Math.max(0, Math.floor((velocity - 1) / 16)));
}

/** Beats → whole grid steps (nearest). */
export function stepsOf(beats: number): number {
  return Math.round(beats * STEPS_PER_BEAT);
}

/** Whether `beats` lies on the grid (within float noise of a MIDI file's ticks). */
export function onGrid(beats: number): boolean {
  return Math.abs(beats * STEPS_PER_BEAT - stepsOf(beats)) < 1e-6;
}

/** What encode needs of a part: its notes and where its bars are. */
export interface TokenSource {
  notes: readonly PartNote[];
  meterMap: readonly MeterPoint[];
}

/**
 * The notes that start in [fromBeats, toBeats) as tokens: BOS, the events, EOS. Times are
 * counted from fromBeats; starts and ends are rounded to the grid (a note keeps at least one
 * step); a note reaching past toBeats is cut there, as a part clip cuts it, so a phrase is
 * self-contained. The sequence ends with the shifts up to toBeats, so its length in time
 * is part of it.
 */
export function encode(music: TokenSource, fromBeats: number, toBeats: number): number[] {
  if (!(toBeats > fromBeats) || fromBeats < 0) throw new Error(`A phrase runs forward from beat 0 or later (got ${fromBeats}..${toBeats}).`);
  const fromStep = stepsOf(fromBeats);
  const toStep = stepsOf(toBeats);
  const notes = music.notes
    .filter((note) => note.startBeats >= fromBeats && note.startBeats < toBeats)
    .map((note) => {
      const start = Math.min(stepsOf(note.startBeats), toStep - 1);
      const end = Math.min(toStep, Math.max(start + 1, stepsOf(note.startBeats + note.durationBeats)));
      return { pitch: note.pitch, start: start - fromStep, steps: end - start, bin: velocityBin(note.velocity) };
    })
    .sort((a, b) => a.start - b.start || a.pitch - b.pitch || a.steps - b.steps || a.bin - b.bin);

  const bars = barLineSteps(music.meterMap, fromBeats, toBeats).map((step) => step - fromStep);
  const tokens = [BOS];
  let now = 0;
  let bin = -1;
  let barIndex = 0;
  // Moves `now` to `target`, writing BAR at every bar line reached on the way (and at `target`).
  const advanceTo = (target: number): void => {
    while (true) {
      while (barIndex < bars.length && bars[barIndex]! === now) {
        tokens.push(BAR);
        barIndex += 1;
      }
      if (now >= target) return;
      const nextBar = barIndex < bars.length ? bars[barIndex]! : Infinity;
      const shift = Math.min(target, nextBar, now + MAX_STEPS) - now;
      tokens.push(timeShiftToken(shift));
      now += shift;
    }
  };
  for (const note of notes) {
    advanceTo(note.start);
    if (note.bin !== bin) {
      tokens.push(velocityToken(note.bin));
      bin = note.bin;
    }
    tokens.push(noteToken(note.pitch));
    for (let left = note.steps; left > 0; left -= MAX_STEPS) tokens.push(durationToken(Math.min(MAX_STEPS, left)));
  }
  advanceTo(toStep - fromStep);
  // A bar line at toBeats belongs to the next phrase: advanceTo wrote it, so take it back.
  if (tokens[tokens.length - 1] === BAR && bars.includes(toStep - fromStep)) tokens.pop();
  tokens.push(EOS);
  return tokens;
}

/** Steps (from beat 0) of the bar lines in [fromBeats, toBeats], from the meter map. */
function barLineSteps(meterMap: readonly MeterPoint[], fromBeats: number, toBeats: number): number[] {
  const steps: number[] = [];
  for (let bar = Math.ceil(barAtBeats(meterMap, fromBeats) - 1e-9); ; bar++) {
    const beats = beatsAtBar(meterMap, bar);
    if (beats > toBeats + 1e-9) break;
    steps.push(stepsOf(beats));
  }
  return steps;
}

/**
 * Notes from tokens, the first step at startBeats. Reading stops at EOS; PAD, BOS and BAR
 * carry no time. A model's sample may break the grammar, so decoding never throws on one:
 * a NOTE with no DURATION after it lasts one step, a DURATION with no NOTE before it is
 * ignored, and notes before any VELOCITY get DEFAULT_VELOCITY.
 */
export function decode(tokens: readonly number[], startBeats = 0): PartNote[] {
  const notes: PartNote[] = [];
  let now = 0;
  let velocity = DEFAULT_VELOCITY;
  let open: { pitch: number; start: number; steps: number; velocity: number } | null = null;
  const close = (): void => {
    if (!open) return;
    const steps = Math.max(1, open.steps);
    notes.push({ pitch: open.pitch, startBeats: startBeats + open.start / STEPS_PER_BEAT, durationBeats: steps / STEPS_PER_BEAT, velocity: open.velocity });
    open = null;
  };
  for (const token of tokens) {
    const { kind, value } = describeToken(token);
    if (kind === 'eos') break;
    if (kind === 'duration') {
      if (open) open.steps += value;
      continue;
    }
    close();
    if (kind === 'shift') now += value;
    else if (kind === 'note') open = { pitch: value, start: now, steps: 0, velocity };
    else if (kind === 'velocity') velocity = VELOCITY_LEVELS[value]!;
  }
  close();
  return notes;
}

/** The length in steps a token sequence spans (the sum of its shifts, up to EOS). */
export function lengthInSteps(tokens: readonly number[]): number {
  let steps = 0;
  for (const token of tokens) {
    const { kind, value } = describeToken(token);
    if (kind === 'eos') break;
    if (kind === 'shift') steps += value;
  }
  return steps;
}
