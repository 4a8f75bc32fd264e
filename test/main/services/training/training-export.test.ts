/**
 * A training job (runTrainingJob, in this process, on the tiny model's setup) that trains every
 * scale leaves the ONNX export complete before it reports 'finished'; a cancelled one leaves
 * none (generation exports on demand then).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadNativeAddon, type NativeAddon } from '../../../../src-main/addon/binding.js';
import type { TrainingPlan } from '../../../../src-main/common/training.js';
import { MODEL_FILES } from '../../../../src-main/services/models/model-files.js';
import { readManifest } from '../../../../src-main/services/models/onnx/manifest.js';
import type { WorkerJob, WorkerMessage } from '../../../../src-main/services/training/protocol.js';
import { runTrainingJob } from '../../../../src-main/services/training/run-training.js';
import { makeTempDir, removeDir } from '../../../helpers/temp-dir.js';
import { TINY_OPTIONS, TINY_RATE, TINY_RATES, TINY_SAMPLES, tinySignal } from '../../../helpers/trained-model.js';

const PLAN: TrainingPlan = {
  preset: 'test',
  mode: 'normal',
  holes: null,
  topRate: TINY_RATE,
  fsList: TINY_OPTIONS.fsList ?? [],
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
  mssConfigs: TINY_OPTIONS.mssConfigs ?? null,
  seed: '3',
  device: 'cpu',
  deviceReason: 'tests run on the CPU.',
  budgetSeconds: null,
  predictedSeconds: null,
  scales: TINY_RATES.map((rate, s) => {
    const length = (TINY_SAMPLES * rate) / TINY_RATE;
    return { rate, length, channels: s === 0 ? 4 : 6, epochs: 10, cropped: false, trainedLength: length, epochSeconds: 0 };
  }),
  summary: 'the tiny test model',
};

describe('a training job and the ONNX export', () => {
  let addon: NativeAddon;
  const dirs: string[] = [];

  async function modelDir(): Promise<string> {
    const dir = await makeTempDir('eureka-train-export-');
    dirs.push(dir);
    const signal = tinySignal();
    await writeFile(path.join(dir, MODEL_FILES.sourceInfo), JSON.stringify({ sampleRate: TINY_RATE, samples: TINY_SAMPLES, label: 'U', hole: null }));
    await writeFile(path.join(dir, MODEL_FILES.signal), new Uint8Array(signal.buffer));
    return dir;
  }

  function job(dir: string): WorkerJob {
    return { modelId: 1, modelDir: dir, preset: 'test', seed: '3', device: 'cpu', deviceReason: PLAN.deviceReason, budgetSeconds: null, mode: null, plan: PLAN, resume: false, previewed: [] };
  }

  beforeAll(() => {
    addon = loadNativeAddon();
  });

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => removeDir(dir)));
  });

  test('a finished job has its export on disk before it says finished', async () => {
    const dir = await modelDir();
    const finished: { message: WorkerMessage; exported: boolean }[] = [];
    await runTrainingJob(job(dir), addon, { cancelled: false, onCancel: () => undefined }, (message) => {
      if (message.type === 'finished') finished.push({ message, exported: existsSync(path.join(dir, MODEL_FILES.onnx, MODEL_FILES.onnxManifest)) });
    });
    expect(finished).toEqual([{ message: { type: 'finished', cancelled: false, scalesDone: 4, scalesTotal: 4 }, exported: true }]);
    expect((await readManifest(path.join(dir, MODEL_FILES.onnx)))?.scales.map((s) => s.rate)).toEqual(TINY_RATES);
  });

  test('a job cancelled part-way exports nothing', async () => {
    const dir = await modelDir();
    let cancel: () => void = () => undefined;
    const control = { cancelled: false, onCancel: (fn: () => void) => (cancel = fn) };
    const messages: WorkerMessage[] = [];
    await runTrainingJob(job(dir), addon, control, (message) => {
      messages.push(message);
      if (message.type === 'progress' && message.scale === 2) cancel();
    });
    expect(messages.at(-1)).toMatchObject({ type: 'finished', cancelled: true, scalesDone: 2 });
    expect(existsSync(path.join(dir, MODEL_FILES.onnx))).toBe(false);
  });
});
