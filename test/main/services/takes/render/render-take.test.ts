/**
 * renderTake on a tiny real model (trained by the addon, exported to ONNX, run by onnxruntime on
 * the CPU; test/helpers/trained-model.ts): seeds reproduce takes bit for bit, lengths are
 * exact, a long take's ends are not the zero padding's artefact, takes match the clip's
 * loudness under a -1 dBFS peak guard, variations follow the clip, reconstruction ignores the
 * seed, extend keeps its input's band, a gap fill leaves everything outside the hole alone (bit
 * for bit), and no take carries DC: not the generator's own, not the clip's (a gap fill takes
 * the clip's, so that it sits where the clip around it sits).
 * The model runs at 2 kHz, so every take is upsampled to 16 kHz.
 */
import { AppError } from '../../../../../src-main/common/errors.js';
import type { TakeSettings } from '../../../../../src-main/common/generation.js';
import { loadNativeAddon, type NativeAddon } from '../../../../../src-main/addon/binding.js';
import { integratedLoudness } from '../../../../../src-main/services/audio/loudness.js';
import { resample } from '../../../../../src-main/services/audio/resample.js';
import { removeDc } from '../../../../../src-main/services/audio/dc-removal.js';
import { peakOf } from '../../../../../src-main/services/audio/level.js';
import { loadModelSource } from '../../../../../src-main/services/models/model-source.js';
import { generateNew, generateUnpadded } from '../../../../../src-main/services/takes/render/pyramid-modes.js';
import { renderTake } from '../../../../../src-main/services/takes/render/render-take.js';
import { TINY_HOLE, TINY_RATE, TINY_SAMPLES } from '../../../../helpers/trained-model.js';
import { makeTempDir, removeDir } from '../../../../helpers/temp-dir.js';
import { openTinyRender, type RenderFixture } from './render-fixture.js';
import { bandEnergy, correlation, dftBins, mean, rms } from './signal-stats.js';

const OUT_RATE = 16000;
const CLIP_SECONDS = TINY_SAMPLES / TINY_RATE; // 1.5 s
/** The stored clip's level: quiet enough that matching its loudness never meets the peak guard. */
const LEVEL = 0.1;

const take = (mode: TakeSettings['mode'], seconds = CLIP_SECONDS, extendFromRate: number | null = null): TakeSettings => ({ mode, seconds, extendFromRate });
const bits = (x: Float32Array): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

async function expectAppError(promise: Promise<unknown>, code: AppError['code'], message: RegExp): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(AppError);
  await expect(promise).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
}

let addon: NativeAddon;
let tiny: RenderFixture;

beforeAll(async () => {
  addon = loadNativeAddon();
  tiny = await openTinyRender(addon, { level: LEVEL });
}, 120_000);

afterAll(async () => {
  await tiny?.close();
});

