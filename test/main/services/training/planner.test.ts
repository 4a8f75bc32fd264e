/**
 * The planner on made-up machines: level lengths as the native pyramid builds them, presets
 * taken as they are, the quick ladder against a budget, refusals, and the ETA forecast.
 */
import { AppError } from '../../../../src-main/common/errors.js';
import {
  epochForecast,
  forecastRemaining,
  makePlan,
  minLevelLength,
  receptivePad,
  trainableLevels,
  type CostModel,
  type PlanInputs,
} from '../../../../src-main/services/training/planner.js';
import { listPresets, loadPreset, presetSchema } from '../../../../src-main/services/training/presets.js';
import { channelsToMeasure, interpolateCost } from '../../../../src-main/services/training/probe.js';

/** A machine where one epoch costs 1 ms + C² · 1e-10 s per sample. */
function machine(scale = 1): CostModel {
  return new Map([16, 24, 32, 48, 64, 96].map((c) => [c, { fixed: 0.001 * scale, perSample: c * c * 1e-10 * scale }]));
}

function inputs(overrides: Partial<PlanInputs> = {}): PlanInputs {
  return {
    preset: loadPreset('quick'),
    clip: { seconds: 10, sourceRate: 16_000, hole: null },
    seed: '42',
    device: 'cpu',
    deviceReason: 'test',
    costs: machine(),
    budgetSeconds: 600,
    spentSeconds: 10,
    ...overrides,
  };
}

describe('presets', () => {
  it('load from models/presets and pass their schema', () => {
    expect(listPresets().map((p) => p.name)).toEqual(['studio', 'quick', 'test']);
    expect(loadPreset('studio')).toMatchObject({ topRate: 16_000, epochsPerScale: 3000, channelsRest: 96, kernelSize: 9, layers: 8 });
    expect(loadPreset('quick').budget?.defaultSeconds).toBe(900);
    expect(listPresets().find((p) => p.name === 'quick')?.defaultBudgetSeconds).toBe(900);
  });

  it('refuse inconsistent data', () => {
    const studio = loadPreset('studio');
    expect(presetSchema.safeParse({ ...studio, fsList: [500, 400] }).success).toBe(false);
    expect(presetSchema.safeParse({ ...studio, fsList: [320, 16_000] }).success).toBe(false);
    expect(presetSchema.safeParse({ ...studio, kernelSize: 8 }).success).toBe(false);
    expect(presetSchema.safeParse({ ...studio, budget: loadPreset('quick').budget }).success).toBe(false);
    expect(presetSchema.safeParse({ ...studio, extra: 1 }).success).toBe(false);
  });
});

describe('levels', () => {
  it('uses the receptive field of dilations 1 … 2^(L−1)', () => {
    expect(receptivePad(9, 8)).toBe(1020); // the reference's 2040 = 2P
    expect(receptivePad(5, 5)).toBe(62);
    expect(minLevelLength(loadPreset('studio'), 'normal')).toBe(2041);
    expect(minLevelLength(loadPreset('test'), 'normal')).toBe(129); // MSS: 256/2 + 1 > 2·62 + 1
    expect(minLevelLength(loadPreset('studio'), 'denoising')).toBe(2041);
  });

  it('builds rates and lengths as the native pyramid, leaving out levels too short to train', () => {
    const levels = trainableLevels([320, 400, 500, 8000], 16_000, 160_000, 2041);
    expect(levels).toEqual([
      { rate: 320, length: 3200 },
      { rate: 400, length: 4000 },
      { rate: 500, length: 5000 },
      { rate: 8000, length: 80_000 },
      { rate: 16_000, length: 160_000 },
    ]);
    // 5 s: 320 Hz gives 1600 samples < 2041, so the pyramid starts at 500 Hz.
    expect(trainableLevels([320, 400, 500], 16_000, 80_000, 2041).map((l) => l.rate)).toEqual([500, 16_000]);
  });

  it('forecasts each epoch with the redraw through coarser scales', () => {
    const costs: CostModel = new Map([
      [16, { fixed: 1, perSample: 0.01 }],
      [96, { fixed: 2, perSample: 0.1 }],
    ]);
    const forecast = epochForecast([{ rate: 1, length: 100 }, { rate: 2, length: 200 }], 16, 96, costs);
    expect(forecast[0]).toBeCloseTo(1 + 1, 12);
    expect(forecast[1]).toBeCloseTo(2 + 20 + 1 / 21, 12);
  });
});

