/**
 * CAF (Apple's Core Audio Format), linear PCM only: the desc chunk's layout is checked and the
 * decoder gets a canonical header and the whole frames of the data chunk.
 */
import {
  ascii,
  checkChannels,
  checkDeclaredLength,
  checkRate,
  fail,
  noSamples,
  truncated,
  u16be,
  u32be,
  type InspectOptions,
  type Inspection,
} from './header-bytes.js';

export function inspectCaf(bytes: Uint8Array, name: string, options: InspectOptions): Inspection {
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
      return cafPayload(bytes, view, name, desc, body, untilEnd ? null : size, options);
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
  options: InspectOptions,
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
  const dataBytes = dataChunkSize === null ? options.fileSize - dataStart : dataChunkSize - 4;
  const frames = Math.floor(Math.max(0, dataBytes) / bytesPerPacket);
  if (frames === 0) throw noSamples(name);
  checkDeclaredLength(name, frames, sampleRate, options);
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
