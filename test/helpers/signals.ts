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

/**
 * The 44-byte header of a 16-bit mono WAV whose data chunk declares `frames` (no samples follow:
 * for tests of what is refused from the header alone).
 */
export function wavHeader(frames: number, rate = 44_100): Uint8Array {
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  header.set(new TextEncoder().encode('RIFF'), 0);
  view.setUint32(4, 36 + frames * 2, true);
  header.set(new TextEncoder().encode('WAVEfmt '), 8);
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  header.set(new TextEncoder().encode('data'), 36);
  view.setUint32(40, frames * 2, true);
  return header;
}
