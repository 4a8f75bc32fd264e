/**
 * Decoding an imported bounce into channels-first float samples, (C, T).
 *
 * The sample decoding itself is done by the maintained `audio-decode` family (pure JS for
 * WAV/AIFF/CAF, wasm libFLAC and mpg123 for FLAC/MP3). What this module adds is the part those
 * decoders leave out: they read whatever bytes are there and silently return fewer samples for a
 * truncated file, and they each walk container chunks their own way. So we read every header
 * ourselves first, check what it declares against what the file holds, and hand the decoder a
 * canonical header plus the exact audio payload. Every failure a user can cause becomes one
 * AppError whose one-line message starts with the file name.
 */
import decodeWith from 'audio-decode';
import { AppError, firstLine, type ErrorCode } from '../../common/errors.js';

/** A container we import, as detected from the bytes (never from the file name). */
export type AudioFormat = 'wav' | 'aiff' | 'flac' | 'mp3' | 'caf';

/** A decoded file: float samples in [-1, 1] (floats may exceed it), one array per channel. */
export interface DecodedAudio {
  format: AudioFormat;
  /** Frames per second; a whole number (AIFF's 80-bit rates are rounded). */
  sampleRate: number;
  /** (C, T) channels-first; every channel has the same length T. */
  channels: Float32Array[];
}

const NOT_AUDIO = 'not a recognised audio file (WAV, AIFF, FLAC, MP3 or CAF)';

/** Rates outside this range are a damaged header, not a real recording. */
const MIN_SAMPLE_RATE = 1000;
const MAX_SAMPLE_RATE = 768_000;

/** Channel counts above this are a damaged header (BS.1770 and our UI go to 7.1 and beyond, not 255). */
const MAX_CHANNELS = 64;

// ---- byte helpers ----------------------------------------------------------------------------

function ascii(bytes: Uint8Array, offset: number, length = 4): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(bytes[offset + i] ?? 0);
  return text;
}

function byteAt(bytes: Uint8Array, offset: number): number {
  return bytes[offset] ?? 0;
}

function u16le(bytes: Uint8Array, offset: number): number {
  return byteAt(bytes, offset) | (byteAt(bytes, offset + 1) << 8);
}

function u32le(bytes: Uint8Array, offset: number): number {
  return (u16le(bytes, offset) + u16le(bytes, offset + 2) * 0x10000) >>> 0;
}

function u64le(bytes: Uint8Array, offset: number): number {
  return u32le(bytes, offset) + u32le(bytes, offset + 4) * 0x1_0000_0000;
}

function u16be(bytes: Uint8Array, offset: number): number {
  return (byteAt(bytes, offset) << 8) | byteAt(bytes, offset + 1);
}

function u32be(bytes: Uint8Array, offset: number): number {
  return (u16be(bytes, offset) * 0x10000 + u16be(bytes, offset + 2)) >>> 0;
}

/** AIFF's 80-bit IEEE extended float (sign, 15-bit exponent, 64-bit mantissa with explicit 1). */
function f80be(bytes: Uint8Array, offset: number): number {
  const sign = byteAt(bytes, offset) & 0x80 ? -1 : 1;
  const exponent = ((byteAt(bytes, offset) & 0x7f) << 8) | byteAt(bytes, offset + 1);
  const mantissa = u32be(bytes, offset + 2) * 0x1_0000_0000 + u32be(bytes, offset + 6);
  if (exponent === 0 && mantissa === 0) return 0;
  if (exponent === 0x7fff) return Number.NaN;
  return sign * mantissa * 2 ** (exponent - 16383 - 63);
}

function fail(code: ErrorCode, name: string, problem: string): AppError {
  return new AppError(code, `${name}: ${problem}`);
}

function truncated(name: string, detail: string): AppError {
  return fail('CORRUPT_AUDIO', name, `the file is truncated (${detail})`);
}

// ---- detection -------------------------------------------------------------------------------

