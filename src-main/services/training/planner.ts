/**
 * Turns a preset, a clip and (for quick) a measured machine into a TrainingPlan, and forecasts
 * the time left while a run trains. Pure functions: the probe that measures the machine lives in
 * probe.ts, so everything here is unit-testable with a made-up cost model.
 *
 * The cost model: one epoch of a scale with C channels whose generator runs on L samples takes
 *   fixed(C) + perSample(C)·L  (one D step and one G step, measured by the probe)
 *   + REDRAW_SHARE · Σ_{coarser j} perSample(C_j)·W_j  (redrawing `prev` through the frozen
 * generators: one G forward each, about 1/21 of an epoch's work by docs/caw-spec.md §5's count
 * 6·F_G + 15·F_D with F_G ≈ F_D).
 * L is the whole level N, or crop + 2P at a cropped scale (docs/caw-spec.md §8 "Crops": the
 * generator runs on the crop and its margins, the discriminator on the crop alone, so taking
 * crop + 2P for both errs on the slow side). W_j is the whole level, or at a cropped scale the
 * window each frozen generator needs ({@link redrawWindows}).
 */
import { AppError } from '../../common/errors.js';
import { formatDuration } from '../../common/format-time.js';
import { MIN_BUDGET_SECONDS, type PlanScale, type TrainingPlan, type TrainPrecision } from '../../common/training.js';
import { minLevelLength, receptivePad } from './level-limits.js';
import type { Preset, PresetBudget, Rung } from './presets.js';

export { minLevelLength, receptivePad };

/** Seconds per epoch at one channel count: fixed + perSample · N. */
export interface ChannelCost {
  fixed: number;
  perSample: number;
}
/** Measured costs by channel count. */
export type CostModel = ReadonlyMap<number, ChannelCost>;

export const REDRAW_SHARE = 1 / 21;
/**
 * Samples each side that the cubic upsampling between two scales needs beyond the window it
 * feeds (docs/caw-spec.md §8 "Crops"; CUBIC_MARGIN in native/src/model/caw-generate.cpp).
 */
export const REDRAW_CUBIC_MARGIN = 8;

export interface Level {
  rate: number;
  length: number;
}

/**
 * The pyramid levels for `samples` at `topRate`, as the native pyramid builds them (rates as
 * Python's int(Fs / (Fs / f)), lengths ceil(N·f/Fs)), keeping only levels long enough to train.
 * The reference would crash on a shorter level; we leave it out of the candidate list instead.
 */
export function trainableLevels(fsList: readonly number[], topRate: number, samples: number, minLength: number): Level[] {
  const levels = [...fsList.filter((f) => f < topRate), topRate].map((f) => {
    const rate = f === topRate ? topRate : Math.trunc(topRate / (topRate / f));
    return { rate, length: rate === topRate ? samples : Math.ceil((samples * rate) / topRate) };
  });
  return levels.filter((level) => level.length >= minLength);
}

/** Crops as a plan uses them: the crop length and the generator's padding P. */
export interface CropRule {
  samples: number;
  pad: number;
}

/** Whether a level of `length` samples trains on crops: it must hold a crop and both its margins, and one more. */
export function isCropped(length: number, crop: CropRule | null): boolean {
  return crop !== null && length >= crop.samples + 2 * crop.pad + 1;
}

/**
 * The samples each frozen generator j < k runs on to redraw `prev` for a cropped scale k, as
 * the native trainer's crop_windows: going down from the generator's crop + 2P at scale k, a
 * window covers the one above (plus the cubic margins) at its own rate, plus 2P; once a window
 * reaches its whole level, every coarser one is whole too.
 */
export function redrawWindows(levels: readonly Level[], k: number, crop: CropRule): number[] {
  const windows = levels.slice(0, k).map((level) => level.length);
  let need = crop.samples + 2 * crop.pad;
  let above = levels[k]!.rate;
  for (let j = k - 1; j >= 0; j--) {
    const level = levels[j]!;
    const window = Math.ceil(((need + 2 * REDRAW_CUBIC_MARGIN) * level.rate) / above) + 1 + 2 * crop.pad;
    if (window >= level.length) break; // this one and every coarser one are whole
    windows[j] = window;
    need = window;
    above = level.rate;
  }
  return windows;
}

/**
 * Predicted seconds per epoch of every level (index 0 trains with channelsFirst); with a crop
 * rule, levels long enough train on crops and redraw `prev` on windows.
 */
