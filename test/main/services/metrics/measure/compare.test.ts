/**
 * compare() on known answers: identical audio is 0 apart in every distance; a 1 dB gain change
 * is 1 dB of spectral distance; the comparison is symmetric; and on the demo song, another
 * passage of the song is closer to its training clip than white noise at the same level, in
 * all three distances (against the clip and against held-out audio).
 */
import { compare, spectralDistance } from '../../../../../src-main/services/metrics/measure/compare.js';
import { summarise, type FeatureSummary } from '../../../../../src-main/services/metrics/measure/summary.js';
import { cut, loadDemoSong, noiseAt, RATE, rms } from './demo-audio.js';

let source: FeatureSummary;
let heldOut: FeatureSummary;
let otherPassage: FeatureSummary;
let noise: FeatureSummary;
let sourceSamples: Float32Array;

beforeAll(async () => {
  const song = await loadDemoSong();
  sourceSamples = cut(song, 4, 12);
  source = summarise(sourceSamples, RATE);
  heldOut = summarise(cut(song, 14, 24), RATE);
  const passage = cut(song, 24, 32);
  otherPassage = summarise(passage, RATE);
  noise = summarise(noiseAt(8, rms(passage)), RATE);
});

describe('compare', () => {
  it('gives 0 for identical audio', () => {
    const again = summarise(sourceSamples.slice(), RATE);
    const comparison = compare(again, source);
    expect(comparison.spectralDistance).toBe(0);
    expect(comparison.mfccFrechet).toBe(0);
    expect(comparison.mfccKl).toBe(0);
    expect(comparison.pitchEntropyDelta).toBe(0);
  });

  it('reads a 1 dB gain change as 1 dB of spectral distance', () => {
    const louder = summarise(sourceSamples.map((v) => v * 10 ** (1 / 20)), RATE);
    expect(spectralDistance(louder, source)).toBeCloseTo(1, 2);
  });

  it('is symmetric', () => {
    const forth = compare(otherPassage, source);
    const back = compare(source, otherPassage);
    expect(back.mfccKl).toBeCloseTo(forth.mfccKl, 9);
    expect(back.mfccFrechet).toBeCloseTo(forth.mfccFrechet, 6);
    expect(back.spectralDistance).toBeCloseTo(forth.spectralDistance, 9);
    expect(back.pitchEntropyDelta).toBeCloseTo(-forth.pitchEntropyDelta, 12);
  });

  it.each([
    ['the training clip', () => source],
    ['held-out audio', () => heldOut],
  ])('puts real music of the song closer to %s than noise at the same level', (_, reference) => {
    const music = compare(otherPassage, reference());
    const hiss = compare(noise, reference());
    expect(music.spectralDistance).toBeLessThan(hiss.spectralDistance / 3);
    expect(music.mfccFrechet).toBeLessThan(hiss.mfccFrechet / 10);
    expect(music.mfccKl).toBeLessThan(hiss.mfccKl / 10);
  });

  it('refuses audio at different rates', () => {
    const other = summarise(sourceSamples, 22050);
    expect(() => compare(other, source)).toThrow(/22050 Hz with audio at 16000 Hz/);
  });
});
