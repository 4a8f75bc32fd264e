/**
 * The frozen generators of a trained run as the addon's readTrained() hands them out: per scale
 * its rate, training length, noise amplitude, architecture and every convolution's effective
 * weight (weight norm already applied, exactly as the native forward computes it), bias and
 * eval-mode BatchNorm. The ONNX export (services/models/onnx) is the consumer; the schemas
 * check the addon's answer, so a mismatch surfaces as one INTERNAL error instead of NaNs later.
 */
import { z } from 'zod';

/** A Float32Array from any realm (the addon creates arrays in the main context, jest tests run in a vm one). */
export const float32ArraySchema = z.custom<Float32Array>(
  (value) => Object.prototype.toString.call(value) === '[object Float32Array]',
  { message: 'expected a Float32Array' },
);

const size = z.number().int().nonnegative();

/** One NormConv1d of a generator, with the BatchNorm (+ LeakyReLU 0.2) that follows it, if any. */
export const trainedConvSchema = z.object({
  /** head, body.0 …, tail, gate_tanh, gate_sigmoid, out_conv (caw-model.h). */
  name: z.string(),
  inChannels: size,
  outChannels: size,
  kernel: size,
  dilation: size,
  /** Zero padding on each side ("same" for the gates, 0 for the valid trunk convolutions). */
  padding: size,
  /** (outChannels, inChannels, kernel): g·v/‖v‖. */
  weight: float32ArraySchema,
  /** (outChannels) */
  bias: float32ArraySchema,
  /** Eval-mode BatchNorm1d over (outChannels), then LeakyReLU(0.2); null for none. */
  batchNorm: z
    .object({
      gamma: float32ArraySchema,
      beta: float32ArraySchema,
      runningMean: float32ArraySchema,
      runningVar: float32ArraySchema,
      eps: z.number().positive(),
    })
    .nullable(),
});
export type TrainedConv = z.infer<typeof trainedConvSchema>;

/** One trained scale: G_s and what the pyramid needs around it. */
export const trainedScaleSchema = z.object({
  rate: z.number().int().positive(),
  /** The training level's length, samples (reconstruction length). */
  length: z.number().int().positive(),
  /** The noise amplitude: G_s sees noise·amp + prev. */
  amp: z.number().nonnegative(),
  channels: z.number().int().positive(),
  kernel: z.number().int().positive(),
  layers: z.number().int().positive(),
  /** P: the zero padding of G's input on each side. */
  pad: size,
  convs: z.array(trainedConvSchema),
  /** The reconstruction noise (scale 0; inpainting runs: hole noise at later scales), null = zeros. */
  zRec: float32ArraySchema.nullable(),
});
export type TrainedScale = z.infer<typeof trainedScaleSchema>;

export const trainedPyramidSchema = z.object({
  /** The consecutive finished scales, coarsest first. */
  scales: z.array(trainedScaleSchema).min(1),
  /** 16 hex digits: identifies the run's configuration, options and signal. */
  configHash: z.string().regex(/^[0-9a-f]{16}$/),
  inpainting: z.boolean(),
  /** The rate the holes are counted at (the training signal's), or null. */
  holeRate: z.number().int().positive().nullable(),
  holes: z.array(z.object({ start: size, end: size })),
  /** The generator's pre-emphasis coefficient: y[t] = x[t] − a·x[t−1]. */
  preemphasis: z.number(),
});
export type TrainedPyramid = z.infer<typeof trainedPyramidSchema> & {
  /** Scales the run has in total (from its manifest.json; equals scales.length once finished). */
  scalesTotal: number;
};
