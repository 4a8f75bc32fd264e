/**
 * Snapping a phrase's notes to a grid (docs/midi.md "MIDI takes"): onsets to the nearest grid
 * line and ends to the nearest grid line, a note never shorter than one grid step (a zero length
 * is no note), as a DAW's quantize does. The grid is counted from each note's own bar line, not
 * from beat 0, so a bar of 7/8 (3.5 beats) starts on a grid line whatever grid is chosen and a
 * meter change restarts it. A model writes on the tokens' grid of 1/12 beat, which holds both
 * sixteenths and eighth triplets; snapping chooses one feel.
 *
 * Within [startBeats, endBeats) given: notes that start outside it are left out, a note whose onset would snap onto or past the end is
 * snapped down instead, and a length is cut at the end (never below one step), so a take keeps
 * its bars. Two notes of one pitch that snap onto one onset become one (the longer, the louder on
 * a tie), as a DAW merges them; a note would otherwise sound twice.
 */
import type { MeterPoint, PartNote } from '../../common/midi.js';
import type { PhraseGrid } from '../../common/phrases.js';
import { barAtBeats, beatsAtBar } from '../../common/tempo-map.js';

/** A grid step in beats (quarter notes); null for 'off'. */
export function gridBeats(grid: PhraseGrid): number | null {
  switch (grid) {
    case 'off':
      return null;
    case '1/8':
      return 1 / 2;
    case '1/8T':
      return 1 / 3;
    case '1/16':
      return 1 / 4;
    case '1/16T':
      return 1 / 6;
    case '1/32':
      return 1 / 8;
  }
}

/** Float noise around a grid line (a millionth of a beat) is on it. */
const EPSILON = 1e-6;

export interface QuantizeSpan {
  startBeats: number;
  endBeats: number;
}

/** The notes snapped to `grid` on `meterMap`'s bars (see the file comment); 'off' gives them back in time order, only kept to the span. */
export function quantizeNotes(notes: readonly PartNote[], grid: PhraseGrid, meterMap: readonly MeterPoint[], span?: QuantizeSpan): PartNote[] {
  const inside = span ? notes.filter((note) => note.startBeats >= span.startBeats - EPSILON && note.startBeats < span.endBeats - EPSILON) : notes;
  const step = gridBeats(grid);
  if (step === null) {
    return inTimeOrder(inside.map((note) => ({ ...note, durationBeats: span ? Math.min(note.durationBeats, span.endBeats - note.startBeats) : note.durationBeats })));
  }
  const snapped = inside.map((note) => {
    const barStart = beatsAtBar(meterMap, Math.floor(barAtBeats(meterMap, note.startBeats + EPSILON)));
    const snap = (beats: number): number => barStart + Math.round((beats - barStart) / step - EPSILON) * step;
    let start = Math.max(span?.startBeats ?? 0, snap(note.startBeats));
    if (span && start >= span.endBeats - EPSILON) start = Math.max(span.startBeats, start - step);
    let end = Math.max(start + step, snap(note.startBeats + note.durationBeats));
    if (span) end = Math.max(start + Math.min(step, span.endBeats - start), Math.min(end, span.endBeats));
    return { ...note, startBeats: tidy(start), durationBeats: tidy(end - start) };
  });
  return mergeUnisons(snapped);
}

/** Rounds away float noise (1e-9 beat) so that 1/3 + 1/3 + 1/3 reads as 1. */
function tidy(beats: number): number {
  return Math.round(beats * 1e9) / 1e9;
}

/** One note per pitch and onset: the longer, the louder on a tie; in time order, then by pitch. */
export function mergeUnisons(notes: readonly PartNote[]): PartNote[] {
  const kept = new Map<string, PartNote>();
  for (const note of notes) {
    const key = `${note.pitch}@${note.startBeats}`;
    const other = kept.get(key);
    if (!other || note.durationBeats > other.durationBeats || (note.durationBeats === other.durationBeats && note.velocity > other.velocity)) kept.set(key, note);
  }
  return inTimeOrder([...kept.values()]);
}

function inTimeOrder(notes: PartNote[]): PartNote[] {
  return notes.sort((a, b) => a.startBeats - b.startBeats || a.pitch - b.pitch);
}
