// resample.cuh: Keys cubic upsampling on the device (cuda/resample.cu; CPU reference
// cpu/resample-impl.h, upsample_cubic_*_row).
// defines: RESAMPLE_BLOCK_SIZE
// Forward: one thread per output sample (its four taps, double weights). Backward: one thread
// per input sample gathers, in increasing output order, every (output, tap) that lands on it —
// the CPU's scatter order — so no atomics and bitwise-identical reruns.
#pragma once

/** Threads per block for both kernels. */
constexpr unsigned RESAMPLE_BLOCK_SIZE = 256;
