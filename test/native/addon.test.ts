/**
 * The real native addon, loaded through its only loader (src-main/addon/binding.ts): build
 * information, device discovery (on a machine without a GPU: 0 devices and the reason), the
 * pre-emphasis op against a TypeScript computation, and coded errors for bad arguments.
 * Needs `npm run build:native` first (scripts/run-native-tests.js does it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from '../../src-main/common/errors.js';
import { appInfoSchema } from '../../src-main/common/ipc-contract.js';
import {
  loadNativeAddon,
  locateAddon,
  NATIVE_ADDON_ENV,
  NativeError,
  type NativeAddon,
} from '../../src-main/addon/binding.js';
import { describeCompute } from '../../src-main/addon/device.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as {
  version: string;
}).version;

/** Deterministic samples in [-1, 1) (a 32-bit LCG; fixed seed). */
function samples(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Pre-emphasis in float32 arithmetic, row by row over (B, C, T). */
function preemphasisTs(x: Float32Array, rows: number, length: number, coefficient: number): Float32Array {
  const a = Math.fround(coefficient);
  const y = new Float32Array(x.length);
  for (let row = 0; row < rows; row++) {
    const base = row * length;
    y[base] = x[base] ?? NaN;
    for (let t = 1; t < length; t++) {
      y[base + t] = Math.fround((x[base + t] ?? NaN) - Math.fround(a * (x[base + t - 1] ?? NaN)));
    }
  }
  return y;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? NaN) - (b[i] ?? NaN));
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}

