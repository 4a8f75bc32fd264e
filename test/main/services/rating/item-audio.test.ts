/**
 * One rating item's audio (item-audio.ts) and the true-peak meter it is guarded by: exact
 * length and byte length, the one WAV layout (fmt + data only), equal fades, the band limit
 * and the catch low-pass, loudness within 0.5 LU of the target as measured on the written
 * file, true peak at most −1 dBTP, and the refusals (silent, would clip).
 */
import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import { integratedLoudness } from '../../../../src-main/services/audio/loudness.js';
import { itemByteLength, makeItemAudio, TRUE_PEAK_CEILING_DBTP, type ItemSpec } from '../../../../src-main/services/rating/item-audio.js';
import { truePeak, truePeakDbtp } from '../../../../src-main/services/rating/true-peak.js';
import { toneWithNoise } from '../../../helpers/signals.js';

/** RIFF chunk ids after the WAVE tag, in file order. */
export function chunkIds(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ids: string[] = [];
  for (let at = 12; at + 8 <= bytes.length; ) {
    ids.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
    const size = view.getUint32(at + 4, true);
    at += 8 + size + (size % 2);
  }
  return ids;
}

/** Amplitude of the `frequency` component of `samples` (a single-bin DFT over the middle). */
function amplitudeAt(samples: Float32Array, rate: number, frequency: number): number {
  const from = Math.floor(samples.length / 4);
  const to = Math.floor((3 * samples.length) / 4);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    re += samples[i]! * Math.cos((2 * Math.PI * frequency * i) / rate);
    im += samples[i]! * Math.sin((2 * Math.PI * frequency * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

function tones(rate: number, seconds: number, parts: { hz: number; amplitude: number }[]): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) {
    out[i] = parts.reduce((sum, part) => sum + part.amplitude * Math.sin((2 * Math.PI * part.hz * i) / rate), 0);
  }
  return out;
}

const SPEC: ItemSpec = { rates: { bandRate: 16_000, fileRate: 16_000 }, seconds: 5, targetLufs: -23, lowpassHz: null, ditherSeed: 1 };

function mean(x: Float32Array): number {
  return x.reduce((a, b) => a + b, 0) / x.length;
}

describe('truePeak', () => {
  it('finds the crest between samples: a quarter-rate sine sampled 45° off its peak', () => {
    const rate = 16_000;
    // Faded in and out over 200 samples: an abrupt start would ring above the sine (rightly).
    const fade = (i: number): number => Math.min(1, i / 200, (3999 - i) / 200);
    const samples = new Float32Array(4000).map((_, i) => fade(i) * 0.9 * Math.sin((2 * Math.PI * 4000 * i) / rate + Math.PI / 4));
    const samplePeak = Math.max(...samples.map(Math.abs));
    expect(samplePeak).toBeCloseTo(0.9 * Math.SQRT1_2, 5);
    expect(truePeak(samples)).toBeGreaterThan(0.9 * 0.999);
    expect(truePeak(samples)).toBeLessThan(0.9 * 1.001);
    expect(truePeakDbtp(samples)).toBeCloseTo(20 * Math.log10(0.9), 1);
  });

  it('equals the sample peak of a slow signal and is never below it', () => {
    const samples = tones(48_000, 0.5, [{ hz: 100, amplitude: 0.5 }]);
    expect(truePeak(samples)).toBeCloseTo(0.5, 4);
    const spike = new Float32Array(100);
    spike[50] = -0.8;
    expect(truePeak(spike)).toBeGreaterThanOrEqual(0.8);
  });
});

describe('makeItemAudio', () => {
  it('writes exactly the item length in the one layout, at the target loudness and under the true-peak ceiling', async () => {
    const [source] = toneWithNoise({ seconds: 9, sampleRate: 44_100, channels: 1, frequency: 220, amplitude: 0.6, seed: 5 });
    const item = await makeItemAudio(source!, 44_100, 2, SPEC);
    expect(item.bytes.length).toBe(itemByteLength(5, 16_000));
    expect(item.bytes.length).toBe(44 + 2 * 80_000);
    expect(chunkIds(item.bytes)).toEqual(['fmt ', 'data']);
    const decoded = await decodeAudio(item.bytes, 'item');
    expect(decoded.sampleRate).toBe(16_000);
    expect(decoded.channels).toHaveLength(1);
    const samples = decoded.channels[0]!;
    expect(samples.length).toBe(80_000);
    expect(Math.abs(integratedLoudness([samples], 16_000)! - -23)).toBeLessThan(0.05);
    expect(item.loudnessLufs).toBeCloseTo(integratedLoudness([samples], 16_000)!, 6);
    expect(truePeakDbtp(samples)).toBeLessThanOrEqual(TRUE_PEAK_CEILING_DBTP);
    // Fades: silent ends (but for the dither's ±1 LSB), full level 50 ms in.
    expect(Math.abs(samples[0]!)).toBeLessThanOrEqual(1 / 32767);
    expect(Math.abs(samples[79_999]!)).toBeLessThanOrEqual(1 / 32767);
    expect(Math.max(...samples.subarray(0, 40).map(Math.abs))).toBeLessThan(0.01);
  });

  it('cuts at the start asked for: two cuts of a chirp differ, the same cut twice is identical', async () => {
    const rate = 16_000;
    const chirp = new Float32Array(rate * 12).map((_, i) => 0.5 * Math.sin(2 * Math.PI * (100 + (i / rate) * 40) * (i / rate)));
    const first = await makeItemAudio(chirp, rate, 1, SPEC);
    const again = await makeItemAudio(chirp, rate, 1, SPEC);
    const later = await makeItemAudio(chirp, rate, 6, SPEC);
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    expect(Buffer.from(later.bytes).equals(Buffer.from(first.bytes))).toBe(false);
    expect(later.bytes.length).toBe(first.bytes.length);
  });

  it('dithers per seed: the same cut with another seed is other bytes, the same audio within 2 LSB', async () => {
    const rate = 16_000;
    const chirp = new Float32Array(rate * 12).map((_, i) => 0.5 * Math.sin(2 * Math.PI * (100 + (i / rate) * 40) * (i / rate)));
    const first = await makeItemAudio(chirp, rate, 1, SPEC);
    const other = await makeItemAudio(chirp, rate, 1, { ...SPEC, ditherSeed: 2 });
    expect(Buffer.from(other.bytes).equals(Buffer.from(first.bytes))).toBe(false);
    const [a, b] = [(await decodeAudio(first.bytes, 'item')).channels[0]!, (await decodeAudio(other.bytes, 'item')).channels[0]!];
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(2 / 32767 + 2 ** -24); // 2 LSB, and the decoded float32's rounding
    expect(Math.abs(other.loudnessLufs - first.loudnessLufs)).toBeLessThan(0.01);
  });

  it('removes DC before the fades and the gain: an offset source gives an item without one, and no step at its ends', async () => {
    const rate = 44_100;
    const tone = tones(rate, 9, [{ hz: 220, amplitude: 0.3 }]);
    const clean = await makeItemAudio(tone, rate, 2, SPEC);
    for (const offset of [0.02, -0.005]) {
      const item = await makeItemAudio(tone.map((x) => x + offset), rate, 2, SPEC);
      const samples = (await decodeAudio(item.bytes, 'item')).channels[0]!;
      const reference = (await decodeAudio(clean.bytes, 'item')).channels[0]!;
      // The offset source's gain is the clean one's (loudness ignores DC): without the offset
      // the item is the clean item, to within dither and a trace of the filter's edges.
      expect(Math.abs(mean(samples))).toBeLessThan(2e-5);
      let worst = 0;
      for (let i = 0; i < samples.length; i++) worst = Math.max(worst, Math.abs(samples[i]! - reference[i]!));
      expect(worst).toBeLessThan(1e-3);
    }
  });

  it('band-limits to the band rate and low-passes a catch item, whatever the source rate', async () => {
    const source = tones(44_100, 7, [
      { hz: 1000, amplitude: 0.3 },
      { hz: 5000, amplitude: 0.3 },
    ]);
    const band = await makeItemAudio(source, 44_100, 1, { ...SPEC, rates: { bandRate: 8000, fileRate: 16_000 } });
    const full = await makeItemAudio(source, 44_100, 1, SPEC);
    const lowpassed = await makeItemAudio(source, 44_100, 1, { ...SPEC, lowpassHz: 3500 });
    const samplesOf = async (bytes: Uint8Array): Promise<Float32Array> => (await decodeAudio(bytes, 'item')).channels[0]!;
    const ratio = (samples: Float32Array): number => amplitudeAt(samples, 16_000, 5000) / amplitudeAt(samples, 16_000, 1000);
    expect(ratio(await samplesOf(full.bytes))).toBeGreaterThan(0.9); // both tones kept
    expect(ratio(await samplesOf(band.bytes))).toBeLessThan(0.001); // 5 kHz is above 8000 / 2
    expect(ratio(await samplesOf(lowpassed.bytes))).toBeLessThan(0.001); // and above 3.5 kHz
  });

  it('refuses silence, near-silence, a source too short and a gain that would clip', async () => {
    await expect(makeItemAudio(new Float32Array(16_000 * 6), 16_000, 0, SPEC)).rejects.toThrow(/is silent/);
    await expect(makeItemAudio(tones(16_000, 6, [{ hz: 300, amplitude: 1e-3 }]), 16_000, 0, SPEC)).rejects.toThrow(/nearly silent/);
    await expect(makeItemAudio(tones(16_000, 4, [{ hz: 300, amplitude: 0.5 }]), 16_000, 0, SPEC)).rejects.toThrow(/shorter than 5 s/);
    // Sparse clicks: loud peaks, little loudness. At −10 LUFS they would peak far above −1 dBTP.
    const clicks = new Float32Array(16_000 * 6);
    for (let i = 800; i < clicks.length; i += 4000) clicks[i] = 0.5;
    const quiet = tones(16_000, 6, [{ hz: 200, amplitude: 0.01 }]).map((x, i) => x + clicks[i]!);
    await expect(makeItemAudio(quiet, 16_000, 0.5, { ...SPEC, targetLufs: -10 })).rejects.toThrow(/would peak at .* dBTP/);
  });
});
