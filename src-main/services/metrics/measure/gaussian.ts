/**
 * Gaussians fitted to feature frames, and the two distances the metrics measure between them (docs/metrics.md §4):
 * the KL divergence and the Fréchet distance (FAD's formula, here on MFCCs).
 *
 * Why our own eigen-solver instead of a matrix library (ml-matrix): everything here is a
 * symmetric positive semi-definite matrix of size 13 (the kept MFCCs). One cyclic Jacobi
 * routine gives eigenvalues and eigenvectors of such a matrix to machine precision in a few
 * sweeps, and from it the inverse and the square root; that is ~60 lines we can test against
 * known matrices, against a dependency that brings hundreds of routines we would not use.
 *
 * Matrices are row-major Float64Array (k, k).
 */

/** A Gaussian over k-dimensional frames: mean (k) and covariance (k, k), row-major. */
export interface Gaussian {
  dimension: number;
  mean: number[];
  covariance: number[];
}

/**
 * Added to the covariance diagonal before inverting. In MFCC units (dB): a 0.1 dB standard
 * deviation is far below anything audible, yet keeps the KL of a constant signal (silence)
 * finite instead of infinite.
 */
const COVARIANCE_RIDGE = 1e-2;

/** Mean and (population) covariance of `frames` rows of `data` (frames, k). */
export function fitGaussian(data: Float32Array, frames: number, k: number): Gaussian {
  const mean = new Float64Array(k);
  for (let t = 0; t < frames; t++) for (let i = 0; i < k; i++) mean[i]! += data[t * k + i]!;
  for (let i = 0; i < k; i++) mean[i] = frames > 0 ? mean[i]! / frames : 0;
  const covariance = new Float64Array(k * k);
  const centred = new Float64Array(k);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < k; i++) centred[i] = data[t * k + i]! - mean[i]!;
    for (let i = 0; i < k; i++) {
      const ci = centred[i]!;
      for (let j = i; j < k; j++) covariance[i * k + j]! += ci * centred[j]!;
    }
  }
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const value = frames > 0 ? covariance[i * k + j]! / frames : 0;
      covariance[i * k + j] = value;
      covariance[j * k + i] = value;
    }
  }
  return { dimension: k, mean: Array.from(mean), covariance: Array.from(covariance) };
}

/** Eigen-decomposition of a symmetric matrix: values (k), vectors as columns of (k, k). */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/**
 * Cyclic Jacobi rotations until the off-diagonal part vanishes (relative 1e-15). Each rotation
 * zeroes one off-diagonal pair; a sweep visits all pairs; a 13×13 matrix converges in < 10.
 */
export function symmetricEigen(matrix: ArrayLike<number>, k: number): SymmetricEigen {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  let scale = 0;
  for (let i = 0; i < k * k; i++) scale += a[i]! * a[i]!;
  const tolerance = 1e-30 * Math.max(scale, 1e-300);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += a[p * k + q]! * a[p * k + q]!;
    if (off <= tolerance) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q]!;
        if (apq === 0) continue;
        // The rotation angle θ with tan 2θ = 2·apq / (aqq − app), via the stable small root t.
        const theta = (a[q * k + q]! - a[p * k + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          // A ← A·J (columns p, q)
          const arp = a[r * k + p]!;
          const arq = a[r * k + q]!;
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          // A ← Jᵀ·A (rows p, q)
          const apr = a[p * k + r]!;
          const aqr = a[q * k + r]!;
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p]!;
          const vrq = v[r * k + q]!;
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = a[i * k + i]!;
  return { values, vectors: v };
}

/** V·diag(f(λ))·Vᵀ: a function of a symmetric matrix through its eigen-decomposition. */
export function symmetricFunction(matrix: ArrayLike<number>, k: number, f: (lambda: number) => number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, k);
  const mapped = values.map(f);
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let sum = 0;
      for (let e = 0; e < k; e++) sum += vectors[i * k + e]! * mapped[e]! * vectors[j * k + e]!;
      out[i * k + j] = sum;
      out[j * k + i] = sum;
    }
  }
  return out;
}

