/**
 * The tempo estimate on click tracks at known tempi (seeded, synthetic): each click a 10 ms
 * decaying 1 kHz burst, a quiet noise floor underneath. Checks the tempo within half a BPM over
 * the whole 60–180 range and at two sample rates, that accented bars and off-beat hi-hats do
 * not move it an octave the wrong way, and that noise, a drone and short clips give null; then
 * the beat grid: the refined tempo within 0.05 BPM and the first downbeat within 10 ms (two
 * envelope frames) of an accented click track's, wherever its first bar starts.
 */
import { estimateBeatGrid, estimateTempo, MIN_TEMPO_SECONDS } from '../../../../../src-main/services/audio/analysis/tempo.js';
import { sine, whiteNoise } from '../../../../fixtures/audio-fixtures.js';

function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

/** Clicks at `bpm` from `offset` seconds; `gain(beat)` scales each (accents). */
function clickTrack(options: {
  bpm: number;
  seconds: number;
  sampleRate: number;
  offset?: number;
  gain?: (beat: number) => number;
  frequency?: number;
  floor?: number;
}): Float32Array {
  const { bpm, seconds, sampleRate } = options;
  const out = new Float32Array(Math.round(seconds * sampleRate));
  const random = noise(11);
  for (let i = 0; i < out.length; i++) out[i] = (options.floor ?? 0.001) * random();
  const period = 60 / bpm;
  for (let beat = 0; ; beat++) {
    const start = Math.round(((options.offset ?? 0.1) + beat * period) * sampleRate);
    if (start >= out.length) break;
    const gain = options.gain?.(beat) ?? 0.5;
    for (let i = 0; i < 0.01 * sampleRate && start + i < out.length; i++) {
      const t = i / sampleRate;
      out[start + i]! += gain * Math.exp(-t / 0.002) * Math.sin(2 * Math.PI * (options.frequency ?? 1000) * t);
    }
  }
  return out;
}

function mix(...tracks: Float32Array[]): Float32Array {
  const out = new Float32Array(tracks[0]!.length);
  for (const track of tracks) for (let i = 0; i < out.length; i++) out[i]! += track[i]!;
  return out;
}

describe('estimateTempo', () => {
  it.each([60, 75, 90, 97, 120, 128, 140, 155, 174, 180])('finds %d BPM in a click track', (bpm) => {
    const estimate = estimateTempo(clickTrack({ bpm, seconds: 12, sampleRate: 16_000 }), 16_000);
    expect(estimate).not.toBeNull();
    expect(Math.abs(estimate!.bpm - bpm)).toBeLessThanOrEqual(0.5);
    expect(estimate!.confidence).toBeGreaterThan(0.3);
  });

  it('works at 44.1 kHz and does not depend on where the first beat falls', () => {
    for (const offset of [0, 0.137, 0.31]) {
      const estimate = estimateTempo(clickTrack({ bpm: 112, seconds: 10, sampleRate: 44_100, offset }), 44_100);
      expect(estimate?.bpm).toBeCloseTo(112, 0);
    }
  });

  it('keeps the beat when every bar starts with an accent (no halving)', () => {
    const accented = clickTrack({ bpm: 100, seconds: 12, sampleRate: 16_000, gain: (beat) => (beat % 4 === 0 ? 0.9 : 0.3) });
    expect(estimateTempo(accented, 16_000)?.bpm).toBeCloseTo(100, 0);
  });

  it('counts the beat, not the off-beat hi-hat, when the hi-hat is quieter', () => {
    const kick = clickTrack({ bpm: 90, seconds: 12, sampleRate: 16_000, frequency: 120, gain: () => 0.8 });
    const hat = clickTrack({ bpm: 90, seconds: 12, sampleRate: 16_000, frequency: 6000, offset: 0.1 + 60 / 90 / 2, gain: () => 0.1 });
    const estimate = estimateTempo(mix(kick, hat), 16_000);
    // Kick and hi-hat together pulse at 180 BPM too; the louder kick's 90 must win or tie-break
    // to 180, never to 45 or a third: either is a correct reading of the same grid.
    expect([90, 180].some((bpm) => Math.abs(estimate!.bpm - bpm) <= 0.5)).toBe(true);
  });

  it("says null for two tones in noise (the browser tests' bounce), whose envelope peaks at r = 0.16 by chance", () => {
    const rate = 44_100;
    const tones = [sine(220, 10, rate, 0.35)[0]!, sine(330, 10, rate, 0.3)[0]!];
    const hiss = whiteNoise(10, rate, 0.05, 2, 7);
    const mono = Float32Array.from({ length: 10 * rate }, (_, t) => (tones[0]![t]! + hiss[0]![t]! + tones[1]![t]! + hiss[1]![t]!) / 2);
    expect(estimateTempo(mono, rate)).toBeNull();
    expect(estimateBeatGrid(mono, rate)).toBeNull();
  });

  it('says null for noise, a steady tone, silence and clips shorter than a few beats', () => {
    const rate = 16_000;
    const random = noise(5);
    const white = Float32Array.from({ length: 10 * rate }, () => 0.3 * random());
    const tone = Float32Array.from({ length: 10 * rate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 220 * i) / rate));
    expect(estimateTempo(white, rate)).toBeNull();
    expect(estimateTempo(tone, rate)).toBeNull();
    expect(estimateTempo(new Float32Array(10 * rate), rate)).toBeNull();
    const short = clickTrack({ bpm: 120, seconds: MIN_TEMPO_SECONDS - 0.5, sampleRate: rate });
    expect(estimateTempo(short, rate)).toBeNull();
  });
});

describe('estimateBeatGrid', () => {
  const accent = (beat: number): number => (beat % 4 === 0 ? 0.9 : 0.3);

  it.each([0, 0.1, 0.9, 2.2])('finds 96 BPM and the downbeat of a click track whose first bar starts at %s s', (offset) => {
    const rate = 44_100;
    // Beats before `offset` in the track start a bar earlier: the first downbeat is at offset mod bar.
    const bar = (4 * 60) / 96;
    const grid = estimateBeatGrid(clickTrack({ bpm: 96, seconds: 30, sampleRate: rate, offset, gain: accent }), rate, 4);
    expect(grid).not.toBeNull();
    expect(Math.abs(grid!.bpm - 96)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(grid!.downbeatSeconds - (offset % bar))).toBeLessThanOrEqual(0.01);
  });

  it('pins a fractional tempo far closer than the autocorrelation alone', () => {
    const rate = 22_050;
    const grid = estimateBeatGrid(clickTrack({ bpm: 123.4, seconds: 60, sampleRate: rate, offset: 0.25, gain: accent }), rate, 4);
    expect(Math.abs(grid!.bpm - 123.4)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(grid!.downbeatSeconds - 0.25)).toBeLessThanOrEqual(0.01);
  });

  it('puts the downbeat on the accent in 3/4 as well', () => {
    const rate = 16_000;
    const grid = estimateBeatGrid(
      clickTrack({ bpm: 90, seconds: 20, sampleRate: rate, offset: 0.5, gain: (beat) => (beat % 3 === 0 ? 0.9 : 0.3) }),
      rate,
      3,
    );
    expect(Math.abs(grid!.downbeatSeconds - 0.5)).toBeLessThanOrEqual(0.01);
  });

  it('says null where estimateTempo does', () => {
    const rate = 16_000;
    const random = noise(9);
    expect(estimateBeatGrid(Float32Array.from({ length: 10 * rate }, () => 0.3 * random()), rate)).toBeNull();
  });
});
