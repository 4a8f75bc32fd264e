// conv1d.cuh: tile sizes of the device convolutions (cuda/conv1d.cu; entry points in
// cuda/device-ops.h, the op in nn/conv1d.h).
// defines: CONV1D_THREADS, CONV1D_BK, conv1d_tile_wide, conv1d_tile_thin
//
// Every pass is one implicit GEMM, C (M × N) = A (M × Kd) · B (Kd × N), whose operands are read
// straight from x, w and dy (the im2col matrix is never built in global memory):
//   forward  y  (C_out × T_out) = w (C_out × C_in·K) · im2col(x) (C_in·K × T_out)
//   dx       dx (C_in × T_in)   = wᵀ (C_in × C_out·K) · im2col'(dy) (C_out·K × T_in)
//   dw       dw (C_out × C_in·K) += dy (C_out × T_out) · im2col(x)ᵀ (T_out × C_in·K)
// A block of CONV1D_THREADS threads (4 warps) owns one BM × BN tile of C and walks the whole
// reduction in CONV1D_BK steps in a fixed order, so each output is one block's sum: no atomics,
// no scratch, bitwise identical on reruns. Each step gathers an A tile (BM × BK) and a B tile
// (BK × BN) into shared memory, zero outside the matrix (padding, the tails of any size), and
// each warp multiplies its (BM/WARPS_M) × (BN/WARPS_N) piece on 16×8 tensor-core tiles.
#pragma once

/** Threads per block of every kernel here: four warps. */
constexpr int CONV1D_THREADS = 128;

/** The reduction step: columns of A, rows of B per shared-memory tile (two k16, four k8 mmas). */
constexpr int CONV1D_BK = 32;

/** 64 × 64 tiles, warps 2 × 2 with 32 × 32 each: the layers with 16 or more rows of C. */
struct conv1d_tile_wide {
    static constexpr int BM = 64, BN = 64, WARPS_M = 2, WARPS_N = 2;
};

/** 16 × 128 tiles, warps 1 × 4 with 16 × 32 each: few rows of C (thin layers: C_out or C_in
 * of 16 or less), where a 64-row tile would multiply mostly zeros. */
struct conv1d_tile_thin {
    static constexpr int BM = 16, BN = 128, WARPS_M = 1, WARPS_N = 4;
};
