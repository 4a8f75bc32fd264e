/**
 * The VAE-Transformer's blocks (transformer-vae.ts): the sinusoidal positions, one pre-LN block's
 * forward and backward, and a stack of blocks with its final layer norm, on the addon's ops.
 *
 *   block    h = x + drop(Wo · attention(Wq a, Wk a, Wv a)),  a = LN1(x)
 *            y = h + drop(W2 · GELU(W1 LN2(h) + b1) + b2)
 *
 * Shapes: x, h, y (N = T·B, C) time-major; attention (T, B, H·D) with D = C / H and its
 * probabilities (B, H, T, T); the feed-forward hidden layer (N, F). Buffers are the pool's, named
 * by the stack ("enc", "dec") and block, so a block's tape lives until the stack runs again.
 * Backward passes add into the parameter gradients and write the activation gradients.
 */
import type { SequenceOps } from '../../addon/binding.js';
import { fastRandom } from './lstm-lm.js';
import type { Block, BufferPool } from './vae.js';

/** What the blocks read of their model (transformer-vae.ts's TransformerVae is one): its ops and the block sizes. */
export interface BlockModel {
  ops: SequenceOps;
  config: { width: number; ffn: number; heads: number; dropout: number };
}

/** Offsets of one block's tensors inside the block, in floats (transformer-vae.ts's file comment gives their order). */
export interface BlockParts {
  ln1g: Block;
  ln1b: Block;
  wq: Block;
  bq: Block;
  wk: Block;
  bk: Block;
  wv: Block;
  bv: Block;
  wo: Block;
  bo: Block;
  ln2g: Block;
  ln2b: Block;
  w1: Block;
  b1: Block;
  w2: Block;
  b2: Block;
}

export type BlockViews = { [K in keyof BlockParts]: Float32Array };

/** Layer norm's epsilon (PyTorch's default). */
const LN_EPS = 1e-5;

/** x (T·B, C) += the sinusoidal position of each row's time (PE[t, 2i] = sin(t / 10000^(2i/C)), PE[t, 2i+1] = cos). */
export function addPositions(x: Float32Array, T: number, B: number, C: number): void {
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < C; i += 2) {
      const angle = t / 10000 ** (i / C);
      const sin = Math.sin(angle);
      const cos = Math.cos(angle);
      for (let b = 0; b < B; b++) {
        const row = (t * B + b) * C;
        x[row + i] = x[row + i]! + sin;
        if (i + 1 < C) x[row + i + 1] = x[row + i + 1]! + cos;
      }
    }
  }
}

/** What one block's forward leaves for its backward (views of pool buffers named by the block). */
interface BlockTape {
  x: Float32Array;
  a: Float32Array;
  mean1: Float32Array;
  rstd1: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  att: Float32Array;
  ctx: Float32Array;
  h: Float32Array;
  a2: Float32Array;
  mean2: Float32Array;
  rstd2: Float32Array;
  f1: Float32Array;
  g: Float32Array;
  /** (N, C) inverted dropout masks of the two branches (0 or 1/(1 − p)); null without dropout. */
  mask1: Float32Array | null;
  mask2: Float32Array | null;
}

/** A stack of blocks over (T, B, C): its attention masks and where each block's buffers are named. */
export interface StackRun {
  name: string;
  T: number;
  B: number;
  lengths: Int32Array;
  causal: boolean;
}

/** An inverted-dropout mask (N·C) from the seed, or null when p is 0 or not training. */
function dropoutMask(pool: BufferPool, name: string, n: number, p: number, seed: number | null): Float32Array | null {
  if (seed === null || p <= 0) return null;
  const mask = pool.f(name, n);
  const random = fastRandom(String(seed), name);
  const keep = 1 / (1 - p);
  for (let i = 0; i < n; i++) mask[i] = random() < p ? 0 : keep;
  return mask;
}

