/**
 * The between-scale Keys cubic upsampling (ResizeRight, docs/caw-spec.md §2) as ONNX nodes: the same
 * definition as native upsample_cubic_forward_cpu (native/include/nn/resample.h), with the grid
 * and the weights in DOUBLE — in float32 the grid position j/scale loses its fraction at
 * ~1e6 samples and taps shift. Integer index arithmetic is int64 (Mod with fmod=0 is Python's
 * modulo, the sign of the divisor, which the mirror needs). For prev (1, 1, M) and a target
 * length N:
 *   T_full = ceil(scale * M)                      (double, as native)
 *   x_j    = j / scale + (M - 1) / 2 - (T_full - 1) / (2 scale),  j = 0 .. N-1
 *   taps   = l_j + 0..3, l_j = ceil(x_j - 2 - 2^-23); m = mirror(tap) into [0, M), period 2M
 *   w      = keys(x_j - m), a = -0.5, divided by their sum (a zero sum counts as 1)
 *   up_j   = sum w * prev[m]  for j < T_full, 0 past it (crop or zero-pad to N)
 * Rounded to float32 once, at the end, as native does.
 */
import { APP_VERSION } from '../../../version.js';
import { DType, GraphBuilder } from './graph-builder.js';

/** ResizeRight's epsilon: float32's machine epsilon, in double. */
const GRID_EPS = 2 ** -23;

/**
 * Adds the upsampling of `prev` (float32 (1, 1, M), M >= 1) by `scale` (a double, f_k / f_{k-1})
 * to `length` (int64 (1): N). Returns the name of the float32 (1, 1, N) result.
 */
export function addCubicUpsample(b: GraphBuilder, prev: string, length: string, scale: number): string {
  const i64 = (v: number | number[]) => b.int64s('i', v);
  const f64 = (v: number) => b.doubles('d', v);
  const cast = (x: string, to: number) => b.op('Cast', [x], { to: { int: to } });

  // sizes: M and N as int64 (1) and double (1)
  const M = b.op('Shape', [prev], { start: { int: 2 } }); // (1)
  const Md = cast(M, DType.DOUBLE);
  const fullD = b.op('Ceil', [b.op('Mul', [f64(scale), Md])]); // (1) T_full
  const full = cast(fullD, DType.INT64);
  const N = b.op('Squeeze', [length]); // ()
  const j = b.op('Range', [i64(0), N, i64(1)]); // (N) int64
  const jd = cast(j, DType.DOUBLE);

  // grid, in native's order of operations: ((j / s) + (M - 1) / 2) - (T_full - 1) / (2 s)
  const half = b.op('Div', [b.op('Sub', [Md, f64(1)]), f64(2)]);
  const shift = b.op('Div', [b.op('Sub', [fullD, f64(1)]), f64(2 * scale)]);
  const grid = b.op('Sub', [b.op('Add', [b.op('Div', [jd, f64(scale)]), half]), shift]); // (N)
  const left = cast(b.op('Ceil', [b.op('Sub', [b.op('Sub', [grid, f64(2)]), f64(GRID_EPS)])]), DType.INT64);

  // taps (N, 4), mirrored into [0, M): [0 .. M-1, M-1 .. 0] repeating
  const taps = b.op('Add', [b.op('Unsqueeze', [left, i64([1])]), i64([0, 1, 2, 3])]);
  const period = b.op('Mul', [M, i64(2)]);
  const wrapped = b.op('Mod', [taps, period], { fmod: { int: 0 } });
  const reflected = b.op('Sub', [b.op('Sub', [period, i64(1)]), wrapped]);
  const index = b.op('Where', [b.op('Less', [wrapped, M]), wrapped, reflected]); // (N, 4)

  // Keys weights of the distances to the mirrored taps, normalised per output
  const t = b.op('Abs', [b.op('Sub', [b.op('Unsqueeze', [grid, i64([1])]), cast(index, DType.DOUBLE)])]);
  const t2 = b.op('Mul', [t, t]);
  const t3 = b.op('Mul', [t2, t]);
  const near = b.op('Add', [b.op('Sub', [b.op('Mul', [f64(1.5), t3]), b.op('Mul', [f64(2.5), t2])]), f64(1)]);
  const far = b.op('Add', [
    b.op('Sub', [b.op('Add', [b.op('Mul', [f64(-0.5), t3]), b.op('Mul', [f64(2.5), t2])]), b.op('Mul', [f64(4), t])]),
    f64(2),
  ]);
  const outer = b.op('Where', [b.op('LessOrEqual', [t, f64(2)]), far, f64(0)]);
  const weight = b.op('Where', [b.op('LessOrEqual', [t, f64(1)]), near, outer]); // (N, 4)
  const sum = b.op('ReduceSum', [weight, i64([1])], { keepdims: { int: 1 } }); // (N, 1)
  const safeSum = b.op('Where', [b.op('Equal', [sum, f64(0)]), f64(1), sum]);
  const normalised = b.op('Div', [weight, safeSum]);

  // gather, weigh and sum in double; zero past T_full; back to float32 (1, 1, N)
  const flat = b.op('Reshape', [prev, i64([-1])]); // (M)
  const values = cast(b.op('Gather', [flat, index], { axis: { int: 0 } }), DType.DOUBLE); // (N, 4)
  const summed = b.op('ReduceSum', [b.op('Mul', [normalised, values]), i64([1])], { keepdims: { int: 0 } }); // (N)
  const inside = b.op('Less', [j, full]);
  const cropped = b.op('Where', [inside, summed, f64(0)]);
  return b.op('Unsqueeze', [cast(cropped, DType.FLOAT), i64([0, 1])]);
}

/**
 * A model holding only the upsampling, for checking it against the native one: inputs `x`
 * float32 (1, 1, M) and `length` int64 (1) = N, output `y` float32 (1, 1, N).
 */
export function buildUpsampleModel(scale: number): Uint8Array {
  const b = new GraphBuilder('cubic_upsample');
  const x = b.input('x', DType.FLOAT, [1, 1, 'M']);
  const length = b.input('length', DType.INT64, [1]);
  const up = addCubicUpsample(b, x, length, scale);
  b.op('Identity', [up], {}, 'y');
  b.output('y', DType.FLOAT, [1, 1, 'N']);
  return b.build({ producerVersion: APP_VERSION, metadata: { scale: String(scale) } });
}