describe('native addon', () => {
  let addon: NativeAddon;

  beforeAll(() => {
    addon = loadNativeAddon();
  });

  test('loads once from build/native/Release', () => {
    expect(addon.path).toBe(path.join(process.cwd(), 'build', 'native', 'Release', 'eureka_native.node'));
    expect(loadNativeAddon()).toBe(addon);
  });

  test('reports the package version and how it was built', () => {
    expect(addon.version()).toBe(PACKAGE_VERSION);
    const build = addon.buildInfo();
    expect(build.version).toBe(PACKAGE_VERSION);
    expect(build.simd).toMatch(/^(avx512f|avx2|avx|sse4\.2|sse2|neon|none)$/);
    if (build.cudaCompiled) expect(build.cudaVersion).toMatch(/^\d+\.\d+/);
    else expect(build.cudaVersion).toBeNull();
  });

  test('names its convolution kernels: bf16 exactly where the CPU has AVX512_BF16', () => {
    const kernels = addon.convKernels();
    expect(kernels.fp32).toMatch(/^(avx512f|avx2\+fma|generic-simd|scalar|blas\(.+\))$/);
    if (process.platform === 'linux' && process.arch === 'x64') {
      const flags = readFileSync('/proc/cpuinfo', 'utf8');
      expect(kernels.bf16).toBe(/\bavx512_bf16\b/.test(flags) ? 'avx512bf16' : null);
    } else {
      expect(kernels.bf16 === null || kernels.bf16 === 'avx512bf16').toBe(true);
    }
  });

  test('lists CUDA devices, or says why there are none', () => {
    const devices = addon.cudaDevices();
    expect(Number.isInteger(devices.count)).toBe(true);
    if (devices.count === 0) {
      expect(devices.reason).toEqual(expect.stringMatching(/\S/));
    } else {
      expect(devices.reason).toBeNull();
    }
  });

  test('describes the compute device in the app-info shape', () => {
    const compute = describeCompute(addon);
    const devices = addon.cudaDevices();
    expect(appInfoSchema.shape.compute.parse(compute)).toEqual(compute);
    expect(compute.addonVersion).toBe(PACKAGE_VERSION);
    expect(compute.cudaCompiled).toBe(addon.buildInfo().cudaCompiled);
    expect(compute.cudaDevices).toBe(devices.count);
    expect(compute.cpuReason === null).toBe(devices.count > 0 && compute.cudaCompiled);
  });

  test('pre-emphasis matches a TypeScript computation on (2, 3, 1001)', async () => {
    const [B, C, T] = [2, 3, 1001];
    const x = samples(B * C * T, 20240327);
    const before = x.slice();
    const y = await addon.preemphasis(x, B, C, T, 0.97);
    expect(Object.prototype.toString.call(y)).toBe('[object Float32Array]'); // any realm
    expect(y).not.toBe(x);
    expect(maxAbsDiff(y, preemphasisTs(x, B * C, T, 0.97))).toBeLessThan(1e-6);
    expect(x).toEqual(before); // the input is read, never written
    expect(y[T]).toBe(x[T]); // every row starts with its own first sample, not the previous row's
  });

  test('pre-emphasis reads a subarray at its byte offset', async () => {
    const backing = samples(64 + 10, 7);
    const x = backing.subarray(5, 69); // (1, 4, 16)
    const y = await addon.preemphasis(x, 1, 4, 16, -0.5);
    expect(maxAbsDiff(y, preemphasisTs(x, 4, 16, -0.5))).toBeLessThan(1e-6);
  });

  test('pre-emphasis calls run concurrently without mixing results', async () => {
    const inputs = [1, 2, 3, 4, 5, 6].map((seed) => samples(3 * 4097, seed));
    const outputs = await Promise.all(inputs.map((x) => addon.preemphasis(x, 1, 3, 4097, 0.97)));
    outputs.forEach((y, i) => {
      const x = inputs[i];
      if (!x) throw new Error('missing input');
      expect(maxAbsDiff(y, preemphasisTs(x, 3, 4097, 0.97))).toBeLessThan(1e-6);
    });
  });

  test.each([
    ['a sample count that does not match the shape', new Float32Array(5), 1, 2, 3, 0.97, /has 5 samples/],
    ['a zero dimension', new Float32Array(6), 0, 2, 3, 0.97, /batch must be a positive integer/],
    ['a fractional dimension', new Float32Array(6), 1, 2.5, 3, 0.97, /channels must be a positive integer/],
    ['a non-finite coefficient', new Float32Array(6), 1, 2, 3, NaN, /coefficient must be finite/],
    ['a Float64Array', new Float64Array(6) as unknown as Float32Array, 1, 2, 3, 0.97, /must be a Float32Array/],
  ])('pre-emphasis rejects %s with a coded error', async (_what, input, b, c, t, a, message) => {
    const failure = addon.preemphasis(input, b, c, t, a);
    await expect(failure).rejects.toBeInstanceOf(NativeError);
    await expect(failure).rejects.toMatchObject({ code: 'INVALID_INPUT', nativeCode: 'NN_INVALID_ARGUMENT' });
    await expect(failure).rejects.toThrow(message);
  });

  test('the raw addon throws TypeErrors with a code, synchronously', () => {
    const raw = createRequire(import.meta.url)(addon.path) as { preemphasis: (...args: unknown[]) => unknown };
    let thrown: unknown;
    try {
      raw.preemphasis(new Float32Array(3), 1, 1);
    } catch (error) {
      thrown = error;
    }
    // The addon's TypeError comes from the main realm, not jest's sandbox: compare by name.
    expect(thrown).toMatchObject({
      name: 'TypeError',
      code: 'NN_INVALID_ARGUMENT',
      message: expect.stringMatching(/expected 5 arguments/),
    });
  });

  describe(`${NATIVE_ADDON_ENV}`, () => {
    const saved = process.env[NATIVE_ADDON_ENV];
    afterEach(() => {
      if (saved === undefined) delete process.env[NATIVE_ADDON_ENV];
      else process.env[NATIVE_ADDON_ENV] = saved;
    });

    test('names the file to load', () => {
      process.env[NATIVE_ADDON_ENV] = addon.path;
      expect(locateAddon()).toBe(addon.path);
    });

    test('a missing file is an INTERNAL error naming it', () => {
      const missing = path.join(process.cwd(), 'build', 'no-such-dir', 'eureka_native.node');
      process.env[NATIVE_ADDON_ENV] = missing;
      expect(() => locateAddon()).toThrow(AppError);
      expect(() => locateAddon()).toThrow(`native addon not found at ${missing}`);
    });
  });
});
