/**
 * The only loader of the native compute core (`eureka_native.node`, built from native/ by
 * `npm run build:native`) and its typed facade. Everything else imports {@link NativeAddon}
 * from here, so the shape of the addon is checked in one place. Three parts:
 * - schemas.ts: what crosses the boundary, as zod schemas (arguments, results, raw exports);
 * - loader.ts: where the file is looked for and how it is loaded, once per process;
 * - facade.ts: {@link NativeAddon}, every call checked and parsed, native failures as
 *   {@link NativeError}s (an AppError with the addon's own code; native-error.ts), and its
 *   `sequence` ops for the phrase models (sequence-ops.ts).
 */
export {
  cudaDevicesSchema,
  MAX_GENERATE_SAMPLES,
  MAX_GENERATE_SECONDS,
  mssConfigSchema,
  NATIVE_ERROR_CODES,
  nativeBuildInfoSchema,
  seedSchema,
  trainingDeviceSchema,
  trainingProgressSchema,
  trainOptionsSchema,
  trainResultSchema,
  type ConvKernels,
  type CudaDevices,
  type MssConfig,
  type NativeBuildInfo,
  type NativeErrorCode,
  type Seed,
  type TrainingDevice,
  type TrainingProgress,
  type TrainOptions,
  type TrainResult,
} from './schemas.js';
export { NATIVE_RUN_MANIFEST, NativeError, type NativeAddon, type NativeAudio, type TrainingRun } from './facade.js';
export { loadNativeAddon, locateAddon, NATIVE_ADDON_ENV } from './loader.js';
export type {
  AdamSettings,
  AttentionShape,
  DenseShape,
  EmbeddingShape,
  LstmBackwardBuffers,
  LstmConfig,
  LstmForwardBuffers,
  LstmSizes,
  SequenceOps,
} from './sequence-ops.js';
