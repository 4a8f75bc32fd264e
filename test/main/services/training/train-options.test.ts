/**
 * What a plan hands the native trainer: crops, fine epochs and bf16 only when the plan turns
 * them on (a whole-level fp32 plan gets the addon's defaults, so runs stored before crops
 * resume with exactly the options they started with), every value accepted by the addon's own
 * schema of train options.
 */
import { trainOptionsSchema } from '../../../../src-main/addon/binding.js';
import { makePlan, type CostModel } from '../../../../src-main/services/training/planner.js';
import { loadPreset } from '../../../../src-main/services/training/presets.js';
import { trainOptions } from '../../../../src-main/services/training/run-training.js';

const costs: CostModel = new Map([16, 24, 32, 48, 64].map((c) => [c, { fixed: 0.02, perSample: 10e-6 + 20e-6 * (c / 32) ** 2 }]));

function planOf(name: 'quick' | 'studio' | 'paper' | 'test', bf16: boolean) {
  return makePlan({
    preset: loadPreset(name),
    clip: { seconds: 10, sourceRate: 16_000, hole: null },
    seed: '5',
    device: 'cpu',
    deviceReason: 'test',
    bf16: { available: bf16, why: bf16 ? 'this CPU has AVX512_BF16' : 'this CPU has no AVX512_BF16' },
    costs: name === 'quick' ? costs : null,
    budgetSeconds: name === 'quick' ? 1800 : null,
    spentSeconds: 60,
  });
}

describe('trainOptions', () => {
  it('passes crops, fine epochs and bf16 when the plan has them', () => {
    const plan = planOf('quick', true);
    const options = trainOptions(plan);
    expect(options).toMatchObject({ cropSamples: 8192, fineEpochs: plan.fineEpochsPerScale, precision: 'bf16', epochsPerScale: plan.epochsPerScale });
    expect(trainOptionsSchema.parse(options)).toEqual(options);
    expect(trainOptions(planOf('studio', true))).toMatchObject({ cropSamples: 8192, fineEpochs: 1000, epochsPerScale: 2000 });
    expect(trainOptions(planOf('studio', true))).not.toHaveProperty('precision');
  });

  it('leaves them out of a whole-level fp32 plan, and bf16 out where the CPU lacks it', () => {
    for (const name of ['paper', 'test'] as const) {
      const options = trainOptions(planOf(name, true));
      expect(Object.keys(options).filter((key) => ['cropSamples', 'fineEpochs', 'precision'].includes(key))).toEqual([]);
      expect(trainOptionsSchema.parse(options)).toEqual(options);
    }
    expect(trainOptions(planOf('quick', false))).not.toHaveProperty('precision');
  });
});
