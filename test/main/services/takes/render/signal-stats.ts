/**
 * Small measurements for the render tests: mean and RMS over a range, Pearson correlation, and
 * a direct DFT over the lowest bins (independent of the FFT under test).
 */

/** RMS of x[a, b). */
export function rms(x: Float32Array, a = 0, b = x.length): number {
  let sum = 0;
  for (let i = a; i < b; i++) sum += x[i]! ** 2;
  return Math.sqrt(sum / (b - a));
}

/** Mean of x[a, b). */
export function mean(x: Float32Array, a = 0, b = x.length): number {
  let sum = 0;
  for (let i = a; i < b; i++) sum += x[i]!;
  return sum / (b - a);
}

/** Pearson correlation of two equally long signals. */
export function correlation(x: Float32Array, y: Float32Array): number {
  const n = Math.min(x.length, y.length);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** DFT bins [from, to) of x (length n): (re, im), each (to − from). */
export function dftBins(x: Float32Array, from: number, to: number): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const cos = Float64Array.from({ length: n }, (_, j) => Math.cos((-2 * Math.PI * j) / n));
  const sin = Float64Array.from({ length: n }, (_, j) => Math.sin((-2 * Math.PI * j) / n));
  const re = new Float64Array(to - from);
  const im = new Float64Array(to - from);
  for (let k = from; k < to; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0, j = 0; t < n; t++, j = (j + k) % n) {
      sr += x[t]! * cos[j]!;
      si += x[t]! * sin[j]!;
    }
    re[k - from] = sr;
    im[k - from] = si;
  }
  return { re, im };
}

/** Σ |X_k|² over bins [from, to) of x. */
export function bandEnergy(x: Float32Array, from: number, to: number): number {
  const { re, im } = dftBins(x, from, to);
  let sum = 0;
  for (let k = 0; k < re.length; k++) sum += re[k]! ** 2 + im[k]! ** 2;
  return sum;
}
