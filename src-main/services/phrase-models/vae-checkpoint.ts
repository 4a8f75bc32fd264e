/**
 * The `vary` model's checkpoint file: the model, and optionally the state to go on training
 * from, in one file written atomically (services/store/atomic-write.ts). The same shape as
 * lm-checkpoint.ts's:
 *
 *   bytes 0..7    "EUVAEPHR" (magic)
 *   bytes 8..11   header length h, uint32 little-endian
 *   h bytes       the header, JSON in UTF-8, padded with spaces so the floats start at a
 *                 multiple of 4 bytes
 *   float32 LE    params (header.params floats, laid out as vae.ts's VaeLayout), then, when
 *                 header.training is not null, Adam's m and v (params floats each)
 *
 * The header is versioned: a reader refuses a newer format with a clear line rather than
 * misreading it; `info` carries free-form facts about the run (seed, preset, held-out scores).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { SequenceOps } from '../../addon/binding.js';
import { AppError } from '../../common/errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { PhraseVae, vaeLayout } from './vae.js';
import type { VaeTrainingState } from './vae-train.js';

export const VAE_CHECKPOINT_MAGIC = 'EUVAEPHR';
/** 2: the encoder reads each phrase both ways and z has a direct path into the logits (vae.ts); format 1 files lack both. */
export const VAE_CHECKPOINT_VERSION = 2;

const positive = z.number().int().positive();
const headerSchema = z.strictObject({
  format: z.literal('eureka-phrase-vae'),
  version: z.number().int().positive(),
  config: z.strictObject({
    vocab: positive,
    embedding: positive,
    encoderHidden: positive,
    encoderLayers: positive,
    latent: positive,
    decoderHidden: positive,
    decoderLayers: positive,
    dropout: z.number().min(0).lt(1),
  }),
  params: positive,
  training: z.strictObject({ step: z.number().int().nonnegative() }).nullable(),
  info: z.record(z.string(), z.unknown()),
});
type Header = z.infer<typeof headerSchema>;

/** What a checkpoint holds besides the model: Adam's moments and the step, to go on training. */
export type VaeTrainingSnapshot = Omit<VaeTrainingState, 'vae'>;

export interface VaeCheckpoint {
  vae: PhraseVae;
  training: VaeTrainingSnapshot | null;
  info: Record<string, unknown>;
}

/** The checkpoint's bytes (see the file comment). */
export function encodeVaeCheckpoint(vae: PhraseVae, training: VaeTrainingSnapshot | null, info: Record<string, unknown> = {}): Uint8Array {
  const header: Header = {
    format: 'eureka-phrase-vae',
    version: VAE_CHECKPOINT_VERSION,
    config: vae.config,
    params: vae.params.length,
    training: training ? { step: training.step } : null,
    info,
  };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padding = (4 - ((12 + json.length) % 4)) % 4;
  json = Buffer.concat([json, Buffer.alloc(padding, 0x20)]);
  const arrays = training ? [vae.params, training.m, training.v] : [vae.params];
  for (const array of arrays) if (array.length !== vae.params.length) throw new AppError('INTERNAL', 'The training state does not match the model it is saved with.');
  const floats = arrays.reduce((sum, array) => sum + array.length, 0);
  const out = new Uint8Array(12 + json.length + 4 * floats);
  out.set(Buffer.from(VAE_CHECKPOINT_MAGIC, 'ascii'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  const body = new DataView(out.buffer, 12 + json.length);
  let at = 0;
  for (const array of arrays) for (let i = 0; i < array.length; i++, at += 4) body.setFloat32(at, array[i]!, true);
  return out;
}

/** The model (and training state) from checkpoint bytes; one clear line for anything that is not one. */
export function decodeVaeCheckpoint(ops: SequenceOps, bytes: Uint8Array, what = 'the checkpoint'): VaeCheckpoint {
  const fail = (why: string): never => {
    throw new AppError('INVALID_INPUT', `${what} is not a vary model checkpoint: ${why}.`);
  };
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('ascii') !== VAE_CHECKPOINT_MAGIC) fail(`it does not start with ${VAE_CHECKPOINT_MAGIC}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) fail('its header runs past the end of the file');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerLength)).toString('utf8'));
  } catch {
    fail('its header is not JSON');
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > VAE_CHECKPOINT_VERSION) {
    throw new AppError('INVALID_INPUT', `${what} was written by a newer Eureka (vary model format ${version}; this one reads up to ${VAE_CHECKPOINT_VERSION}).`);
  }
  if (typeof version === 'number' && version < VAE_CHECKPOINT_VERSION) {
    throw new AppError('INVALID_INPUT', `${what} is a vary model of an earlier Eureka (format ${version}; this one reads ${VAE_CHECKPOINT_VERSION}): train it again.`);
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) fail(`its header is malformed (${parsed.error.issues[0]?.path.join('.') || 'header'}: ${parsed.error.issues[0]?.message ?? ''})`);
  const header = parsed.data!;
  let total = 0;
  try {
    total = vaeLayout(ops, header.config).total;
  } catch (error) {
    fail(`its configuration is not one (${error instanceof Error ? error.message : String(error)})`);
  }
  if (total !== header.params) fail(`it holds ${header.params} parameters where its configuration has ${total}`);
  const floats = header.params * (header.training ? 3 : 1);
  if (bytes.length !== 12 + headerLength + 4 * floats) fail(`it is ${bytes.length} bytes where its header says ${12 + headerLength + 4 * floats}`);
  let at = 12 + headerLength;
  const next = (count: number): Float32Array => {
    const array = new Float32Array(count);
    for (let i = 0; i < count; i++, at += 4) array[i] = view.getFloat32(at, true);
    return array;
  };
  const vae = new PhraseVae(ops, header.config, next(header.params));
  const training = header.training ? { step: header.training.step, m: next(header.params), v: next(header.params) } : null;
  return { vae, training, info: header.info };
}

/** Writes a checkpoint atomically: a reader sees the old file or the new one, never half of one. */
export async function saveVae(target: string, vae: PhraseVae, training: VaeTrainingSnapshot | null = null, info: Record<string, unknown> = {}): Promise<void> {
  await writeFileAtomic(target, encodeVaeCheckpoint(vae, training, info), 'the vary model checkpoint');
}

export async function loadVae(ops: SequenceOps, source: string): Promise<VaeCheckpoint> {
  let bytes: Buffer;
  try {
    bytes = await readFile(source);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NOT_FOUND', `${source} does not exist.`);
    throw error;
  }
  return decodeVaeCheckpoint(ops, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), source);
}
