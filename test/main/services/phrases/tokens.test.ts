/**
 * The phrase tokens: a hand-worked encoding, exact round trips on the 1/12-beat grid (chords,
 * same-pitch overlaps, long notes and gaps, 6/8 bar lines, a phrase from mid-bar), rounding
 * off the grid, sampled nonsense decoded without throwing, and the seeded augmentation.
 */
import type { MeterPoint, PartNote } from '../../../../src-main/common/midi.js';
import { seededRandom } from '../../../../src-main/node/seeded-random.js';
import { allowedTranspositions, augment, swing, transpose } from '../../../../src-main/services/phrases/augment.js';
import { generateCorpus } from '../../../../src-main/services/phrases/corpus.js';
import {
  BAR,
  BOS,
  EOS,
  VOCAB_SIZE,
  decode,
  durationToken,
  encode,
  lengthInSteps,
  noteToken,
  timeShiftToken,
  tokenText,
  velocityToken,
} from '../../../../src-main/services/phrases/tokens.js';

const FOUR_FOUR: MeterPoint[] = [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }];
const SIX_EIGHT: MeterPoint[] = [{ beats: 0, timeSignature: { numerator: 6, denominator: 8 } }];

const note = (pitch: number, startBeats: number, durationBeats: number, velocity = 88): PartNote => ({ pitch, startBeats, durationBeats, velocity });
const canonical = (notes: readonly PartNote[]): PartNote[] =>
  [...notes].sort((a, b) => a.startBeats - b.startBeats || a.pitch - b.pitch || a.durationBeats - b.durationBeats);

function roundTrip(notes: PartNote[], meterMap: MeterPoint[], fromBeats: number, toBeats: number): void {
  const decoded = decode(encode({ notes, meterMap }, fromBeats, toBeats), fromBeats);
  expect(canonical(decoded)).toEqual(canonical(notes));
}

describe('phrase tokens', () => {
  it('has the documented vocabulary', () => {
    expect(VOCAB_SIZE).toBe(4 + 48 + 128 + 48 + 8);
    expect(tokenText(timeShiftToken(48))).toBe('SHIFT48');
    expect(tokenText(noteToken(127))).toBe('N127');
    expect(tokenText(durationToken(1))).toBe('D1');
    expect(tokenText(velocityToken(7))).toBe('V7');
    expect(() => tokenText(VOCAB_SIZE)).toThrow('Not a phrase token');
  });

  it('encodes a chord, a triplet and a bar line as worked out by hand', () => {
    // A C major quarter-note chord on beat 1, a triplet-eighth E at beat 2.5 (soft), and a
    // whole-note G in bar 2, in a 2-bar phrase of 4/4.
    const notes = [note(64, 0, 1, 104), note(60, 0, 1, 104), note(67, 0, 1, 104), note(64, 2.5, 1 / 3, 40), note(67, 4, 4, 104)];
    const tokens = encode({ notes, meterMap: FOUR_FOUR }, 0, 8);
    expect(tokens.map(tokenText).join(' ')).toBe(
      'BOS BAR V6 N60 D12 N64 D12 N67 D12 SHIFT30 V2 N64 D4 SHIFT18 BAR V6 N67 D48 SHIFT48 EOS',
    );
    expect(lengthInSteps(tokens)).toBe(96);
  });

  it('round-trips chords, overlapping notes of one pitch, long notes and long gaps exactly', () => {
    const notes = [
      note(60, 0, 2, 8), note(60, 1, 0.5, 120), note(64, 1, 0.25), note(67, 1, 0.25), // same pitch overlapping, a chord
      note(48, 1 + 1 / 3, 11.5, 56), // a note of 138 steps: three DURATION tokens
      note(72, 14 + 2 / 3, 1 / 12, 24), // after a gap of more than a bar
      note(72, 14 + 2 / 3, 1 / 12, 24), // a doubled note stays doubled
    ];
    roundTrip(notes, FOUR_FOUR, 0, 16);
    const tokens = encode({ notes, meterMap: FOUR_FOUR }, 0, 16);
    expect(tokens.filter((token) => token === BAR)).toHaveLength(4);
    expect(tokens[tokens.length - 1]).toBe(EOS);
    expect(lengthInSteps(tokens)).toBe(16 * 12);
  });

  it('puts BAR where 6/8 bars start and round-trips 6/8 eighths exactly', () => {
    const notes = Array.from({ length: 18 }, (_, i) => note(60 + (i % 6), i / 2, 0.5, i % 6 === 0 ? 104 : 72));
    roundTrip(notes, SIX_EIGHT, 0, 9);
    const tokens = encode({ notes, meterMap: SIX_EIGHT }, 0, 9);
    const barSteps: number[] = [];
    let steps = 0;
    for (const token of tokens) {
      if (token === BAR) barSteps.push(steps);
      else if (token >= timeShiftToken(1) && token <= timeShiftToken(48)) steps += token - timeShiftToken(1) + 1;
    }
    expect(barSteps).toEqual([0, 36, 72]);
  });

  it('counts a phrase from fromBeats: its first bar line, cut notes and the notes left out', () => {
    const notes = [note(50, 1, 1), note(60, 2, 1), note(62, 3.5, 4)];
    const tokens = encode({ notes, meterMap: FOUR_FOUR }, 2, 6);
    expect(tokens.map(tokenText).join(' ')).toBe('BOS V5 N60 D12 SHIFT18 N62 D30 SHIFT6 BAR SHIFT24 EOS');
    expect(decode(tokens, 2)).toEqual([note(60, 2, 1), note(62, 3.5, 2.5)]);
  });

  it('rounds times to the grid and velocities to their bin', () => {
    const decoded = decode(encode({ notes: [note(60, 0.51, 0.02, 100)], meterMap: FOUR_FOUR }, 0, 4));
    expect(decoded).toEqual([note(60, 0.5, 1 / 12, 104)]);
  });

  it('round-trips every piece of the test corpus exactly', () => {
    for (const piece of generateCorpus({ seed: '7', pieces: 12 })) {
      const end = piece.bars * ((piece.timeSignature.numerator * 4) / piece.timeSignature.denominator);
      roundTrip(piece.music.notes, piece.music.meterMap, 0, end);
    }
  });

  it('decodes a sample that breaks the grammar without throwing', () => {
    const tokens = [BAR, durationToken(5), noteToken(60), timeShiftToken(3), noteToken(62), durationToken(6), BOS, EOS, noteToken(70)];
    expect(decode(tokens)).toEqual([note(60, 0, 1 / 12, 88), note(62, 0.25, 0.5, 88)]);
  });

  it('refuses a phrase that does not run forward', () => {
    expect(() => encode({ notes: [], meterMap: FOUR_FOUR }, 4, 4)).toThrow('A phrase runs forward');
  });
});

