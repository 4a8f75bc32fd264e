/**
 * Decoding real files of every container and encoding we accept, written by the independent
 * fixture encoders, and every way a user's file can be wrong: empty, not audio, truncated,
 * damaged, an encoding we do not read, NaN samples. Also a seeded fuzz pass: mutated and cut
 * files must end in a decoded result or an AppError, never a crash or a hang.
 */
import { jest } from '@jest/globals';
import { AppError, type ErrorCode } from '../../../../src-main/common/errors.js';
import { decodeAudio, detectFormat, type AudioFormat } from '../../../../src-main/services/audio/decode.js';
import {
  emptyFile,
  encodeAiffFixture,
  encodeCafFixture,
  encodeFlacFixture,
  encodeMp3Fixture,
  encodeWavFixture,
  id3v2Tag,
  joinBytes,
  mulberry32,
  pinkNoise,
  sine,
  textFile,
  truncate,
  wavWithInfinity,
  wavWithNaN,
  type Channels,
} from '../../../fixtures/audio-fixtures.js';

const SIXTEEN_BIT = 2 / 32768;
const HIGH_RES = 1e-4;

/** Stereo test content with different channels (a tone left, pink noise right) and an odd length. */
function stereoSource(rate: number): Channels {
  const frames = Math.round(0.5 * rate) + 7;
  const [left] = sine(440, frames / rate, rate, 0.5, 1) as [Float32Array];
  const [right] = pinkNoise(frames / rate, rate, 0.3, 1, 5) as [Float32Array];
  return [left, right];
}

function monoSource(rate: number): Channels {
  return sine(1000, 0.25 + 3 / rate, rate, 0.7, 1);
}

function maxAbsError(actual: Float32Array, expected: Float32Array): number {
  let error = 0;
  for (let t = 0; t < expected.length; t++)
    error = Math.max(error, Math.abs((actual[t] as number) - (expected[t] as number)));
  return error;
}