describe('makePlan', () => {
  it('takes a fixed preset as it is, capped at the clip’s own rate', () => {
    const plan = makePlan(inputs({ preset: loadPreset('studio'), costs: null, budgetSeconds: null }));
    expect(plan).toMatchObject({ preset: 'studio', topRate: 16_000, epochsPerScale: 3000, channelsRest: 96, predictedSeconds: null, mode: 'normal', holes: null });
    expect(plan.fsList).toEqual([320, 400, 500, 640, 800, 1000, 1280, 1600, 2000, 2500, 4000, 8000, 10_000, 12_000, 14_400]);
    const lowRate = makePlan(inputs({ preset: loadPreset('studio'), costs: null, budgetSeconds: null, clip: { seconds: 10, sourceRate: 11_025, hole: null } }));
    expect(lowRate.topRate).toBe(11_025);
    expect(lowRate.fsList.at(-1)).toBe(10_000);
  });

  it('takes a requested mode over the preset’s, except for a gap clip', () => {
    expect(makePlan(inputs({ preset: loadPreset('test'), costs: null, budgetSeconds: null, mode: 'denoising' })).mode).toBe('denoising');
    const gap = makePlan(inputs({ preset: loadPreset('test'), costs: null, budgetSeconds: null, mode: 'denoising', clip: { seconds: 4, sourceRate: 16_000, hole: { start: 1.5, end: 2.25 } } }));
    expect(gap.mode).toBe('inpainting');
  });

  it('trains a gap clip in inpainting mode with its hole in samples at the top rate', () => {
    const plan = makePlan(inputs({ preset: loadPreset('test'), costs: null, budgetSeconds: null, clip: { seconds: 4, sourceRate: 16_000, hole: { start: 1.5, end: 2.25 } } }));
    expect(plan.mode).toBe('inpainting');
    expect(plan.holes).toEqual([{ start: 3000, end: 4500 }]);
  });

  it('quick: the best rung that affords goodEpochs, within the budget', () => {
    const plan = makePlan(inputs());
    const budget = loadPreset('quick').budget!;
    expect(plan.epochsPerScale).toBeGreaterThanOrEqual(budget.goodEpochs);
    expect(plan.predictedSeconds!).toBeLessThanOrEqual(budget.fill * 600 - 10 + 1e-9);
    expect(plan.summary).toMatch(/quick: top rate .* kHz, \d+ channels, \d+ epochs per scale/);
    expect(plan.summary).toMatch(/of a 10 min budget/);
    // a slower machine walks down the ladder
    const slow = makePlan(inputs({ costs: machine(8) }));
    const rank = (p: typeof plan) => budget.ladder.findIndex((r) => r.topRate === p.topRate && r.channels === p.channelsRest);
    expect(rank(slow)).toBeGreaterThan(rank(plan));
    // plenty of time: the top rung, capped at the preset's epochs
    const rich = makePlan(inputs({ budgetSeconds: 7 * 24 * 3600 }));
    expect(rich).toMatchObject({ topRate: 16_000, channelsRest: 96, epochsPerScale: 3000 });
  });

  it('quick: the first fair rung when no rung is good, then the cheapest, then a clear refusal', () => {
    const budget = loadPreset('quick').budget!;
    const cheapest = budget.ladder.at(-1)!;
    const rank = (p: { topRate: number; channelsRest: number }) => budget.ladder.findIndex((r) => r.topRate === p.topRate && r.channels === p.channelsRest);
    const fair = makePlan(inputs({ costs: machine(60) }));
    expect(fair.epochsPerScale).toBeGreaterThanOrEqual(budget.fairEpochs);
    expect(fair.epochsPerScale).toBeLessThan(budget.goodEpochs);
    // every better rung affords fewer than fairEpochs
    for (const better of budget.ladder.slice(0, rank(fair))) {
      const forced = makePlan(inputs({ costs: machine(60), preset: { ...loadPreset('quick'), budget: { ...budget, ladder: [better], fairEpochs: 1, minEpochs: 1, goodEpochs: 1 } } }));
      expect(forced.epochsPerScale).toBeLessThan(budget.fairEpochs);
    }
    const tight = makePlan(inputs({ costs: machine(400) }));
    expect([tight.topRate, tight.channelsRest]).toEqual([cheapest.topRate, cheapest.channels]);
    expect(tight.epochsPerScale).toBeGreaterThanOrEqual(budget.minEpochs);
    expect(tight.epochsPerScale).toBeLessThan(budget.fairEpochs);
    expect(() => makePlan(inputs({ costs: machine(100_000) }))).toThrow(/budget is too short for this .* clip on this machine: the cheapest quick settings need about/);
  });

  it('quick with overBudget "cheapest": the cheapest rung at minEpochs, over budget and saying so', () => {
    const budget = loadPreset('quick').budget!;
    const cheapest = budget.ladder.at(-1)!;
    const slow = inputs({ costs: machine(100_000), overBudget: 'cheapest' });
    const plan = makePlan(slow);
    expect([plan.topRate, plan.channelsRest, plan.epochsPerScale]).toEqual([cheapest.topRate, cheapest.channels, budget.minEpochs]);
    expect(plan.predictedSeconds!).toBeGreaterThan(plan.budgetSeconds!);
    expect(plan.summary).toMatch(/over the .* budget \(this machine is too slow for it now: the cheapest settings\)/);
    // a budget that fits is planned exactly as without the policy
    const fits = inputs({ costs: machine(1) });
    expect(makePlan({ ...fits, overBudget: 'cheapest' })).toEqual(makePlan(fits));
  });

  it('refuses a clip too short for the preset', () => {
    const call = () => makePlan(inputs({ preset: loadPreset('studio'), costs: null, budgetSeconds: null, clip: { seconds: 0.1, sourceRate: 16_000, hole: null } }));
    expect(call).toThrow(AppError);
    expect(call).toThrow(/0\.1 s clip is too short for the studio preset \(it needs at least 0\.13 s\)/);
  });
});

