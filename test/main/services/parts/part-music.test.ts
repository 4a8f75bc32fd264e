/**
 * The pure arithmetic of parts (services/parts/part-music.ts): the key of notes by
 * Krumhansl–Schmuckler with drums left out, whole bars over a meter map with a 6/8 section,
 * and a stretch sliced at a bar line where a tempo and a meter change.
 */
import type { PartMusic } from '../../../../src-main/common/midi.js';
import { keyOfNotes, lengthInBars, sliceMusic } from '../../../../src-main/services/parts/part-music.js';
import { typedTempo } from '../../../../src-main/services/parts/smf-read.js';

const note = (pitch: number, startBeats: number, durationBeats = 1) => ({ pitch, startBeats, durationBeats, velocity: 90 });
const FOUR_FOUR = { numerator: 4, denominator: 4 } as const;
const SIX_EIGHT = { numerator: 6, denominator: 8 } as const;

describe('part music', () => {
  it('names the key of the notes, weighting each pitch class by how long it sounds, without the drums', () => {
    // C major: tonic triad held long, the rest of the scale passing.
    const cMajor = [note(60, 0, 4), note(64, 0, 4), note(67, 0, 4), ...[62, 65, 69, 71].map((pitch, i) => note(pitch, 4 + i, 0.5))];
    expect(keyOfNotes([{ channel: 0, notes: cMajor }])).toBe('C major');
    // The same pitches on the drum channel are drum sounds, not a key.
    expect(keyOfNotes([{ channel: 9, notes: cMajor }])).toBeNull();
    // E minor: E, G, B held, F# and D# passing.
    const eMinor = [note(64, 0, 4), note(67, 0, 4), note(71, 0, 4), note(66, 4, 0.5), note(63, 4.5, 0.5), note(64, 5, 2)];
    expect(keyOfNotes([{ channel: 0, notes: eMinor }, { channel: 9, notes: [note(36, 0, 8)] }])).toBe('E minor');
  });

  it('reads a tempo as the songwriter typed it from the whole microseconds a file keeps', () => {
    const fromFile = (bpm: number) => 60_000_000 / Math.round(60_000_000 / bpm);
    expect(fromFile(92)).not.toBe(92);
    expect(typedTempo(fromFile(92))).toBe(92);
    expect(typedTempo(fromFile(132))).toBe(132);
    expect(typedTempo(fromFile(92.5))).toBe(92.5);
    expect(typedTempo(fromFile(128.25))).toBe(128.25);
    // Microseconds no short tempo stands for stay as the file has them.
    expect(typedTempo(60_000_000 / 652_001)).toBe(60_000_000 / 652_001);
  });

  it('counts whole bars over a meter map that changes', () => {
    const meterMap = [
      { beats: 0, timeSignature: FOUR_FOUR },
      { beats: 8, timeSignature: SIX_EIGHT },
    ];
    expect(lengthInBars(meterMap, 0)).toBe(0);
    expect(lengthInBars(meterMap, 8)).toBe(2);
    expect(lengthInBars(meterMap, 8.001)).toBe(3);
    expect(lengthInBars(meterMap, 11)).toBe(3);
    expect(lengthInBars(meterMap, 11 + 1e-9)).toBe(3); // float noise at a bar line is not a new bar
  });

  it('slices at a bar line: the maps start with what holds there, later points shifted, a held bend carried', () => {
    const music: PartMusic = {
      program: 0,
      channel: 0,
      notes: [note(60, 6.5, 2), note(62, 8), note(64, 12, 4)],
      bends: [{ beats: 5, value: 0.25 }, { beats: 9, value: 0 }],
      tempoMap: [{ beats: 0, bpm: 100 }, { beats: 4, bpm: 110 }, { beats: 10, bpm: 90 }],
      meterMap: [{ beats: 0, timeSignature: FOUR_FOUR }, { beats: 8, timeSignature: SIX_EIGHT }],
    };
    expect(sliceMusic(music, 8, 14)).toEqual({
      program: 0,
      channel: 0,
      // The note from 6.5 started before the slice: left out. The one from 12 is cut at 14.
      notes: [note(62, 0), note(64, 4, 2)],
      bends: [{ beats: 0, value: 0.25 }, { beats: 1, value: 0 }],
      tempoMap: [{ beats: 0, bpm: 110 }, { beats: 2, bpm: 90 }],
      meterMap: [{ beats: 0, timeSignature: SIX_EIGHT }],
    });
  });
});
