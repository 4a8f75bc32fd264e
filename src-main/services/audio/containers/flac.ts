/**
 * FLAC (native, also after an ID3v2 tag): STREAMINFO's rate, channels and total frames are
 * read and the metadata blocks walked, so a file that ends before its first audio frame is
 * refused here; one cut mid-stream shows as fewer decoded frames than STREAMINFO declares.
 */
import {
  ascii,
  byteAt,
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
import { skipId3 } from './mp3.js';

export function inspectFlac(bytes: Uint8Array, name: string, options: InspectOptions): Inspection {
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
  // 0 is "unknown" (a stream written live): then only the decoded length can be checked.
  if (totalFrames > 0) checkDeclaredLength(name, totalFrames, sampleRate, options);
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
