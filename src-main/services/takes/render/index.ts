/**
 * Rendering a take from an open ONNX pyramid, in every generation mode: the public face of this
 * folder (render-take.ts renders, mode-availability.ts says which modes a model offers; the
 * model's source facts come from services/models/model-source.ts).
 */
export {
  renderTake,
  outputRateOf,
  MIN_OUTPUT_RATE,
  type ClipAudio,
  type RenderContext,
  type RenderedTake,
  type RenderTarget,
} from './render-take.js';
export { modeAvailability, extendRatesOf } from './mode-availability.js';
export type { NoiseSource, RenderPyramid } from './pyramid-modes.js';
