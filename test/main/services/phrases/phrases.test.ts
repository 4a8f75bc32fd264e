/**
 * Cutting parts into N-bar phrases along the meter map (a phrase that would cross a meter
 * change is skipped, cutting restarts there) and the seeded split by source.
 */
import type { MeterPoint, PartNote } from '../../../../src-main/common/midi.js';
import { cutPhrases, phraseTokens, splitPhrases, type Phrase } from '../../../../src-main/services/phrases/phrases.js';
import { BAR, decode } from '../../../../src-main/services/phrases/tokens.js';

const note = (pitch: number, startBeats: number, durationBeats = 1): PartNote => ({ pitch, startBeats, durationBeats, velocity: 88 });

// 5 bars of 4/4 (beats 0..20), then 6/8 (3 beats a bar) from bar 6.
const meterMap: MeterPoint[] = [
  { beats: 0, timeSignature: { numerator: 4, denominator: 4 } },
  { beats: 20, timeSignature: { numerator: 6, denominator: 8 } },
];

describe('phrases', () => {
  it('cuts whole bars of one meter, skipping the phrase that would cross a meter change', () => {
    const notes = Array.from({ length: 39 }, (_, beat) => note(60 + (beat % 12), beat));
    const phrases = cutPhrases({ notes, meterMap }, 2, 'part 1');
    expect(phrases.map((p) => [p.startBar, p.fromBeats, p.toBeats])).toEqual([
      [1, 0, 8],
      [3, 8, 16],
      // bars 5..6 would hold 4/4 and 6/8: skipped
      [6, 20, 26],
      [8, 26, 32],
      [10, 32, 38],
      [12, 38, 44], // the last note (beat 38) starts here; the phrase keeps its full length
    ]);
    expect(phrases[2]!.timeSignature).toEqual({ numerator: 6, denominator: 8 });
    expect(phrases[2]!.notes.map((n) => n.startBeats)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(phrases[5]!.notes).toEqual([note(62, 0)]);
  });

  it('shifts notes to the phrase start, cuts them at its end and leaves empty stretches out', () => {
    const notes = [note(60, 1, 10), note(62, 17, 1)]; // nothing starts in bars 3..4
    const phrases = cutPhrases({ notes, meterMap: [meterMap[0]!] }, 2, 'part 2');
    expect(phrases.map((p) => p.startBar)).toEqual([1, 5]);
    expect(phrases[0]!.notes).toEqual([note(60, 1, 7)]);
    expect(phrases[1]!.notes).toEqual([note(62, 1, 1)]);
  });

  it('tokenises a phrase with its own bar lines and decodes it back', () => {
    const notes = Array.from({ length: 12 }, (_, i) => note(60 + i, i * 0.5, 0.5));
    const [phrase] = cutPhrases({ notes, meterMap: [{ ...meterMap[1]!, beats: 0 }] }, 2, 'part 3');
    const tokens = phraseTokens(phrase!);
    expect(tokens.filter((token) => token === BAR)).toHaveLength(2);
    expect(decode(tokens)).toEqual(phrase!.notes);
  });

  it('refuses a phrase length outside 2..16 bars', () => {
    expect(() => cutPhrases({ notes: [], meterMap }, 1, 'x')).toThrow('A phrase is 2..16 whole bars');
    expect(() => cutPhrases({ notes: [], meterMap }, 17, 'x')).toThrow('A phrase is 2..16 whole bars');
  });
});

describe('train / held-out split', () => {
  const phrases: Phrase[] = Array.from({ length: 10 }, (_, s) =>
    Array.from({ length: 3 }, (_, i) => ({
      source: `piece ${s}`,
      startBar: 1 + 4 * i,
      bars: 4,
      fromBeats: 16 * i,
      toBeats: 16 * (i + 1),
      timeSignature: { numerator: 4, denominator: 4 } as const,
      notes: [note(60, 0)],
    })),
  ).flat();

  it('holds out whole sources, the same ones for a seed whatever the order', () => {
    const split = splitPhrases(phrases, { seed: '1', heldOutFraction: 0.2 });
    expect(split.heldOutSources).toHaveLength(2);
    expect(split.heldOut).toHaveLength(6);
    expect(split.train).toHaveLength(24);
    const trainSources = new Set(split.train.map((p) => p.source));
    expect(split.heldOut.every((p) => !trainSources.has(p.source))).toBe(true);
    const reversed = splitPhrases([...phrases].reverse(), { seed: '1', heldOutFraction: 0.2 });
    expect(new Set(reversed.heldOutSources)).toEqual(new Set(split.heldOutSources));
    const others = ['2', '3', '4'].map((seed) => splitPhrases(phrases, { seed, heldOutFraction: 0.2 }).heldOutSources.join());
    expect(others.some((sources) => sources !== split.heldOutSources.join())).toBe(true);
  });

  it('keeps at least one source on each side, and none held out from a single source', () => {
    expect(splitPhrases(phrases, { seed: '1', heldOutFraction: 0.01 }).heldOutSources).toHaveLength(1);
    expect(splitPhrases(phrases, { seed: '1', heldOutFraction: 0.99 }).heldOutSources).toHaveLength(9);
    expect(splitPhrases(phrases.slice(0, 3), { seed: '1' }).heldOut).toEqual([]);
    expect(() => splitPhrases(phrases, { seed: '1', heldOutFraction: 1 })).toThrow('The held-out fraction lies between 0 and 1');
  });
});
