/**
 * Turns a preset, a clip and (for quick) a measured machine into a TrainingPlan, and forecasts
 * the time left while a run trains. Pure functions: the probe that measures the machine lives in
 * probe.ts, so everything here is unit-testable with a made-up cost model.
 *
 * The cost model: one epoch of a scale with C channels on N samples takes
 *   fixed(C) + perSample(C)·N  (one D step and one G step, measured by the probe)
 *   + REDRAW_SHARE · Σ_{coarser j} perSample(C_j)·N_j  (redrawing `prev` through the frozen
 * generators: one G forward each, about 1/21 of an epoch's work by docs/caw-spec.md §5's count
 * 6·F_G + 15·F_D with F_G ≈ F_D).
 */
import { AppError } from '../../common/errors.js';
import { formatDuration } from '../../common/format-time.js';
import type { TrainingPlan } from '../../common/training.js';
import type { Preset, Rung } from './presets.js';

/** Seconds per epoch at one channel count: fixed + perSample · N. */
export interface ChannelCost {
  fixed: number;
  perSample: number;
}
/** Measured costs by channel count. */
export type CostModel = ReadonlyMap<number, ChannelCost>;

export const REDRAW_SHARE = 1 / 21;

/** The padding P of one generator side (caw_pad): (K − 1)/2 · (2^L − 1) for dilations 1 … 2^(L−1). */
export function receptivePad(kernel: number, layers: number): number {
  return ((kernel - 1) / 2) * (2 ** layers - 1);
}

/** The shortest level a preset can train: D needs 2P + 1 samples, the MSS loss n_fft/2 + 1. */
export function minLevelLength(
  preset: Pick<Preset, 'kernelSize' | 'layers' | 'alpha2' | 'mssConfigs'>,
  mode: 'normal' | 'denoising' | 'inpainting',
): number {
  const discriminator = 2 * receptivePad(preset.kernelSize, preset.layers) + 1;
  // The MSS loss is used in the music mode (alpha2 1e-4 unless overridden), not in the others.
  const usesMss = preset.alpha2 !== null ? preset.alpha2 > 0 : mode === 'normal';
  const nFfts = preset.mssConfigs?.map((c) => c.nFft) ?? [2048, 1024, 512];
  return usesMss ? Math.max(discriminator, Math.max(...nFfts) / 2 + 1) : discriminator;
}

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

