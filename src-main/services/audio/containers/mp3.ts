/**
 * MPEG audio (MP3 and its layer 1/2 siblings) and the ID3v2 tags that may precede it or a FLAC
 * stream: frame headers, tag sizes, recognising a stream from two consecutive frames, and the
 * walk that refuses a last frame cut off (MP3 has no container that declares a length).
 */
import {
  ascii,
  byteAt,
  checkDeclaredLength,
  fail,
  noSamples,
  truncated,
  u32be,
  type InspectOptions,
  type Inspection,
} from './header-bytes.js';

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
export function skipId3(bytes: Uint8Array): number {
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
export function looksLikeMpeg(bytes: Uint8Array, offset: number): boolean {
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
 * The frame count a Xing/Info tag (LAME, most encoders) or a VBRI tag (Fraunhofer) declares in
 * the first frame of a layer III stream, or null when there is none.
 */
function taggedFrameCount(bytes: Uint8Array, offset: number, header: MpegHeader): number | null {
  if (header.layer !== 3) return null;
  const sideInfo = header.version === 1 ? (header.mono ? 17 : 32) : header.mono ? 9 : 17;
  const xing = offset + 4 + sideInfo;
  const tag = ascii(bytes, xing);
  if ((tag === 'Xing' || tag === 'Info') && (u32be(bytes, xing + 4) & 1) !== 0) return u32be(bytes, xing + 8);
  const vbri = offset + 4 + 32;
  return ascii(bytes, vbri) === 'VBRI' ? u32be(bytes, vbri + 14) : null;
}

/**
 * Frames an MP3's length is checked with: a decoder drops the encoder's delay and padding,
 * under two frames together, so a stream at the limit by its frame count is not refused.
 */
const MP3_SLACK_FRAMES = 2;

/**
 * MP3 has no container, so truncation shows as a last frame that runs past the end of the file.
 * We walk the frame chain (linear, stops at the first non-frame: an ID3v1 or APE tag) and refuse
 * a cut-off frame. A file cut exactly at a frame boundary is a valid, shorter MP3. The walk
 * counts the frames, so the length is checked before decoding; from only the file's first
 * bytes, the count comes from a Xing or VBRI tag when there is one.
 */
export function inspectMp3(bytes: Uint8Array, name: string, options: InspectOptions): Inspection {
  const start = skipId3(bytes);
  const first = mpegHeader(bytes, start);
  if (!first) {
    throw start >= bytes.length
      ? noSamples(name)
      : fail('CORRUPT_AUDIO', name, 'no MP3 audio frame follows the ID3 tag');
  }
  const checkFrames = (frames: number): void =>
    checkDeclaredLength(name, Math.max(0, frames - MP3_SLACK_FRAMES) * first.samplesPerFrame, first.sampleRate, options);
  const whole = bytes.length >= options.fileSize;
  const tagged = whole ? null : taggedFrameCount(bytes, start, first);
  if (tagged !== null) checkFrames(tagged);
  let pos = start;
  if (first.frameBytes > 0) {
    let frames = 0;
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
      frames++;
    }
    if (whole) checkFrames(frames);
    if (pos > bytes.length) throw truncated(name, 'its last MP3 frame is cut off');
  }
  return { parts: [bytes.subarray(start)], expectedFrames: null, sampleRate: first.sampleRate };
}
