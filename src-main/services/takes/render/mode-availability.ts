/**
 * Which generation modes a trained model offers, and why not where it does not (docs/caw-spec.md §4):
 * - new, reconstruct: always;
 * - variation: needs a second scale (it keeps the coarsest one from the clip);
 * - gap: only models trained in inpainting mode (a gap clip), with their hole;
 * - denoise: only models trained in denoising mode (their reconstruction is the cleaned clip);
 * - extend: an input rate among the pyramid's own rates below its top that divide the top rate
 *   (the stitch zero-stuffs by an integer factor, and the input enters as that scale's output).
 * Lengths: every mode but new makes a take as long as the training signal.
 */
import { GENERATION_MODES, type GenerationMode, type ModeAvailability } from '../../../common/generation.js';
import type { TrainingPlan } from '../../../common/training.js';
import type { PyramidManifest } from '../../models/onnx/manifest.js';

/** The input rates extend accepts: pyramid rates below the top that divide it, descending. */
export function extendRatesOf(manifest: PyramidManifest): number[] {
  const rates = manifest.scales.map((scale) => scale.rate);
  const top = rates[rates.length - 1] ?? 0;
  return rates.filter((rate) => rate < top && top % rate === 0).sort((a, b) => b - a);
}

/** Seconds of the finest trained scale's training signal. */
function trainedSeconds(manifest: PyramidManifest): number {
  const top = manifest.scales[manifest.scales.length - 1];
  return top ? top.trainingLength / top.rate : 0;
}

export function modeAvailability(plan: TrainingPlan, manifest: PyramidManifest): ModeAvailability[] {
  const seconds = trainedSeconds(manifest);
  const extendRates = extendRatesOf(manifest);
  const why: Record<GenerationMode, string | null> = {
    new: null,
    reconstruct: null,
    variation: manifest.scales.length >= 2 ? null : 'Variations need a model with at least two trained scales.',
    gap:
      plan.mode !== 'inpainting'
        ? 'Only a model trained on a gap clip can fill its gap.'
        : manifest.holes.length === 0
          ? 'This model has no gap to fill.'
          : null,
    denoise: plan.mode === 'denoising' ? null : 'Only a model trained in denoising mode can denoise its clip.',
    extend: extendRates.length > 0 ? null : "This model has no lower scale whose rate divides its top rate, so it cannot extend a clip's bandwidth.",
  };
  return GENERATION_MODES.map((mode) => ({
    mode,
    available: why[mode] === null,
    reason: why[mode],
    fixedSeconds: mode === 'new' ? null : seconds,
    extendRates: mode === 'extend' ? extendRates : [],
  }));
}
