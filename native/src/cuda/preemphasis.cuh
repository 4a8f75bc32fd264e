// preemphasis.cuh: CUDA kernels for the pre-emphasis filter (entry points in nn/preemphasis.h).
// defines: PREEMPHASIS_BLOCK_SIZE
// One thread per element of the flattened (B, C, T) tensor; each thread reads its own sample and
// its neighbour in time, so no shared memory and no atomics (bitwise deterministic).
#pragma once

/** Threads per block for both kernels. */
constexpr int PREEMPHASIS_BLOCK_SIZE = 256;
