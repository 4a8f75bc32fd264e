/**
 * Measures of a MIDI phrase (a take of `continue` or `vary`, or a training phrase), so MIDI
 * takes are measured as audio takes are (docs/metrics.md §3): the audio metrics' pitch count,
 * pitch entropy and pitch range, here over notes rather than pitch-tracked frames (a note is
 * one played pitch, however long); note density; polyphony; and a copy check against the
 * training phrases.
 *
 * The copy check asks whether a take is a training phrase played back, perhaps in another key:
 * the longest run of consecutive notes whose melodic intervals equal a run in some training
 * phrase. Intervals make it transposition-invariant. Chords are reduced to their top note (the
 * "skyline" of Uitdenbogerd & Zobel, "Melodic matching techniques for large music databases",
 * 1999): the top line is what a listener follows and what a copy is recognised by, while
 * matching chords as sets would count a re-voiced accompaniment as new and make the interval
 * between two chords ambiguous. Rhythm is left out on purpose: a tune copied with its notes
 * lengthened is still copied.
 *
 * The training side is one suffix automaton (Blumer et al. 1985) over all phrases' intervals,
 * each phrase ended by a separator of its own so no match spans two; a take is then matched in
 * time linear in its length, whatever the number of training phrases (thousands, tens of
 * thousands of notes: the automaton has at most twice as many states as intervals).
 */
import type { PartNote } from '../../common/midi.js';

/** Onsets closer than this (beats) are one chord. */
const SAME_ONSET_BEATS = 1e-6;

/** Distinct pitches among the notes. */
export function pitchCount(notes: readonly PartNote[]): number {
  return new Set(notes.map((note) => note.pitch)).size;
}

/** Entropy (bits) of the notes' pitch histogram: −Σ P(i)·log2 P(i), each note counted once. */
export function pitchEntropyBits(notes: readonly PartNote[]): number {
  const histogram = new Map<number, number>();
  for (const note of notes) histogram.set(note.pitch, (histogram.get(note.pitch) ?? 0) + 1);
  let bits = 0;
  for (const count of histogram.values()) {
    const p = count / notes.length;
    bits -= p * Math.log2(p);
  }
  // −0 and rounding below 1e-12 bits read as exactly 0 (one pitch).
  return bits < 1e-12 ? 0 : bits;
}

/** Highest minus lowest pitch, semitones (0 with no notes). */
export function pitchRangeSemitones(notes: readonly PartNote[]): number {
  if (notes.length === 0) return 0;
  const pitches = notes.map((note) => note.pitch);
  return Math.max(...pitches) - Math.min(...pitches);
}

/** Notes per bar over a phrase of `bars` bars. */
export function notesPerBar(notes: readonly PartNote[], bars: number): number {
  if (!(bars > 0)) throw new Error(`A phrase spans more than 0 bars (got ${bars}).`);
  return notes.length / bars;
}

/**
 * Sounding notes averaged over the time where any note sounds (silence left out, so a sparse
 * chord part is not "less polyphonic" for its rests): 1 for a melody, 3 for held triads.
 */
export function meanPolyphony(notes: readonly PartNote[]): number {
  const events = notes.flatMap((note) => [
    { beats: note.startBeats, change: 1 },
    { beats: note.startBeats + note.durationBeats, change: -1 },
  ]);
  events.sort((a, b) => a.beats - b.beats || a.change - b.change);
  let sounding = 0;
  let soundingTime = 0;
  let noteTime = 0;
  let previous = 0;
  for (const event of events) {
    const span = event.beats - previous;
    if (sounding > 0) {
      soundingTime += span;
      noteTime += sounding * span;
    }
    sounding += event.change;
    previous = event.beats;
  }
  return soundingTime > 0 ? noteTime / soundingTime : 0;
}

export interface PhraseMetrics {
  pitchCount: number;
  pitchEntropyBits: number;
  pitchRangeSemitones: number;
  notesPerBar: number;
  meanPolyphony: number;
}

export function phraseMetrics(notes: readonly PartNote[], bars: number): PhraseMetrics {
  return {
    pitchCount: pitchCount(notes),
    pitchEntropyBits: pitchEntropyBits(notes),
    pitchRangeSemitones: pitchRangeSemitones(notes),
    notesPerBar: notesPerBar(notes, bars),
    meanPolyphony: meanPolyphony(notes),
  };
}

