/**
 * The signal processing around the pyramid, on synthetic signals: the radix-2 FFT against a
 * direct DFT, the bandwidth-extension stitch (the input's band kept, the generated one above),
 * the gap splice (outside untouched, inside generated, Hann crossfades), edge fades, and the
 * loudness match with its peak guard.
 */
import { integratedLoudness } from '../../../../../src-main/services/audio/loudness.js';
import { stitchBandwidth, stitchBands } from '../../../../../src-main/services/generation/render/band-stitch.js';
import { fftInPlace, nextPowerOfTwo, realInverse, twoRealSpectra } from '../../../../../src-main/services/generation/render/fft.js';
import { applyEdgeFades, matchLoudness, peakOf } from '../../../../../src-main/services/generation/render/level.js';
import { spliceHoles, spliceRegions } from '../../../../../src-main/services/generation/render/splice.js';
import { mulberry32, pinkNoise } from '../../../../fixtures/audio-fixtures.js';

/** Direct DFT of a real signal, bins 0 … count−1: (re, im). Slow and obviously right. */
function directDft(x: ArrayLike<number>, count = x.length): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(count);
  const im = new Float64Array(count);
  const cos = Float64Array.from({ length: n }, (_, j) => Math.cos((-2 * Math.PI * j) / n));
  const sin = Float64Array.from({ length: n }, (_, j) => Math.sin((-2 * Math.PI * j) / n));
  for (let k = 0; k < count; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const j = (k * t) % n;
      sr += x[t]! * cos[j]!;
      si += x[t]! * sin[j]!;
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

function noise(length: number, seed: number, amplitude = 0.5): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length }, () => amplitude * (2 * random() - 1));
}

describe('fft', () => {
  it('matches a direct DFT and inverts itself', () => {
    for (const n of [1, 2, 8, 64, 256]) {
      const x = noise(n, n);
      const y = noise(n, n + 1);
      const re = Float64Array.from(x);
      const im = Float64Array.from(y);
      fftInPlace(re, im);
      const dx = directDft(x);
      const dy = directDft(y);
      for (let k = 0; k < n; k++) {
        // FFT(x + iy) = X + iY
        expect(re[k]!).toBeCloseTo(dx.re[k]! - dy.im[k]!, 9);
        expect(im[k]!).toBeCloseTo(dx.im[k]! + dy.re[k]!, 9);
      }
      fftInPlace(re, im, true);
      for (let t = 0; t < n; t++) {
        expect(re[t]!).toBeCloseTo(x[t]!, 12);
        expect(im[t]!).toBeCloseTo(y[t]!, 12);
      }
    }
  });

  it('separates two real spectra from one transform and rebuilds a real signal from one side', () => {
    const a = noise(100, 3);
    const b = noise(90, 4);
    const n = nextPowerOfTwo(100);
    expect(n).toBe(128);
    const spectra = twoRealSpectra(a, b, n);
    const padA = new Float64Array(n);
    padA.set(a);
    const padB = new Float64Array(n);
    padB.set(b);
    const da = directDft(padA, n / 2 + 1);
    const db = directDft(padB, n / 2 + 1);
    for (let k = 0; k <= n / 2; k++) {
      expect(spectra.aRe[k]!).toBeCloseTo(da.re[k]!, 9);
      expect(spectra.aIm[k]!).toBeCloseTo(da.im[k]!, 9);
      expect(spectra.bRe[k]!).toBeCloseTo(db.re[k]!, 9);
      expect(spectra.bIm[k]!).toBeCloseTo(db.im[k]!, 9);
    }
    const back = realInverse(spectra.aRe, spectra.aIm, n);
    for (let t = 0; t < n; t++) expect(back[t]!).toBeCloseTo(padA[t]!, 12);
  });

  it('refuses lengths that are not powers of two', () => {
    expect(() => fftInPlace(new Float64Array(12), new Float64Array(12))).toThrow(/powers of two/);
  });
});

