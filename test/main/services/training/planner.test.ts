/**
 * The planner on made-up machines: level lengths as the native pyramid builds them, crops and
 * their redraw windows, presets taken as they are, the quick ladder against a budget, refusals,
 * and the ETA forecast with per-scale epochs.
 */
import { AppError } from '../../../../src-main/common/errors.js';
import {
  epochForecast,
  forecastRemaining,
  isCropped,
  makePlan,
  minLevelLength,
  REDRAW_CUBIC_MARGIN,
  REDRAW_SHARE,
  receptivePad,
  redrawWindows,
  trainableLevels,
  type CostModel,
  type PlanInputs,
} from '../../../../src-main/services/training/planner.js';
import { loadPreset } from '../../../../src-main/services/training/presets.js';
import { channelsToMeasure, interpolateCost } from '../../../../src-main/services/training/probe.js';

/** A machine where one epoch costs 1 ms + C² · 1e-10 s per sample. */
function machine(scale = 1): CostModel {
  return new Map([16, 24, 32, 48, 64, 96].map((c) => [c, { fixed: 0.001 * scale, perSample: c * c * 1e-10 * scale }]));
}

/**
 * A plausible 2-core laptop: 20 ms per epoch plus 10 µs + 20 µs · (C/32)² per sample, i.e. 30 µs
 * at 32 channels and 190 µs at 96 (the epoch bench measured about 210 µs at 96 channels).
 */
function laptop(): CostModel {
  return new Map([16, 24, 32, 48, 64, 96].map((c) => [c, { fixed: 0.02, perSample: 10e-6 + 20e-6 * (c / 32) ** 2 }]));
}

const BF16 = { available: true, why: 'this CPU has AVX512_BF16' };

function inputs(overrides: Partial<PlanInputs> = {}): PlanInputs {
  return {
    preset: loadPreset('quick'),
    clip: { seconds: 10, sourceRate: 16_000, hole: null },
    seed: '42',
    device: 'cpu',
    deviceReason: 'test',
    bf16: BF16,
    costs: machine(),
    budgetSeconds: 600,
    spentSeconds: 10,
    ...overrides,
  };
}

