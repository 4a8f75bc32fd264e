/**
 * The phrase models' native ops from TypeScript (src-main/addon/sequence-ops.ts over the real
 * addon): the LSTM against a plain float64 TypeScript LSTM written here (same gate order i, f, g,
 * o and parameter layout), every backward against central finite differences of TypeScript
 * references, a 2-layer LSTM language model trained with Adam on a repeating 7-token pattern
 * until it predicts the pattern (twice, identically), and one-line errors for bad shapes.
 * Needs `npm run build:native` first (scripts/run-native-tests.js does it).
 */
import { AppError } from '../../src-main/common/errors.js';
import {
  loadNativeAddon,
  NativeError,
  type LstmConfig,
  type SequenceOps,
} from '../../src-main/addon/binding.js';

/** Deterministic floats in [lo, hi) (a 32-bit LCG; fixed seed). */
function uniform(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (state / 2 ** 32);
  }
  return out;
}

const at = (a: ArrayLike<number>, i: number): number => a[i] ?? NaN;
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

interface LstmRefResult {
  y: Float64Array;
  hT: Float64Array;
  cT: Float64Array;
}

/** The reference LSTM in float64 (native/include/nn/lstm.h's equations, no dropout). */
function lstmRef(
  cfg: LstmConfig,
  params: ArrayLike<number>,
  x: ArrayLike<number>,
  h0: ArrayLike<number>,
  c0: ArrayLike<number>,
): LstmRefResult {
  const { T, B, X, H, layers } = cfg;
  let input: ArrayLike<number> = x;
  let inWidth = X;
  let offset = 0;
  const hT = new Float64Array(layers * B * H);
  const cT = new Float64Array(layers * B * H);
  let y = new Float64Array(T * B * H);
  for (let l = 0; l < layers; l++) {
    const wih = offset;
    const whh = wih + 4 * H * inWidth;
    const bias = whh + 4 * H * H;
    offset = bias + 4 * H;
    y = new Float64Array(T * B * H);
    const h = Float64Array.from({ length: B * H }, (_, i) => at(h0, l * B * H + i));
    const c = Float64Array.from({ length: B * H }, (_, i) => at(c0, l * B * H + i));
    for (let t = 0; t < T; t++) {
      const hPrev = h.slice();
      for (let b = 0; b < B; b++) {
        const a = new Float64Array(4 * H);
        for (let j = 0; j < 4 * H; j++) {
          let sum = at(params, bias + j);
          for (let k = 0; k < inWidth; k++) sum += at(params, wih + j * inWidth + k) * at(input, (t * B + b) * inWidth + k);
          for (let k = 0; k < H; k++) sum += at(params, whh + j * H + k) * at(hPrev, b * H + k);
          a[j] = sum;
        }
        for (let k = 0; k < H; k++) {
          const i = sigmoid(at(a, k));
          const f = sigmoid(at(a, H + k));
          const g = Math.tanh(at(a, 2 * H + k));
          const o = sigmoid(at(a, 3 * H + k));
          const cell = f * at(c, b * H + k) + i * g;
          c[b * H + k] = cell;
          h[b * H + k] = o * Math.tanh(cell);
          y[(t * B + b) * H + k] = o * Math.tanh(cell);
        }
      }
    }
    hT.set(h, l * B * H);
    cT.set(c, l * B * H);
    input = y;
    inWidth = H;
  }
  return { y, hT, cT };
}

/** Central differences of f at p (float64), step 1e-5 relative to 1. */
function numericGradient(p: Float64Array, f: () => number): Float64Array {
  const grad = new Float64Array(p.length);
  const step = 1e-5;
  for (let i = 0; i < p.length; i++) {
    const keep = at(p, i);
    p[i] = keep + step;
    const up = f();
    p[i] = keep - step;
    const down = f();
    p[i] = keep;
    grad[i] = (up - down) / (2 * step);
  }
  return grad;
}

