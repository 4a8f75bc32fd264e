// weight-norm.cuh: block size of the weight-norm kernels (cuda/weight-norm.cu; entry points in
// cuda/device-ops.h, formulas in nn/weight-norm.h and cpu/weight-norm-impl.h).
// defines: WN_BLOCK
//
// One block per output channel (row of C_in·K), WN_BLOCK threads striding over the row; the
// row's norm and dot product are doubles folded by block_sum (cuda/block-reduce.cuh) in a fixed
// order, so reruns give the same bits.
#pragma once

/** Threads per row block: rows are C_in·K = a few hundred to ~900 values (C = 96, K = 9). */
constexpr int WN_BLOCK = 128;
