/**
 * Training presets: data in models/presets/<name>.json, checked here against a schema when
 * loaded. A preset fixes the architecture and schedule (studio, test) or the search space a
 * time budget is planned in (quick, see planner.ts).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { PRESET_NAMES, presetNameSchema, type PresetName, type PresetSummary } from '../../common/training.js';
import { packagePath } from '../../node/package-root.js';

const positiveInt = z.number().int().positive();
const rate = positiveInt.max(192_000);

/** One rung of the quick preset's ladder: settings from best (slowest) to cheapest. */
const rungSchema = z.strictObject({ topRate: rate, channels: positiveInt.max(512) });
export type Rung = z.infer<typeof rungSchema>;

const budgetSchema = z.strictObject({
  /** Budget when the user gives none, seconds. */
  defaultSeconds: z.number().positive(),
  /** Share of the budget the forecast may use (the rest absorbs forecast error). */
  fill: z.number().gt(0).max(1),
  /** The first rung affording this many epochs per scale wins … */
  goodEpochs: positiveInt,
  /** … else the first affording this many … */
  fairEpochs: positiveInt,
  /** … else the cheapest rung, when it affords at least this many; else the budget is refused. */
  minEpochs: positiveInt,
  ladder: z.array(rungSchema).min(1),
});
export type PresetBudget = z.infer<typeof budgetSchema>;

export const presetSchema = z
  .strictObject({
    name: presetNameSchema,
    title: z.string().min(1),
    description: z.string().min(1),
    mode: z.enum(['normal', 'denoising']),
    /** The finest scale's rate (capped at the clip's own rate). */
    topRate: rate,
    /** Candidate coarser rates, strictly ascending, all below topRate. */
    fsList: z.array(rate).min(1),
    channelsFirst: positiveInt.max(512),
    channelsRest: positiveInt.max(512),
    kernelSize: positiveInt.refine((k) => k % 2 === 1, 'must be odd'),
    layers: z.number().int().min(2).max(12),
    /** Epochs per scale (quick: the most it may choose). */
    epochsPerScale: positiveInt,
    learningRate: z.number().positive(),
    /** Reconstruction weights overriding the mode's, or null. */
    alpha1: z.number().nonnegative().nullable(),
    alpha2: z.number().nonnegative().nullable(),
    mssConfigs: z
      .array(z.strictObject({ nFft: positiveInt, hop: positiveInt, win: positiveInt }))
      .min(1)
      .nullable(),
    /** Measure this machine before training (for the forecast and ETA). */
    probe: z.boolean(),
    budget: budgetSchema.nullable(),
  })
  .refine((p) => p.fsList.every((f, i) => f < p.topRate && (i === 0 || f > p.fsList[i - 1]!)), {
    message: 'fsList must be strictly ascending and below topRate',
  })
  .refine((p) => (p.name === 'quick') === (p.budget !== null), { message: 'only quick has a budget' })
  .refine((p) => p.budget === null || p.probe, { message: 'a budget needs the probe' })
  .refine((p) => p.budget === null || (p.budget.goodEpochs >= p.budget.fairEpochs && p.budget.fairEpochs >= p.budget.minEpochs), {
    message: 'budget epochs must satisfy good >= fair >= min',
  });
export type Preset = z.infer<typeof presetSchema>;

const cache = new Map<PresetName, Preset>();

/** The preset of that name from models/presets, validated. */
export function loadPreset(name: PresetName): Preset {
  const cached = cache.get(name);
  if (cached) return cached;
  const file = packagePath('models', 'presets', `${name}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AppError('INTERNAL', `preset ${name} cannot be read from ${file}: ${(error as Error).message}`);
  }
  const parsed = presetSchema.safeParse(raw);
  if (!parsed.success || parsed.data.name !== name) {
    const issue = parsed.success ? { path: ['name'], message: 'does not match the file name' } : parsed.error.issues[0];
    throw new AppError('INTERNAL', `preset ${file} is invalid at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`);
  }
  cache.set(name, parsed.data);
  return parsed.data;
}

export function listPresets(): PresetSummary[] {
  return PRESET_NAMES.map((name) => {
    const preset = loadPreset(name);
    return {
      name,
      title: preset.title,
      description: preset.description,
      defaultBudgetSeconds: preset.budget?.defaultSeconds ?? null,
    };
  });
}
