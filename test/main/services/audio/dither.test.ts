/**
 * TPDF dither at integer WAV writes (dither.ts through encodeWav): the same seed gives the same
 * bytes, another seed other bytes within the dither's ±1 LSB; the error is triangular (mean 0,
 * variance LSB²/4 with the rounding) and carries a level below one LSB that plain rounding
 * would drop; full scale stays clipped; float writes are not dithered.
 */
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import { tpdfDither } from '../../../../src-main/services/audio/dither.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';

const RATE = 16_000;

function tone(length: number): Float32Array {
  return new Float32Array(length).map((_, i) => 0.4 * Math.sin((2 * Math.PI * 440 * i) / RATE));
}

async function decoded(bytes: Uint8Array): Promise<Float32Array> {
  return (await decodeAudio(bytes, 'dithered.wav')).channels[0]!;
}

describe('tpdfDither', () => {
  it('draws triangular values in (−1, 1): mean 0, variance 1/6, reproducible per seed', () => {
    const draw = tpdfDither(7);
    const values = Array.from({ length: 200_000 }, () => draw());
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(values.every((v) => v > -1 && v < 1)).toBe(true);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(variance).toBeCloseTo(1 / 6, 2);
    // Triangular, not uniform: three quarters of the mass lie within ±0.5 (a uniform puts half there).
    const middle = values.filter((v) => Math.abs(v) < 0.5).length / values.length;
    expect(middle).toBeCloseTo(0.75, 2);
    const again = tpdfDither(7);
    expect(Array.from({ length: 5 }, () => again())).toEqual(values.slice(0, 5));
    const other = tpdfDither(8);
    expect(Array.from({ length: 5 }, () => other())).not.toEqual(values.slice(0, 5));
  });
});

describe('encodeWav with dither', () => {
  it.each([16, 24] as const)('%i-bit: the same seed writes the same bytes, another seed other bytes within 2 LSB', async (bitDepth) => {
    // The positive side's step (1 / (2^(n−1) − 1)), plus the decoded float32's rounding near 0.4.
    const lsb = 1 / (2 ** (bitDepth - 1) - 1);
    const float32Slack = 2 ** -24;
    const x = tone(RATE);
    const a = encodeWav({ sampleRate: RATE, channels: [x] }, { bitDepth }, tpdfDither(1));
    const again = encodeWav({ sampleRate: RATE, channels: [x] }, { bitDepth }, tpdfDither(1));
    const b = encodeWav({ sampleRate: RATE, channels: [x] }, { bitDepth }, tpdfDither(2));
    const plain = encodeWav({ sampleRate: RATE, channels: [x] }, { bitDepth });
    expect(Buffer.from(again).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(false);
    expect(Buffer.from(plain).equals(Buffer.from(a))).toBe(false);
    expect(b.length).toBe(a.length);
    const [da, db] = [await decoded(a), await decoded(b)];
    let worst = 0;
    let worstToSource = 0;
    for (let i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs(da[i]! - db[i]!));
      worstToSource = Math.max(worstToSource, Math.abs(da[i]! - x[i]!));
    }
    expect(worst).toBeLessThanOrEqual(2 * lsb + float32Slack);
    expect(worstToSource).toBeLessThanOrEqual(1.5 * lsb + float32Slack);
  });

  it('16-bit: the error has mean 0 and variance LSB²/4, and keeps a level below one LSB', async () => {
    const lsb = 1 / 32768;
    const x = tone(4 * RATE);
    const y = await decoded(encodeWav({ sampleRate: RATE, channels: [x] }, { bitDepth: 16 }, tpdfDither(3)));
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < x.length; i++) {
      const e = (y[i]! - x[i]!) / lsb;
      sum += e;
      squares += e * e;
    }
    expect(Math.abs(sum / x.length)).toBeLessThan(0.01);
    expect(squares / x.length).toBeCloseTo(0.25, 1);
    // A constant of 0.3 LSB: rounding writes 0 everywhere, dither keeps 0.3 LSB on average.
    const faint = new Float32Array(RATE).fill(0.3 * lsb);
    const rounded = await decoded(encodeWav({ sampleRate: RATE, channels: [faint] }, { bitDepth: 16 }));
    const dithered = await decoded(encodeWav({ sampleRate: RATE, channels: [faint] }, { bitDepth: 16 }, tpdfDither(4)));
    expect(rounded.every((v) => v === 0)).toBe(true);
    expect(dithered.reduce((a, b) => a + b, 0) / dithered.length / lsb).toBeCloseTo(0.3, 1);
  });

  it('clips at full scale and leaves float writes alone', async () => {
    const full = Float32Array.of(1, -1, 1, -1, 1.5, -2);
    const bytes = encodeWav({ sampleRate: RATE, channels: [full] }, { bitDepth: 16 }, tpdfDither(5));
    const view = new DataView(bytes.buffer, 44);
    for (let i = 0; i < full.length; i++) {
      const v = view.getInt16(2 * i, true);
      expect(full[i]! > 0 ? v >= 32766 && v <= 32767 : v >= -32768 && v <= -32767).toBe(true);
    }
    const x = tone(100);
    expect(encodeWav({ sampleRate: RATE, channels: [x] }, { bitDepth: 32, float: true }, tpdfDither(6))).toEqual(
      encodeWav({ sampleRate: RATE, channels: [x] }, { bitDepth: 32, float: true }),
    );
  });
});