export function epochForecast(
  levels: readonly Level[],
  channelsFirst: number,
  channelsRest: number,
  costs: CostModel,
  crop: CropRule | null = null,
): number[] {
  const channelsOf = (k: number) => (k === 0 ? channelsFirst : channelsRest);
  return levels.map((level, k) => {
    const cost = costOf(costs, channelsOf(k));
    const cropped = isCropped(level.length, crop);
    const generated = cropped ? crop!.samples + 2 * crop!.pad : level.length;
    const windows = cropped ? redrawWindows(levels, k, crop!) : levels.slice(0, k).map((l) => l.length);
    const redraw = windows.reduce((total, window, j) => total + costOf(costs, channelsOf(j)).perSample * window, 0);
    return cost.fixed + cost.perSample * generated + REDRAW_SHARE * redraw;
  });
}

function costOf(costs: CostModel, channels: number): ChannelCost {
  const cost = costs.get(channels);
  if (!cost) throw new AppError('INTERNAL', `no measured cost for ${channels} channels`);
  return cost;
}

/** The channel counts a preset's plan may need measured. */
export function channelsToProbe(preset: Preset): number[] {
  const counts = new Set([preset.channelsFirst, preset.channelsRest, ...(preset.budget?.ladder.map((r) => r.channels) ?? [])]);
  return [...counts].sort((a, b) => a - b);
}

/** What the planner knows about the clip: its length and its own sample rate. */
export interface ClipFacts {
  seconds: number;
  /** The source audio's rate: no scale is trained above it. */
  sourceRate: number;
  /** A gap clip's hole, seconds from the clip's start: the run trains in inpainting mode. */
  hole: { start: number; end: number } | null;
}

/** Whether this run can train in bf16, and why (precision.ts asks the addon). */
export interface Bf16Support {
  available: boolean;
  /** A clause: "this CPU has AVX512_BF16" / "this CPU has no AVX512_BF16". */
  why: string;
}

export interface PlanInputs {
  preset: Preset;
  clip: ClipFacts;
  seed: string;
  device: 'cpu' | 'cuda';
  deviceReason: string;
  /** bf16 on this machine (the preset's bf16 falls back to fp32 without it). */
  bf16: Bf16Support;
  /** Measured costs, when the preset probes. */
  costs: CostModel | null;
  /** quick: the budget in seconds, and the seconds already spent (the probe). */
  budgetSeconds: number | null;
  spentSeconds: number;
  /** quick: when even the cheapest rung misses the budget, refuse (default) or take it anyway. */
  overBudget?: 'refuse' | 'cheapest';
  /** The mode asked for instead of the preset's (ignored for a gap clip: inpainting). */
  mode?: 'normal' | 'denoising' | null;
}

/** One rung priced: its levels, their epoch forecast and which of them train on crops. */
interface Option {
  rung: Rung;
  levels: Level[];
  forecast: number[];
  cropped: boolean[];
}

/** Fine epochs for E whole-level epochs under a budget's fraction (at least 1). */
function fineFor(epochs: number, fraction: number): number {
  return Math.max(1, Math.round(epochs * fraction));
}

/** Forecast seconds of a run: each scale's epochs times its epoch forecast. */
function runSeconds(option: Option, epochs: number, fineEpochs: number): number {
  return option.forecast.reduce((total, seconds, k) => total + seconds * (option.cropped[k] ? fineEpochs : epochs), 0);
}

/** The most whole-level epochs E (fine ones round(E × fraction)) whose run fits `available` seconds. */
function affordableEpochs(option: Option, fraction: number, available: number): number {
  const perEpoch = option.forecast.reduce((total, seconds, k) => total + seconds * (option.cropped[k] ? fraction : 1), 0);
  let epochs = Math.max(0, Math.floor(available / perEpoch));
  // The rounding of the fine epochs moves the exact answer by at most a step either way.
  while (epochs > 0 && runSeconds(option, epochs, fineFor(epochs, fraction)) > available) epochs--;
  while (runSeconds(option, epochs + 1, fineFor(epochs + 1, fraction)) <= available) epochs++;
  return epochs;
}

