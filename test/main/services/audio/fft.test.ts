/**
 * The complex FFT over the shared fft.js plans (fft.ts) against a direct DFT: both directions,
 * two real spectra from one transform, the Hermitian inverse, and sizes it refuses.
 */
import { fftInPlace, nextPowerOfTwo, realInverse, twoRealSpectra } from '../../../../src-main/services/audio/fft.js';
import { directDft, noise } from './reference-dft.js';

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
