// batchnorm.cuh: block sizes of the batch-norm kernels (cuda/batchnorm.cu; entry points in
// cuda/device-ops.h, formulas in nn/batchnorm.h and cpu/batchnorm-impl.h).
// defines: BN_BLOCK, BN_WIDE_BLOCK, BN_WIDE_MIN_T, BN_EVAL_BLOCK, BN_EVAL_MAX_BLOCKS
//
// Training-mode kernels and the eval backward: one block per channel, BN_BLOCK threads (or
// BN_WIDE_BLOCK for T >= BN_WIDE_MIN_T) striding over the channel's T samples; the channel's
// sums (statistics, backward and JVP terms) are doubles folded by block_sum
// (cuda/block-reduce.cuh) in a fixed order, so reruns give the same bits and results match the
// CPU's double sums to the final float rounding. The block size depends on T only, so a rerun
// at the same shape takes the same path.
// Eval forward: elementwise over (C, T), grid-stride.
#pragma once

#include <cstddef>

/** Threads per channel block: 8 warps keep enough loads in flight per SM for T of thousands,
 * and stay cheap in the simulator (one fiber per thread). */
constexpr int BN_BLOCK = 256;
/** Threads per channel block for long channels: a fine scale's channels are 10^5 samples, and
 * with one block per channel (C of 32-128 blocks) each SM streams one channel; 16 warps keep
 * more loads in flight. 512 threads leave 128 registers a thread. */
constexpr int BN_WIDE_BLOCK = 512;
/** T from which the wide block is used (8 samples a thread and more). */
constexpr size_t BN_WIDE_MIN_T = 4096;
/** Threads per block of the elementwise eval forward. */
constexpr int BN_EVAL_BLOCK = 256;
/** Cap on the eval forward's blocks; a grid-stride loop covers the rest. */
constexpr unsigned BN_EVAL_MAX_BLOCKS = 4096;
