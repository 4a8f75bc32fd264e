/**
 * The long-term log-frequency spectrum (for pictures) and the one-pass feature bundle: a sine's
 * level and place on the log axis, white noise flat, and every feature on one frame grid.
 */
import { extractFeatures } from '../../../../../src-main/services/metrics/features/extract.js';
import { logSpectrum } from '../../../../../src-main/services/metrics/features/log-spectrum.js';
import { melSpectrogram } from '../../../../../src-main/services/metrics/features/mel.js';
import { mfcc } from '../../../../../src-main/services/metrics/features/mfcc.js';
import { pitchTrack } from '../../../../../src-main/services/metrics/features/pitch.js';
import { sine, whiteNoise } from '../../../../fixtures/audio-fixtures.js';

const rate = 16000;

describe('logSpectrum', () => {
  it('shows a 1 kHz sine of amplitude ½ at −6 dB on a log-spaced axis from 20 Hz to Nyquist', () => {
    const { frequencies, db } = logSpectrum(sine(1000, 2, rate, 0.5)[0]!, rate);
    expect(frequencies.length).toBe(512);
    expect(frequencies[0]).toBeCloseTo(20, 9);
    expect(frequencies[511]).toBeCloseTo(8000, 6);
    expect(frequencies[200]! / frequencies[199]!).toBeCloseTo(frequencies[400]! / frequencies[399]!, 9);
    const peak = db.indexOf(Math.max(...db));
    expect(Math.abs(frequencies[peak]! - 1000)).toBeLessThan(20);
    // The band around 1 kHz averages a few bins, so the peak reads a little under the sine's level.
    expect(db[peak]).toBeLessThanOrEqual(20 * Math.log10(0.5) + 0.01);
    expect(db[peak]).toBeGreaterThan(20 * Math.log10(0.5) - 6);
    expect(db[0]).toBeLessThan(-60); // 20 Hz: only the splash of the tone starting and stopping
  });

  it('is flat for white noise: every point above 100 Hz within 3 dB of the median', () => {
    const { frequencies, db } = logSpectrum(whiteNoise(10, rate, 0.5, 1, 5)[0]!, rate);
    const values = Array.from(db).filter((_, i) => frequencies[i]! > 100 && frequencies[i]! < 7900);
    const median = [...values].sort((a, b) => a - b)[values.length >> 1]!;
    for (const value of values) expect(Math.abs(value - median)).toBeLessThan(3);
  });
});

describe('extractFeatures', () => {
  it('gives every feature the same frames and the same values as the features computed alone', () => {
    const x = whiteNoise(3, rate, 0.3, 1, 9)[0]!.map((v, i) => v + 0.5 * Math.sin((2 * Math.PI * 330 * i) / rate));
    const features = extractFeatures(x, rate);
    const frames = 1 + Math.floor(x.length / 512);
    expect(features.frames).toBe(frames);
    for (const feature of [features.mel, features.mfcc, features.chroma, features.onset, features.pitch]) {
      expect(feature.frames).toBe(frames);
      expect(feature.secondsPerFrame).toBeCloseTo(512 / rate, 12);
    }
    expect(features.mel.db).toEqual(melSpectrogram(x, rate).db);
    expect(features.mfcc.data).toEqual(mfcc(x, rate).data);
    expect(features.pitch.f0).toEqual(pitchTrack(x, rate).f0);
  });
});
