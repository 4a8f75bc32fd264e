/**
 * The only loader of the native compute core (`eureka_native.node`, built from native/ by
 * `npm run build:native`) and its typed facade. Everything else imports {@link NativeAddon}
 * from here, so the shape of the addon is checked in one place: each return value is parsed with
 * zod, and native failures become {@link NativeError}s (an AppError with the addon's own code).
 *
 * Where the addon is looked for, first hit wins:
 * 1. `EUREKA_NATIVE_ADDON` (a path to a .node file), and nowhere else when it is set;
 * 2. under Electron, `build/native-electron/Release/eureka_native.node` (`npm run app:rebuild`);
 * 3. `build/native/Release/eureka_native.node` (the Node build used by the CLI and tests).
 * Paths 2 and 3 are relative to the package root, found by walking up from this module, because
 * the same code runs from the TypeScript sources (jest), tsc's out/node/src-main/addon/ (CLI) and
 * electron-vite's out/main/index.js bundle (app). Inside an asar archive the `.asar.unpacked`
 * twin is used, since a shared library cannot be loaded from an archive.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { AppError, firstLine, type ErrorCode } from '../common/errors.js';
import { packageRoot } from '../node/package-root.js';

/** Environment variable naming an addon file to load instead of the built one. */
export const NATIVE_ADDON_ENV = 'EUREKA_NATIVE_ADDON';

/** The addon's file name inside a cmake-js output folder's Release/ directory. */
const ADDON_FILE = 'eureka_native.node';

/** What nn_core was compiled with (`nn_build_info` in native/include/nn/nn.h). */
export const nativeBuildInfoSchema = z.object({
  /** nn_core's version: package.json's "version" when the addon was built. */
  version: z.string().min(1),
  /** The CUDA kernels are in this build. */
  cudaCompiled: z.boolean(),
  /** nvcc's version ("13.0.88") when cudaCompiled, else null. */
  cudaVersion: z.string().min(1).nullable(),
  /** Widest CPU vector ISA the C++ compiler targeted: "avx2", "sse2", "neon", "none", … */
  simd: z.string().min(1),
});
export type NativeBuildInfo = z.infer<typeof nativeBuildInfoSchema>;

/** CUDA devices this process can use; `reason` says why there are none (null when count > 0). */
export const cudaDevicesSchema = z
  .object({
    count: z.number().int().nonnegative(),
    reason: z.string().min(1).nullable(),
  })
  .refine((d) => (d.count === 0) === (d.reason !== null), {
    message: 'reason must be given exactly when count is 0',
  });
export type CudaDevices = z.infer<typeof cudaDevicesSchema>;

/** The `code` a native failure carries: `nn_status` names (native/include/nn/nn.h). */
export const NATIVE_ERROR_CODES = [
  'NN_INVALID_ARGUMENT',
  'NN_OUT_OF_MEMORY',
  'NN_CUDA_ERROR',
  'NN_UNSUPPORTED',
  'NN_INTERNAL',
] as const;
export type NativeErrorCode = (typeof NATIVE_ERROR_CODES)[number];

/**
 * A failure reported by the native core. `code` is the application's code (INVALID_INPUT for a
 * bad argument, INTERNAL for everything else: memory, CUDA, a bug); `nativeCode` keeps the
 * addon's finer reason so callers can, for instance, fall back to the CPU on NN_CUDA_ERROR.
 */
export class NativeError extends AppError {
  readonly nativeCode: NativeErrorCode;

  constructor(nativeCode: NativeErrorCode, message: string) {
    super(appCodeFor(nativeCode), message);
    this.name = 'NativeError';
    this.nativeCode = nativeCode;
  }
}

/**
 * The native compute core, typed. Methods are the addon's, with their arguments and results
 * documented here; long work returns a Promise and runs off the JS thread.
 */
export interface NativeAddon {
  /** The .node file this facade wraps (absolute). */
  readonly path: string;
  /** nn_core's version: package.json's "version" when the addon was built ("0.1.0"). */
  version(): string;
  /** How the addon was built: CUDA compiled in (and by which nvcc), CPU vector ISA. */
  buildInfo(): NativeBuildInfo;
  /**
   * Usable CUDA devices, asked of the driver on each call. Never throws for a missing driver or
   * GPU: that is `{ count: 0, reason }`.
   */
  cudaDevices(): CudaDevices;
  /**
   * The model's pre-emphasis filter on the CPU reference: `y[0] = x[0]`,
   * `y[t] = x[t] − coefficient·x[t−1]` along time, for every (batch, channel) row.
   * `input` is (B, C, T) = (batch, channels, length), channels-first and contiguous, and must
   * hold exactly batch·channels·length samples; it is read in place (no copy), so do not transfer
   * or detach its buffer until the Promise settles. Resolves to a new Float32Array (B, C, T).
   * Rejects with a NativeError (INVALID_INPUT / NN_INVALID_ARGUMENT) on bad arguments.
   */
  preemphasis(
    input: Float32Array,
    batch: number,
    channels: number,
    length: number,
    coefficient: number,
  ): Promise<Float32Array>;
}

