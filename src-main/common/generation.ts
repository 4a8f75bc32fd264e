/**
 * Generation DTOs: the modes a trained model generates in, a generate request, and takes (one
 * row per generated audio file, with everything needed to make it again). Shared by the
 * services, the IPC contract, the CLI and the renderer. Times in seconds; seeds travel as
 * decimal strings (up to 2^64 - 1).
 */
import { z } from 'zod';
import { idSchema } from './dto.js';
import { takeRenderSchema } from './take-render.js';
import { seedTextSchema } from './training.js';

export const GENERATION_MODES = ['new', 'variation', 'gap', 'denoise', 'extend', 'reconstruct'] as const;
/**
 * docs/caw-spec.md §4. new: unconditional material of any length; variation: follows the clip's
 * structure (its coarsest scale); gap: the clip with its hole filled (inpainting models);
 * denoise: the reconstruction of a model trained in denoising mode; extend: bandwidth
 * extension of a band-limited input; reconstruct: the model's reconstruction of its clip.
 */
export const generationModeSchema = z.enum(GENERATION_MODES);
export type GenerationMode = z.infer<typeof generationModeSchema>;

/**
 * Modes without randomness: the seed changes nothing, so every take of one model at one
 * checkpoint is the same audio, and the service makes it once (the reconstruction, and the
 * denoised clip, which is a denoising model's reconstruction).
 */
export const SEEDLESS_MODES = ['reconstruct', 'denoise'] as const satisfies readonly GenerationMode[];
export type SeedlessMode = (typeof SEEDLESS_MODES)[number];

export function isSeedless(mode: GenerationMode): mode is SeedlessMode {
  return (SEEDLESS_MODES as readonly GenerationMode[]).includes(mode);
}

const SEEDLESS_NAME: Record<SeedlessMode, string> = { reconstruct: 'reconstruction', denoise: 'denoised clip' };

/** The refusal when a seedless mode's take exists: "this model's reconstruction already exists: take 12". */
export function seedlessTakeExists(mode: SeedlessMode, takeId: number): string {
  return `this model's ${SEEDLESS_NAME[mode]} already exists: take ${takeId}`;
}

/** The refusal of more than one take of a seedless mode. */
export function seedlessCountRefusal(mode: SeedlessMode, count: number): string {
  return `a ${SEEDLESS_NAME[mode]} has no randomness: ${count} takes would be the same audio; ask for one`;
}

/**
 * Whether `take` holds a seedless mode's audio for a model with `scales` finished scales: on
 * its way, or ready with its file (a failed take, a deleted file, or one made from fewer
 * scales does not count). The service refuses to make another; the Takes view says so first.
 */
export function holdsSeedlessAudio(take: Pick<Take, 'settings' | 'status' | 'hasFile' | 'checkpoint'>, scales: number): boolean {
  if (!isSeedless(take.settings.mode)) return false;
  if (take.checkpoint !== null && take.checkpoint.scales !== scales) return false;
  return take.status === 'queued' || take.status === 'generating' || (take.status === 'ready' && take.hasFile);
}

/** Lengths a 'new' take may have, seconds. */
export const MIN_TAKE_SECONDS = 1;
export const MAX_TAKE_SECONDS = 600;
export const DEFAULT_TAKE_SECONDS = 30;
/** The most takes one request makes. */
export const MAX_TAKES_PER_REQUEST = 100;

/** Whether a mode applies to a model, and why not when it does not. */
export const modeAvailabilitySchema = z.object({
  mode: generationModeSchema,
  available: z.boolean(),
  /** Why not, in a sentence (null when available). */
  reason: z.string().nullable(),
  /** The take length this mode produces (null: the user chooses, 'new'). */
  fixedSeconds: z.number().positive().nullable(),
  /** extend: the input rates the pyramid accepts (integer divisors of its top rate), else []. */
  extendRates: z.array(z.number().int().positive()),
});
export type ModeAvailability = z.infer<typeof modeAvailabilitySchema>;

/** A generate request from the UI or CLI. */
export const generateRequestSchema = z.object({
  modelId: idSchema,
  mode: generationModeSchema.default('new'),
  /** How many takes; seeds seed, seed+1, … */
  count: z.number().int().min(1).max(MAX_TAKES_PER_REQUEST).default(1),
  /** 'new' only: the take's length [DEFAULT_TAKE_SECONDS]. */
  seconds: z.number().finite().min(MIN_TAKE_SECONDS).max(MAX_TAKE_SECONDS).optional(),
  /** The first take's seed [a fresh random one, recorded]. */
  seed: seedTextSchema.optional(),
  /** extend: the band-limited input's rate, Hz [half the model's top rate, when it divides it]. */
  extendFromRate: z.number().int().positive().optional(),
});
export type GenerateRequest = z.input<typeof generateRequestSchema>;

