/**
 * Rendering a take from an open ONNX pyramid, in every generation mode: the public face of this
 * folder (render-take.ts renders, model-source.ts reads a model's source facts,
 * mode-availability.ts says which modes a model offers).
 */
export { renderTake, outputRateOf, MIN_OUTPUT_RATE, type RenderContext, type RenderedTake } from './render-take.js';
export { loadModelSource, type ModelSource } from './model-source.js';
export { modeAvailability, extendRatesOf } from './mode-availability.js';
export type { NoiseSource, RenderPyramid } from './pyramid-modes.js';
