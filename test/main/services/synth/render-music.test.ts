/**
 * The General MIDI synth with the real SoundFont (GeneralUser GS through spessasynth_core): notes
 * sound at their pitch, where the tempo map puts them, drums as drums, softer when played
 * softer, bent when bent, and the same music renders to the same samples.
 */
import { AppError } from '../../../../src-main/common/errors.js';
import type { PartMusic, PartNote } from '../../../../src-main/common/midi.js';
import { secondsAtBeats } from '../../../../src-main/common/tempo-map.js';
import { fftInPlace } from '../../../../src-main/services/audio/fft.js';
import { renderMusic } from '../../../../src-main/services/synth/render-music.js';

const RATE = 44_100;

function music(notes: PartNote[], extra: Partial<PartMusic> = {}): PartMusic {
  return {
    program: 0,
    channel: 0,
    notes,
    bends: [],
    tempoMap: [{ beats: 0, bpm: 120 }],
    meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
    ...extra,
  };
}

const note = (pitch: number, startBeats: number, durationBeats: number, velocity = 100): PartNote => ({ pitch, startBeats, durationBeats, velocity });

/** The power spectrum of `length` samples from `start` (Hann window, zero-padded to `size`). */
function powerSpectrum(samples: Float32Array, start: number, length: number, size = 1 << 17): Float64Array {
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < length; i++) re[i] = samples[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length));
  fftInPlace(re, im);
  const power = new Float64Array(size / 2);
  for (let k = 0; k < power.length; k++) power[k] = re[k]! ** 2 + im[k]! ** 2;
  return power;
}

/** The strongest frequency in Hz between `low` and `high`, refined by a parabola through its bin and neighbours. */
function peakHz(samples: Float32Array, start: number, length: number, low = 50, high = 5_000): number {
  const size = 1 << 17;
  const power = powerSpectrum(samples, start, length, size);
  const binHz = RATE / size;
  let best = Math.ceil(low / binHz);
  for (let k = best; k <= high / binHz; k++) if (power[k]! > power[best]!) best = k;
  const [a, b, c] = [Math.log(power[best - 1]!), Math.log(power[best]!), Math.log(power[best + 1]!)];
  return (best + (0.5 * (a - c)) / (a - 2 * b + c)) * binHz;
}

/** Spectral flatness (geometric over arithmetic mean of the power) from 100 Hz to 8 kHz: near 0 for a pitched tone, higher for noise. */
function flatness(samples: Float32Array, start: number, length: number): number {
  const size = 1 << 15;
  const power = powerSpectrum(samples, start, length, size);
  const binHz = RATE / size;
  let logSum = 0;
  let sum = 0;
  let count = 0;
  for (let k = Math.ceil(100 / binHz); k <= 8_000 / binHz; k++) {
    logSum += Math.log(power[k]! + 1e-20);
    sum += power[k]!;
    count++;
  }
  return Math.exp(logSum / count) / (sum / count);
}

function rms(samples: Float32Array, start = 0, end = samples.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += samples[i]! ** 2;
  return Math.sqrt(sum / (end - start));
}

/** The first frame louder than −60 dBFS. */
function firstSound(samples: Float32Array): number {
  return samples.findIndex((value) => Math.abs(value) > 1e-3);
}

