/**
 * A small RIFF/WAVE writer for the copies we produce ourselves: the 16-bit playback copy the UI
 * streams, generated takes, the demo clip. No library: the format is a 44-byte header, and the
 * one that exist (wavefile) write float files without the `fact` chunk and with a 16-byte fmt.
 *
 * Layout (little-endian), per Microsoft's WAVEFORMATEX / WAVEFORMATEXTENSIBLE docs:
 * - integer PCM, 1-2 channels: format tag 1, `fmt ` of 16 bytes;
 * - 32-bit float, 1-2 channels: tag 3, `fmt ` of 18 bytes (cbSize 0) and a `fact` chunk;
 * - more than 2 channels: WAVE_FORMAT_EXTENSIBLE (0xFFFE, cbSize 22, channel mask 0 = no
 *   speaker positions claimed), plus `fact` for float;
 * - `data` is padded to an even length.
 * Integers are written deterministically: clip to [-1, 1], scale negatives by 2^(n-1) and
 * positives by 2^(n-1) - 1 (the inverse of how our decoder reads them, so decode → encode at the
 * same depth is lossless), round half away from zero; no dither unless the caller passes a
 * DitherSource (dither.ts), whose value in LSBs is added before rounding and the result clamped
 * to the format's range.
 */
import { AppError } from '../../common/errors.js';

/** The sample format of a written file; `float` is only valid with 32 bits. */
export interface WavFormat {
  bitDepth: 16 | 24 | 32;
  float?: boolean;
}

/** Dither for integer writes: one value per sample, in LSBs (dither.ts makes TPDF). */
export type DitherSource = () => number;

const KSDATAFORMAT_SUBTYPE_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];

/**
 * Rounds half away from zero (Math.round rounds -2.5 to -2) for values in [-2^31, 2^31 - 1],
 * the range of a clipped sample scaled to 32 bits. `| 0` truncates toward zero, and it is the
 * fast path in every JS engine.
 */
