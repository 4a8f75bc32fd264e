/**
 * The messages between the phrase training service (parent) and a training worker process
 * running a phrase model's job (workers/training-worker.ts dispatches on the message type; the
 * audio models' messages are services/training/protocol.ts). One job per worker. Both sides
 * parse what they receive: a worker may crash half-way through a message's life.
 *
 * Parent → worker: `start-phrases` once, then perhaps `cancel` (shared with the audio jobs:
 * `{ type: 'cancel' }`), which stops training after the current step and saves where it got to.
 * Worker → parent: `ready`, then `phrases-planned` (the steps a budget buys, unless resuming),
 * `phrases-progress` a few times a second, `phrases-saved` after each resume checkpoint, and
 * `phrases-finished` (with the held-out evaluation when it trained to the end) or `failed`.
 */
import { z } from 'zod';
import { errorPayloadSchema } from '../../common/errors.js';
import { idSchema } from '../../common/dto.js';
import { phraseEvaluationSchema, phraseModelKindSchema, phrasePresetSchema } from '../../common/phrases.js';
import { seedTextSchema } from '../../common/training.js';

export const phraseJobSchema = z.object({
  modelId: idSchema,
  kind: phraseModelKindSchema,
  /** The model's folder (absolute; services/models/phrase-model-files.ts): corpus.json in, checkpoints and ONNX out. */
  modelDir: z.string().min(1),
  preset: phrasePresetSchema,
  seed: seedTextSchema,
  budgetSeconds: z.number().positive(),
  /** The steps an earlier attempt planned (a resume keeps them), or null to measure and plan now. */
  steps: z.number().int().positive().nullable(),
}).strict();
export type PhraseJob = z.infer<typeof phraseJobSchema>;

export const phraseParentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start-phrases'), job: phraseJobSchema }),
  z.object({ type: z.literal('cancel') }),
]);
export type PhraseParentMessage = z.infer<typeof phraseParentMessageSchema>;

/** The messages a phrase job sends (what the worker thread posts, forwarded as they are). */
export const phraseJobMessageSchema = z.discriminatedUnion('type', [
  /** The steps the budget buys at the measured seconds per step. */
  z.object({ type: z.literal('phrases-planned'), steps: z.number().int().positive(), secondsPerStep: z.number().positive() }),
  z.object({
    type: z.literal('phrases-progress'),
    step: z.number().int().positive(),
    steps: z.number().int().positive(),
    /** Mean training loss since the last report. */
    loss: z.number(),
    /** The step this attempt started from, and seconds since then (for the ETA). */
    fromStep: z.number().int().nonnegative(),
    seconds: z.number().nonnegative(),
  }),
  /** resume.ckpt now holds the state after `step`: a resume goes on from there. */
  z.object({ type: z.literal('phrases-saved'), step: z.number().int().nonnegative() }),
  z.object({
    type: z.literal('phrases-finished'),
    cancelled: z.boolean(),
    step: z.number().int().nonnegative(),
    steps: z.number().int().positive(),
    /** The held-out figures, when it trained to the end. */
    evaluation: phraseEvaluationSchema.nullable(),
  }),
  z.object({ type: z.literal('failed'), error: errorPayloadSchema }),
]);
export type PhraseJobMessage = z.infer<typeof phraseJobMessageSchema>;

/** Everything the parent may hear from a phrase job's worker process. */
export const phraseWorkerMessageSchema = z.union([z.object({ type: z.literal('ready') }), phraseJobMessageSchema]);
export type PhraseWorkerMessage = z.infer<typeof phraseWorkerMessageSchema>;
