/**
 * A take in one line ("new · 0:30.000 · seed 1234"), wherever takes are listed: the Takes list
 * and the Export dialog's take picker. Pure.
 */
import type { GenerationMode, Take } from '@common/generation.js';
import { formatTime } from './format.js';

/** Short mode names for list rows. */
export const MODE_SHORT: Record<GenerationMode, string> = {
  new: 'new',
  variation: 'variation',
  gap: 'gap fill',
  denoise: 'denoised',
  extend: 'extended',
  reconstruct: 'reconstruction',
};

/** The length a take has (its file) or was asked for (before it is made). */
export function takeSeconds(take: Take): number {
  return take.durationSeconds ?? take.settings.seconds;
}

/** "new · 0:30.000 · seed 1234" */
export function takeSummary(take: Take): string {
  return `${MODE_SHORT[take.settings.mode]} · ${formatTime(takeSeconds(take))} · seed ${take.seed}`;
}
