/**
 * A model as its badge and its one-line summary show it, wherever a model is listed (the
 * Training queue, the Takes view's model picker). Pure.
 */
import type { Model, ModelStatus } from '@common/training.js';

/** Status as a badge shows it. */
export const STATUS_NAME: Record<ModelStatus, string> = {
  queued: 'Queued',
  running: 'Training',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** "2 / 4 scales", or "— scales" before the plan is known. */
export function scalesText(model: Model): string {
  return `${model.scalesDone} / ${model.scalesTotal ?? '—'} scales`;
}
