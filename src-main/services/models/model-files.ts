/**
 * The model folder, `<data>/models/<id>/`: every file name in it, in one table. The training
 * service and worker write it, generation and metrics and export read it; none of them spells
 * a name by hand.
 *
 *   source.f32, source.json    the clip as copied when the model was made (model-source.ts)
 *   signal.f32, plan.json      what the worker trains: the clip at the plan's top rate, the plan
 *   scale-<s>.ckpt, manifest.json   the native trainer's checkpoints and run manifest
 *   previews/scale-<s>-{fake,rec}.wav   a take and the reconstruction per finished scale
 *   losses.ndjson              the loss curve, one line per reported epoch
 *   onnx/                      the generators exported for onnxruntime (onnx/export.ts):
 *                              scale-<s>.onnx, zrec-<s>.f32, manifest.json written last
 */
import path from 'node:path';
import { NATIVE_RUN_MANIFEST } from '../../addon/binding.js';

/** The folder of all models inside the data folder. */
export const MODELS_DIR = 'models';

export const MODEL_FILES = {
  /** The clip's audio as copied when the model was made: raw float32 at source.json's rate. */
  source: 'source.f32',
  /** The clip's facts (rate, length, label, hole): sourceInfoSchema. */
  sourceInfo: 'source.json',
  /** The training signal: the clip resampled to the plan's top rate, raw float32. */
  signal: 'signal.f32',
  plan: 'plan.json',
  /** The native trainer's run manifest (config hash, scales_total), rewritten after each scale. */
  runManifest: NATIVE_RUN_MANIFEST,
  /** Scale s's checkpoint; a run's complete scales are the consecutive ones from 0. */
  checkpoint: (scale: number): string => `scale-${scale}.ckpt`,
  losses: 'losses.ndjson',
  /** The previews' folder, and a preview's name in it. */
  previews: 'previews',
  preview: (scale: number, kind: 'fake' | 'rec'): string => `scale-${scale}-${kind}.wav`,
  /** The ONNX export's folder, and the names in it. */
  onnx: 'onnx',
  onnxManifest: 'manifest.json',
  onnxGraph: (scale: number): string => `scale-${scale}.onnx`,
  onnxZRec: (scale: number): string => `zrec-${scale}.f32`,
} as const;

/** Whether a name in the onnx folder is one of the export's per-scale files (a graph or a noise file). */
export function isOnnxScaleFile(name: string): boolean {
  return /^(scale-\d+\.onnx|zrec-\d+\.f32)$/.test(name);
}

/** A model's folder inside the data folder. */
export function modelDirOf(dataDir: string, modelId: number): string {
  return path.join(dataDir, MODELS_DIR, String(modelId));
}
