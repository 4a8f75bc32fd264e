/**
 * What the app tells people about its compute device: the `compute` part of `app:get-info`
 * (appInfoSchema in common/ipc-contract.ts). CUDA is used when the addon was compiled with it
 * and the driver reports a device; otherwise training runs on the CPU and `cpuReason` says why
 * in a sentence the UI and `eureka info` show as is.
 */
import type { AppInfo } from '../common/ipc-contract.js';
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

/** The reason a run that trains on the GPU records (its plan's deviceReason). */
export const GPU_FOUND_REASON = 'a CUDA device was found; the trainer checks it against the CPU before training';

/**
 * Where a training run is meant to go, decided before it starts (the forecast, the preset's
 * default, the job record): the GPU when the addon was compiled with CUDA and the driver lists a
 * device, else the CPU with the reason. 'cuda' asked on a machine without one is not an error:
 * the run goes on on the CPU and says why. The trainer has the last word: at start it checks the
 * device's ops against the CPU and falls back with the reason (the job records what ran).
 */
export function chooseTrainingDevice(
  requested: 'auto' | 'cpu' | 'cuda',
  compute: () => ComputeInfo,
): { device: 'cpu' | 'cuda'; reason: string } {
  if (requested === 'cpu') return { device: 'cpu', reason: 'the CPU was asked for' };
  let info: ComputeInfo | null = null;
  let failure = 'the native core could not be asked about GPUs';
  try {
    info = compute();
  } catch (error) {
    if (error instanceof Error && error.message !== '') failure = `${failure} (${error.message})`;
    info = null;
  }
  if (info !== null && info.cudaCompiled && info.cudaDevices > 0) return { device: 'cuda', reason: GPU_FOUND_REASON };
  return { device: 'cpu', reason: info?.cpuReason ?? failure };
}