describe('forecastRemaining', () => {
  const plan = makePlan(inputs({ preset: loadPreset('studio'), costs: machine(), budgetSeconds: null }));

  it('counts work done by the forecast and calibrates the ETA by the measured epoch time', () => {
    const scales = plan.scales.length;
    const start = forecastRemaining(plan, { scale: 0, scales, epoch: 0, epochs: 3000 }, plan.scales[0]!.epochSeconds);
    expect(start.fraction).toBe(0);
    expect(start.etaSeconds).toBeCloseTo(plan.predictedSeconds!, 6);
    // twice as slow as forecast: twice the ETA
    const slow = forecastRemaining(plan, { scale: 0, scales, epoch: 0, epochs: 3000 }, 2 * plan.scales[0]!.epochSeconds);
    expect(slow.etaSeconds).toBeCloseTo(2 * plan.predictedSeconds!, 6);
    const end = forecastRemaining(plan, { scale: scales - 1, scales, epoch: 3000, epochs: 3000 }, 1);
    expect(end).toEqual({ fraction: 1, etaSeconds: 0 });
    expect(forecastRemaining(plan, { scale: 2, scales, epoch: 10, epochs: 3000 }, null).etaSeconds).toBeNull();
  });

  it('maps the trained scales onto the last levels when the energy rule skipped coarse ones', () => {
    const all = plan.scales.length;
    const halfway = forecastRemaining(plan, { scale: 0, scales: all - 2, epoch: 0, epochs: 3000 }, plan.scales[2]!.epochSeconds);
    const total = plan.scales.slice(2).reduce((sum, s) => sum + s.epochSeconds, 0) * 3000;
    expect(halfway.etaSeconds).toBeCloseTo(total, 6);
  });
});

describe('probe interpolation', () => {
  it('measures the extremes and the powers of two between them', () => {
    expect(channelsToMeasure([16, 24, 32, 48, 64, 96])).toEqual([16, 32, 64, 96]);
    expect(channelsToMeasure([8, 12])).toEqual([8, 12]);
    expect(channelsToMeasure([96])).toEqual([96]);
  });

  it('interpolates linearly in C² between measured neighbours', () => {
    const measured = new Map([
      [16, { fixed: 0.01, perSample: 16 ** 2 * 1e-9 }],
      [32, { fixed: 0.03, perSample: 32 ** 2 * 1e-9 }],
    ]);
    expect(interpolateCost(measured, 16)).toEqual(measured.get(16));
    const mid = interpolateCost(measured, 24);
    expect(mid.perSample).toBeCloseTo(24 ** 2 * 1e-9, 15);
    expect(mid.fixed).toBeCloseTo(0.01 + (0.02 * (24 ** 2 - 16 ** 2)) / (32 ** 2 - 16 ** 2), 12);
    expect(interpolateCost(measured, 48)).toEqual(measured.get(32)); // outside: the nearest
  });
});