/** The run's mode, its shortest trainable level, its crop rule and a pricer of a top rate × channels. */
function pricing(inputs: PlanInputs): {
  mode: TrainingPlan['mode'];
  minLength: number;
  crop: CropRule | null;
  price: (topRate: number, channels: number) => Option | null;
} {
  const { preset, clip, costs } = inputs;
  const mode = clip.hole ? 'inpainting' : (inputs.mode ?? preset.mode);
  const minLength = minLevelLength(preset, mode);
  // The native trainer crops no inpainting run: its holes must stay in view.
  const crop: CropRule | null =
    preset.cropSamples !== null && mode !== 'inpainting' ? { samples: preset.cropSamples, pad: receptivePad(preset.kernelSize, preset.layers) } : null;
  const price = (topRate: number, channels: number): Option | null => {
    const rate = Math.min(topRate, clip.sourceRate);
    const levels = trainableLevels(preset.fsList, rate, Math.round(clip.seconds * rate), minLength);
    if (levels.length === 0) return null;
    return {
      rung: { topRate: rate, channels },
      levels,
      forecast: costs ? epochForecast(levels, preset.channelsFirst, channels, costs, crop) : levels.map(() => 0),
      cropped: levels.map((level) => isCropped(level.length, crop)),
    };
  };
  return { mode, minLength, crop, price };
}

/** The budget the cheapest rung needs for `minEpochs`: the shortest one a quick plan accepts. */
function neededBudget(cheapest: Option, budget: PresetBudget, spentSeconds: number): number {
  return Math.ceil((runSeconds(cheapest, budget.minEpochs, fineFor(budget.minEpochs, budget.fineEpochsFraction)) + spentSeconds) / budget.fill);
}

/**
 * quick: the shortest budget that trains this clip on this machine (what a refusal offers
 * instead), or null for a preset without a budget, without measured costs, or for a clip too
 * short for any rung.
 */
export function shortestBudgetSeconds(inputs: PlanInputs): number | null {
  const { preset, costs } = inputs;
  if (!preset.budget || !costs) return null;
  const { price } = pricing(inputs);
  const cheapestRung = preset.budget.ladder.findLast((rung) => price(rung.topRate, rung.channels) !== null);
  const cheapest = cheapestRung ? price(cheapestRung.topRate, cheapestRung.channels) : null;
  return cheapest ? Math.max(MIN_BUDGET_SECONDS, neededBudget(cheapest, preset.budget, inputs.spentSeconds)) : null;
}

/**
 * The plan for a run. Fixed presets take their settings (capping the top rate at the clip's
 * own rate). Quick prices every rung of its ladder: E epochs at the whole-level scales and
 * round(E × `fineEpochsFraction`) at the cropped ones must fit fill × budget − spent. It keeps
 * the highest top rate at which some rung affords `fairEpochs`, and there takes the first rung
 * that affords `goodEpochs`, else the one that affords the most epochs: a tighter budget costs
 * channels before it costs the top rate. When no rung affords `fairEpochs`, the cheapest rung if
 * it affords `minEpochs` — or, with overBudget 'cheapest', the cheapest rung at `minEpochs`
 * whatever the budget (its forecast then exceeds it, and the summary says so). Throws
 * INVALID_INPUT when the clip is too short for the preset or the budget too small.
 */
