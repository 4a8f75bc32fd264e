/**
 * exportOnnx / ensureOnnx on a tiny real model: the files and manifest written, the models'
 * header (producer, opset 17, metadata, dynamic lengths), reuse of a matching export, and
 * re-export when it no longer matches (a graph deleted or truncated, a damaged manifest, another
 * run's hash, a scale trained since or removed). Atomicity: an export that fails half-way
 * leaves no manifest, even where an older one existed.
 */
import { copyFile, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { loadNativeAddon, type NativeAddon } from '../../../../../src-main/addon/binding.js';
import { MODEL_FILES } from '../../../../../src-main/services/models/model-files.js';
import { ensureOnnx, exportOnnx } from '../../../../../src-main/services/models/onnx/export.js';
import { readManifest } from '../../../../../src-main/services/models/onnx/manifest.js';
import { APP_VERSION } from '../../../../../src-main/version.js';
import { makeTempDir, removeDir } from '../../../../helpers/temp-dir.js';
import { TINY_RATES, TINY_SAMPLES, trainTinyModel, type TrainedModel } from '../../../../helpers/trained-model.js';

const { onnx } = onnxProto;

describe('ONNX export of a trained pyramid', () => {
  let addon: NativeAddon;
  let model: TrainedModel;
  const dirs: string[] = [];

  /** A folder with the first `count` checkpoints of the trained model (no trainer manifest). */
  async function prefix(count: number): Promise<string> {
    const dir = await makeTempDir('eureka-onnx-export-');
    dirs.push(dir);
    for (let s = 0; s < count; s++) await copyFile(path.join(model.dir, `scale-${s}.ckpt`), path.join(dir, `scale-${s}.ckpt`));
    return dir;
  }

  const onnxFile = (dir: string, name: string) => path.join(dir, MODEL_FILES.onnx, name);
  const mtime = async (file: string) => (await stat(file)).mtimeMs;

  beforeAll(async () => {
    addon = loadNativeAddon();
    model = await trainTinyModel(addon);
  });

  afterAll(async () => {
    await model?.remove();
    await Promise.all(dirs.map((dir) => removeDir(dir)));
  });

  test('writes a graph per scale, z_rec of scale 0 and the manifest', async () => {
    const manifest = await exportOnnx(addon, model.dir);
    const trained = await addon.readTrained(model.dir);
    expect(manifest).toMatchObject({
      format: 1,
      configHash: trained.configHash,
      pad: 15, // (K-1)(2^L-1)/2 with K 3, L 4
      inpainting: false,
      holeRate: null,
      holes: [],
      zRec: ['zrec-0.f32', null, null, null],
    });
    expect(manifest.scales.map((s) => [s.index, s.rate, s.channels, s.file])).toEqual(
      TINY_RATES.map((rate, s) => [s, rate, s === 0 ? 4 : 6, `scale-${s}.onnx`]),
    );
    expect(manifest.scales.map((s) => s.trainingLength)).toEqual(TINY_RATES.map((rate) => Math.ceil((TINY_SAMPLES * rate) / 2000)));
    expect(manifest.scales.map((s) => s.amp)).toEqual(trained.scales.map((s) => s.amp));
    expect((await readdir(path.join(model.dir, MODEL_FILES.onnx))).sort()).toEqual(
      ['manifest.json', 'scale-0.onnx', 'scale-1.onnx', 'scale-2.onnx', 'scale-3.onnx', 'zrec-0.f32'],
    );
    expect(await readManifest(path.join(model.dir, MODEL_FILES.onnx))).toEqual(manifest);
    const zRec = new Float32Array(new Uint8Array(await readFile(onnxFile(model.dir, 'zrec-0.f32'))).buffer);
    expect(Array.from(zRec)).toEqual(Array.from(trained.scales[0]?.zRec ?? []));
  });

  test('each model names its producer, opset 17, its scale and rate, and takes any length', async () => {
    const manifest = await ensureOnnx(addon, model.dir);
    for (const scale of manifest.scales) {
      const proto = onnx.ModelProto.decode(await readFile(onnxFile(model.dir, scale.file)));
      expect(proto.producerName).toBe('Eureka');
      expect(proto.producerVersion).toBe(APP_VERSION);
      expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
      const metadata = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]));
      expect(metadata).toEqual({ configHash: manifest.configHash, scale: String(scale.index), rate: String(scale.rate) });
      const values = [...(proto.graph?.input ?? []), ...(proto.graph?.output ?? [])];
      const dims = (name: string) =>
        values.find((v) => v.name === name)?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
      expect(dims('noise')).toEqual([1, 1, 'N']);
      expect(dims('out')).toEqual([1, 1, 'N']);
      expect(dims('prev')).toEqual(scale.index === 0 ? undefined : [1, 1, 'M']);
    }
  });

  test('ensureOnnx keeps a matching export as it is', async () => {
    const dir = await prefix(4);
    const first = await exportOnnx(addon, dir);
    const before = await mtime(onnxFile(dir, 'scale-3.onnx'));
    const manifestBefore = await mtime(onnxFile(dir, MODEL_FILES.onnxManifest));
    expect(await ensureOnnx(addon, dir)).toEqual(first);
    expect(await mtime(onnxFile(dir, 'scale-3.onnx'))).toBe(before);
    expect(await mtime(onnxFile(dir, MODEL_FILES.onnxManifest))).toBe(manifestBefore);
  });

  test.each([
    ['a graph is deleted', (dir: string) => rm(onnxFile(dir, 'scale-2.onnx'))],
    ['a graph is truncated', (dir: string) => truncate(onnxFile(dir, 'scale-1.onnx'), 100)],
    ['the z_rec file is truncated', (dir: string) => truncate(onnxFile(dir, 'zrec-0.f32'), 8)],
    ['the manifest is damaged', (dir: string) => writeFile(onnxFile(dir, MODEL_FILES.onnxManifest), '{"format": 1, "configHa')],
    ['the manifest names another run', async (dir: string) => {
      const text = await readFile(onnxFile(dir, MODEL_FILES.onnxManifest), 'utf8');
      await writeFile(onnxFile(dir, MODEL_FILES.onnxManifest), text.replace(/"configHash": "[0-9a-f]+"/, '"configHash": "0123456789abcdef"'));
    }],
  ])('ensureOnnx re-exports when %s', async (_what, damage) => {
    const dir = await prefix(4);
    const first = await exportOnnx(addon, dir);
    await damage(dir);
    const again = await ensureOnnx(addon, dir);
    expect(again).toEqual(first);
    expect(await readManifest(path.join(dir, MODEL_FILES.onnx))).toEqual(first);
    for (const scale of again.scales) expect((await stat(onnxFile(dir, scale.file))).size).toBe(scale.bytes);
    expect((await stat(onnxFile(dir, 'zrec-0.f32'))).size).toBe(4 * (first.scales[0]?.trainingLength ?? 0));
  });

  test('ensureOnnx re-exports when a scale was trained since, or removed', async () => {
    const dir = await prefix(2);
    expect((await exportOnnx(addon, dir)).scales).toHaveLength(2);
    await copyFile(path.join(model.dir, 'scale-2.ckpt'), path.join(dir, 'scale-2.ckpt'));
    const grown = await ensureOnnx(addon, dir);
    expect(grown.scales.map((s) => s.rate)).toEqual(TINY_RATES.slice(0, 3));
    await rm(path.join(dir, 'scale-2.ckpt'));
    const shrunk = await ensureOnnx(addon, dir);
    expect(shrunk.scales).toHaveLength(2);
    expect((await readdir(path.join(dir, MODEL_FILES.onnx))).sort()).toEqual(['manifest.json', 'scale-0.onnx', 'scale-1.onnx', 'zrec-0.f32']);
  });

  test('an export that fails half-way leaves no manifest, not even the old one', async () => {
    const dir = await prefix(4);
    await exportOnnx(addon, dir);
    // scale 2's graph cannot be written: a folder stands where its file goes
    await rm(onnxFile(dir, 'scale-2.onnx'));
    await mkdir(onnxFile(dir, 'scale-2.onnx'));
    await expect(exportOnnx(addon, dir)).rejects.toMatchObject({ code: 'STORAGE' });
    await expect(stat(onnxFile(dir, MODEL_FILES.onnxManifest))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readManifest(path.join(dir, MODEL_FILES.onnx))).toBeNull();
    await rm(onnxFile(dir, 'scale-2.onnx'), { recursive: true });
    expect((await ensureOnnx(addon, dir)).scales).toHaveLength(4);
  });

  test('concurrent calls on one folder run one after another and agree', async () => {
    const dir = await prefix(4);
    const [a, b, c] = await Promise.all([ensureOnnx(addon, dir), exportOnnx(addon, dir), ensureOnnx(addon, dir)]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(await readManifest(path.join(dir, MODEL_FILES.onnx))).toEqual(a);
  });
});
