/**
 * The shapes that cross the native boundary, as zod schemas: what the addon's functions accept
 * (train options, seeds) and what they must return (build info, devices, progress, results),
 * plus the raw exports checked when the addon loads. The facade (facade.ts) parses every value
 * with these, so a mismatch between the C++ and this file is one clear INTERNAL error.
 */
import { z } from 'zod';
import { float32ArraySchema } from './trained-pyramid.js';

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

/**
 * The convolution kernels this CPU runs, picked at run time (nn/conv1d.h): the fp32 one
 * ("avx512f", "avx2+fma", …) and the bf16 one ("avx512bf16"), null where the CPU or build has no
 * AVX512_BF16.
 */
export const convKernelsSchema = z.object({ fp32: z.string().min(1), bf16: z.string().min(1).nullable() });
export type ConvKernels = z.infer<typeof convKernelsSchema>;

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
export const count = (max: number) => z.number().int().min(1).max(max);

/** One multi-scale spectral loss resolution (docs/caw-spec.md §6 "multispec"), all in samples. */
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
    /**
     * Fine scales on crops (docs/caw-spec.md §8 "Crops"): a level of at least cropSamples + 2P + 1 samples
     * trains each epoch on a random crop of cropSamples; 0 = every level whole [0]. Not with holes.
     */
    cropSamples: z.number().int().nonnegative().max(2 ** 32 - 1).optional(),
    /** Epochs of each cropped scale [epochsPerScale]. */
    fineEpochs: count(2 ** 32 - 1).optional(),
    /** 'bf16': bf16 convolutions with fp32 sums where the CPU has AVX512_BF16, else fp32 ['fp32']. */
    precision: z.enum(['fp32', 'bf16']).optional(),
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
    /**
     * Where to train ['cpu']: 'auto' and 'cuda' train on the GPU when the build has CUDA and the
     * device passes the trainer's self-test, else on the CPU; the device event says which and why.
     */
    device: z.enum(['auto', 'cpu', 'cuda']).optional(),
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
  /** This epoch's numbers (means over D's output map, docs/caw-spec.md §3.4-§3.6), unitless. */
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

/**
 * Where a training call trains, reported once before its first epoch (the trainer's on_device):
 * the device, its name ("NVIDIA H100 80GB HBM3", or "CPU"), and why the CPU when a GPU was asked
 * for (empty otherwise).
 */
export const trainingDeviceSchema = z.strictObject({
  kind: z.literal('device'),
  device: z.enum(['cpu', 'cuda']),
  name: z.string(),
  reason: z.string(),
});
export type TrainingDevice = z.infer<typeof trainingDeviceSchema>;

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

/** The `code` a native failure carries: `nn_status` names (native/include/nn/nn.h). */
export const NATIVE_ERROR_CODES = [
  'NN_INVALID_ARGUMENT',
  'NN_OUT_OF_MEMORY',
  'NN_CUDA_ERROR',
  'NN_UNSUPPORTED',
  'NN_INTERNAL',
] as const;
export type NativeErrorCode = (typeof NATIVE_ERROR_CODES)[number];

// ---- the raw addon, before the facade

export const nativeFunction = z.custom<(...args: unknown[]) => unknown>((value) => typeof value === 'function');

/** The addon's exports as loaded: only the functions, unchecked until called. */
export const rawAddonSchema = z.object({
  version: nativeFunction,
  buildInfo: nativeFunction,
  cudaDevices: nativeFunction,
  convKernels: nativeFunction,
  preemphasis: nativeFunction,
  train: nativeFunction,
  generate: nativeFunction,
  reconstruct: nativeFunction,
  readTrained: nativeFunction,
  generationNoise: nativeFunction,
  upsampleCubic: nativeFunction,
  // the phrase models' synchronous ops (native/addon/sequence.cpp; typed in sequence-ops.ts)
  lstmSizes: nativeFunction,
  lstmForward: nativeFunction,
  lstmBackward: nativeFunction,
  denseForward: nativeFunction,
  denseBackward: nativeFunction,
  embeddingForward: nativeFunction,
  embeddingBackward: nativeFunction,
  crossEntropy: nativeFunction,
  klNormal: nativeFunction,
  reparamForward: nativeFunction,
  reparamBackward: nativeFunction,
  gradClipNorm: nativeFunction,
  adamStep: nativeFunction,
  // the Transformer block's ops (native/addon/transformer.cpp; typed in sequence-ops.ts)
  attentionForward: nativeFunction,
  attentionBackward: nativeFunction,
  layerNormForward: nativeFunction,
  layerNormBackward: nativeFunction,
  geluForward: nativeFunction,
  geluBackward: nativeFunction,
});
export type RawAddon = z.infer<typeof rawAddonSchema>;

/** What the addon's train() returns synchronously. */
export const rawTrainingRunSchema = z.object({
  // Any realm's Promise (jest runs tests in a vm context): check for a then() method.
  promise: z.custom<Promise<unknown>>(
    (value) =>
      typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function',
  ),
  cancel: nativeFunction,
});

/** What generate() and reconstruct() resolve to. */
export const nativeAudioSchema = z.object({
  sampleRate: z.number().int().positive(),
  samples: float32ArraySchema,
});

/** The `code` and `message` of an error thrown by the addon, when it is one. */
export const nativeFailureSchema = z.object({ code: z.enum(NATIVE_ERROR_CODES), message: z.string() });
