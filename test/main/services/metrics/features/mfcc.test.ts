/**
 * MFCCs: the orthonormal DCT, silence at the floor, identical audio giving identical
 * coefficients, and a level change moving c0 alone by exactly the dB change × √bands.
 */
import { dctMatrix, mfcc } from '../../../../../src-main/services/metrics/features/mfcc.js';
import { POWER_FLOOR_DB } from '../../../../../src-main/services/metrics/features/mel.js';
import { pinkNoise, silence, whiteNoise } from '../../../../fixtures/audio-fixtures.js';

const rate = 16000;

describe('dctMatrix', () => {
  it('is orthonormal when square', () => {
    const n = 16;
    const d = dctMatrix(n, n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += d[a * n + i]! * d[b * n + i]!;
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 10);
      }
    }
  });
});

describe('mfcc', () => {
  it('keeps the first 13 of 40 coefficients per frame', () => {
    const m = mfcc(whiteNoise(1, rate)[0]!, rate);
    expect(m.coefficients).toBe(13);
    expect(m.frames).toBe(32);
    expect(m.data.length).toBe(32 * 13);
  });

  it('puts silence at the floor: c0 = −100 dB · √128, every other coefficient 0', () => {
    const m = mfcc(silence(1, rate)[0]!, rate);
    for (let t = 0; t < m.frames; t++) {
      expect(m.data[t * 13]).toBeCloseTo(POWER_FLOOR_DB * Math.sqrt(128), 2);
      for (let k = 1; k < 13; k++) expect(Math.abs(m.data[t * 13 + k]!)).toBeLessThan(1e-3);
    }
  });

  it('gives identical audio identical coefficients, and different audio different ones', () => {
    const x = pinkNoise(2, rate, 0.5, 1, 11)[0]!;
    expect(mfcc(x.slice(), rate).data).toEqual(mfcc(x, rate).data);
    expect(mfcc(pinkNoise(2, rate, 0.5, 1, 12)[0]!, rate).data).not.toEqual(mfcc(x, rate).data);
  });

  it('moves only c0 when the level changes: halving the amplitude shifts it by 20·log10(½)·√128', () => {
    const x = pinkNoise(2, rate, 0.5, 1, 3)[0]!;
    const loud = mfcc(x, rate);
    const quiet = mfcc(x.map((v) => v / 2), rate);
    const shift = 20 * Math.log10(0.5) * Math.sqrt(128);
    for (let t = 0; t < loud.frames; t++) {
      expect(quiet.data[t * 13]! - loud.data[t * 13]!).toBeCloseTo(shift, 1);
      for (let k = 1; k < 13; k++) expect(quiet.data[t * 13 + k]).toBeCloseTo(loud.data[t * 13 + k]!, 1);
    }
  });
});
