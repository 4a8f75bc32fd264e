/**
 * Where a training run is meant to go before the trainer starts (src-main/addon/device.ts): the
 * GPU only when the addon has CUDA and the driver lists a device; otherwise the CPU with the
 * reason, and an explicit 'cuda' is never an error (the run goes on on the CPU and says why).
 */
import { chooseTrainingDevice, GPU_FOUND_REASON, type ComputeInfo } from '../../../src-main/addon/device.js';

const compute = (overrides: Partial<ComputeInfo>): (() => ComputeInfo) => () => ({
  addonVersion: '0.1.0',
  cudaCompiled: true,
  cudaDevices: 0,
  cpuReason: 'no CUDA device found (cudaErrorNoDevice: no CUDA-capable device is detected)',
  ...overrides,
});

describe('chooseTrainingDevice', () => {
  it('takes the GPU for auto and cuda when the build has CUDA and a device is listed', () => {
    const gpu = compute({ cudaDevices: 1, cpuReason: null });
    expect(chooseTrainingDevice('auto', gpu)).toEqual({ device: 'cuda', reason: GPU_FOUND_REASON });
    expect(chooseTrainingDevice('cuda', gpu)).toEqual({ device: 'cuda', reason: GPU_FOUND_REASON });
    expect(chooseTrainingDevice('cpu', gpu)).toEqual({ device: 'cpu', reason: 'the CPU was asked for' });
  });

  it('falls back to the CPU with the reason for auto and cuda alike, never throwing', () => {
    const none = compute({});
    expect(chooseTrainingDevice('cuda', none)).toEqual({ device: 'cpu', reason: expect.stringMatching(/^no CUDA device found/) });
    expect(chooseTrainingDevice('auto', none)).toEqual(chooseTrainingDevice('cuda', none));
    const noCuda = compute({ cudaCompiled: false, cpuReason: 'the native core was built without CUDA (no nvcc at build time, or NN_CUDA=OFF)' });
    expect(chooseTrainingDevice('cuda', noCuda).reason).toMatch(/built without CUDA/);
    const broken = () => {
      throw new Error('eureka_native.node: cannot open shared object file');
    };
    expect(chooseTrainingDevice('cuda', broken)).toEqual({
      device: 'cpu',
      reason: 'the native core could not be asked about GPUs (eureka_native.node: cannot open shared object file)',
    });
  });
});
