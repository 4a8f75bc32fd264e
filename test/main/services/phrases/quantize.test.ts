/**
 * Snapping MIDI phrases to a grid (quantize.ts): onsets and ends to the nearest line counted
 * from each note's bar (7/8 and a meter change included), never a zero length, notes kept
 * inside a take's span, unisons merged.
 */
import type { MeterPoint, PartNote } from '../../../../src-main/common/midi.js';
import { gridBeats, quantizeNotes } from '../../../../src-main/services/phrases/quantize.js';

const FOUR_FOUR: MeterPoint[] = [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }];
const note = (pitch: number, startBeats: number, durationBeats: number, velocity = 88): PartNote => ({ pitch, startBeats, durationBeats, velocity });
const starts = (notes: PartNote[]) => notes.map((n) => n.startBeats);

describe('quantizeNotes', () => {
  it('knows its grids in beats', () => {
    expect(['off', '1/8', '1/8T', '1/16', '1/16T', '1/32'].map((grid) => gridBeats(grid as never))).toEqual([null, 0.5, 1 / 3, 0.25, 1 / 6, 0.125]);
  });

  it('snaps onsets and ends to the nearest line, never to a zero length', () => {
    const notes = [note(60, 0.1, 0.3), note(62, 1.4, 0.05), note(64, 2.7, 1.2)];
    expect(quantizeNotes(notes, '1/8', FOUR_FOUR)).toEqual([note(60, 0, 0.5), note(62, 1.5, 0.5), note(64, 2.5, 1.5)]);
    expect(quantizeNotes(notes, '1/16', FOUR_FOUR)).toEqual([note(60, 0, 0.5), note(62, 1.5, 0.25), note(64, 2.75, 1.25)]);
    // Triplets land on thirds of a beat, to the nanobeat.
    expect(starts(quantizeNotes([note(60, 0.3, 0.3), note(62, 0.7, 0.3)], '1/8T', FOUR_FOUR))).toEqual([0.333333333, 0.666666667]);
    expect(quantizeNotes([note(60, 1.2, 0.3)], 'off', FOUR_FOUR)).toEqual([note(60, 1.2, 0.3)]);
  });

  it("counts the grid from each note's bar line: 7/8 bars and a meter change", () => {
    const sevenEight: MeterPoint[] = [{ beats: 0, timeSignature: { numerator: 7, denominator: 8 } }];
    // Bar 2 starts at 3.5: a 1/8T grid counted from beat 0 would not hold it; from the bar line it does.
    expect(starts(quantizeNotes([note(60, 3.52, 0.3), note(62, 3.82, 0.3)], '1/8T', sevenEight))).toEqual([3.5, 3.833333333]);
    const change: MeterPoint[] = [FOUR_FOUR[0]!, { beats: 4, timeSignature: { numerator: 7, denominator: 8 } }, { beats: 7.5, timeSignature: { numerator: 4, denominator: 4 } }];
    expect(starts(quantizeNotes([note(60, 7.6, 0.5)], '1/8T', change))).toEqual([7.5]);
  });

  it("keeps a take's span: notes outside left out, none snapped past its end, lengths cut there", () => {
    const span = { startBeats: 8, endBeats: 16 };
    const notes = [note(60, 7.9, 1), note(62, 15.9, 1), note(64, 15.5, 3), note(65, 16, 1)];
    expect(quantizeNotes(notes, '1/8', FOUR_FOUR, span)).toEqual([note(62, 15.5, 0.5), note(64, 15.5, 0.5)]);
  });

  it('merges two notes of one pitch snapped onto one onset, keeping the longer', () => {
    expect(quantizeNotes([note(60, 0.05, 0.5, 60), note(60, 0.1, 1, 100), note(64, 0.1, 1)], '1/8', FOUR_FOUR)).toEqual([note(60, 0, 1, 100), note(64, 0, 1)]);
  });
});