let loaded: NativeAddon | undefined;

/**
 * Loads the addon once per process (a shared library cannot be unloaded) and returns its facade.
 * Throws AppError('INTERNAL', 'native addon not built: run npm run build:native …') when no file
 * exists, and an INTERNAL error naming the file when it exists but does not load or does not
 * have the expected exports.
 */
export function loadNativeAddon(): NativeAddon {
  if (loaded) return loaded;
  const file = locateAddon();
  const require = createRequire(import.meta.url);
  let raw: unknown;
  try {
    raw = require(file);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new AppError('INTERNAL', `native addon ${file} failed to load: ${firstLine(text)}`);
  }
  const parsed = rawAddonSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('INTERNAL', `native addon ${file} lacks the expected functions (rebuild it)`);
  }
  loaded = createFacade(file, parsed.data);
  return loaded;
}

/**
 * The addon file to load: the override when set, else the first candidate that exists.
 * Exported for diagnostics (`eureka info` can print it).
 */
export function locateAddon(): string {
  const override = process.env[NATIVE_ADDON_ENV];
  if (override !== undefined && override !== '') {
    const file = path.resolve(override);
    if (!existsSync(file)) {
      throw new AppError('INTERNAL', `native addon not found at ${file} (set by ${NATIVE_ADDON_ENV})`);
    }
    return file;
  }
  const root = packageRoot();
  const folders = process.versions.electron !== undefined ? ['native-electron', 'native'] : ['native'];
  const candidates = folders.map((folder) =>
    unpacked(path.join(root, 'build', folder, 'Release', ADDON_FILE)),
  );
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) {
    throw new AppError(
      'INTERNAL',
      `native addon not built: run npm run build:native (looked for ${candidates.join(', ')})`,
    );
  }
  return found;
}

// ---- internals

const nativeFunction = z.custom<(...args: unknown[]) => unknown>((value) => typeof value === 'function');

/** The addon's exports as loaded: only the functions, unchecked until called. */
const rawAddonSchema = z.object({
  version: nativeFunction,
  buildInfo: nativeFunction,
  cudaDevices: nativeFunction,
  preemphasis: nativeFunction,
});
type RawAddon = z.infer<typeof rawAddonSchema>;

/**
 * A Float32Array from any realm: the addon creates arrays in the main context, which is not the
 * test sandbox's (jest runs tests in a vm context), so `instanceof` would be wrong there.
 */
const float32ArraySchema = z.custom<Float32Array>(
  (value) => Object.prototype.toString.call(value) === '[object Float32Array]',
  { message: 'expected a Float32Array' },
);

/** The `code` and `message` of an error thrown by the addon, when it is one. */
const nativeFailureSchema = z.object({ code: z.enum(NATIVE_ERROR_CODES), message: z.string() });


function createFacade(file: string, raw: RawAddon): NativeAddon {
  return {
    path: file,
    version: () => parseResult('version', z.string().min(1), callNative('version', () => raw.version())),
    buildInfo: () =>
      parseResult('buildInfo', nativeBuildInfoSchema, callNative('buildInfo', () => raw.buildInfo())),
    cudaDevices: () =>
      parseResult('cudaDevices', cudaDevicesSchema, callNative('cudaDevices', () => raw.cudaDevices())),
    async preemphasis(input, batch, channels, length, coefficient) {
      let output: unknown;
      try {
        output = await raw.preemphasis(input, batch, channels, length, coefficient);
      } catch (error) {
        throw toNativeError('preemphasis', error);
      }
      const result = parseResult('preemphasis', float32ArraySchema, output);
      if (result.length !== input.length) {
        throw new AppError(
          'INTERNAL',
          `native preemphasis returned ${result.length} samples for ${input.length}`,
        );
      }
      return result;
    },
  };
}

function callNative(method: string, call: () => unknown): unknown {
  try {
    return call();
  } catch (error) {
    throw toNativeError(method, error);
  }
}

function parseResult<T>(method: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    const detail = issue?.message ?? 'no detail';
    throw new AppError('INTERNAL', `native ${method} returned an unexpected value${where}: ${detail}`);
  }
  return parsed.data;
}

function toNativeError(method: string, error: unknown): AppError {
  const failure = nativeFailureSchema.safeParse(error);
  if (failure.success) {
    return new NativeError(failure.data.code, `native ${method}: ${firstLine(failure.data.message)}`);
  }
  const text = error instanceof Error ? error.message : String(error);
  return new AppError('INTERNAL', `native ${method}: ${firstLine(text)}`);
}

function appCodeFor(nativeCode: NativeErrorCode): ErrorCode {
  return nativeCode === 'NN_INVALID_ARGUMENT' ? 'INVALID_INPUT' : 'INTERNAL';
}

/** `…/app.asar/…` → `…/app.asar.unpacked/…`: shared libraries are shipped outside the archive. */
function unpacked(file: string): string {
  const marker = `.asar${path.sep}`;
  return file.includes(marker) ? file.replace(marker, `.asar.unpacked${path.sep}`) : file;
}
