/**
 * How takes look in the UI: names of modes, verdicts and statuses, and the batch progress
 * line. Pure functions over the contract's DTOs. A take's one-line summary, which the Export
 * dialog lists too, is in ui/take-summary.ts.
 */
import { formatDuration } from '@common/format-time.js';
import type { GenerationMode, GenerationProgressEvent, Take, TakeStatus, TakeVerdict } from '@common/generation.js';
import { isPendingStatus, type TakeFilter, type TakeSort } from './take-list.js';

export const MODE_NAME: Record<GenerationMode, string> = {
  new: 'New material',
  variation: 'Variation',
  gap: 'Fill the gap',
  denoise: 'Denoise',
  extend: 'Extend bandwidth',
  reconstruct: 'Reconstruction',
};

export const VERDICT_NAME: Record<TakeVerdict, string> = {
  undecided: 'Undecided',
  kept: 'Kept',
  discarded: 'Discarded',
};

export const STATUS_NAME: Record<TakeStatus, string> = {
  queued: 'Queued',
  generating: 'Generating',
  ready: 'Ready',
  failed: 'Failed',
};

export const FILTER_NAME: Record<TakeFilter, string> = {
  all: 'All',
  kept: 'Kept',
  undecided: 'Undecided',
  discarded: 'Discarded',
};

export const SORT_NAME: Record<TakeSort, string> = {
  newest: 'Newest',
  starred: 'Starred first',
  score: 'Best score',
  rating: 'Best rated',
};

/** Whether a take's audio can be played (ready, and its file not deleted). */
export function isPlayable(take: Take): boolean {
  return take.status === 'ready' && take.hasFile;
}

/** Whether a take is still on its way (queued or being generated). */
export function isPending(take: Take): boolean {
  return isPendingStatus(take.status);
}

/** Generation wall time: "0.4 s" under ten seconds, else as durations read ("1 min 5 s"). */
export function formatGenerateTime(seconds: number): string {
  return seconds < 10 ? `${(Math.round(seconds * 10) / 10).toFixed(1)} s` : formatDuration(seconds);
}

const PHASE_TEXT: Record<GenerationProgressEvent['phase'], string> = {
  preparing: 'Preparing the model',
  generating: 'Generating',
  writing: 'Writing',
};

/** "Generating take 2 of 4" for the batch's progress bar. */
export function batchStepText(progress: GenerationProgressEvent | null, count: number): string {
  if (!progress) return `Waiting to start ${count === 1 ? 'the take' : `${count} takes`}…`;
  if (progress.phase === 'preparing') return `${PHASE_TEXT.preparing}…`;
  return `${PHASE_TEXT[progress.phase]} take ${progress.index + 1} of ${progress.count}`;
}

/** "about 12 s left", or why there is no estimate yet. */
export function batchEtaText(progress: GenerationProgressEvent | null): string {
  if (!progress || progress.etaSeconds === null) return 'Estimating the time left…';
  return `about ${formatDuration(progress.etaSeconds)} left`;
}
