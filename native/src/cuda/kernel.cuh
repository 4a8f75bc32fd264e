// kernel.cuh: the thin layer every kernel in src/cuda/ is written against, so one kernel source
// builds for two targets (docs/cuda.md):
//   nvcc          the device: each kx:: call is the CUDA built-in or PTX instruction it names
//   g++ -DNN_SIM  the CPU simulator (src/sim/): a block's threads run as fibers that switch at
//                 every barrier, warp collective and tensor-core tile op, in a chosen thread
//                 order, with a shared-memory race check and a divergent-barrier check
// defines: KX_GLOBAL, KX_DEVICE, KX_HOST_DEVICE, KX_SHARED, KX_LAUNCH, KX_ENTRY, kx::dim3,
//          kx::thread_idx, kx::block_idx, kx::block_dim, kx::grid_dim, kx::lane_id,
//          kx::sync_threads, kx::shfl, kx::shfl_xor, kx::shfl_down, kx::shfl_up, kx::any,
//          kx::all, kx::ballot, kx::atomic_add, kx::shared_array, kx::bf16, kx::to_bf16,
//          kx::from_bf16, kx::pack_bf16x2, kx::to_tf32, kx::mma_frag_a, kx::mma_frag_b,
//          kx::mma_frag_c, kx::mma_m16n8k16_bf16, kx::mma_m16n8k8_tf32, kx::mma_a_row,
//          kx::mma_a_col, kx::mma_b_row, kx::mma_b_col, kx::mma_c_row, kx::mma_c_col
//
// Rules for kernel code (what the simulator can check, and what keeps both targets equal):
//   - threads, blocks, barriers, warp collectives, atomics and shared memory only through kx::;
//     no raw threadIdx, __syncthreads, __shfl_*_sync, atomicAdd or __shared__ in kernel code;
//   - shared memory is a KX_SHARED array (static size): every access is seen by the race check;
//   - warp collectives are full-warp (all 32 lanes of a warp reach them; blocks are whole warps);
//   - inline PTX only inside this header, each instruction with its CPU twin in src/sim/;
//   - kernels are launched with KX_LAUNCH from a launcher in the same file, never with <<<>>>;
//   - entry points are named with KX_ENTRY(op_direction): op_direction_cuda under nvcc,
//     op_direction_sim in the simulator build, so one test executable can hold both.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(NN_SIM)
#include "sim/sim.h"
#else
#include <cuda_runtime.h>
#endif

// ----------------------------------------------------------------------------
// qualifiers, launch, entry-point names

