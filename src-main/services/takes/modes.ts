/**
 * Which generation modes a model offers, in the calling process: the ONNX export is brought up
 * to date (ensureOnnx: a no-op when the manifest matches the checkpoints) because availability
 * depends on the exported pyramid's scales and holes. Imports no onnxruntime, so the app's main
 * process and the CLI can answer without loading it.
 */
import type { NativeAddon } from '../../addon/binding.js';
import { AppError } from '../../common/errors.js';
import type { ModeAvailability } from '../../common/generation.js';
import type { Model } from '../../common/training.js';
import { ensureOnnx } from '../models/onnx/export.js';
import { modeAvailability } from './render/mode-availability.js';

export async function describeModes(addon: NativeAddon, model: Model, modelDir: string): Promise<ModeAvailability[]> {
  if (model.plan === null) throw new AppError('INVALID_INPUT', `model ${model.id} has no plan yet: train it first`);
  const manifest = await ensureOnnx(addon, modelDir);
  return modeAvailability(model.plan, manifest);
}
