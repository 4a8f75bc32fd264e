/**
 * Chroma and onset strength on signals with known answers: a tone's pitch class, silence, and
 * a click track whose onsets must peak on the clicks' frames.
 */
import { chroma, PITCH_CLASSES } from '../../../../../src-main/services/metrics/features/chroma.js';
import { onsetStrength } from '../../../../../src-main/services/metrics/features/onset.js';
import { silence, sine } from '../../../../fixtures/audio-fixtures.js';

const rate = 16000;

function strongestClass(x: Float32Array): number[] {
  const c = chroma(x, rate);
  const winners: number[] = [];
  for (let t = 2; t < c.frames - 2; t++) {
    const row = Array.from(c.data.subarray(t * PITCH_CLASSES, (t + 1) * PITCH_CLASSES));
    winners.push(row.indexOf(Math.max(...row)));
  }
  return winners;
}

describe('chroma', () => {
  it('puts A 440 Hz at class 9 and middle C at class 0 in every frame, scaled to 1', () => {
    expect(new Set(strongestClass(sine(440, 1, rate, 0.5)[0]!))).toEqual(new Set([9]));
    expect(new Set(strongestClass(sine(261.63, 1, rate, 0.5)[0]!))).toEqual(new Set([0]));
    expect(new Set(strongestClass(sine(110, 1, rate, 0.5)[0]!))).toEqual(new Set([9])); // A2, 5 Hz per semitone
    const c = chroma(sine(440, 1, rate, 0.5)[0]!, rate);
    expect(c.data[10 * PITCH_CLASSES + 9]).toBe(1);
    expect(c.data[10 * PITCH_CLASSES + 3]).toBeLessThan(0.1); // the tritone away
  });

  it('leaves silent frames at 0', () => {
    const c = chroma(silence(1, rate)[0]!, rate);
    expect(c.frames).toBe(32);
    expect(c.data.every((v) => v === 0)).toBe(true);
  });
});

describe('onsetStrength', () => {
  it('peaks within one frame of every click of a click track, and is flat between them', () => {
    const hop = 512;
    const x = new Float32Array(4 * rate);
    const clickFrames = [12, 40, 71, 100];
    // Each click: 64 samples of a decaying 1 kHz burst starting on its frame's centre.
    for (const frame of clickFrames) {
      for (let i = 0; i < 64; i++) x[frame * hop + i] = Math.exp(-i / 16) * Math.sin((2 * Math.PI * 1000 * i) / rate);
    }
    const onset = onsetStrength(x, rate);
    expect(onset.frames).toBe(1 + Math.floor(x.length / hop));
    const strongest = Math.max(...onset.data);
    const peaks: number[] = [];
    for (let t = 1; t < onset.frames - 1; t++) {
      const v = onset.data[t]!;
      if (v > 0.5 * strongest && v >= onset.data[t - 1]! && v > onset.data[t + 1]!) peaks.push(t);
    }
    expect(peaks.length).toBe(clickFrames.length);
    peaks.forEach((peak, i) => expect(Math.abs(peak - clickFrames[i]!)).toBeLessThanOrEqual(1));
    // Far from any click nothing rises.
    expect(onset.data[25]).toBe(0);
    expect(onset.data[85]).toBe(0);
  });
});
