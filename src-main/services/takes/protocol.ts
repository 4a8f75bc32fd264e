/**
 * The messages between the generation service (parent) and a generation worker process
 * (child), one batch per worker. Both sides parse what they receive: the worker may die
 * half-way, and the parent trusts it no more than any other input. The parent owns the
 * database; the worker only renders and writes WAV files where it is told.
 */
import { z } from 'zod';
import { errorPayloadSchema } from '../../common/errors.js';
import { idSchema } from '../../common/dto.js';
import { takeCheckpointSchema, takeSettingsSchema } from '../../common/generation.js';
import { takeRenderSchema } from '../../common/take-render.js';
import { seedTextSchema } from '../../common/training.js';

/** One take to render: its seed and settings, and the absolute path its WAV goes to. */
export const takeJobSchema = z.object({
  takeId: idSchema,
  seed: seedTextSchema,
  settings: takeSettingsSchema,
  file: z.string().min(1),
});
export type TakeJob = z.infer<typeof takeJobSchema>;

/** The library's original file of the model's clip, and the clip's region in it, seconds. */
export const clipOriginalSchema = z.object({
  /** Absolute path of the original bytes as imported. */
  path: z.string().min(1),
  /** Its name, for messages and for telling its format. */
  name: z.string().min(1),
  start: z.number().nonnegative(),
  end: z.number().positive(),
});
export type ClipOriginal = z.infer<typeof clipOriginalSchema>;

/** Where the batch's takes go: the song's rate, and the clip a gap fill is spliced into (null: the clip is gone). */
export const takeTargetSchema = z.object({
  songRate: z.number().int().positive().nullable(),
  original: clipOriginalSchema.nullable(),
});
export type TakeTarget = z.infer<typeof takeTargetSchema>;

/** What the worker needs for one batch; everything else is in the model's folder. */
export const generationJobSchema = z.object({
  modelId: idSchema,
  /** The model's folder (absolute): checkpoints in, onnx/ exported on demand. */
  modelDir: z.string().min(1),
  executionProvider: z.enum(['auto', 'cpu', 'cuda']),
  target: takeTargetSchema,
  takes: z.array(takeJobSchema).min(1),
});
export type GenerationJob = z.infer<typeof generationJobSchema>;

export const parentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), job: generationJobSchema }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

export const workerMessageSchema = z.discriminatedUnion('type', [
  /** The worker is up and waits for `start`. */
  z.object({ type: z.literal('ready') }),
  /** The pyramid is exported and open: what every take of the batch is made with. */
  z.object({
    type: z.literal('prepared'),
    checkpoint: takeCheckpointSchema,
    executionProvider: z.enum(['cpu', 'cuda']),
    /** Why the CPU when CUDA was possible to ask for, else null. */
    providerReason: z.string().nullable(),
  }),
  /** Progress within one take, 0..1 (a take starts with fraction 0). */
  z.object({
    type: z.literal('progress'),
    takeId: idSchema,
    phase: z.enum(['generating', 'writing']),
    fraction: z.number().min(0).max(1),
  }),
  z.object({
    type: z.literal('take-done'),
    takeId: idSchema,
    sampleRate: z.number().int().positive(),
    durationSeconds: z.number().positive(),
    loudnessLufs: z.number().nullable(),
    sourceLoudnessLufs: z.number().nullable(),
    generateSeconds: z.number().nonnegative(),
    render: takeRenderSchema,
  }),
  z.object({ type: z.literal('take-failed'), takeId: idSchema, error: errorPayloadSchema }),
  /** Every take was answered (done or failed). */
  z.object({ type: z.literal('finished') }),
  /** The batch could not go on (export, session start): every unanswered take fails with it. */
  z.object({ type: z.literal('failed'), error: errorPayloadSchema }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;

/** Where a model's takes live, relative to the data folder. */
export function takeFileOf(modelId: number, takeId: number): string {
  return `takes/${modelId}/take-${takeId}.wav`;
}