#if defined(NN_SIM)
#define KX_GLOBAL      static
#define KX_DEVICE      static inline
#define KX_HOST_DEVICE static inline
#define KX_ENTRY(name) name##_sim
/** Runs kernel(args...) over grid × block in the simulator; errors surface in cudaGetLastError. */
#define KX_LAUNCH(kernel, grid, block, stream, ...) \
    kx_sim::launch(#kernel, (grid), (block), (stream), [=]() { kernel(__VA_ARGS__); })
#else
#define KX_GLOBAL      static __global__
#define KX_DEVICE      static __device__ __forceinline__
#define KX_HOST_DEVICE static __host__ __device__ __forceinline__
#define KX_ENTRY(name) name##_cuda
#define KX_LAUNCH(kernel, grid, block, stream, ...) \
    kernel<<<(grid), (block), 0, (stream)>>>(__VA_ARGS__)
#endif

namespace kx {

#if defined(NN_SIM)
using dim3 = kx_sim::dim3;
#else
using dim3 = ::dim3;
#endif

// ----------------------------------------------------------------------------
// indices

#if defined(NN_SIM)
KX_DEVICE dim3 thread_idx() { return kx_sim::thread_idx(); }
KX_DEVICE dim3 block_idx() { return kx_sim::block_idx(); }
KX_DEVICE dim3 block_dim() { return kx_sim::block_dim(); }
KX_DEVICE dim3 grid_dim() { return kx_sim::grid_dim(); }
#else
KX_DEVICE dim3 thread_idx() { return threadIdx; }
KX_DEVICE dim3 block_idx() { return blockIdx; }
KX_DEVICE dim3 block_dim() { return blockDim; }
KX_DEVICE dim3 grid_dim() { return gridDim; }
#endif

/** The thread's lane in its warp: its linear index in the block, mod 32. */
KX_DEVICE unsigned lane_id() {
    const dim3 t = thread_idx(), b = block_dim();
    return ((t.z * b.y + t.y) * b.x + t.x) & 31u;
}

// ----------------------------------------------------------------------------
// barriers, warp collectives, atomics

#if defined(NN_SIM)
// Each sync point passes its source line (default arguments, evaluated at the call), so the
// simulator can tell threads at different barrier or collective calls apart.
#define KX_SITE const char *kx_file = __builtin_FILE(), unsigned kx_line = __builtin_LINE()
#define KX_AT   kx_sim::site{kx_file, kx_line}

/** __syncthreads: every thread of the block must reach the same call (checked). */
KX_DEVICE void sync_threads(KX_SITE) { kx_sim::sync_threads(KX_AT); }

KX_DEVICE float shfl(float v, int src_lane, KX_SITE) { return kx_sim::shfl(v, src_lane, KX_AT); }
KX_DEVICE float shfl_xor(float v, int lane_mask, KX_SITE) {
    return kx_sim::shfl_xor(v, lane_mask, KX_AT);
}
KX_DEVICE float shfl_down(float v, unsigned delta, KX_SITE) {
    return kx_sim::shfl_down(v, delta, KX_AT);
}
KX_DEVICE float shfl_up(float v, unsigned delta, KX_SITE) { return kx_sim::shfl_up(v, delta, KX_AT); }
KX_DEVICE double shfl(double v, int src_lane, KX_SITE) { return kx_sim::shfl(v, src_lane, KX_AT); }
KX_DEVICE double shfl_xor(double v, int lane_mask, KX_SITE) {
    return kx_sim::shfl_xor(v, lane_mask, KX_AT);
}
KX_DEVICE double shfl_down(double v, unsigned delta, KX_SITE) {
    return kx_sim::shfl_down(v, delta, KX_AT);
}
KX_DEVICE double shfl_up(double v, unsigned delta, KX_SITE) {
    return kx_sim::shfl_up(v, delta, KX_AT);
}
KX_DEVICE int shfl(int v, int src_lane, KX_SITE) { return kx_sim::shfl(v, src_lane, KX_AT); }
KX_DEVICE int shfl_xor(int v, int lane_mask, KX_SITE) {
    return kx_sim::shfl_xor(v, lane_mask, KX_AT);
}
KX_DEVICE bool     any(bool p, KX_SITE) { return kx_sim::vote_any(p, KX_AT); }
KX_DEVICE bool     all(bool p, KX_SITE) { return kx_sim::vote_all(p, KX_AT); }
KX_DEVICE unsigned ballot(bool p, KX_SITE) { return kx_sim::vote_ballot(p, KX_AT); }

KX_DEVICE float atomic_add(float * address, float v) { return kx_sim::atomic_add(address, v); }
KX_DEVICE double atomic_add(double * address, double v) { return kx_sim::atomic_add(address, v); }
KX_DEVICE unsigned atomic_add(unsigned * address, unsigned v) {
    return kx_sim::atomic_add(address, v);
}
#else
constexpr unsigned FULL_WARP = 0xffffffffu;

KX_DEVICE void sync_threads() { __syncthreads(); }

KX_DEVICE float shfl(float v, int src_lane) { return __shfl_sync(FULL_WARP, v, src_lane); }
KX_DEVICE float shfl_xor(float v, int lane_mask) {
    return __shfl_xor_sync(FULL_WARP, v, lane_mask);
}
KX_DEVICE float shfl_down(float v, unsigned delta) {
    return __shfl_down_sync(FULL_WARP, v, delta);
}
KX_DEVICE float shfl_up(float v, unsigned delta) { return __shfl_up_sync(FULL_WARP, v, delta); }
KX_DEVICE double shfl(double v, int src_lane) { return __shfl_sync(FULL_WARP, v, src_lane); }
KX_DEVICE double shfl_xor(double v, int lane_mask) {
    return __shfl_xor_sync(FULL_WARP, v, lane_mask);
}
KX_DEVICE double shfl_down(double v, unsigned delta) {
    return __shfl_down_sync(FULL_WARP, v, delta);
}
KX_DEVICE double shfl_up(double v, unsigned delta) {
    return __shfl_up_sync(FULL_WARP, v, delta);
}
KX_DEVICE int shfl(int v, int src_lane) { return __shfl_sync(FULL_WARP, v, src_lane); }
KX_DEVICE int shfl_xor(int v, int lane_mask) { return __shfl_xor_sync(FULL_WARP, v, lane_mask); }
KX_DEVICE bool any(bool p) { return __any_sync(FULL_WARP, p) != 0; }
KX_DEVICE bool all(bool p) { return __all_sync(FULL_WARP, p) != 0; }
KX_DEVICE unsigned ballot(bool p) { return __ballot_sync(FULL_WARP, p); }

KX_DEVICE float atomic_add(float * address, float v) { return atomicAdd(address, v); }
KX_DEVICE double atomic_add(double * address, double v) { return atomicAdd(address, v); }
KX_DEVICE unsigned atomic_add(unsigned * address, unsigned v) { return atomicAdd(address, v); }
#endif

// ----------------------------------------------------------------------------
// shared memory

#if defined(NN_SIM)
/** A block's shared array of N T: element accesses go through the simulator's race check. */
template <typename T, size_t N>
using shared_array = kx_sim::shared_array<T, N>;
/** Declares a shared array in a kernel: KX_SHARED(float, tile, 256); then tile[i]. The static
 * tag names this declaration (per template instance); the simulator gives each block a fresh,
 * NaN-poisoned copy of it. */
#define KX_SHARED(T, name, N)                     \
    static kx_sim::shared_tag kx_tag_##name(#name); \
    kx::shared_array<T, N> & name = kx_sim::block_shared<T, N>(&kx_tag_##name)
#else
template <typename T, size_t N>
struct shared_array {
    T                    v[N];
    __device__ T &       operator[](size_t i) { return v[i]; }
    __device__ const T & operator[](size_t i) const { return v[i]; }
};
#define KX_SHARED(T, name, N) __shared__ kx::shared_array<T, N> name
#endif

// ----------------------------------------------------------------------------
// bf16 and tf32: the bits of a bf16 in a uint16_t on both targets, rounded to nearest even
// (cvt.rn.bf16.f32, __float2bfloat16_rn); NaN stays NaN.

using bf16 = uint16_t;

KX_HOST_DEVICE uint32_t float_bits(float f) {
#if !defined(__CUDA_ARCH__) // the simulator, or nvcc's host pass
    uint32_t u;
    __builtin_memcpy(&u, &f, sizeof u);
    return u;
#else
    return __float_as_uint(f);
#endif
}
KX_HOST_DEVICE float bits_float(uint32_t u) {
#if !defined(__CUDA_ARCH__)
    float f;
    __builtin_memcpy(&f, &u, sizeof f);
    return f;
#else
    return __uint_as_float(u);
#endif
}
KX_HOST_DEVICE bf16 to_bf16(float f) {
    const uint32_t u = float_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) {
        return static_cast<bf16>((u >> 16) | 0x40u); // quiet NaN
    }
    return static_cast<bf16>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
KX_HOST_DEVICE float from_bf16(bf16 h) { return bits_float(static_cast<uint32_t>(h) << 16); }
/** Two bf16 in one 32-bit register: lo in bits 0-15 (the lower column/row index), hi above. */
KX_HOST_DEVICE uint32_t pack_bf16x2(float lo, float hi) {
    return static_cast<uint32_t>(to_bf16(lo)) | (static_cast<uint32_t>(to_bf16(hi)) << 16);
}
/** A float rounded to tf32 (10 mantissa bits, nearest, ties away: cvt.rna.tf32.f32), as bits. */
KX_HOST_DEVICE uint32_t to_tf32(float f) {
    const uint32_t u = float_bits(f);
    if ((u & 0x7fffffffu) >= 0x7f800000u) {
        return u;
    }
    return (u + 0x1000u) & 0xffffe000u;
}

// ----------------------------------------------------------------------------
// tensor-core tiles: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 and
// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32, with the fragment layouts of the PTX ISA
// ("Matrix Fragments for mma.m16n8k16 / m16n8k8"). group = lane / 4, quad = lane % 4.
//   bf16 A (16×16, row): element e of 8 (a.r[e/2], low half first)
//        row = group + 8·((e/2) % 2),  col = 2·quad + e%2 + 8·(e/4)
//   bf16 B (16×8, col):  element e of 4 (b.r[e/2]): row(k) = 2·quad + e%2 + 8·(e/2), col = group
//   tf32 A (16×8):       element e of 4 (a.r[e]):   row = group + 8·(e%2), col = quad + 4·(e/2)
//   tf32 B (8×8):        element e of 2 (b.r[e]):   row(k) = quad + 4·e, col = group
//   C, D (16×8, f32):    element e of 4 (c.r[e]):   row = group + 8·(e/2), col = 2·quad + e%2

struct mma_frag_a {
    uint32_t r[4]; // bf16: 8 values (4 × bf16x2); tf32: 4 values
};
struct mma_frag_b {
    uint32_t r[2]; // bf16: 4 values (2 × bf16x2); tf32: 2 values
};
struct mma_frag_c {
    float r[4];
};

KX_HOST_DEVICE int mma_a_row(unsigned lane, int e) {
    return static_cast<int>(lane >> 2) + 8 * ((e >> 1) & 1);
}
KX_HOST_DEVICE int mma_a_col(unsigned lane, int e) {
    return 2 * static_cast<int>(lane & 3u) + (e & 1) + 8 * (e >> 2);
}
KX_HOST_DEVICE int mma_b_row(unsigned lane, int e) {
    return 2 * static_cast<int>(lane & 3u) + (e & 1) + 8 * (e >> 1);
}
KX_HOST_DEVICE int mma_b_col(unsigned lane, int /*e*/) { return static_cast<int>(lane >> 2); }
KX_HOST_DEVICE int mma_tf32_a_row(unsigned lane, int e) {
    return static_cast<int>(lane >> 2) + 8 * (e & 1);
}
KX_HOST_DEVICE int mma_tf32_a_col(unsigned lane, int e) {
    return static_cast<int>(lane & 3u) + 4 * (e >> 1);
}
KX_HOST_DEVICE int mma_tf32_b_row(unsigned lane, int e) {
    return static_cast<int>(lane & 3u) + 4 * e;
}
KX_HOST_DEVICE int mma_tf32_b_col(unsigned lane, int /*e*/) { return static_cast<int>(lane >> 2); }
KX_HOST_DEVICE int mma_c_row(unsigned lane, int e) {
    return static_cast<int>(lane >> 2) + 8 * (e >> 1);
}
KX_HOST_DEVICE int mma_c_col(unsigned lane, int e) { return 2 * static_cast<int>(lane & 3u) + (e & 1); }

#if defined(NN_SIM)
/** d = a·b + c on a 16×16 bf16 A and 16×8 bf16 B, f32 accumulate: a warp collective. */
KX_DEVICE void mma_m16n8k16_bf16(mma_frag_c & d, const mma_frag_a & a, const mma_frag_b & b,
                                 const mma_frag_c & c, KX_SITE) {
    kx_sim::mma_m16n8k16_bf16(d.r, a.r, b.r, c.r, KX_AT);
}
/** d = a·b + c on a 16×8 tf32 A and 8×8 tf32 B (values from to_tf32), f32 accumulate. */
KX_DEVICE void mma_m16n8k8_tf32(mma_frag_c & d, const mma_frag_a & a, const mma_frag_b & b,
                                const mma_frag_c & c, KX_SITE) {
    kx_sim::mma_m16n8k8_tf32(d.r, a.r, b.r, c.r, KX_AT);
}
#else
KX_DEVICE void mma_m16n8k16_bf16(mma_frag_c & d, const mma_frag_a & a, const mma_frag_b & b,
                                 const mma_frag_c & c) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
        "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%10, %11, %12, %13};\n"
        : "=f"(d.r[0]), "=f"(d.r[1]), "=f"(d.r[2]), "=f"(d.r[3])
        : "r"(a.r[0]), "r"(a.r[1]), "r"(a.r[2]), "r"(a.r[3]), "r"(b.r[0]), "r"(b.r[1]),
          "f"(c.r[0]), "f"(c.r[1]), "f"(c.r[2]), "f"(c.r[3]));
#else
    (void) a;
    (void) b;
    d = c; // sm_80+ only; the architectures we build for all have it (CMakeLists.txt)
#endif
}
KX_DEVICE void mma_m16n8k8_tf32(mma_frag_c & d, const mma_frag_a & a, const mma_frag_b & b,
                                const mma_frag_c & c) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 "
        "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%10, %11, %12, %13};\n"
        : "=f"(d.r[0]), "=f"(d.r[1]), "=f"(d.r[2]), "=f"(d.r[3])
        : "r"(a.r[0]), "r"(a.r[1]), "r"(a.r[2]), "r"(a.r[3]), "r"(b.r[0]), "r"(b.r[1]),
          "f"(c.r[0]), "f"(c.r[1]), "f"(c.r[2]), "f"(c.r[3]));
#else
    (void) a;
    (void) b;
    d = c;
#endif
}
#endif

} // namespace kx