/** Every element within 1e-2 relative (plus 1e-4 absolute for gradients near zero). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(at(actual, i) - at(expected, i));
    if (!(diff <= 1e-2 * Math.abs(at(expected, i)) + 1e-4)) {
      throw new Error(`${what}[${i}]: binding ${at(actual, i)}, finite differences ${at(expected, i)}`);
    }
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(at(a, i) - at(b, i)) || 0);
  return worst;
}

const dot = (a: ArrayLike<number>, w: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += at(a, i) * at(w, i);
  return sum;
};

let ops: SequenceOps;

beforeAll(() => {
  ops = loadNativeAddon().sequence;
});

describe('LSTM from TypeScript', () => {
  const cfg: LstmConfig = { T: 4, B: 2, X: 3, H: 4, layers: 2, dropout: 0, seed: 7 };
  const state = cfg.layers * cfg.B * cfg.H;

  it('sizes the parameters as the header lays them out', () => {
    const sizes = ops.lstmSizes(cfg);
    // layer 0: 4H (X + H + 1), layer 1: 4H (H + H + 1)
    expect(sizes.params).toBe(16 * 8 + 16 * 9);
    expect(sizes.layerOffsets).toEqual([0, 16 * 8]);
    expect(sizes.cache).toBeGreaterThan(0);
  });

  it('runs the forward as the float64 TypeScript LSTM does, within 1e-5', () => {
    const sizes = ops.lstmSizes(cfg);
    const params = uniform(sizes.params, 1, -0.6, 0.6);
    const x = uniform(cfg.T * cfg.B * cfg.X, 2);
    const h0 = uniform(state, 3, -0.5, 0.5);
    const c0 = uniform(state, 4, -0.5, 0.5);
    const y = new Float32Array(cfg.T * cfg.B * cfg.H);
    const hT = new Float32Array(state);
    const cT = new Float32Array(state);
    ops.lstmForward(cfg, { params, x, h0, c0, y, hT, cT, cache: new Float32Array(sizes.cache) });
    const ref = lstmRef(cfg, params, x, h0, c0);
    expect(maxAbsDiff(y, ref.y)).toBeLessThan(1e-5);
    expect(maxAbsDiff(hT, ref.hT)).toBeLessThan(1e-5);
    expect(maxAbsDiff(cT, ref.cT)).toBeLessThan(1e-5);
    // The last layer's final h is y's last step.
    expect(Array.from(hT.subarray(state / 2))).toEqual(Array.from(y.subarray(y.length - cfg.B * cfg.H)));
  });

  it('gives the gradients of central finite differences of the TypeScript LSTM', () => {
    const sizes = ops.lstmSizes(cfg);
    const params = uniform(sizes.params, 11, -0.6, 0.6);
    const x = uniform(cfg.T * cfg.B * cfg.X, 12);
    const h0 = uniform(state, 13, -0.5, 0.5);
    const c0 = uniform(state, 14, -0.5, 0.5);
    const wy = uniform(cfg.T * cfg.B * cfg.H, 15);
    const wh = uniform(state, 16);
    const wc = uniform(state, 17);
    const cache = new Float32Array(sizes.cache);
    ops.lstmForward(cfg, { params, x, h0, c0, y: new Float32Array(wy.length), cache });
    const dparams = new Float32Array(sizes.params);
    const dx = new Float32Array(x.length);
    const dh0 = new Float32Array(state);
    const dc0 = new Float32Array(state);
    ops.lstmBackward(cfg, { params, x, cache, dy: wy, dhT: wh, dcT: wc, dparams, dx, dh0, dc0 });

    const p64 = Float64Array.from(params);
    const x64 = Float64Array.from(x);
    const h64 = Float64Array.from(h0);
    const c64 = Float64Array.from(c0);
    const loss = (): number => {
      const r = lstmRef(cfg, p64, x64, h64, c64);
      return dot(r.y, wy) + dot(r.hT, wh) + dot(r.cT, wc);
    };
    expectClose(dparams, numericGradient(p64, loss), 'dparams');
    expectClose(dx, numericGradient(x64, loss), 'dx');
    expectClose(dh0, numericGradient(h64, loss), 'dh0');
    expectClose(dc0, numericGradient(c64, loss), 'dc0');
  });

  it('draws dropout masks from the seed: same seed, same outputs; another seed, others', () => {
    const dropped: LstmConfig = { ...cfg, dropout: 0.5 };
    const sizes = ops.lstmSizes(dropped);
    const params = uniform(sizes.params, 21, -0.6, 0.6);
    const x = uniform(cfg.T * cfg.B * cfg.X, 22);
    const run = (seed: number): Float32Array => {
      const y = new Float32Array(cfg.T * cfg.B * cfg.H);
      ops.lstmForward({ ...dropped, seed }, { params, x, y, cache: new Float32Array(sizes.cache) });
      return y;
    };
    expect(Array.from(run(5))).toEqual(Array.from(run(5)));
    expect(maxAbsDiff(run(5), run(6))).toBeGreaterThan(1e-3);
  });
});

describe('dense, embedding and the losses from TypeScript', () => {
  it('embedding → dense → cross-entropy (an ignored row) match finite differences', () => {
    const N = 5, V = 6, E = 4;
    const table = uniform(V * E, 31);
    const ids = Int32Array.from([2, 0, 5, 2, 3]);
    const targets = Int32Array.from([1, -100, 4, 0, 5]);
    const W = uniform(V * E, 32, -0.8, 0.8);
    const b = uniform(V, 33, -0.3, 0.3);
    const emb = new Float32Array(N * E);
    const logits = new Float32Array(N * V);
    const dlogits = new Float32Array(N * V);
    ops.embeddingForward({ N, V, E }, { table, ids, y: emb });
    ops.denseForward({ N, I: E, O: V }, { x: emb, W, b, y: logits });
    const { loss, kept } = ops.crossEntropy({ N, V }, { logits, targets, dlogits }, -100, 1);
    expect(kept).toBe(4);
    const demb = new Float32Array(N * E);
    const dW = new Float32Array(W.length);
    const db = new Float32Array(V);
    const dtable = new Float32Array(table.length);
    ops.denseBackward({ N, I: E, O: V }, { x: emb, W, dy: dlogits, dx: demb, dW, db });
    ops.embeddingBackward({ N, V, E }, { ids, dy: demb, dtable });

    const t64 = Float64Array.from(table);
    const w64 = Float64Array.from(W);
    const b64 = Float64Array.from(b);
    const ref = (): number => {
      let total = 0;
      for (let n = 0; n < N; n++) {
        const target = at(targets, n);
        if (target === -100) continue;
        const row = Array.from({ length: V }, (_, o) => {
          let sum = at(b64, o);
          for (let e = 0; e < E; e++) sum += at(w64, o * E + e) * at(t64, at(ids, n) * E + e);
          return sum;
        });
        const max = Math.max(...row);
        total += max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) - at(row, target);
      }
      return total / 4;
    };
    expect(Math.abs(loss - ref())).toBeLessThan(1e-5);
    expectClose(dtable, numericGradient(t64, ref), 'dtable');
    expectClose(dW, numericGradient(w64, ref), 'dW');
    expectClose(db, numericGradient(b64, ref), 'db');
  });

  it('KL and the reparameterisation match finite differences (eps fixed by the seed)', () => {
    const N = 3, Z = 4;
    const mu = uniform(N * Z, 41);
    const logvar = uniform(N * Z, 42, -1, 0.5);
    const eps = new Float32Array(N * Z);
    const zs = new Float32Array(N * Z);
    ops.reparamForward({ N, Z }, { mu, logvar, eps, z: zs }, 99n);
    const again = new Float32Array(N * Z);
    ops.reparamForward({ N, Z }, { mu, logvar, eps: new Float32Array(N * Z), z: again }, 99n);
    expect(Array.from(again)).toEqual(Array.from(zs));
    const w = uniform(N * Z, 43);
    const beta = 0.7;
    const dmu = new Float32Array(N * Z);
    const dlogvar = new Float32Array(N * Z);
    const klMu = new Float32Array(N * Z);
    const klLogvar = new Float32Array(N * Z);
    ops.reparamBackward({ N, Z }, { logvar, eps, dz: w, dmu, dlogvar });
    const kl = ops.klNormal({ N, Z }, { mu, logvar, dmu: klMu, dlogvar: klLogvar }, beta);
    for (let i = 0; i < N * Z; i++) {
      dmu[i] = at(dmu, i) + at(klMu, i);
      dlogvar[i] = at(dlogvar, i) + at(klLogvar, i);
    }
    const mu64 = Float64Array.from(mu);
    const lv64 = Float64Array.from(logvar);
    const klRef = (): number => {
      let sum = 0;
      for (let i = 0; i < N * Z; i++) sum += -0.5 * (1 + at(lv64, i) - at(mu64, i) ** 2 - Math.exp(at(lv64, i)));
      return sum / N;
    };
    const ref = (): number => {
      let sum = 0;
      for (let i = 0; i < N * Z; i++) sum += at(w, i) * (at(mu64, i) + Math.exp(0.5 * at(lv64, i)) * at(eps, i));
      return sum + beta * klRef();
    };
    expect(Math.abs(kl - klRef())).toBeLessThan(1e-5);
    expectClose(dmu, numericGradient(mu64, ref), 'dmu');
    expectClose(dlogvar, numericGradient(lv64, ref), 'dlogvar');
  });

  it('clips by the global norm over several arrays and reports a non-finite norm untouched', () => {
    const a = Float32Array.from([3, 0]);
    const b = Float32Array.from([4]);
    expect(ops.gradClipNorm([a, b], 1)).toBeCloseTo(5, 6);
    expect(at(a, 0)).toBeCloseTo(0.6, 6);
    expect(at(b, 0)).toBeCloseTo(0.8, 6);
    expect(ops.gradClipNorm([a, b], 10)).toBeCloseTo(1, 5);
    expect(at(a, 0)).toBeCloseTo(0.6, 6);
    const bad = Float32Array.from([1, Number.POSITIVE_INFINITY]);
    expect(ops.gradClipNorm([bad], 1)).toBe(Number.POSITIVE_INFINITY);
    expect(at(bad, 0)).toBe(1);
  });

  it("takes Adam's first step as torch does: lr times the gradient's sign", () => {
    const params = Float32Array.from([1, -2, 0.5]);
    const grads = Float32Array.from([0.3, -4, 0]);
    const m = new Float32Array(3);
    const v = new Float32Array(3);
    ops.adamStep({ params, grads, m, v }, { step: 1, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    expect(at(params, 0)).toBeCloseTo(0.9, 5);
    expect(at(params, 1)).toBeCloseTo(-1.9, 5);
    expect(at(params, 2)).toBe(0.5);
  });
});

/** The repeating pattern: a token's successor depends on the token before it too. */
const PATTERN = [0, 1, 0, 2, 3, 1, 2];
const IGNORE = -100;

