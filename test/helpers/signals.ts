/**
 * Deterministic test signals and a WAV encoder shortcut, for tests that need real audio but
 * not a particular container (the format-by-format fixtures live in test/fixtures).
 */
import { encodeWav } from '../../src-main/services/audio/wav.js';
import { mulberry32 } from '../fixtures/audio-fixtures.js';

/** A sine plus a little seeded noise, (C, T) channels-first. */
export function toneWithNoise(options: {
  seconds: number;
  sampleRate: number;
  channels?: number;
  frequency?: number;
  amplitude?: number;
  seed?: number;
}): Float32Array[] {
  const { seconds, sampleRate, channels = 2, frequency = 440, amplitude = 0.5, seed = 1 } = options;
  const random = mulberry32(seed);
  const frames = Math.round(seconds * sampleRate);
  return Array.from({ length: channels }, (_, c) => {
    const data = new Float32Array(frames);
    for (let t = 0; t < frames; t++) {
      data[t] = amplitude * Math.sin((2 * Math.PI * frequency * (1 + c * 0.01) * t) / sampleRate) + 0.05 * (random() * 2 - 1);
    }
    return data;
  });
}

/** A 16-bit WAV of {@link toneWithNoise}. */
export function wavBytes(options: Parameters<typeof toneWithNoise>[0] & { bitDepth?: 16 | 24 | 32 }): Uint8Array {
  return encodeWav(
    { sampleRate: options.sampleRate, channels: toneWithNoise(options) },
    { bitDepth: options.bitDepth ?? 16 },
  );
}
