// losses.cuh: block sizes of the loss kernels (cuda/losses.cu; entry points in
// cuda/device-ops.h, formulas in nn/losses.h and cpu/losses-impl.h).
// defines: LOSS_BLOCK, LOSS_EW_BLOCK, LOSS_MAX_BLOCKS
//
// Whole-tensor sums (critic means, MSE, the gradient penalty, and the valid count a masked
// backward divides by) run as ONE block of LOSS_BLOCK threads: each thread sums its strided
// elements in double, block_sum (cuda/block-reduce.cuh) folds them in a fixed order, thread 0
// writes the scalar to device memory. No atomics and no second pass, so reruns give the same
// bits and no scratch memory is needed. The tensors are one sample's D map or signal (up to a
// few 10^5 values); a full block of 1024 threads keeps enough loads in flight on its one SM.
// Unmasked backward passes and axpy: elementwise grid-stride loops.
#pragma once

/** Threads of the single reduction block: the most a block may have. */
constexpr int LOSS_BLOCK = 1024;
/** Threads per block of the elementwise kernels. */
constexpr int LOSS_EW_BLOCK = 256;
/** Cap on the elementwise kernels' blocks; a grid-stride loop covers the rest. */
constexpr unsigned LOSS_MAX_BLOCKS = 4096;