/** The top pitch at each onset, in time order (the skyline; see above). */
export function topLine(notes: readonly PartNote[]): number[] {
  const sorted = [...notes].sort((a, b) => a.startBeats - b.startBeats || b.pitch - a.pitch);
  const line: number[] = [];
  let onset = -Infinity;
  for (const note of sorted) {
    if (note.startBeats - onset > SAME_ONSET_BEATS) {
      line.push(note.pitch);
      onset = note.startBeats;
    }
  }
  return line;
}

function intervalsOf(line: readonly number[]): number[] {
  return line.slice(1).map((pitch, i) => pitch - line[i]!);
}

export interface CopyMatch {
  /** Notes (onsets of the top line) in the longest common run; 0 when not even two notes match. */
  notes: number;
  /** Where: the training phrase (index as given), the onset it starts at there and in the take, and the transposition take − training. */
  at: { phrase: number; phraseOnset: number; takeOnset: number; semitones: number } | null;
}

/** The training phrases' intervals in a suffix automaton, for the copy check. */
export class CopyIndex {
  private readonly length: number[] = [0];
  private readonly link: number[] = [-1];
  private readonly next: Map<number, number>[] = [new Map()];
  /** The end (position in the concatenated text) of each state's first occurrence. */
  private readonly firstEnd: number[] = [-1];
  private last = 0;
  /** Where each phrase's intervals start in the concatenated text. */
  private readonly starts: number[] = [];
  private readonly lines: number[][] = [];
  private size = 0;

  constructor(phrases: readonly (readonly PartNote[])[]) {
    phrases.forEach((notes, index) => {
      const line = topLine(notes);
      this.lines.push(line);
      this.starts.push(this.size);
      for (const interval of intervalsOf(line)) this.extend(interval);
      // Intervals lie in −127..127; 1000 + index can be no interval and no other separator.
      this.extend(1000 + index);
    });
  }

  /** The longest run of the take's top-line intervals found in a training phrase. */
  longestCopy(take: readonly PartNote[]): CopyMatch {
    const line = topLine(take);
    const intervals = intervalsOf(line);
    let state = 0;
    let matched = 0;
    let best = { matched: 0, takeEnd: -1, state: 0 };
    intervals.forEach((interval, i) => {
      while (state !== 0 && !this.next[state]!.has(interval)) {
        state = this.link[state]!;
        matched = this.length[state]!;
      }
      const to = this.next[state]!.get(interval);
      if (to === undefined) [state, matched] = [0, 0];
      else [state, matched] = [to, matched + 1];
      if (matched > best.matched) best = { matched, takeEnd: i, state };
    });
    if (best.matched === 0) return { notes: 0, at: null };
    const textStart = this.firstEnd[best.state]! - best.matched + 1;
    const phrase = this.phraseAt(textStart);
    const phraseOnset = textStart - this.starts[phrase]!;
    const takeOnset = best.takeEnd - best.matched + 1;
    return {
      notes: best.matched + 1,
      at: { phrase, phraseOnset, takeOnset, semitones: line[takeOnset]! - this.lines[phrase]![phraseOnset]! },
    };
  }

  /** The phrase whose text holds position `position` (binary search over the starts). */
  private phraseAt(position: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= position) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The standard online construction: one symbol appended to the text. */
  private extend(symbol: number): void {
    const current = this.addState(this.length[this.last]! + 1, this.size);
    let p = this.last;
    while (p !== -1 && !this.next[p]!.has(symbol)) {
      this.next[p]!.set(symbol, current);
      p = this.link[p]!;
    }
    if (p === -1) this.link[current] = 0;
    else {
      const q = this.next[p]!.get(symbol)!;
      if (this.length[p]! + 1 === this.length[q]!) this.link[current] = q;
      else {
        const clone = this.addState(this.length[p]! + 1, this.firstEnd[q]!);
        this.next[clone] = new Map(this.next[q]!);
        this.link[clone] = this.link[q]!;
        while (p !== -1 && this.next[p]!.get(symbol) === q) {
          this.next[p]!.set(symbol, clone);
          p = this.link[p]!;
        }
        this.link[q] = clone;
        this.link[current] = clone;
      }
    }
    this.last = current;
    this.size += 1;
  }

  private addState(length: number, firstEnd: number): number {
    this.length.push(length);
    this.link.push(-1);
    this.next.push(new Map());
    this.firstEnd.push(firstEnd);
    return this.length.length - 1;
  }
}
