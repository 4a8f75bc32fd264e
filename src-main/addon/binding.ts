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
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { AppError, firstLine, type ErrorCode } from '../common/errors.js';
import { packageRoot } from '../node/package-root.js';
import { float32ArraySchema, trainedPyramidSchema, type TrainedPyramid } from './trained-pyramid.js';

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

/** The largest seed a JS number holds exactly; larger seeds are bigints up to 2^64 − 1. */
const MAX_BIGINT_SEED = 2n ** 64n - 1n;

/** A training or generation seed: an integer in [0, 2^53 − 1], or a bigint in [0, 2^64 − 1]. */
export const seedSchema = z.union([
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  z.bigint().min(0n).max(MAX_BIGINT_SEED),
]);
export type Seed = z.infer<typeof seedSchema>;

/** The longest generate() call, in seconds: far beyond a take, short of exhausting memory. */
export const MAX_GENERATE_SECONDS = 3600;
/** The most samples one noise array or upsampled signal may hold: an hour at 48 kHz. */
export const MAX_GENERATE_SAMPLES = MAX_GENERATE_SECONDS * 48_000;

/** A positive integer in [1, max]. */
const count = (max: number) => z.number().int().min(1).max(max);

/** One multi-scale spectral loss resolution (caw-spec §6 "multispec"), all in samples. */
export const mssConfigSchema = z.strictObject({
  /** FFT size. */
  nFft: count(1 << 20),
  /** Hop between frames. */
  hop: count(1 << 20),
  /** Hann window length, ≤ nFft. */
  win: count(1 << 20),
}).refine((c) => c.win <= c.nFft, { message: 'win must be at most nFft' });
export type MssConfig = z.infer<typeof mssConfigSchema>;

