/**
 * Decoding real files of every container and encoding we accept, written by the independent
 * fixture encoders (decode-cases.ts): the container detected from the bytes, every lossless
 * case decoded exactly, MP3 within the codec's padding. The refusals are decode-errors.test.ts.
 */
import { decodeAudio, detectFormat } from '../../../../src-main/services/audio/decode.js';
import {
  emptyFile,
  encodeMp3Fixture,
  id3v2Tag,
  joinBytes,
  mulberry32,
  sine,
  textFile,
  type Channels,
} from '../../../fixtures/audio-fixtures.js';
import { LOSSLESS, maxAbsError } from './decode-cases.js';

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
