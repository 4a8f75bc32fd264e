// test-kernels.cpp: the simulator's own test kernels (sim/testing/test-kernels.h), written
// against cuda/kernel.cuh exactly as src/cuda/ kernels are, some with deliberate bugs.

#include "sim/testing/test-kernels.h"

#include "cuda/kernel.cuh"

namespace {

constexpr unsigned REDUCE_THREADS = 128;

// ----------------------------------------------------------------------------
// CUDA kernels

// x (n) → out (blocks): one block sums 128 elements by a tree in shared memory.
template <int VARIANT>
KX_GLOBAL void block_reduce_kernel(const float * x, float * out, size_t n) {
    KX_SHARED(float, partial, REDUCE_THREADS);
    const unsigned tid = kx::thread_idx().x;
    const size_t   i   = static_cast<size_t>(kx::block_idx().x) * REDUCE_THREADS + tid;
    partial[tid]       = i < n ? x[i] : 0.0f;
    if (VARIANT != SIM_REDUCE_NO_LOAD_BARRIER) {
        kx::sync_threads();
    }
    for (unsigned s = REDUCE_THREADS / 2; s > 0; s >>= 1) {
        if (tid < s) {
            partial[tid] += partial[tid + s];
        }
        if (VARIANT != SIM_REDUCE_NO_LOOP_BARRIER) {
            kx::sync_threads();
        }
    }
    if (tid == 0) {
        out[kx::block_idx().x] = partial[0];
    }
}

KX_GLOBAL void shared_race_kernel(float * out, bool read_write) {
    KX_SHARED(float, cell, 2);
    const unsigned tid = kx::thread_idx().x;
    if (read_write) {
        if (tid == 0) {
            cell[0] = 0.0f;
        }
        kx::sync_threads();
        if (tid == 0) {
            cell[0] = 1.0f; // thread 1 may read before or after this: a race
        }
        if (tid == 1) {
            out[0] = cell[0];
        }
        return;
    }
    if (tid < 2) {
        cell[0] = static_cast<float>(tid);
    }
    kx::sync_threads();
    if (tid == 0) {
        out[0] = cell[0];
    }
}

KX_GLOBAL void divergent_barrier_kernel(float * out) {
    const unsigned tid = kx::thread_idx().x;
    if (tid < 16) {
        kx::sync_threads();
    }
    out[tid] = 1.0f;
}

// Every thread reaches a barrier, but the two halves at different calls.
KX_GLOBAL void barrier_sites_kernel(float * out) {
    const unsigned tid = kx::thread_idx().x;
    if (tid < 32) {
        out[tid] = 1.0f;
        kx::sync_threads();
    } else {
        out[tid] = 2.0f;
        kx::sync_threads();
    }
}

// Thread 0 writes, a shuffle follows (not a barrier), then thread 1 reads: still a race.
KX_GLOBAL void warp_op_not_barrier_kernel(float * out) {
    KX_SHARED(float, cell, 1);
    const unsigned tid = kx::thread_idx().x;
    if (tid == 0) {
        cell[0] = 1.0f;
    }
    const float v = kx::shfl(static_cast<float>(tid), 0);
    if (tid == 1) {
        out[0] = cell[0] + v;
    }
}

// 64 threads index a 32-element shared array.
KX_GLOBAL void shared_bounds_kernel(float * out) {
    KX_SHARED(float, small, 32);
    const unsigned tid = kx::thread_idx().x;
    small[tid]         = 1.0f;
    kx::sync_threads();
    out[tid] = small[tid];
}

// Threads read the whole array after a barrier, but only even elements were written.
KX_GLOBAL void uninitialised_kernel(float * out) {
    KX_SHARED(float, half, 64);
    const unsigned tid = kx::thread_idx().x;
    if (tid % 2 == 0) {
        half[tid] = 1.0f;
    }
    kx::sync_threads();
    out[tid] = half[63 - tid];
}

KX_GLOBAL void partial_warp_kernel(float * out) {
    const unsigned lane = kx::lane_id();
    float          v    = static_cast<float>(lane);
    if (lane < 16) {
        v = kx::shfl_down(v, 1);
    }
    out[kx::thread_idx().x] = v;
}

// One row of 64 results per op (SIM_WARP_ROWS rows): see sim_test_warp_ops' expectations in
// test/native/test-sim.cpp.
KX_GLOBAL void warp_ops_kernel(float * out) {
    const unsigned tid  = kx::thread_idx().x;
    const unsigned lane = kx::lane_id();
    const float    v    = static_cast<float>(lane + 1 + (tid >= 32 ? 100 : 0));
    // a shuffle-down tree: lane 0 ends with the warp's sum
    float sum = v;
    for (unsigned d = 16; d > 0; d >>= 1) {
        sum += kx::shfl_down(sum, d);
    }
    out[0 * 64 + tid] = sum;
    // a butterfly: every lane ends with the sum
    float all = v;
    for (int m = 16; m > 0; m >>= 1) {
        all += kx::shfl_xor(all, m);
    }
    out[1 * 64 + tid] = all;
    out[2 * 64 + tid] = kx::shfl(v, 5);      // broadcast lane 5
    out[3 * 64 + tid] = kx::shfl_up(v, 3);   // lanes 0-2 keep their own
    out[4 * 64 + tid] = kx::shfl_down(v, 1); // lane 31 keeps its own
    out[5 * 64 + tid] =
        static_cast<float>(kx::shfl(static_cast<int>(lane) * 3, 31 - static_cast<int>(lane)));
    out[6 * 64 + tid]     = static_cast<float>(kx::shfl_xor(static_cast<double>(v) * 0.5, 1));
    const unsigned ballot = kx::ballot(lane % 3 == 0);
    out[7 * 64 + tid]     = static_cast<float>(ballot & 0xffffu);
    out[8 * 64 + tid]     = static_cast<float>(ballot >> 16);
    out[9 * 64 + tid]     = kx::any(lane == 5) ? 1.0f : 0.0f;
    out[10 * 64 + tid]    = kx::all(lane < 32) ? 1.0f : 0.0f;
    out[11 * 64 + tid]    = kx::all(lane != 7) ? 1.0f : 0.0f;
}

// a (16×16), b (16×8), c, d (16×8): row-major; one warp.
KX_GLOBAL void mma_bf16_kernel(const float * a, const float * b, const float * c, float * d) {
    const unsigned lane = kx::lane_id();
    kx::mma_frag_a fa;
    kx::mma_frag_b fb;
    kx::mma_frag_c fc, fd;
    for (int r = 0; r < 4; r++) { // register r holds elements 2r (low) and 2r + 1 (high)
        const int e0 = 2 * r, e1 = 2 * r + 1;
        fa.r[r] = kx::pack_bf16x2(a[kx::mma_a_row(lane, e0) * 16 + kx::mma_a_col(lane, e0)],
                                  a[kx::mma_a_row(lane, e1) * 16 + kx::mma_a_col(lane, e1)]);
    }
    for (int r = 0; r < 2; r++) {
        const int e0 = 2 * r, e1 = 2 * r + 1;
        fb.r[r] = kx::pack_bf16x2(b[kx::mma_b_row(lane, e0) * 8 + kx::mma_b_col(lane, e0)],
                                  b[kx::mma_b_row(lane, e1) * 8 + kx::mma_b_col(lane, e1)]);
    }
    for (int e = 0; e < 4; e++) {
        fc.r[e] = c[kx::mma_c_row(lane, e) * 8 + kx::mma_c_col(lane, e)];
    }
    kx::mma_m16n8k16_bf16(fd, fa, fb, fc);
    for (int e = 0; e < 4; e++) {
        d[kx::mma_c_row(lane, e) * 8 + kx::mma_c_col(lane, e)] = fd.r[e];
    }
}

// a (16×8), b (8×8), c, d (16×8): row-major; one warp.
KX_GLOBAL void mma_tf32_kernel(const float * a, const float * b, const float * c, float * d) {
    const unsigned lane = kx::lane_id();
    kx::mma_frag_a fa;
    kx::mma_frag_b fb;
    kx::mma_frag_c fc, fd;
    for (int e = 0; e < 4; e++) {
        fa.r[e] = kx::to_tf32(a[kx::mma_tf32_a_row(lane, e) * 8 + kx::mma_tf32_a_col(lane, e)]);
        fc.r[e] = c[kx::mma_c_row(lane, e) * 8 + kx::mma_c_col(lane, e)];
    }
    for (int e = 0; e < 2; e++) {
        fb.r[e] = kx::to_tf32(b[kx::mma_tf32_b_row(lane, e) * 8 + kx::mma_tf32_b_col(lane, e)]);
    }
    kx::mma_m16n8k8_tf32(fd, fa, fb, fc);
    for (int e = 0; e < 4; e++) {
        d[kx::mma_c_row(lane, e) * 8 + kx::mma_c_col(lane, e)] = fd.r[e];
    }
}

KX_GLOBAL void scale_kernel(const float * x, float * y, size_t n, float alpha) {
    const size_t i =
        static_cast<size_t>(kx::block_idx().x) * kx::block_dim().x + kx::thread_idx().x;
    if (i < n) {
        y[i] = alpha * x[i];
    }
}

int launch_status() {
    return static_cast<int>(cudaGetLastError());
}

} // namespace

