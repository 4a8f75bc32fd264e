/**
 * Stored plans stay readable: a plan written before crops, per-scale epochs and bf16 existed
 * (in a models row or a model folder's plan.json) reads as today's plan of the same run — whole
 * levels, the same epochs everywhere, fp32 — and its `studio`, the paper's recipe then, reads as
 * `paper`. A plan written today reads back exactly as it was.
 */
import path from 'node:path';
import { PLAN_BEFORE_CROPS_PRECISION_REASON, trainingPlanSchema } from '../../../src-main/common/training.js';
import { openDatabase } from '../../../src-main/db/database.js';
import { makePlan } from '../../../src-main/services/training/planner.js';
import { loadPreset } from '../../../src-main/services/training/presets.js';
import { ModelRepository } from '../../../src-main/services/training/model-repository.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

/** A plan as the previous version wrote it. */
function storedBeforeCrops(preset: 'studio' | 'quick'): Record<string, unknown> {
  return {
    preset,
    mode: 'normal',
    holes: null,
    topRate: 16_000,
    fsList: [8000],
    channelsFirst: 16,
    channelsRest: 96,
    kernelSize: 9,
    layers: 8,
    epochsPerScale: 3000,
    learningRate: 0.0015,
    alpha1: null,
    alpha2: null,
    mssConfigs: null,
    seed: '7',
    device: 'cpu',
    deviceReason: 'no GPU',
    budgetSeconds: null,
    predictedSeconds: 1234,
    scales: [
      { rate: 8000, length: 80_000, channels: 16, epochSeconds: 0.5 },
      { rate: 16_000, length: 160_000, channels: 96, epochSeconds: 9 },
    ],
    summary: 'studio: top rate 16 kHz, 96 channels, 3000 epochs per scale, up to 2 scales, on the CPU',
  };
}

describe('stored training plans', () => {
  it('read a plan from before crops as whole levels, fp32, its studio as paper', () => {
    const plan = trainingPlanSchema.parse(storedBeforeCrops('studio'));
    expect(plan).toMatchObject({
      preset: 'paper',
      cropSamples: null,
      fineEpochsPerScale: null,
      precision: 'fp32',
      precisionReason: PLAN_BEFORE_CROPS_PRECISION_REASON,
      epochsPerScale: 3000,
      summary: 'studio: top rate 16 kHz, 96 channels, 3000 epochs per scale, up to 2 scales, on the CPU',
    });
    expect(plan.scales).toEqual([
      { rate: 8000, length: 80_000, channels: 16, epochs: 3000, cropped: false, trainedLength: 80_000, epochSeconds: 0.5 },
      { rate: 16_000, length: 160_000, channels: 96, epochs: 3000, cropped: false, trainedLength: 160_000, epochSeconds: 9 },
    ]);
    expect(trainingPlanSchema.parse(storedBeforeCrops('quick')).preset).toBe('quick');
  });

  it('read a plan written today exactly as written, studio included', () => {
    const plan = makePlan({
      preset: loadPreset('studio'),
      clip: { seconds: 10, sourceRate: 16_000, hole: null },
      seed: '1',
      device: 'cpu',
      deviceReason: 'no GPU',
      bf16: { available: false, why: 'no' },
      costs: null,
      budgetSeconds: null,
      spentSeconds: 0,
    });
    expect(trainingPlanSchema.parse(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
    expect(plan.preset).toBe('studio');
  });

  it('still refuse a damaged plan', () => {
    const noScales = storedBeforeCrops('quick');
    delete noScales['scales'];
    expect(trainingPlanSchema.safeParse(noScales).success).toBe(false);
    expect(trainingPlanSchema.safeParse({ ...storedBeforeCrops('quick'), precision: 'fp16' }).success).toBe(false);
    expect(trainingPlanSchema.safeParse('studio').success).toBe(false);
  });

  it('come out of a models row upgraded', async () => {
    const dir = await makeTempDir();
    const db = openDatabase(path.join(dir, 'eureka.db'));
    try {
      db.prepare(`INSERT INTO models (name, preset, request, status, plan, created_at) VALUES ('old', 'paper', '{}', 'done', ?, ?)`).run(
        JSON.stringify(storedBeforeCrops('studio')),
        new Date().toISOString(),
      );
      const model = new ModelRepository(db).get(1);
      expect(model.plan).toMatchObject({ preset: 'paper', precision: 'fp32', cropSamples: null });
      expect(model.plan?.scales.map((s) => s.epochs)).toEqual([3000, 3000]);
    } finally {
      db.close();
      await removeDir(dir);
    }
  });
});
