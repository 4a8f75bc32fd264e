/**
 * The WAV writer: byte-exact headers and samples against hand-written bytes, the float and
 * multichannel header variants, and a round trip through the real decoder at every depth.
 */
import { AppError } from '../../../../src-main/common/errors.js';
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import { pinkNoise, sine } from '../../../fixtures/audio-fixtures.js';

const ascii = (text: string): number[] => Array.from(text, (ch) => ch.charCodeAt(0));
const u16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const u32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];

describe('encodeWav', () => {
  it('writes a 2-frame 16-bit stereo file byte for byte', () => {
    const bytes = encodeWav(
      { sampleRate: 44100, channels: [Float32Array.of(0.5, -1), Float32Array.of(-0.5, 1)] },
      { bitDepth: 16 },
    );
    // prettier-ignore
    const expected = [
      ...ascii('RIFF'), ...u32(44), ...ascii('WAVE'),
      ...ascii('fmt '), ...u32(16), ...u16(1), ...u16(2), ...u32(44100), ...u32(176400), ...u16(4), ...u16(16),
      ...ascii('data'), ...u32(8),
      0x00, 0x40, // frame 0, L  0.5 -> 16384 (16383.5 rounded away from zero)
      0x00, 0xc0, // frame 0, R -0.5 -> -16384
      0x00, 0x80, // frame 1, L -1   -> -32768
      0xff, 0x7f, // frame 1, R  1   -> 32767
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('clips, rounds half away from zero and pads odd-sized 24-bit data to an even length', () => {
    const bytes = encodeWav(
      { sampleRate: 8000, channels: [Float32Array.of(-1 / 16777216)] },
      { bitDepth: 24 },
    );
    // -2^-24 · 2^23 = -0.5 rounds to -1 (Math.round would give 0): FF FF FF, then one pad byte.
    expect(bytes.length).toBe(48);
    expect(Array.from(bytes.subarray(4, 8))).toEqual(u32(40));
    expect(Array.from(bytes.subarray(40, 48))).toEqual([...u32(3), 0xff, 0xff, 0xff, 0x00]);
    const clipped = encodeWav({ sampleRate: 8000, channels: [Float32Array.of(1.5, -2)] }, { bitDepth: 16 });
    expect(Array.from(clipped.subarray(44))).toEqual([0xff, 0x7f, 0x00, 0x80]);
    const clipped32 = encodeWav({ sampleRate: 8000, channels: [Float32Array.of(1.5, -2)] }, { bitDepth: 32 });
    expect(Array.from(clipped32.subarray(44))).toEqual([0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x80]);
  });

  it('writes 32-bit float with an 18-byte fmt (cbSize 0) and a fact chunk', () => {
    const bytes = encodeWav(
      { sampleRate: 48000, channels: [Float32Array.of(0.25, -0.75, 1.5)] },
      { bitDepth: 32, float: true },
    );
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(16, true)).toBe(18);
    expect(view.getUint16(20, true)).toBe(3);
    expect(view.getUint16(36, true)).toBe(0);
    expect(Array.from(bytes.subarray(38, 50))).toEqual([...ascii('fact'), ...u32(4), ...u32(3)]);
    expect(Array.from(bytes.subarray(50, 58))).toEqual([...ascii('data'), ...u32(12)]);
    expect([view.getFloat32(58, true), view.getFloat32(62, true), view.getFloat32(66, true)]).toEqual([
      0.25, -0.75, 1.5,
    ]);
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
  });

  it('writes WAVE_FORMAT_EXTENSIBLE for more than two channels', () => {
    const channels = [Float32Array.of(0.1), Float32Array.of(0.2), Float32Array.of(0.3)];
    const bytes = encodeWav({ sampleRate: 44100, channels }, { bitDepth: 24 });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(16, true)).toBe(40);
    expect(view.getUint16(20, true)).toBe(0xfffe);
    expect(view.getUint16(32, true)).toBe(9); // block align: 3 channels × 3 bytes
    expect(view.getUint16(36, true)).toBe(22); // cbSize
    expect(view.getUint16(38, true)).toBe(24); // valid bits
    expect(view.getUint16(44, true)).toBe(1); // SubFormat: PCM
    expect(Array.from(bytes.subarray(60, 68))).toEqual([...ascii('data'), ...u32(9)]);
  });

  const depths = [
    { bitDepth: 16, tolerance: 1 / 32767 },
    { bitDepth: 24, tolerance: 1 / 8388607 },
    { bitDepth: 32, tolerance: 1e-7 },
    { bitDepth: 32, float: true, tolerance: 0 },
  ] as const;

  it.each(depths.flatMap((depth) => [1, 2, 3].map((channels) => [depth, channels] as const)))(
    'round-trips through decodeAudio: %o with %i channel(s)',
    async (depth, channelCount) => {
      const rate = 44100;
      const tone = sine(523.25, 0.3, rate, 0.9, 1)[0] as Float32Array;
      const noise = pinkNoise(0.3, rate, 0.4, 2, 17);
      const channels = [tone, ...noise].slice(0, channelCount);
      const format =
        'float' in depth ? { bitDepth: depth.bitDepth, float: true } : { bitDepth: depth.bitDepth };
      const bytes = encodeWav({ sampleRate: rate, channels }, format);
      const audio = await decodeAudio(bytes, 'take.wav');
      expect(audio.sampleRate).toBe(rate);
      expect(audio.channels).toHaveLength(channelCount);
      channels.forEach((expected, c) => {
        const actual = audio.channels[c] as Float32Array;
        expect(actual.length).toBe(expected.length);
        let error = 0;
        for (let t = 0; t < expected.length; t++)
          error = Math.max(error, Math.abs((actual[t] as number) - (expected[t] as number)));
        expect(error).toBeLessThanOrEqual(depth.tolerance);
      });
      // Encoding what the decoder read gives back the same file: the scaling is an exact inverse.
      expect(encodeWav(audio, format)).toEqual(bytes);
    },
  );

  it('refuses what it cannot write', () => {
    const one = [Float32Array.of(0)];
    const cases: [() => unknown, string][] = [
      [() => encodeWav({ sampleRate: 44100, channels: [] }, { bitDepth: 16 }), 'INVALID_INPUT'],
      [
        () =>
          encodeWav(
            { sampleRate: 44100, channels: [new Float32Array(2), new Float32Array(3)] },
            { bitDepth: 16 },
          ),
        'INVALID_INPUT',
      ],
      [() => encodeWav({ sampleRate: 44100.5, channels: one }, { bitDepth: 16 }), 'INVALID_INPUT'],
      [() => encodeWav({ sampleRate: 44100, channels: one }, { bitDepth: 24, float: true }), 'INVALID_INPUT'],
      [
        () => encodeWav({ sampleRate: 44100, channels: [Float32Array.of(0, Number.NaN)] }, { bitDepth: 16 }),
        'INVALID_SAMPLES',
      ],
      [
        () =>
          encodeWav(
            { sampleRate: 44100, channels: [Float32Array.of(Infinity)] },
            { bitDepth: 32, float: true },
          ),
        'INVALID_SAMPLES',
      ],
    ];
    for (const [write, code] of cases) {
      let caught: unknown = null;
      try {
        write();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe(code);
    }
  });
});