/** A gap to fill: samples [start, end) at the training signal's sampleRate (audio before it). */
const holeSchema = z.strictObject({
  start: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  end: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

/**
 * How to train (caw_train_config and nn_pyramid_options in native/include/nn/caw-trainer.h and
 * pyramid.h). Every field but `mode` is optional and defaults to the reference's value (in
 * brackets).
 */
export const trainOptionsSchema = z
  .strictObject({
    /**
     * 'normal' for music (small MSS weight, cond noise), 'denoising' (strong MSE, no cond noise),
     * 'inpainting' (strong MSE on the audio outside `holes`, cond noise).
     */
    mode: z.enum(['normal', 'denoising', 'inpainting']),
    /**
     * Inpainting only, and required then: 1 to 16 gaps [start, end) in samples at sampleRate,
     * ascending, each with audio on both sides (0 < start < end < signal length, and a gap
     * between holes); the native trainer also refuses holes that its discriminator, at some
     * pyramid level, would see no audio around.
     */
    holes: z.array(holeSchema).min(1).max(16).optional(),
    /** Reconstruction MSE weight [by mode: normal 0, denoising 10, inpainting 10]. */
    alpha1: z.number().nonnegative().finite().optional(),
    /** Reconstruction spectral (MSS) weight [by mode: normal 1e-4, denoising 0, inpainting 0]. */
    alpha2: z.number().nonnegative().finite().optional(),
    /** Channels C at the coarsest trained scale [16]. */
    channelsFirst: count(4096).optional(),
    /** Channels C at every later scale [96]. */
    channelsRest: count(4096).optional(),
    /** Convolution kernel K, odd [9]. */
    kernelSize: count(4095).refine((k) => k % 2 === 1, { message: 'must be odd' }).optional(),
    /** Layers L per generator, 2..12 [8]. */
    layers: z.number().int().min(2).max(12).optional(),
    /** Epochs (one D step and one G step each) per scale [2000]. */
    epochsPerScale: count(2 ** 32 - 1).optional(),
    /** Adam learning rate [0.0015]. */
    learningRate: z.number().positive().finite().optional(),
    /** Every random stream derives from it; same seed, same bytes [0]. */
    seed: seedSchema.optional(),
    /** The reconstruction's spectral loss resolutions, 1 to 16 [2048/240/1200, 1024/120/600, 512/50/240]. */
    mssConfigs: z.array(mssConfigSchema).min(1).max(16).optional(),
    /** Candidate pyramid rates in Hz, strictly ascending; the signal's own rate is appended. */
    fsList: z
      .array(count(2 ** 32 - 1))
      .min(1)
      .max(64)
      .refine((rates) => rates.every((rate, i) => i === 0 || rate > (rates[i - 1] ?? 0)), {
        message: 'must be strictly ascending',
      })
      .optional(),
    /** Speech: never train levels below 500 Hz and skip the energy rule [false]. */
    speech: z.boolean().optional(),
  })
  .refine((o) => (o.mode === 'inpainting') === (o.holes !== undefined), {
    message: "holes is required when mode is 'inpainting' and allowed only then",
    path: ['holes'],
  })
  .refine(
    (o) =>
      (o.holes ?? []).every(
        (h, i, all) => h.start < h.end && (i === 0 || h.start > (all[i - 1]?.end ?? 0)),
      ),
    {
      message: 'holes must be non-empty [start, end) ranges, ascending, with audio between them',
      path: ['holes'],
    },
  );
export type TrainOptions = z.infer<typeof trainOptionsSchema>;

/** A loss value: any number, NaN included (mss is NaN when a level is too short for it). */
const lossValue = z.custom<number>((value) => typeof value === 'number');

/**
 * One training progress report. Reports are throttled to about ten a second, but the first and
 * last epochs of every scale are always reported (epoch 1 and epochs), and reports arrive in
 * training order.
 */
export const trainingProgressSchema = z.strictObject({
  /** The scale being trained, 0 = coarsest. */
  scale: z.number().int().nonnegative(),
  /** Trained scales in total. */
  scales: z.number().int().positive(),
  /** Epochs finished in this scale, 1..epochs. */
  epoch: z.number().int().positive(),
  /** Epochs per scale. */
  epochs: z.number().int().positive(),
  /** This epoch's numbers (means over D's output map, caw-spec §3.4-§3.6), unitless. */
  losses: z.strictObject({
    /** mean D(real) in the D step. */
    dReal: lossValue,
    /** mean D(fake) in the D step. */
    dFake: lossValue,
    /** Gradient penalty. */
    gp: lossValue,
    /** −mean D(fake) through the updated D. */
    errG: lossValue,
    /** alpha1·mse + alpha2·mss. */
    rec: lossValue,
    /** Reconstruction MSE against the real level. */
    mse: lossValue,
    /** Reconstruction multi-scale spectral distance (NaN when not computed). */
    mss: lossValue,
  }),
  /** Wall time of this epoch, in seconds. */
  epochSeconds: z.number().nonnegative(),
});
export type TrainingProgress = z.infer<typeof trainingProgressSchema>;

/** How a training call ended. */
export const trainResultSchema = z.strictObject({
  /** Trained scales of the pyramid. */
  scalesTotal: z.number().int().positive(),
  /** Complete scales on disk (scale-<s>.ckpt for s < scalesDone). */
  scalesDone: z.number().int().nonnegative(),
  /** The first scale this call trained (0 fresh, scalesDone when resuming a finished run). */
  resumedAt: z.number().int().nonnegative(),
  /** cancel() stopped it; the scale in progress was discarded. */
  cancelled: z.boolean(),
});
export type TrainResult = z.infer<typeof trainResultSchema>;

/** A training call in flight: its outcome and a way to stop it. */
export interface TrainingRun {
  /**
   * Resolves when training ends, cancelled or not; rejects with a NativeError (or the error an
   * onProgress callback threw, after stopping training).
   */
  readonly promise: Promise<TrainResult>;
  /**
   * Stops training after the epoch in progress (before the next one when called inside
   * onProgress); the scale in progress is discarded, finished scales stay. Idempotent.
   */
  cancel(): void;
}

/** Mono audio produced by the native core, in normalised units (the trained signal's scale). */
export interface NativeAudio {
  /** The finest trained rate, in Hz. */
  sampleRate: number;
  /** (N) samples at sampleRate. */
  samples: Float32Array;
}

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
  /**
   * Trains Catch-A-Waveform on `signal` ((N) mono samples at `sampleRate` Hz, finite; peak
   * normalised by the core) coarse to fine, writing scale-<s>.ckpt and manifest.json into
   * `outDir` (an existing folder) after each scale. `resume` continues after the last complete
   * scale found there (same options and signal required); otherwise it starts over. onProgress
   * runs on the JS thread (see {@link TrainingProgress}); if it throws, training is cancelled and
   * the promise rejects with that error. The signal is read in place: do not write, transfer or
   * detach it until the promise settles. Arguments are checked here first: throws an AppError
   * (INVALID_INPUT, or INVALID_SAMPLES for NaN or infinite samples) before any work.
   */
  train(
    signal: Float32Array,
    sampleRate: number,
    options: TrainOptions,
    outDir: string,
    resume: boolean,
    onProgress: (progress: TrainingProgress) => void,
  ): TrainingRun;
  /**
   * Generates `seconds` of new audio from the trained run in `outDir` (its consecutive complete
   * scales), deterministic per `seed`: round(rate · seconds) samples at the finest loaded rate;
   * 0 < seconds ≤ {@link MAX_GENERATE_SECONDS}.
   * Rejects with INVALID_INPUT for bad arguments or a missing folder, a NativeError otherwise.
   */
  generate(outDir: string, seed: Seed, seconds: number): Promise<NativeAudio>;
  /**
   * The trained run's reconstruction of its signal at the finest loaded scale (that level's
   * length and rate). Rejects like generate.
   */
  reconstruct(outDir: string): Promise<NativeAudio>;
  /**
   * The frozen generators of the trained run in `outDir` (its consecutive finished scales) as
   * arrays, for the ONNX export. Rejects like generate.
   */
  readTrained(outDir: string): Promise<TrainedPyramid>;
  /**
   * The seeded normal noise caw_generate draws, one array per length in order (nn_rng_init(seed),
   * then one fill per scale): generation outside the native core uses it so a seed means the
   * same noise everywhere. Synchronous (about 10 ns a sample).
   */
  generationNoise(seed: Seed, lengths: readonly number[]): Float32Array[];
  /**
   * The pyramid's between-scale Keys-cubic upsampling (nn/resample.h upsample_cubic_forward_cpu):
   * `x` upsampled by `scale` (≥ 1), cropped or zero-padded to `outLength`. Synchronous.
   */
  upsampleCubic(x: Float32Array, scale: number, outLength: number): Float32Array;
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
  train: nativeFunction,
  generate: nativeFunction,
  reconstruct: nativeFunction,
  readTrained: nativeFunction,
  generationNoise: nativeFunction,
  upsampleCubic: nativeFunction,
});
type RawAddon = z.infer<typeof rawAddonSchema>;