/** (k, k) · (k, k). */
function multiply(a: ArrayLike<number>, b: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let e = 0; e < k; e++) {
      const aie = a[i * k + e]!;
      for (let j = 0; j < k; j++) out[i * k + j]! += aie * b[e * k + j]!;
    }
  }
  return out;
}

function withRidge(covariance: ArrayLike<number>, k: number): Float64Array {
  const out = Float64Array.from(covariance);
  for (let i = 0; i < k; i++) out[i * k + i]! += COVARIANCE_RIDGE;
  return out;
}

function trace(matrix: ArrayLike<number>, k: number): number {
  let sum = 0;
  for (let i = 0; i < k; i++) sum += matrix[i * k + i]!;
  return sum;
}

/**
 * Symmetric KL divergence, nats: ½·(KL(a‖b) + KL(b‖a)). Symmetric because neither side is the
 * "true" distribution when two takes are compared, and so compare(a, b) = compare(b, a); the
 * log-determinants cancel, leaving
 *   ¼·[tr(Σb⁻¹Σa) + tr(Σa⁻¹Σb) + Δμᵀ(Σa⁻¹ + Σb⁻¹)Δμ − 2k].
 * 0 for identical Gaussians (clamped: rounding leaves ±1e-14).
 */
export function symmetricKl(a: Gaussian, b: Gaussian): number {
  const k = a.dimension;
  const covA = withRidge(a.covariance, k);
  const covB = withRidge(b.covariance, k);
  const invA = symmetricFunction(covA, k, (l) => 1 / Math.max(l, COVARIANCE_RIDGE));
  const invB = symmetricFunction(covB, k, (l) => 1 / Math.max(l, COVARIANCE_RIDGE));
  const traces = trace(multiply(invB, covA, k), k) + trace(multiply(invA, covB, k), k);
  let mahalanobis = 0;
  for (let i = 0; i < k; i++) {
    const di = a.mean[i]! - b.mean[i]!;
    for (let j = 0; j < k; j++) {
      mahalanobis += di * (invA[i * k + j]! + invB[i * k + j]!) * (a.mean[j]! - b.mean[j]!);
    }
  }
  const divergence = 0.25 * (traces + mahalanobis - 2 * k);
  // Each trace is k plus rounding for equal covariances: below that level it is 0.
  return divergence <= 1e-9 * k ? 0 : divergence;
}

/**
 * Fréchet distance ‖μa − μb‖² + tr(Σa + Σb − 2(ΣaΣb)^½). tr (ΣaΣb)^½ is computed as
 * tr (Σa^½ Σb Σa^½)^½, the same value from a symmetric PSD matrix (so Jacobi applies and no
 * complex square root can appear). Clamped at 0 against rounding.
 */
export function frechetDistance(a: Gaussian, b: Gaussian): number {
  const k = a.dimension;
  let meanTerm = 0;
  for (let i = 0; i < k; i++) meanTerm += (a.mean[i]! - b.mean[i]!) ** 2;
  const rootA = symmetricFunction(a.covariance, k, (l) => Math.sqrt(Math.max(l, 0)));
  const middle = multiply(multiply(rootA, b.covariance, k), rootA, k);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const mean = (middle[i * k + j]! + middle[j * k + i]!) / 2;
      middle[i * k + j] = mean;
      middle[j * k + i] = mean;
    }
  }
  const { values } = symmetricEigen(middle, k);
  let traceRoot = 0;
  for (const l of values) traceRoot += Math.sqrt(Math.max(l, 0));
  const distance = meanTerm + trace(a.covariance, k) + trace(b.covariance, k) - 2 * traceRoot;
  // Rounding of a sum of terms of size tr Σ: anything below that relative level is 0.
  const roundingFloor = 1e-9 * (trace(a.covariance, k) + trace(b.covariance, k));
  return distance <= roundingFloor ? 0 : distance;
}
