/**
 * From a generate request to what its takes record: whether the model can generate at all,
 * the settings (the length a mode fixes, extend's input rate) and the seeds (seed, seed+1, …
 * modulo 2^64, the first one random when none is given).
 */
import { AppError } from '../../common/errors.js';
import { DEFAULT_TAKE_SECONDS, type GenerationMode, type ModeAvailability, type TakeSettings } from '../../common/generation.js';
import type { Model } from '../../common/training.js';

const SEED_SPACE = 2n ** 64n;

/** Why a model cannot generate yet, or null when it can (any finished scale, not training now). */
export function whyNotReady(model: Model): string | null {
  if (model.status === 'queued' || model.status === 'running') {
    return `model ${model.id} is still training; generate once it is done or stopped`;
  }
  if (model.scalesDone === 0 || model.plan === null) return `model ${model.id} has no finished scale yet: train it first`;
  return null;
}

/** The settings a request's takes are made with, for a mode the model offers. */
export function takeSettingsFor(
  request: { mode: GenerationMode; seconds?: number | undefined; extendFromRate?: number | undefined },
  mode: ModeAvailability,
  model: Model,
): TakeSettings {
  return {
    mode: request.mode,
    // A mode with a fixed length ignores a requested one (the CLI refuses it up front).
    seconds: mode.fixedSeconds ?? request.seconds ?? DEFAULT_TAKE_SECONDS,
    extendFromRate: request.mode === 'extend' ? extendRate(mode, request.extendFromRate, model) : null,
  };
}

/** `count` consecutive seeds from `first`, wrapping at 2^64, as decimal text. */
export function batchSeeds(first: string, count: number): string[] {
  const start = BigInt(first);
  return Array.from({ length: count }, (_, i) => ((start + BigInt(i)) % SEED_SPACE).toString());
}

/** extend's input rate: the one asked for (if the pyramid accepts it), else half the top rate, else the highest accepted. */
function extendRate(mode: ModeAvailability, asked: number | undefined, model: Model): number {
  const rates = mode.extendRates;
  if (asked !== undefined) {
    if (!rates.includes(asked)) {
      throw new AppError('INVALID_INPUT', `model ${model.id} extends from ${rates.join(', ')} Hz only, not ${asked} Hz`);
    }
    return asked;
  }
  const half = (model.plan?.topRate ?? 0) / 2;
  const rate = rates.includes(half) ? half : Math.max(...rates);
  if (!Number.isFinite(rate)) throw new AppError('INVALID_INPUT', `model ${model.id} has no rate to extend from`);
  return rate;
}
