/**
 * How training looks in the UI: the order of the model list, what can be done to a model in
 * each status (mirrors the training service's rules), and the progress lines. Pure functions
 * over the contract's DTOs, no state. A model's status name and scale count, which the Takes
 * view shows too, are in ui/model-labels.ts.
 */
import { formatDuration } from '@common/format-time.js';
import type { EpochLosses, Model, ModelStatus, TrainingProgressEvent } from '@common/training.js';

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