/**
 * A 2-layer LSTM language model (embedding → LSTM → dense → cross-entropy) trained with Adam on
 * every phase of PATTERN, all parameters in one buffer (the ops get subarray views of it).
 */
function trainLanguageModel(seed: number, steps: number): { losses: number[]; greedy: (prompt: number[], count: number) => number[] } {
  const V = 7, E = 8, H = 24, T = 16, B = PATTERN.length, N = T * B;
  const train: LstmConfig = { T, B, X: E, H, layers: 2, dropout: 0.1, seed: 0 };
  const P = ops.lstmSizes(train).params;
  const sizes = [V * E, P, V * H, V];
  const theta = new Float32Array(sizes.reduce((s, n) => s + n, 0));
  const grad = new Float32Array(theta.length);
  const views = (buffer: Float32Array): Float32Array[] => {
    let offset = 0;
    return sizes.map((n) => buffer.subarray(offset, (offset += n)));
  };
  const [table, lstm, W, b] = views(theta) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [dtable, dlstm, dW, db] = views(grad) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const k = 1 / Math.sqrt(H);
  table.set(uniform(table.length, seed));
  lstm.set(uniform(lstm.length, seed + 1, -k, k));
  W.set(uniform(W.length, seed + 2, -k, k));
  b.fill(0);

  const ids = new Int32Array(N);
  const targets = new Int32Array(N);
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < B; s++) {
      ids[t * B + s] = at(PATTERN, (s + t) % B);
      // One token alone does not tell its successor (0 is followed by 1 and by 2): learn from t ≥ 1.
      targets[t * B + s] = t === 0 ? IGNORE : at(PATTERN, (s + t + 1) % B);
    }
  }
  const emb = new Float32Array(N * E);
  const hs = new Float32Array(N * H);
  const logits = new Float32Array(N * V);
  const dlogits = new Float32Array(N * V);
  const dhs = new Float32Array(N * H);
  const demb = new Float32Array(N * E);
  const cache = new Float32Array(ops.lstmSizes(train).cache);
  const m = new Float32Array(theta.length);
  const v = new Float32Array(theta.length);
  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const cfg = { ...train, seed: seed * 1000 + step };
    grad.fill(0);
    ops.embeddingForward({ N, V, E }, { table, ids, y: emb });
    ops.lstmForward(cfg, { params: lstm, x: emb, y: hs, cache });
    ops.denseForward({ N, I: H, O: V }, { x: hs, W, b, y: logits });
    losses.push(ops.crossEntropy({ N, V }, { logits, targets, dlogits }, IGNORE, 1).loss);
    ops.denseBackward({ N, I: H, O: V }, { x: hs, W, dy: dlogits, dx: dhs, dW, db });
    ops.lstmBackward(cfg, { params: lstm, x: emb, cache, dy: dhs, dparams: dlstm, dx: demb });
    ops.embeddingBackward({ N, V, E }, { ids, dy: demb, dtable });
    ops.gradClipNorm([grad], 1);
    ops.adamStep({ params: theta, grads: grad, m, v }, { step, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  }

  // Greedy continuation, no dropout: the whole prefix through the model for each new token.
  const greedy = (prompt: number[], count: number): number[] => {
    const tokens = [...prompt];
    while (tokens.length < prompt.length + count) {
      const n = tokens.length;
      const cfg: LstmConfig = { T: n, B: 1, X: E, H, layers: 2, dropout: 0, seed: 0 };
      const x = new Float32Array(n * E);
      ops.embeddingForward({ N: n, V, E }, { table, ids: Int32Array.from(tokens), y: x });
      const y = new Float32Array(n * H);
      ops.lstmForward(cfg, { params: lstm, x, y, cache: new Float32Array(ops.lstmSizes(cfg).cache) });
      const last = new Float32Array(V);
      ops.denseForward({ N: 1, I: H, O: V }, { x: y.subarray((n - 1) * H), W, b, y: last });
      tokens.push(last.indexOf(Math.max(...last)));
    }
    return tokens.slice(prompt.length);
  };
  return { losses, greedy };
}

