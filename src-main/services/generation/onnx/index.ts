/**
 * ONNX generation: export a trained pyramid (exportOnnx / ensureOnnx), run it with onnxruntime
 * (OnnxPyramid), and the manifest that ties the two together.
 */
export { ensureOnnx, exportOnnx } from './export.js';
export {
  ONNX_DIR,
  ONNX_MANIFEST,
  pyramidManifestSchema,
  readManifest,
  type PyramidManifest,
  type PyramidScale,
} from './manifest.js';
export { OnnxPyramid, type ExecutionProviderChoice, type OnnxPyramidOptions, type PyramidRunOptions } from './onnx-pyramid.js';
export { buildUpsampleModel } from './upsample-graph.js';