describe('stitchBandwidth', () => {
  const lowRate = 4000;
  const highRate = 16000;
  const factor = 4;

  /** The band-limited input: tones at 300 and 1500 Hz plus a little noise, at 4 kHz. */
  function input(length: number): Float32Array {
    const extra = noise(length, 9, 0.05);
    return Float32Array.from({ length }, (_, t) => 0.5 * Math.sin((2 * Math.PI * 300 * t) / lowRate) + 0.3 * Math.sin((2 * Math.PI * 1500 * t) / lowRate) + extra[t]!);
  }

  it('keeps the input below the crossfade and the generated signal above its Nyquist (power-of-two length: exact)', () => {
    const low = input(512);
    const generated = noise(512 * factor, 11);
    const out = stitchBandwidth(low, lowRate, generated, highRate);
    expect(out).toHaveLength(2048);
    const stuffed = new Float32Array(2048);
    low.forEach((x, i) => (stuffed[i * factor] = x));
    const bins = 2048 / 2 + 1;
    const O = directDft(out, bins);
    const L = directDft(stuffed, bins);
    const G = directDft(generated, bins);
    const { stitchBin, fadeBins } = stitchBands(2048, lowRate, highRate);
    expect(stitchBin).toBe(256); // 2 kHz at 16 kHz / 2048
    expect(fadeBins).toBe(50); // 2·int(2048 / 16000 · 200): ≈ 400 Hz
    let scale = 0;
    for (let k = 0; k < bins; k++) scale = Math.max(scale, Math.hypot(factor * L.re[k]!, factor * L.im[k]!), Math.hypot(G.re[k]!, G.im[k]!));
    for (let k = 0; k < bins; k++) {
      const [er, ei] = k < stitchBin - fadeBins ? [factor * L.re[k]!, factor * L.im[k]!] : k >= stitchBin ? [G.re[k]!, G.im[k]!] : [NaN, NaN];
      if (Number.isNaN(er)) continue;
      expect(Math.hypot(O.re[k]! - er, O.im[k]! - ei!) / scale).toBeLessThan(1e-5);
    }
  });

  it('keeps the input band to within a small error when the length is padded to a power of two', () => {
    const low = input(500);
    const generated = noise(2000, 12);
    const out = stitchBandwidth(low, lowRate, generated, highRate);
    expect(out).toHaveLength(2000);
    const stuffed = new Float32Array(2000);
    low.forEach((x, i) => (stuffed[i * factor] = x));
    // Compare at the signal's own length, below 2 kHz − 400 Hz − a margin for the padding's smear.
    const top = Math.floor(((2000 - 400 - 100) / highRate) * 2000);
    const O = directDft(out, top);
    const L = directDft(stuffed, top);
    let error = 0;
    let energy = 0;
    for (let k = 0; k < top; k++) {
      error += (O.re[k]! - factor * L.re[k]!) ** 2 + (O.im[k]! - factor * L.im[k]!) ** 2;
      energy += (factor * L.re[k]!) ** 2 + (factor * L.im[k]!) ** 2;
    }
    expect(Math.sqrt(error / energy)).toBeLessThan(0.01);
  });

  it('narrows the crossfade to a quarter of a low input band', () => {
    const { stitchBin, fadeBins } = stitchBands(4096, 1000, 2000);
    expect(stitchBin).toBe(1024); // 500 Hz
    expect(fadeBins).toBe(256); // 125 Hz instead of 400 Hz
  });

  it('refuses rates that are not an integer ratio or lengths that do not match', () => {
    expect(() => stitchBandwidth(new Float32Array(10), 3000, new Float32Array(40), 16000)).toThrow(/do not match/);
    expect(() => stitchBandwidth(new Float32Array(10), 4000, new Float32Array(41), 16000)).toThrow(/do not match/);
  });
});