describe('levels', () => {
  it('uses the receptive field of dilations 1 … 2^(L−1)', () => {
    expect(receptivePad(9, 8)).toBe(1020); // the reference's 2040 = 2P
    expect(receptivePad(5, 5)).toBe(62);
    expect(minLevelLength(loadPreset('paper'), 'normal')).toBe(2041);
    expect(minLevelLength(loadPreset('test'), 'normal')).toBe(129); // MSS: 256/2 + 1 > 2·62 + 1
    expect(minLevelLength(loadPreset('paper'), 'denoising')).toBe(2041);
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

describe('crops', () => {
  const crop = { samples: 8192, pad: 1020 };
  /** A 10 s clip under quick's rates. */
  const levels = trainableLevels([320, 500, 800, 1280, 2000, 4000, 8000], 16_000, 160_000, 2041);

  it('crop a level that holds the crop and both margins, and one more sample', () => {
    expect(isCropped(8192 + 2040, crop)).toBe(false);
    expect(isCropped(8192 + 2040 + 1, crop)).toBe(true);
    expect(isCropped(1_000_000, null)).toBe(false);
    expect(levels.map((level) => isCropped(level.length, crop))).toEqual([false, false, false, true, true, true, true, true]);
  });

  it('redraw prev on windows that cover the scale above, until one reaches its whole level', () => {
    // 16 kHz: G runs on 8192 + 2040; each coarser window covers it (plus the cubic margins) at its rate, plus 2P.
    expect(REDRAW_CUBIC_MARGIN).toBe(8);
    const top = redrawWindows(levels, 7, crop);
    const expected = [3200, 5000, 5280, 5165, 4865, 5632, 7165];
    expect(top).toEqual(expected);
    // 8000 Hz from 16 kHz's 10232 samples: ceil((10232 + 16) / 2) + 1 + 2040
    expect(top[6]).toBe(Math.ceil((10_232 + 16) / 2) + 1 + 2040);
    // 500 Hz would need 5351 > its 5000 samples: whole, and so is every level below it
    expect(top.slice(0, 2)).toEqual([3200, 5000]);
    // once whole, always whole below, even where a window would be shorter than the level
    const odd = [
      { rate: 100, length: 100_000 },
      { rate: 200, length: 3000 },
      { rate: 400, length: 100_000 },
    ];
    expect(redrawWindows(odd, 2, crop)).toEqual([100_000, 3000]);
  });

  it('forecast a cropped scale on crop + 2P samples and its redraw on the windows', () => {
    const costs: CostModel = new Map([
      [16, { fixed: 0.01, perSample: 1e-5 }],
      [32, { fixed: 0.02, perSample: 3e-5 }],
    ]);
    const forecast = epochForecast(levels, 16, 32, costs, crop);
    const whole = epochForecast(levels, 16, 32, costs);
    // the coarse scales are as without crops
    expect(forecast.slice(0, 3)).toEqual(whole.slice(0, 3));
    const windows = [3200, 5000, 5280, 5165, 4865, 5632, 7165];
    const redraw = 1e-5 * windows[0]! + 3e-5 * windows.slice(1).reduce((a, b) => a + b, 0);
    expect(forecast[7]).toBeCloseTo(0.02 + 3e-5 * 10_232 + REDRAW_SHARE * redraw, 12);
    // the top scale costs about what the 1280 Hz one does, not 12.5 times more
    expect(forecast[7]! / forecast[3]!).toBeLessThan(1.1);
    expect(whole[7]! / whole[3]!).toBeGreaterThan(10);
  });
});

describe('makePlan', () => {
  it('takes a fixed preset as it is, capped at the clip’s own rate', () => {
    const plan = makePlan(inputs({ preset: loadPreset('paper'), costs: null, budgetSeconds: null }));
    expect(plan).toMatchObject({
      preset: 'paper',
      topRate: 16_000,
      epochsPerScale: 3000,
      channelsRest: 96,
      cropSamples: null,
      fineEpochsPerScale: null,
      precision: 'fp32',
      precisionReason: 'fp32, as the paper preset asks',
      predictedSeconds: null,
      mode: 'normal',
      holes: null,
    });
    expect(plan.fsList).toEqual([320, 400, 500, 640, 800, 1000, 1280, 1600, 2000, 2500, 4000, 8000, 10_000, 12_000, 14_400]);
    expect(plan.scales.every((scale) => !scale.cropped && scale.epochs === 3000 && scale.trainedLength === scale.length)).toBe(true);
    expect(plan.summary).toBe('paper: up to 16 kHz, 96 channels, at most 16 scales; 3000 passes over the whole clip at each scale; fp32 on the CPU');
    const lowRate = makePlan(inputs({ preset: loadPreset('paper'), costs: null, budgetSeconds: null, clip: { seconds: 10, sourceRate: 11_025, hole: null } }));
    expect(lowRate.topRate).toBe(11_025);
    expect(lowRate.fsList.at(-1)).toBe(10_000);
  });

  it('studio: the long levels on crops with the fine epochs, the short ones whole, the forecast summed per scale', () => {
    const plan = makePlan(inputs({ preset: loadPreset('studio'), costs: laptop(), budgetSeconds: null }));
    expect(plan).toMatchObject({ topRate: 16_000, epochsPerScale: 2000, fineEpochsPerScale: 1000, cropSamples: 8192, precision: 'fp32' });
    expect(plan.scales.map((s) => [s.rate, s.cropped, s.trainedLength, s.epochs])).toEqual([
      [320, false, 3200, 2000],
      [400, false, 4000, 2000],
      [500, false, 5000, 2000],
      [640, false, 6400, 2000],
      [800, false, 8000, 2000],
      [1000, false, 10_000, 2000],
      [1280, true, 8192, 1000],
      [1600, true, 8192, 1000],
      [2000, true, 8192, 1000],
      [2500, true, 8192, 1000],
      [4000, true, 8192, 1000],
      [8000, true, 8192, 1000],
      [16_000, true, 8192, 1000],
    ]);
    const summed = plan.scales.reduce((total, s) => total + s.epochs * s.epochSeconds, 0);
    expect(plan.predictedSeconds).toBeCloseTo(summed, 9);
    expect(plan.summary).toMatch(
      /^studio: up to 16 kHz, 96 channels, at most 13 scales; 2000 passes over the whole clip at the 6 coarse scales, 1000 over 8192-sample crops at the 7 fine ones; fp32 on the CPU; forecast \d+ h \d+ min$/,
    );
    // the same recipe on the paper's whole levels costs an order of magnitude more
    const paper = makePlan(inputs({ preset: loadPreset('paper'), costs: laptop(), budgetSeconds: null }));
    expect(paper.predictedSeconds! / plan.predictedSeconds!).toBeGreaterThan(10);
  });

  it('crops nothing in a clip too short for it, and nothing in an inpainting run', () => {
    const short = makePlan(inputs({ preset: loadPreset('studio'), costs: null, budgetSeconds: null, clip: { seconds: 0.6, sourceRate: 16_000, hole: null } }));
    expect(short.scales.some((s) => s.cropped)).toBe(false);
    expect(short.cropSamples).toBe(8192); // the trainer still gets the rule; no level meets it
    expect(short.summary).toMatch(/2000 passes over the whole clip at each scale/);
    const gap = makePlan(inputs({ preset: loadPreset('studio'), costs: null, budgetSeconds: null, clip: { seconds: 10, sourceRate: 16_000, hole: { start: 4, end: 5 } } }));
    expect(gap).toMatchObject({ mode: 'inpainting', cropSamples: null, fineEpochsPerScale: null });
    expect(gap.scales.every((s) => !s.cropped && s.epochs === 2000)).toBe(true);
  });

  it('trains in bf16 only where the machine has it, and says why', () => {
    const quick = makePlan(inputs({ costs: laptop(), budgetSeconds: 1800 }));
    expect([quick.precision, quick.precisionReason]).toEqual(['bf16', 'bf16 convolutions with fp32 accumulation: this CPU has AVX512_BF16']);
    expect(quick.summary).toMatch(/; bf16 on the CPU;/);
    const without = makePlan(inputs({ costs: laptop(), budgetSeconds: 1800, bf16: { available: false, why: 'this CPU has no AVX512_BF16' } }));
    expect([without.precision, without.precisionReason]).toEqual(['fp32', 'fp32: the quick preset asks for bf16, but this CPU has no AVX512_BF16']);
    expect(without.summary).toMatch(/; fp32 on the CPU \(no bf16 there\);/);
    // an fp32 preset stays fp32 on a bf16 machine
    expect(makePlan(inputs({ preset: loadPreset('studio'), costs: null, budgetSeconds: null })).precision).toBe('fp32');
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
    expect([plan.topRate, plan.channelsRest]).toEqual([16_000, 64]);
    expect(plan.epochsPerScale).toBeGreaterThanOrEqual(budget.goodEpochs);
    expect(plan.predictedSeconds!).toBeLessThanOrEqual(budget.fill * 600 - 10 + 1e-9);
    expect(plan.summary).toMatch(/^quick: up to 16 kHz, 64 channels, at most 8 scales; \d+ passes over the whole clip at the 3 coarse scales/);
    expect(plan.summary).toMatch(/of a 10 min budget$/);
    // plenty of time: the top rung, capped at the preset's epochs
    const rich = makePlan(inputs({ budgetSeconds: 7 * 24 * 3600 }));
    expect(rich).toMatchObject({ topRate: 16_000, channelsRest: 64, epochsPerScale: 2000, fineEpochsPerScale: 1000 });
  });

  it('quick: fewer channels before a lower top rate, fair epochs at 16 kHz before good ones lower, then the cheapest, then a clear refusal', () => {
    const quick = loadPreset('quick');
    const budget = quick.budget!;
    const rank = (p: { topRate: number; channelsRest: number }) => budget.ladder.findIndex((r) => r.topRate === p.topRate && r.channels === p.channelsRest);
    const onlyRung = (rung: (typeof budget.ladder)[number]) => ({ ...quick, budget: { ...budget, ladder: [rung], goodEpochs: 1, fairEpochs: 1, minEpochs: 1 } });
    const at = (minutes: number, preset = quick) => makePlan(inputs({ preset, costs: laptop(), budgetSeconds: minutes * 60, spentSeconds: 60 }));

    // 10 min: no 16 kHz rung is good; the 16 kHz rung with the most epochs wins, although a richer
    // one (24 channels) is fair and 2 kHz would be good
    const fair = at(10);
    expect([fair.topRate, fair.channelsRest]).toEqual([16_000, 16]);
    expect(fair.epochsPerScale).toBeGreaterThanOrEqual(budget.fairEpochs);
    expect(fair.epochsPerScale).toBeLessThan(budget.goodEpochs);
    expect(at(10, onlyRung({ topRate: 16_000, channels: 24 })).epochsPerScale).toBeGreaterThanOrEqual(budget.fairEpochs);
    for (const rung of budget.ladder.slice(0, rank(fair))) expect(at(10, onlyRung(rung)).epochsPerScale).toBeLessThan(budget.goodEpochs);
    expect(at(10, onlyRung(budget.ladder.at(-1)!)).epochsPerScale).toBeGreaterThanOrEqual(budget.goodEpochs);
    // a longer budget never gets fewer channels
    const channels = [8, 10, 12, 15, 20, 30, 45, 60, 120].map((minutes) => at(minutes).channelsRest);
    expect(channels).toEqual(channels.toSorted((a, b) => a - b));

    // 5 min: no rung affords fairEpochs: the cheapest, with at least minEpochs
    const cheapest = budget.ladder.at(-1)!;
    for (const rung of budget.ladder) expect(at(5, onlyRung(rung)).epochsPerScale).toBeLessThan(budget.fairEpochs);
    const tight = at(5);
    expect([tight.topRate, tight.channelsRest]).toEqual([cheapest.topRate, cheapest.channels]);
    expect(tight.epochsPerScale).toBeGreaterThanOrEqual(budget.minEpochs);

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

  it('quick on a laptop: a 10 s clip keeps 16 kHz at 15, 30 and 60 min, with more channels as the budget grows', () => {
    const quick = loadPreset('quick');
    const budget = quick.budget!;
    const minutes = [15, 30, 60];
    const plans = minutes.map((m) => makePlan(inputs({ costs: laptop(), budgetSeconds: m * 60, spentSeconds: 60 })));
    for (const [i, plan] of plans.entries()) {
      expect(plan.topRate).toBe(16_000);
      expect(plan.scales.map((s) => s.rate)).toEqual([320, 500, 800, 1280, 2000, 4000, 8000, 16_000]);
      expect(plan.scales.filter((s) => s.cropped).map((s) => s.rate)).toEqual([1280, 2000, 4000, 8000, 16_000]);
      expect(plan.epochsPerScale).toBeGreaterThanOrEqual(budget.goodEpochs);
      expect(plan.fineEpochsPerScale).toBe(Math.round(plan.epochsPerScale * budget.fineEpochsFraction));
      expect(plan.scales.map((s) => s.epochs)).toEqual(plan.scales.map((s) => (s.cropped ? plan.fineEpochsPerScale : plan.epochsPerScale)));
      // within fill × budget − spent, and the most epochs that fit: one more would not
      const available = budget.fill * minutes[i]! * 60 - 60;
      expect(plan.predictedSeconds!).toBeLessThanOrEqual(available);
      const more = plan.epochsPerScale + 1;
      const moreSeconds = plan.scales.reduce((t, s) => t + s.epochSeconds * (s.cropped ? Math.round(more * budget.fineEpochsFraction) : more), 0);
      expect(moreSeconds).toBeGreaterThan(available);
    }
    expect(plans.map((p) => p.channelsRest)).toEqual([16, 32, 48]);
    expect(plans[1]!.summary).toBe(
      'quick: up to 16 kHz, 32 channels, at most 8 scales; 1035 passes over the whole clip at the 3 coarse scales, ' +
        '518 over 8192-sample crops at the 5 fine ones; bf16 on the CPU; forecast 24 min 30 s of a 30 min budget',
    );
  });

  it('quick drops below 16 kHz only when the budget is too small for 16 kHz at fairEpochs', () => {
    const quick = loadPreset('quick');
    const budget = quick.budget!;
    const at = (seconds: number, preset = quick) => makePlan(inputs({ preset, costs: laptop(), budgetSeconds: seconds, spentSeconds: 60 }));
    for (const minutes of [8, 10, 15, 30, 60, 120]) expect(at(minutes * 60).topRate).toBe(16_000);
    const small = at(5 * 60);
    expect(small.topRate).toBeLessThan(16_000);
    // 16 kHz at its cheapest rung affords fewer than fairEpochs in that budget
    const only16k = { ...quick, budget: { ...budget, ladder: [{ topRate: 16_000, channels: 16 }], goodEpochs: 1, fairEpochs: 1, minEpochs: 1 } };
    expect(at(5 * 60, only16k).epochsPerScale).toBeLessThan(budget.fairEpochs);
    expect(at(8 * 60, only16k).epochsPerScale).toBeGreaterThanOrEqual(budget.fairEpochs);
  });

  it('refuses a clip too short for the preset', () => {
    const call = () => makePlan(inputs({ preset: loadPreset('paper'), costs: null, budgetSeconds: null, clip: { seconds: 0.1, sourceRate: 16_000, hole: null } }));
    expect(call).toThrow(AppError);
    expect(call).toThrow(/0\.1 s clip is too short for the paper preset \(it needs at least 0\.13 s\)/);
  });
});

describe('forecastRemaining', () => {
  const plan = makePlan(inputs({ preset: loadPreset('paper'), costs: machine(), budgetSeconds: null }));

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

describe('forecastRemaining with crops', () => {
  const studio = makePlan(inputs({ preset: loadPreset('studio'), costs: laptop(), budgetSeconds: null }));
  const scales = studio.scales.length;
  const firstFine = studio.scales.findIndex((s) => s.cropped);
  const secondsOf = (from: number, to: number) => studio.scales.slice(from, to).reduce((t, s) => t + s.epochs * s.epochSeconds, 0);

  it('weighs each scale by its own epochs, the current one’s as the trainer counts them', () => {
    const fineEpoch = studio.scales[firstFine]!.epochSeconds;
    const start = forecastRemaining(studio, { scale: firstFine, scales, epoch: 0, epochs: 1000 }, fineEpoch);
    expect(start.fraction).toBeCloseTo(secondsOf(0, firstFine) / studio.predictedSeconds!, 9);
    expect(start.etaSeconds).toBeCloseTo(studio.predictedSeconds! - secondsOf(0, firstFine), 6);
    const half = forecastRemaining(studio, { scale: firstFine, scales, epoch: 500, epochs: 1000 }, fineEpoch);
    expect(half.etaSeconds).toBeCloseTo(studio.predictedSeconds! - secondsOf(0, firstFine) - 500 * fineEpoch, 6);
    // the last cropped scale done: the whole run
    expect(forecastRemaining(studio, { scale: scales - 1, scales, epoch: 1000, epochs: 1000 }, fineEpoch)).toEqual({ fraction: 1, etaSeconds: 0 });
  });

  it('without a forecast, weighs a cropped epoch by the samples its generator runs on', () => {
    const unmeasured = makePlan(inputs({ preset: loadPreset('studio'), costs: null, budgetSeconds: null }));
    const coarse = unmeasured.scales.slice(0, firstFine).reduce((t, s) => t + s.length * s.channels * 2000, 0);
    const fine = unmeasured.scales.slice(firstFine).reduce((t, s) => t + (8192 + 2040) * s.channels * 1000, 0);
    const at = forecastRemaining(unmeasured, { scale: firstFine, scales, epoch: 0, epochs: 1000 }, null);
    expect(at).toEqual({ fraction: coarse / (coarse + fine), etaSeconds: null });
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