/** Predicted seconds per epoch of every level (index 0 trains with channelsFirst). */
export function epochForecast(levels: readonly Level[], channelsFirst: number, channelsRest: number, costs: CostModel): number[] {
  let redraw = 0;
  return levels.map((level, k) => {
    const cost = costOf(costs, k === 0 ? channelsFirst : channelsRest);
    const seconds = cost.fixed + cost.perSample * level.length + REDRAW_SHARE * redraw;
    redraw += cost.perSample * level.length;
    return seconds;
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

export interface PlanInputs {
  preset: Preset;
  clip: ClipFacts;
  seed: string;
  device: 'cpu' | 'cuda';
  deviceReason: string;
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

/**
 * The plan for a run. Fixed presets take their settings (capping the top rate at the clip's
 * own rate); quick walks its ladder and takes the first rung that affords `goodEpochs` per
 * scale within the budget, else the first that affords `fairEpochs`, else the cheapest rung if
 * it affords `minEpochs` — or, with overBudget 'cheapest', the cheapest rung at `minEpochs`
 * whatever the budget (its forecast then exceeds it, and the summary says so). Throws
 * INVALID_INPUT when the clip is too short for the preset or the budget too small.
 */
export function makePlan(inputs: PlanInputs): TrainingPlan {
  const { preset, clip, costs } = inputs;
  const mode = clip.hole ? 'inpainting' : (inputs.mode ?? preset.mode);
  const minLength = minLevelLength(preset, mode);
  const levelsAt = (topRate: number) => {
    const rate = Math.min(topRate, clip.sourceRate);
    return { rate, levels: trainableLevels(preset.fsList, rate, Math.round(clip.seconds * rate), minLength) };
  };

  let chosen: { rung: Rung; levels: Level[]; epochs: number; forecast: number[] };
  if (preset.budget) {
    const budget = inputs.budgetSeconds ?? preset.budget.defaultSeconds;
    if (!costs) throw new AppError('INTERNAL', 'the quick preset needs measured costs');
    const available = Math.max(0, preset.budget.fill * budget - inputs.spentSeconds);
    const options = preset.budget.ladder.flatMap((rung) => {
      const { rate, levels } = levelsAt(rung.topRate);
      if (levels.length === 0) return [];
      const forecast = epochForecast(levels, preset.channelsFirst, rung.channels, costs);
      const perEpoch = sum(forecast);
      return [{ rung: { ...rung, topRate: rate }, levels, forecast, perEpoch, affordable: Math.floor(available / perEpoch) }];
    });
    const cheapest = options.at(-1);
    if (!cheapest) throw tooShort(clip, preset, minLength);
    const { goodEpochs, fairEpochs } = preset.budget;
    const pick =
      options.find((o) => o.affordable >= goodEpochs) ?? options.find((o) => o.affordable >= fairEpochs) ?? cheapest;
    const { minEpochs } = preset.budget;
    if (pick.affordable < minEpochs && inputs.overBudget === 'cheapest') {
      chosen = { ...cheapest, epochs: Math.min(minEpochs, preset.epochsPerScale) };
    } else if (pick.affordable < minEpochs) {
      const needed = (minEpochs * cheapest.perEpoch + inputs.spentSeconds) / preset.budget.fill;
      throw new AppError(
        'INVALID_INPUT',
        `a ${formatDuration(budget)} budget is too short for this ${formatDuration(clip.seconds)} clip on this machine: ` +
          `the cheapest quick settings need about ${formatDuration(Math.ceil(needed))} (choose a longer budget or a shorter clip)`,
      );
    } else {
      chosen = { ...pick, epochs: Math.min(pick.affordable, preset.epochsPerScale) };
    }
  } else {
    const { rate, levels } = levelsAt(preset.topRate);
    if (levels.length === 0) throw tooShort(clip, preset, minLength);
    const forecast = costs ? epochForecast(levels, preset.channelsFirst, preset.channelsRest, costs) : levels.map(() => 0);
    chosen = { rung: { topRate: rate, channels: preset.channelsRest }, levels, epochs: preset.epochsPerScale, forecast };
  }

  const { rung, levels, epochs, forecast } = chosen;
  const predicted = costs ? epochs * sum(forecast) : null;
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
    learningRate: preset.learningRate,
    alpha1: preset.alpha1,
    alpha2: preset.alpha2,
    mssConfigs: preset.mssConfigs,
    seed: inputs.seed,
    device: inputs.device,
    deviceReason: inputs.deviceReason,
    budgetSeconds: preset.budget ? (inputs.budgetSeconds ?? preset.budget.defaultSeconds) : null,
    predictedSeconds: predicted,
    scales: levels.map((level, k) => ({
      rate: level.rate,
      length: level.length,
      channels: k === 0 ? preset.channelsFirst : rung.channels,
      epochSeconds: forecast[k] ?? 0,
    })),
    summary: '',
  };
  plan.summary = summarise(plan, costs);
  return plan;
}

function tooShort(clip: ClipFacts, preset: Preset, minLength: number): AppError {
  const seconds = minLength / Math.min(preset.topRate, clip.sourceRate);
  return new AppError(
    'INVALID_INPUT',
    `this ${clip.seconds.toFixed(1)} s clip is too short for the ${preset.name} preset (it needs at least ${seconds.toFixed(2)} s)`,
  );
}

function summarise(plan: TrainingPlan, costs: CostModel | null): string {
  const parts = [
    `${plan.preset}: top rate ${plan.topRate / 1000} kHz`,
    `${plan.channelsRest} channels`,
    `${plan.epochsPerScale} epochs per scale`,
    `up to ${plan.scales.length} scales`,
    `on the ${plan.device.toUpperCase()}`,
  ];
  let text = parts.join(', ');
  if (plan.predictedSeconds !== null) {
    text += `; forecast ${formatDuration(plan.predictedSeconds)}`;
    if (plan.budgetSeconds !== null) {
      text +=
        plan.predictedSeconds > plan.budgetSeconds
          ? `, over the ${formatDuration(plan.budgetSeconds)} budget (this machine is too slow for it now: the cheapest settings)`
          : ` of a ${formatDuration(plan.budgetSeconds)} budget`;
    }
    const cost = costs?.get(plan.channelsRest);
    if (cost) text += ` (measured ${(cost.perSample * 1e6).toFixed(2)} µs per sample-epoch at ${plan.channelsRest} channels)`;
  }
  return text;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Where a run is: the trained scale (0 = first trained), scales in total, epochs done in it. */
export interface RunPosition {
  scale: number;
  scales: number;
  epoch: number;
  epochs: number;
}

/**
 * The fraction of the run's work done and the seconds left. The plan's forecast per scale is
 * calibrated by the measured mean epoch time of the current scale; without a forecast (no probe)
 * later scales are extrapolated from the current one in proportion to length × channels.
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
  const weight = (k: number): number => {
    const level = levels[k]!;
    if (hasForecast) return level.epochSeconds;
    return level.length * level.channels;
  };
  const epochWeights = levels.map((_, k) => weight(k));
  const total = sum(epochWeights) * position.epochs;
  const done = sum(epochWeights.slice(0, position.scale)) * position.epochs + epochWeights[position.scale]! * position.epoch;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  if (measuredEpochSeconds === null || !(measuredEpochSeconds > 0)) return { fraction, etaSeconds: null };
  const secondsPerWeight = measuredEpochSeconds / epochWeights[position.scale]!;
  return { fraction, etaSeconds: Math.max(0, (total - done) * secondsPerWeight) };
}
