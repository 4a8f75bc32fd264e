/**
 * What the container readers share: byte readers (little- and big-endian, AIFF's 80-bit
 * float), the {@link Inspection} each reader returns, the sanity checks every header gets, and
 * the one-line errors, each starting with the file's name.
 */
import { AppError, type ErrorCode } from '../../../common/errors.js';

/** Rates outside this range are a damaged header, not a real recording. */
const MIN_SAMPLE_RATE = 1000;
const MAX_SAMPLE_RATE = 768_000;

/** Channel counts above this are a damaged header (BS.1770 and our UI go to 7.1 and beyond, not 255). */
const MAX_CHANNELS = 64;

export function ascii(bytes: Uint8Array, offset: number, length = 4): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(bytes[offset + i] ?? 0);
  return text;
}

export function byteAt(bytes: Uint8Array, offset: number): number {
  return bytes[offset] ?? 0;
}

export function u16le(bytes: Uint8Array, offset: number): number {
  return byteAt(bytes, offset) | (byteAt(bytes, offset + 1) << 8);
}

export function u32le(bytes: Uint8Array, offset: number): number {
  return (u16le(bytes, offset) + u16le(bytes, offset + 2) * 0x10000) >>> 0;
}

export function u64le(bytes: Uint8Array, offset: number): number {
  return u32le(bytes, offset) + u32le(bytes, offset + 4) * 0x1_0000_0000;
}

export function u16be(bytes: Uint8Array, offset: number): number {
  return (byteAt(bytes, offset) << 8) | byteAt(bytes, offset + 1);
}

export function u32be(bytes: Uint8Array, offset: number): number {
  return (u16be(bytes, offset) * 0x10000 + u16be(bytes, offset + 2)) >>> 0;
}

/** AIFF's 80-bit IEEE extended float (sign, 15-bit exponent, 64-bit mantissa with explicit 1). */
export function f80be(bytes: Uint8Array, offset: number): number {
  const sign = byteAt(bytes, offset) & 0x80 ? -1 : 1;
  const exponent = ((byteAt(bytes, offset) & 0x7f) << 8) | byteAt(bytes, offset + 1);
  const mantissa = u32be(bytes, offset + 2) * 0x1_0000_0000 + u32be(bytes, offset + 6);
  if (exponent === 0 && mantissa === 0) return 0;
  if (exponent === 0x7fff) return Number.NaN;
  return sign * mantissa * 2 ** (exponent - 16383 - 63);
}

export function fail(code: ErrorCode, name: string, problem: string): AppError {
  return new AppError(code, `${name}: ${problem}`);
}

export function truncated(name: string, detail: string): AppError {
  return fail('CORRUPT_AUDIO', name, `the file is truncated (${detail})`);
}

/** What a reader is told besides the bytes. */
export interface InspectOptions {
  /** The whole file's size: more than the bytes given when they are only its beginning. */
  fileSize: number;
  /** Longest file accepted, seconds; null when any length will do (a stored file re-read). */
  maxSeconds: number | null;
}

/**
 * Minutes and seconds, m:ss. A duration rounds up and a limit down, so a file that is over the
 * limit by a fraction of a second never reads "20:00 long; the limit is 20:00".
 */
function minutesSeconds(seconds: number, round: (value: number) => number): string {
  const whole = round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** The one-line refusal of a file longer than the import limit (declared or decoded). */
export function tooLong(name: string, seconds: number, maxSeconds: number): AppError {
  return fail(
    'TOO_LONG',
    name,
    `is ${minutesSeconds(seconds, Math.ceil)} long; the limit is ${minutesSeconds(maxSeconds, Math.floor)} (set --max-duration to import longer files)`,
  );
}

/**
 * Refuses a file whose header declares more than the limit, as soon as the header is read: a
 * two-hour WAV is 635 MB of bytes but over 2 GB of decoded floats, so it must never reach the
 * decoder to be found too long.
 */
export function checkDeclaredLength(name: string, frames: number, sampleRate: number, options: InspectOptions): void {
  const seconds = frames / sampleRate;
  if (options.maxSeconds !== null && seconds > options.maxSeconds) throw tooLong(name, seconds, options.maxSeconds);
}

/** What a container's own header promises, read before any decoder runs. */
export interface Inspection {
  /** Bytes to hand the decoder, in order: usually a canonical header and the audio payload. */
  parts: Uint8Array[];
  /** Frames the header declares; null when the container does not say (MP3 without a tag). */
  expectedFrames: number | null;
  /** Frames per second as declared (the decoder reports its own; they must agree). */
  sampleRate: number;
}

export function checkRate(name: string, rate: number): void {
  if (!Number.isFinite(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
    throw fail('CORRUPT_AUDIO', name, `the header declares an impossible sample rate (${rate} Hz)`);
  }
}

export function checkChannels(name: string, channels: number): void {
  if (channels < 1 || channels > MAX_CHANNELS) {
    throw fail('CORRUPT_AUDIO', name, `the header declares ${channels} channels`);
  }
}

export function noSamples(name: string): AppError {
  return fail('EMPTY_AUDIO', name, 'the file contains no samples');
}
