/**
 * Phrase metrics on hand-computed examples, and the copy check: a planted, transposed 8-note
 * copy is found with its length and place (also under chords), and on random melodies the
 * suffix automaton agrees with a brute-force longest common run.
 */
import type { PartNote } from '../../../../src-main/common/midi.js';
import { seededRandom } from '../../../../src-main/node/seeded-random.js';
import { generateCorpus } from '../../../../src-main/services/phrases/corpus.js';
import {
  CopyIndex,
  meanPolyphony,
  phraseMetrics,
  pitchEntropyBits,
  topLine,
} from '../../../../src-main/services/phrases/phrase-metrics.js';
import { cutPhrases } from '../../../../src-main/services/phrases/phrases.js';

const note = (pitch: number, startBeats: number, durationBeats = 1): PartNote => ({ pitch, startBeats, durationBeats, velocity: 88 });
const melody = (pitches: readonly number[]): PartNote[] => pitches.map((pitch, i) => note(pitch, i * 0.5, 0.5));

describe('phrase metrics', () => {
  it('counts pitches, their entropy and range, density and polyphony of a melody', () => {
    // C E G C: pitches {60: 2, 64: 1, 67: 1} → −(½·log2 ½ + 2·¼·log2 ¼) = 1.5 bits.
    expect(phraseMetrics([note(60, 0), note(64, 1), note(67, 2), note(60, 3)], 2)).toEqual({
      pitchCount: 3,
      pitchEntropyBits: 1.5,
      pitchRangeSemitones: 7,
      notesPerBar: 2,
      meanPolyphony: 1,
    });
    expect(pitchEntropyBits([note(60, 0), note(60, 1)])).toBe(0);
    expect(phraseMetrics([], 4)).toEqual({ pitchCount: 0, pitchEntropyBits: 0, pitchRangeSemitones: 0, notesPerBar: 0, meanPolyphony: 0 });
    expect(() => phraseMetrics([], 0)).toThrow('A phrase spans more than 0 bars');
  });

  it('averages polyphony over the time where something sounds', () => {
    // A triad for 2 beats, one note for 2, 2 beats of silence, one note for 1: (3·2 + 1·2 + 1·1) / 5.
    const notes = [note(60, 0, 2), note(64, 0, 2), note(67, 0, 2), note(72, 2, 2), note(60, 6, 1)];
    expect(meanPolyphony(notes)).toBeCloseTo(9 / 5, 12);
    // Overlapping notes: 0..1 one, 1..2 two, 2..3 one → 4 / 3.
    expect(meanPolyphony([note(60, 0, 2), note(62, 1, 2)])).toBeCloseTo(4 / 3, 12);
  });

  it('reduces chords to their top note', () => {
    expect(topLine([note(60, 0), note(67, 0), note(64, 0), note(62, 1), note(59, 1)])).toEqual([67, 62]);
  });
});

describe('copy check', () => {
  const training = generateCorpus({ seed: '4' }).map((piece) => piece.music.notes);
  const index = new CopyIndex(training);

  // Leaps of a ninth and more up and down, which the corpus's stepwise tunes never make.
  const strange = [40, 80, 41, 79, 43, 77];

  it('finds a planted 8-note copy, transposed, with its length and place', () => {
    const source = 6; // a melody piece (styles take turns: block, arpeggio, melody, bass)
    const line = topLine(training[source]!);
    const copied = line.slice(5, 13).map((pitch) => pitch - 5);
    const take = melody([...strange, ...copied, ...strange]);
    const match = index.longestCopy(take);
    expect(match.notes).toBe(8);
    expect(match.at).toMatchObject({ takeOnset: 6, semitones: -5 });
    // The run may be found in another phrase too; wherever it is reported, it is there.
    const found = topLine(training[match.at!.phrase]!).slice(match.at!.phraseOnset, match.at!.phraseOnset + 8);
    expect(found.map((pitch) => pitch + match.at!.semitones)).toEqual(copied);
    // Chords under the copied notes do not hide it.
    const voiced = [...take, ...take.map((n) => ({ ...n, pitch: n.pitch - 12 })), ...take.map((n) => ({ ...n, pitch: n.pitch - 7 }))];
    expect(index.longestCopy(voiced).notes).toBe(8);
  });

  it('reports no copy for leaps the training never makes', () => {
    expect(index.longestCopy(melody(strange))).toEqual({ notes: 0, at: null });
    expect(new CopyIndex([]).longestCopy(melody([60, 62]))).toEqual({ notes: 0, at: null });
  });

  it('indexes thousands of training phrases and still finds a copy in the last one', () => {
    const phrases = generateCorpus({ seed: '5', pieces: 320 }).flatMap((piece) => cutPhrases(piece.music, 2, piece.name));
    expect(phrases.length).toBeGreaterThan(1500);
    const large = new CopyIndex(phrases.map((phrase) => phrase.notes));
    const last = phrases.findLastIndex((phrase) => phrase.source.includes('melody'));
    const copied = topLine(phrases[last]!.notes).map((pitch) => pitch + 3);
    const match = large.longestCopy(melody([...strange, ...copied, ...strange]));
    expect(match.notes).toBe(copied.length);
    // Found there, or in another phrase with the same tune (a progression repeats), in some key.
    const { phrase, phraseOnset, takeOnset, semitones } = match.at!;
    expect(takeOnset).toBe(strange.length);
    const found = topLine(phrases[phrase]!.notes).slice(phraseOnset, phraseOnset + copied.length);
    expect(found.map((pitch) => pitch + semitones)).toEqual(copied);
  });

  it('agrees with a brute-force longest common run on random melodies', () => {
    const random = seededRandom('9', 'copy-check');
    const draw = (n: number): number[] => Array.from({ length: n }, () => 60 + Math.floor(random() * 5));
    for (let trial = 0; trial < 30; trial++) {
      const phrases = Array.from({ length: 4 }, () => draw(5 + Math.floor(random() * 10)));
      const take = draw(12);
      const match = new CopyIndex(phrases.map(melody)).longestCopy(melody(take));
      expect(match.notes).toBe(bruteForce(phrases, take));
      if (match.at) {
        const there = phrases[match.at.phrase]!.slice(match.at.phraseOnset, match.at.phraseOnset + match.notes);
        const here = take.slice(match.at.takeOnset, match.at.takeOnset + match.notes);
        expect(here).toEqual(there.map((pitch) => pitch + match.at!.semitones));
      }
    }
  });
});

/** The longest run of equal consecutive intervals, in notes (0 when no interval matches). */
function bruteForce(phrases: number[][], take: number[]): number {
  const intervals = (line: number[]): number[] => line.slice(1).map((pitch, i) => pitch - line[i]!);
  const t = intervals(take);
  let best = 0;
  for (const phrase of phrases) {
    const p = intervals(phrase);
    for (let i = 0; i < t.length; i++) {
      for (let j = 0; j < p.length; j++) {
        let k = 0;
        while (i + k < t.length && j + k < p.length && t[i + k] === p[j + k]) k++;
        best = Math.max(best, k);
      }
    }
  }
  return best === 0 ? 0 : best + 1;
}
