/**
 * The real generation engine the worker runs: the model's ONNX export brought up to date,
 * one onnxruntime session per scale (OnnxPyramid), the source facts (loudness, signal) and the
 * addon's seeded noise, so a seed reproduces a take bit for bit on the same execution provider.
 * Loads onnxruntime: import it only where generation runs (the worker, tests).
 */
import path from 'node:path';
import type { NativeAddon } from '../../addon/binding.js';
import { MODEL_FILES } from '../models/model-files.js';
import { loadModelSource } from '../models/model-source.js';
import { ensureOnnx } from '../models/onnx/export.js';
import { OnnxPyramid } from './onnx/onnx-pyramid.js';
import { renderTake } from './render/index.js';
import type { GenerationEngine, OpenedModel } from './run-generation.js';

export function createOnnxEngine(addon: NativeAddon): GenerationEngine {
  return {
    async open(modelDir, executionProvider): Promise<OpenedModel> {
      const manifest = await ensureOnnx(addon, modelDir);
      const source = await loadModelSource(modelDir);
      const pyramid = await OnnxPyramid.open(path.join(modelDir, MODEL_FILES.onnx), { executionProvider });
      const context = { pyramid, source, noise: (seed: bigint, lengths: number[]) => addon.generationNoise(seed, lengths) };
      return {
        checkpoint: { scales: manifest.scales.length, configHash: manifest.configHash },
        executionProvider: pyramid.executionProvider,
        providerReason: pyramid.providerReason,
        sourceLoudnessLufs: source.sourceLoudnessLufs,
        async render(settings, seed, onProgress) {
          const take = await renderTake(context, settings, seed, onProgress);
          return { samples: take.samples, sampleRate: take.sampleRate, loudnessLufs: take.loudnessLufs };
        },
        dispose: () => pyramid.dispose(),
      };
    },
  };
}
