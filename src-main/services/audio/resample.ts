/**
 * Mono mix-down and sample-rate conversion for training audio.
 *
 * Resampling uses libsamplerate (Erik de Castro Lopo's sinc converter, compiled to wasm by
 * @alexanderolsen/libsamplerate-js): measured in docs/export-formats.md §3, its best sinc keeps
 * images below -140 dB, where the pure-JS resamplers leak at -40 dB. We drive its streaming
 * (`full`) API ourselves in bounded chunks because the package's own chunking of long inputs
 * drops the filter's tail; we flush that tail with zeros and cut the output to
 * round(n · to / from), so the result is time-aligned with the input and has a predictable length.
 */
import libsamplerate from '@alexanderolsen/libsamplerate-js';
import { AppError } from '../../common/errors.js';

const { create, ConverterType } = libsamplerate;

/** The package refuses rates above this (libsamplerate itself only cares about the ratio). */
const MAX_LIBRARY_RATE = 192_000;

/** Input samples per `full` call; input and output must stay under the package's 1,008,000-float buffer. */
const MAX_CHUNK = 1 << 16;
const LIBRARY_BUFFER = 1_000_000;

/** Zeros fed after the input to push the filter's tail out (the best sinc's half-length is < 4096). */
const FLUSH_CHUNK = 4096;

/** Average of (C, T) channels, (T,). One channel is returned as a copy. */
export function mixToMono(channels: Float32Array[]): Float32Array {
  const first = channels[0];
  if (!first) return new Float32Array(0);
  const frames = first.length;
  if (channels.some((channel) => channel.length !== frames)) {
    throw new AppError('INVALID_INPUT', 'cannot mix channels of different lengths');
  }
  const mono = new Float32Array(frames);
  if (channels.length === 1) {
    mono.set(first);
    return mono;
  }
  const sum = new Float64Array(frames);
  for (const channel of channels) {
    for (let t = 0; t < frames; t++) sum[t] = (sum[t] as number) + (channel[t] as number);
  }
  const scale = 1 / channels.length;
  for (let t = 0; t < frames; t++) mono[t] = (sum[t] as number) * scale;
  return mono;
}

function greatestCommonDivisor(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * Resamples mono `samples` from `fromRate` to `toRate` with libsamplerate's sinc converter
 * ('best' by default, 'medium' for previews). Returns a new array of round(n · to / from)
 * samples; equal rates return a copy. Throws AppError INVALID_INPUT for rates that are not
 * positive integers or a ratio beyond libsamplerate's 1:256.
 */
export async function resample(
  samples: Float32Array,
  fromRate: number,
  toRate: number,
  quality: 'best' | 'medium' = 'best',
): Promise<Float32Array> {
  for (const rate of [fromRate, toRate]) {
    if (!Number.isInteger(rate) || rate < 1) {
      throw new AppError('INVALID_INPUT', `cannot resample at ${rate} Hz (rates are whole numbers of hertz)`);
    }
  }
  if (fromRate === toRate) return samples.slice();
  const ratio = toRate / fromRate;
  if (ratio > 256 || ratio < 1 / 256) {
    throw new AppError(
      'INVALID_INPUT',
      `cannot resample from ${fromRate} Hz to ${toRate} Hz (ratio beyond 1:256)`,
    );
  }
  const outLength = Math.round((samples.length * toRate) / fromRate);
  if (outLength === 0) return new Float32Array(0);

  // Only the ratio matters to libsamplerate; reduce the rates so both fit the package's range.
  const divisor = greatestCommonDivisor(fromRate, toRate);
  let inRate = fromRate;
  let outRate = toRate;
  if (Math.max(inRate, outRate) > MAX_LIBRARY_RATE) {
    inRate = fromRate / divisor;
    outRate = toRate / divisor;
  }
  if (Math.max(inRate, outRate) > MAX_LIBRARY_RATE) {
    throw new AppError('INVALID_INPUT', `cannot resample from ${fromRate} Hz to ${toRate} Hz`);
  }

  const converter = await create(1, inRate, outRate, {
    converterType:
      quality === 'best' ? ConverterType.SRC_SINC_BEST_QUALITY : ConverterType.SRC_SINC_MEDIUM_QUALITY,
  });
  try {
    const chunk = Math.max(1, Math.min(MAX_CHUNK, Math.floor(LIBRARY_BUFFER / Math.max(1, ratio)) - 16));
    const out = new Float32Array(outLength);
    let written = 0;
    const take = (piece: Float32Array): void => {
      const count = Math.min(piece.length, outLength - written);
      out.set(piece.subarray(0, count), written);
      written += count;
    };
    for (let start = 0; start < samples.length && written < outLength; start += chunk) {
      take(converter.full(samples.subarray(start, Math.min(samples.length, start + chunk))));
    }
    const zeros = new Float32Array(Math.min(chunk, FLUSH_CHUNK));
    // Each flush chunk yields about zeros.length · ratio samples; bound the loop all the same.
    for (let attempts = 0; written < outLength && attempts < 64; attempts++) take(converter.full(zeros));
    if (written < outLength) {
      throw new AppError('INTERNAL', `the resampler returned ${written} of ${outLength} samples`);
    }
    return out;
  } finally {
    converter.destroy();
  }
}
