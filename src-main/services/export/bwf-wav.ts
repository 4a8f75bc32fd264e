/**
 * Broadcast Wave (BWF) files for export: a mono or stereo WAV with a `bext` chunk (EBU Tech
 * 3285) and a `LIST/INFO` chunk, so Logic can "Move to Recorded Position" and every DAW shows
 * where a file came from. The layout, `fmt ` and `fact` come from our plain writer (audio/wav.ts,
 * tested byte for byte), as do float samples; 24-bit samples are written here (scaling below).
 * This module adds the two metadata chunks between `fmt `/`fact` and `data`:
 *
 *   RIFF <size> WAVE
 *     fmt   16 bytes (24-bit PCM, tag 1) | 18 bytes (32-bit float, tag 3, cbSize 0)
 *     fact  4 bytes, frame count (float only)
 *     bext  602 bytes + CodingHistory (Tech 3285 version 1)
 *     LIST  INFO INAM ICMT ISFT ICRD (each NUL-terminated, padded to even)
 *     data  frames × channels × 3 | × 4 bytes, channels interleaved
 *   every chunk padded to an even length, the pad byte not counted in its size.
 *
 * Metadata before `data`: readers that stop at `data` (and streaming ones) still see it.
 *
 * No dither at 24 bits: one step is 2^-23 (−138 dBFS), far below the noise floor of a take that
 * a GAN made at 16 kHz and of any converter that plays it; the DAW mixes in float, so nothing
 * requantises it later, and undithered rounding keeps export deterministic (same take, same
 * bytes). 24-bit samples are scaled by 2^23 for both signs and clamped to [-2^23, 2^23 - 1]:
 * readers (ffmpeg, the DAWs) divide by 2^23 for both signs, so 0.75 and -0.75 come back exactly
 * and only +1.0 itself is one step short, where scaling positives by 2^23 - 1 would shrink every
 * positive sample by one part in 2^23. Float files keep samples as they are.
 *
 * Text: bext fields are ASCII by the standard, and INFO has no encoding at all (readers take
 * its bytes as Latin-1, Mac Roman or the system code page, so UTF-8 "Café" shows as "CafÃ©"),
 * so both are folded to ASCII ("Café · 0:04–0:12" becomes "Cafe - 0:04-0:12"). The full names
 * stay in the file names and in eureka-takes.json.
 */
import { AppError } from '../../common/errors.js';
import { APP_VERSION } from '../../version.js';
import { encodeWav } from '../audio/wav.js';

/** Bit depths an export writes: 24-bit integer PCM, or 32-bit float. */
export type BwfBitDepth = 24 | 32;

/** What goes into `bext` and `LIST/INFO`. */
export interface BwfMetadata {
  /** INAM (title). */
  name: string;
  /** ICMT and the bext Description: "model 3 · new · seed 42". */
  comment: string;
  /** bext OriginationDate/Time and INFO ICRD, in the machine's local time. */
  createdAt: Date;
  /** bext TimeReference: samples since midnight of the file's first sample (see timeReferenceFor). */
  timeReference: number;
  /** bext OriginatorReference (up to 32 ASCII characters) ["" ]. */
  originatorReference?: string;
}

export const BEXT_ORIGINATOR = 'Eureka';
/** Size of the bext fields before CodingHistory (EBU Tech 3285). */
export const BEXT_FIXED_BYTES = 602;
/** Logic's default "bar 1 plays at SMPTE 01:00:00:00": TimeReference of bar 1, in seconds. */
export const LOGIC_BAR_ONE_SECONDS = 3600;

/**
 * The TimeReference of a file that starts `startSeconds` after bar 1, at `sampleRate`:
 * (3600 + startSeconds) · rate, the start rounded to the nearest sample (as the stems place it).
 */
export function timeReferenceFor(startSeconds: number, sampleRate: number): number {
  return LOGIC_BAR_ONE_SECONDS * sampleRate + Math.round(startSeconds * sampleRate);
}

/**
 * Encodes one (mono) or two (stereo) channels of equal length as a BWF WAV. Throws AppError
 * INVALID_INPUT for another channel count, an unsupported depth or a negative or fractional
 * TimeReference, INVALID_SAMPLES for NaN or infinite samples.
 */
export function encodeBwfWav(
  channels: Float32Array[],
  sampleRate: number,
  bitDepth: BwfBitDepth,
  metadata: BwfMetadata,
): Uint8Array {
  if (bitDepth !== 24 && bitDepth !== 32) {
    throw new AppError('INVALID_INPUT', `cannot export ${String(bitDepth)}-bit audio (24 or 32 float)`);
  }
  if (channels.length !== 1 && channels.length !== 2) {
    throw new AppError('INVALID_INPUT', `cannot export audio with ${channels.length} channels (mono or stereo)`);
  }
  // The plain writer checks the channels and lays out the header; 24-bit data is then written
  // again with the export's symmetric scaling (its own asymmetric one mirrors our decoder).
  const plain = encodeWav({ sampleRate, channels }, bitDepth === 32 ? { bitDepth: 32, float: true } : { bitDepth: 24 });
  const dataAt = findChunk(plain, 'data');
  if (bitDepth === 24) writePcm24(plain.subarray(dataAt + 8), channels);
  const history = codingHistory(sampleRate, bitDepth, channels.length);
  const metadataChunks = [
    chunk('bext', bextPayload(metadata, history)),
    chunk('LIST', infoPayload(metadata)),
  ];
  const metadataBytes = metadataChunks.reduce((sum, bytes) => sum + bytes.length, 0);
  const out = new Uint8Array(plain.length + metadataBytes);
  out.set(plain.subarray(0, dataAt), 0);
  let pos = dataAt;
  for (const bytes of metadataChunks) {
    out.set(bytes, pos);
    pos += bytes.length;
  }
  out.set(plain.subarray(dataAt), pos);
  if (out.length - 8 > 0xffff_ffff) throw new AppError('INVALID_INPUT', 'cannot write a WAV over 4 GiB');
  new DataView(out.buffer).setUint32(4, out.length - 8, true);
  return out;
}

