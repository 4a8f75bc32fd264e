/**
 * WAV (RIFF, and RF64/BW64 with their ds64 sizes): PCM 8/16/24/32-bit or float 32/64, plain or
 * WAVE_FORMAT_EXTENSIBLE. The decoder gets a canonical 44-byte header and exactly the frames the
 * data chunk declares, after the file was checked to hold them.
 */
import {
  ascii,
  checkChannels,
  checkDeclaredLength,
  checkRate,
  fail,
  noSamples,
  truncated,
  u16le,
  u32le,
  u64le,
  type InspectOptions,
  type Inspection,
} from './header-bytes.js';

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

export function inspectWav(bytes: Uint8Array, name: string, options: InspectOptions): Inspection {
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
        dataBytes = rf64 && ds64DataSize !== null ? ds64DataSize : options.fileSize - body;
      const frames = Math.floor(dataBytes / fmt.blockAlign);
      if (frames === 0) throw noSamples(name);
      checkDeclaredLength(name, frames, fmt.sampleRate, options);
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