export const TAKE_STATUSES = ['queued', 'generating', 'ready', 'failed'] as const;
/** queued → generating → ready, or failed (reason kept; also a batch cut short by a cancel). */
export const takeStatusSchema = z.enum(TAKE_STATUSES);
export type TakeStatus = z.infer<typeof takeStatusSchema>;

/** The `error` of a failed take that did not fail by itself: its batch was stopped or its worker went silent. */
export const TAKE_FAILURE = {
  cancelled: 'cancelled',
  closed: 'interrupted: Eureka was closed while it generated',
  silent: 'the generation worker stopped without a word',
} as const;

export const TAKE_VERDICTS = ['undecided', 'kept', 'discarded'] as const;
/** The songwriter's call on a take. Discarded takes' files go with "delete discarded". */
export const takeVerdictSchema = z.enum(TAKE_VERDICTS);
export type TakeVerdict = z.infer<typeof takeVerdictSchema>;

/** Everything that decides a take's audio besides model and seed. */
export const takeSettingsSchema = z.object({
  mode: generationModeSchema,
  /** The requested length (new) or the length the mode fixes, seconds. */
  seconds: z.number().positive(),
  /** extend: the input's rate, Hz; otherwise null. */
  extendFromRate: z.number().int().positive().nullable(),
});
export type TakeSettings = z.infer<typeof takeSettingsSchema>;

/** Which trained state of the model made a take. */
export const takeCheckpointSchema = z.object({
  /** Trained scales used (a partly trained model generates at its finest finished scale). */
  scales: z.number().int().positive(),
  /** The checkpoints' config hash (hex), so a retrained folder is never mistaken for this one. */
  configHash: z.string(),
});
export type TakeCheckpoint = z.infer<typeof takeCheckpointSchema>;

export const takeSchema = z.object({
  id: idSchema,
  modelId: idSchema,
  /** The clip its model learned (null once that clip was deleted). */
  clipId: idSchema.nullable(),
  songId: idSchema.nullable(),
  /** One request's takes share a batch id. */
  batchId: z.string(),
  /** "Take 12" */
  name: z.string(),
  settings: takeSettingsSchema,
  seed: seedTextSchema,
  checkpoint: takeCheckpointSchema.nullable(),
  status: takeStatusSchema,
  error: z.string().nullable(),
  verdict: takeVerdictSchema,
  starred: z.boolean(),
  /** Of the file, once ready. */
  sampleRate: z.number().int().positive().nullable(),
  durationSeconds: z.number().positive().nullable(),
  /** Integrated loudness of the file (BS.1770, LUFS) and of the source clip it was matched to. */
  loudnessLufs: z.number().nullable(),
  sourceLoudnessLufs: z.number().nullable(),
  /** 'cpu' or 'cuda': the onnxruntime execution provider that made it. */
  executionProvider: z.enum(['cpu', 'cuda']).nullable(),
  /** Wall time of the generation, seconds. */
  generateSeconds: z.number().nonnegative().nullable(),
  /** What the file is (model rate, channels, a gap fill's splice), once ready; null before, and for takes made before Eureka recorded it. */
  render: takeRenderSchema.nullable(),
  /** False once "delete discarded" removed the file (the row and its provenance stay). */
  hasFile: z.boolean(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Take = z.infer<typeof takeSchema>;

export const takePatchSchema = z
  .object({ verdict: takeVerdictSchema.optional(), starred: z.boolean().optional() })
  .strict()
  .refine((patch) => patch.verdict !== undefined || patch.starred !== undefined, 'nothing to change');
export type TakePatch = z.infer<typeof takePatchSchema>;

/** Live progress of a generation batch. */
export const generationProgressEventSchema = z.object({
  batchId: z.string(),
  modelId: idSchema,
  /** The take being generated now, its index in the batch and the batch's size. */
  takeId: idSchema,
  index: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  /** 'preparing' (ONNX export, session start), 'generating', 'writing'. */
  phase: z.enum(['preparing', 'generating', 'writing']),
  /** Of the whole batch, 0..1. */
  fraction: z.number().min(0).max(1),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type GenerationProgressEvent = z.infer<typeof generationProgressEventSchema>;
