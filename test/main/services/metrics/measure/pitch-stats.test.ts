/**
 * The pitch metrics (docs/metrics.md §3): on hand-made pitch tracks with known answers, and end to end on a
 * pure tone (one pitch, zero entropy) and on white noise (nothing voiced) through summarise().
 */
import { midiNote, pitchStats } from '../../../../../src-main/services/metrics/measure/pitch-stats.js';
import { summarise } from '../../../../../src-main/services/metrics/measure/summary.js';
import { noiseAt, RATE, tone } from './demo-audio.js';

describe('pitchStats', () => {
  it('rounds to MIDI notes: A4 = 69, C4 = 60, clamped to 0…127', () => {
    expect(midiNote(440)).toBe(69);
    expect(midiNote(261.63)).toBe(60);
    expect(midiNote(452)).toBe(69);
    expect(midiNote(1)).toBe(0);
    expect(midiNote(1e6)).toBe(127);
  });

  it('gives one pitch and zero entropy for a steady note', () => {
    const stats = pitchStats(Float32Array.from([440, 441, 439.5, 440, 0, 440]));
    expect(stats).toEqual({ distinctPitches: 1, entropyBits: 0, rangeHz: expect.closeTo(1.5, 3), voicedFraction: 5 / 6 });
  });

  it('gives 1 bit for two notes held equally long and 2 bits for four', () => {
    expect(pitchStats(Float32Array.from([220, 220, 440, 440])).entropyBits).toBeCloseTo(1, 12);
    const four = pitchStats(Float32Array.from([220, 220, 247, 247, 262, 262, 294, 294]));
    expect(four.distinctPitches).toBe(4);
    expect(four.entropyBits).toBeCloseTo(2, 12);
    expect(four.rangeHz).toBeCloseTo(74, 6);
  });

  it('ignores a note seen in one frame only (a tracking glitch) but keeps it in the range', () => {
    const stats = pitchStats(Float32Array.from([440, 440, 440, 880]));
    expect(stats.distinctPitches).toBe(1);
    expect(stats.entropyBits).toBe(0);
    expect(stats.rangeHz).toBeCloseTo(440, 6);
  });

  it('is all zeros for an unvoiced track and for no frames', () => {
    expect(pitchStats(new Float32Array(10))).toEqual({ distinctPitches: 0, entropyBits: 0, rangeHz: 0, voicedFraction: 0 });
    expect(pitchStats(new Float32Array(0))).toEqual({ distinctPitches: 0, entropyBits: 0, rangeHz: 0, voicedFraction: 0 });
  });
});

describe('pitch metrics of audio', () => {
  it('a pure 440 Hz tone has one distinct pitch and zero entropy', () => {
    const { pitch } = summarise(tone(440, 4), RATE);
    expect(pitch.distinctPitches).toBe(1);
    expect(pitch.entropyBits).toBe(0);
    expect(pitch.voicedFraction).toBeGreaterThan(0.95);
    expect(pitch.rangeHz).toBeLessThan(5);
  });

  it('white noise has no pitch', () => {
    const { pitch } = summarise(noiseAt(4, 0.1), RATE);
    expect(pitch).toEqual({ distinctPitches: 0, entropyBits: 0, rangeHz: 0, voicedFraction: 0 });
  });
});
