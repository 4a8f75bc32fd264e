/**
 * Whether a run can train in bf16 (bf16 convolutions with fp32 accumulation): the native
 * addon says which convolution kernels this CPU runs, chosen at run time like the fp32 ones;
 * the bf16 kernels need AVX512_BF16. The planner falls back to fp32 without them.
 */
import type { NativeAddon } from '../../addon/binding.js';
import type { Bf16Support } from './planner.js';

export function bf16Support(addon: NativeAddon, device: 'cpu' | 'cuda'): Bf16Support {
  if (device === 'cuda') return { available: false, why: 'bf16 training is a CPU path (AVX512_BF16) and this run is on the GPU' };
  const kernels = addon.convKernels();
  return kernels.bf16 === null
    ? { available: false, why: `this CPU has no AVX512_BF16 (its convolutions run ${kernels.fp32})` }
    : { available: true, why: `this CPU has AVX512_BF16 (${kernels.bf16} kernels)` };
}
