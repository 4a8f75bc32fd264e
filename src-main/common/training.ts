/**
 * Training DTOs: presets as the UI lists them, the plan a run follows, models (one row per
 * training run) and their progress. Shared by the services, the IPC contract, the CLI and the
 * renderer. Times in seconds; a seed travels as a decimal string because it may exceed 2^53.
 */
import { z } from 'zod';
import { idSchema } from './dto.js';

/**
 * studio: the recipe for the best takes (crops at the fine scales, fewer epochs there); quick:
 * the same recipe fitted to a time budget; paper: the paper's own settings, the reference;
 * test: tiny, for checking that training works.
 */
export const PRESET_NAMES = ['studio', 'quick', 'paper', 'test'] as const;
export const presetNameSchema = z.enum(PRESET_NAMES);
export type PresetName = z.infer<typeof presetNameSchema>;

export const TRAIN_DEVICES = ['auto', 'cpu', 'cuda'] as const;
/** What the user asks for; "auto" takes CUDA when a working GPU backend exists. */
export const trainDeviceSchema = z.enum(TRAIN_DEVICES);
export type TrainDevice = z.infer<typeof trainDeviceSchema>;

export const TRAIN_MODES = ['normal', 'denoising'] as const;
/**
 * What a run learns (docs/caw-spec.md §3 "Loss choice by mode"): 'normal' music (adversarial + a little
 * spectral reconstruction) or 'denoising' (strong waveform reconstruction, no conditioning
 * noise). A gap clip always trains in 'inpainting' mode.
 */
export const trainModeSchema = z.enum(TRAIN_MODES);
export type TrainMode = z.infer<typeof trainModeSchema>;

/** A seed as text: decimal digits, 0 … 2^64 − 1. */
export const seedTextSchema = z
  .string()
  .regex(/^\d{1,20}$/, 'a seed is a whole number')
  .refine((text) => BigInt(text) <= 2n ** 64n - 1n, 'a seed is at most 2^64 - 1');

export const TRAIN_PRECISIONS = ['fp32', 'bf16'] as const;
/**
 * The convolutions' arithmetic: fp32, or bf16 inputs with fp32 accumulation (CPUs with
 * AVX512_BF16; elsewhere the trainer uses fp32).
 */
export const trainPrecisionSchema = z.enum(TRAIN_PRECISIONS);
export type TrainPrecision = z.infer<typeof trainPrecisionSchema>;

/** The shortest and longest budget the quick preset accepts, in seconds. */
export const MIN_BUDGET_SECONDS = 30;
export const MAX_BUDGET_SECONDS = 7 * 24 * 3600;

/** A preset as the UI and CLI list it. */
export const presetSummarySchema = z.object({
  name: presetNameSchema,
  title: z.string(),
  description: z.string(),
  /** The quick preset plans to a budget; this is its default, in seconds (null: no budget). */
  defaultBudgetSeconds: z.number().positive().nullable(),
  /** What it trains, in a line of plain words (rates, channels, epochs, crops, precision). */
  recipe: z.string(),
});
export type PresetSummary = z.infer<typeof presetSummarySchema>;

/** One MSS resolution (samples). */
export const mssResolutionSchema = z.object({ nFft: z.number().int(), hop: z.number().int(), win: z.number().int() });

/** One level of a plan, coarsest first. */
export const planScaleSchema = z.object({
  rate: z.number().int().positive(),
  /** The whole level, samples. */
  length: z.number().int().positive(),
  channels: z.number().int().positive(),
  /** Epochs it trains (a cropped scale starts warm from the one below and trains fewer). */
  epochs: z.number().int().positive(),
  /** Trains on a random crop every epoch (the level is long enough), else on the whole level. */
  cropped: z.boolean(),
  /** Samples the discriminator sees per epoch: the crop, or the whole level. */
  trainedLength: z.number().int().positive(),
  /** Predicted seconds per epoch (0 when not forecast). */
  epochSeconds: z.number().nonnegative(),
});
export type PlanScale = z.infer<typeof planScaleSchema>;

