/**
 * The mode the Generate form starts on: what the model was trained for, where it offers it (a
 * gap clip's model fills its gap, a denoising model cleans its clip), else the first mode it
 * offers. Pure, over the modes the core lists (common/generation.ts ModeAvailability).
 */
import type { GenerationMode, ModeAvailability } from '@common/generation.js';

/** Modes only a model trained for them offers: when one is on offer, it is what the model is for. */
const PURPOSE_MODES: readonly GenerationMode[] = ['gap', 'denoise'];

/** The mode to start on, or null while the modes load or when none is available. */
export function defaultMode(modes: readonly ModeAvailability[] | null): GenerationMode | null {
  if (!modes) return null;
  const available = modes.filter((option) => option.available).map((option) => option.mode);
  return PURPOSE_MODES.find((mode) => available.includes(mode)) ?? available[0] ?? null;
}