function roundHalfAway(value: number): number {
  return value < 0 ? (value - 0.5) | 0 : (value + 0.5) | 0;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Interleaves (C, T) channels into `data` as little-endian samples. One channel at a time with
 * a stride, through a typed array in native order where the host is little-endian (all the
 * platforms Electron ships on): DataView calls per sample are several times slower.
 */
function writeSamples(data: Uint8Array, channels: Float32Array[], bitDepth: 16 | 24 | 32, isFloat: boolean, dither?: DitherSource): void {
  const channelCount = channels.length;
  const frames = channels[0]?.length ?? 0;
  const negativeScale = 2 ** (bitDepth - 1);
  const positiveScale = negativeScale - 1;
  const bytesPerSample = bitDepth / 8;
  const fast = LITTLE_ENDIAN_HOST && bitDepth !== 24;
  // Typed arrays need an aligned offset: fill one over a fresh buffer, then copy the bytes.
  const samples = fast
    ? isFloat
      ? new Float32Array(frames * channelCount)
      : bitDepth === 16
        ? new Int16Array(frames * channelCount)
        : new Int32Array(frames * channelCount)
    : null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  channels.forEach((channel, c) => {
    for (let t = 0, i = c; t < frames; t++, i += channelCount) {
      const sample = channel[t] as number;
      if (sample - sample !== 0) {
        throw new AppError(
          'INVALID_SAMPLES',
          `cannot write a WAV: channel ${c + 1} has a NaN or infinite sample at frame ${t}`,
        );
      }
      let value = sample;
      if (!isFloat) {
        const clipped = sample > 1 ? 1 : sample < -1 ? -1 : sample;
        value = clipped * (clipped < 0 ? negativeScale : positiveScale);
        if (dither) value = Math.min(positiveScale, Math.max(-negativeScale, value + dither()));
        value = roundHalfAway(value);
      }
      if (samples) {
        samples[i] = value;
      } else if (isFloat) {
        view.setFloat32(i * 4, value, true);
      } else if (bitDepth === 24) {
        const at = i * 3;
        data[at] = value & 0xff;
        data[at + 1] = (value >> 8) & 0xff;
        data[at + 2] = (value >> 16) & 0xff;
      } else if (bitDepth === 16) {
        view.setInt16(i * bytesPerSample, value, true);
      } else {
        view.setInt32(i * bytesPerSample, value, true);
      }
    }
  });
  if (samples) data.set(new Uint8Array(samples.buffer, 0, data.length));
}

/**
 * Encodes (C, T) float channels as a WAV file. Throws AppError INVALID_INPUT for no channels,
 * channels of different lengths, a bad rate, float at 16/24 bits or a file over 4 GiB, and
 * INVALID_SAMPLES for NaN or infinite samples (a file we write must decode cleanly). `dither`
 * applies to integer formats only.
 */
export function encodeWav(
  audio: { sampleRate: number; channels: Float32Array[] },
  format: WavFormat,
  dither?: DitherSource,
): Uint8Array {
  const { sampleRate, channels } = audio;
  const channelCount = channels.length;
  const frames = channels[0]?.length ?? 0;
  const isFloat = format.float === true;
  if (channelCount === 0 || channelCount > 0xffff) {
    throw new AppError('INVALID_INPUT', `cannot write a WAV with ${channelCount} channels`);
  }
  if (channels.some((channel) => channel.length !== frames)) {
    throw new AppError('INVALID_INPUT', 'cannot write a WAV whose channels have different lengths');
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffff_ffff) {
    throw new AppError('INVALID_INPUT', `cannot write a WAV at ${sampleRate} Hz`);
  }
  if (format.bitDepth !== 16 && format.bitDepth !== 24 && format.bitDepth !== 32) {
    throw new AppError('INVALID_INPUT', `cannot write a ${String(format.bitDepth)}-bit WAV`);
  }
  if (isFloat && format.bitDepth !== 32) {
    throw new AppError('INVALID_INPUT', `cannot write ${format.bitDepth}-bit float WAV (float is 32-bit)`);
  }
  const bytesPerSample = format.bitDepth / 8;
  const blockAlign = channelCount * bytesPerSample;
  const dataBytes = frames * blockAlign;
  const extensible = channelCount > 2;
  const fmtBytes = extensible ? 40 : isFloat ? 18 : 16;
  const factBytes = isFloat ? 12 : 0;
  const headerBytes = 12 + 8 + fmtBytes + factBytes + 8;
  const padding = dataBytes & 1;
  const total = headerBytes + dataBytes + padding;
  if (total - 8 > 0xffff_ffff) {
    throw new AppError('INVALID_INPUT', 'cannot write a WAV over 4 GiB');
  }

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const writeId = (offset: number, id: string): void => {
    for (let i = 0; i < 4; i++) out[offset + i] = id.charCodeAt(i);
  };
  writeId(0, 'RIFF');
  view.setUint32(4, total - 8, true);
  writeId(8, 'WAVE');
  writeId(12, 'fmt ');
  view.setUint32(16, fmtBytes, true);
  const tag = isFloat ? 3 : 1;
  view.setUint16(20, extensible ? 0xfffe : tag, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, format.bitDepth, true);
  let pos = 36;
  if (extensible) {
    view.setUint16(36, 22, true); // cbSize
    view.setUint16(38, format.bitDepth, true); // valid bits
    view.setUint32(40, 0, true); // channel mask: no positions claimed
    view.setUint16(44, tag, true); // SubFormat GUID: tag + KSDATAFORMAT tail
    out.set(KSDATAFORMAT_SUBTYPE_TAIL, 46);
    pos = 60;
  } else if (isFloat) {
    view.setUint16(36, 0, true); // cbSize
    pos = 38;
  }
  if (isFloat) {
    writeId(pos, 'fact');
    view.setUint32(pos + 4, 4, true);
    view.setUint32(pos + 8, frames, true);
    pos += 12;
  }
  writeId(pos, 'data');
  view.setUint32(pos + 4, dataBytes, true);
  pos += 8;

  writeSamples(out.subarray(pos, pos + dataBytes), channels, format.bitDepth, isFloat, dither);
  return out;
}
