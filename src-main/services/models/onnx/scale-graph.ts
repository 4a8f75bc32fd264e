/**
 * One scale's generator G_s as an ONNX model (docs/caw-spec.md §1; native caw_generator_forward in eval
 * BatchNorm). Inputs `noise` float32 (1, 1, N) and, for s >= 1, `prev` float32 (1, 1, M): the
 * previous scale's output, any length. Output `out` float32 (1, 1, N). Inside:
 *   up   = cubic upsample of prev by rate_s / rate_{s-1}, cropped / zero-padded to N (0 at s = 0)
 *   x    = noise * amp + up                               (1, 1, N)
 *   h    = trunk(x): L valid dilated convs, the head's input zero-padded by P each side (the
 *          Conv's own pads), BN folded in, LeakyReLU(0.2) after all but the tail   (1, C, N)
 *   q    = tanh(Ct h) * sigmoid(Cs h): one Conv with 2C outputs ("same" padding), then Split
 *   out  = PE(out_conv(q)) + up, PE a Conv with kernel [-a, 1] and left padding 1 (y[0] = x[0])
 */
import type { TrainedPyramid, TrainedScale } from '../../../addon/trained-pyramid.js';
import { AppError } from '../../../common/errors.js';
import { APP_VERSION } from '../../../version.js';
import { foldBatchNorm } from './fold.js';
import { DType, GraphBuilder } from './graph-builder.js';
import { addCubicUpsample } from './upsample-graph.js';

/** LeakyReLU's negative slope after every ConvBlock (docs/caw-spec.md §1). */
const LEAKY_SLOPE = 0.2;

/** The serialised model of scale `s` of a trained pyramid. */
export function buildScaleModel(pyramid: TrainedPyramid, s: number): Uint8Array {
  const scale = pyramid.scales[s];
  if (!scale) throw new AppError('INTERNAL', `scale ${s} is not in the trained pyramid`);
  const L = scale.layers;
  const convs = scale.convs;
  if (convs.length !== L + 3) throw new AppError('INTERNAL', `scale ${s}: ${convs.length} convolutions for ${L} layers`);

  const b = new GraphBuilder(`eureka_g${s}`);
  const noise = b.input('noise', DType.FLOAT, [1, 1, 'N']);
  let up: string | null = null;
  if (s > 0) {
    const below = pyramid.scales[s - 1] as TrainedScale;
    const prev = b.input('prev', DType.FLOAT, [1, 1, 'M']);
    const length = b.op('Shape', [noise], { start: { int: 2 } });
    up = addCubicUpsample(b, prev, length, scale.rate / below.rate);
  }
  const scaled = b.op('Mul', [noise, b.floats('amp', Math.fround(scale.amp))]);
  let h = up === null ? scaled : b.op('Add', [scaled, up]);

  for (let l = 0; l < L; l++) {
    const conv = convs[l] as (typeof convs)[number];
    const folded = foldBatchNorm(conv);
    const pad = conv.padding + (l === 0 ? scale.pad : 0);
    h = b.op('Conv', [h, weightOf(b, conv.name, folded.weight, conv), b.floats(`${conv.name}.b`, folded.bias)], {
      dilations: { ints: [conv.dilation] },
      kernel_shape: { ints: [conv.kernel] },
      pads: { ints: [pad, pad] },
    });
    if (conv.batchNorm !== null) h = b.op('LeakyRelu', [h], { alpha: { float: LEAKY_SLOPE } });
  }

  const q = gatedUnit(b, h, convs[L] as (typeof convs)[number], convs[L + 1] as (typeof convs)[number]);
  const outConv = convs[L + 2] as (typeof convs)[number];
  const o = b.op('Conv', [q, weightOf(b, 'out_conv', outConv.weight, outConv), b.floats('out_conv.b', outConv.bias)], {
    kernel_shape: { ints: [outConv.kernel] },
  });
  const peKernel = b.floats('preemphasis', [-pyramid.preemphasis, 1], [1, 1, 2]);
  const pe = b.op('Conv', [o, peKernel], { kernel_shape: { ints: [2] }, pads: { ints: [1, 0] } });
  b.op(up === null ? 'Identity' : 'Add', up === null ? [pe] : [pe, up], {}, 'out');
  b.output('out', DType.FLOAT, [1, 1, 'N']);

  return b.build({
    producerVersion: APP_VERSION,
    docString: `Catch-A-Waveform generator, scale ${s} of ${pyramid.scales.length} (${scale.rate} Hz)`,
    metadata: { configHash: pyramid.configHash, scale: String(s), rate: String(scale.rate) },
  });
}

/** tanh(Ct h) * sigmoid(Cs h), the two convolutions fused into one with 2C outputs. */
function gatedUnit(b: GraphBuilder, h: string, tanhConv: TrainedScale['convs'][number], sigmoidConv: TrainedScale['convs'][number]): string {
  const same =
    tanhConv.kernel === sigmoidConv.kernel &&
    tanhConv.dilation === sigmoidConv.dilation &&
    tanhConv.padding === sigmoidConv.padding &&
    tanhConv.outChannels === sigmoidConv.outChannels;
  if (!same || tanhConv.batchNorm !== null || sigmoidConv.batchNorm !== null) {
    throw new AppError('INTERNAL', 'the gate convolutions differ in shape');
  }
  const weight = new Float32Array(tanhConv.weight.length + sigmoidConv.weight.length);
  weight.set(tanhConv.weight);
  weight.set(sigmoidConv.weight, tanhConv.weight.length);
  const bias = new Float32Array(2 * tanhConv.outChannels);
  bias.set(tanhConv.bias);
  bias.set(sigmoidConv.bias, tanhConv.outChannels);
  const dims = [2 * tanhConv.outChannels, tanhConv.inChannels, tanhConv.kernel];
  const both = b.op('Conv', [h, b.floats('gates.w', weight, dims), b.floats('gates.b', bias)], {
    dilations: { ints: [tanhConv.dilation] },
    kernel_shape: { ints: [tanhConv.kernel] },
    pads: { ints: [tanhConv.padding, tanhConv.padding] },
  });
  const [t, g] = b.ops('Split', [both], 2, { axis: { int: 1 } });
  return b.op('Mul', [b.op('Tanh', [t as string]), b.op('Sigmoid', [g as string])]);
}

/** A conv weight (out, in, kernel) as a float32 initializer. */
function weightOf(b: GraphBuilder, name: string, weight: Float32Array, conv: { outChannels: number; inChannels: number; kernel: number }): string {
  return b.floats(`${name}.w`, weight, [conv.outChannels, conv.inChannels, conv.kernel]);
}
