/**
 * The messages between the training service (parent) and a training worker process (child),
 * one job per worker. Both sides parse what they receive with these schemas: a worker is a
 * separate program that may crash half-way through a message's life, and the parent must not
 * trust it more than any other input.
 */
import { z } from 'zod';
import { errorPayloadSchema } from '../../common/errors.js';
import { idSchema } from '../../common/dto.js';
import {
  epochLossesSchema,
  presetNameSchema,
  scaleRecordSchema,
  seedTextSchema,
  trainingPlanSchema,
} from '../../common/training.js';
import { measuredSpeedSchema } from './machine-speed.js';

/** What the worker needs to run one job; everything else is in the model's folder. */
export const workerJobSchema = z.object({
  modelId: idSchema,
  /** The model's folder (absolute; services/models/model-files.ts): source.f32/json in, checkpoints and previews out. */
  modelDir: z.string().min(1),
  preset: presetNameSchema,
  seed: seedTextSchema,
  device: z.enum(['cpu', 'cuda']),
  deviceReason: z.string(),
  budgetSeconds: z.number().positive().nullable(),
  /** quick: refuse a budget the cheapest settings exceed, or train them anyway. */
  overBudget: z.enum(['refuse', 'cheapest']).optional(),
  /** The mode asked for, or null for the preset's (a gap clip trains in inpainting mode). */
  mode: z.enum(['normal', 'denoising']).nullable(),
  /** The plan of an earlier attempt (resume), or null to plan now. */
  plan: trainingPlanSchema.nullable(),
  /** Continue after the last finished scale in modelDir. */
  resume: z.boolean(),
  /** Scales whose previews exist already (resume). */
  previewed: z.array(z.number().int().nonnegative()),
  /**
   * A fresh measurement of this machine (machine-speed.ts) to plan with instead of probing, so the
   * run trains the plan its forecast showed; absent or null: probe when the preset does.
   */
  speed: measuredSpeedSchema.nullable().optional(),
});
export type WorkerJob = z.infer<typeof workerJobSchema>;

export const parentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), job: workerJobSchema }),
  /** Measure this machine for a preset (the forecast before a run); the worker answers `measured` and leaves. */
  z.object({ type: z.literal('measure'), preset: presetNameSchema, device: z.enum(['cpu', 'cuda']) }),
  z.object({ type: z.literal('cancel') }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

export const workerMessageSchema = z.discriminatedUnion('type', [
  /** The worker is up and waits for `start`. */
  z.object({ type: z.literal('ready') }),
  /** A preset that probes (studio, quick, paper): measuring the machine, fraction of the probe done. */
  z.object({ type: z.literal('probing'), fraction: z.number().min(0).max(1) }),
  z.object({ type: z.literal('planned'), plan: trainingPlanSchema }),
  /** The answer to `measure`. */
  z.object({ type: z.literal('measured'), speed: measuredSpeedSchema }),
  z.object({
    type: z.literal('progress'),
    scale: z.number().int().nonnegative(),
    scales: z.number().int().positive(),
    epoch: z.number().int().positive(),
    epochs: z.number().int().positive(),
    losses: epochLossesSchema,
    epochSeconds: z.number().nonnegative(),
  }),
  /** Where the trainer runs, once before its first epoch (the addon's device event). */
  z.object({ type: z.literal('device'), device: z.enum(['cpu', 'cuda']), name: z.string(), reason: z.string() }),
  z.object({ type: z.literal('scale-done'), record: scaleRecordSchema, scalesTotal: z.number().int().positive() }),
  z.object({
    type: z.literal('finished'),
    cancelled: z.boolean(),
    scalesDone: z.number().int().nonnegative(),
    scalesTotal: z.number().int().positive(),
  }),
  z.object({ type: z.literal('failed'), error: errorPayloadSchema }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