// ----------------------------------------------------------------------------
// kernel launchers

int sim_test_block_reduce(const float * x, float * out, size_t n, sim_reduce_variant variant,
                          nn_cuda_stream_t stream) {
    const unsigned blocks = static_cast<unsigned>((n + REDUCE_THREADS - 1) / REDUCE_THREADS);
    switch (variant) {
        case SIM_REDUCE_OK:
            KX_LAUNCH(block_reduce_kernel<SIM_REDUCE_OK>, blocks, REDUCE_THREADS, stream, x, out,
                      n);
            break;
        case SIM_REDUCE_NO_LOOP_BARRIER:
            KX_LAUNCH(block_reduce_kernel<SIM_REDUCE_NO_LOOP_BARRIER>, blocks, REDUCE_THREADS,
                      stream, x, out, n);
            break;
        case SIM_REDUCE_NO_LOAD_BARRIER:
            KX_LAUNCH(block_reduce_kernel<SIM_REDUCE_NO_LOAD_BARRIER>, blocks, REDUCE_THREADS,
                      stream, x, out, n);
            break;
    }
    return launch_status();
}

int sim_test_shared_race(float * out, bool read_write) {
    KX_LAUNCH(shared_race_kernel, 1, 64, nullptr, out, read_write);
    return launch_status();
}

