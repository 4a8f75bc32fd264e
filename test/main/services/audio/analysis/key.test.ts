/**
 * The key estimate on chord progressions rendered from sines (each chord two seconds, its
 * root an octave below, attack and release ramps, a quiet seeded noise floor): A minor's
 * i–VI–iv–V–i with the raised leading tone, the same in C major and in Eb major, and a
 * transposition check (the progression a fifth up reads a fifth up); noise, a click track and
 * silence have no key.
 */
import { chromaProfile, estimateKey } from '../../../../../src-main/services/audio/analysis/key.js';
import { keyName } from '../../../../../src-main/common/musical-time.js';
import { mulberry32 } from '../../../../fixtures/audio-fixtures.js';

const RATE = 22_050;

/** MIDI note → Hz (A4 = 69 = 440 Hz). */
const hz = (midi: number): number => 440 * 2 ** ((midi - 69) / 12);

/** Chords (MIDI notes) of `seconds` each, plus the first note an octave down, as sines. */
function progression(chords: number[][], options: { seconds?: number; transpose?: number } = {}): Float32Array {
  const seconds = options.seconds ?? 2;
  const chordFrames = Math.round(seconds * RATE);
  const out = new Float32Array(chords.length * chordFrames);
  const random = mulberry32(3);
  for (let i = 0; i < out.length; i++) out[i] = 0.002 * (random() * 2 - 1);
  for (const [index, chord] of chords.entries()) {
    const notes = [chord[0]! - 12, ...chord].map((note) => note + (options.transpose ?? 0));
    for (let t = 0; t < chordFrames; t++) {
      const ramp = Math.min(1, t / (0.02 * RATE), (chordFrames - t) / (0.05 * RATE));
      let sum = 0;
      for (const note of notes) sum += Math.sin((2 * Math.PI * hz(note) * t) / RATE);
      out[index * chordFrames + t]! += (0.15 * ramp * sum) / notes.length;
    }
  }
  return out;
}

// A minor: Am – F – Dm – E – Am (harmonic minor's G♯ in the dominant), twice.
const A_MINOR = [
  [57, 60, 64],
  [53, 57, 60],
  [50, 53, 57],
  [52, 56, 59],
  [57, 60, 64],
];
// C major: C – Am – F – G – C, twice.
const C_MAJOR = [
  [48, 52, 55],
  [57, 60, 64],
  [53, 57, 60],
  [55, 59, 62],
  [48, 52, 55],
];

function named(samples: Float32Array): string | null {
  const key = estimateKey(samples, RATE);
  return key && keyName(key.tonic, key.mode);
}

describe('estimateKey', () => {
  it('reads an A minor progression as A minor, not its relative C major', () => {
    const key = estimateKey(progression([...A_MINOR, ...A_MINOR]), RATE);
    expect(key && keyName(key.tonic, key.mode)).toBe('A minor');
    expect(key!.confidence).toBeGreaterThan(0.7);
  });

  it('reads a C major progression as C major, not its relative A minor', () => {
    expect(named(progression([...C_MAJOR, ...C_MAJOR]))).toBe('C major');
  });

  it('follows a transposition: C major up a minor third is Eb major, A minor up a fifth is E minor', () => {
    expect(named(progression([...C_MAJOR, ...C_MAJOR], { transpose: 3 }))).toBe('Eb major');
    expect(named(progression([...A_MINOR, ...A_MINOR], { transpose: 7 }))).toBe('E minor');
  });

  it('puts a pure A into pitch class 9 and nowhere else', () => {
    const a = Float32Array.from({ length: 3 * RATE }, (_, t) => 0.5 * Math.sin((2 * Math.PI * 220 * t) / RATE));
    const chroma = chromaProfile(a, RATE)!;
    const strongest = chroma.indexOf(Math.max(...chroma));
    expect(strongest).toBe(9);
    expect(chroma.filter((value, pc) => pc !== 9 && value > 0.05 * chroma[9]!)).toEqual([]);
  });

  it('finds no key in noise, clicks or silence, nor in audio too short to tell', () => {
    const random = mulberry32(7);
    const noise = Float32Array.from({ length: 10 * RATE }, () => 0.3 * (random() * 2 - 1));
    const clicks = new Float32Array(10 * RATE);
    for (let beat = 0; beat < 16; beat++) clicks[Math.round(beat * 0.6 * RATE)] = 0.9;
    expect(estimateKey(noise, RATE)).toBeNull();
    expect(estimateKey(clicks, RATE)).toBeNull();
    expect(estimateKey(new Float32Array(10 * RATE), RATE)).toBeNull();
    expect(estimateKey(progression(A_MINOR).subarray(0, RATE), RATE)).toBeNull();
  });
});