/** x (N, C) through one block: its output written into `out`, its tape returned. */
function blockForward(vae: BlockModel, pool: BufferPool, run: StackRun, l: number, w: BlockViews, x: Float32Array, out: Float32Array, dropoutSeed: number | null): BlockTape {
  const { ops, config } = vae;
  const { width: C, ffn: F, heads: H } = config;
  const { T, B } = run;
  const N = T * B;
  const f = (part: string, n: number): Float32Array => pool.f(`${run.name}${l}.${part}`, n);
  const a = f('a', N * C);
  const mean1 = f('mean1', N);
  const rstd1 = f('rstd1', N);
  ops.layerNormForward({ N, C }, { x, gamma: w.ln1g, beta: w.ln1b, y: a, mean: mean1, rstd: rstd1 }, LN_EPS);
  const q = f('q', N * C);
  const k = f('k', N * C);
  const v = f('v', N * C);
  ops.denseForward({ N, I: C, O: C }, { x: a, W: w.wq, b: w.bq, y: q });
  ops.denseForward({ N, I: C, O: C }, { x: a, W: w.wk, b: w.bk, y: k });
  ops.denseForward({ N, I: C, O: C }, { x: a, W: w.wv, b: w.bv, y: v });
  const shape = { T, B, H, D: C / H, causal: run.causal };
  const att = f('att', B * H * T * T);
  const ctx = f('ctx', N * C);
  ops.attentionForward(shape, { q, k, v, lengths: run.lengths, y: ctx, att });
  const branch = f('branch', N * C);
  ops.denseForward({ N, I: C, O: C }, { x: ctx, W: w.wo, b: w.bo, y: branch });
  const mask1 = dropoutMask(pool, `${run.name}${l}.mask1`, N * C, config.dropout, dropoutSeed === null ? null : dropoutSeed + 2 * l);
  const h = f('h', N * C);
  for (let i = 0; i < N * C; i++) h[i] = x[i]! + (mask1 ? branch[i]! * mask1[i]! : branch[i]!);
  const a2 = f('a2', N * C);
  const mean2 = f('mean2', N);
  const rstd2 = f('rstd2', N);
  ops.layerNormForward({ N, C }, { x: h, gamma: w.ln2g, beta: w.ln2b, y: a2, mean: mean2, rstd: rstd2 }, LN_EPS);
  const f1 = f('f1', N * F);
  const g = f('g', N * F);
  ops.denseForward({ N, I: C, O: F }, { x: a2, W: w.w1, b: w.b1, y: f1 });
  ops.geluForward({ x: f1, y: g });
  ops.denseForward({ N, I: F, O: C }, { x: g, W: w.w2, b: w.b2, y: branch });
  const mask2 = dropoutMask(pool, `${run.name}${l}.mask2`, N * C, config.dropout, dropoutSeed === null ? null : dropoutSeed + 2 * l + 1);
  for (let i = 0; i < N * C; i++) out[i] = h[i]! + (mask2 ? branch[i]! * mask2[i]! : branch[i]!);
  return { x, a, mean1, rstd1, q, k, v, att, ctx, h, a2, mean2, rstd2, f1, g, mask1, mask2 };
}