/** 24-bit scale: full scale is 2^23 for both signs. */
const PCM24_SCALE = 2 ** 23;

/**
 * Interleaved little-endian 24-bit samples into `data`: x · 2^23 rounded half away from zero,
 * clamped to [-2^23, 2^23 - 1]. The samples are finite (encodeWav has checked).
 */
function writePcm24(data: Uint8Array, channels: Float32Array[]): void {
  const count = channels.length;
  channels.forEach((channel, c) => {
    for (let t = 0, at = c * 3; t < channel.length; t++, at += count * 3) {
      const scaled = (channel[t] as number) * PCM24_SCALE;
      const rounded = scaled < 0 ? -Math.round(-scaled) : Math.round(scaled);
      const value = Math.max(-PCM24_SCALE, Math.min(PCM24_SCALE - 1, rounded));
      data[at] = value & 0xff;
      data[at + 1] = (value >> 8) & 0xff;
      data[at + 2] = (value >> 16) & 0xff;
    }
  });
}

/** "A=PCM,F=48000,W=24,M=mono,T=Eureka 0.1.0\r\n": how the file was made (Tech 3285 / R 98). */
function codingHistory(sampleRate: number, bitDepth: BwfBitDepth, channels: number): string {
  return `A=PCM,F=${sampleRate},W=${bitDepth},M=${channels === 2 ? 'stereo' : 'mono'},T=Eureka ${APP_VERSION}\r\n`;
}

/** The bext payload (version 1: no loudness fields, UMID zero). */
function bextPayload(metadata: BwfMetadata, history: string): Uint8Array {
  const { timeReference } = metadata;
  if (!Number.isSafeInteger(timeReference) || timeReference < 0) {
    throw new AppError('INVALID_INPUT', `cannot write a BWF time reference of ${timeReference} samples`);
  }
  const historyBytes = asciiBytes(history);
  const out = new Uint8Array(BEXT_FIXED_BYTES + historyBytes.length);
  const view = new DataView(out.buffer);
  const date = metadata.createdAt;
  out.set(fixedAscii(metadata.comment, 256), 0); // Description
  out.set(fixedAscii(BEXT_ORIGINATOR, 32), 256); // Originator
  out.set(fixedAscii(metadata.originatorReference ?? '', 32), 288); // OriginatorReference
  out.set(asciiBytes(`${isoDate(date)}`), 320); // OriginationDate "yyyy-mm-dd"
  out.set(asciiBytes([date.getHours(), date.getMinutes(), date.getSeconds()].map(pad2).join('-')), 330); // "hh-mm-ss"
  view.setBigUint64(338, BigInt(timeReference), true); // TimeReference (low, high)
  view.setUint16(346, 1, true); // Version
  // 348..411 UMID and 412..601 reserved (the version-2 loudness fields): zero.
  out.set(historyBytes, BEXT_FIXED_BYTES);
  return out;
}

/** LIST/INFO payload: "INFO", then INAM, ICMT, ISFT, ICRD sub-chunks, in ASCII (module comment). */
function infoPayload(metadata: BwfMetadata): Uint8Array {
  const entries: [string, string][] = [
    ['INAM', metadata.name],
    ['ICMT', metadata.comment],
    ['ISFT', `Eureka ${APP_VERSION}`],
    ['ICRD', isoDate(metadata.createdAt)],
  ];
  const parts = [asciiBytes('INFO')];
  for (const [id, text] of entries) {
    const ascii = asciiBytes(text.replace(/\0/g, ''));
    const terminated = new Uint8Array(ascii.length + 1); // NUL-terminated, counted in the size
    terminated.set(ascii);
    parts.push(chunk(id, terminated));
  }
  return concat(parts);
}

/** id + u32 size + payload + a pad byte when the payload is odd. */
function chunk(id: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length + (payload.length & 1));
  out.set(asciiBytes(id), 0);
  new DataView(out.buffer).setUint32(4, payload.length, true);
  out.set(payload, 8);
  return out;
}

/** Offset of the chunk `id` in a RIFF/WAVE file (its id's first byte). */
function findChunk(bytes: Uint8Array, id: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let pos = 12; pos + 8 <= bytes.length; ) {
    if (String.fromCharCode(...bytes.subarray(pos, pos + 4)) === id) return pos;
    const size = view.getUint32(pos + 4, true);
    pos += 8 + size + (size & 1);
  }
  throw new AppError('INTERNAL', `the WAV writer produced no ${id} chunk`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/**
 * Folds text to printable ASCII: accents dropped (NFKD, then marks removed), dashes and dots
 * that people type become '-', anything else outside ASCII becomes '?'.
 */
export function foldToAscii(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u00b7\u2010-\u2015\u2212\u2022]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[^\x20-\x7e\r\n]/gu, '?');
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(foldToAscii(text), (ch) => ch.charCodeAt(0));
}

/** `text` in ASCII in a NUL-padded field of `size` bytes, truncated when longer. */
function fixedAscii(text: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(asciiBytes(text).subarray(0, size));
  return out;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** "2026-11-05" in local time. */
function isoDate(date: Date): string {
  return `${String(date.getFullYear()).padStart(4, '0')}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
}
