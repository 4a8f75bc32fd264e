/**
 * The real generation engine the worker runs: the model's ONNX export brought up to date,
 * one onnxruntime session per scale (OnnxPyramid), the source facts (loudness, signal) and the
 * addon's seeded noise, so a seed reproduces a take bit for bit on the same execution provider.
 * Takes go to the batch's target: the song's rate, and for a gap fill the clip's original
 * (clip-original.ts), loaded on the first gap take of the batch.
 * Loads onnxruntime: import it only where generation runs (the worker, tests).
 */
import path from 'node:path';
import type { NativeAddon } from '../../addon/binding.js';
import { MODEL_FILES } from '../models/model-files.js';
import { loadModelSource } from '../models/model-source.js';
import { ensureOnnx } from '../models/onnx/export.js';
import { loadClipForSplice } from './clip-original.js';
import { OnnxPyramid } from './onnx/onnx-pyramid.js';
import { renderTake, type ClipAudio } from './render/index.js';
import type { GenerationEngine, OpenedModel } from './run-generation.js';

export function createOnnxEngine(addon: NativeAddon): GenerationEngine {
  return {
    async open(modelDir, executionProvider, target): Promise<OpenedModel> {
      const manifest = await ensureOnnx(addon, modelDir);
      const source = await loadModelSource(modelDir);
      const pyramid = await OnnxPyramid.open(path.join(modelDir, MODEL_FILES.onnx), { executionProvider });
      const context = { pyramid, source, noise: (seed: bigint, lengths: number[]) => addon.generationNoise(seed, lengths) };
      let clip: Promise<ClipAudio> | null = null;
      return {
        checkpoint: { scales: manifest.scales.length, configHash: manifest.configHash },
        executionProvider: pyramid.executionProvider,
        providerReason: pyramid.providerReason,
        async render(settings, seed, onProgress) {
          if (settings.mode === 'gap') clip ??= loadClipForSplice(modelDir, target.original);
          const spliceInto = settings.mode === 'gap' ? await clip : null;
          const take = await renderTake(context, settings, seed, onProgress, { songRate: target.songRate, clip: spliceInto });
          const { channels, sampleRate, loudnessLufs, sourceLoudnessLufs, render } = take;
          return { channels, sampleRate, loudnessLufs, sourceLoudnessLufs, render };
        },
        dispose: () => pyramid.dispose(),
      };
    },
  };
}
