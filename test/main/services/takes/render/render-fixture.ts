/**
 * A rendering context on a tiny real model (test/helpers/trained-model.ts, trained by the real
 * addon), exported to ONNX and opened with onnxruntime, with the model folder's source files
 * written as the training service and worker would (source.f32/json, signal.f32, plan.json).
 * The clip is the tiny signal at `level` × its own amplitude, so loudness matching can be tested
 * without the peak guard biting.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NativeAddon } from '../../../../../src-main/addon/binding.js';
import type { TrainingPlan } from '../../../../../src-main/common/training.js';
import { MODEL_FILES } from '../../../../../src-main/services/models/model-files.js';
import { ensureOnnx } from '../../../../../src-main/services/models/onnx/export.js';
import { OnnxPyramid } from '../../../../../src-main/services/takes/onnx/onnx-pyramid.js';
import { loadModelSource, type SourceInfo } from '../../../../../src-main/services/models/model-source.js';
import type { RenderContext } from '../../../../../src-main/services/takes/render/render-take.js';
import { TINY_HOLE, TINY_RATE, TINY_SAMPLES, trainTinyModel, type TrainedModel } from '../../../../helpers/trained-model.js';

export interface RenderFixture {
  ctx: RenderContext;
  model: TrainedModel;
  /** The clip as stored (source.f32 = signal.f32 here: the clip is already at 2 kHz). */
  clip: Float32Array;
  close(): Promise<void>;
}

function bytesOf(x: Float32Array): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

function planFor(mode: TrainingPlan['mode']): TrainingPlan {
  return {
    preset: 'test',
    mode,
    holes: mode === 'inpainting' ? [TINY_HOLE] : null,
    topRate: TINY_RATE,
    fsList: [250, 500, 1000],
    channelsFirst: 4,
    channelsRest: 6,
    kernelSize: 3,
    layers: 4,
    epochsPerScale: 10,
    cropSamples: null,
    fineEpochsPerScale: null,
    precision: 'fp32',
    precisionReason: 'test',
    learningRate: 0.0015,
    alpha1: null,
    alpha2: null,
    mssConfigs: null,
    seed: '3',
    device: 'cpu',
    deviceReason: 'test',
    budgetSeconds: null,
    predictedSeconds: null,
    scales: [],
    summary: 'tiny test model',
  };
}

/**
 * Trains the tiny model (normal or inpainting), writes its source files and opens it.
 * `level` scales the stored clip: the trainer peak-normalises, so the model is the same.
 */
export async function openTinyRender(addon: NativeAddon, options: { inpainting?: boolean; level?: number } = {}): Promise<RenderFixture> {
  const model = await trainTinyModel(addon, { inpainting: options.inpainting ?? false });
  try {
    const level = options.level ?? 1;
    const clip = model.signal.map((x) => x * level);
    const info: SourceInfo = {
      sampleRate: TINY_RATE,
      samples: TINY_SAMPLES,
      label: options.inpainting ? 'gap' : 'U',
      hole: options.inpainting ? { start: TINY_HOLE.start / TINY_RATE, end: TINY_HOLE.end / TINY_RATE } : null,
    };
    await writeFile(path.join(model.dir, MODEL_FILES.source), bytesOf(clip));
    await writeFile(path.join(model.dir, MODEL_FILES.signal), bytesOf(clip));
    await writeFile(path.join(model.dir, MODEL_FILES.sourceInfo), JSON.stringify(info));
    await writeFile(path.join(model.dir, MODEL_FILES.plan), JSON.stringify(planFor(options.inpainting ? 'inpainting' : 'normal')));
    await ensureOnnx(addon, model.dir);
    const pyramid = await OnnxPyramid.open(path.join(model.dir, MODEL_FILES.onnx), { executionProvider: 'cpu', threads: 1 });
    const source = await loadModelSource(model.dir);
    const ctx: RenderContext = { pyramid, source, noise: (seed, lengths) => addon.generationNoise(seed, lengths) };
    return {
      ctx,
      model,
      clip,
      close: async () => {
        await pyramid.dispose();
        await model.remove();
      },
    };
  } catch (error) {
    await model.remove();
    throw error;
  }
}
