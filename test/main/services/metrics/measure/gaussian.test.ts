/**
 * The Gaussian distances against closed forms: Jacobi eigen-decomposition reconstructs its
 * matrix with orthonormal vectors; the Fréchet distance of diagonal Gaussians is
 * ‖Δμ‖² + Σ(σa − σb)²; the symmetric KL of 1-D Gaussians matches its formula; identical
 * Gaussians are 0 apart; fitting recovers a known mean and covariance.
 */
import {
  fitGaussian,
  frechetDistance,
  symmetricEigen,
  symmetricFunction,
  symmetricKl,
  type Gaussian,
} from '../../../../../src-main/services/metrics/measure/gaussian.js';
import { mulberry32 } from '../../../../fixtures/audio-fixtures.js';

/** A random symmetric positive-definite (k, k): B·Bᵀ + I. */
function randomSpd(k: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const b = Float64Array.from({ length: k * k }, () => 2 * random() - 1);
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let sum = i === j ? 1 : 0;
      for (let e = 0; e < k; e++) sum += b[i * k + e]! * b[j * k + e]!;
      out[i * k + j] = sum;
    }
  }
  return out;
}

function diagonal(mean: number[], variances: number[]): Gaussian {
  const k = mean.length;
  const covariance = new Array<number>(k * k).fill(0);
  variances.forEach((v, i) => (covariance[i * k + i] = v));
  return { dimension: k, mean, covariance };
}

describe('symmetricEigen', () => {
  it('reconstructs a 13×13 SPD matrix from orthonormal eigenvectors', () => {
    const k = 13;
    const a = randomSpd(k, 3);
    const { values, vectors } = symmetricEigen(a, k);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let rebuilt = 0;
        let gram = 0;
        for (let e = 0; e < k; e++) {
          rebuilt += vectors[i * k + e]! * values[e]! * vectors[j * k + e]!;
          gram += vectors[e * k + i]! * vectors[e * k + j]!;
        }
        expect(rebuilt).toBeCloseTo(a[i * k + j]!, 10);
        expect(gram).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('finds the eigenvalues of [[2, 1], [1, 2]]: 1 and 3', () => {
    const values = Array.from(symmetricEigen([2, 1, 1, 2], 2).values).sort();
    expect(values[0]).toBeCloseTo(1, 12);
    expect(values[1]).toBeCloseTo(3, 12);
  });

  it('gives a square root whose square is the matrix', () => {
    const k = 13;
    const a = randomSpd(k, 5);
    const root = symmetricFunction(a, k, Math.sqrt);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let square = 0;
        for (let e = 0; e < k; e++) square += root[i * k + e]! * root[e * k + j]!;
        expect(square).toBeCloseTo(a[i * k + j]!, 9);
      }
    }
  });
});

describe('frechetDistance', () => {
  it('is ‖Δμ‖² + Σ(σa − σb)² for diagonal covariances', () => {
    const a = diagonal([1, 2, 3], [4, 9, 1]);
    const b = diagonal([0, 2, 5], [1, 16, 1]);
    // means: 1 + 0 + 4; std devs (2,3,1) vs (1,4,1): 1 + 1 + 0.
    expect(frechetDistance(a, b)).toBeCloseTo(7, 10);
    expect(frechetDistance(b, a)).toBeCloseTo(7, 10);
  });

  it('is 0 for a Gaussian and itself, and positive once the covariance is rotated', () => {
    const k = 13;
    const g: Gaussian = { dimension: k, mean: Array.from({ length: k }, (_, i) => i), covariance: Array.from(randomSpd(k, 9)) };
    expect(frechetDistance(g, g)).toBe(0);
    const other: Gaussian = { ...g, covariance: Array.from(randomSpd(k, 10)) };
    expect(frechetDistance(g, other)).toBeGreaterThan(0.1);
  });
});

describe('symmetricKl', () => {
  it('matches the 1-D formula (variances include the 1e-2 ridge)', () => {
    const a = diagonal([0], [1 - 1e-2]);
    const b = diagonal([2], [4 - 1e-2]);
    // ½(KL(a‖b) + KL(b‖a)) = ¼[va/vb + vb/va + Δμ²(1/va + 1/vb) − 2] with va = 1, vb = 4.
    const expected = 0.25 * (1 / 4 + 4 + 4 * (1 + 1 / 4) - 2);
    expect(symmetricKl(a, b)).toBeCloseTo(expected, 10);
    expect(symmetricKl(b, a)).toBeCloseTo(expected, 10);
  });

  it('is 0 for identical Gaussians and finite for a constant signal against a moving one', () => {
    const g = diagonal([1, 2], [3, 5]);
    expect(symmetricKl(g, g)).toBe(0);
    const constant = diagonal([1, 2], [0, 0]);
    const value = symmetricKl(constant, g);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThan(10);
  });
});

describe('fitGaussian', () => {
  it('recovers the mean and covariance of frames drawn from known columns', () => {
    // Frames (4, 2): x = [1, 2, 3, 4], y = 2x → mean (2.5, 5), var x 1.25, cov 2.5, var y 5.
    const frames = Float32Array.from([1, 2, 2, 4, 3, 6, 4, 8]);
    const g = fitGaussian(frames, 4, 2);
    expect(g.mean).toEqual([2.5, 5]);
    expect(g.covariance).toEqual([1.25, 2.5, 2.5, 5]);
  });
});
