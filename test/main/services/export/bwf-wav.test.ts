/**
 * The BWF writer: a tiny file pinned byte for byte (every bext and INFO field at its offset),
 * then real files read back by independent parsers: ffprobe (codec, depth, rate, length, the
 * bext and INFO tags), soxi (rate, bits, samples) and ffmpeg's decoder (the samples).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../../src-main/common/errors.js';
import {
  encodeBwfWav,
  foldToAscii,
  timeReferenceFor,
  type BwfMetadata,
} from '../../../../src-main/services/export/bwf-wav.js';
import { APP_VERSION } from '../../../../src-main/version.js';
import { sine } from '../../../fixtures/audio-fixtures.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { ffmpegDecode, ffmpegDecodeChannels, ffprobe, soxi } from './probe-tools.js';

const ascii = (text: string): number[] => Array.from(text, (ch) => ch.charCodeAt(0));
const u16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const u32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const zeros = (n: number): number[] => new Array<number>(n).fill(0);
/** `text` in a NUL-padded field of `size` bytes. */
const field = (text: string, size: number): number[] => [...ascii(text), ...zeros(size - text.length)];

// Built from local components, so the local-time date and time fields do not depend on the zone.
const createdAt = new Date(2026, 10, 5, 14, 3, 9);
const meta = (overrides: Partial<BwfMetadata> = {}): BwfMetadata => ({
  name: 'Take 12',
  comment: 'model 3 · new · seed 42',
  createdAt,
  timeReference: timeReferenceFor(2.5, 48000),
  ...overrides,
});

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('eureka-bwf-');
});
afterAll(async () => {
  await removeDir(dir);
});

