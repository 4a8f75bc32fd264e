/**
 * The signal processing around the pyramid, on synthetic signals: the bandwidth-extension
 * stitch (the input's band kept, the generated one above) and the gap splice (outside
 * untouched, inside generated, Hann crossfades). The FFT and the level helpers they stand on
 * are tested under test/main/services/audio/.
 */
import { stitchBandwidth, stitchBands } from '../../../../../src-main/services/takes/render/band-stitch.js';
import { spliceHoles, spliceRegions } from '../../../../../src-main/services/takes/render/splice.js';
import { directDft, noise } from '../../audio/reference-dft.js';

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
    const regions = spliceRegions(holes, length, 150);
    expect(regions.map((r) => [r.fadeIn, r.fadeOut])).toEqual([
      [150, 150],
      [150, 150],
    ]);
    const out = spliceHoles(original, generated, holes, 150);
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
    const mid = 1000 - 75;
    expect(out[mid]!).toBeCloseTo(0.5 * original[mid]! + 0.5 * generated[mid]!, 1);
  });

  it('shortens crossfades at the signal ends and between close holes', () => {
    const regions = spliceRegions(
      [
        { start: 30, end: 430 },
        { start: 500, end: 900 },
      ],
      1000,
      200,
    );
    expect(regions.map((r) => [r.fadeIn, r.fadeOut])).toEqual([
      [30, 35],
      [35, 100],
    ]);
  });

  it('refuses holes outside the signal', () => {
    expect(() => spliceHoles(original, generated, [{ start: 4900, end: 5100 }], 10)).toThrow(/does not fit/);
  });
});
