/**
 * AIFF and AIFF-C (uncompressed, or the float and byte-swapped types): the COMM chunk's frame
 * count is checked against the SSND payload, and the decoder gets a canonical FORM with exactly
 * that payload.
 */
import {
  ascii,
  checkChannels,
  checkDeclaredLength,
  checkRate,
  f80be,
  fail,
  noSamples,
  truncated,
  u32be,
  u16be,
  type InspectOptions,
  type Inspection,
} from './header-bytes.js';

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

export function inspectAiff(bytes: Uint8Array, name: string, options: InspectOptions): Inspection {
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
  checkDeclaredLength(name, frames, sampleRate, options);
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
