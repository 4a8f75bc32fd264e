// activations.cuh: block size of the elementwise activation kernels (cuda/activations.cu;
// entry points in cuda/device-ops.h, formulas in nn/activations.h).
// defines: ACT_BLOCK, ACT_MAX_BLOCKS
//
// Grid-stride loops over the n elements: each thread reads and writes its own elements only, so
// no shared memory, no atomics, bitwise-reproducible results.
#pragma once

/** Threads per block. */
constexpr int ACT_BLOCK = 256;
/** Cap on the blocks of one launch (several per SM on any GPU we build for); a grid-stride loop
 * covers larger n. */
constexpr unsigned ACT_MAX_BLOCKS = 4096;
