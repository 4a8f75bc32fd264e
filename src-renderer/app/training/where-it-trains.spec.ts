import { describe, expect, it } from '@jest/globals';
import { whereItTrains } from './where-it-trains.js';

describe('whereItTrains', () => {
  it('names the GPU the trainer reported, or says NVIDIA before it has started', () => {
    expect(whereItTrains({ device: 'cuda', deviceReason: 'a CUDA device was found', deviceName: 'NVIDIA H100 80GB HBM3' })).toEqual({
      words: 'On your GPU (NVIDIA H100 80GB HBM3)',
      detail: null,
    });
    expect(whereItTrains({ device: 'cuda', deviceReason: 'a CUDA device was found' }).words).toBe('On your GPU (NVIDIA)');
  });

  it('says why the CPU in a few words, the precise reason one click away', () => {
    const driver = 'no CUDA device found (cudaErrorNoDevice: no CUDA-capable device is detected)';
    expect(whereItTrains({ device: 'cpu', deviceReason: driver })).toEqual({ words: 'On the CPU — no usable GPU: none in this computer', detail: driver });
    expect(whereItTrains({ device: 'cpu', deviceReason: 'the native core was built without CUDA (no nvcc at build time, or NN_CUDA=OFF)' }).words).toBe(
      'On the CPU — no usable GPU: this copy of Eureka was built without GPU support',
    );
    // A GPU the trainer found unusable (its check against the CPU), after it started.
    expect(whereItTrains({ device: 'cpu', deviceReason: 'the GPU failed its self-test (conv1d NMSE 3e-2)', deviceName: 'CPU' }).words).toBe(
      'On the CPU — no usable GPU: it failed its check against the CPU',
    );
    // A reason nobody foresaw: no made-up words, the reason itself behind the click.
    expect(whereItTrains({ device: 'cpu', deviceReason: 'something new' })).toEqual({ words: 'On the CPU — no usable GPU', detail: 'something new' });
  });

  it('has nothing to explain when the CPU was asked for', () => {
    expect(whereItTrains({ device: 'cpu', deviceReason: 'the CPU was asked for' })).toEqual({ words: 'On the CPU, as asked', detail: null });
  });
});
