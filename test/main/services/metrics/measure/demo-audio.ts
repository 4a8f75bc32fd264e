/**
 * Test audio for the metrics: the bundled demo song ("Night Drive", resources/demo) decoded
 * with the app's own decoder, mixed to mono and resampled to 16 kHz, cut into the training clip
 * `eureka demo` uses (0:04–0:12) and held-out stretches; and white noise at the music's level.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeAudio } from '../../../../../src-main/services/audio/decode.js';
import { mixToMono, resample } from '../../../../../src-main/services/audio/resample.js';
import { mulberry32 } from '../../../../fixtures/audio-fixtures.js';

export const RATE = 16000;

/** The demo song, mono at 16 kHz (32 s). */
export async function loadDemoSong(): Promise<Float32Array> {
  const file = path.resolve('resources/demo/eureka-demo.flac');
  const audio = await decodeAudio(new Uint8Array(await readFile(file)), 'eureka-demo.flac');
  return resample(mixToMono(audio.channels), audio.sampleRate, RATE);
}

/** Seconds [from, to) of a 16 kHz signal. */
export function cut(signal: Float32Array, from: number, to: number): Float32Array {
  return signal.slice(Math.round(from * RATE), Math.round(to * RATE));
}

export function rms(x: Float32Array): number {
  let sum = 0;
  for (const value of x) sum += value * value;
  return Math.sqrt(sum / x.length);
}

/** Seeded uniform white noise of `seconds` at 16 kHz with the given RMS level. */
export function noiseAt(seconds: number, level: number, seed = 11): Float32Array {
  const random = mulberry32(seed);
  // Uniform noise in [−a, a) has RMS a/√3.
  const amplitude = level * Math.sqrt(3);
  return Float32Array.from({ length: Math.round(seconds * RATE) }, () => amplitude * (2 * random() - 1));
}

/** A pure sine of `hz` at 16 kHz. */
export function tone(hz: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * RATE) }, (_, t) => amplitude * Math.sin((2 * Math.PI * hz * t) / RATE));
}
