/**
 * A file longer than the import limit is refused from the length its header declares, before a
 * sample is decoded: per container (WAV, RF64, AIFF, CAF, FLAC's STREAMINFO, MP3's frame count
 * or Xing tag), from the whole file or from only its first bytes and its size. The files here
 * declare two hours but hold a second or less, as a sparse or cut copy would: decoding them
 * would fail as truncated, so TOO_LONG can only come from the header.
 */
import { AppError } from '../../../../src-main/common/errors.js';
import { checkHeader, decodeAudio } from '../../../../src-main/services/audio/decode.js';
import {
  encodeAiffFixture,
  encodeCafFixture,
  encodeFlacFixture,
  encodeMp3Fixture,
  encodeWavFixture,
  sine,
} from '../../../fixtures/audio-fixtures.js';
import { expectAppError } from './decode-cases.js';

const RATE = 44_100;
const TWO_HOURS = 2 * 3600 * RATE;
const LIMIT = { maxSeconds: 20 * 60 };
const TOO_LONG_MESSAGE = /^long\.\w+: is 120:00 long; the limit is 20:00 \(set --max-duration to import longer files\)$/;

const second = () => sine(440, 1, RATE, 0.5, 1);

function indexOf(bytes: Uint8Array, tag: string, from = 0): number {
  const code = [...tag].map((c) => c.charCodeAt(0));
  for (let i = from; i + code.length <= bytes.length; i++) if (code.every((c, k) => bytes[i + k] === c)) return i;
  throw new Error(`no ${tag} chunk`);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A 16-bit mono WAV whose data chunk declares two hours; `keep` bytes of it are present. */
function wavDeclaringTwoHours(): Uint8Array {
  const bytes = encodeWavFixture(second(), RATE, { bits: 16 });
  view(bytes).setUint32(indexOf(bytes, 'data') + 4, TWO_HOURS * 2, true);
  return bytes;
}

describe('the length a header declares', () => {
  it.each([
    ['WAV', 'long.wav', wavDeclaringTwoHours],
    [
      'RF64 (ds64 size)',
      'long.wav',
      () => {
        const bytes = encodeWavFixture(second(), RATE, { bits: 16, rf64: true });
        view(bytes).setBigUint64(indexOf(bytes, 'ds64') + 16, BigInt(TWO_HOURS * 2), true);
        return bytes;
      },
    ],
    [
      'AIFF (COMM frames)',
      'long.aif',
      () => {
        const bytes = encodeAiffFixture(second(), RATE, { bits: 16 });
        view(bytes).setUint32(indexOf(bytes, 'COMM') + 10, TWO_HOURS, false);
        return bytes;
      },
    ],
    [
      'CAF (data chunk size)',
      'long.caf',
      () => {
        const bytes = encodeCafFixture(second(), RATE, { bits: 16 });
        view(bytes).setBigUint64(indexOf(bytes, 'data') + 4, BigInt(TWO_HOURS * 2 + 4), false);
        return bytes;
      },
    ],
    [
      'FLAC (STREAMINFO total samples)',
      'long.flac',
      () => {
        const bytes = encodeFlacFixture(second(), RATE, { bits: 16 });
        // 36-bit total: the low nibble of byte 21 and bytes 22..25.
        bytes[21] = ((bytes[21] as number) & 0xf0) | Math.floor(TWO_HOURS / 2 ** 32);
        view(bytes).setUint32(22, TWO_HOURS >>> 0, false);
        return bytes;
      },
    ],
  ])('%s: refused as too long before decoding, though the file holds one second', async (_label, name, make) => {
    const error = await expectAppError(decodeAudio(make(), name, LIMIT), 'TOO_LONG', name, TOO_LONG_MESSAGE);
    expect(error).toBeInstanceOf(AppError);
    // Without a limit, the same bytes are what they are: a truncated file.
    await expectAppError(decodeAudio(make(), name), 'CORRUPT_AUDIO', name, /truncated|fewer|ends/);
  });

  it('MP3: counts the frames before decoding', async () => {
    const mp3 = encodeMp3Fixture(sine(440, 2.5, 22_050, 0.5, 1), 22_050, 64);
    await expectAppError(decodeAudio(mp3, 'long.mp3', { maxSeconds: 2 }), 'TOO_LONG', 'long.mp3', /^long\.mp3: is 0:03 long; the limit is 0:02 /);
    await expect(decodeAudio(mp3, 'long.mp3', { maxSeconds: 3 })).resolves.toMatchObject({ format: 'mp3' });
  });

  describe('checkHeader, from the first bytes of a file and its size', () => {
    it('refuses a 635 MB WAV that declares two hours from its first 4 KiB', () => {
      const head = wavDeclaringTwoHours().slice(0, 4096);
      expect(() => checkHeader(head, 'long.wav', { ...LIMIT, fileSize: 44 + TWO_HOURS * 2 })).toThrow(TOO_LONG_MESSAGE);
    });

    it('passes the head of a file within the limit, which is then read and decoded whole', () => {
      const bytes = encodeWavFixture(second(), RATE, { bits: 16 });
      view(bytes).setUint32(indexOf(bytes, 'data') + 4, 10 * 60 * RATE * 2, true);
      expect(() => checkHeader(bytes.slice(0, 4096), 'ten.wav', { ...LIMIT, fileSize: 44 + 10 * 60 * RATE * 2 })).not.toThrow();
    });

    it('takes the length of a WAV whose data runs to the end of the file from the file size', () => {
      const bytes = encodeWavFixture(second(), RATE, { bits: 16 });
      view(bytes).setUint32(indexOf(bytes, 'data') + 4, 0xffff_ffff, true);
      const head = bytes.slice(0, 4096);
      expect(() => checkHeader(head, 'long.wav', { ...LIMIT, fileSize: 44 + TWO_HOURS * 2 })).toThrow(TOO_LONG_MESSAGE);
      expect(() => checkHeader(head, 'short.wav', { ...LIMIT, fileSize: 44 + RATE * 2 })).not.toThrow();
    });

    it("reads an MP3's length from its Xing tag", () => {
      // MPEG-1 layer III, 128 kb/s, 44.1 kHz, stereo: 417-byte frames of 1152 samples.
      const frame = (xingFrames: number | null): Uint8Array => {
        const bytes = new Uint8Array(417);
        bytes.set([0xff, 0xfb, 0x90, 0x04]);
        if (xingFrames !== null) {
          bytes.set([0x58, 0x69, 0x6e, 0x67], 36); // "Xing" after 32 bytes of side information
          view(bytes).setUint32(40, 1, false); // the frame count is present
          view(bytes).setUint32(44, xingFrames, false);
        }
        return bytes;
      };
      const head = new Uint8Array([...frame(Math.ceil(TWO_HOURS / 1152)), ...frame(null), ...frame(null)]);
      expect(() => checkHeader(head, 'long.mp3', { ...LIMIT, fileSize: 115_000_000 })).toThrow(TOO_LONG_MESSAGE);
      const short = new Uint8Array([...frame(1000), ...frame(null), ...frame(null)]);
      expect(() => checkHeader(short, 'long.mp3', { ...LIMIT, fileSize: 417_000 })).not.toThrow();
    });

    it('refuses what is not audio from its first bytes, and an empty file', () => {
      const text = new TextEncoder().encode('lyrics: verse one\n'.repeat(300));
      expect(() => checkHeader(text.slice(0, 1024), 'notes.wav', { ...LIMIT, fileSize: text.length })).toThrow(
        /^notes\.wav: not a recognised audio file/,
      );
      expect(() => checkHeader(new Uint8Array(0), 'empty.wav', { ...LIMIT, fileSize: 0 })).toThrow('empty.wav: the file is empty');
    });
  });
});
