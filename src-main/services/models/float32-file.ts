/**
 * Raw float32 files (little-endian, no header): the model folder's source.f32, signal.f32 and
 * onnx/zrec-<s>.f32, and the store's prepared training audio. One reader and one writer, so a
 * damaged file reads the same everywhere: one INTERNAL error naming it, never a short array.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';

/** The bytes of `samples` as stored (a view, no copy). */
export function float32Bytes(samples: Float32Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

export interface Float32ReadOptions {
  /** The exact number of samples the file must hold; otherwise any non-zero whole number. */
  samples?: number;
  /** How an error names the file [its base name]. */
  what?: string;
}

/**
 * A float32 file as a Float32Array (copied: Buffer pools are not 4-byte aligned). Throws
 * AppError('INTERNAL', '<what> is damaged') for an empty file, a partial sample or the wrong
 * length; read errors (a missing file) pass through for the caller to word.
 */
export async function readFloat32File(file: string, options: Float32ReadOptions = {}): Promise<Float32Array> {
  const bytes = await readFile(file);
  const whole = options.samples === undefined ? bytes.byteLength > 0 && bytes.byteLength % 4 === 0 : bytes.byteLength === 4 * options.samples;
  if (!whole) throw new AppError('INTERNAL', `${options.what ?? path.basename(file)} is damaged`);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** Writes `samples` atomically (writeFileAtomic: the old file or the new one, never half). */
export async function writeFloat32File(file: string, samples: Float32Array): Promise<void> {
  await writeFileAtomic(file, float32Bytes(samples));
}
