/**
 * The presets as shipped in models/presets: each passes its schema, the schema refuses data
 * that would plan nonsense, and each says its recipe in plain words.
 */
import { describeRecipe, listPresets, loadPreset, presetSchema } from '../../../../src-main/services/training/presets.js';

describe('presets', () => {
  it('load from models/presets and pass their schema', () => {
    expect(listPresets().map((p) => p.name)).toEqual(['studio', 'quick', 'paper', 'test']);
    expect(loadPreset('quick').budget?.defaultSeconds).toBe(900);
    expect(listPresets().find((p) => p.name === 'quick')?.defaultBudgetSeconds).toBe(900);
    expect(listPresets().find((p) => p.name === 'studio')?.defaultBudgetSeconds).toBeNull();
  });

  it('keep the paper’s recipe as paper: 16 scales to 16 kHz, 96 channels, 3000 epochs, no crop, fp32', () => {
    expect(loadPreset('paper')).toMatchObject({
      topRate: 16_000,
      fsList: [320, 400, 500, 640, 800, 1000, 1280, 1600, 2000, 2500, 4000, 8000, 10_000, 12_000, 14_400],
      channelsFirst: 16,
      channelsRest: 96,
      kernelSize: 9,
      layers: 8,
      epochsPerScale: 3000,
      fineEpochsPerScale: null,
      cropSamples: null,
      precision: 'fp32',
      budget: null,
    });
  });

  it('give studio crops at the fine scales, fewer epochs there and fewer steps between 8 and 16 kHz', () => {
    expect(loadPreset('studio')).toMatchObject({
      topRate: 16_000,
      fsList: [320, 400, 500, 640, 800, 1000, 1280, 1600, 2000, 2500, 4000, 8000],
      channelsFirst: 16,
      channelsRest: 96,
      epochsPerScale: 2000,
      fineEpochsPerScale: 1000,
      cropSamples: 8192,
      precision: 'fp32',
      probe: true,
    });
  });

  it('give quick a ladder that stays at 16 kHz, trading channels first', () => {
    const quick = loadPreset('quick');
    expect(quick).toMatchObject({ topRate: 16_000, fsList: [320, 500, 800, 1280, 2000, 4000, 8000], cropSamples: 8192, precision: 'bf16' });
    const ladder = quick.budget!.ladder;
    expect(ladder.slice(0, 5).every((rung) => rung.topRate === 16_000)).toBe(true);
    expect(ladder.map((rung) => rung.channels).slice(0, 5)).toEqual([64, 48, 32, 24, 16]);
    expect(ladder.slice(5).map((rung) => rung.topRate)).toEqual([8000, 4000, 2000]);
    expect(quick.budget!.fineEpochsFraction).toBe(0.5);
  });

  it('keep test tiny, whole-level and fp32', () => {
    expect(loadPreset('test')).toMatchObject({ topRate: 2000, epochsPerScale: 200, cropSamples: null, fineEpochsPerScale: null, precision: 'fp32' });
  });

  it('refuse inconsistent data', () => {
    const paper = loadPreset('paper');
    const studio = loadPreset('studio');
    const quick = loadPreset('quick');
    const refused = (data: unknown) => !presetSchema.safeParse(data).success;
    expect(presetSchema.safeParse(studio).success).toBe(true);
    expect(refused({ ...paper, fsList: [500, 400] })).toBe(true);
    expect(refused({ ...paper, fsList: [320, 16_000] })).toBe(true);
    expect(refused({ ...paper, kernelSize: 8 })).toBe(true);
    expect(refused({ ...paper, budget: quick.budget })).toBe(true);
    expect(refused({ ...paper, extra: 1 })).toBe(true);
    expect(refused({ ...paper, precision: 'fp16' })).toBe(true);
    // a crop the discriminator (2P + 1 = 2041 samples) or the MSS loss would not fit in
    expect(refused({ ...studio, cropSamples: 2040 })).toBe(true);
    expect(presetSchema.safeParse({ ...studio, cropSamples: 2041 }).success).toBe(true);
    // fine epochs without crops, or beside a budget's fraction
    expect(refused({ ...paper, fineEpochsPerScale: 1000 })).toBe(true);
    expect(refused({ ...quick, fineEpochsPerScale: 1000 })).toBe(true);
    expect(refused({ ...quick, budget: { ...quick.budget, fineEpochsFraction: 1.5 } })).toBe(true);
    expect(refused({ ...quick, budget: { ...quick.budget, fineEpochsFraction: 0 } })).toBe(true);
    // the probe measures channelsRest: a budget preset's is its best rung's
    expect(refused({ ...quick, channelsRest: 96 })).toBe(true);
  });

  it('say their recipe in plain words', () => {
    expect(describeRecipe(loadPreset('paper'))).toBe('Up to 16 kHz, 96 channels; 3000 passes over the whole clip at every scale; fp32');
    expect(describeRecipe(loadPreset('studio'))).toBe(
      'Up to 16 kHz, 96 channels; 2000 passes over the whole clip at the coarse scales, 1000 over 8192-sample crops at the fine ones; fp32',
    );
    expect(describeRecipe(loadPreset('quick'))).toBe(
      'Up to 16 kHz where the budget allows (at least 2 kHz), 16-64 channels; up to 2000 passes over the whole clip at the coarse scales, ' +
        'half as many over 8192-sample crops at the fine ones; bf16 where the CPU has it; fits a 15 min budget unless you choose another',
    );
    expect(listPresets().find((p) => p.name === 'test')?.recipe).toBe('Up to 2 kHz, 12 channels; 200 passes over the whole clip at every scale; fp32');
  });
});