async function writeTemp(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

describe('encodeBwfWav', () => {
  it('writes a 2-frame 24-bit file byte for byte', () => {
    const bytes = encodeBwfWav([Float32Array.of(0.5, -1)], 48000, 24, {
      name: 'Hi',
      comment: 'c',
      createdAt,
      timeReference: 0x1_0000_0002, // above 2^32: both halves of the u64 are written
      originatorReference: 'ref',
    });
    const history = `A=PCM,F=48000,W=24,M=mono,T=Eureka ${APP_VERSION}\r\n`;
    const bextSize = 602 + history.length;
    const info = (id: string, text: string): number[] => {
      const size = text.length + 1;
      return [...ascii(id), ...u32(size), ...ascii(text), 0, ...zeros(size & 1)];
    };
    const list = [
      ...ascii('INFO'),
      ...info('INAM', 'Hi'), // 3 bytes + pad
      ...info('ICMT', 'c'), // 2 bytes
      ...info('ISFT', `Eureka ${APP_VERSION}`),
      ...info('ICRD', '2026-11-05'), // 11 bytes + pad
    ];
    const data = [0x00, 0x00, 0x40, 0x00, 0x00, 0x80]; // 0.5 → 4194304 (rounded up from 4194303.5), -1 → -2^23
    // prettier-ignore
    const expected = [
      ...ascii('RIFF'), ...u32(4 + 24 + 8 + bextSize + (bextSize & 1) + 8 + list.length + 8 + data.length), ...ascii('WAVE'),
      ...ascii('fmt '), ...u32(16), ...u16(1), ...u16(1), ...u32(48000), ...u32(144000), ...u16(3), ...u16(24),
      ...ascii('bext'), ...u32(bextSize),
      ...field('c', 256), // Description
      ...field('Eureka', 32), // Originator
      ...field('ref', 32), // OriginatorReference
      ...ascii('2026-11-05'), ...ascii('14-03-09'), // OriginationDate, OriginationTime
      ...u32(2), ...u32(1), // TimeReference low, high
      ...u16(1), // Version
      ...zeros(64), // UMID
      ...zeros(190), // reserved (version 2's loudness fields)
      ...ascii(history), ...zeros(bextSize & 1),
      ...ascii('LIST'), ...u32(list.length), ...list,
      ...ascii('data'), ...u32(6), ...data,
    ];
    expect(Array.from(bytes)).toEqual(expected);
    // The fields sit where Tech 3285 puts them (payload offsets + 44).
    const view = new DataView(bytes.buffer);
    expect(view.getBigUint64(44 + 338, true)).toBe(0x1_0000_0002n);
    expect(view.getUint16(44 + 346, true)).toBe(1);
  });

  it('writes 32-bit float as fmt (18 bytes, cbSize 0), fact, bext, LIST, data in that order', () => {
    const bytes = encodeBwfWav([Float32Array.of(0.25, -1.5, 2)], 44100, 32, meta({ name: 'odd' }));
    const view = new DataView(bytes.buffer);
    const chunks: string[] = [];
    for (let pos = 12; pos < bytes.length; ) {
      const size = view.getUint32(pos + 4, true);
      chunks.push(`${String.fromCharCode(...bytes.subarray(pos, pos + 4))}:${size}`);
      pos += 8 + size + (size & 1);
      if (pos === bytes.length) break;
    }
    expect(chunks[0]).toBe('fmt :18');
    expect(chunks[1]).toBe('fact:4');
    expect(chunks[2]).toMatch(/^bext:/);
    expect(chunks[3]).toMatch(/^LIST:/);
    expect(chunks[4]).toBe('data:12');
    expect(view.getUint16(20, true)).toBe(3);
    expect(view.getUint32(38 + 8, true)).toBe(3); // fact: frames
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
    // Float keeps values beyond full scale (the headroom the option is for).
    expect(view.getFloat32(bytes.length - 8, true)).toBe(-1.5);
  });

  it.each([
    { sampleRate: 48000, bitDepth: 24 as const, codec: 'pcm_s24le', start: 2.5 },
    { sampleRate: 44100, bitDepth: 24 as const, codec: 'pcm_s24le', start: 0 },
    { sampleRate: 48000, bitDepth: 32 as const, codec: 'pcm_f32le', start: 61.25 },
  ])('ffprobe and soxi read $bitDepth-bit $sampleRate Hz (start $start s)', async ({ sampleRate, bitDepth, codec, start }) => {
    const samples = sine(440, 1.5, sampleRate, 0.5)[0]!;
    const bytes = encodeBwfWav([samples], sampleRate, bitDepth, meta({ timeReference: timeReferenceFor(start, sampleRate) }));
    const file = await writeTemp(`probe-${sampleRate}-${bitDepth}.wav`, bytes);
    const probe = ffprobe(file);
    const stream = probe.streams[0]!;
    expect(stream.codec_name).toBe(codec);
    expect(Number(stream.sample_rate)).toBe(sampleRate);
    expect(stream.channels).toBe(1);
    expect(stream.bits_per_sample).toBe(bitDepth);
    if (bitDepth === 24) expect(stream.bits_per_raw_sample).toBe('24');
    expect(stream.duration_ts).toBe(samples.length);
    const tags = probe.format.tags ?? {};
    expect(tags.title).toBe('Take 12');
    expect(tags.comment).toBe('model 3 - new - seed 42'); // ICMT, folded to ASCII
    expect(tags.encoded_by).toBe('Eureka'); // bext Originator
    expect(tags.date).toBe('2026-11-05');
    expect(tags.creation_time).toBe('14-03-09'); // bext OriginationTime
    expect(tags.time_reference).toBe(String((3600 + start) * sampleRate));
    expect(tags.coding_history).toBe(`A=PCM,F=${sampleRate},W=${bitDepth},M=mono,T=Eureka ${APP_VERSION}\r\n`);
    expect(tags.encoder).toBe(`Eureka ${APP_VERSION}`); // ISFT
    expect(soxi(file)).toEqual({ rate: sampleRate, bits: bitDepth, samples: samples.length });

    const decoded = ffmpegDecode(file);
    expect(decoded.length).toBe(samples.length);
    const tolerance = bitDepth === 24 ? 1 / 2 ** 23 : 0;
    let worst = 0;
    samples.forEach((value, i) => {
      worst = Math.max(worst, Math.abs(value - decoded[i]!));
    });
    expect(worst).toBeLessThanOrEqual(tolerance);
  });

  it('puts the comment, folded to ASCII, in the bext Description that ffprobe reads', async () => {
    const bytes = encodeBwfWav(sine(220, 0.1, 48000, 0.3), 48000, 24, meta({ comment: 'Café · 0:04–0:12' }));
    // Rename LIST to JUNK so INFO's comment cannot mask bext's (ffmpeg maps both to "comment").
    const listAt = Buffer.from(bytes).indexOf('LIST');
    bytes.set(ascii('JUNK'), listAt);
    const tags = ffprobe(await writeTemp('bext-only.wav', bytes)).format.tags ?? {};
    expect(tags.comment).toBe('Cafe - 0:04-0:12');
    expect(tags.title).toBeUndefined();
    expect(tags.encoded_by).toBe('Eureka');
    expect(tags.date).toBe('2026-11-05');
  });

  it('scales 24-bit samples by 2^23 for both signs and clamps to [-2^23, 2^23 - 1]', async () => {
    const values = [0.75, -0.75, 0.5, -0.5, 1, -1, 1.5, -1.5, 3 / 2 ** 23, -3 / 2 ** 23];
    const bytes = encodeBwfWav([Float32Array.from(values)], 48000, 24, meta());
    const data = bytes.subarray(bytes.length - values.length * 3);
    const integers = values.map((_, i) => ((data[3 * i]! | (data[3 * i + 1]! << 8) | (data[3 * i + 2]! << 16)) << 8) >> 8);
    const top = 2 ** 23 - 1;
    expect(integers).toEqual([6291456, -6291456, 4194304, -4194304, top, -(2 ** 23), top, -(2 ** 23), 3, -3]);
    // Readers divide by 2^23 for both signs: every value inside full scale comes back exactly.
    const decoded = ffmpegDecode(await writeTemp('symmetric.wav', bytes));
    expect(Array.from(decoded)).toEqual([0.75, -0.75, 0.5, -0.5, top / 2 ** 23, -1, top / 2 ** 23, -1, 3 / 2 ** 23, -3 / 2 ** 23]);
  });

  it('writes stereo as two interleaved channels, M=stereo in the coding history', async () => {
    const [left, right] = [sine(440, 0.25, 48000, 0.5)[0]!, sine(12000, 0.25, 48000, 0.25)[0]!];
    const file = await writeTemp('stereo.wav', encodeBwfWav([left, right], 48000, 32, meta()));
    const probe = ffprobe(file);
    expect(probe.streams[0]).toMatchObject({ channels: 2, duration_ts: left.length, codec_name: 'pcm_f32le' });
    expect(probe.format.tags?.coding_history).toBe(`A=PCM,F=48000,W=32,M=stereo,T=Eureka ${APP_VERSION}\r\n`);
    const [decodedLeft, decodedRight] = ffmpegDecodeChannels(file, 2);
    expect(Array.from(decodedLeft!)).toEqual(Array.from(left));
    expect(Array.from(decodedRight!)).toEqual(Array.from(right));
  });

  it('writes LIST/INFO text as ASCII, which every reader shows the same', async () => {
    // INFO has no encoding field: readers take its bytes as Latin-1 or the system code page, so
    // UTF-8 "Café" shows as "CafÃ©". ASCII reads the same everywhere.
    const bytes = encodeBwfWav([Float32Array.of(0)], 48000, 24, meta({ name: 'Take 2 🎸', comment: 'source clip · Café 0:04–0:12' }));
    const listAt = Buffer.from(bytes).indexOf('LIST');
    const listSize = new DataView(bytes.buffer).getUint32(listAt + 4, true);
    expect(Array.from(bytes.subarray(listAt, listAt + 8 + listSize)).every((byte) => byte < 0x80)).toBe(true);
    const tags = ffprobe(await writeTemp('ascii-info.wav', bytes)).format.tags ?? {};
    expect(tags.title).toBe('Take 2 ?');
    expect(tags.comment).toBe('source clip - Cafe 0:04-0:12');
  });

  it('truncates a long description to its 256-byte field', async () => {
    const comment = 'x'.repeat(300);
    const bytes = encodeBwfWav([Float32Array.of(0)], 48000, 24, meta({ comment }));
    expect(Array.from(bytes.subarray(44, 44 + 256))).toEqual(ascii('x'.repeat(256)));
    expect(bytes[44 + 256]).toBe('E'.charCodeAt(0)); // Originator follows directly
    const file = await writeTemp('long.wav', bytes);
    expect(ffprobe(file).format.tags?.comment).toBe(comment); // INFO keeps it whole
    expect((await readFile(file)).length).toBe(bytes.length);
  });

  it('rejects NaN samples, unsupported depths and bad time references', () => {
    const code = (run: () => unknown): string | undefined => {
      try {
        run();
      } catch (error) {
        return error instanceof AppError ? error.code : 'not an AppError';
      }
      return undefined;
    };
    expect(code(() => encodeBwfWav([Float32Array.of(0, Number.NaN)], 48000, 24, meta()))).toBe('INVALID_SAMPLES');
    expect(code(() => encodeBwfWav([Float32Array.of(0)], 48000, 16 as 24, meta()))).toBe('INVALID_INPUT');
    expect(code(() => encodeBwfWav([Float32Array.of(0)], 48000, 24, meta({ timeReference: -1 })))).toBe('INVALID_INPUT');
    expect(code(() => encodeBwfWav([Float32Array.of(0)], 48000, 24, meta({ timeReference: 1.5 })))).toBe('INVALID_INPUT');
  });
});

describe('timeReferenceFor and foldToAscii', () => {
  it('places bar 1 at 01:00:00:00 and rounds the start to a sample', () => {
    expect(timeReferenceFor(0, 48000)).toBe(172_800_000);
    expect(timeReferenceFor(2.5, 44100)).toBe(3602.5 * 44100);
    expect(timeReferenceFor(1 / 3, 48000)).toBe(172_800_000 + 16000);
    expect(timeReferenceFor(0.00001, 48000)).toBe(172_800_000);
  });

  it('keeps ASCII, drops accents and replaces the rest', () => {
    expect(foldToAscii('Verse idea 3')).toBe('Verse idea 3');
    expect(foldToAscii('Ünïcödé – “quotes” ‘x’')).toBe('Unicode - "quotes" \'x\'');
    expect(foldToAscii('曲 🎸')).toBe('? ?'); // one mark per code point
  });
});