describe('augmentation', () => {
  it('transposes, or refuses a shift that would leave 0..127', () => {
    expect(transpose([note(60, 0, 1), note(122, 1, 1)], 5)!.map((n) => n.pitch)).toEqual([65, 127]);
    expect(transpose([note(60, 0, 1), note(123, 1, 1)], 5)).toBeNull();
    expect(allowedTranspositions([note(3, 0, 1), note(125, 1, 1)])).toEqual([-3, -2, -1, 0, 1, 2]);
  });

  it('swings straight eighths and sixteenths onto the triplet grid, and leaves triplets alone', () => {
    const eighths = [note(60, 0, 0.5), note(62, 0.5, 0.5), note(64, 1, 0.5), note(65, 1.5, 0.5)];
    expect(swing(eighths, 'eighths').map((n) => [n.startBeats, n.durationBeats])).toEqual([
      // steps 0, 8, 12, 20 of 12 a beat, long-short
      [0, 8 / 12], [8 / 12, 4 / 12], [12 / 12, 8 / 12], [20 / 12, 4 / 12],
    ]);
    const sixteenths = [note(60, 0, 0.25), note(62, 0.25, 0.25), note(64, 0.5, 0.25), note(65, 0.75, 0.25)];
    expect(swing(sixteenths, 'sixteenths').map((n) => n.startBeats * 12)).toEqual([0, 4, 6, 10]);
    const triplets = [note(60, 0, 1 / 3), note(62, 1 / 3, 1 / 3)];
    expect(swing(triplets, 'eighths')).toEqual(triplets);
  });

  it('draws the same augmentation from the same seed, on the grid, and never swings 6/8', () => {
    const notes = generateCorpus({ seed: '3', pieces: 4 })[2]!.music.notes;
    const four = { numerator: 4, denominator: 4 } as const;
    const first = augment(notes, four, seededRandom('11', 'augment'));
    expect(augment(notes, four, seededRandom('11', 'augment'))).toEqual(first);
    const draws = Array.from({ length: 40 }, (_, i) => augment(notes, { numerator: 6, denominator: 8 }, seededRandom(String(i), 'augment')));
    expect(draws.every((draw) => draw.feel === 'straight')).toBe(true);
    expect(new Set(draws.map((draw) => draw.semitones)).size).toBeGreaterThan(5);
    for (let i = 0; i < 20; i++) {
      const { notes: augmented } = augment(notes, four, seededRandom(String(i), 'augment'));
      roundTrip(augmented, FOUR_FOUR, 0, 64);
    }
  });
});
