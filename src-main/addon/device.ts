/**
 * What the app tells people about its compute device: the `compute` part of `app:get-info`
 * (appInfoSchema in common/ipc-contract.ts). CUDA is used when the addon was compiled with it
 * and the driver reports a device; otherwise training runs on the CPU and `cpuReason` says why
 * in a sentence the UI and `eureka info` show as is.
 */
import type { AppInfo } from '../common/ipc-contract.js';
import { AppError } from '../common/errors.js';
import type { NativeAddon } from './binding.js';

/** The `compute` object of {@link AppInfo}. */
export type ComputeInfo = AppInfo['compute'];

/**
 * Asks the addon for its version, build and devices. Never throws for a machine without a GPU
 * or driver (that is a `cpuReason`); a broken addon throws the facade's AppError.
 */
export function describeCompute(addon: NativeAddon): ComputeInfo {
  const build = addon.buildInfo();
  const devices = build.cudaCompiled ? addon.cudaDevices() : null;
  let cpuReason: string | null = null;
  if (!build.cudaCompiled) {
    cpuReason = 'the native core was built without CUDA (no nvcc at build time, or NN_CUDA=OFF)';
  } else if (devices === null || devices.count === 0) {
    cpuReason = devices?.reason ?? 'no CUDA device found';
  }
  return {
    addonVersion: addon.version(),
    cudaCompiled: build.cudaCompiled,
    cudaDevices: devices?.count ?? 0,
    cpuReason,
  };
}

/**
 * Where a training run goes. The trainer's CUDA path is not built yet (only the pre-emphasis
 * kernel exists in CUDA), so every run trains on the CPU: 'auto' says why, an explicit 'cuda'
 * is refused with the reason rather than silently run on the CPU.
 */
export function chooseTrainingDevice(
  requested: 'auto' | 'cpu' | 'cuda',
  compute: () => ComputeInfo,
): { device: 'cpu' | 'cuda'; reason: string } {
  if (requested === 'cpu') return { device: 'cpu', reason: 'the CPU was asked for' };
  let info: ComputeInfo | null = null;
  try {
    info = compute();
  } catch {
    info = null;
  }
  const why = info?.cpuReason ?? 'this version of Eureka trains on the CPU only (the CUDA trainer is not built yet)';
  if (requested === 'cuda') {
    throw new AppError('INVALID_INPUT', `cannot train on CUDA: ${why}; use --device cpu or auto`);
  }
  return { device: 'cpu', reason: why };
}
