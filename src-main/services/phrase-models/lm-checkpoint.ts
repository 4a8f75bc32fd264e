/**
 * The `continue` model's checkpoint file: the model, and optionally the state to go on
 * training from, in one file written atomically (services/store/atomic-write.ts).
 *
 *   bytes 0..7    "EULSTMLM" (magic)
 *   bytes 8..11   header length h, uint32 little-endian
 *   h bytes       the header, JSON in UTF-8, padded with spaces so the floats start at a
 *                 multiple of 4 bytes (a Float32Array can view them without a copy)
 *   float32 LE    params (header.params floats, laid out as lstm-lm.ts's LmLayout), then, when
 *                 header.training is not null: Adam's m and v (params floats each) and the
 *                 carried LSTM state h0 and c0 (header.training.stateFloats each)
 *
 * The header is versioned: a reader refuses a newer format with a clear line rather than
 * misreading it; `info` carries free-form facts about the run (seed, preset, held-out scores).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { SequenceOps } from '../../addon/binding.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { lmLayout, type LstmLm } from './lstm-lm.js';
import type { LmTrainingState } from './lm-train.js';

export const LM_CHECKPOINT_MAGIC = 'EULSTMLM';
export const LM_CHECKPOINT_VERSION = 1;

const positive = z.number().int().positive();
const headerSchema = z.strictObject({
  format: z.literal('eureka-phrase-lm'),
  version: z.number().int().positive(),
  config: z.strictObject({ vocab: positive, embedding: positive, hidden: positive, layers: positive, dropout: z.number().min(0).lt(1) }),
  params: positive,
  training: z.strictObject({ step: z.number().int().nonnegative(), stateFloats: positive }).nullable(),
  info: z.record(z.string(), z.unknown()),
});
type Header = z.infer<typeof headerSchema>;

export interface LmCheckpoint {
  model: LstmLm;
  /** The state to go on training from, when it was saved. */
  training: Omit<LmTrainingState, 'model'> | null;
  info: Record<string, unknown>;
}

/** The checkpoint's bytes (see the file comment). */
export function encodeLmCheckpoint(model: LstmLm, training: Omit<LmTrainingState, 'model'> | null, info: Record<string, unknown> = {}): Uint8Array {
  const header: Header = {
    format: 'eureka-phrase-lm',
    version: LM_CHECKPOINT_VERSION,
    config: model.config,
    params: model.params.length,
    training: training ? { step: training.step, stateFloats: training.h0.length } : null,
    info,
  };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padding = (4 - ((12 + json.length) % 4)) % 4;
  json = Buffer.concat([json, Buffer.alloc(padding, 0x20)]);
  const arrays = training ? [model.params, training.m, training.v, training.h0, training.c0] : [model.params];
  const floats = arrays.reduce((sum, array) => sum + array.length, 0);
  const out = new Uint8Array(12 + json.length + 4 * floats);
  out.set(Buffer.from(LM_CHECKPOINT_MAGIC, 'ascii'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  const body = new DataView(out.buffer, 12 + json.length);
  let at = 0;
  for (const array of arrays) for (let i = 0; i < array.length; i++, at += 4) body.setFloat32(at, array[i]!, true);
  return out;
}

/** The model (and training state) from checkpoint bytes; one clear line for anything that is not one. */
export function decodeLmCheckpoint(ops: SequenceOps, bytes: Uint8Array, what = 'the checkpoint'): LmCheckpoint {
  const fail = (why: string): never => {
    throw new Error(`${what} is not a phrase model checkpoint: ${why}.`);
  };
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('ascii') !== LM_CHECKPOINT_MAGIC) fail('it does not start with EULSTMLM');
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
  if (typeof version === 'number' && version > LM_CHECKPOINT_VERSION) {
    throw new Error(`${what} was written by a newer Eureka (phrase model format ${version}; this one reads up to ${LM_CHECKPOINT_VERSION}).`);
  }
  const parsed = headerSchema.safeParse(raw);
  if (!parsed.success) fail(`its header is malformed (${parsed.error.issues[0]?.path.join('.') || 'header'}: ${parsed.error.issues[0]?.message ?? ''})`);
  const header = parsed.data!;
  const layout = lmLayout(ops, header.config);
  if (layout.total !== header.params) fail(`it holds ${header.params} parameters where its configuration has ${layout.total}`);
  const stateFloats = header.training?.stateFloats ?? 0;
  const floats = header.params + (header.training ? 2 * header.params + 2 * stateFloats : 0);
  if (bytes.length !== 12 + headerLength + 4 * floats) fail(`it is ${bytes.length} bytes where its header says ${12 + headerLength + 4 * floats}`);
  let at = 12 + headerLength;
  const next = (count: number): Float32Array => {
    const array = new Float32Array(count);
    for (let i = 0; i < count; i++, at += 4) array[i] = view.getFloat32(at, true);
    return array;
  };
  const model: LstmLm = { ops, config: header.config, layout, params: next(header.params) };
  const training = header.training
    ? { step: header.training.step, m: next(header.params), v: next(header.params), h0: next(stateFloats), c0: next(stateFloats) }
    : null;
  return { model, training, info: header.info };
}

/** Writes a checkpoint atomically: a reader sees the old file or the new one, never half of one. */
export async function saveLm(target: string, model: LstmLm, training: Omit<LmTrainingState, 'model'> | null = null, info: Record<string, unknown> = {}): Promise<void> {
  await writeFileAtomic(target, encodeLmCheckpoint(model, training, info), 'the phrase model checkpoint');
}

export async function loadLm(ops: SequenceOps, source: string): Promise<LmCheckpoint> {
  return decodeLmCheckpoint(ops, new Uint8Array(await readFile(source)), source);
}