const planObjectSchema = z.object({
  preset: presetNameSchema,
  /** 'inpainting' for a gap clip (its hole is not learned, and is filled at generation). */
  mode: z.enum(['normal', 'denoising', 'inpainting']),
  /** Inpainting: the holes, samples [start, end) at topRate; null otherwise. */
  holes: z.array(z.object({ start: z.number().int().nonnegative(), end: z.number().int().positive() })).nullable(),
  /** The rate of the finest scale, Hz: the clip is resampled to it before training. */
  topRate: z.number().int().positive(),
  /** Candidate rates handed to the pyramid (ascending, < topRate; topRate is appended). */
  fsList: z.array(z.number().int().positive()),
  channelsFirst: z.number().int().positive(),
  channelsRest: z.number().int().positive(),
  kernelSize: z.number().int().positive(),
  layers: z.number().int().positive(),
  /** Epochs of every scale trained on the whole level. */
  epochsPerScale: z.number().int().positive(),
  /**
   * Crop length, samples: a level of at least cropSamples + 2P + 1 samples trains on a random
   * crop every epoch (the discriminator sees cropSamples, the generator cropSamples + 2P so the
   * crop's interior is exact). Null: every scale trains on its whole level.
   */
  cropSamples: z.number().int().positive().nullable(),
  /** Epochs of every cropped scale (null when nothing is cropped). */
  fineEpochsPerScale: z.number().int().positive().nullable(),
  /** The convolutions' arithmetic this run uses (bf16 only where the CPU has it). */
  precision: trainPrecisionSchema,
  /** Why that precision, in a sentence (e.g. why not the preset's bf16). */
  precisionReason: z.string(),
  learningRate: z.number().positive(),
  /** Reconstruction weights when the preset overrides the mode's (null: the mode's). */
  alpha1: z.number().nonnegative().nullable(),
  alpha2: z.number().nonnegative().nullable(),
  /** MSS resolutions when the preset overrides the reference's (null: the reference's). */
  mssConfigs: z.array(mssResolutionSchema).nullable(),
  seed: seedTextSchema,
  /** Where it runs. */
  device: z.enum(['cpu', 'cuda']),
  /** Why this device, in a sentence (e.g. why not CUDA). */
  deviceReason: z.string(),
  /**
   * What the trainer reported when it started ("NVIDIA H100 80GB HBM3", "CPU"); absent until
   * then. With it, device and deviceReason are what ran (a GPU that failed the trainer's check
   * against the CPU leaves device 'cpu' and the trainer's reason), not what was planned.
   */
  deviceName: z.string().optional(),
  /** The budget asked for (quick), seconds, or null. */
  budgetSeconds: z.number().positive().nullable(),
  /** The planner's forecast of the training time, seconds, or null when not planned. */
  predictedSeconds: z.number().nonnegative().nullable(),
  /** Every level the pyramid may train, coarsest first (the energy rule may skip coarse ones). */
  scales: z.array(planScaleSchema),
  /** One line saying what was chosen and why, printed by the CLI and shown in the UI. */
  summary: z.string(),
});

/** What plans stored before crops and bf16 existed said implicitly. */
export const PLAN_BEFORE_CROPS_PRECISION_REASON = 'fp32 (planned before bf16 training existed)';

/**
 * A plan stored before crops, per-scale epochs and bf16 existed (it has no `precision`), in
 * today's shape: every scale trained on its whole level for epochsPerScale epochs in fp32. Its
 * `studio` was the paper's recipe, which is now called `paper` (the database's rows were
 * renamed by a migration; a model folder's plan.json is renamed here as it is read).
 */
export function upgradeStoredPlan(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || 'precision' in raw) return raw;
  const old = raw as Record<string, unknown>;
  const epochs = old['epochsPerScale'];
  const scales = Array.isArray(old['scales'])
    ? old['scales'].map((scale: unknown) =>
        typeof scale === 'object' && scale !== null
          ? { epochs, cropped: false, trainedLength: (scale as Record<string, unknown>)['length'], ...scale }
          : scale,
      )
    : old['scales'];
  return {
    ...old,
    preset: old['preset'] === 'studio' ? 'paper' : old['preset'],
    cropSamples: null,
    fineEpochsPerScale: null,
    precision: 'fp32',
    precisionReason: PLAN_BEFORE_CROPS_PRECISION_REASON,
    scales,
  };
}

/**
 * What a run trains with, resolved from its preset (and, for quick, the budget planner). Stored
 * with the model so a resume uses exactly the same settings; older stored plans are read
 * through {@link upgradeStoredPlan}.
 */
export const trainingPlanSchema = z.preprocess(upgradeStoredPlan, planObjectSchema);
export type TrainingPlan = z.infer<typeof trainingPlanSchema>;

export const MODEL_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
/**
 * queued: waiting for the worker; running: a worker trains it; done: every scale trained;
 * failed: the worker stopped with an error (reason kept); cancelled: the user stopped it;
 * interrupted: the process that ran it went away (app closed or killed). The last three can
 * resume from their last finished scale.
 */
export const modelStatusSchema = z.enum(MODEL_STATUSES);
export type ModelStatus = z.infer<typeof modelStatusSchema>;

/** The statuses a model resumes from (training:resume, `eureka train --resume`). */
export const RESUMABLE_STATUSES: readonly ModelStatus[] = ['failed', 'cancelled', 'interrupted'];

/** The numbers of one epoch (docs/caw-spec.md §3.4-§3.6); mss is null where it was not computed. */
export const epochLossesSchema = z.object({
  dReal: z.number(),
  dFake: z.number(),
  gp: z.number(),
  errG: z.number(),
  rec: z.number(),
  mse: z.number(),
  mss: z.number().nullable(),
});
export type EpochLosses = z.infer<typeof epochLossesSchema>;