/** Size of an ID3v2 tag at `offset` (header, body and optional footer), or 0 when there is none. */
function id3v2Size(bytes: Uint8Array, offset: number): number {
  if (offset + 10 > bytes.length || ascii(bytes, offset, 3) !== 'ID3') return 0;
  const major = byteAt(bytes, offset + 3);
  const sizeBytes = [6, 7, 8, 9].map((i) => byteAt(bytes, offset + i));
  if (major === 0xff || sizeBytes.some((b) => b & 0x80)) return 0;
  const [a = 0, b = 0, c = 0, d = 0] = sizeBytes;
  const body = (a << 21) | (b << 14) | (c << 7) | d;
  const footer = byteAt(bytes, offset + 5) & 0x10 ? 10 : 0;
  return 10 + body + footer;
}

/** Where the audio starts after any ID3v2 tags and the zero padding some taggers leave. */
function skipId3(bytes: Uint8Array): number {
  let offset = 0;
  for (let size = id3v2Size(bytes, offset); size > 0; size = id3v2Size(bytes, offset)) offset += size;
  if (offset > 0) {
    const limit = Math.min(bytes.length, offset + 64 * 1024);
    while (offset < limit && bytes[offset] === 0) offset++;
  }
  return offset;
}

interface MpegHeader {
  /** 1 = MPEG-1, 2 = MPEG-2, 2.5 = MPEG-2.5 */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  sampleRate: number;
  samplesPerFrame: number;
  /** Bytes in this frame including the header; 0 for free-format streams (no bitrate index). */
  frameBytes: number;
  mono: boolean;
}

const MPEG_BITRATES_KBPS: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};

const MPEG_SAMPLE_RATES: Record<string, readonly number[]> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
};

