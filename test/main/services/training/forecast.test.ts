/**
 * The forecast a songwriter reads before training, on made-up machines: the shortest budget a
 * refusal offers is exactly the edge between refused and planned, the words follow the plan's
 * band and epochs, and a preset without a budget or a measurement still answers.
 */
import { forecastOf, laterForecast, qualityWords } from '../../../../src-main/services/training/forecast.js';
import { makePlan, shortestBudgetSeconds, type CostModel, type PlanInputs } from '../../../../src-main/services/training/planner.js';
import { loadPreset } from '../../../../src-main/services/training/presets.js';

/** A slow laptop: 20 ms per epoch plus 10 µs + 20 µs · (C/32)² per sample. */
function laptop(scale = 1): CostModel {
  return new Map([16, 24, 32, 48, 64, 96].map((c) => [c, { fixed: 0.02 * scale, perSample: (10e-6 + 20e-6 * (c / 32) ** 2) * scale }]));
}

function inputs(overrides: Partial<PlanInputs> = {}): PlanInputs {
  return {
    preset: loadPreset('quick'),
    clip: { seconds: 10, sourceRate: 44_100, hole: null },
    seed: '1',
    device: 'cpu',
    deviceReason: 'test',
    bf16: { available: true, why: 'this CPU has AVX512_BF16' },
    costs: laptop(),
    budgetSeconds: 1800,
    spentSeconds: 0,
    ...overrides,
  };
}

const AT = Date.UTC(2026, 11, 7, 1, 0, 0);

describe('shortestBudgetSeconds', () => {
  it('is the edge: that budget plans, a few seconds less is refused', () => {
    const slow = { costs: laptop(20) };
    const shortest = shortestBudgetSeconds(inputs(slow))!;
    expect(shortest).toBeGreaterThan(60);
    expect(() => makePlan(inputs({ ...slow, budgetSeconds: shortest }))).not.toThrow();
    expect(() => makePlan(inputs({ ...slow, budgetSeconds: shortest - 3 }))).toThrow(/too short/);
  });

  it('counts the seconds already spent measuring, and is null without a budget or a measurement', () => {
    const spent = shortestBudgetSeconds(inputs({ costs: laptop(20), spentSeconds: 60 }))!;
    expect(spent).toBeGreaterThan(shortestBudgetSeconds(inputs({ costs: laptop(20) }))!);
    expect(shortestBudgetSeconds(inputs({ preset: loadPreset('studio'), budgetSeconds: null }))).toBeNull();
    expect(shortestBudgetSeconds(inputs({ costs: null }))).toBeNull();
  });
});

describe('forecastOf', () => {
  it('a budget that fits: the time of the budget, the band and how well trained, the plan the run trains', () => {
    const forecast = forecastOf(inputs(), AT);
    expect(forecast.outcome).toBe('fits');
    expect(forecast.plan).toEqual(makePlan(inputs()));
    expect(forecast.headline).toMatch(/^About \d+ min( \d+ s)? of your 30 min: full band \(up to 8 kHz\), (well|fairly) trained\.$/);
    expect(forecast.measuredAt).toBe('2026-12-07T01:00:00.000Z');
    expect(forecast.plan!.predictedSeconds!).toBeLessThanOrEqual(1800);
  });

  it('a budget too short: refused, offering the shortest budget that works, with no plan', () => {
    const forecast = forecastOf(inputs({ costs: laptop(20), budgetSeconds: 60 }), AT);
    expect(forecast.outcome).toBe('refused');
    expect(forecast.plan).toBeNull();
    expect(forecast.shortestBudgetSeconds).toBe(shortestBudgetSeconds(inputs({ costs: laptop(20) })));
    expect(forecast.headline).toMatch(/^1 min is too short for this 10 s clip on this computer: the shortest budget that works is .+\.$/);
  });

  it('over budget when asked for the cheapest settings anyway', () => {
    const forecast = forecastOf(inputs({ costs: laptop(20), budgetSeconds: 60, overBudget: 'cheapest' }), AT);
    expect(forecast.outcome).toBe('over');
    expect(forecast.headline).toMatch(/over your 1 min: this computer is too slow for it now/);
  });

  it('a clip too short for the preset is refused with the reason and no budget to offer', () => {
    const forecast = forecastOf(inputs({ clip: { seconds: 0.05, sourceRate: 16_000, hole: null } }), AT);
    expect(forecast.outcome).toBe('refused');
    expect(forecast.shortestBudgetSeconds).toBeNull();
    expect(forecast.headline).toMatch(/^This 0\.1 s clip is too short for the quick preset/);
  });

  it('a preset that does not measure: the plan and its words, no time', () => {
    const forecast = forecastOf(inputs({ preset: loadPreset('test'), costs: null, budgetSeconds: null }), null);
    expect(forecast.outcome).toBe('fits');
    expect(forecast.headline).toBe('No time forecast (the test preset does not measure this computer): muffled (up to 1 kHz), fully trained (200 passes per scale).');
    expect(forecast.measuredAt).toBeNull();
  });

  it('a GPU not measured yet: no made-up time, the forecast comes after the first scale', () => {
    const forecast = forecastOf(inputs({ preset: loadPreset('studio'), costs: null, budgetSeconds: null, device: 'cuda', deviceReason: 'a CUDA device was found' }), null);
    expect(forecast.outcome).toBe('fits');
    expect(forecast.plan).toMatchObject({ device: 'cuda', predictedSeconds: null });
    expect(forecast.headline).toMatch(/^No time forecast yet \(this GPU has not been measured\): it comes once the first scale has trained: /);
  });

  it('later, while another model trains and nothing was ever measured', () => {
    expect(laterForecast(loadPreset('quick'))).toMatchObject({ outcome: 'later', plan: null, shortestBudgetSeconds: null });
  });
});

describe('qualityWords', () => {
  it('says what a listener hears at each top rate and how far the training gets', () => {
    const quick = loadPreset('quick');
    const plan = makePlan(inputs());
    expect(qualityWords({ ...plan, topRate: 16_000, epochsPerScale: quick.budget!.goodEpochs }, quick)).toBe('full band (up to 8 kHz), well trained');
    expect(qualityWords({ ...plan, topRate: 8000, epochsPerScale: quick.budget!.fairEpochs }, quick)).toBe(
      'a little dull (up to 4 kHz: no air or cymbal shimmer), fairly trained',
    );
    expect(qualityWords({ ...plan, topRate: 4000, epochsPerScale: quick.budget!.minEpochs }, quick)).toBe('muffled (up to 2 kHz), a rough sketch');
  });
});