describe('renderMusic', () => {
  it('plays an A4 on the piano at 440 Hz', () => {
    const { channels, sampleRate } = renderMusic(music([note(69, 0, 3)]));
    expect(sampleRate).toBe(RATE);
    expect(Math.abs(peakHz(channels[0], Math.round(0.1 * RATE), 1 << 15) - 440)).toBeLessThan(2);
  }, 30_000);

  it('is silent before the first onset and ends with the tail', () => {
    const { channels } = renderMusic(music([note(60, 2, 1)]), { tailSeconds: 1.5 });
    const [left, right] = channels;
    // Beat 2 at 120 BPM is 1 s; the note ends at 1.5 s; the tail takes it to 3 s.
    expect(left).toHaveLength(3 * RATE);
    expect(left.subarray(0, RATE).every((value) => value === 0) && right.subarray(0, RATE).every((value) => value === 0)).toBe(true);
    const during = rms(left, RATE, Math.round(1.5 * RATE));
    expect(during).toBeGreaterThan(0.01);
    // The release dies away in the tail and the very end fades to nothing.
    expect(rms(left, Math.round(2.8 * RATE))).toBeLessThan(during / 30);
    expect(left.at(-1)).toBe(0);
    expect(right.at(-1)).toBe(0);
  }, 30_000);

  it('places an onset at its tempo-map second', () => {
    const steady = renderMusic(music([note(72, 4, 1)])).channels[0];
    expect(Math.abs(firstSound(steady) / RATE - 2)).toBeLessThan(0.01);

    // 120 BPM for two beats (1 s), then 60 BPM: beat 4 is at 3 s.
    const tempoMap = [
      { beats: 0, bpm: 120 },
      { beats: 2, bpm: 60 },
    ];
    expect(secondsAtBeats(tempoMap, 4)).toBe(3);
    const changed = renderMusic(music([note(72, 4, 1)], { tempoMap })).channels[0];
    expect(Math.abs(firstSound(changed) / RATE - 3)).toBeLessThan(0.01);
    // The note lasts one beat at 60 BPM and the tail 2 s: 3 + 1 + 2.
    expect(changed).toHaveLength(6 * RATE);
  }, 30_000);

  it('plays the drum kit on channel 9, not a pitched instrument', () => {
    const snare = renderMusic(music([note(38, 0, 1)], { channel: 9 })).channels[0];
    const piano = renderMusic(music([note(38, 0, 1)])).channels[0];
    const window = Math.round(0.1 * RATE);
    expect(rms(snare, 0, window)).toBeGreaterThan(0.01);
    // A snare is broadband noise; the piano's D2 is a row of harmonics with silence between.
    expect(flatness(snare, 0, window)).toBeGreaterThan(20 * flatness(piano, 0, window));
  }, 30_000);

  it('plays velocity 30 quieter than velocity 110', () => {
    const soft = renderMusic(music([note(60, 0, 2, 30)])).channels[0];
    const loud = renderMusic(music([note(60, 0, 2, 110)])).channels[0];
    expect(rms(loud, 0, RATE)).toBeGreaterThan(2 * rms(soft, 0, RATE));
  }, 30_000);

  it('bends the pitch by the bend range, two semitones', () => {
    const bent = renderMusic(music([note(69, 0, 3)], { bends: [{ beats: 0, value: 1 }] })).channels[0];
    expect(Math.abs(peakHz(bent, Math.round(0.1 * RATE), 1 << 15) - 440 * 2 ** (2 / 12))).toBeLessThan(2);
    // A bend back to rest halfway: the second half is an A again.
    const back = renderMusic(music([note(69, 0, 6)], { bends: [{ beats: 0, value: 1 }, { beats: 3, value: 0 }] })).channels[0];
    expect(Math.abs(peakHz(back, Math.round(1.6 * RATE), 1 << 15) - 440)).toBeLessThan(2);
  }, 30_000);

  it('renders the same music to the same samples', () => {
    const part = music([note(60, 0, 1, 90), note(64, 0.5, 1, 70), note(67, 1, 2, 110), note(36, 1.5, 0.25, 64)], {
      program: 33,
      bends: [{ beats: 0.75, value: -0.5 }, { beats: 1.25, value: 0 }],
    });
    const a = renderMusic(part);
    const b = renderMusic(part);
    for (const c of [0, 1] as const) {
      expect(Buffer.from(a.channels[c].buffer).equals(Buffer.from(b.channels[c].buffer))).toBe(true);
    }
    // Not silence: the comparison above compares sound.
    expect(rms(a.channels[0])).toBeGreaterThan(0.01);
  }, 30_000);

  it('renders a window: a note sounding at fromBeats starts at 0 s, notes are released at toBeats', () => {
    const part = music([note(60, 0, 8), note(67, 10, 1)]);
    const { channels } = renderMusic(part, { fromBeats: 4, toBeats: 6, tailSeconds: 0.5 });
    // Beats 4..6 at 120 BPM is 1 s, then the tail.
    expect(channels[0]).toHaveLength(1.5 * RATE);
    expect(firstSound(channels[0])).toBeLessThan(0.005 * RATE);
    expect(rms(channels[0], 0, RATE)).toBeGreaterThan(0.01);
  }, 30_000);

  it('refuses impossible options with a one-line error', () => {
    const part = music([note(60, 0, 1)]);
    expect(() => renderMusic(part, { sampleRate: 100 })).toThrow(new AppError('INVALID_INPUT', 'the synth renders at 8000 to 192000 Hz, not 100'));
    expect(() => renderMusic(part, { fromBeats: 4, toBeats: 2 })).toThrow('cannot render from beat 4 to beat 2');
    expect(() => renderMusic(part, { tailSeconds: -1 })).toThrow('a release tail is 0 to 30 s, not -1');
    expect(() => renderMusic(music([note(60, 0, 40_000)], { tempoMap: [{ beats: 0, bpm: 20 }] }))).toThrow(/the synth renders at most 30/);
  }, 30_000);
});
