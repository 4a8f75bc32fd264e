/**
 * What the decode tests share: test content, the lossless cases (one or more per container,
 * written by the independent fixture encoders) and the checks of a one-line AppError.
 */
import { AppError, type ErrorCode } from '../../../../src-main/common/errors.js';
import type { AudioFormat } from '../../../../src-main/services/audio/decode.js';
import {
  encodeAiffFixture,
  encodeCafFixture,
  encodeFlacFixture,
  encodeWavFixture,
  id3v2Tag,
  joinBytes,
  pinkNoise,
  sine,
  type Channels,
} from '../../../fixtures/audio-fixtures.js';

export const SIXTEEN_BIT = 2 / 32768;
export const HIGH_RES = 1e-4;

/** Stereo test content with different channels (a tone left, pink noise right) and an odd length. */
export function stereoSource(rate: number): Channels {
  const frames = Math.round(0.5 * rate) + 7;
  const [left] = sine(440, frames / rate, rate, 0.5, 1) as [Float32Array];
  const [right] = pinkNoise(frames / rate, rate, 0.3, 1, 5) as [Float32Array];
  return [left, right];
}

export function monoSource(rate: number): Channels {
  return sine(1000, 0.25 + 3 / rate, rate, 0.7, 1);
}

export function maxAbsError(actual: Float32Array, expected: Float32Array): number {
  let error = 0;
  for (let t = 0; t < expected.length; t++)
    error = Math.max(error, Math.abs((actual[t] as number) - (expected[t] as number)));
  return error;
}

export async function expectAppError(
  promise: Promise<unknown>,
  code: ErrorCode,
  name: string,
  pattern?: RegExp,
): Promise<AppError> {
  let caught: unknown = null;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  const error = caught as AppError;
  expect(error.code).toBe(code);
  expect(error.message.startsWith(`${name}: `)).toBe(true);
  expect(error.message).not.toContain('\n');
  if (pattern) expect(error.message).toMatch(pattern);
  return error;
}

export interface LosslessCase {
  label: string;
  format: AudioFormat;
  rate: number;
  source: (rate: number) => Channels;
  encode: (channels: Channels, rate: number) => Uint8Array;
  tolerance: number;
}

