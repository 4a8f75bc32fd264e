/**
 * modeAvailability: which of the six modes a model offers and why not, on made-up plans and
 * manifests (studio-like rates, a partly trained one, an inpainting and a denoising model).
 */
import { GENERATION_MODES, modeAvailabilitySchema, type GenerationMode } from '../../../../../src-main/common/generation.js';
import type { TrainingPlan } from '../../../../../src-main/common/training.js';
import type { PyramidManifest } from '../../../../../src-main/services/models/onnx/manifest.js';
import { extendRatesOf, modeAvailability } from '../../../../../src-main/services/takes/render/mode-availability.js';

function plan(mode: TrainingPlan['mode']): TrainingPlan {
  return {
    preset: 'test',
    mode,
    holes: mode === 'inpainting' ? [{ start: 24000, end: 36000 }] : null,
    topRate: 16000,
    fsList: [],
    channelsFirst: 16,
    channelsRest: 96,
    kernelSize: 9,
    layers: 8,
    epochsPerScale: 10,
    cropSamples: null,
    fineEpochsPerScale: null,
    precision: 'fp32',
    precisionReason: 'test',
    learningRate: 0.0015,
    alpha1: null,
    alpha2: null,
    mssConfigs: null,
    seed: '1',
    device: 'cpu',
    deviceReason: 'test',
    budgetSeconds: null,
    predictedSeconds: null,
    scales: [],
    summary: 'test',
  };
}

/** A manifest with these rates for a 4 s clip at the last rate. */
function manifest(rates: number[], inpainting = false): PyramidManifest {
  return {
    format: 1,
    configHash: '0123456789abcdef',
    scales: rates.map((rate, index) => ({
      index,
      rate,
      trainingLength: 4 * rate,
      amp: 0.1,
      channels: 8,
      file: `scale-${index}.onnx`,
      bytes: 100,
    })),
    pad: 1020,
    inpainting,
    holeRate: inpainting ? 16000 : null,
    holes: inpainting ? [{ start: 24000, end: 36000 }] : [],
    zRec: rates.map(() => null),
  };
}

const STUDIO_RATES = [320, 400, 500, 640, 800, 1000, 1280, 1600, 2000, 2500, 4000, 8000, 10000, 12000, 14400, 16000];

function byMode(list: ReturnType<typeof modeAvailability>): Record<GenerationMode, (typeof list)[number]> {
  return Object.fromEntries(list.map((entry) => [entry.mode, entry])) as Record<GenerationMode, (typeof list)[number]>;
}

describe('modeAvailability', () => {
  it('lists all six modes, valid against the DTO schema', () => {
    const list = modeAvailability(plan('normal'), manifest(STUDIO_RATES));
    expect(list.map((entry) => entry.mode)).toEqual([...GENERATION_MODES]);
    for (const entry of list) expect(modeAvailabilitySchema.parse(entry)).toEqual(entry);
  });

  it('offers a normal model new, variation, reconstruct and extend, but not gap or denoise', () => {
    const modes = byMode(modeAvailability(plan('normal'), manifest(STUDIO_RATES)));
    expect(modes.new).toEqual({ mode: 'new', available: true, reason: null, fixedSeconds: null, extendRates: [] });
    expect(modes.variation.available).toBe(true);
    expect(modes.variation.fixedSeconds).toBe(4);
    expect(modes.reconstruct.available).toBe(true);
    expect(modes.gap.available).toBe(false);
    expect(modes.gap.reason).toMatch(/gap clip/);
    expect(modes.denoise.available).toBe(false);
    expect(modes.denoise.reason).toMatch(/denoising/);
    expect(modes.extend.available).toBe(true);
    // The rates below 16 kHz that divide it (not 14.4, 12, 10, 2.5 or 1.28 kHz), highest first.
    expect(modes.extend.extendRates).toEqual([8000, 4000, 2000, 1600, 1000, 800, 640, 500, 400, 320]);
  });

  it('offers gap to inpainting models and denoise to denoising models', () => {
    const inpainting = byMode(modeAvailability(plan('inpainting'), manifest(STUDIO_RATES, true)));
    expect(inpainting.gap).toMatchObject({ available: true, reason: null, fixedSeconds: 4 });
    expect(inpainting.denoise.available).toBe(false);
    const denoising = byMode(modeAvailability(plan('denoising'), manifest(STUDIO_RATES)));
    expect(denoising.denoise).toMatchObject({ available: true, reason: null, fixedSeconds: 4 });
    expect(denoising.gap.available).toBe(false);
  });

  it('needs two scales for variations, and a dividing lower rate for extend', () => {
    const single = byMode(modeAvailability(plan('normal'), manifest([16000])));
    expect(single.variation.available).toBe(false);
    expect(single.variation.reason).toMatch(/two trained scales/);
    expect(single.extend.available).toBe(false);
    expect(single.extend.extendRates).toEqual([]);
    expect(single.new.available).toBe(true);
    expect(single.reconstruct.available).toBe(true);
    const noDivisor = byMode(modeAvailability(plan('normal'), manifest([10000, 14400])));
    expect(noDivisor.variation.available).toBe(true);
    expect(noDivisor.extend.available).toBe(false);
    expect(noDivisor.extend.reason).toMatch(/bandwidth/);
  });

  it('counts a partly trained pyramid from its finest finished scale', () => {
    const partial = manifest([320, 400, 500, 640, 800, 1000, 1280, 1600, 2000]);
    expect(extendRatesOf(partial)).toEqual([1000, 500, 400]);
    expect(byMode(modeAvailability(plan('normal'), partial)).reconstruct.fixedSeconds).toBe(4);
  });
});
