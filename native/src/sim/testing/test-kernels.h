// test-kernels.h: small kernels that show the simulator's checks work (test/native/test-sim.cpp).
// They are written against cuda/kernel.cuh like every kernel, compiled with NN_SIM into nn_sim
// (test-kernels.cpp), and called through these plain functions, so the test file needs no
// simulator headers. Pointers are simulator device memory (kx_sim::cudaMalloc). Each returns
// the launch's cudaError_t as an int (0 = success; the message is kx_sim::last_launch_error()).
// defines: sim_reduce_variant, sim_test_block_reduce, sim_test_shared_race,
//          sim_test_divergent_barrier, sim_test_barrier_sites, sim_test_warp_op_not_barrier,
//          sim_test_shared_bounds, sim_test_uninitialised, sim_test_bad_config,
//          sim_test_partial_warp, sim_test_warp_ops, sim_test_mma_bf16, sim_test_mma_tf32,
//          sim_test_scale, sim_test_to_bf16, sim_test_to_tf32, sim_test_mma_a_row, …
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/nn.h"

/** The block reduction's variants: correct, without the barrier inside the tree loop, or
 * without the barrier between the loads and the tree. */
enum sim_reduce_variant {
    SIM_REDUCE_OK              = 0,
    SIM_REDUCE_NO_LOOP_BARRIER = 1,
    SIM_REDUCE_NO_LOAD_BARRIER = 2
};

/** out[b] = sum of x[b*128 .. b*128+127] (zero past n) by a 128-thread block's shared-memory
 * tree; blocks = ceil(n / 128). */
int sim_test_block_reduce(const float * x, float * out, size_t n, sim_reduce_variant variant,
                          nn_cuda_stream_t stream);

/** Threads 0 and 1 of a block both write shared[0] with no barrier between (a W-W race), or
 * with read_write, thread 0 writes what thread 1 reads (a W-R or R-W race, by the order). */
int sim_test_shared_race(float * out, bool read_write);

/** A barrier inside `if (thread_idx().x < 16)` in a 64-thread block. */
int sim_test_divergent_barrier(float * out);

/** A 64-thread block whose halves wait at two different barrier calls (every thread reaches one).
 */
int sim_test_barrier_sites(float * out);

/** Thread 0 writes a shared element, a shuffle follows, thread 1 reads it: a warp collective is
 * not a barrier, so this is a race. */
int sim_test_warp_op_not_barrier(float * out);

/** 64 threads write a 32-element shared array: out of bounds. */
int sim_test_shared_bounds(float * out);

/** Reads of shared elements no thread wrote (odd ones) after a barrier. */
int sim_test_uninitialised(float * out);

/** A launch of 2048 threads per block: cudaErrorInvalidConfiguration, as on the device. */
int sim_test_bad_config(float * out);

/** A shuffle inside `if (lane < 16)`: a warp collective reached by half a warp. */
int sim_test_partial_warp(float * out);

/** One 64-thread block, lane-wise results of the warp ops for lane value v = lane + 1 (+ 100 in
 * the second warp), each row of 64 floats in out (rows: see test-kernels.cpp, SIM_WARP_ROWS). */
constexpr int SIM_WARP_ROWS = 12;
int           sim_test_warp_ops(float * out);

/** One warp: d (16×8, row-major) = a (16×16 row-major, rounded to bf16) · b (16×8 row-major) + c,
 * fragments loaded with kernel.cuh's mma_a_row/… helpers. */
int sim_test_mma_bf16(const float * a, const float * b, const float * c, float * d);
/** d (16×8) = a (16×8, rounded to tf32) · b (8×8) + c with m16n8k8 tf32. */
int sim_test_mma_tf32(const float * a, const float * b, const float * c, float * d);

/** y[i] = alpha * x[i] (a plain launch, for the graph-capture test). */
int sim_test_scale(const float * x, float * y, size_t n, float alpha, nn_cuda_stream_t stream);

/** kernel.cuh's conversions, for known-value tests. */
uint16_t sim_test_to_bf16(float f);
uint32_t sim_test_to_tf32(float f);
