/**
 * How takes look in the UI: the number a take goes by, names of modes, verdicts and statuses,
 * a list row's one line, the band a take really has and where a gap fill sits, and the batch
 * progress line. Pure functions over the contract's DTOs. A take's one-line summary, which the
 * Export dialog lists too, is in ui/take-summary.ts.
 */
import { formatDuration } from '@common/format-time.js';
import {
  SEEDLESS_MODES,
  holdsSeedlessAudio,
  type GenerationMode,
  type GenerationProgressEvent,
  type Take,
  type TakeStatus,
  type TakeVerdict,
} from '@common/generation.js';
import { bandText, bandTopHz, formatKilohertz, gapFillText, type TakeRender } from '@common/take-render.js';
import { isPendingStatus, type TakeFilter, type TakeSort } from './take-list.js';
import { MODE_SHORT, takeSeconds } from '../ui/take-summary.js';

export { bandText, gapFillText };

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

/**
 * The number a take goes by: its id, the one `eureka take <id>` and `eureka takes` use, so a
 * take found in the Takes view can be named on the command line. (Its stored name counts the
 * model's takes, so it differs from the id once a second model has takes: exports use it.)
 */
export function takeTitle(take: Pick<Take, 'id'>): string {
  return `Take ${take.id}`;
}

/** A take's length in a list row: "3.0 s" under a minute, else as durations read ("2 min 5 s"). */
export function rowLength(seconds: number): string {
  return seconds < 59.95 ? `${Math.max(0, seconds).toFixed(1)} s` : formatDuration(seconds);
}

/** What a list row calls a take's mode: "new", "variation"…; a gap fill says where its fill sits. */
export function rowMode(take: Pick<Take, 'settings' | 'render'>): string {
  return take.render?.fill ? gapFillText(take.render.fill) : MODE_SHORT[take.settings.mode];
}

/**
 * A list row's text as one line, for its tooltip (the row itself may cut it short): "Take 12 ·
 * new · 3.0 s · up to 8 kHz · kept · starred", a failed take's reason, a deleted file.
 */
export function rowText(take: Take): string {
  const parts = [takeTitle(take), rowMode(take), rowLength(takeSeconds(take))];
  if (take.render) parts.push(bandText(take.render));
  if (take.status !== 'ready') parts.push(STATUS_NAME[take.status].toLowerCase());
  if (take.status === 'failed' && take.error) parts.push(take.error);
  else if (take.status === 'ready' && !take.hasFile) parts.push('file deleted');
  if (take.verdict !== 'undecided') parts.push(VERDICT_NAME[take.verdict].toLowerCase());
  if (take.starred) parts.push('starred');
  return parts.join(' · ');
}

/**
 * Why a take's band is what it is, for the band's tooltip: "Made at the model's 16 kHz and
 * upsampled to 44.1 kHz: nothing above 8 kHz" (a gap fill: only its fill is limited).
 */
export function bandTitle(render: TakeRender, sampleRate: number | null): string {
  const made = `Made at the model's ${formatKilohertz(render.modelRate)}`;
  const moved = sampleRate !== null && sampleRate !== render.modelRate ? ` and upsampled to ${formatKilohertz(sampleRate)}` : '';
  const what = render.fill ? 'the fill has nothing above' : 'nothing above';
  return `${made}${moved}: ${what} ${formatKilohertz(bandTopHz(render))}`;
}

/**
 * Per seedless mode, the oldest of `takes` that holds its audio for model `modelId` at `scales`
 * finished scales: what the service would name when asked for another.
 */
export function seedlessTakes(takes: readonly Take[], modelId: number, scales: number): Partial<Record<GenerationMode, number>> {
  const made: Partial<Record<GenerationMode, number>> = {};
  for (const mode of SEEDLESS_MODES) {
    const holding = takes.filter((take) => take.modelId === modelId && take.settings.mode === mode && holdsSeedlessAudio(take, scales));
    if (holding.length > 0) made[mode] = Math.min(...holding.map((take) => take.id));
  }
  return made;
}

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