export function makePlan(inputs: PlanInputs): TrainingPlan {
  const { preset, clip, costs } = inputs;
  const { mode, minLength, crop, price } = pricing(inputs);

  let chosen: { option: Option; epochs: number; fineEpochs: number };
  if (preset.budget) {
    const budget = inputs.budgetSeconds ?? preset.budget.defaultSeconds;
    if (!costs) throw new AppError('INTERNAL', 'the quick preset needs measured costs');
    const { fineEpochsFraction: fraction, goodEpochs, fairEpochs, minEpochs } = preset.budget;
    const available = Math.max(0, preset.budget.fill * budget - inputs.spentSeconds);
    const options = preset.budget.ladder.flatMap((rung) => {
      const option = price(rung.topRate, rung.channels);
      return option ? [{ option, affordable: affordableEpochs(option, fraction, available) }] : [];
    });
    const cheapest = options.at(-1);
    if (!cheapest) throw tooShort(clip, preset, minLength);
    // The highest top rate any rung of which affords fairEpochs; at that rate the first rung
    // affording goodEpochs, else the one affording the most epochs (channels are bought only
    // beyond goodEpochs, so a longer budget never gets fewer of them).
    let pick: (typeof options)[number] | undefined;
    for (const rate of new Set(options.map((o) => o.option.rung.topRate))) {
      const atRate = options.filter((o) => o.option.rung.topRate === rate);
      if (!atRate.some((o) => o.affordable >= fairEpochs)) continue;
      pick = atRate.find((o) => o.affordable >= goodEpochs) ?? atRate.reduce((best, o) => (o.affordable > best.affordable ? o : best));
      break;
    }
    pick ??= cheapest;
    const at = (option: Option, epochs: number) => ({ option, epochs, fineEpochs: fineFor(epochs, fraction) });
    if (pick.affordable < minEpochs && inputs.overBudget === 'cheapest') {
      chosen = at(cheapest.option, Math.min(minEpochs, preset.epochsPerScale));
    } else if (pick.affordable < minEpochs) {
      const needed = neededBudget(cheapest.option, preset.budget, inputs.spentSeconds);
      throw new AppError(
        'INVALID_INPUT',
        `a ${formatDuration(budget)} budget is too short for this ${formatDuration(clip.seconds)} clip on this machine: ` +
          `the cheapest quick settings need about ${formatDuration(needed)} (choose a longer budget or a shorter clip)`,
      );
    } else {
      chosen = at(pick.option, Math.min(pick.affordable, preset.epochsPerScale));
    }
  } else {
    const option = price(preset.topRate, preset.channelsRest);
    if (!option) throw tooShort(clip, preset, minLength);
    chosen = { option, epochs: preset.epochsPerScale, fineEpochs: preset.fineEpochsPerScale ?? preset.epochsPerScale };
  }

  const { option, epochs, fineEpochs } = chosen;
  const { rung, levels, forecast } = option;
  const precision: TrainPrecision = preset.precision === 'bf16' && inputs.bf16.available ? 'bf16' : 'fp32';
  const plan: TrainingPlan = {
    preset: preset.name,
    mode,
    holes: clip.hole
      ? [{ start: Math.round(clip.hole.start * rung.topRate), end: Math.round(clip.hole.end * rung.topRate) }]
      : null,
    topRate: rung.topRate,
    fsList: levels.slice(0, -1).map((level) => level.rate),
    channelsFirst: preset.channelsFirst,
    channelsRest: rung.channels,
    kernelSize: preset.kernelSize,
    layers: preset.layers,
    epochsPerScale: epochs,
    cropSamples: crop?.samples ?? null,
    fineEpochsPerScale: crop ? fineEpochs : null,
    precision,
    precisionReason:
      preset.precision === 'fp32'
        ? `fp32, as the ${preset.name} preset asks`
        : precision === 'bf16'
          ? `bf16 convolutions with fp32 accumulation: ${inputs.bf16.why}`
          : `fp32: the ${preset.name} preset asks for bf16, but ${inputs.bf16.why}`,
    learningRate: preset.learningRate,
    alpha1: preset.alpha1,
    alpha2: preset.alpha2,
    mssConfigs: preset.mssConfigs,
    seed: inputs.seed,
    device: inputs.device,
    deviceReason: inputs.deviceReason,
    budgetSeconds: preset.budget ? (inputs.budgetSeconds ?? preset.budget.defaultSeconds) : null,
    predictedSeconds: costs ? runSeconds(option, epochs, fineEpochs) : null,
    scales: levels.map((level, k) => ({
      rate: level.rate,
      length: level.length,
      channels: k === 0 ? preset.channelsFirst : rung.channels,
      ...trainedShape(level.length, crop, epochs, fineEpochs),
      epochSeconds: forecast[k] ?? 0,
    })),
    summary: '',
  };
  plan.summary = summarise(plan, preset.precision);
  return plan;
}

/** How a level of `length` samples trains under a plan's crop: on crops or whole, and for how many epochs. */
export function trainedShape(
  length: number,
  crop: CropRule | null,
  epochs: number,
  fineEpochs: number,
): Pick<PlanScale, 'cropped' | 'trainedLength' | 'epochs'> {
  const cropped = isCropped(length, crop);
  return { cropped, trainedLength: cropped ? crop!.samples : length, epochs: cropped ? fineEpochs : epochs };
}

/** A plan's crop rule, or null when it trains every level whole. */
export function cropRuleOf(plan: Pick<TrainingPlan, 'cropSamples' | 'kernelSize' | 'layers'>): CropRule | null {
  return plan.cropSamples === null ? null : { samples: plan.cropSamples, pad: receptivePad(plan.kernelSize, plan.layers) };
}