int sim_test_divergent_barrier(float * out) {
    KX_LAUNCH(divergent_barrier_kernel, 1, 64, nullptr, out);
    return launch_status();
}

int sim_test_barrier_sites(float * out) {
    KX_LAUNCH(barrier_sites_kernel, 1, 64, nullptr, out);
    return launch_status();
}

int sim_test_warp_op_not_barrier(float * out) {
    KX_LAUNCH(warp_op_not_barrier_kernel, 1, 32, nullptr, out);
    return launch_status();
}

int sim_test_shared_bounds(float * out) {
    KX_LAUNCH(shared_bounds_kernel, 1, 64, nullptr, out);
    return launch_status();
}

int sim_test_uninitialised(float * out) {
    KX_LAUNCH(uninitialised_kernel, 1, 64, nullptr, out);
    return launch_status();
}

int sim_test_bad_config(float * out) {
    KX_LAUNCH(uninitialised_kernel, 1, 2048, nullptr, out);
    return launch_status();
}

int sim_test_partial_warp(float * out) {
    KX_LAUNCH(partial_warp_kernel, 1, 64, nullptr, out);
    return launch_status();
}

int sim_test_warp_ops(float * out) {
    KX_LAUNCH(warp_ops_kernel, 1, 64, nullptr, out);
    return launch_status();
}

int sim_test_mma_bf16(const float * a, const float * b, const float * c, float * d) {
    KX_LAUNCH(mma_bf16_kernel, 1, 32, nullptr, a, b, c, d);
    return launch_status();
}

int sim_test_mma_tf32(const float * a, const float * b, const float * c, float * d) {
    KX_LAUNCH(mma_tf32_kernel, 1, 32, nullptr, a, b, c, d);
    return launch_status();
}

int sim_test_scale(const float * x, float * y, size_t n, float alpha, nn_cuda_stream_t stream) {
    const unsigned blocks = static_cast<unsigned>((n + 63) / 64);
    KX_LAUNCH(scale_kernel, blocks, 64, stream, x, y, n, alpha);
    return launch_status();
}

uint16_t sim_test_to_bf16(float f) {
    return kx::to_bf16(f);
}
uint32_t sim_test_to_tf32(float f) {
    return kx::to_tf32(f);
}
