/**
 * Heard notes → a part's music (services/transcription/part-music.ts): where the notes land on
 * the song's beats, what is left out before bar 1, velocities, and pitch bends only where a
 * note sounds alone; and the bench's onset scores (test/bench/transcription/known-phrase.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { toPartMusic, velocityOf } from '../../../../src-main/services/transcription/part-music.js';
import type { HeardNote } from '../../../../src-main/services/transcription/run-transcription.js';
import { onsetScores } from '../../../bench/transcription/known-phrase.js';

const note = (pitch: number, startSeconds: number, durationSeconds: number, bendSemitones: number[] = [], amplitude = 0.5): HeardNote => ({
  pitch,
  startSeconds,
  durationSeconds,
  amplitude,
  bendSemitones,
});
const fourFour = { numerator: 4, denominator: 4 } as const;

describe('toPartMusic', () => {
  it('puts a clip’s notes on the song’s beats: its start minus bar 1, at the song’s tempo', () => {
    // 120 BPM: 2 beats a second. The clip starts 3 s after bar 1.
    const { music, notesBeforeBarOne } = toPartMusic([note(60, 0.5, 0.25)], { offsetSeconds: 3, tempo: 120, timeSignature: fourFour });
    expect(music.notes).toEqual([{ pitch: 60, startBeats: 7, durationBeats: 0.5, velocity: 64 }]);
    expect(music.tempoMap).toEqual([{ beats: 0, bpm: 120 }]);
    expect(music.meterMap).toEqual([{ beats: 0, timeSignature: fourFour }]);
    expect(notesBeforeBarOne).toBe(0);
  });

  it('leaves out and counts the notes that begin before bar 1', () => {
    const { music, notesBeforeBarOne } = toPartMusic([note(60, 0.2, 1), note(62, 0.6, 1)], { offsetSeconds: -0.5, tempo: 60, timeSignature: fourFour });
    expect(notesBeforeBarOne).toBe(1);
    expect(music.notes.map((n) => [n.pitch, n.startBeats])).toEqual([[62, expect.closeTo(0.1, 9)]]);
  });

  it('scales amplitude to velocity 1..127', () => {
    expect([velocityOf(0), velocityOf(0.5), velocityOf(1), velocityOf(1.4)]).toEqual([1, 64, 127, 127]);
  });

  it('bends only a note that sounds alone, writes changes only, and returns to 0 after it', () => {
    const alone = note(67, 0, 1, [0, 0, 1 / 3, 1 / 3, 2 / 3]);
    const chordA = note(60, 2, 1, [1, 1]);
    const chordB = note(64, 2.5, 1, [1, 1]);
    const { music } = toPartMusic([chordB, alone, chordA], { offsetSeconds: 0, tempo: 60, timeSignature: fourFour });
    expect(music.bends).toEqual([
      { beats: expect.closeTo(0.4, 9), value: expect.closeTo(1 / 6, 9) },
      { beats: expect.closeTo(0.8, 9), value: expect.closeTo(1 / 3, 9) },
      { beats: expect.closeTo(1, 9), value: 0 },
    ]);
    expect(music.notes.map((n) => n.pitch)).toEqual([67, 60, 64]);
  });

  it('clamps a bend beyond the ±2 semitone range', () => {
    const { music } = toPartMusic([note(60, 0, 1, [-5])], { offsetSeconds: 0, tempo: 60, timeSignature: fourFour });
    expect(music.bends[0]).toEqual({ beats: 0, value: -1 });
  });
});

describe('onsetScores (mir_eval-style)', () => {
  it('matches same pitch within 50 ms, each note once', () => {
    const reference = [
      { pitch: 60, onset: 1 },
      { pitch: 60, onset: 1.03 },
      { pitch: 64, onset: 2 },
    ];
    const estimated = [
      { pitch: 60, onset: 1.02 },
      { pitch: 61, onset: 1 },
      { pitch: 64, onset: 2.06 },
    ];
    expect(onsetScores(reference, estimated)).toEqual({
      precision: 1 / 3,
      recall: 1 / 3,
      f1: 1 / 3,
      matched: 1,
      reference: 3,
      estimated: 3,
    });
    expect(onsetScores(reference, [...reference]).f1).toBe(1);
  });

  it('finds the maximum matching where a greedy nearest pick would not', () => {
    // The first estimate is nearest the second reference, but pairing it with the first lets both match.
    const reference = [
      { pitch: 60, onset: 1 },
      { pitch: 60, onset: 1.06 },
    ];
    const estimated = [
      { pitch: 60, onset: 1.04 },
      { pitch: 60, onset: 1.1 },
    ];
    expect(onsetScores(reference, estimated).matched).toBe(2);
  });
});
