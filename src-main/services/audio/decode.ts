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
 *
 * One reader per container in containers/ (wav, aiff, caf, flac, mp3); this file detects the
 * container, runs its reader, then the decoder, and checks what came out.
 */
import decodeWith from 'audio-decode';
import { AppError, firstLine } from '../../common/errors.js';
import { inspectAiff } from './containers/aiff.js';
import { inspectCaf } from './containers/caf.js';
import { inspectFlac } from './containers/flac.js';
import { ascii, checkRate, fail, type InspectOptions, type Inspection } from './containers/header-bytes.js';
import { inspectMp3, looksLikeMpeg, skipId3 } from './containers/mp3.js';
import { inspectWav } from './containers/wav.js';

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

const INSPECTORS: Record<AudioFormat, (bytes: Uint8Array, name: string, options: InspectOptions) => Inspection> = {
  wav: inspectWav,
  aiff: inspectAiff,
  caf: inspectCaf,
  flac: inspectFlac,
  mp3: inspectMp3,
};

/** A plain Uint8Array over the same memory (see decodeAudio on why a Buffer is not enough). */
function plainBytes(input: Uint8Array): Uint8Array {
  return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}

/**
 * Checks what a file's header declares, from its first bytes (`head`) and its size, before the
 * rest is read or anything decoded: throws AppError EMPTY_AUDIO, UNSUPPORTED_FORMAT, TOO_LONG
 * (the declared length is over `limits.maxSeconds`) or, when `head` is the whole file, any
 * refusal of its header. What the head cannot tell (a header that goes on past it, a FLAC
 * stream of unknown length, an MP3 without a Xing tag) is checked when the whole file is.
 */
export function checkHeader(head: Uint8Array, name: string, limits: { maxSeconds: number; fileSize: number }): void {
  const bytes = plainBytes(head);
  if (limits.fileSize === 0) throw fail('EMPTY_AUDIO', name, 'the file is empty');
  const format = detectFormat(bytes);
  if (!format) throw fail('UNSUPPORTED_FORMAT', name, NOT_AUDIO);
  try {
    INSPECTORS[format](bytes, name, limits);
  } catch (error) {
    const decided = error instanceof AppError && error.code === 'TOO_LONG';
    if (decided || bytes.length >= limits.fileSize) throw error;
    // Only the head was read: whatever ran past it is for the whole file's check to say.
  }
}

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
 * INVALID_SAMPLES (NaN or infinite float samples), TOO_LONG (with `limits`: the header
 * declares more than `maxSeconds`, found before anything is decoded).
 */
export async function decodeAudio(input: Uint8Array, name: string, limits?: { maxSeconds: number }): Promise<DecodedAudio> {
  // A Node Buffer's slice() is a view where Uint8Array's is a copy; the decoders slice chunks
  // and view them as Float32Array, which a view at an odd file offset cannot be. A plain
  // Uint8Array over the same memory gives every caller the copying slice.
  const bytes = plainBytes(input);
  if (bytes.length === 0) throw fail('EMPTY_AUDIO', name, 'the file is empty');
  const format = detectFormat(bytes);
  if (!format) throw fail('UNSUPPORTED_FORMAT', name, NOT_AUDIO);
  const inspection = INSPECTORS[format](bytes, name, { fileSize: bytes.length, maxSeconds: limits?.maxSeconds ?? null });

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
