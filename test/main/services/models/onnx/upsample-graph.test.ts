/**
 * The exported between-scale upsampling (upsample-graph.ts, run by onnxruntime on the CPU)
 * against the native one (addon.upsampleCubic = upsample_cubic_forward_cpu) on odd sizes: the
 * scale ratios the pyramids use, inputs from 1 to 1000 samples, outputs cropped below and
 * zero-padded above ceil(scale · M). Also a long input, where a float32 grid would shift taps.
 */
import * as ort from 'onnxruntime-node';
import { loadNativeAddon, type NativeAddon } from '../../../../../src-main/addon/binding.js';
import { buildUpsampleModel } from '../../../../../src-main/services/models/onnx/upsample-graph.js';

const SCALES = [2, 1.25, 4 / 3, 1.6, 3.2];
const SIZES = [1, 2, 3, 7, 31, 1000];

/** A deterministic, non-smooth test signal (never all zeros). */
function signal(M: number): Float32Array {
  return Float32Array.from({ length: M }, (_, i) => Math.sin(0.7 * i + 0.3) + 0.05 * i - 0.2 * ((i * 7919) % 13));
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (b[i] as number) ** 2;
  }
  return Math.sqrt(num / den);
}

async function runUpsample(session: ort.InferenceSession, x: Float32Array, N: number): Promise<Float32Array> {
  const result = await session.run({
    x: new ort.Tensor('float32', x, [1, 1, x.length]),
    length: new ort.Tensor('int64', BigInt64Array.from([BigInt(N)]), [1]),
  });
  const y = result.y as ort.Tensor;
  expect(y.dims).toEqual([1, 1, N]);
  return y.data as Float32Array;
}

describe('ONNX cubic upsampling equals the native one', () => {
  let addon: NativeAddon;
  beforeAll(() => {
    addon = loadNativeAddon();
  });

  test.each(SCALES)('scale %d: every size, cropped, exact and padded', async (scale) => {
    const session = await ort.InferenceSession.create(buildUpsampleModel(scale));
    try {
      for (const M of SIZES) {
        const x = signal(M);
        const full = Math.ceil(scale * M);
        // cropped (T_out < ceil(scale·M)) where there is room, exact, and zero-padded at the end
        for (const N of [...new Set([Math.max(1, full - 3), full, full + 5])]) {
          const native = addon.upsampleCubic(x, scale, N);
          const onnx = await runUpsample(session, x, N);
          expect(onnx.length).toBe(N);
          expect(relativeError(onnx, native)).toBeLessThanOrEqual(1e-6);
          if (N > full) expect(Array.from(onnx.subarray(full))).toEqual(new Array(N - full).fill(0));
        }
      }
    } finally {
      await session.release();
    }
  });

  test('a 600 000-sample input (1.6×): taps stay where native puts them', async () => {
    const scale = 1.6;
    const M = 600_000;
    const x = signal(M);
    const N = Math.ceil(scale * M);
    const session = await ort.InferenceSession.create(buildUpsampleModel(scale));
    const onnx = await runUpsample(session, x, N);
    await session.release();
    expect(relativeError(onnx, addon.upsampleCubic(x, scale, N))).toBeLessThanOrEqual(1e-6);
  });
});
