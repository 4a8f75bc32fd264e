/**
 * The quality harness's measures on signals whose answer is known (test/bench/quality): the
 * detector cannot tell two stretches of one noise apart and always tells noise from a sine; a
 * low-passed copy reads as muffled above its cutoff only; a take with 3 s of the clip pasted in
 * shows a 3 s copy; an inserted 300 ms silence is one dropout and a click one join, where the
 * clean take has neither. Fixed seeds, so every run sees the same audio.
 */
import { describe, expect, it } from '@jest/globals';
import { detectorAuc, rocAuc } from '../../bench/quality/detector.js';
import { dropouts, eventReference, joins } from '../../bench/quality/level-events.js';
import { MEASURE_RATE, measureSet, OCTAVE_BANDS } from '../../bench/quality/measures.js';
import { resample } from '../../../src-main/services/audio/resample.js';

const RATE = MEASURE_RATE;

/** A seeded uniform generator on [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function noise(seconds: number, seed: number, amplitude = 0.1): Float32Array {
  const next = random(seed);
  return Float32Array.from({ length: Math.round(seconds * RATE) }, () => amplitude * (2 * next() - 1));
}

/**
 * Music-like material: every 125 ms a new chord of three random tones, each faded in and out
 * over 10 ms (as played notes are: no click at the change), over quiet noise.
 */
function chords(seconds: number, seed: number): Float32Array {
  const next = random(seed);
  const x = new Float32Array(Math.round(seconds * RATE));
  const segment = RATE / 8;
  const fade = RATE / 100;
  for (let start = 0; start < x.length; start += segment) {
    const tones = [0, 1, 2].map(() => 110 * 2 ** (next() * 5));
    for (let i = start; i < Math.min(x.length, start + segment); i++) {
      const t = i / RATE;
      const envelope = Math.min(1, (i - start) / fade, (start + segment - i) / fade);
      x[i] = tones.reduce((sum, hz) => sum + 0.1 * envelope * Math.sin(2 * Math.PI * hz * t), 0.01 * (2 * next() - 1));
    }
  }
  return x;
}

const audio = (samples: Float32Array) => ({ samples, sampleRate: RATE });

describe('the classifier two-sample test', () => {
  it('computes the ROC AUC as the Mann–Whitney statistic, ties counted half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(rocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0.5, 12);
  });

  it('cannot tell two stretches of the same stationary noise apart (AUC near 0.5)', () => {
    // 30 s each: with a 10 s clip (20 windows) the AUC of no difference spreads ±0.1 (one SD).
    const whole = noise(90, 1);
    const clip = whole.subarray(0, 30 * RATE);
    const takes = [whole.subarray(30 * RATE, 60 * RATE), whole.subarray(60 * RATE)];
    expect(Math.abs(detectorAuc(clip, takes, RATE).auc - 0.5)).toBeLessThan(0.15);
  });

  it('always tells noise from a sine (AUC near 1)', () => {
    const sine = Float32Array.from({ length: 10 * RATE }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 440 * i) / RATE));
    expect(detectorAuc(noise(10, 2), [sine], RATE).auc).toBeGreaterThan(0.95);
  });
});

describe('the set measures', () => {
  it('shows a low-passed copy as muffled above its cutoff and unchanged below', async () => {
    const clip = noise(10, 3);
    const muffled = await resample(await resample(clip, RATE, 4000), 4000, RATE); // 2 kHz low-pass
    const { summary } = measureSet('low-pass', audio(clip), [{ name: 'muffled', audio: audio(muffled) }]);
    OCTAVE_BANDS.forEach(([low, high], band) => {
      if (low >= 2000) expect(summary.bandDeltaDb[band]).toBeLessThan(-30);
      if (high <= 1000) expect(summary.bandDeltaDb[band]).toBeGreaterThan(-1);
    });
    expect(summary.worstBandDb).toBeGreaterThan(30);
  });

  it('reads a copied take as its copied length, and fresh material as no copy', () => {
    const clip = chords(10, 4);
    const copied = chords(12, 5);
    copied.set(clip.subarray(4 * RATE, 7 * RATE), 5 * RATE);
    const { takes } = measureSet('copy', audio(clip), [
      { name: 'copied', audio: audio(copied) },
      { name: 'fresh', audio: audio(chords(12, 6)) },
    ]);
    expect(takes[0]!.copiedSeconds).toBeGreaterThan(2.7);
    expect(takes[0]!.copiedSeconds).toBeLessThan(3.4);
    expect(takes[1]!.copiedSeconds).toBeLessThan(1);
  });
});

describe('dropouts and joins', () => {
  const clip = chords(10, 7);
  const reference = eventReference(clip, RATE);

  it('finds an inserted 300 ms silence as one dropout where it is, and none in the clean take', () => {
    const clean = chords(10, 8);
    const gapped = new Float32Array(clean.length + 0.3 * RATE);
    gapped.set(clean.subarray(0, 5 * RATE));
    gapped.set(clean.subarray(5 * RATE), 5.3 * RATE);
    expect(dropouts(clean, RATE, reference)).toEqual([]);
    const found = dropouts(gapped, RATE, reference);
    expect(found).toHaveLength(1);
    expect(found[0]!.start).toBeGreaterThan(4.9);
    expect(found[0]!.end).toBeLessThan(5.5);
  });

  it('finds a click as one join, and none in the clean take', () => {
    const clean = chords(10, 9);
    const clicked = clean.slice();
    clicked[Math.round(6.02 * RATE)] = 1;
    expect(joins(clean, RATE, reference)).toEqual([]);
    const found = joins(clicked, RATE, reference);
    expect(found).toHaveLength(1);
    expect(found[0]!.start).toBeGreaterThan(5.9);
    expect(found[0]!.end).toBeLessThan(6.1);
  });
});