describe('a 2-layer LSTM language model trained from TypeScript', () => {
  it('learns a repeating 7-token pattern, the same way twice', () => {
    const first = trainLanguageModel(3, 300);
    const second = trainLanguageModel(3, 300);
    expect(second.losses).toEqual(first.losses);
    expect(at(first.losses, 0)).toBeGreaterThan(1.5); // about ln 7 at the start
    expect(at(first.losses, first.losses.length - 1)).toBeLessThan(0.05);
    // From "3, 1" (pattern positions 4, 5) the pattern goes on 2, 0, 1, 0, 2, 3, 1, 2, 0, 1, 0, 2, 3, 1.
    const expected = Array.from({ length: 14 }, (_, i) => at(PATTERN, (6 + i) % 7));
    expect(first.greedy([3, 1], 14)).toEqual(expected);
  });
});

describe('attention, layer norm and GELU from TypeScript', () => {
  /** Multi-head attention in float64 (nn/transformer.h's equations): y (T, B, H·D). */
  const attentionRef = (T: number, B: number, H: number, D: number, causal: boolean, lengths: Int32Array, q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>): Float64Array => {
    const C = H * D;
    const y = new Float64Array(T * B * C);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        for (let t = 0; t < T; t++) {
          const keys = causal ? Math.min(at(lengths, b), t + 1) : at(lengths, b);
          const scores = Array.from({ length: keys }, (_, u) => {
            let s = 0;
            for (let j = 0; j < D; j++) s += at(q, (t * B + b) * C + h * D + j) * at(k, (u * B + b) * C + h * D + j);
            return s / Math.sqrt(D);
          });
          const top = Math.max(...scores);
          const weights = scores.map((s) => Math.exp(s - top));
          const sum = weights.reduce((a, w) => a + w, 0);
          for (let u = 0; u < keys; u++) {
            for (let j = 0; j < D; j++) y[(t * B + b) * C + h * D + j]! += (at(weights, u) / sum) * at(v, (u * B + b) * C + h * D + j);
          }
        }
      }
    }
    return y;
  };

  it.each([false, true])('attention (causal %s, a padded lane) matches a float64 TypeScript reference and its finite differences', (causal) => {
    const T = 4, B = 2, H = 2, D = 3, C = H * D, n = T * B * C;
    const lengths = Int32Array.from([4, 2]);
    const q = uniform(n, 51), k = uniform(n, 52), v = uniform(n, 53), w = uniform(n, 54);
    const y = new Float32Array(n);
    const att = new Float32Array(B * H * T * T);
    ops.attentionForward({ T, B, H, D, causal }, { q, k, v, lengths, y, att });
    expect(maxAbsDiff(y, attentionRef(T, B, H, D, causal, lengths, q, k, v))).toBeLessThan(1e-5);
    const dq = new Float32Array(n), dk = new Float32Array(n), dv = new Float32Array(n);
    ops.attentionBackward({ T, B, H, D, causal }, { q, k, v, att, dy: w, dq, dk, dv });
    const q64 = Float64Array.from(q), k64 = Float64Array.from(k), v64 = Float64Array.from(v);
    const loss = (): number => attentionRef(T, B, H, D, causal, lengths, q64, k64, v64).reduce((sum, value, i) => sum + value * at(w, i), 0);
    expectClose(dq, numericGradient(q64, loss), 'dq');
    expectClose(dk, numericGradient(k64, loss), 'dk');
    expectClose(dv, numericGradient(v64, loss), 'dv');
  });

  it('layer norm and GELU match their float64 references and finite differences', () => {
    const N = 3, C = 5;
    const x = uniform(N * C, 61, -2, 2), gamma = uniform(C, 62), beta = uniform(C, 63), w = uniform(N * C, 64);
    const x64 = Float64Array.from(x), g64 = Float64Array.from(gamma), b64 = Float64Array.from(beta);
    const normRef = (): Float64Array => {
      const y = new Float64Array(N * C);
      for (let r = 0; r < N; r++) {
        const row = Array.from({ length: C }, (_, c) => at(x64, r * C + c));
        const mean = row.reduce((a, value) => a + value, 0) / C;
        const rstd = 1 / Math.sqrt(row.reduce((a, value) => a + (value - mean) ** 2, 0) / C + 1e-5);
        for (let c = 0; c < C; c++) y[r * C + c] = (at(row, c) - mean) * rstd * at(g64, c) + at(b64, c);
      }
      return y;
    };
    const y = new Float32Array(N * C), mean = new Float32Array(N), rstd = new Float32Array(N);
    ops.layerNormForward({ N, C }, { x, gamma, beta, y, mean, rstd }, 1e-5);
    expect(maxAbsDiff(y, normRef())).toBeLessThan(1e-5);
    const dx = new Float32Array(N * C), dgamma = new Float32Array(C), dbeta = new Float32Array(C);
    ops.layerNormBackward({ N, C }, { x, gamma, mean, rstd, dy: w, dx, dgamma, dbeta });
    const normLoss = (): number => normRef().reduce((sum, value, i) => sum + value * at(w, i), 0);
    expectClose(dx, numericGradient(x64, normLoss), 'dx');
    expectClose(dgamma, numericGradient(g64, normLoss), 'dgamma');
    expectClose(dbeta, numericGradient(b64, normLoss), 'dbeta');

    const geluRef = (value: number): number => 0.5 * value * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (value + 0.044715 * value ** 3)));
    const g = new Float32Array(N * C), dg = new Float32Array(N * C);
    ops.geluForward({ x, y: g });
    expect(maxAbsDiff(g, Array.from(x, geluRef))).toBeLessThan(1e-6);
    ops.geluBackward({ x, dy: w, dx: dg });
    expectClose(dg, numericGradient(x64, () => Array.from(x64, geluRef).reduce((sum, value, i) => sum + value * at(w, i), 0)), 'gelu dx');
  });

  it('refuses a length outside [1, T] and a causal that is not a boolean, in one line', () => {
    const q = new Float32Array(2 * 1 * 2);
    const buffers = { q, k: q, v: q, lengths: Int32Array.from([3]), y: new Float32Array(4), att: new Float32Array(4) };
    expect(() => ops.attentionForward({ T: 2, B: 1, H: 1, D: 2, causal: false }, buffers)).toThrow(
      /^native attentionForward: attention_forward_cpu: lengths\[0\] = 3 is outside \[1, 2\]$/,
    );
    expect(() => ops.attentionForward({ T: 2, B: 1, H: 1, D: 2, causal: 1 as unknown as boolean }, { ...buffers, lengths: Int32Array.from([2]) })).toThrow(
      /^native attentionForward: causal must be a boolean, got a number$/,
    );
    expect(() => ops.layerNormForward({ N: 2, C: 2 }, { x: q, gamma: new Float32Array(2), beta: new Float32Array(2), y: new Float32Array(4), mean: new Float32Array(1), rstd: new Float32Array(2) }, 1e-5)).toThrow(
      /^native layerNormForward: mean has 1 elements, expected 2 for \(N\) = \(2\)$/,
    );
  });
});

