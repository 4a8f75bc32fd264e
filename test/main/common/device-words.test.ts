import { plainDeviceReason } from '../../../src-main/common/device-words.js';

describe('plainDeviceReason', () => {
  it('says why a run is on the CPU in plain words, for every reason the device choice gives', () => {
    expect(plainDeviceReason('cpu', 'no usable NVIDIA driver: it is missing or older than this build\'s CUDA runtime (cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version)')).toBe(
      'No NVIDIA GPU driver: training on the CPU.',
    );
    expect(plainDeviceReason('cpu', 'no CUDA device found (cudaErrorNoDevice: no CUDA-capable device is detected)')).toBe('No NVIDIA GPU in this computer: training on the CPU.');
    expect(plainDeviceReason('cpu', 'the native core was built without CUDA (no nvcc at build time, or NN_CUDA=OFF)')).toBe(
      'This copy of Eureka was built without GPU support: training on the CPU.',
    );
    expect(plainDeviceReason('cpu', 'this version of Eureka trains on the CPU only (the CUDA trainer is not built yet)')).toBe('This version of Eureka trains on the CPU.');
    expect(plainDeviceReason('cpu', 'the CPU was asked for')).toBe('Training on the CPU, as asked.');
    expect(plainDeviceReason('cpu', 'something new')).toBe('Training on the CPU: something new.');
    expect(plainDeviceReason('cuda', '')).toBe('Training on the NVIDIA GPU.');
  });
});
