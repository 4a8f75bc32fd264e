/**
 * How the Takes view numbers a take (by the id the CLI uses, not the per-model name) and words
 * its one-line row (mode, length, band; a failed take's reason; no seed), and what a take's file is: the band it really has (the model rate's
 * Nyquist frequency, whatever rate the file is at) and its tooltip, where a gap fill sits, and
 * which take already holds a seedless mode's audio (what the form names instead of making it
 * again, by the same rule the service refuses with).
 */
import { describe, expect, it } from '@jest/globals';
import type { Take } from '@common/generation.js';
import type { TakeRender } from '@common/take-render.js';
import { bandText, bandTitle, gapFillText, rowLength, rowMode, rowText, seedlessTakes, takeTitle } from './take-format.js';
import { take } from '../testing/fixtures.js';

const GAP: TakeRender = {
  modelRate: 16_000,
  channels: 2,
  fill: { holes: [{ start: 3.2, end: 4, fadeIn: 0.03, fadeOut: 0.03 }], into: 'original', gainsDb: [0, 0] },
};

describe('a take’s band and fill in words', () => {
  it('says the band the model made, not the file’s', () => {
    expect(bandText({ modelRate: 16_000, channels: 1, fill: null })).toBe('up to 8 kHz');
    expect(bandText({ modelRate: 22_050, channels: 1, fill: null })).toBe('up to 11 kHz');
    expect(bandTitle({ modelRate: 16_000, channels: 1, fill: null }, 44_100)).toBe("Made at the model's 16 kHz and upsampled to 44.1 kHz: nothing above 8 kHz");
    expect(bandTitle({ modelRate: 16_000, channels: 1, fill: null }, 16_000)).toBe("Made at the model's 16 kHz: nothing above 8 kHz");
    expect(bandTitle(GAP, 48_000)).toBe("Made at the model's 16 kHz and upsampled to 48 kHz: the fill has nothing above 8 kHz");
  });

  it('says where a gap fill sits', () => {
    expect(gapFillText(GAP.fill!)).toBe('gap filled 3.2–4.0 s');
    const two = { ...GAP.fill!, holes: [{ start: 1, end: 1.5, fadeIn: 0.03, fadeOut: 0.03 }, ...GAP.fill!.holes] };
    expect(gapFillText(two)).toBe('gap filled 1.0–1.5 s, 3.2–4.0 s');
  });
});

describe('seedlessTakes', () => {
  const reconstruct = (id: number, fields: Partial<Take> = {}): Take =>
    take({ id, modelId: 1, settings: { mode: 'reconstruct', seconds: 8, extendFromRate: null }, checkpoint: { scales: 4, configHash: 'abc' }, ...fields });

  it('names the oldest take holding the reconstruction of this model at these scales', () => {
    expect(seedlessTakes([reconstruct(7), reconstruct(5), take({ id: 2, modelId: 1 })], 1, 4)).toEqual({ reconstruct: 5 });
    // Queued (no checkpoint yet) counts; another model's, other scales', failed and purged ones do not.
    expect(seedlessTakes([reconstruct(9, { status: 'queued', checkpoint: null, hasFile: false })], 1, 4)).toEqual({ reconstruct: 9 });
    expect(seedlessTakes([reconstruct(3, { modelId: 2 })], 1, 4)).toEqual({});
    expect(seedlessTakes([reconstruct(3)], 1, 5)).toEqual({});
    expect(seedlessTakes([reconstruct(3, { status: 'failed', hasFile: false })], 1, 4)).toEqual({});
    expect(seedlessTakes([reconstruct(3, { hasFile: false })], 1, 4)).toEqual({});
  });
});

describe('a take’s number and row', () => {
  it('numbers a take by its id, the one `eureka take <id>` uses, whatever its stored name', () => {
    // The second model's first take: named "Take 1" by its model's count, id 12 in the library.
    const second = take({ id: 12, modelId: 2, name: 'Take 1' });
    expect(takeTitle(second)).toBe('Take 12');
    expect(rowText(second).startsWith('Take 12 · ')).toBe(true);
    expect(rowText(second)).not.toContain('Take 1 ');
  });

  it('says the mode in words, the length short and the band, never the seed', () => {
    const made = take({ id: 4, modelId: 1, seed: '98765', durationSeconds: 3, render: { modelRate: 16_000, channels: 1, fill: null } });
    expect(rowMode(made)).toBe('new');
    expect(rowText(made)).toBe('Take 4 · new · 3.0 s · up to 8 kHz');
    expect(rowText(made)).not.toContain('98765');
    expect(rowMode(take({ id: 5, modelId: 1, settings: { mode: 'variation', seconds: 8, extendFromRate: null } }))).toBe('variation');
    expect(rowMode(take({ id: 6, modelId: 1, render: GAP }))).toBe('gap filled 3.2–4.0 s');
  });

  it('keeps lengths short: tenths under a minute, then minutes and seconds', () => {
    expect(rowLength(2.54)).toBe('2.5 s');
    expect(rowLength(59.9)).toBe('59.9 s');
    expect(rowLength(59.97)).toBe('1 min');
    expect(rowLength(125)).toBe('2 min 5 s');
  });

  it('adds what is not ready, a failure’s reason, a deleted file, the verdict and the star', () => {
    const failed = take({ id: 7, modelId: 1, status: 'failed', error: 'cancelled', hasFile: false, durationSeconds: null, settings: { mode: 'new', seconds: 120, extendFromRate: null } });
    expect(rowText(failed)).toBe('Take 7 · new · 2 min · failed · cancelled');
    expect(rowText(take({ id: 8, modelId: 1, hasFile: false, verdict: 'discarded' }))).toBe('Take 8 · new · 8.0 s · file deleted · discarded');
    expect(rowText(take({ id: 9, modelId: 1, verdict: 'kept', starred: true }))).toBe('Take 9 · new · 8.0 s · kept · starred');
  });
});