/** Parses an MPEG audio frame header at `offset`, or returns null if the 4 bytes are not one. */
function mpegHeader(bytes: Uint8Array, offset: number): MpegHeader | null {
  if (offset + 4 > bytes.length) return null;
  const b1 = byteAt(bytes, offset + 1);
  const b2 = byteAt(bytes, offset + 2);
  const b3 = byteAt(bytes, offset + 3);
  if (byteAt(bytes, offset) !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const sampleRate = MPEG_SAMPLE_RATES[String(version)]?.[rateIndex] ?? 0;
  const kbps = MPEG_BITRATES_KBPS[`${version === 1 ? 1 : 2}-${layer}`]?.[bitrateIndex] ?? 0;
  const padding = (b2 >> 1) & 1;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  let frameBytes = 0;
  if (kbps > 0) {
    frameBytes =
      layer === 1
        ? (Math.floor((12 * kbps * 1000) / sampleRate) + padding) * 4
        : Math.floor(((samplesPerFrame / 8) * kbps * 1000) / sampleRate) + padding;
  }
  return { version, layer, sampleRate, samplesPerFrame, frameBytes, mono: b3 >> 6 === 3 };
}

/**
 * An MPEG stream is recognised by a frame header at `offset` whose frame is either the whole
 * file or followed by a second header of the same stream (one header alone is 4 bytes that
 * random data matches about once in 2,000 files).
 */
function looksLikeMpeg(bytes: Uint8Array, offset: number): boolean {
  const first = mpegHeader(bytes, offset);
  if (!first) return false;
  if (first.frameBytes === 0) return true;
  const next = offset + first.frameBytes;
  if (next > bytes.length) return false;
  if (next === bytes.length) return true;
  const second = mpegHeader(bytes, next);
  return second !== null && second.version === first.version && second.layer === first.layer;
}

/**
 * The container of `bytes`, from magic numbers only: RIFF/RF64/BW64 + WAVE, FORM + AIFF/AIFC,
 * fLaC (also after an ID3v2 tag), an MPEG audio frame (after an optional ID3v2 tag), caff.
 * Returns null for anything else.
 */
export function detectFormat(bytes: Uint8Array): AudioFormat | null {
  if (bytes.length < 4) return null;
  const magic = ascii(bytes, 0);
  if ((magic === 'RIFF' || magic === 'RF64' || magic === 'BW64') && ascii(bytes, 8) === 'WAVE') return 'wav';
  if (magic === 'FORM' && (ascii(bytes, 8) === 'AIFF' || ascii(bytes, 8) === 'AIFC')) return 'aiff';
  if (magic === 'caff') return 'caf';
  if (magic === 'fLaC') return 'flac';
  const start = skipId3(bytes);
  if (start > 0) {
    if (ascii(bytes, start) === 'fLaC') return 'flac';
    // An ID3v2 tag marks an MP3; if the frames after it are damaged, decoding says so.
    return 'mp3';
  }
  return looksLikeMpeg(bytes, 0) ? 'mp3' : null;
}

// ---- container inspection --------------------------------------------------------------------

/** What a container's own header promises, read before any decoder runs. */
interface Inspection {
  /** Bytes to hand the decoder, in order: usually a canonical header and the audio payload. */
  parts: Uint8Array[];
  /** Frames the header declares; null when the container does not say (MP3 without a tag). */
  expectedFrames: number | null;
  /** Frames per second as declared (the decoder reports its own; they must agree). */
  sampleRate: number;
}

function checkRate(name: string, rate: number): void {
  if (!Number.isFinite(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
    throw fail('CORRUPT_AUDIO', name, `the header declares an impossible sample rate (${rate} Hz)`);
  }
}

function checkChannels(name: string, channels: number): void {
  if (channels < 1 || channels > MAX_CHANNELS) {
    throw fail('CORRUPT_AUDIO', name, `the header declares ${channels} channels`);
  }
}

function noSamples(name: string): AppError {
  return fail('EMPTY_AUDIO', name, 'the file contains no samples');
}

const KSDATAFORMAT_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];

interface WavFmt {
  /** 1 = integer PCM, 3 = IEEE float (WAVE_FORMAT_EXTENSIBLE resolved to its SubFormat). */
  tag: 1 | 3;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bits: number;
}

function parseWavFmt(bytes: Uint8Array, body: number, size: number, name: string): WavFmt {
  if (size < 16 || body + 16 > bytes.length)
    throw fail('CORRUPT_AUDIO', name, "the WAV 'fmt ' chunk is cut short");
  let tag = u16le(bytes, body);
  const channels = u16le(bytes, body + 2);
  const sampleRate = u32le(bytes, body + 4);
  const blockAlign = u16le(bytes, body + 12);
  const bits = u16le(bytes, body + 14);
  if (tag === 0xfffe) {
    if (size < 40 || body + 40 > bytes.length) {
      throw fail('CORRUPT_AUDIO', name, 'the WAVE_FORMAT_EXTENSIBLE header is cut short');
    }
    const standardGuid = KSDATAFORMAT_TAIL.every((b, i) => bytes[body + 26 + i] === b);
    tag = standardGuid ? u16le(bytes, body + 24) : 0;
  }
  checkChannels(name, channels);
  checkRate(name, sampleRate);
  const pcm = tag === 1 && (bits === 8 || bits === 16 || bits === 24 || bits === 32);
  const float = tag === 3 && (bits === 32 || bits === 64);
  if (!pcm && !float) {
    const what =
      tag === 1 ? `${bits}-bit PCM` : tag === 3 ? `${bits}-bit float` : `encoding 0x${tag.toString(16)}`;
    throw fail(
      'UNSUPPORTED_FORMAT',
      name,
      `WAV ${what} is not supported (save it as 16/24/32-bit PCM or 32-bit float)`,
    );
  }
  if (blockAlign !== (channels * bits) / 8) {
    throw fail(
      'CORRUPT_AUDIO',
      name,
      `the WAV block size (${blockAlign} bytes) does not match ${channels} × ${bits}-bit`,
    );
  }
  return { tag: tag as 1 | 3, channels, sampleRate, blockAlign, bits };
}

/** A 44-byte canonical RIFF header for `fmt` and `dataBytes` of payload. */
function canonicalWavHeader(fmt: WavFmt, dataBytes: number): Uint8Array {
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  header.set([0x52, 0x49, 0x46, 0x46], 0); // RIFF
  view.setUint32(4, Math.min(0xffff_fffe, 36 + dataBytes), true);
  header.set([0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20], 8); // WAVEfmt␠
  view.setUint32(16, 16, true);
  view.setUint16(20, fmt.tag, true);
  view.setUint16(22, fmt.channels, true);
  view.setUint32(24, fmt.sampleRate, true);
  view.setUint32(28, fmt.sampleRate * fmt.blockAlign, true);
  view.setUint16(32, fmt.blockAlign, true);
  view.setUint16(34, fmt.bits, true);
  header.set([0x64, 0x61, 0x74, 0x61], 36); // data
  view.setUint32(40, dataBytes, true);
  return header;
}

function inspectWav(bytes: Uint8Array, name: string): Inspection {
  const rf64 = ascii(bytes, 0) !== 'RIFF';
  let ds64DataSize: number | null = null;
  let fmt: WavFmt | null = null;
  let pos = 12;
  for (;;) {
    if (pos + 8 > bytes.length) {
      throw fmt
        ? truncated(name, "it ends before the WAV 'data' chunk")
        : truncated(name, "it ends before the WAV 'fmt ' chunk");
    }
    const id = ascii(bytes, pos);
    const size = u32le(bytes, pos + 4);
    const body = pos + 8;
    if (id === 'ds64' && rf64) {
      if (body + 16 > bytes.length) throw truncated(name, "it ends inside the RF64 'ds64' chunk");
      ds64DataSize = u64le(bytes, body + 8);
    } else if (id === 'fmt ') {
      fmt = parseWavFmt(bytes, body, size, name);
    } else if (id === 'data') {
      if (!fmt) throw fail('CORRUPT_AUDIO', name, "the WAV 'data' chunk comes before its 'fmt ' chunk");
      let dataBytes = size;
      if (size === 0xffff_ffff)
        dataBytes = rf64 && ds64DataSize !== null ? ds64DataSize : bytes.length - body;
      const frames = Math.floor(dataBytes / fmt.blockAlign);
      if (frames === 0) throw noSamples(name);
      if (body + dataBytes > bytes.length) {
        throw truncated(
          name,
          `the header declares ${dataBytes} bytes of audio, ${bytes.length - body} are present`,
        );
      }
      const payload = bytes.subarray(body, body + frames * fmt.blockAlign);
      return {
        parts: [canonicalWavHeader(fmt, payload.length), payload],
        expectedFrames: frames,
        sampleRate: fmt.sampleRate,
      };
    }
    pos = body + size + (size & 1);
  }
}

/** AIFF-C compression types we decode, and the bytes one sample takes (null: from bit depth). */
const AIFC_TYPES: Record<string, number | null> = {
  NONE: null,
  twos: null,
  sowt: null,
  fl32: 4,
  FL32: 4,
  fl64: 8,
  FL64: 8,
};

function inspectAiff(bytes: Uint8Array, name: string): Inspection {
  const aifc = ascii(bytes, 8) === 'AIFC';
  let comm: { offset: number; size: number } | null = null;
  let ssnd: { dataStart: number; dataBytes: number } | null = null;
  let pos = 12;
  while (pos + 8 <= bytes.length && (!comm || !ssnd)) {
    const id = ascii(bytes, pos);
    const size = u32be(bytes, pos + 4);
    const body = pos + 8;
    if (id === 'COMM') {
      if (size < 18 || body + 18 > bytes.length)
        throw truncated(name, "it ends inside the AIFF 'COMM' chunk");
      comm = { offset: body, size };
    } else if (id === 'SSND') {
      if (size < 8 || body + 8 > bytes.length) throw truncated(name, "it ends inside the AIFF 'SSND' chunk");
      const skip = u32be(bytes, body);
      if (skip > size - 8)
        throw fail('CORRUPT_AUDIO', name, "the AIFF 'SSND' chunk has an impossible offset");
      ssnd = { dataStart: body + 8 + skip, dataBytes: size - 8 - skip };
    }
    pos = body + size + (size & 1);
  }
  if (!comm) throw fail('CORRUPT_AUDIO', name, "the AIFF file has no 'COMM' chunk (it may be truncated)");
  const channels = u16be(bytes, comm.offset);
  const frames = u32be(bytes, comm.offset + 2);
  const bits = u16be(bytes, comm.offset + 6);
  const sampleRate = f80be(bytes, comm.offset + 8);
  let compression = 'NONE';
  if (aifc) {
    if (comm.size < 22 || comm.offset + 22 > bytes.length)
      throw truncated(name, "it ends inside the AIFF-C 'COMM' chunk");
    compression = ascii(bytes, comm.offset + 18);
  }
  checkChannels(name, channels);
  checkRate(name, sampleRate);
  if (!(compression in AIFC_TYPES)) {
    throw fail(
      'UNSUPPORTED_FORMAT',
      name,
      `AIFF-C compression '${compression.trim()}' is not supported (save it as PCM AIFF or WAV)`,
    );
  }
  const sampleBytes = AIFC_TYPES[compression] ?? (bits === 16 || bits === 24 || bits === 32 ? bits / 8 : 0);
  if (sampleBytes === 0) {
    throw fail(
      'UNSUPPORTED_FORMAT',
      name,
      `${bits}-bit AIFF is not supported (save it as 16/24/32-bit or float)`,
    );
  }
  if (frames === 0) throw noSamples(name);
  if (!ssnd) throw truncated(name, "it has no 'SSND' sound data");
  const needed = frames * channels * sampleBytes;
  if (ssnd.dataStart + Math.min(needed, ssnd.dataBytes) > bytes.length) {
    throw truncated(
      name,
      `the header declares ${needed} bytes of audio, ${Math.max(0, bytes.length - ssnd.dataStart)} are present`,
    );
  }
  if (ssnd.dataBytes < needed) {
    throw fail('CORRUPT_AUDIO', name, `the header declares ${frames} frames but the sound data holds fewer`);
  }
  // Canonical FORM: the COMM chunk as written, then an SSND with offset 0 and exactly the payload.
  const commBytes = bytes.subarray(comm.offset - 8, comm.offset + comm.size + (comm.size & 1));
  const ssndHeader = new Uint8Array(16);
  const ssndView = new DataView(ssndHeader.buffer);
  ssndHeader.set([0x53, 0x53, 0x4e, 0x44], 0); // SSND
  ssndView.setUint32(4, 8 + needed);
  const formHeader = new Uint8Array(12);
  const formView = new DataView(formHeader.buffer);
  formHeader.set(bytes.subarray(0, 4), 0);
  formView.setUint32(4, Math.min(0xffff_ffff, 4 + commBytes.length + 16 + needed));
  formHeader.set(bytes.subarray(8, 12), 8);
  const payload = bytes.subarray(ssnd.dataStart, ssnd.dataStart + needed);
  return {
    parts: [formHeader, commBytes, ssndHeader, payload],
    expectedFrames: frames,
    sampleRate,
  };
}

function inspectCaf(bytes: Uint8Array, name: string): Inspection {
  if (u16be(bytes, 4) !== 1)
    throw fail('UNSUPPORTED_FORMAT', name, `CAF version ${u16be(bytes, 4)} is not supported`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let desc: number | null = null;
  let pos = 8;
  for (;;) {
    if (pos + 12 > bytes.length) {
      throw desc === null
        ? truncated(name, "it ends before the CAF 'desc' chunk")
        : truncated(name, "it ends before the CAF 'data' chunk");
    }
    const id = ascii(bytes, pos);
    const sizeHi = u32be(bytes, pos + 4);
    const sizeLo = u32be(bytes, pos + 8);
    const untilEnd = sizeHi === 0xffff_ffff && sizeLo === 0xffff_ffff;
    const size = sizeHi * 0x1_0000_0000 + sizeLo;
    const body = pos + 12;
    if (id === 'desc') {
      if (body + 32 > bytes.length) throw truncated(name, "it ends inside the CAF 'desc' chunk");
      desc = body;
    } else if (id === 'data') {
      if (desc === null)
        throw fail('CORRUPT_AUDIO', name, "the CAF 'data' chunk comes before its 'desc' chunk");
      return cafPayload(bytes, view, name, desc, body, untilEnd ? null : size);
    } else if (untilEnd) {
      throw fail('CORRUPT_AUDIO', name, `the CAF '${id}' chunk has no size`);
    }
    pos = body + size;
  }
}

function cafPayload(
  bytes: Uint8Array,
  view: DataView,
  name: string,
  desc: number,
  dataChunk: number,
  dataChunkSize: number | null,
): Inspection {
  const sampleRate = view.getFloat64(desc, false);
  const formatId = ascii(bytes, desc + 8);
  const flags = u32be(bytes, desc + 12);
  const bytesPerPacket = u32be(bytes, desc + 16);
  const framesPerPacket = u32be(bytes, desc + 20);
  const channels = u32be(bytes, desc + 24);
  const bits = u32be(bytes, desc + 28);
  if (formatId !== 'lpcm') {
    throw fail(
      'UNSUPPORTED_FORMAT',
      name,
      `CAF with '${formatId.trim()}' audio is not supported (bounce it as PCM)`,
    );
  }
  checkChannels(name, channels);
  checkRate(name, sampleRate);
  const isFloat = (flags & 1) !== 0;
  const validBits = isFloat ? bits === 32 || bits === 64 : bits === 16 || bits === 24 || bits === 32;
  if (!validBits || framesPerPacket !== 1 || bytesPerPacket !== (channels * bits) / 8) {
    throw fail(
      'UNSUPPORTED_FORMAT',
      name,
      `CAF ${bits}-bit ${isFloat ? 'float' : 'integer'} PCM in this layout is not supported (bounce it as 16/24-bit or float)`,
    );
  }
  if (dataChunk + 4 > bytes.length) throw truncated(name, "it ends inside the CAF 'data' chunk");
  const dataStart = dataChunk + 4; // after the edit count
  const dataBytes = dataChunkSize === null ? bytes.length - dataStart : dataChunkSize - 4;
  const frames = Math.floor(Math.max(0, dataBytes) / bytesPerPacket);
  if (frames === 0) throw noSamples(name);
  if (dataStart + dataBytes > bytes.length) {
    throw truncated(
      name,
      `the header declares ${dataBytes} bytes of audio, ${bytes.length - dataStart} are present`,
    );
  }
  const header = new Uint8Array(8 + 12 + 32 + 12 + 4);
  const headerView = new DataView(header.buffer);
  header.set([0x63, 0x61, 0x66, 0x66, 0, 1, 0, 0], 0); // caff, version 1, flags 0
  header.set([0x64, 0x65, 0x73, 0x63], 8); // desc
  headerView.setUint32(16, 32);
  header.set(bytes.subarray(desc, desc + 32), 20);
  header.set([0x64, 0x61, 0x74, 0x61], 52); // data
  const payloadBytes = frames * bytesPerPacket;
  headerView.setUint32(56, Math.floor((payloadBytes + 4) / 0x1_0000_0000));
  headerView.setUint32(60, (payloadBytes + 4) >>> 0);
  // bytes 64..67: edit count 0
  return {
    parts: [header, bytes.subarray(dataStart, dataStart + payloadBytes)],
    expectedFrames: frames,
    sampleRate,
  };
}

function inspectFlac(bytes: Uint8Array, name: string): Inspection {
  const start = skipId3(bytes);
  if (ascii(bytes, start) !== 'fLaC') throw fail('CORRUPT_AUDIO', name, 'the FLAC stream marker is missing');
  let pos = start + 4;
  if (pos + 4 + 34 > bytes.length) throw truncated(name, 'it ends inside the FLAC STREAMINFO block');
  if ((byteAt(bytes, pos) & 0x7f) !== 0 || u16be(bytes, pos + 2) + byteAt(bytes, pos + 1) * 0x10000 < 34) {
    throw fail('CORRUPT_AUDIO', name, 'the FLAC stream does not start with a STREAMINFO block');
  }
  const info = pos + 4;
  const sampleRate =
    (byteAt(bytes, info + 10) << 12) | (byteAt(bytes, info + 11) << 4) | (byteAt(bytes, info + 12) >> 4);
  const channels = ((byteAt(bytes, info + 12) >> 1) & 7) + 1;
  const totalFrames = (byteAt(bytes, info + 13) & 0x0f) * 0x1_0000_0000 + u32be(bytes, info + 14);
  checkRate(name, sampleRate);
  checkChannels(name, channels);
  for (;;) {
    if (pos + 4 > bytes.length) throw truncated(name, 'it ends inside the FLAC metadata');
    const last = (byteAt(bytes, pos) & 0x80) !== 0;
    const length = (byteAt(bytes, pos + 1) << 16) | u16be(bytes, pos + 2);
    pos += 4 + length;
    if (pos > bytes.length) throw truncated(name, 'it ends inside the FLAC metadata');
    if (last) break;
  }
  if (pos >= bytes.length) {
    if (totalFrames === 0) throw noSamples(name);
    throw truncated(name, `the header declares ${totalFrames} frames, the file ends before the first`);
  }
  return {
    parts: [bytes.subarray(start)],
    expectedFrames: totalFrames === 0 ? null : totalFrames,
    sampleRate,
  };
}

/**
 * MP3 has no container, so truncation shows as a last frame that runs past the end of the file.
 * We walk the frame chain (linear, stops at the first non-frame: an ID3v1 or APE tag) and refuse
 * a cut-off frame. A file cut exactly at a frame boundary is a valid, shorter MP3.
 */
function inspectMp3(bytes: Uint8Array, name: string): Inspection {
  const start = skipId3(bytes);
  const first = mpegHeader(bytes, start);
  if (!first) {
    throw start >= bytes.length
      ? noSamples(name)
      : fail('CORRUPT_AUDIO', name, 'no MP3 audio frame follows the ID3 tag');
  }
  let pos = start;
  if (first.frameBytes > 0) {
    for (;;) {
      const header = mpegHeader(bytes, pos);
      if (
        !header ||
        header.frameBytes === 0 ||
        header.layer !== first.layer ||
        header.version !== first.version
      )
        break;
      pos += header.frameBytes;
    }
    if (pos > bytes.length) throw truncated(name, 'its last MP3 frame is cut off');
  }
  return { parts: [bytes.subarray(start)], expectedFrames: null, sampleRate: first.sampleRate };
}

const INSPECTORS: Record<AudioFormat, (bytes: Uint8Array, name: string) => Inspection> = {
  wav: inspectWav,
  aiff: inspectAiff,
  caf: inspectCaf,
  flac: inspectFlac,
  mp3: inspectMp3,
};

// ---- decoding --------------------------------------------------------------------------------

/** Joins the pieces a streaming decoder returned, per channel. */
function concatChannels(pieces: Float32Array[][], channelCount: number): Float32Array[] {
  return Array.from({ length: channelCount }, (_, c) => {
    const parts = pieces.map((piece) => piece[c] ?? piece[0] ?? new Float32Array(0));
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const out = new Float32Array(total);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  });
}

async function runDecoder(
  format: AudioFormat,
  parts: Uint8Array[],
): Promise<{ pieces: Float32Array[][]; sampleRate: number }> {
  const decoder = await decodeWith[format]();
  const pieces: Float32Array[][] = [];
  let sampleRate = 0;
  const keep = (result: { channelData: Float32Array[]; sampleRate: number }): void => {
    if (result.channelData.length > 0 && (result.channelData[0]?.length ?? 0) > 0) {
      pieces.push(result.channelData);
      sampleRate = result.sampleRate;
    }
  };
  for (const part of parts) {
    if (part.length > 0) keep(await decoder(part));
  }
  keep(await decoder()); // end of stream: flush and free
  return { pieces, sampleRate };
}

function findNonFinite(channels: Float32Array[]): boolean {
  for (const channel of channels) {
    for (let i = 0; i < channel.length; i++) {
      const v = channel[i] as number;
      if (v - v !== 0) return true; // NaN - NaN and Inf - Inf are both NaN
    }
  }
  return false;
}

/**
 * Decodes a whole file. `name` is the file's display name and starts every error message.
 * Throws AppError: EMPTY_AUDIO (no bytes or no samples), UNSUPPORTED_FORMAT (not one of our
 * containers, or an encoding inside it we do not read), CORRUPT_AUDIO (damaged or truncated),
 * INVALID_SAMPLES (NaN or infinite float samples).
 */
export async function decodeAudio(input: Uint8Array, name: string): Promise<DecodedAudio> {
  // A Node Buffer's slice() is a view where Uint8Array's is a copy; the decoders slice chunks
  // and view them as Float32Array, which a view at an odd file offset cannot be. A plain
  // Uint8Array over the same memory gives every caller the copying slice.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length === 0) throw fail('EMPTY_AUDIO', name, 'the file is empty');
  const format = detectFormat(bytes);
  if (!format) throw fail('UNSUPPORTED_FORMAT', name, NOT_AUDIO);
  const inspection = INSPECTORS[format](bytes, name);

  let decoded: { pieces: Float32Array[][]; sampleRate: number };
  try {
    decoded = await runDecoder(format, inspection.parts);
  } catch (error) {
    const reason = error instanceof Error ? firstLine(error.message) : firstLine(String(error));
    throw fail('CORRUPT_AUDIO', name, `the ${format.toUpperCase()} data could not be decoded (${reason})`);
  }
  const channelCount = Math.max(0, ...decoded.pieces.map((piece) => piece.length));
  const channels = concatChannels(decoded.pieces, channelCount);
  const frames = channels[0]?.length ?? 0;
  if (inspection.expectedFrames !== null && frames < inspection.expectedFrames) {
    // PCM containers were size-checked above, so this is a FLAC stream cut or damaged mid-frame.
    throw fail(
      'CORRUPT_AUDIO',
      name,
      `the file is truncated or damaged (the header declares ${inspection.expectedFrames} frames, only ${frames} could be decoded)`,
    );
  }
  if (frames === 0) {
    throw fail(
      'CORRUPT_AUDIO',
      name,
      `the ${format.toUpperCase()} data could not be decoded (no samples came out)`,
    );
  }
  if (inspection.expectedFrames !== null && frames > inspection.expectedFrames) {
    for (let c = 0; c < channels.length; c++) {
      channels[c] = (channels[c] as Float32Array).subarray(0, inspection.expectedFrames);
    }
  }
  const sampleRate = Math.round(decoded.sampleRate || inspection.sampleRate);
  checkRate(name, sampleRate);
  if (findNonFinite(channels)) throw fail('INVALID_SAMPLES', name, 'contains NaN or infinite samples');
  return { format, sampleRate, channels };
}