function tooShort(clip: ClipFacts, preset: Preset, minLength: number): AppError {
  const seconds = minLength / Math.min(preset.topRate, clip.sourceRate);
  return new AppError(
    'INVALID_INPUT',
    `this ${clip.seconds.toFixed(1)} s clip is too short for the ${preset.name} preset (it needs at least ${seconds.toFixed(2)} s)`,
  );
}

/**
 * The plan in a line of plain words, e.g. "quick: up to 16 kHz, 32 channels, at most 8 scales; 760
 * passes over the whole clip at the 3 coarse scales, 380 over 8192-sample crops at the 5 fine
 * ones; bf16 on the CPU; forecast 26 min of a 30 min budget".
 */
function summarise(plan: TrainingPlan, asked: TrainPrecision): string {
  const coarse = plan.scales.filter((scale) => !scale.cropped).length;
  const fine = plan.scales.length - coarse;
  const crops = `${plan.cropSamples}-sample crops`;
  const passes =
    fine === 0
      ? `${plan.epochsPerScale} passes over the whole clip at each scale`
      : coarse === 0
        ? `${plan.fineEpochsPerScale} passes over ${crops} at each scale`
        : `${plan.epochsPerScale} passes over the whole clip at the ${count(coarse, 'coarse scale')}, ` +
          `${plan.fineEpochsPerScale} over ${crops} at the ${fine} fine ${fine === 1 ? 'one' : 'ones'}`;
  const fallback = plan.precision === asked ? '' : ' (no bf16 there)';
  let text =
    // "at most": the trainer's energy rule may skip the quietest coarse levels.
    `${plan.preset}: up to ${plan.topRate / 1000} kHz, ${plan.channelsRest} channels, at most ${count(plan.scales.length, 'scale')}; ` +
    `${passes}; ${plan.precision} on the ${plan.device.toUpperCase()}${fallback}`;
  if (plan.predictedSeconds !== null) {
    text += `; forecast ${formatDuration(plan.predictedSeconds)}`;
    if (plan.budgetSeconds !== null) {
      text +=
        plan.predictedSeconds > plan.budgetSeconds
          ? `, over the ${formatDuration(plan.budgetSeconds)} budget (this machine is too slow for it now: the cheapest settings)`
          : ` of a ${formatDuration(plan.budgetSeconds)} budget`;
    }
  }
  return text;
}

/** "1 scale", "3 coarse scales". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Where a run is: the trained scale (0 = first trained), scales in total, epochs done in it and its epochs. */
export interface RunPosition {
  scale: number;
  scales: number;
  epoch: number;
  /** The current scale's epochs (the trainer's count: a cropped scale has the plan's fine epochs). */
  epochs: number;
}

/**
 * The fraction of the run's work done and the seconds left. Each scale weighs its epochs times
 * its forecast epoch time, calibrated by the measured mean epoch time of the current scale;
 * without a forecast (no probe) an epoch weighs the samples its generator runs on × channels.
 * The trained scales are the plan's last `scales` levels (the energy rule may skip coarse ones).
 */
export function forecastRemaining(
  plan: TrainingPlan,
  position: RunPosition,
  measuredEpochSeconds: number | null,
): { fraction: number; etaSeconds: number | null } {
  const levels = plan.scales.slice(Math.max(0, plan.scales.length - position.scales));
  const current = levels[position.scale];
  if (!current) return { fraction: 0, etaSeconds: null };
  const hasForecast = levels.every((level) => level.epochSeconds > 0);
  const pad = receptivePad(plan.kernelSize, plan.layers);
  const epochWeights = levels.map((level) => {
    if (hasForecast) return level.epochSeconds;
    return (level.cropped ? level.trainedLength + 2 * pad : level.length) * level.channels;
  });
  const epochsOf = (k: number) => (k === position.scale ? position.epochs : levels[k]!.epochs);
  const scaleWeights = epochWeights.map((weight, k) => weight * epochsOf(k));
  const total = sum(scaleWeights);
  const done = sum(scaleWeights.slice(0, position.scale)) + epochWeights[position.scale]! * position.epoch;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  if (measuredEpochSeconds === null || !(measuredEpochSeconds > 0)) return { fraction, etaSeconds: null };
  const secondsPerWeight = measuredEpochSeconds / epochWeights[position.scale]!;
  return { fraction, etaSeconds: Math.max(0, (total - done) * secondsPerWeight) };
}
