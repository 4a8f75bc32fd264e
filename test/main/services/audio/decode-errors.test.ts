/**
 * Every way a user's file can be wrong, each refused with one line that starts with the file's
 * name: empty, not audio, truncated, damaged, an encoding we do not read, NaN samples. Also a
 * seeded fuzz pass: mutated and cut files must end in a decoded result or an AppError, never a
 * crash or a hang.
 */
import { jest } from '@jest/globals';
import { AppError } from '../../../../src-main/common/errors.js';
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
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
  sine,
  textFile,
  truncate,
  wavWithInfinity,
  wavWithNaN,
} from '../../../fixtures/audio-fixtures.js';
import { expectAppError, stereoSource } from './decode-cases.js';

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