describe('spliceHoles', () => {
  const length = 5000;
  const original = Float32Array.from({ length }, (_, t) => Math.sin(t / 7));
  const generated = noise(length, 5, 0.8);

  it('copies the original outside holes and crossfades, the generated audio inside, and fades between', () => {
    const holes = [
      { start: 1000, end: 1400 },
      { start: 3000, end: 3100 },
    ];
    const regions = spliceRegions(holes, length);
    expect(regions.map((r) => [r.fadeIn, r.fadeOut])).toEqual([
      [200, 200],
      [50, 50],
    ]);
    const out = spliceHoles(original, generated, holes);
    const inFade = (t: number) => regions.some((r) => t >= r.start - r.fadeIn && t < r.end + r.fadeOut);
    const inHole = (t: number) => holes.some((h) => t >= h.start && t < h.end);
    for (let t = 0; t < length; t++) {
      if (inHole(t)) expect(out[t]).toBe(generated[t]);
      else if (!inFade(t)) expect(out[t]).toBe(original[t]);
      else {
        // A convex mix of the two.
        const lo = Math.min(original[t]!, generated[t]!) - 1e-6;
        const hi = Math.max(original[t]!, generated[t]!) + 1e-6;
        expect(out[t]!).toBeGreaterThanOrEqual(lo);
        expect(out[t]!).toBeLessThanOrEqual(hi);
      }
    }
    // Halfway through the fade-in the two weigh the same.
    const mid = 1000 - 100;
    expect(out[mid]!).toBeCloseTo(0.5 * original[mid]! + 0.5 * generated[mid]!, 1);
  });

  it('shortens crossfades at the signal ends and between close holes', () => {
    const regions = spliceRegions(
      [
        { start: 30, end: 430 },
        { start: 500, end: 900 },
      ],
      1000,
    );
    expect(regions.map((r) => [r.fadeIn, r.fadeOut])).toEqual([
      [30, 35],
      [35, 100],
    ]);
  });

  it('refuses holes outside the signal', () => {
    expect(() => spliceHoles(original, generated, [{ start: 4900, end: 5100 }])).toThrow(/does not fit/);
  });
});

describe('level', () => {
  it('fades the ends with a raised cosine and leaves the middle alone', () => {
    const x = new Float32Array(1000).fill(1);
    applyEdgeFades(x, 16000, 0.005); // 80 samples
    expect(x[0]).toBe(0);
    expect(x[999]).toBe(0);
    expect(x[40]).toBeCloseTo(0.5, 6);
    expect(x[959]).toBeCloseTo(0.5, 6);
    expect(x[80]).toBe(1);
    expect(x[919]).toBe(1);
    for (let i = 1; i < 80; i++) expect(x[i]!).toBeGreaterThan(x[i - 1]!);
  });

  it('matches the loudness of a target', () => {
    const x = pinkNoise(5, 16000, 0.05)[0]!;
    const leveled = matchLoudness(x, 16000, -20);
    expect(leveled.peakLimited).toBe(false);
    expect(Math.abs(leveled.loudnessLufs! + 20)).toBeLessThan(0.01);
    expect(integratedLoudness([leveled.samples], 16000)).toBe(leveled.loudnessLufs);
  });

  it('lowers the gain to keep the sample peak at or below -1 dBFS and reports the loudness reached', () => {
    const x = pinkNoise(5, 16000, 0.05)[0]!;
    const leveled = matchLoudness(x, 16000, -2);
    expect(leveled.peakLimited).toBe(true);
    expect(peakOf(leveled.samples)).toBeLessThanOrEqual(10 ** (-1 / 20));
    expect(peakOf(leveled.samples)).toBeGreaterThan(10 ** (-1 / 20) - 1e-6);
    expect(leveled.loudnessLufs!).toBeLessThan(-2.5);
  });

  it('keeps the level when there is no target', () => {
    const x = pinkNoise(5, 16000, 0.05)[0]!;
    const leveled = matchLoudness(x, 16000, null);
    expect(leveled.gain).toBe(1);
    expect(leveled.samples).toEqual(x);
  });
});