async function expectAppError(
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

interface LosslessCase {
  label: string;
  format: AudioFormat;
  rate: number;
  source: (rate: number) => Channels;
  encode: (channels: Channels, rate: number) => Uint8Array;
  tolerance: number;
}

const LOSSLESS: LosslessCase[] = [
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

describe('detectFormat', () => {
  it.each(LOSSLESS.map((c) => [c.label, c] as const))('recognises %s', (_label, c) => {
    expect(detectFormat(c.encode(c.source(c.rate), c.rate))).toBe(c.format);
  });

  it('recognises MP3 with and without an ID3v2 tag', () => {
    const mp3 = encodeMp3Fixture(sine(440, 0.2, 44100, 0.5, 1), 44100);
    expect(detectFormat(mp3)).toBe('mp3');
    expect(detectFormat(joinBytes(id3v2Tag('Demo'), mp3))).toBe('mp3');
  });

  it('recognises nothing in text, empty input, a lone MP3-like sync word or seeded random bytes', () => {
    expect(detectFormat(textFile())).toBeNull();
    expect(detectFormat(emptyFile())).toBeNull();
    expect(detectFormat(Uint8Array.from([0xff, 0xfb, 0x90, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]))).toBeNull();
    const random = mulberry32(99);
    for (let i = 0; i < 50; i++) {
      const bytes = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
      expect(detectFormat(bytes)).toBeNull();
    }
    // RIFF that is not WAVE (an AVI) and FORM that is not AIFF (an 8SVX).
    expect(
      detectFormat(joinBytes(textFile('RIFF'), Uint8Array.of(0, 0, 0, 0), textFile('AVI LIST'))),
    ).toBeNull();
    expect(
      detectFormat(joinBytes(textFile('FORM'), Uint8Array.of(0, 0, 0, 0), textFile('8SVXVHDR'))),
    ).toBeNull();
  });
});

describe('decodeAudio: lossless formats', () => {
  it.each(LOSSLESS.map((c) => [c.label, c] as const))('decodes %s exactly', async (_label, c) => {
    const source = c.source(c.rate);
    const audio = await decodeAudio(c.encode(source, c.rate), 'take.bin');
    expect(audio.format).toBe(c.format);
    expect(audio.sampleRate).toBe(c.rate);
    expect(audio.channels).toHaveLength(source.length);
    source.forEach((expected, ch) => {
      const actual = audio.channels[ch] as Float32Array;
      expect(actual.length).toBe(expected.length);
      expect(maxAbsError(actual, expected)).toBeLessThanOrEqual(c.tolerance);
    });
  });

  it.each(LOSSLESS.map((c) => [c.label, c] as const))('decodes %s from a Node Buffer (whose slice is a view)', async (_label, c) => {
    const source = c.source(c.rate);
    const bytes = c.encode(source, c.rate);
    // As fs.readFile hands it over: a Buffer; slices of it keep odd file offsets.
    const audio = await decodeAudio(Buffer.from(bytes), 'take.bin');
    expect(maxAbsError(audio.channels[0] as Float32Array, source[0]!)).toBeLessThanOrEqual(c.tolerance);
  });
});

/** Best normalised correlation of `actual` against `expected` over lags 0..maxLag. */
function bestCorrelation(
  actual: Float32Array,
  expected: Float32Array,
  maxLag: number,
): { lag: number; correlation: number } {
  let best = { lag: 0, correlation: -1 };
  for (let lag = 0; lag <= maxLag; lag++) {
    let dot = 0;
    let aa = 0;
    let ee = 0;
    for (let t = 0; t < expected.length && t + lag < actual.length; t++) {
      const a = actual[t + lag] as number;
      const e = expected[t] as number;
      dot += a * e;
      aa += a * a;
      ee += e * e;
    }
    const correlation = dot / Math.sqrt(aa * ee || 1);
    if (correlation > best.correlation) best = { lag, correlation };
  }
  return best;
}

describe('decodeAudio: MP3', () => {
  const rate = 44100;
  // LAME's Mp3Encoder writes no Xing/LAME tag, so the decoder cannot trim the encoder delay
  // and the final frame's padding: the output is longer by less than three frames.
  const maxExtra = 3 * 1152;

  it('decodes a stereo MP3 with distinct channels (length within the codec padding, correlation > 0.99)', async () => {
    const source = [sine(440, 1, rate, 0.5, 1)[0], sine(660, 1, rate, 0.4, 1)[0]] as Channels;
    const audio = await decodeAudio(encodeMp3Fixture(source, rate), 'idea.mp3');
    expect(audio.format).toBe('mp3');
    expect(audio.sampleRate).toBe(rate);
    expect(audio.channels).toHaveLength(2);
    const frames = (audio.channels[0] as Float32Array).length;
    expect(frames).toBeGreaterThanOrEqual(rate);
    expect(frames).toBeLessThanOrEqual(rate + maxExtra);
    source.forEach((expected, ch) => {
      const { correlation } = bestCorrelation(audio.channels[ch] as Float32Array, expected, maxExtra);
      expect(correlation).toBeGreaterThan(0.99);
    });
    // Channels are not swapped: left correlates with the 440 Hz source, not the 660 Hz one.
    expect(
      bestCorrelation(audio.channels[0] as Float32Array, source[1] as Float32Array, maxExtra).correlation,
    ).toBeLessThan(0.5);
  });

  it('decodes a mono MP3 as one channel, also behind an ID3v2 tag', async () => {
    const source = sine(1000, 0.5, rate, 0.6, 1);
    const mp3 = encodeMp3Fixture(source, rate, 128);
    for (const bytes of [mp3, joinBytes(id3v2Tag('Chorus'), mp3)]) {
      const audio = await decodeAudio(bytes, 'hook.mp3');
      expect(audio.channels).toHaveLength(1);
      const { correlation } = bestCorrelation(
        audio.channels[0] as Float32Array,
        source[0] as Float32Array,
        maxExtra,
      );
      expect(correlation).toBeGreaterThan(0.99);
    }
  });
});

describe('decodeAudio: errors', () => {
  const rate = 44100;
  const stereo = stereoSource(rate);

  it('refuses an empty file', async () => {
    const error = await expectAppError(decodeAudio(emptyFile(), 'song.wav'), 'EMPTY_AUDIO', 'song.wav');
    expect(error.message).toBe('song.wav: the file is empty');
  });

  it('refuses a text file named .wav and random bytes', async () => {
    const error = await expectAppError(
      decodeAudio(textFile(), 'notes.wav'),
      'UNSUPPORTED_FORMAT',
      'notes.wav',
    );
    expect(error.message).toBe('notes.wav: not a recognised audio file (WAV, AIFF, FLAC, MP3 or CAF)');
    const random = mulberry32(7);
    const noise = Uint8Array.from({ length: 10000 }, () => Math.floor(random() * 256));
    await expectAppError(decodeAudio(noise, 'noise.aif'), 'UNSUPPORTED_FORMAT', 'noise.aif');
  });

  it.each([
    ['WAV', 'cut.wav', () => encodeWavFixture(stereo, rate, { bits: 24 })],
    ['RF64', 'cut.wav', () => encodeWavFixture(stereo, rate, { bits: 24, rf64: true })],
    ['AIFF', 'cut.aif', () => encodeAiffFixture(stereo, rate, { bits: 16 })],
    ['AIFC sowt', 'cut.aif', () => encodeAiffFixture(stereo, rate, { bits: 24, compression: 'sowt' })],
    ['CAF', 'cut.caf', () => encodeCafFixture(stereo, rate, { bits: 24 })],
    ['FLAC', 'cut.flac', () => encodeFlacFixture(stereo, rate, { bits: 16 })],
  ] as const)(
    'refuses a truncated %s file, at any cut point after the header',
    async (_label, name, make) => {
      const bytes = make();
      for (const fraction of [0.999, 0.6, 0.1]) {
        await expectAppError(
          decodeAudio(truncate(bytes, Math.floor(bytes.length * fraction)), name),
          'CORRUPT_AUDIO',
          name,
          /truncated/,
        );
      }
    },
  );

  it.each([
    ['WAV', 'head.wav', () => encodeWavFixture(stereo, rate, { bits: 16 })],
    ['AIFF', 'head.aif', () => encodeAiffFixture(stereo, rate, { bits: 16 })],
    ['CAF', 'head.caf', () => encodeCafFixture(stereo, rate, { bits: 16 })],
    ['FLAC', 'head.flac', () => encodeFlacFixture(stereo, rate, { bits: 16 })],
  ] as const)('refuses a %s file cut inside its header as corrupt', async (_label, name, make) => {
    const bytes = make();
    for (const length of [12, 20, 30]) {
      await expectAppError(decodeAudio(truncate(bytes, length), name), 'CORRUPT_AUDIO', name);
    }
  });

  it('refuses an MP3 whose last frame is cut off, and accepts one cut at a frame boundary', async () => {
    const mp3 = encodeMp3Fixture(sine(440, 1, rate, 0.5, 1), rate, 128);
    await expectAppError(
      decodeAudio(truncate(mp3, mp3.length - 100), 'cut.mp3'),
      'CORRUPT_AUDIO',
      'cut.mp3',
      /truncated/,
    );
    // 128 kbps at 44.1 kHz: frames of 417 or 418 bytes; find the boundary after the tenth frame.
    let boundary = 0;
    for (let frame = 0; frame < 10; frame++) boundary += 417 + (((mp3[boundary + 2] ?? 0) >> 1) & 1);
    const shorter = await decodeAudio(truncate(mp3, boundary), 'short.mp3');
    expect((shorter.channels[0] as Float32Array).length).toBe(10 * 1152);
  });

  it('refuses an ID3v2 tag with no audio after it', async () => {
    await expectAppError(decodeAudio(id3v2Tag('Nothing here'), 'tag.mp3'), 'EMPTY_AUDIO', 'tag.mp3');
    await expectAppError(
      decodeAudio(joinBytes(id3v2Tag('Junk'), textFile()), 'junk.mp3'),
      'CORRUPT_AUDIO',
      'junk.mp3',
    );
  });

  it('refuses headers that declare no samples', async () => {
    const none = [new Float32Array(0), new Float32Array(0)];
    await expectAppError(
      decodeAudio(encodeWavFixture(none, rate, { bits: 16 }), 'none.wav'),
      'EMPTY_AUDIO',
      'none.wav',
      /no samples/,
    );
    await expectAppError(
      decodeAudio(encodeAiffFixture(none, rate, { bits: 16 }), 'none.aif'),
      'EMPTY_AUDIO',
      'none.aif',
      /no samples/,
    );
    await expectAppError(
      decodeAudio(encodeCafFixture(none, rate, { bits: 16 }), 'none.caf'),
      'EMPTY_AUDIO',
      'none.caf',
      /no samples/,
    );
    await expectAppError(
      decodeAudio(encodeFlacFixture(none, rate, { bits: 16 }), 'none.flac'),
      'EMPTY_AUDIO',
      'none.flac',
      /no samples/,
    );
  });

  it('refuses float data with NaN or infinite samples', async () => {
    const nan = await expectAppError(
      decodeAudio(wavWithNaN(), 'overload.wav'),
      'INVALID_SAMPLES',
      'overload.wav',
    );
    expect(nan.message).toBe('overload.wav: contains NaN or infinite samples');
    await expectAppError(decodeAudio(wavWithInfinity(), 'inf.wav'), 'INVALID_SAMPLES', 'inf.wav');
    const withNaN = sine(440, 0.1, rate, 0.5, 1);
    (withNaN[0] as Float32Array)[10] = Number.NaN;
    await expectAppError(
      decodeAudio(encodeAiffFixture(withNaN, rate, { bits: 32, compression: 'fl32' }), 'nan.aif'),
      'INVALID_SAMPLES',
      'nan.aif',
    );
    await expectAppError(
      decodeAudio(encodeCafFixture(withNaN, rate, { bits: 32, float: true }), 'nan.caf'),
      'INVALID_SAMPLES',
      'nan.caf',
    );
  });

  it('refuses encodings inside a known container that we do not read', async () => {
    const wav = encodeWavFixture(stereo, rate, { bits: 16 });
    wav[20] = 0x55; // format tag 0x0055: MPEG Layer III inside RIFF
    await expectAppError(decodeAudio(wav, 'mp3-in.wav'), 'UNSUPPORTED_FORMAT', 'mp3-in.wav', /encoding 0x55/);

    const caf = encodeCafFixture(stereo, rate, { bits: 16 });
    caf.set(textFile('alac'), 8 + 12 + 8); // desc.formatID
    await expectAppError(decodeAudio(caf, 'logic.caf'), 'UNSUPPORTED_FORMAT', 'logic.caf', /'alac'/);

    const aifc = encodeAiffFixture(stereo, rate, { bits: 16, compression: 'sowt' });
    const comm = 12 + 12 + 8; // FORM header, FVER chunk, COMM header
    aifc.set(textFile('ima4'), comm + 18);
    await expectAppError(decodeAudio(aifc, 'old.aif'), 'UNSUPPORTED_FORMAT', 'old.aif', /'ima4'/);
  });

  it('refuses a WAV whose header declares an impossible sample rate or block size', async () => {
    const zeroRate = encodeWavFixture(stereo, rate, { bits: 16 });
    new DataView(zeroRate.buffer).setUint32(24, 0, true);
    await expectAppError(decodeAudio(zeroRate, 'rate.wav'), 'CORRUPT_AUDIO', 'rate.wav', /sample rate/);
    const badAlign = encodeWavFixture(stereo, rate, { bits: 16 });
    new DataView(badAlign.buffer).setUint16(32, 3, true);
    await expectAppError(decodeAudio(badAlign, 'align.wav'), 'CORRUPT_AUDIO', 'align.wav', /block size/);
  });

  it('refuses a FLAC stream whose frames are damaged', async () => {
    const flac = encodeFlacFixture(stereo, rate, { bits: 16 });
    const damaged = flac.slice();
    const random = mulberry32(3);
    for (let i = 0; i < 200; i++) {
      const at = 8000 + Math.floor(random() * (damaged.length - 8000));
      damaged[at] = (damaged[at] as number) ^ 0x5a;
    }
    await expectAppError(decodeAudio(damaged, 'damaged.flac'), 'CORRUPT_AUDIO', 'damaged.flac');
  });
});

describe('decodeAudio: seeded fuzzing', () => {
  it('ends every mutated or cut file in audio or an AppError, never a crash or a hang', async () => {
    // mpg123 reports resynchronisation on damaged MP3 through console.error; keep the log clean.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const rate = 22050;
      const source = sine(330, 0.2, rate, 0.5, 2);
      const files: [string, Uint8Array][] = [
        ['f.wav', encodeWavFixture(source, rate, { bits: 16 })],
        ['f.wav', encodeWavFixture(source, rate, { bits: 32, float: true, extensible: true })],
        ['f.aif', encodeAiffFixture(source, rate, { bits: 24, compression: 'sowt' })],
        ['f.caf', encodeCafFixture(source, rate, { bits: 24 })],
        ['f.flac', encodeFlacFixture(source, rate, { bits: 16 })],
        ['f.mp3', encodeMp3Fixture(source, rate, 64)],
      ];
      const random = mulberry32(2024);
      let decoded = 0;
      let refused = 0;
      for (const [name, original] of files) {
        for (let round = 0; round < 25; round++) {
          let bytes: Uint8Array = original.slice();
          const mutations = 1 + Math.floor(random() * 8);
          for (let m = 0; m < mutations; m++) {
            // Half the mutations hit the first 64 bytes, where the headers are.
            const span = random() < 0.5 ? Math.min(64, bytes.length) : bytes.length;
            const at = Math.floor(random() * span);
            bytes[at] = Math.floor(random() * 256);
          }
          if (random() < 0.3) bytes = truncate(bytes, Math.floor(random() * bytes.length));
          try {
            const audio = await decodeAudio(bytes, name);
            const frames = (audio.channels[0] as Float32Array).length;
            expect(frames).toBeGreaterThan(0);
            for (const channel of audio.channels) {
              expect(channel.length).toBe(frames);
              expect(channel.every((x) => Number.isFinite(x))).toBe(true);
            }
            decoded++;
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
            expect((error as AppError).message.startsWith(`${name}: `)).toBe(true);
            refused++;
          }
        }
      }
      expect(decoded + refused).toBe(files.length * 25);
      expect(refused).toBeGreaterThan(0);
      expect(decoded).toBeGreaterThan(0);
    } finally {
      quiet.mockRestore();
    }
  }, 60_000);
});
