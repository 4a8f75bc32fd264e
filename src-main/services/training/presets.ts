/**
 * Training presets: data in models/presets/<name>.json, checked here against a schema when
 * loaded. A preset fixes the architecture and schedule (studio, paper, test) or the search
 * space a time budget is planned in (quick, see planner.ts).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import { formatDuration } from '../../common/format-time.js';
import { PRESET_NAMES, presetNameSchema, trainPrecisionSchema, type PresetName, type PresetSummary } from '../../common/training.js';
import { packagePath } from '../../node/package-root.js';
import { minLevelLength } from './level-limits.js';

const positiveInt = z.number().int().positive();
const rate = positiveInt.max(192_000);

/** One rung of the quick preset's ladder: settings from best (slowest) to cheapest, top rates never rising. */
const rungSchema = z.strictObject({ topRate: rate, channels: positiveInt.max(512) });
export type Rung = z.infer<typeof rungSchema>;

const budgetSchema = z.strictObject({
  /** Budget when the user gives none, seconds. */
  defaultSeconds: z.number().positive(),
  /** Share of the budget the forecast may use (the rest absorbs forecast error). */
  fill: z.number().gt(0).max(1),
  /** A cropped scale trains round(this × the whole-level scales' epochs), at least 1. */
  fineEpochsFraction: z.number().gt(0).max(1),
  /**
   * The planner keeps the highest top rate at which a rung affords fairEpochs (at the
   * whole-level scales); there the first rung affording this many wins, else the rung that
   * affords the most …
   */
  goodEpochs: positiveInt,
  /** … (the least epochs a top rate is kept for) … */
  fairEpochs: positiveInt,
  /** … and with no rung fair, the cheapest, when it affords at least this many; else the budget is refused. */
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
    /** Epochs of a scale trained on its whole level (quick: the most it may choose). */
    epochsPerScale: positiveInt,
    /** Epochs of a cropped scale (null: epochsPerScale; quick: its budget's fineEpochsFraction). */
    fineEpochsPerScale: positiveInt.nullable(),
    /** Fine scales train on random crops of this many samples (null: every scale on its whole level). */
    cropSamples: positiveInt.nullable(),
    /** The convolutions' arithmetic; bf16 falls back to fp32 where the CPU lacks it. */
    precision: trainPrecisionSchema,
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
  })
  .refine((p) => p.budget === null || p.budget.ladder.every((r, i, all) => i === 0 || r.topRate <= all[i - 1]!.topRate), {
    // The planner keeps the highest rate it can afford: rungs are grouped by rate, best first.
    message: "a budget's ladder must not rise in top rate",
  })
  .refine((p) => p.budget === null || p.budget.ladder[0]!.channels === p.channelsRest, {
    // The probe measures channelsRest too: any other count would be measured for nothing.
    message: "a budget preset's channelsRest must be its best rung's channels",
  })
  .refine((p) => p.fineEpochsPerScale === null || (p.cropSamples !== null && p.budget === null), {
    message: 'fineEpochsPerScale needs cropSamples, and a budget preset sets it by fineEpochsFraction',
  })
  .refine((p) => p.cropSamples === null || p.cropSamples >= minLevelLength(p, 'normal'), {
    // The discriminator (and the MSS loss) must fit in a crop as in any trained level.
    message: 'cropSamples must be at least the shortest level the preset can train',
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
      recipe: describeRecipe(preset),
    };
  });
}

/**
 * A preset's recipe in a line of plain words, before any clip or machine is known, e.g.
 * "Up to 16 kHz, 96 channels; 2000 passes over the whole clip at the coarse scales, 1000 over
 * 8192-sample crops at the fine ones; fp32" (a pass: one epoch, a discriminator and a generator
 * step). The plan's summary says what a run chose.
 */
export function describeRecipe(preset: Preset): string {
  const rates = preset.budget
    ? `up to ${kHz(preset.topRate)} kHz where the budget allows (at least ${kHz(Math.min(...preset.budget.ladder.map((r) => r.topRate)))} kHz)`
    : `up to ${kHz(preset.topRate)} kHz`;
  const channelCounts = preset.budget ? [...new Set(preset.budget.ladder.map((r) => r.channels))] : [preset.channelsRest];
  const channels =
    channelCounts.length > 1 ? `${Math.min(...channelCounts)}-${Math.max(...channelCounts)} channels` : `${channelCounts[0]!} channels`;
  const most = preset.budget ? 'up to ' : '';
  let epochs: string;
  if (preset.cropSamples === null) {
    epochs = `${most}${preset.epochsPerScale} passes over the whole clip at every scale`;
  } else {
    const fine = preset.budget
      ? `${fraction(preset.budget.fineEpochsFraction)} as many`
      : String(preset.fineEpochsPerScale ?? preset.epochsPerScale);
    epochs =
      `${most}${preset.epochsPerScale} passes over the whole clip at the coarse scales, ` +
      `${fine} over ${preset.cropSamples}-sample crops at the fine ones`;
  }
  const precision = preset.precision === 'bf16' ? 'bf16 where the CPU has it' : 'fp32';
  const time = preset.budget ? `; fits a ${formatDuration(preset.budget.defaultSeconds)} budget unless you choose another` : '';
  const text = `${rates}, ${channels}; ${epochs}; ${precision}${time}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function kHz(rate: number): string {
  return String(rate / 1000);
}

/** 0.5 → "half", else a percentage ("70 %" as many). */
function fraction(value: number): string {
  return value === 0.5 ? 'half' : value === 0.25 ? 'a quarter' : `${Math.round(value * 100)} %`;
}
