/**
 * A training request told before it starts, in a songwriter's words: how long it will take, what
 * the takes will sound like (their band and how well the model is trained), or why the budget
 * cannot work and the shortest one that can. Pure: the plan comes from planner.ts with a measured
 * machine (machine-speed.ts), so it is the plan the run then trains.
 */
import { AppError } from '../../common/errors.js';
import { formatDuration } from '../../common/format-time.js';
import type { TrainForecast, TrainingPlan } from '../../common/training.js';
import { makePlan, shortestBudgetSeconds, type PlanInputs } from './planner.js';
import type { Preset } from './presets.js';

/**
 * What the takes of a plan will be like: the band they reach (half the top rate) and how far the
 * training gets. The band words follow what a listener hears: 8 kHz and up is a full mix, 4 kHz
 * loses air and cymbals, below that the takes sound muffled. The training words follow the
 * budget's own epoch marks (presets.ts): good, fair, and the least it accepts.
 */
export function qualityWords(plan: TrainingPlan, preset: Preset): string {
  const band = plan.topRate / 2;
  const kHz = `up to ${band / 1000} kHz`;
  const sound = band >= 8000 ? `full band (${kHz})` : band >= 4000 ? `a little dull (${kHz}: no air or cymbal shimmer)` : `muffled (${kHz})`;
  if (!preset.budget) return `${sound}, fully trained (${plan.epochsPerScale} passes per scale)`;
  const { goodEpochs, fairEpochs } = preset.budget;
  const training = plan.epochsPerScale >= goodEpochs ? 'well trained' : plan.epochsPerScale >= fairEpochs ? 'fairly trained' : 'a rough sketch';
  return `${sound}, ${training}`;
}

/**
 * The forecast of a request with a measured machine (`measuredAt`, ms since the epoch), or of a
 * preset that does not measure (null). Refusals are answers here, not errors: a budget too short
 * offers the shortest that works; a clip too short for the preset says so.
 */
export function forecastOf(inputs: PlanInputs, measuredAt: number | null): TrainForecast {
  const measured = measuredAt === null ? null : new Date(measuredAt).toISOString();
  let plan: TrainingPlan;
  try {
    plan = makePlan(inputs);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'INVALID_INPUT') throw error;
    const shortest = shortestBudgetSeconds(inputs);
    const budget = inputs.budgetSeconds ?? inputs.preset.budget?.defaultSeconds ?? null;
    const headline =
      shortest !== null && budget !== null
        ? `${formatDuration(budget)} is too short for this ${formatDuration(inputs.clip.seconds)} clip on this computer: ` +
          `the shortest budget that works is ${formatDuration(shortest)}.`
        : `${error.message[0]!.toUpperCase()}${error.message.slice(1)}.`;
    return { outcome: 'refused', plan: null, headline, quality: null, shortestBudgetSeconds: shortest, measuredAt: measured };
  }
  const quality = qualityWords(plan, inputs.preset);
  const shortest = shortestBudgetSeconds(inputs);
  const { predictedSeconds: predicted, budgetSeconds: budget } = plan;
  if (predicted !== null && budget !== null && predicted > budget) {
    return {
      outcome: 'over',
      plan,
      headline: `About ${formatDuration(predicted)}, over your ${formatDuration(budget)}: this computer is too slow for it now, so it trains the cheapest settings: ${quality}.`,
      quality,
      shortestBudgetSeconds: shortest,
      measuredAt: measured,
    };
  }
  const time =
    predicted === null
      ? plan.device === 'cuda'
        ? 'No time forecast yet (this GPU has not been measured): it comes once the first scale has trained'
        : `No time forecast (the ${plan.preset} preset does not measure this computer)`
      : `About ${formatDuration(predicted)}${budget === null ? '' : ` of your ${formatDuration(budget)}`}`;
  return { outcome: 'fits', plan, headline: `${time}: ${quality}.`, quality, shortestBudgetSeconds: shortest, measuredAt: measured };
}

/** The forecast while another model trains and this machine has never been measured for the preset. */
export function laterForecast(preset: Preset): TrainForecast {
  return {
    outcome: 'later',
    plan: null,
    headline: `Another model is training now: this one is planned when it starts (the ${preset.name} preset measures this computer first).`,
    quality: null,
    shortestBudgetSeconds: null,
    measuredAt: null,
  };
}