/** What the addon's train() returns synchronously. */
const rawTrainingRunSchema = z.object({
  // Any realm's Promise (jest runs tests in a vm context): check for a then() method.
  promise: z.custom<Promise<unknown>>(
    (value) =>
      typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function',
  ),
  cancel: nativeFunction,
});

/** What generate() and reconstruct() resolve to. */
const nativeAudioSchema = z.object({
  sampleRate: z.number().int().positive(),
  samples: float32ArraySchema,
});

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
    train(signal, sampleRate, options, outDir, resume, onProgress) {
      const checked = checkTrainArguments(signal, sampleRate, options, outDir, resume, onProgress);
      let failure: { error: unknown } | undefined;
      let cancelNative: () => void = () => undefined;
      const deliver = (value: unknown): void => {
        if (failure) return;
        try {
          onProgress(parseResult('train progress', trainingProgressSchema, value));
        } catch (error) {
          failure = { error };
          cancelNative();
        }
      };
      const handle = parseResult(
        'train',
        rawTrainingRunSchema,
        callNative('train', () => raw.train(signal, sampleRate, checked, outDir, resume, deliver)),
      );
      cancelNative = () => {
        handle.cancel();
      };
      const promise = (async () => {
        let value: unknown;
        try {
          value = await handle.promise;
        } catch (error) {
          throw failure ? failure.error : toNativeError('train', error);
        }
        if (failure) throw failure.error;
        return parseResult('train', trainResultSchema, value);
      })();
      return { promise, cancel: cancelNative };
    },
    async generate(outDir, seed, seconds) {
      const secondsSchema = z.number().positive().max(MAX_GENERATE_SECONDS);
      checkInput('generate', z.tuple([z.string(), seedSchema, secondsSchema]), [outDir, seed, seconds]);
      checkDirectory('generate', outDir);
      return audioResult('generate', () => raw.generate(outDir, seed, seconds));
    },
    async reconstruct(outDir) {
      checkInput('reconstruct', z.tuple([z.string()]), [outDir]);
      checkDirectory('reconstruct', outDir);
      return audioResult('reconstruct', () => raw.reconstruct(outDir));
    },
    async readTrained(outDir) {
      checkInput('readTrained', z.tuple([z.string()]), [outDir]);
      checkDirectory('readTrained', outDir);
      let value: unknown;
      try {
        value = await raw.readTrained(outDir);
      } catch (error) {
        throw toNativeError('readTrained', error);
      }
      const pyramid = parseResult('readTrained', trainedPyramidSchema, value);
      return { ...pyramid, scalesTotal: runScalesTotal(outDir) ?? pyramid.scales.length };
    },
    generationNoise(seed, lengths) {
      const [checkedSeed, checkedLengths] = checkInput(
        'generationNoise',
        z.tuple([seedSchema, z.array(z.number().int().nonnegative().max(MAX_GENERATE_SAMPLES)).max(64)]),
        [seed, lengths],
      );
      const value = callNative('generationNoise', () => raw.generationNoise(checkedSeed, checkedLengths));
      return parseResult('generationNoise', z.array(float32ArraySchema).length(checkedLengths.length), value);
    },
    upsampleCubic(x, scale, outLength) {
      checkInput(
        'upsampleCubic',
        z.tuple([float32ArraySchema.refine((a) => a.length > 0, 'x is empty'), z.number().min(1).max(1024), count(MAX_GENERATE_SAMPLES)]),
        [x, scale, outLength],
      );
      const value = callNative('upsampleCubic', () => raw.upsampleCubic(x, scale, outLength));
      return parseResult('upsampleCubic', float32ArraySchema, value);
    },
  };
}

