/**
 * OnnxPyramid's API on a tiny real model: lengths per scale, z_rec, starting above scale 0 from
 * an entry signal (variations), progress per scale, the CPU fallback's reason, argument checks,
 * a long (120 s) take's shape, and an export that is not there.
 */
import path from 'node:path';
import { loadNativeAddon, type NativeAddon } from '../../../../../src-main/addon/binding.js';
import { AppError } from '../../../../../src-main/common/errors.js';
import { MODEL_FILES } from '../../../../../src-main/services/models/model-files.js';
import { exportOnnx } from '../../../../../src-main/services/models/onnx/export.js';
import { OnnxPyramid } from '../../../../../src-main/services/takes/onnx/onnx-pyramid.js';
import { makeTempDir, removeDir } from '../../../../helpers/temp-dir.js';
import { TINY_RATES, trainTinyModel, type TrainedModel } from '../../../../helpers/trained-model.js';

describe('OnnxPyramid', () => {
  let addon: NativeAddon;
  let model: TrainedModel;
  let pyramid: OnnxPyramid;

  beforeAll(async () => {
    addon = loadNativeAddon();
    model = await trainTinyModel(addon);
    await exportOnnx(addon, model.dir);
    pyramid = await OnnxPyramid.open(path.join(model.dir, MODEL_FILES.onnx));
  });

  afterAll(async () => {
    await pyramid?.dispose();
    await model?.remove();
  });

  test("'auto' runs on CUDA, or on the CPU with a reason", () => {
    if (pyramid.executionProvider === 'cpu') expect(pyramid.providerReason).toMatch(/^\S.*\.$/);
    else expect(pyramid.providerReason).toBeNull();
  });

  test('lengthsFor rounds rate × seconds per scale', () => {
    expect(pyramid.lengthsFor(1)).toEqual(TINY_RATES);
    expect(pyramid.lengthsFor(0.0031)).toEqual([1, 2, 3, 6]); // 0.775, 1.55, 3.1, 6.2
  });

  test('zRec: the stored noise at scale 0, zeros of the training length above', async () => {
    const trained = await addon.readTrained(model.dir);
    expect(Array.from(pyramid.zRec(0))).toEqual(Array.from(trained.scales[0]?.zRec ?? [0]));
    const z1 = pyramid.zRec(1);
    expect(z1.length).toBe(trained.scales[1]?.length);
    expect(z1.every((v) => v === 0)).toBe(true);
    pyramid.zRec(0).fill(5); // a copy: the caller may change it
    expect(pyramid.zRec(0)[0]).not.toBe(5);
  });

  test('starting at scale 2 from an entry repeats the full run above it, reporting each scale', async () => {
    const noises = addon.generationNoise(5, pyramid.lengthsFor(1.7));
    const full = await pyramid.run({ noises });
    const seen: number[] = [];
    const partial = await pyramid.run({
      noises,
      startScale: 2,
      entry: full[1],
      onScale: (s, outputs) => {
        seen.push(s);
        expect(outputs[s]?.length).toBe(noises[s]?.length);
      },
    });
    expect(seen).toEqual([2, 3]);
    expect(partial.map((x) => x.length)).toEqual([0, 0, noises[2]?.length, noises[3]?.length]);
    expect(Array.from(partial[3] ?? [])).toEqual(Array.from(full[3] ?? []));
    // an entry of another length is upsampled to the scale's length all the same
    const shorter = await pyramid.run({ noises, startScale: 1, entry: (full[0] as Float32Array).subarray(0, 300) });
    expect(shorter[3]?.length).toBe(noises[3]?.length);
  });

  test('a 120 s take: every scale has its length and only finite samples', async () => {
    const lengths = pyramid.lengthsFor(120);
    const outputs = await pyramid.run({ noises: addon.generationNoise(1, lengths) });
    expect(outputs.map((x) => x.length)).toEqual([30_000, 60_000, 120_000, 240_000]);
    for (const x of outputs) expect(x.every((v) => Number.isFinite(v))).toBe(true);
  });

  test('refuses what it cannot run', async () => {
    const noise = new Float32Array(250);
    await expect(pyramid.runScale(4, noise, null)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(pyramid.runScale(0, new Float32Array(0), null)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(pyramid.runScale(1, noise, null)).rejects.toBeInstanceOf(AppError);
    await expect(pyramid.run({ noises: [noise, noise, noise, noise], startScale: 1 })).rejects.toBeInstanceOf(AppError);
    expect(() => pyramid.zRec(9)).toThrow(AppError);
  });

  test('open() without an export says so', async () => {
    const empty = await makeTempDir('eureka-no-onnx-');
    try {
      await expect(OnnxPyramid.open(empty)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await removeDir(empty);
    }
  });

  test('a disposed pyramid refuses to run', async () => {
    const other = await OnnxPyramid.open(path.join(model.dir, MODEL_FILES.onnx), { executionProvider: 'cpu', threads: 1 });
    const out = await other.runScale(0, new Float32Array(250), null);
    expect(out.length).toBe(250);
    await other.dispose();
    await expect(other.runScale(0, new Float32Array(250), null)).rejects.toBeInstanceOf(AppError);
  });
});
