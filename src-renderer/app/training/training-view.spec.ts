import { describe, expect, it } from '@jest/globals';
import type { TrainingPlan } from '@common/training.js';
import { planScaleOf, recipeRows, trainedOnSamples, trainedOnText } from './training-view.js';

/** A quick-like plan: two whole coarse scales, two cropped fine ones, forecast per epoch. */
function plan(overrides: Partial<TrainingPlan> = {}): TrainingPlan {
  return {
    preset: 'quick',
    mode: 'normal',
    holes: null,
    topRate: 16_000,
    fsList: [320, 800, 8000],
    channelsFirst: 16,
    channelsRest: 32,
    kernelSize: 9,
    layers: 8,
    epochsPerScale: 800,
    cropSamples: 8192,
    fineEpochsPerScale: 400,
    precision: 'bf16',
    precisionReason: 'bf16 convolutions with fp32 accumulation: this CPU has AVX512_BF16',
    learningRate: 0.0015,
    alpha1: null,
    alpha2: null,
    mssConfigs: null,
    seed: '1',
    device: 'cpu',
    deviceReason: 'no GPU',
    budgetSeconds: 1800,
    predictedSeconds: 1500,
    scales: [
      { rate: 320, length: 3200, channels: 16, epochs: 800, cropped: false, trainedLength: 3200, epochSeconds: 0.07 },
      { rate: 800, length: 8000, channels: 32, epochs: 800, cropped: false, trainedLength: 8000, epochSeconds: 0.27 },
      { rate: 8000, length: 80_000, channels: 32, epochs: 400, cropped: true, trainedLength: 8192, epochSeconds: 0.37 },
      { rate: 16_000, length: 160_000, channels: 32, epochs: 400, cropped: true, trainedLength: 8192, epochSeconds: 0.38 },
    ],
    summary: 'quick: …',
    ...overrides,
  };
}

describe('the plan in the Training view', () => {
  it('says what an epoch trains on: a crop in seconds at its rate, or the whole clip', () => {
    const [coarse, , fine8k, fine16k] = plan().scales;
    expect(trainedOnText(coarse!)).toBe('the whole clip');
    expect(trainedOnText(fine8k!)).toBe('1 s crops');
    expect(trainedOnText(fine16k!)).toBe('0.51 s crops');
    expect(trainedOnSamples(fine16k!)).toBe('8192 of 160000 samples per epoch');
    expect(trainedOnSamples(coarse!)).toBe('3200 samples per epoch');
  });

  it('lists every planned scale with its own epochs and forecast', () => {
    expect(recipeRows(plan())).toEqual([
      { number: 1, rate: '320 Hz', trainsOn: 'the whole clip', samples: '3200 samples per epoch', channels: 16, epochs: 800, forecast: '56 s' },
      { number: 2, rate: '800 Hz', trainsOn: 'the whole clip', samples: '8000 samples per epoch', channels: 32, epochs: 800, forecast: '3 min 36 s' },
      { number: 3, rate: '8 kHz', trainsOn: '1 s crops', samples: '8192 of 80000 samples per epoch', channels: 32, epochs: 400, forecast: '2 min 28 s' },
      { number: 4, rate: '16 kHz', trainsOn: '0.51 s crops', samples: '8192 of 160000 samples per epoch', channels: 32, epochs: 400, forecast: '2 min 32 s' },
    ]);
    expect(recipeRows(plan({ predictedSeconds: null })).map((row) => row.forecast)).toEqual(['—', '—', '—', '—']);
  });

  it('finds a finished scale’s level among the plan’s last levels when coarse ones were skipped', () => {
    expect(planScaleOf(plan(), 4, 0)?.rate).toBe(320);
    expect(planScaleOf(plan(), 3, 0)?.rate).toBe(800);
    expect(planScaleOf(plan(), 3, 2)?.epochs).toBe(400);
    expect(planScaleOf(plan(), null, 3)?.rate).toBe(16_000);
    expect(planScaleOf(plan(), 4, 4)).toBeNull();
    expect(planScaleOf(null, 4, 0)).toBeNull();
  });
});
