/**
 * What each slider does (slider-character.ts): a phrase's traits on notes whose answers are
 * counted by hand, and the measurement through a decoder whose sliders are known — slider 1 adds
 * notes, slider 2 lowers the pitch, slider 3 nudges nothing a listener would hear, slider 4 moves
 * the pitch up and back, slider 5 adds many notes to one phrase while the others go back and
 * forth — named, signed, counted and left unnamed as they should be; the words at each end
 * (common/slider-character.ts).
 */
import type { PartNote } from '../../../../src-main/common/midi.js';
import { sliderEnds, sliderMeasureText, TRAIT_WORDS } from '../../../../src-main/common/slider-character.js';
import type { LatentSpace } from '../../../../src-main/services/phrase-models/latent-space.js';
import { MIN_EFFECT, measureSliderCharacters, phraseTraits, spreadEvenly } from '../../../../src-main/services/phrase-models/slider-character.js';

const note = (pitch: number, startBeats: number, durationBeats = 0.5): PartNote => ({ pitch, startBeats, durationBeats, velocity: 90 });

describe('phraseTraits', () => {
  it('counts notes a bar, average pitch, range, note length, chords, off-beat notes and loudness', () => {
    // Two bars: a C major triad on beat 0, then E and G off the beat, the G softer.
    const notes = [note(60, 0, 2), note(64, 0, 2), note(67, 0, 2), note(64, 2.5), { ...note(72, 3.5), velocity: 40 }];
    expect(phraseTraits(notes, 2)).toEqual({ notes: 2.5, pitch: 65.4, range: 12, length: 1.4, chords: 5 / 3, offbeat: 0.4, loudness: 80 });
    expect(phraseTraits([], 2)).toBeNull();
  });
});

describe('measureSliderCharacters', () => {
  const Z = 6;
  const unit = (i: number): Float32Array => Float32Array.from({ length: Z }, (_, j) => (j === i ? 1 : 0));
  const space: LatentSpace = { mean: new Float32Array(Z), directions: [0, 1, 2, 3, 4].map(unit), spreads: [1, 1, 1, 1, 1], explained: [0.4, 0.3, 0.15, 0.1, 0.05] };
  // Starting latents: various places on the sliders, and something outside them (index 5).
  const starts = [-1, -0.5, 0, 0.5, 1.5].map((s, k) => Float32Array.from([s, -s, 0.3 * k, 0, 0, k]));

  /**
   * The decoder of the file comment: four notes a bar plus one for each spread along slider 1;
   * along slider 5, the first start (z[5] = 0) gains 1.5 notes a bar a spread, the others two notes
   * at odd positions only; pitch 64 − 3·(slider 2) + 4·(1 − |slider 4|).
   */
  function decodeNotes(latents: Float32Array[]): PartNote[][] {
    return latents.map((z) => {
      const fifth = z[5] === 0 ? 3 * z[4]! : Math.abs(Math.round(z[4]!)) % 2 === 1 ? 2 : 0;
      const count = Math.max(2, Math.round(8 + 2 * z[0]! + fifth));
      const pitch = Math.round(64 - 3 * z[1]! + 4 * (1 - Math.abs(z[3]!)) + 0.2 * z[2]!);
      return Array.from({ length: count }, (_, i) => note(pitch + (i % 2), i * 0.5));
    });
  }

  it('names the trait that moves most along each slider, which way, and how steadily; leaves faint ones unnamed', () => {
    const decoded: Float32Array[][] = [];
    const characters = measureSliderCharacters(
      space,
      starts,
      (latents) => {
        decoded.push(latents);
        return decodeNotes(latents);
      },
      2,
    );
    expect(characters).toHaveLength(5);
    // Each slider is swept over −2..2 from each start, the others where the start sits.
    expect(decoded).toHaveLength(5);
    expect(decoded[0]!.slice(0, 5).map((z) => z[0])).toEqual([-2, -1, 0, 1, 2]);
    expect(decoded[0]!.slice(0, 5).every((z) => z[1] === 1 && z[5] === 0)).toBe(true);

    const [more, lower, faint, bump, carried] = characters;
    expect(more).toMatchObject({ trait: 'notes', rises: true, low: 2, high: 6, steady: 5, phrases: 5 });
    expect(more!.effect).toBeGreaterThan(MIN_EFFECT);
    expect(lower).toMatchObject({ trait: 'pitch', rises: false, steady: 5, phrases: 5 });
    expect(lower!.high - lower!.low).toBeCloseTo(-12, 0);
    // 0.2 of a semitone a spread: under MIN_EFFECT of the pitch's spread.
    expect(faint).toBeNull();
    // Up then back: no way to name it (the slope over the sweep is 0).
    expect(bump).toBeNull();
    // A mean carried by one phrase of five: the others go back and forth, so it is not named.
    expect(carried).toBeNull();
  });

  it('skips sweeps with a silent decode and refuses no starts', () => {
    const silentAtTop = (latents: Float32Array[]): PartNote[][] => decodeNotes(latents).map((notes, i) => (latents[i]![0]! >= 2 ? [] : notes));
    const [more] = measureSliderCharacters(space, starts, silentAtTop, 2);
    // Slider 1's sweeps all reach +2, where nothing is decoded: none is whole.
    expect(more).toBeNull();
    expect(() => measureSliderCharacters(space, [], decodeNotes, 2)).toThrow('at least one phrase');
  });

  it('spreads its picks over the list', () => {
    expect(spreadEvenly([1, 2, 3], 8)).toEqual([1, 2, 3]);
    expect(spreadEvenly(Array.from({ length: 100 }, (_, i) => i), 4)).toEqual([12, 37, 62, 87]);
  });
});

describe('the words at a slider’s ends', () => {
  it('puts the less at the left when the trait rises, and the more when it falls', () => {
    const busier = { trait: 'notes' as const, rises: true, low: 3.1, high: 5.4, effect: 1.2, steady: 7, phrases: 8 };
    expect(sliderEnds(busier)).toEqual({ left: 'Sparser', right: 'Busier' });
    expect(sliderEnds({ ...busier, trait: 'pitch', rises: false, low: 64, high: 60 })).toEqual({ left: 'Higher', right: 'Lower' });
    expect(sliderEnds(null)).toBeNull();
    expect(sliderMeasureText(busier)).toBe('notes a bar 3.1 at −2, 5.4 at +2; one way for 7 of 8 phrases');
    expect(TRAIT_WORDS.pitch.format(60)).toBe('C4');
    expect(TRAIT_WORDS.pitch.format(70.4)).toBe('B♭4');
    expect(TRAIT_WORDS.offbeat.format(0.314)).toBe('31%');
    expect(sliderEnds({ ...busier, trait: 'loudness', rises: true, low: 81, high: 90 })).toEqual({ left: 'Softer', right: 'Louder' });
  });
});
