// block-reduce.cuh: the fixed-order block sum the reduction kernels of batchnorm.cu,
// weight-norm.cu and losses.cu share, so each of their per-channel, per-row and whole-tensor
// sums is bitwise reproducible (no atomics: the order depends on the block size only).
// defines: block_sum
//
// Order: each thread first sums its own strided elements (the caller's loop), then each warp
// folds its 32 partials by shfl_down (offsets 16, 8, 4, 2, 1), then every thread adds the warp
// totals 0, 1, 2, ... in turn from shared memory, so all threads hold the same totals and no
// second broadcast is needed. Sums are doubles: the CPU references accumulate in double too
// (cpu/batchnorm-impl.h, weight-norm-impl.h, losses-impl.h), so results agree to the double
// rounding of a different order (~1e-16 relative) before the final float rounding.
#pragma once

#include "cuda/kernel.cuh"

/**
 * Sums the NS values v over all BLOCK threads of the block; on return every thread's v holds
 * the block totals. red is the caller's KX_SHARED(double, red, BLOCK / 32 * NS) scratch; it may
 * be reused as soon as this returns (the closing barrier). Every thread must call it (it holds
 * barriers and full-warp shuffles).
 */
template <int BLOCK, int NS>
KX_DEVICE void block_sum(double (&v)[NS],
                         kx::shared_array<double, static_cast<size_t>(BLOCK / 32 * NS)> & red) {
    static_assert(BLOCK % 32 == 0 && BLOCK >= 32, "block_sum needs whole warps");
    constexpr int WARPS = BLOCK / 32;
    for (int k = 0; k < NS; k++) {
        for (unsigned offset = 16; offset > 0; offset >>= 1) {
            v[k] += kx::shfl_down(v[k], offset);
        }
    }
    const unsigned warp = kx::thread_idx().x / 32;
    if (kx::lane_id() == 0) {
        for (int k = 0; k < NS; k++) {
            red[static_cast<size_t>(k * WARPS) + warp] = v[k];
        }
    }
    kx::sync_threads();
    for (int k = 0; k < NS; k++) {
        double total = red[static_cast<size_t>(k * WARPS)];
        for (int w = 1; w < WARPS; w++) {
            total += red[static_cast<size_t>(k * WARPS + w)];
        }
        v[k] = total;
    }
    kx::sync_threads(); // red is free again: the caller may start its next sum
}
