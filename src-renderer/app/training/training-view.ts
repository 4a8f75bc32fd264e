/**
 * How training looks in the UI: the order of the model list, what can be done to a model in
 * each status (mirrors the training service's rules), the progress lines and the plan's scales
 * in words. Pure functions over the contract's DTOs, no state. A model's status name and scale count, which the Takes
 * view shows too, are in ui/model-labels.ts.
 */
import { formatDuration } from '@common/format-time.js';
import type { EpochLosses, Model, ModelStatus, PlanScale, TrainingPlan, TrainingProgressEvent } from '@common/training.js';
import { formatRate } from '../ui/format.js';

/** Statuses a model resumes from (the service's RESUMABLE). */
const RESUMABLE: readonly ModelStatus[] = ['failed', 'cancelled', 'interrupted'];

export function canCancel(model: Model): boolean {
  return model.status === 'running' || model.status === 'queued';
}

export function canResume(model: Model): boolean {
  return RESUMABLE.includes(model.status);
}

export function canDelete(model: Model): boolean {
  return !canCancel(model);
}

/** Queue order: the running model, the queued ones in the order they will run, then the rest newest first. */
export function sortModels(models: readonly Model[]): Model[] {
  const rank = (model: Model): number => (model.status === 'running' ? 0 : model.status === 'queued' ? 1 : 2);
  return models.toSorted((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    return rank(a) === 1 ? a.id - b.id : b.id - a.id;
  });
}

/** The time left of a running model, for people: "about 3 min 20 s left". */
export function etaText(progress: TrainingProgressEvent | null): string {
  if (!progress) return 'Waiting for the first epoch…';
  if (progress.phase === 'probing') return 'Measuring this machine…';
  if (progress.etaSeconds === null) return 'Estimating the time left…';
  return `about ${formatDuration(progress.etaSeconds)} left`;
}

/** What the reconstruction curve plots: the multi-scale spectral loss where computed, else MSE. */
export function reconstructionLoss(losses: EpochLosses): number {
  return losses.mss ?? losses.mse;
}

/** A loss for a table cell: 3 significant digits, a real minus sign. */
export function formatLoss(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const text = abs !== 0 && (abs < 0.001 || abs >= 10_000) ? value.toExponential(2) : value.toPrecision(3);
  return text.replace('-', '−');
}

/**
 * The plan's level of a trained scale (0 = the first trained). The trained scales are the
 * plan's last `scalesTotal` levels: the energy rule may skip coarse ones.
 */
export function planScaleOf(plan: TrainingPlan | null, scalesTotal: number | null, scale: number): PlanScale | null {
  if (!plan) return null;
  const total = scalesTotal ?? plan.scales.length;
  return plan.scales[plan.scales.length - total + scale] ?? null;
}

/** What one epoch of a scale trains on, in words: "0.51 s crops" or "the whole clip". */
export function trainedOnText(scale: PlanScale): string {
  return scale.cropped ? `${seconds(scale.trainedLength / scale.rate)} crops` : 'the whole clip';
}

/** The same in samples, for a tooltip: "8192 of 160000 samples per epoch" or "3200 samples per epoch". */
export function trainedOnSamples(scale: PlanScale): string {
  return scale.cropped ? `${scale.trainedLength} of ${scale.length} samples per epoch` : `${scale.length} samples per epoch`;
}

/** One row of the per-scale plan, as the Training view lists it. */
export interface RecipeRow {
  /** 1-based, coarsest first. */
  number: number;
  rate: string;
  trainsOn: string;
  samples: string;
  channels: number;
  epochs: number;
  /** The scale's forecast time ("about 4 min"), or "—" without a forecast. */
  forecast: string;
}

export function recipeRows(plan: TrainingPlan): RecipeRow[] {
  return plan.scales.map((scale, k) => ({
    number: k + 1,
    rate: scaleRateText(scale.rate),
    trainsOn: trainedOnText(scale),
    samples: trainedOnSamples(scale),
    channels: scale.channels,
    epochs: scale.epochs,
    forecast: plan.predictedSeconds === null ? '—' : formatDuration(scale.epochs * scale.epochSeconds),
  }));
}

/** A scale's rate: "320 Hz" below 1 kHz (where "0.3 kHz" would hide which scale), else "16 kHz". */
export function scaleRateText(hz: number): string {
  return hz < 1000 ? `${hz} Hz` : formatRate(hz);
}

/** 0.512 → "0.51 s", 6.4 → "6.4 s", 12 → "12 s". */
function seconds(value: number): string {
  const digits = value < 1 ? 2 : value < 10 ? 1 : 0;
  return `${Number(value.toFixed(digits))} s`;
}
