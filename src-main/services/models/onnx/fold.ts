/**
 * Folds an eval-mode BatchNorm into the convolution before it, so the exported graph is one Conv
 * per layer. In double, rounded to float32 once at the end:
 *   k[o] = gamma[o] / sqrt(runningVar[o] + eps)
 *   w'[o, i, t] = w[o, i, t] * k[o]        b'[o] = (b[o] - runningMean[o]) * k[o] + beta[o]
 * which is BN(conv(x)) = (conv(x) - mean) * k + beta written as one affine map.
 */
import type { TrainedConv } from '../../../addon/trained-pyramid.js';
import { AppError } from '../../../common/errors.js';

/** A convolution ready for ONNX: weight (out, in, kernel) and bias (out), float32. */
export interface FoldedConv {
  weight: Float32Array;
  bias: Float32Array;
}

export function foldBatchNorm(conv: TrainedConv): FoldedConv {
  const { outChannels: C_out, inChannels: C_in, kernel: K } = conv;
  const perOut = C_in * K;
  if (conv.weight.length !== C_out * perOut || conv.bias.length !== C_out) {
    throw new AppError('INTERNAL', `conv ${conv.name}: weight or bias has the wrong size`);
  }
  const bn = conv.batchNorm;
  if (bn === null) return { weight: Float32Array.from(conv.weight), bias: Float32Array.from(conv.bias) };
  // The native BatchNorm adds its eps as the float32 1e-5f widened to double: match it.
  const eps = Math.fround(bn.eps);
  const weight = new Float32Array(C_out * perOut);
  const bias = new Float32Array(C_out);
  for (let o = 0; o < C_out; o++) {
    const k = (bn.gamma[o] as number) / Math.sqrt((bn.runningVar[o] as number) + eps);
    for (let i = o * perOut; i < (o + 1) * perOut; i++) weight[i] = (conv.weight[i] as number) * k;
    bias[o] = ((conv.bias[o] as number) - (bn.runningMean[o] as number)) * k + (bn.beta[o] as number);
  }
  return { weight, bias };
}