describe('new takes', () => {
  it('reproduce bit for bit from a seed, and differ between seeds', async () => {
    const first = await renderTake(tiny.ctx, take('new', 1), 42n);
    const again = await renderTake(tiny.ctx, take('new', 1), 42n);
    const other = await renderTake(tiny.ctx, take('new', 1), 43n);
    expect(bits(again.samples).equals(bits(first.samples))).toBe(true);
    expect(bits(other.samples).equals(bits(first.samples))).toBe(false);
    expect(correlation(first.samples, other.samples)).toBeLessThan(0.9);
  });

  it('have exactly the asked length at a playable rate', async () => {
    for (const seconds of [1, 120]) {
      const rendered = await renderTake(tiny.ctx, take('new', seconds), 7n);
      expect(rendered.sampleRate).toBe(OUT_RATE);
      expect(rendered.samples).toHaveLength(seconds * OUT_RATE);
      expect(rendered.seconds).toBe(seconds);
    }
  });

  it('refuses lengths outside 1 to 600 seconds', async () => {
    await expectAppError(renderTake(tiny.ctx, take('new', 0.5), 1n), 'INVALID_INPUT', /1 to 600 seconds/);
    await expectAppError(renderTake(tiny.ctx, take('new', 601), 1n), 'INVALID_INPUT', /1 to 600 seconds/);
  });

  it('keep a long take’s ends like its middle: generated with margins past the padding', async () => {
    const rendered = await renderTake(tiny.ctx, take('new', 60), 5n);
    const x = rendered.samples;
    const middle = rms(x, 20 * OUT_RATE, 40 * OUT_RATE);
    for (const edge of [rms(x, 0, OUT_RATE), rms(x, x.length - OUT_RATE)]) {
      expect(edge / middle).toBeGreaterThan(0.5);
      expect(edge / middle).toBeLessThan(2);
    }

    // The margin matters: in the pyramid's own output (2 kHz, no fades), a window of twice the
    // coarsest padding time (2 · P / rate_0 = 0.12 s) at the start of a take generated without
    // margins is louder than every such window in the middle; with margins both ends fall
    // inside the middle's range.
    const R = TINY_RATE;
    const { pad, scales } = tiny.ctx.pyramid.manifest;
    const window = Math.round(((2 * pad) / scales[0]!.rate) * R);
    const raw = await generateUnpadded(tiny.ctx, 60 * R, 5n);
    const cut = await generateNew(tiny.ctx, 60 * R, 5n, () => {});
    const range = (y: Float32Array) => {
      const mid = rms(y, 20 * R, 40 * R);
      let lo = Infinity;
      let hi = 0;
      for (let a = 20 * R; a + window <= 40 * R; a += window) {
        lo = Math.min(lo, rms(y, a, a + window) / mid);
        hi = Math.max(hi, rms(y, a, a + window) / mid);
      }
      return { mid, lo, hi };
    };
    const rawRange = range(raw);
    expect(rms(raw, 0, window) / rawRange.mid).toBeGreaterThan(rawRange.hi);
    const cutRange = range(cut);
    for (const edge of [rms(cut, 0, window), rms(cut, cut.length - window)]) {
      expect(edge / cutRange.mid).toBeGreaterThan(cutRange.lo);
      expect(edge / cutRange.mid).toBeLessThan(cutRange.hi);
    }
  }, 60_000);

  it('match the clip’s loudness within 0.1 LU and report it', async () => {
    // Measured at 16 kHz: K-weighting means nothing at the clip's own 2 kHz.
    const sourceLufs = integratedLoudness([await resample(tiny.clip, TINY_RATE, OUT_RATE)], OUT_RATE)!;
    expect(tiny.ctx.source.sourceLoudnessLufs).toBe(sourceLufs);
    const rendered = await renderTake(tiny.ctx, take('new', 10), 11n);
    expect(Math.abs(rendered.loudnessLufs! - sourceLufs)).toBeLessThan(0.1);
    expect(integratedLoudness([rendered.samples], OUT_RATE)).toBe(rendered.loudnessLufs);
    expect(peakOf(rendered.samples)).toBeLessThan(10 ** (-1 / 20));
  });

  it('stay at or below -1 dBFS when the loudness match would clip, and report the lower loudness', async () => {
    const loud = { ...tiny.ctx, source: { ...tiny.ctx.source, sourceLoudnessLufs: -2 } };
    const rendered = await renderTake(loud, take('new', 10), 11n);
    expect(peakOf(rendered.samples)).toBeLessThanOrEqual(10 ** (-1 / 20));
    expect(rendered.loudnessLufs!).toBeLessThan(-2.5);
    expect(integratedLoudness([rendered.samples], OUT_RATE)).toBe(rendered.loudnessLufs);
  });

  it('report progress per scale, from 0 to 1', async () => {
    const fractions: number[] = [];
    await renderTake(tiny.ctx, take('new', 1), 1n, (f) => fractions.push(f));
    // 0, one step per scale (4), then 1.
    expect(fractions).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe('DC', () => {
  it('is removed from new, variation, reconstruct and extend takes: the generator’s and the clip’s', async () => {
    // The tiny model's own output sits near −0.4 × its RMS; the shifted clip adds +0.02 more.
    const shifted = { ...tiny.ctx, source: { ...tiny.ctx.source, signal: tiny.clip.map((x) => x + 0.02) } };
    for (const settings of [take('new', 10), take('variation'), take('reconstruct'), take('extend', CLIP_SECONDS, 1000)]) {
      for (const ctx of [tiny.ctx, shifted]) {
        const rendered = await renderTake(ctx, settings, 3n);
        expect({ mode: settings.mode, dc: Math.abs(mean(rendered.samples)) < 0.01 * rms(rendered.samples) }).toEqual({ mode: settings.mode, dc: true });
      }
    }
  }, 60_000);
});

describe('fixed-length modes', () => {
  it('variation follows the clip’s coarse structure, fresh per seed', async () => {
    const clipUp = await resample(tiny.clip, TINY_RATE, OUT_RATE);
    const a = await renderTake(tiny.ctx, take('variation'), 1n);
    const b = await renderTake(tiny.ctx, take('variation'), 2n);
    const unconditional = await renderTake(tiny.ctx, take('new', CLIP_SECONDS), 1n);
    expect(a.samples).toHaveLength(TINY_SAMPLES * (OUT_RATE / TINY_RATE));
    expect(bits(a.samples).equals(bits(b.samples))).toBe(false);
    expect(correlation(a.samples, clipUp)).toBeGreaterThan(0.5);
    expect(Math.abs(correlation(unconditional.samples, clipUp))).toBeLessThan(0.3);
    expect(Math.abs(a.loudnessLufs! - tiny.ctx.source.sourceLoudnessLufs!)).toBeLessThan(0.1);
  });

  it('reconstruct is the same for every seed, as long as the clip', async () => {
    const a = await renderTake(tiny.ctx, take('reconstruct'), 1n);
    const b = await renderTake(tiny.ctx, take('reconstruct'), 99n);
    expect(a.samples).toHaveLength(TINY_SAMPLES * (OUT_RATE / TINY_RATE));
    expect(bits(a.samples).equals(bits(b.samples))).toBe(true);
  });

  it('denoise and gap need a model trained for them', async () => {
    await expectAppError(renderTake(tiny.ctx, take('denoise'), 1n), 'INVALID_INPUT', /denoising/);
    await expectAppError(renderTake(tiny.ctx, take('gap'), 1n), 'INVALID_INPUT', /gap clip/);
  });
});

describe('extend', () => {
  const FROM = 1000;

  it('keeps the band-limited input below its Nyquist and adds a band above it', async () => {
    const rendered = await renderTake(tiny.ctx, take('extend', CLIP_SECONDS, FROM), 3n);
    const out = rendered.samples;
    expect(out).toHaveLength(TINY_SAMPLES * (OUT_RATE / TINY_RATE));
    // What went in, as the take's chain treats it: the clip band-limited to FROM, its DC
    // removed at the model's rate, brought to the output's rate.
    const band = await resample(await resample(tiny.clip, TINY_RATE, FROM), FROM, TINY_RATE);
    const expected = await resample(removeDc(band, TINY_RATE), TINY_RATE, OUT_RATE);
    const hz = OUT_RATE / out.length; // bin spacing
    const lowTop = Math.floor((FROM / 2 - 200) / hz);
    const O = dftBins(out, 1, lowTop);
    const E = dftBins(expected, 1, lowTop);
    // Least-squares gain (the loudness match rescales the take), then the residual.
    let dot = 0;
    let ee = 0;
    for (let k = 0; k < O.re.length; k++) {
      dot += O.re[k]! * E.re[k]! + O.im[k]! * E.im[k]!;
      ee += E.re[k]! ** 2 + E.im[k]! ** 2;
    }
    const gain = dot / ee;
    let residual = 0;
    for (let k = 0; k < O.re.length; k++) residual += (O.re[k]! - gain * E.re[k]!) ** 2 + (O.im[k]! - gain * E.im[k]!) ** 2;
    expect(Math.sqrt(residual / (gain * gain * ee))).toBeLessThan(0.01);
    // Above the input's Nyquist there is new material where the input has none.
    const high = [Math.ceil((FROM / 2 + 50) / hz), Math.floor((TINY_RATE / 2 - 50) / hz)] as const;
    expect(bandEnergy(out, ...high)).toBeGreaterThan(1000 * gain * gain * bandEnergy(expected, ...high));
    expect(Math.abs(rendered.loudnessLufs! - tiny.ctx.source.sourceLoudnessLufs!)).toBeLessThan(0.1);
  }, 60_000);

  it('refuses rates that are not a dividing scale of the model', async () => {
    await expectAppError(renderTake(tiny.ctx, take('extend', CLIP_SECONDS, 700), 1n), 'INVALID_INPUT', /1000, 500, 250 Hz|250, 500, 1000 Hz/);
    await expectAppError(renderTake(tiny.ctx, take('extend', CLIP_SECONDS, null), 1n), 'INVALID_INPUT', /rate/);
  });
});

describe('gap', () => {
  let gap: RenderFixture;

  beforeAll(async () => {
    gap = await openTinyRender(addon, { inpainting: true, level: LEVEL });
  }, 120_000);

  afterAll(async () => {
    await gap?.close();
  });

  it('keeps everything outside the hole and its crossfades, and fills the hole per seed', async () => {
    const a = await renderTake(gap.ctx, take('gap'), 1n);
    const b = await renderTake(gap.ctx, take('gap'), 2n);
    const again = await renderTake(gap.ctx, take('gap'), 1n);
    expect(bits(again.samples).equals(bits(a.samples))).toBe(true);
    const original = await resample(gap.clip, TINY_RATE, OUT_RATE);
    expect(a.samples).toHaveLength(original.length);
    const up = OUT_RATE / TINY_RATE;
    const [start, end] = [TINY_HOLE.start * up, TINY_HOLE.end * up];
    const fade = Math.round((end - start) / 2);
    const peak = peakOf(original);
    let outside = 0;
    for (let t = 0; t < original.length; t++) {
      if (t >= start - fade && t < end + fade) continue;
      outside = Math.max(outside, Math.abs(a.samples[t]! - original[t]!));
    }
    expect(outside / peak).toBe(0);
    // Inside, two seeds fill differently, and neither is the original's audio.
    const inside = (x: Float32Array) => x.subarray(start, end);
    expect(rms(inside(a.samples).map((v, i) => v - inside(b.samples)[i]!))).toBeGreaterThan(1e-3 * rms(inside(a.samples)));
    expect(rms(inside(a.samples))).toBeGreaterThan(0);
    // No loudness gain: the take is at the clip's own level.
    expect(a.loudnessLufs).toBe(integratedLoudness([a.samples], OUT_RATE));
  });

  it('fills at the clip’s own offset, and still leaves everything outside the hole bit for bit', async () => {
    const offset = 0.05;
    const shifted = { ...gap.ctx, source: { ...gap.ctx.source, signal: gap.clip.map((x) => x + offset) } };
    const a = await renderTake(shifted, take('gap'), 1n);
    const original = await resample(shifted.source.signal, TINY_RATE, OUT_RATE, 'best');
    const up = OUT_RATE / TINY_RATE;
    const [start, end] = [TINY_HOLE.start * up, TINY_HOLE.end * up];
    const fade = Math.round((end - start) / 2);
    let outside = 0;
    for (let t = 0; t < original.length; t++) {
      if (t < start - fade || t >= end + fade) outside = Math.max(outside, Math.abs(a.samples[t]! - original[t]!));
    }
    expect(outside).toBe(0);
    // The generator's fill has an offset of its own (about −0.001 here); the take's has the clip's.
    expect(Math.abs(mean(a.samples, start, end) - mean(original))).toBeLessThan(0.005);
  });

  it('loads the model’s holes and its peak normalisation factor', async () => {
    expect(gap.ctx.source.holes).toEqual([TINY_HOLE]);
    expect(gap.ctx.source.mode).toBe('inpainting');
    expect(gap.ctx.source.normFactor).toBe(peakOf(gap.clip));
  });
});

describe('loadModelSource', () => {
  it('says a folder without training files has no model', async () => {
    const dir = await makeTempDir('eureka-render-empty-');
    try {
      await expectAppError(loadModelSource(dir), 'NOT_FOUND', /plan\.json/);
    } finally {
      await removeDir(dir);
    }
  });
});
