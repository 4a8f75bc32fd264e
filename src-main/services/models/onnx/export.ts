/**
 * Exports a trained run's generators to ONNX, `<modelDir>/onnx/`: scale-<s>.onnx per trained
 * scale, zrec-<s>.f32 per scale with reconstruction noise (so reconstruction needs no addon),
 * then manifest.json LAST — its presence means the export is complete. Every file is written
 * atomically; the old manifest is removed first, so an export cut short is never mistaken for
 * a finished one. ensureOnnx re-exports only when the export on disk no longer matches the
 * checkpoints (another run, more scales trained since, a file missing or damaged).
 */
import { readdir, readFile, rm, stat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { NativeAddon } from '../../../addon/binding.js';
import type { TrainedPyramid } from '../../../addon/trained-pyramid.js';
import { writeFileAtomic } from '../../store/atomic-write.js';
import { isOnnxScaleFile, MODEL_FILES } from '../model-files.js';
import { pyramidManifestSchema, readManifest, type PyramidManifest } from './manifest.js';
import { buildScaleModel } from './scale-graph.js';

/** One export or check per model folder at a time in this process. */
const inFlight = new Map<string, Promise<PyramidManifest>>();

/** Writes the ONNX export of the run in `modelDir` and returns its manifest. */
export async function exportOnnx(addon: NativeAddon, modelDir: string): Promise<PyramidManifest> {
  return serialised(modelDir, () => exportNow(addon, modelDir));
}

/**
 * The export of `modelDir`'s checkpoints: the one on disk when it matches them (same config
 * hash, as many scales as scale-<s>.ckpt files, every listed file present at its size), else a
 * fresh one.
 */
export async function ensureOnnx(addon: NativeAddon, modelDir: string): Promise<PyramidManifest> {
  return serialised(modelDir, async () => {
    const current = await readManifest(path.join(modelDir, MODEL_FILES.onnx));
    if (current !== null && (await matchesCheckpoints(addon, modelDir, current))) return current;
    return exportNow(addon, modelDir);
  });
}

async function serialised(modelDir: string, work: () => Promise<PyramidManifest>): Promise<PyramidManifest> {
  const key = path.resolve(modelDir);
  const before = inFlight.get(key) ?? Promise.resolve(null);
  const mine = before.catch(() => null).then(work);
  inFlight.set(key, mine);
  try {
    return await mine;
  } finally {
    if (inFlight.get(key) === mine) inFlight.delete(key);
  }
}

async function exportNow(addon: NativeAddon, modelDir: string): Promise<PyramidManifest> {
  const pyramid = await addon.readTrained(modelDir);
  const dir = path.join(modelDir, MODEL_FILES.onnx);
  await mkdir(dir, { recursive: true });
  await rm(path.join(dir, MODEL_FILES.onnxManifest), { force: true });
  const scales: PyramidManifest['scales'] = [];
  const zRec: PyramidManifest['zRec'] = [];
  for (let s = 0; s < pyramid.scales.length; s++) {
    const scale = pyramid.scales[s] as TrainedPyramid['scales'][number];
    const model = buildScaleModel(pyramid, s);
    await writeFileAtomic(path.join(dir, MODEL_FILES.onnxGraph(s)), model);
    scales.push({
      index: s,
      rate: scale.rate,
      trainingLength: scale.length,
      amp: scale.amp,
      channels: scale.channels,
      file: MODEL_FILES.onnxGraph(s),
      bytes: model.byteLength,
    });
    if (scale.zRec === null) {
      zRec.push(null);
    } else {
      const z = scale.zRec;
      await writeFileAtomic(path.join(dir, MODEL_FILES.onnxZRec(s)), new Uint8Array(z.buffer, z.byteOffset, z.byteLength));
      zRec.push(MODEL_FILES.onnxZRec(s));
    }
  }
  const manifest = pyramidManifestSchema.parse({
    format: 1,
    configHash: pyramid.configHash,
    scales,
    pad: pyramid.scales[0]?.pad ?? 0,
    inpainting: pyramid.inpainting,
    holeRate: pyramid.holeRate,
    holes: pyramid.holes,
    zRec,
  });
  await removeUnlisted(dir, manifest);
  await writeFileAtomic(path.join(dir, MODEL_FILES.onnxManifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Graphs and noise files of an earlier export that this one does not list (it had more scales). */
async function removeUnlisted(dir: string, manifest: PyramidManifest): Promise<void> {
  const listed = new Set([...manifest.scales.map((s) => s.file), ...manifest.zRec.filter((f) => f !== null)]);
  for (const name of await readdir(dir)) {
    if (isOnnxScaleFile(name) && !listed.has(name)) await rm(path.join(dir, name), { force: true });
  }
}

async function matchesCheckpoints(addon: NativeAddon, modelDir: string, manifest: PyramidManifest): Promise<boolean> {
  if ((await countCheckpoints(modelDir)) !== manifest.scales.length) return false;
  const dir = path.join(modelDir, MODEL_FILES.onnx);
  for (const scale of manifest.scales) {
    if ((await fileSize(path.join(dir, scale.file))) !== scale.bytes) return false;
  }
  for (const [s, file] of manifest.zRec.entries()) {
    const length = manifest.scales[s]?.trainingLength ?? 0;
    if (file !== null && (await fileSize(path.join(dir, file))) !== 4 * length) return false;
  }
  const hash = (await runConfigHash(modelDir)) ?? (await addon.readTrained(modelDir)).configHash;
  return hash === manifest.configHash;
}

/** Consecutive scale-<s>.ckpt files from s = 0. */
async function countCheckpoints(modelDir: string): Promise<number> {
  let names: Set<string>;
  try {
    names = new Set(await readdir(modelDir));
  } catch {
    return 0;
  }
  let s = 0;
  while (names.has(MODEL_FILES.checkpoint(s))) s++;
  return s;
}

/** The config hash the native trainer's run manifest (manifest.json) records, or null without a readable one. */
async function runConfigHash(modelDir: string): Promise<string | null> {
  try {
    const run = JSON.parse(await readFile(path.join(modelDir, MODEL_FILES.runManifest), 'utf8')) as { config_hash?: unknown };
    return typeof run.config_hash === 'string' ? run.config_hash : null;
  } catch {
    return null;
  }
}

async function fileSize(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}