export const LOSSLESS: LosslessCase[] = [
  {
    label: 'WAV 16-bit stereo',
    format: 'wav',
    rate: 44100,
    source: stereoSource,
    encode: (c, r) => encodeWavFixture(c, r, { bits: 16 }),
    tolerance: SIXTEEN_BIT,
  },
  {
    label: 'WAV 24-bit mono (odd data length, padded)',
    format: 'wav',
    rate: 48000,
    source: monoSource,
    encode: (c, r) => encodeWavFixture(c, r, { bits: 24 }),
    tolerance: HIGH_RES,
  },
  {
    label: 'WAV 32-bit integer stereo',
    format: 'wav',
    rate: 44100,
    source: stereoSource,
    encode: (c, r) => encodeWavFixture(c, r, { bits: 32 }),
    tolerance: HIGH_RES,
  },
  {
    label: 'WAV 32-bit float stereo',
    format: 'wav',
    rate: 48000,
    source: stereoSource,
    encode: (c, r) => encodeWavFixture(c, r, { bits: 32, float: true }),
    tolerance: 0,
  },
  {
    label: 'WAV EXTENSIBLE 24-bit stereo at 96 kHz',
    format: 'wav',
    rate: 96000,
    source: stereoSource,
    encode: (c, r) => encodeWavFixture(c, r, { bits: 24, extensible: true }),
    tolerance: HIGH_RES,
  },
  {
    label: 'WAV EXTENSIBLE 32-bit float',
    format: 'wav',
    rate: 44100,
    source: stereoSource,
    encode: (c, r) => encodeWavFixture(c, r, { bits: 32, float: true, extensible: true }),
    tolerance: 0,
  },
  {
    label: 'RF64 24-bit with an odd-sized LIST chunk',
    format: 'wav',
    rate: 48000,
    source: stereoSource,
    encode: (c, r) => encodeWavFixture(c, r, { bits: 24, rf64: true, oddChunkBeforeData: true }),
    tolerance: HIGH_RES,
  },
  {
    label: 'WAV 16-bit with an odd-sized LIST chunk',
    format: 'wav',
    rate: 44100,
    source: monoSource,
    encode: (c, r) => encodeWavFixture(c, r, { bits: 16, oddChunkBeforeData: true }),
    tolerance: SIXTEEN_BIT,
  },
  {
    label: 'AIFF 16-bit stereo',
    format: 'aiff',
    rate: 44100,
    source: stereoSource,
    encode: (c, r) => encodeAiffFixture(c, r, { bits: 16 }),
    tolerance: SIXTEEN_BIT,
  },
  {
    label: 'AIFF 24-bit mono (odd data length, padded)',
    format: 'aiff',
    rate: 48000,
    source: monoSource,
    encode: (c, r) => encodeAiffFixture(c, r, { bits: 24 }),
    tolerance: HIGH_RES,
  },
  {
    label: 'AIFC NONE 24-bit',
    format: 'aiff',
    rate: 44100,
    source: stereoSource,
    encode: (c, r) => encodeAiffFixture(c, r, { bits: 24, aifc: true }),
    tolerance: HIGH_RES,
  },
  {
    label: 'AIFC sowt 16-bit (Logic)',
    format: 'aiff',
    rate: 44100,
    source: stereoSource,
    encode: (c, r) => encodeAiffFixture(c, r, { bits: 16, compression: 'sowt' }),
    tolerance: SIXTEEN_BIT,
  },
  {
    label: 'AIFC sowt 24-bit',
    format: 'aiff',
    rate: 48000,
    source: stereoSource,
    encode: (c, r) => encodeAiffFixture(c, r, { bits: 24, compression: 'sowt' }),
    tolerance: HIGH_RES,
  },
  {
    label: 'AIFC fl32',
    format: 'aiff',
    rate: 48000,
    source: stereoSource,
    encode: (c, r) => encodeAiffFixture(c, r, { bits: 32, compression: 'fl32' }),
    tolerance: 0,
  },
  {
    label: 'CAF 16-bit big-endian',
    format: 'caf',
    rate: 44100,
    source: stereoSource,
    encode: (c, r) => encodeCafFixture(c, r, { bits: 16 }),
    tolerance: SIXTEEN_BIT,
  },
  {
    label: 'CAF 24-bit big-endian',
    format: 'caf',
    rate: 48000,
    source: stereoSource,
    encode: (c, r) => encodeCafFixture(c, r, { bits: 24 }),
    tolerance: HIGH_RES,
  },
  {
    label: 'CAF 24-bit little-endian',
    format: 'caf',
    rate: 44100,
    source: monoSource,
    encode: (c, r) => encodeCafFixture(c, r, { bits: 24, littleEndian: true }),
    tolerance: HIGH_RES,
  },
  {
    label: 'CAF 32-bit float big-endian',
    format: 'caf',
    rate: 48000,
    source: stereoSource,
    encode: (c, r) => encodeCafFixture(c, r, { bits: 32, float: true }),
    tolerance: 0,
  },
  {
    label: 'CAF 32-bit float little-endian',
    format: 'caf',
    rate: 44100,
    source: stereoSource,
    encode: (c, r) => encodeCafFixture(c, r, { bits: 32, float: true, littleEndian: true }),
    tolerance: 0,
  },
  {
    label: 'FLAC 16-bit stereo',
    format: 'flac',
    rate: 44100,
    source: stereoSource,
    encode: (c, r) => encodeFlacFixture(c, r, { bits: 16 }),
    tolerance: SIXTEEN_BIT,
  },
  {
    label: 'FLAC 24-bit mono',
    format: 'flac',
    rate: 48000,
    source: monoSource,
    encode: (c, r) => encodeFlacFixture(c, r, { bits: 24 }),
    tolerance: HIGH_RES,
  },
  {
    label: 'FLAC 24-bit stereo at 96 kHz',
    format: 'flac',
    rate: 96000,
    source: stereoSource,
    encode: (c, r) => encodeFlacFixture(c, r, { bits: 24 }),
    tolerance: HIGH_RES,
  },
  {
    label: 'FLAC 16-bit after an ID3v2 tag',
    format: 'flac',
    rate: 44100,
    source: stereoSource,
    encode: (c, r) => joinBytes(id3v2Tag('Verse idea'), encodeFlacFixture(c, r, { bits: 16 })),
    tolerance: SIXTEEN_BIT,
  },
];