/** A finished scale: its rate, length, channels, wall time and audio previews. */
export const scaleRecordSchema = z.object({
  scale: z.number().int().nonnegative(),
  rate: z.number().int().positive(),
  length: z.number().int().positive(),
  channels: z.number().int().positive(),
  seconds: z.number().nonnegative(),
  /** Its last epoch's numbers. */
  losses: epochLossesSchema.nullable(),
  /** Previews written after the scale finished (a generated take and the reconstruction). */
  previews: z.array(z.enum(['fake', 'rec'])),
});
export type ScaleRecord = z.infer<typeof scaleRecordSchema>;

/** Live progress of the running model, throttled to a few per second. */
export const trainingProgressEventSchema = z.object({
  modelId: idSchema,
  /** "probing" while quick measures the machine, "training" after. */
  phase: z.enum(['probing', 'training']),
  scale: z.number().int().nonnegative(),
  scales: z.number().int().positive(),
  epoch: z.number().int().nonnegative(),
  /** The current scale's epochs (a cropped scale trains its plan's fineEpochsPerScale). */
  epochs: z.number().int().positive(),
  losses: epochLossesSchema.nullable(),
  epochSeconds: z.number().nonnegative(),
  /** Fraction of the whole run's predicted work done, 0..1. */
  fraction: z.number().min(0).max(1),
  /** Seconds left, from the measured epoch times; null until known. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type TrainingProgressEvent = z.infer<typeof trainingProgressEventSchema>;

export const modelSchema = z.object({
  id: idSchema,
  /** The clip it learned; null once that clip was deleted (the model keeps its own copy). */
  clipId: idSchema.nullable(),
  songId: idSchema.nullable(),
  /** What to call it: "<song> · <clip range>" at creation time. */
  name: z.string(),
  preset: presetNameSchema,
  status: modelStatusSchema,
  plan: trainingPlanSchema.nullable(),
  /** Trained scales in total, once known (after planning). */
  scalesTotal: z.number().int().positive().nullable(),
  scalesDone: z.number().int().nonnegative(),
  scales: z.array(scaleRecordSchema),
  /** The one-line reason of the last failure. */
  error: z.string().nullable(),
  /** Wall time spent training so far, over every attempt, seconds. */
  trainSeconds: z.number().nonnegative(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** The latest progress while it runs in this process, else null. */
  progress: trainingProgressEventSchema.nullable(),
});
export type Model = z.infer<typeof modelSchema>;

/** A training request from the UI or CLI. */
export const trainRequestSchema = z.object({
  clipId: idSchema,
  preset: presetNameSchema,
  /** quick only: the time budget in seconds [its default]. */
  budgetSeconds: z.number().finite().min(MIN_BUDGET_SECONDS).max(MAX_BUDGET_SECONDS).optional(),
  /**
   * quick only: what to do when even the cheapest settings do not fit the budget on this machine
   * (a slow or busy one): 'refuse' with the time it would need, or train 'cheapest' anyway and
   * say so in the plan [refuse]. The demo asks for 'cheapest': a demo must finish.
   */
  overBudget: z.enum(['refuse', 'cheapest']).optional(),
  device: trainDeviceSchema.default('auto'),
  /** [the preset's; gap clips always inpainting] */
  mode: trainModeSchema.optional(),
  /** [a fresh random seed, recorded] */
  seed: seedTextSchema.optional(),
});
export type TrainRequest = z.input<typeof trainRequestSchema>;

/**
 * What a training request would do on this machine, told before it starts (the Train form,
 * `eureka train --forecast`): the plan it would train and, in plain words, how long and what
 * the takes will be like — or why it cannot, with the shortest budget that can.
 */
export const trainForecastSchema = z.object({
  /**
   * fits: the plan fits the budget (or the preset has none); over: the cheapest settings, over
   * the budget (overBudget 'cheapest'); refused: the budget is too short (see
   * shortestBudgetSeconds); later: this machine cannot be measured now (another model trains),
   * the run plans when it starts.
   */
  outcome: z.enum(['fits', 'over', 'refused', 'later']),
  /** The plan the run would train (null when refused or later). */
  plan: trainingPlanSchema.nullable(),
  /** One line of plain words: time and what it buys, or the reason it cannot. */
  headline: z.string().min(1),
  /** What the takes will sound like, in words ("full band (up to 8 kHz), well trained"), or null. */
  quality: z.string().nullable(),
  /** quick: the shortest budget that trains this clip on this machine, seconds (null otherwise). */
  shortestBudgetSeconds: z.number().positive().nullable(),
  /** When this machine's speed was measured (ISO time), null when nothing was measured. */
  measuredAt: z.string().nullable(),
});
export type TrainForecast = z.infer<typeof trainForecastSchema>;

/** One point of a loss curve. */
export const lossPointSchema = z.object({
  scale: z.number().int().nonnegative(),
  epoch: z.number().int().positive(),
  losses: epochLossesSchema,
});
export type LossPoint = z.infer<typeof lossPointSchema>;

/** Which preview of a scale. */
export const previewKindSchema = z.enum(['fake', 'rec']);
export type PreviewKind = z.infer<typeof previewKindSchema>;
