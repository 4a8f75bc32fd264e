/**
 * renderTake on a tiny real model (trained by the addon, exported to ONNX, run by onnxruntime on
 * the CPU; test/helpers/trained-model.ts): seeds reproduce takes bit for bit, lengths are
 * exact, a long take's ends are not the zero padding's artefact, takes match the clip's
 * loudness under a -1 dBFS peak guard, variations follow the clip, reconstruction ignores the
 * seed, extend keeps its input's band, takes go to the song's rate with nothing above the
 * model's band, a gap fill is the original clip (its rate, its channels) with everything outside
 * the hole and its crossfades left alone (bit for bit) and the fill at each channel's level, and
 * no take carries DC: not the generator's own, not the clip's (a gap fill takes the clip's, so
 * that it sits where the clip around it sits).
 * The model runs at 2 kHz, so every take is upsampled to 16 kHz at least.
 */
import { AppError } from '../../../../../src-main/common/errors.js';
import type { TakeSettings } from '../../../../../src-main/common/generation.js';
import { loadNativeAddon, type NativeAddon } from '../../../../../src-main/addon/binding.js';
import { integratedLoudness } from '../../../../../src-main/services/audio/loudness.js';
import { resample } from '../../../../../src-main/services/audio/resample.js';
import { removeDc } from '../../../../../src-main/services/audio/dc-removal.js';
import { fftInPlace } from '../../../../../src-main/services/audio/fft.js';
import { peakOf } from '../../../../../src-main/services/audio/level.js';
import { loadModelSource } from '../../../../../src-main/services/models/model-source.js';
import { generateNew, generateUnpadded } from '../../../../../src-main/services/takes/render/pyramid-modes.js';
import { renderTake, type ClipAudio } from '../../../../../src-main/services/takes/render/render-take.js';
import { CROSSFADE_SECONDS } from '../../../../../src-main/services/takes/render/gap-splice.js';
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
    expect(bits(again.channels[0]!).equals(bits(first.channels[0]!))).toBe(true);
    expect(bits(other.channels[0]!).equals(bits(first.channels[0]!))).toBe(false);
    expect(correlation(first.channels[0]!, other.channels[0]!)).toBeLessThan(0.9);
  });

  it('have exactly the asked length at a playable rate', async () => {
    for (const seconds of [1, 120]) {
      const rendered = await renderTake(tiny.ctx, take('new', seconds), 7n);
      expect(rendered.sampleRate).toBe(OUT_RATE);
      expect(rendered.channels[0]!).toHaveLength(seconds * OUT_RATE);
      expect(rendered.seconds).toBe(seconds);
    }
  });

  it('refuses lengths outside 1 to 600 seconds', async () => {
    await expectAppError(renderTake(tiny.ctx, take('new', 0.5), 1n), 'INVALID_INPUT', /1 to 600 seconds/);
    await expectAppError(renderTake(tiny.ctx, take('new', 601), 1n), 'INVALID_INPUT', /1 to 600 seconds/);
  });

  it('keep a long take’s ends like its middle: generated with margins past the padding', async () => {
    const rendered = await renderTake(tiny.ctx, take('new', 60), 5n);
    const x = rendered.channels[0]!;
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
    expect(integratedLoudness([rendered.channels[0]!], OUT_RATE)).toBe(rendered.loudnessLufs);
    expect(peakOf(rendered.channels[0]!)).toBeLessThan(10 ** (-1 / 20));
  });

  it('stay at or below -1 dBFS when the loudness match would clip, and report the lower loudness', async () => {
    const loud = { ...tiny.ctx, source: { ...tiny.ctx.source, sourceLoudnessLufs: -2 } };
    const rendered = await renderTake(loud, take('new', 10), 11n);
    expect(peakOf(rendered.channels[0]!)).toBeLessThanOrEqual(10 ** (-1 / 20));
    expect(rendered.loudnessLufs!).toBeLessThan(-2.5);
    expect(integratedLoudness([rendered.channels[0]!], OUT_RATE)).toBe(rendered.loudnessLufs);
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
        expect({ mode: settings.mode, dc: Math.abs(mean(rendered.channels[0]!)) < 0.01 * rms(rendered.channels[0]!) }).toEqual({ mode: settings.mode, dc: true });
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
    expect(a.channels[0]!).toHaveLength(TINY_SAMPLES * (OUT_RATE / TINY_RATE));
    expect(bits(a.channels[0]!).equals(bits(b.channels[0]!))).toBe(false);
    expect(correlation(a.channels[0]!, clipUp)).toBeGreaterThan(0.5);
    expect(Math.abs(correlation(unconditional.channels[0]!, clipUp))).toBeLessThan(0.3);
    expect(Math.abs(a.loudnessLufs! - tiny.ctx.source.sourceLoudnessLufs!)).toBeLessThan(0.1);
  });

  it('reconstruct is the same for every seed, as long as the clip', async () => {
    const a = await renderTake(tiny.ctx, take('reconstruct'), 1n);
    const b = await renderTake(tiny.ctx, take('reconstruct'), 99n);
    expect(a.channels[0]!).toHaveLength(TINY_SAMPLES * (OUT_RATE / TINY_RATE));
    expect(bits(a.channels[0]!).equals(bits(b.channels[0]!))).toBe(true);
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
    const out = rendered.channels[0]!;
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

describe('at the song’s rate', () => {
  it('upsamples a generated take to the song’s rate, mono, and records the model’s rate (the band it has)', async () => {
    const atModelRate = await renderTake(tiny.ctx, take('variation'), 4n);
    const atSong = await renderTake(tiny.ctx, take('variation'), 4n, () => {}, { songRate: 44_100, clip: null });
    expect(atSong.sampleRate).toBe(44_100);
    expect(atSong.channels).toHaveLength(1);
    expect(atSong.channels[0]).toHaveLength(Math.round(CLIP_SECONDS * 44_100));
    expect(atSong.render).toEqual({ modelRate: TINY_RATE, channels: 1, fill: null });
    expect(atModelRate.render).toEqual({ modelRate: TINY_RATE, channels: 1, fill: null });
    // The same take: at 16 kHz brought to 44.1 kHz, it matches the one made there.
    const moved = await resample(atModelRate.channels[0]!, OUT_RATE, 44_100);
    expect(correlation(moved, atSong.channels[0]!)).toBeGreaterThan(0.999);
    // Nothing above the model's Nyquist frequency (1 kHz): a Hann-windowed spectrum of the middle.
    const n = 1 << 15;
    const x = atSong.channels[0]!;
    const re = Float64Array.from({ length: n }, (_, i) => x[Math.floor((x.length - n) / 2) + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)));
    const im = new Float64Array(n);
    fftInPlace(re, im);
    const band = (fromHz: number, toHz: number) => {
      let sum = 0;
      for (let k = Math.ceil((fromHz * n) / 44_100); k < (toHz * n) / 44_100; k++) sum += re[k]! ** 2 + im[k]! ** 2;
      return sum;
    };
    expect(band(1100, 22_000)).toBeLessThan(1e-8 * band(20, 900));
  });

  it('never writes below 16 kHz or the model’s rate', async () => {
    const rendered = await renderTake(tiny.ctx, take('new', 1), 4n, () => {}, { songRate: 8000, clip: null });
    expect(rendered.sampleRate).toBe(OUT_RATE);
  });
});

describe('gap', () => {
  let gap: RenderFixture;
  /** The hole of the tiny gap model, and the crossfade, at 16 kHz. */
  const up = OUT_RATE / TINY_RATE;
  const [start, end] = [TINY_HOLE.start * up, TINY_HOLE.end * up];
  const fade = Math.round(CROSSFADE_SECONDS * OUT_RATE);
  const outsideSplice = (t: number, rate: number): boolean => {
    const [a, b] = [Math.floor((TINY_HOLE.start * rate) / TINY_RATE), Math.floor((TINY_HOLE.end * rate) / TINY_RATE)];
    const f = Math.round(CROSSFADE_SECONDS * rate);
    return t < a - f || t >= b + f;
  };
  /** Samples of `x` that differ from `y` outside the hole and its crossfades, at `rate`. */
  const changedOutside = (x: Float32Array, y: Float32Array, rate: number): number => {
    let changed = 0;
    for (let t = 0; t < y.length; t++) if (outsideSplice(t, rate) && !Object.is(x[t], y[t])) changed += 1;
    return changed;
  };

  beforeAll(async () => {
    gap = await openTinyRender(addon, { inpainting: true, level: LEVEL });
  }, 120_000);

  afterAll(async () => {
    await gap?.close();
  });

  it('without the original, keeps the model’s copy outside the hole and its crossfades, and fills the hole per seed', async () => {
    const a = await renderTake(gap.ctx, take('gap'), 1n);
    const b = await renderTake(gap.ctx, take('gap'), 2n);
    const again = await renderTake(gap.ctx, take('gap'), 1n);
    expect(bits(again.channels[0]!).equals(bits(a.channels[0]!))).toBe(true);
    const original = await resample(gap.clip, TINY_RATE, OUT_RATE);
    expect(a.channels[0]!).toHaveLength(original.length);
    expect(changedOutside(a.channels[0]!, original, OUT_RATE)).toBe(0);
    // Inside, two seeds fill differently, and neither is silent.
    const inside = (x: Float32Array) => x.subarray(start, end);
    expect(rms(inside(a.channels[0]!).map((v, i) => v - inside(b.channels[0]!)[i]!))).toBeGreaterThan(1e-3 * rms(inside(a.channels[0]!)));
    expect(rms(inside(a.channels[0]!))).toBeGreaterThan(0);
    // No loudness match: the take is the clip, at its own level.
    expect(a.loudnessLufs).toBe(integratedLoudness([a.channels[0]!], OUT_RATE));
    expect(a.render).toEqual({
      modelRate: TINY_RATE,
      channels: 1,
      fill: {
        holes: [{ start: start / OUT_RATE, end: end / OUT_RATE, fadeIn: fade / OUT_RATE, fadeOut: fade / OUT_RATE }],
        into: 'model copy',
        gainsDb: [expect.any(Number)],
      },
    });
  });

  it('fills at the clip’s own offset, and still leaves everything outside the hole bit for bit', async () => {
    const offset = 0.05;
    const shifted = { ...gap.ctx, source: { ...gap.ctx.source, signal: gap.clip.map((x) => x + offset) } };
    const a = await renderTake(shifted, take('gap'), 1n);
    const original = await resample(shifted.source.signal, TINY_RATE, OUT_RATE, 'best');
    expect(changedOutside(a.channels[0]!, original, OUT_RATE)).toBe(0);
    // The generator's fill has an offset of its own (about −0.001 here); the take's has the clip's.
    expect(Math.abs(mean(a.channels[0]!, start, end) - mean(original))).toBeLessThan(0.005);
  });

  /**
   * A stereo "original" at 44.1 kHz that the model's 2 kHz copy was made from: the clip
   * upsampled, plus a 9 kHz tone the model never heard, the right channel at half the level.
   */
  async function stereoOriginal(level: number): Promise<ClipAudio> {
    const rate = 44_100;
    const base = await resample(gap.clip, TINY_RATE, rate);
    const air = (t: number, c: number) => 0.002 * Math.sin(2 * Math.PI * 9000 * (t / rate) + c);
    const left = base.map((x, t) => level * x + air(t, 0));
    const right = base.map((x, t) => 0.5 * level * x + air(t, 1));
    return { channels: [left, right], sampleRate: rate, from: 'original' };
  }

  it('is the original clip at its own rate and channels, bit for bit outside the hole and its crossfades', async () => {
    const original = await stereoOriginal(1);
    const a = await renderTake(gap.ctx, take('gap'), 1n, () => {}, { songRate: 44_100, clip: original });
    expect(a.sampleRate).toBe(44_100);
    expect(a.channels).toHaveLength(2);
    for (let c = 0; c < 2; c++) {
      expect(a.channels[c]).toHaveLength(original.channels[c]!.length);
      expect(changedOutside(a.channels[c]!, original.channels[c]!, 44_100)).toBe(0);
    }
    // The splice is where the provenance says, in seconds.
    const hole = a.render.fill!.holes[0]!;
    expect(hole.start).toBeCloseTo(0.7, 4);
    expect(hole.end).toBeCloseTo(0.75, 4);
    expect(hole.fadeIn).toBeCloseTo(CROSSFADE_SECONDS, 4);
    expect(a.render).toMatchObject({ modelRate: TINY_RATE, channels: 2, fill: { into: 'original' } });
    // Every channel gets the fill at its own level: the right channel's is half the left's (−6 dB).
    const [gainLeft, gainRight] = a.render.fill!.gainsDb;
    expect(gainRight! - gainLeft!).toBeCloseTo(-6.02, 0);
    const holeAt = (x: Float32Array) => x.subarray(Math.ceil(hole.start * 44_100), Math.floor(hole.end * 44_100));
    expect(rms(holeAt(a.channels[1]!)) / rms(holeAt(a.channels[0]!))).toBeCloseTo(0.5, 1);
    expect(a.loudnessLufs).toBe(integratedLoudness(a.channels, 44_100));
    // A/B hears it against the clip it went into, measured the same way (not the model's mono copy).
    expect(a.sourceLoudnessLufs).toBe(integratedLoudness(original.channels, 44_100));
    expect(Math.abs(a.loudnessLufs! - a.sourceLoudnessLufs!)).toBeLessThan(1);
  });

  it('matches the fill to the level of the audio around the hole when the clip is louder than the model’s pipeline', async () => {
    const quiet = await renderTake(gap.ctx, take('gap'), 1n, () => {}, { songRate: 44_100, clip: await stereoOriginal(1) });
    const loud = await renderTake(gap.ctx, take('gap'), 1n, () => {}, { songRate: 44_100, clip: await stereoOriginal(2) });
    expect(loud.render.fill!.gainsDb[0]! - quiet.render.fill!.gainsDb[0]!).toBeCloseTo(6.02, 0);
    const hole = quiet.render.fill!.holes[0]!;
    const holeAt = (x: Float32Array) => x.subarray(Math.ceil(hole.start * 44_100), Math.floor(hole.end * 44_100));
    expect(rms(holeAt(loud.channels[0]!)) / rms(holeAt(quiet.channels[0]!))).toBeCloseTo(2, 1);
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
