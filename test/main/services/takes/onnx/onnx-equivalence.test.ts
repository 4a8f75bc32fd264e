/**
 * The generation acceptance check: the exported ONNX pyramid, run by onnxruntime-node on the CPU,
 * equals the native generator at every scale for the same noise (normalised error ≤ 1e-5).
 * For k = 1..S the first k checkpoints are copied into their own folder, so the native
 * addon.generate / addon.reconstruct output of that folder is scale k-1's; the ONNX side runs the
 * full pyramid once with addon.generationNoise (the native draws) or the exported z_rec. A tiny
 * real model (test/helpers/trained-model.ts) and its inpainting variant (hole noise in z_rec).
 * Every graph must load in onnxruntime, and every output is finite with the expected length.
 */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadNativeAddon, type NativeAddon } from '../../../../../src-main/addon/binding.js';
import { MODEL_FILES } from '../../../../../src-main/services/models/model-files.js';
import { exportOnnx } from '../../../../../src-main/services/models/onnx/export.js';
import { OnnxPyramid } from '../../../../../src-main/services/takes/onnx/onnx-pyramid.js';
import { makeTempDir, removeDir } from '../../../../helpers/temp-dir.js';
import { TINY_RATES, trainTinyModel, type TrainedModel } from '../../../../helpers/trained-model.js';

const TOLERANCE = 1e-5;

/** ||a - b|| / ||b||, in double; Infinity when the lengths differ. */
function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (b[i] as number) ** 2;
  }
  return Math.sqrt(num / den);
}

function expectFinite(x: Float32Array, length: number): void {
  expect(x.length).toBe(length);
  expect(x.every((v) => Number.isFinite(v))).toBe(true);
}

describe.each([
  ['normal', false],
  ['inpainting', true],
])('ONNX pyramid equals the native generator (%s model)', (_name, inpainting) => {
  let addon: NativeAddon;
  let model: TrainedModel;
  let pyramid: OnnxPyramid;
  /** prefixes[k-1]: a folder holding scale-0..k-1.ckpt only. */
  const prefixes: string[] = [];

  beforeAll(async () => {
    addon = loadNativeAddon();
    model = await trainTinyModel(addon, { inpainting });
    await exportOnnx(addon, model.dir);
    pyramid = await OnnxPyramid.open(path.join(model.dir, MODEL_FILES.onnx), { executionProvider: 'cpu', threads: 1 });
    for (let k = 1; k <= TINY_RATES.length; k++) {
      const dir = await makeTempDir('eureka-prefix-');
      prefixes.push(dir);
      for (let s = 0; s < k; s++) await copyFile(path.join(model.dir, `scale-${s}.ckpt`), path.join(dir, `scale-${s}.ckpt`));
    }
  });

  afterAll(async () => {
    await pyramid?.dispose();
    await model?.remove();
    await Promise.all(prefixes.map((dir) => removeDir(dir)));
  });

  test('exports every scale, and every graph loads in onnxruntime', async () => {
    expect(pyramid.manifest.scales.map((s) => s.rate)).toEqual(TINY_RATES);
    expect(pyramid.manifest.inpainting).toBe(inpainting);
    expect(pyramid.executionProvider).toBe('cpu');
    expect(pyramid.providerReason).toBeNull();
    for (const scale of pyramid.manifest.scales) {
      const session = await ort.InferenceSession.create(path.join(model.dir, MODEL_FILES.onnx, scale.file));
      expect(session.inputNames).toEqual(scale.index === 0 ? ['noise'] : ['noise', 'prev']);
      expect(session.outputNames).toEqual(['out']);
      await session.release();
    }
  });

  test.each([1, 2.3])('generation, %s s: every scale within 1e-5 of native', async (seconds) => {
    const seed = 11;
    const lengths = pyramid.lengthsFor(seconds);
    expect(lengths).toEqual(TINY_RATES.map((rate) => Math.round(rate * seconds)));
    const outputs = await pyramid.run({ noises: addon.generationNoise(seed, lengths) });
    for (let k = 1; k <= TINY_RATES.length; k++) {
      const native = await addon.generate(prefixes[k - 1] as string, seed, seconds);
      expect(native.sampleRate).toBe(TINY_RATES[k - 1]);
      const onnx = outputs[k - 1] as Float32Array;
      expectFinite(onnx, lengths[k - 1] as number);
      expect(relativeError(onnx, native.samples)).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  test('reconstruction from the exported z_rec: every scale within 1e-5 of native', async () => {
    const noises = pyramid.manifest.scales.map((_, s) => pyramid.zRec(s));
    // inpainting keeps hole noise at the finer scales; a normal run only at scale 0
    const withNoise = pyramid.manifest.zRec.map((file) => file !== null);
    expect(withNoise).toEqual(inpainting ? [true, true, true, true] : [true, false, false, false]);
    const outputs = await pyramid.run({ noises });
    for (let k = 1; k <= TINY_RATES.length; k++) {
      const native = await addon.reconstruct(prefixes[k - 1] as string);
      const onnx = outputs[k - 1] as Float32Array;
      expectFinite(onnx, pyramid.manifest.scales[k - 1]?.trainingLength as number);
      expect(relativeError(onnx, native.samples)).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});