/** One block's backward from dout (N, C): dx (N, C) written, the block's gradients added into gw. */
function blockBackward(vae: BlockModel, pool: BufferPool, run: StackRun, l: number, w: BlockViews, gw: BlockViews, tape: BlockTape, dout: Float32Array, dx: Float32Array): void {
  const { ops, config } = vae;
  const { width: C, ffn: F, heads: H } = config;
  const { T, B } = run;
  const N = T * B;
  const f = (part: string, n: number): Float32Array => pool.f(`${run.name}.grad.${part}`, n);
  // The feed-forward branch: dout reaches h by the residual and through the branch.
  const dbranch = f('dbranch', N * C);
  for (let i = 0; i < N * C; i++) dbranch[i] = tape.mask2 ? dout[i]! * tape.mask2[i]! : dout[i]!;
  const dg = f('dg', N * F);
  ops.denseBackward({ N, I: F, O: C }, { x: tape.g, W: w.w2, dy: dbranch, dx: dg, dW: gw.w2, db: gw.b2 });
  const df1 = f('df1', N * F);
  ops.geluBackward({ x: tape.f1, dy: dg, dx: df1 });
  const da2 = f('da2', N * C);
  ops.denseBackward({ N, I: C, O: F }, { x: tape.a2, W: w.w1, dy: df1, dx: da2, dW: gw.w1, db: gw.b1 });
  const dh = f('dh', N * C);
  ops.layerNormBackward({ N, C }, { x: tape.h, gamma: w.ln2g, mean: tape.mean2, rstd: tape.rstd2, dy: da2, dx: dh, dgamma: gw.ln2g, dbeta: gw.ln2b });
  for (let i = 0; i < N * C; i++) dh[i] = dh[i]! + dout[i]!;
  // The attention branch.
  for (let i = 0; i < N * C; i++) dbranch[i] = tape.mask1 ? dh[i]! * tape.mask1[i]! : dh[i]!;
  const dctx = f('dctx', N * C);
  ops.denseBackward({ N, I: C, O: C }, { x: tape.ctx, W: w.wo, dy: dbranch, dx: dctx, dW: gw.wo, db: gw.bo });
  const dq = f('dq', N * C);
  const dk = f('dk', N * C);
  const dv = f('dv', N * C);
  ops.attentionBackward({ T, B, H, D: C / H, causal: run.causal }, { q: tape.q, k: tape.k, v: tape.v, att: tape.att, dy: dctx, dq, dk, dv });
  const da = f('da', N * C);
  const dpart = f('dpart', N * C);
  ops.denseBackward({ N, I: C, O: C }, { x: tape.a, W: w.wq, dy: dq, dx: da, dW: gw.wq, db: gw.bq });
  ops.denseBackward({ N, I: C, O: C }, { x: tape.a, W: w.wk, dy: dk, dx: dpart, dW: gw.wk, db: gw.bk });
  for (let i = 0; i < N * C; i++) da[i] = da[i]! + dpart[i]!;
  ops.denseBackward({ N, I: C, O: C }, { x: tape.a, W: w.wv, dy: dv, dx: dpart, dW: gw.wv, db: gw.bv });
  for (let i = 0; i < N * C; i++) da[i] = da[i]! + dpart[i]!;
  ops.layerNormBackward({ N, C }, { x: tape.x, gamma: w.ln1g, mean: tape.mean1, rstd: tape.rstd1, dy: da, dx, dgamma: gw.ln1g, dbeta: gw.ln1b });
  for (let i = 0; i < N * C; i++) dx[i] = dx[i]! + dh[i]!;
}

/** What a stack's forward leaves: each block's tape, and the final layer norm's input and stats. */
export interface StackTape {
  run: StackRun;
  blocks: BlockTape[];
  /** (N, C) the last block's output, the final layer norm's input. */
  top: Float32Array;
  mean: Float32Array;
  rstd: Float32Array;
  /** (N, C) after the final layer norm. */
  y: Float32Array;
}

/** x0 (N, C) through the blocks and the final layer norm. */
export function stackForward(vae: BlockModel, pool: BufferPool, run: StackRun, blocks: BlockViews[], lnG: Float32Array, lnB: Float32Array, x0: Float32Array, dropoutSeed: number | null): StackTape {
  const C = vae.config.width;
  const N = run.T * run.B;
  const tapes: BlockTape[] = [];
  let x = x0;
  blocks.forEach((w, l) => {
    const out = pool.f(`${run.name}${l}.out`, N * C);
    tapes.push(blockForward(vae, pool, run, l, w, x, out, dropoutSeed === null ? null : dropoutSeed + 1000 * l));
    x = out;
  });
  const mean = pool.f(`${run.name}.lnMean`, N);
  const rstd = pool.f(`${run.name}.lnRstd`, N);
  const y = pool.f(`${run.name}.lnY`, N * C);
  vae.ops.layerNormForward({ N, C }, { x, gamma: lnG, beta: lnB, y, mean, rstd }, LN_EPS);
  return { run, blocks: tapes, top: x, mean, rstd, y };
}

/** The stack's backward from dy (N, C) after its final layer norm: dx0 (N, C) returned (a pool buffer). */
export function stackBackward(vae: BlockModel, pool: BufferPool, tape: StackTape, blocks: BlockViews[], gradBlocks: BlockViews[], lnG: Float32Array, dlnG: Float32Array, dlnB: Float32Array, dy: Float32Array): Float32Array {
  const C = vae.config.width;
  const { run } = tape;
  const N = run.T * run.B;
  let d = pool.f(`${run.name}.grad.top`, N * C);
  vae.ops.layerNormBackward({ N, C }, { x: tape.top, gamma: lnG, mean: tape.mean, rstd: tape.rstd, dy, dx: d, dgamma: dlnG, dbeta: dlnB });
  for (let l = blocks.length - 1; l >= 0; l--) {
    const dx = pool.f(`${run.name}.grad.x${l % 2}`, N * C);
    blockBackward(vae, pool, run, l, blocks[l]!, gradBlocks[l]!, tape.blocks[l]!, d, dx);
    d = dx;
  }
  return d;
}

