/**
 * The typed face of the native addon: {@link NativeAddon}, each method's arguments checked
 * before anything crosses into C++ and each result parsed (schemas.ts), native failures turned
 * into {@link NativeError}s (an AppError with the addon's own code). loader.ts finds and loads
 * the file and wraps it here.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../common/errors.js';
import { callNative, parseResult, toNativeError } from './native-error.js';
import { createSequenceOps, type SequenceOps } from './sequence-ops.js';
import {
  count,
  convKernelsSchema,
  cudaDevicesSchema,
  MAX_GENERATE_SAMPLES,
  MAX_GENERATE_SECONDS,
  nativeAudioSchema,
  nativeBuildInfoSchema,
  nativeFunction,
  rawTrainingRunSchema,
  seedSchema,
  trainingDeviceSchema,
  trainingProgressSchema,
  trainOptionsSchema,
  trainResultSchema,
  type ConvKernels,
  type CudaDevices,
  type NativeBuildInfo,
  type RawAddon,
  type Seed,
  type TrainingDevice,
  type TrainingProgress,
  type TrainOptions,
  type TrainResult,
} from './schemas.js';
import { float32ArraySchema, trainedPyramidSchema, type TrainedPyramid } from './trained-pyramid.js';

export { NativeError } from './native-error.js';

/** The run manifest the native trainer writes next to its checkpoints (config hash, scales_total). */
export const NATIVE_RUN_MANIFEST = 'manifest.json';

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
  /** The CPU convolution kernels: fp32 always, bf16 where the CPU has AVX512_BF16 (else null). */
  convKernels(): ConvKernels;
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
   * the promise rejects with that error. onDevice (optional) is told once, before the first
   * epoch, where the run trains ({@link TrainingDevice}: options.device 'auto' or 'cuda' may end
   * on the CPU, with the reason); an exception from it cancels like one from onProgress. The
   * signal is read in place: do not write, transfer or detach it until the promise settles. Arguments are checked here first: throws an AppError
   * (INVALID_INPUT, or INVALID_SAMPLES for NaN or infinite samples) before any work.
   */
  train(
    signal: Float32Array,
    sampleRate: number,
    options: TrainOptions,
    outDir: string,
    resume: boolean,
    onProgress: (progress: TrainingProgress) => void,
    onDevice?: (device: TrainingDevice) => void,
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
  /**
   * The phrase models' ops (LSTM, dense, embedding, cross-entropy, KL, reparameterisation,
   * clipping, Adam), synchronous and in place on the caller's typed arrays: sequence-ops.ts.
   */
  readonly sequence: SequenceOps;
}

export function createFacade(file: string, raw: RawAddon): NativeAddon {
  return {
    path: file,
    sequence: createSequenceOps(raw),
    version: () => parseResult('version', z.string().min(1), callNative('version', () => raw.version())),
    buildInfo: () =>
      parseResult('buildInfo', nativeBuildInfoSchema, callNative('buildInfo', () => raw.buildInfo())),
    cudaDevices: () =>
      parseResult('cudaDevices', cudaDevicesSchema, callNative('cudaDevices', () => raw.cudaDevices())),
    convKernels: () =>
      parseResult('convKernels', convKernelsSchema, callNative('convKernels', () => raw.convKernels())),
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
    train(signal, sampleRate, options, outDir, resume, onProgress, onDevice) {
      const checked = checkTrainArguments(signal, sampleRate, options, outDir, resume, onProgress);
      if (onDevice !== undefined && typeof onDevice !== 'function') {
        throw new AppError('INVALID_INPUT', 'train: onDevice must be a function');
      }
      let failure: { error: unknown } | undefined;
      let cancelNative: () => void = () => undefined;
      const deliver = (value: unknown): void => {
        if (failure) return;
        try {
          // One stream from the addon: the device event is the object with kind 'device'.
          const isDevice = typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'device';
          if (isDevice) onDevice?.(parseResult('train device', trainingDeviceSchema, value));
          else onProgress(parseResult('train progress', trainingProgressSchema, value));
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
    const manifest: unknown = JSON.parse(readFileSync(path.join(outDir, NATIVE_RUN_MANIFEST), 'utf8'));
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