/**
 * train's arguments, checked before anything crosses into C++: types and ranges by zod, the
 * folder on disk, and every sample finite. Returns the parsed options (unknown keys refused).
 */
function checkTrainArguments(
  signal: unknown,
  sampleRate: unknown,
  options: unknown,
  outDir: unknown,
  resume: unknown,
  onProgress: unknown,
): TrainOptions {
  const [samples, , parsed, dir] = checkInput(
    'train',
    z.tuple([
      float32ArraySchema.refine((x) => x.length > 0, { message: 'the signal is empty' }),
      count(2 ** 32 - 1),
      trainOptionsSchema,
      z.string(),
      z.boolean(),
      nativeFunction,
    ]),
    [signal, sampleRate, options, outDir, resume, onProgress],
  );
  const bad = samples.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    throw new AppError('INVALID_SAMPLES', `train: the signal has a non-finite sample at index ${bad}`);
  }
  checkDirectory('train', dir);
  return parsed;
}

/** Parses args with schema; throws AppError('INVALID_INPUT') naming the argument otherwise. */
function checkInput<T>(method: string, schema: z.ZodType<T>, args: unknown[]): T {
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const names: Record<string, readonly string[]> = {
      train: ['signal', 'sampleRate', 'options', 'outDir', 'resume', 'onProgress'],
      generate: ['outDir', 'seed', 'seconds'],
      reconstruct: ['outDir'],
      readTrained: ['outDir'],
      generationNoise: ['seed', 'lengths'],
      upsampleCubic: ['x', 'scale', 'outLength'],
    };
    const [index, ...rest] = issue?.path ?? [];
    const name = typeof index === 'number' ? (names[method]?.[index] ?? `argument ${index}`) : 'arguments';
    const where = [name, ...rest.map(String)].join('.');
    throw new AppError('INVALID_INPUT', `${method}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** scales_total of the native manifest.json in outDir, or null when it cannot be read. */
function runScalesTotal(outDir: string): number | null {
  try {
    const manifest: unknown = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8'));
    const parsed = z.object({ scales_total: z.number().int().positive() }).safeParse(manifest);
    return parsed.success ? parsed.data.scales_total : null;
  } catch {
    return null;
  }
}

/** Throws AppError('INVALID_INPUT') unless dir is an existing folder. */
function checkDirectory(method: string, dir: string): void {
  let isDirectory = false;
  try {
    isDirectory = dir !== '' && statSync(dir).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    throw new AppError('INVALID_INPUT', `${method}: folder ${dir === '' ? '(empty path)' : dir} does not exist`);
  }
}

async function audioResult(method: string, call: () => unknown): Promise<NativeAudio> {
  let value: unknown;
  try {
    value = await call();
  } catch (error) {
    throw toNativeError(method, error);
  }
  const audio = parseResult(method, nativeAudioSchema, value);
  return { sampleRate: audio.sampleRate, samples: audio.samples };
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
