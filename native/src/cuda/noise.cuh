// noise.cuh: the counter-based normal noise kernels (cuda/noise.cu; CPU reference nn/philox.h).
// defines: NOISE_BLOCK_SIZE
// One thread per Philox block of four elements: it computes the block's 128 random bits once
// and the two Box-Muller pairs, and writes the (up to four) elements of its block that lie in
// the output. No shared memory, no atomics: each element is written by one thread, a pure
// function of (seed, stream_id, index), so reruns and graph replays are bitwise identical.
#pragma once

/** Threads per block (each thread: one Philox block = four elements). */
constexpr unsigned NOISE_BLOCK_SIZE = 256;