describe('bad arguments', () => {
  const cfg: LstmConfig = { T: 2, B: 3, X: 4, H: 5, layers: 1, dropout: 0, seed: 0 };
  const failure = (run: () => unknown): NativeError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(NativeError);
      return error as NativeError;
    }
    throw new Error('expected the call to throw');
  };
  const expectOneLine = (error: AppError, pattern: RegExp): void => {
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(pattern);
  };

  it('names the argument, its shape and both lengths', () => {
    const sizes = ops.lstmSizes(cfg);
    const buffers = {
      params: new Float32Array(sizes.params),
      x: new Float32Array(23),
      y: new Float32Array(30),
      cache: new Float32Array(sizes.cache),
    };
    expectOneLine(
      failure(() => ops.lstmForward(cfg, buffers)),
      /^native lstmForward: x has 23 elements, expected 24 for \(T, B, X\) = \(2, 3, 4\)$/,
    );
    expectOneLine(
      failure(() => ops.lstmForward(cfg, { ...buffers, x: new Float32Array(24), cache: new Float32Array(10) })),
      /^native lstmForward: cache has 10 elements, expected \d+ for \(lstmSizes\(\)\.cache\)/,
    );
    const wrongKind = new Float64Array(sizes.params) as unknown as Float32Array;
    expectOneLine(
      failure(() => ops.lstmForward(cfg, { ...buffers, x: new Float32Array(24), params: wrongKind })),
      /^native lstmForward: params must be a Float32Array \(P\) = \(\d+\), got a Float64Array$/,
    );
    expectOneLine(
      failure(() =>
        ops.lstmBackward(cfg, {
          ...buffers,
          x: new Float32Array(24),
          dy: new Float32Array(30),
          dparams: new Float32Array(sizes.params),
          dh0: new Float32Array(14),
        }),
      ),
      /^native lstmBackward: dh0 has 14 elements, expected 15 for \(layers, B, H\) = \(1, 3, 5\)$/,
    );
  });

  it('refuses bad configurations and dimensions', () => {
    expectOneLine(failure(() => ops.lstmSizes({ ...cfg, dropout: 1 })), /config\.dropout must be a number in \[0, 1\), got 1$/);
    expectOneLine(failure(() => ops.lstmSizes({ ...cfg, T: 0 })), /^native lstmSizes: config\.T must be an integer in \[1, 16777216\], got 0$/);
    expectOneLine(failure(() => ops.lstmSizes({ ...cfg, H: 2.5 })), /config\.H must be an integer/);
    const x = new Float32Array(6);
    expectOneLine(
      failure(() => ops.denseForward({ N: 2, I: 3, O: 1.5 }, { x, W: new Float32Array(3), y: new Float32Array(2) })),
      /^native denseForward: O must be an integer in \[1, 268435456\], got 1\.5$/,
    );
    expectOneLine(
      failure(() => ops.crossEntropy({ N: 1, V: 2 }, { logits: new Float32Array(2), targets: new Int32Array(1) }, 2 ** 40, 1)),
      /^native crossEntropy: ignoreIndex must be an int32/,
    );
    expectOneLine(
      failure(() => ops.adamStep({ params: new Float32Array(3), grads: new Float32Array(3), m: new Float32Array(2), v: new Float32Array(3) }, { step: 1, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 })),
      /^native adamStep: m has 2 elements, expected 3 for \(P\) = \(3\)$/,
    );
  });

  it("passes the ops' own checks on: token ids, overlapping buffers", () => {
    expectOneLine(
      failure(() =>
        ops.embeddingForward({ N: 2, V: 7, E: 2 }, { table: new Float32Array(14), ids: Int32Array.from([1, 9]), y: new Float32Array(4) }),
      ),
      /^native embeddingForward: embedding_forward_cpu: ids\[1\] = 9 is outside \[0, 7\)$/,
    );
    const shared = new Float32Array(10);
    expectOneLine(
      failure(() => ops.denseForward({ N: 2, I: 3, O: 2 }, { x: shared.subarray(0, 6), W: new Float32Array(6), y: shared.subarray(4, 8) })),
      /y overlaps x/,
    );
    const g = new Float32Array(4);
    expectOneLine(failure(() => ops.gradClipNorm([g, g.subarray(2)], 1)), /^native gradClipNorm: grads\[1\] overlaps grads\[0\]$/);
  });
});
