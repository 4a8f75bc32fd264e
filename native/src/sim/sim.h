// sim.h: the CPU simulator's kernel side (docs/cuda.md, "CPU simulator"): what cuda/kernel.cuh
// calls under NN_SIM. A block's threads run as fibers (ucontext) on one OS thread; a thread runs
// until it reaches a barrier, a warp collective or a tensor-core tile op, or finishes, and the
// scheduler then resumes the others in the chosen order (runtime.h: set_schedule). Checks, each
// a launch error naming the kernel, block, threads and check:
//   - a barrier reached by only part of the block, or threads at different barrier calls;
//   - a warp collective reached by only part of a warp, or lanes at different collectives;
//   - a shared-memory race: two threads touch one element between two barriers, one writing
//     (lanes of one warp too: they are not lock-step since Volta); warp collectives are not
//     barriers for this check;
//   - a read of a shared element no thread of the block has written, an index out of bounds.
// defines: kx_sim::thread_idx, block_idx, block_dim, grid_dim, sync_threads, shfl, shfl_xor,
//          shfl_down, shfl_up, vote_any, vote_all, vote_ballot, atomic_add, shared_tag,
//          shared_array, block_shared, mma_m16n8k16_bf16, mma_m16n8k8_tf32, site; and at global
//          scope the CUDA runtime names of runtime.h (using-declarations)
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "sim/runtime.h"

namespace kx_sim {

// ----------------------------------------------------------------------------
// indices, barriers, atomics (sim.cpp); warp collectives and mma tiles (sim-warp.cpp)

dim3 thread_idx();
dim3 block_idx();
dim3 block_dim();
dim3 grid_dim();

/** A sync point's source location (kernel.cuh passes its caller's, by default arguments). */
struct site {
    const char * file;
    unsigned     line;
};

/** __syncthreads: the caller waits until every thread of the block reaches this same call. */
void sync_threads(site at);

float    shfl(float v, int src_lane, site at);
float    shfl_xor(float v, int lane_mask, site at);
float    shfl_down(float v, unsigned delta, site at);
float    shfl_up(float v, unsigned delta, site at);
double   shfl(double v, int src_lane, site at);
double   shfl_xor(double v, int lane_mask, site at);
double   shfl_down(double v, unsigned delta, site at);
double   shfl_up(double v, unsigned delta, site at);
int      shfl(int v, int src_lane, site at);
int      shfl_xor(int v, int lane_mask, site at);
int      shfl_down(int v, unsigned delta, site at);
int      shfl_up(int v, unsigned delta, site at);
bool     vote_any(bool p, site at);
bool     vote_all(bool p, site at);
unsigned vote_ballot(bool p, site at);

/** Atomics on global memory (one OS thread runs every fiber: a plain read-modify-write). */
float    atomic_add(float * address, float v);
double   atomic_add(double * address, double v);
unsigned atomic_add(unsigned * address, unsigned v);

/** d = a·b + c over the warp's fragments (kernel.cuh's layouts); every lane gets its d. */
void mma_m16n8k16_bf16(float d[4], const uint32_t a[4], const uint32_t b[2], const float c[4],
                       site at);
void mma_m16n8k8_tf32(float d[4], const uint32_t a[4], const uint32_t b[2], const float c[4],
                      site at);

// ----------------------------------------------------------------------------
// shared memory

/** One shadow cell per shared element: who wrote and read it since the last barrier. */
struct shadow_cell {
    uint64_t epoch;   // the barrier interval of writer/reader; older means none yet
    int32_t  writer;  // linear thread index, -1 none
    int32_t  reader;  // linear thread index, -1 none, -2 several
    uint32_t written; // nonzero once any thread of the block wrote it
};

/** A KX_SHARED declaration (static, one per kernel template instance): its name for messages. */
struct shared_tag {
    const char * name      = "shared";
    void *       storage   = nullptr; // the array, allocated at first use and reused by every block
    uint64_t     block     = 0;       // the block serial it was last poisoned for
    constexpr shared_tag() = default;
    constexpr explicit shared_tag(const char * n) : name(n) {}
};

namespace detail {
/** The checks of one access; they return only when it is allowed (else the launch aborts). */
void on_read(const shared_tag * tag, shadow_cell * shadow, size_t i, size_t n);
void on_write(const shared_tag * tag, shadow_cell * shadow, size_t i, size_t n);
/** True (and stamps the tag) when the current block has not used this array yet. */
bool claim_for_block(shared_tag * tag);
} // namespace detail

/**
 * A block's shared array: element access through a proxy that the race check sees. Read with a
 * conversion (`float v = tile[i];`), write with = or a compound assignment. Taking an element's
 * address, or member access through the proxy, is not supported: copy the element out.
 */
template <typename T, size_t N>
class shared_array {
    static_assert(std::is_trivially_copyable<T>::value, "shared elements are trivially copyable");

  public:
    class ref {
      public:
        ref(shared_array * a, size_t i) : a_(a), i_(i) {}
        ref(const ref &) = default;
              operator T() const { return a_->load(i_); }
        ref & operator=(const T & x) {
            a_->store(i_, x);
            return *this;
        }
        ref & operator=(const ref & other) {
            const T x = other.a_->load(other.i_);
            a_->store(i_, x);
            return *this;
        }
        ref & operator+=(const T & x) { return *this = static_cast<T>(a_->load(i_) + x); }
        ref & operator-=(const T & x) { return *this = static_cast<T>(a_->load(i_) - x); }
        ref & operator*=(const T & x) { return *this = static_cast<T>(a_->load(i_) * x); }
        ref & operator/=(const T & x) { return *this = static_cast<T>(a_->load(i_) / x); }
        ref & operator|=(const T & x) { return *this = static_cast<T>(a_->load(i_) | x); }
        ref & operator&=(const T & x) { return *this = static_cast<T>(a_->load(i_) & x); }
        ref & operator^=(const T & x) { return *this = static_cast<T>(a_->load(i_) ^ x); }
        ref & operator++() { return *this = static_cast<T>(a_->load(i_) + 1); }
        ref & operator--() { return *this = static_cast<T>(a_->load(i_) - 1); }

      private:
        shared_array * a_;
        size_t         i_;
    };

    explicit shared_array(const shared_tag * tag) : tag_(tag) {}

    ref                     operator[](size_t i) { return ref(this, i); }
    T                       operator[](size_t i) const { return load(i); }
    static constexpr size_t size() { return N; }

    T load(size_t i) const {
        detail::on_read(tag_, shadow_, i, N);
        return v_[i];
    }
    void store(size_t i, const T & x) {
        detail::on_write(tag_, shadow_, i, N);
        v_[i] = x;
    }
    /** A fresh block: every byte 0xFF (NaN for floats), no accesses recorded. */
    void poison() {
        std::memset(static_cast<void *>(v_), 0xFF, sizeof(v_));
        std::memset(static_cast<void *>(shadow_), 0, sizeof(shadow_));
        for (size_t i = 0; i < N; i++) {
            shadow_[i].writer = -1;
            shadow_[i].reader = -1;
        }
    }

  private:
    const shared_tag *  tag_;
    T                   v_[N];
    mutable shadow_cell shadow_[N];
};

/** The current block's copy of the array tagged `tag`: poisoned at the block's first use. */
template <typename T, size_t N>
shared_array<T, N> & block_shared(shared_tag * tag) {
    if (tag->storage == nullptr) {
        tag->storage = new shared_array<T, N>(tag); // lives as long as the program
    }
    auto * a = static_cast<shared_array<T, N> *>(tag->storage);
    if (detail::claim_for_block(tag)) {
        a->poison();
    }
    return *a;
}

} // namespace kx_sim

// The CUDA runtime names for the .cu files (never include <cuda_runtime.h> next to this header).
using kx_sim::cudaDeviceProp;
using kx_sim::cudaDeviceSynchronize;
using kx_sim::cudaError_t;
using kx_sim::cudaErrorIllegalAddress;
using kx_sim::cudaErrorIllegalState;
using kx_sim::cudaErrorInsufficientDriver;
using kx_sim::cudaErrorInvalidConfiguration;
using kx_sim::cudaErrorInvalidDevice;
using kx_sim::cudaErrorInvalidDevicePointer;
using kx_sim::cudaErrorInvalidMemcpyDirection;
using kx_sim::cudaErrorInvalidResourceHandle;
using kx_sim::cudaErrorInvalidValue;
using kx_sim::cudaErrorLaunchFailure;
using kx_sim::cudaErrorMemoryAllocation;
using kx_sim::cudaErrorNoDevice;
using kx_sim::cudaErrorNotSupported;
using kx_sim::cudaErrorStreamCaptureInvalidated;
using kx_sim::cudaErrorStreamCaptureUnsupported;
using kx_sim::cudaErrorUnknown;
using kx_sim::cudaEvent_t;
using kx_sim::cudaEventCreate;
using kx_sim::cudaEventDestroy;
using kx_sim::cudaEventElapsedTime;
using kx_sim::cudaEventRecord;
using kx_sim::cudaEventSynchronize;
using kx_sim::cudaFree;
using kx_sim::cudaFreeHost;
using kx_sim::cudaGetDevice;
using kx_sim::cudaGetDeviceCount;
using kx_sim::cudaGetDeviceProperties;
using kx_sim::cudaGetErrorName;
using kx_sim::cudaGetErrorString;
using kx_sim::cudaGetLastError;
using kx_sim::cudaGraph_t;
using kx_sim::cudaGraphDestroy;
using kx_sim::cudaGraphExec_t;
using kx_sim::cudaGraphExecDestroy;
using kx_sim::cudaGraphInstantiate;
using kx_sim::cudaGraphLaunch;
using kx_sim::cudaMalloc;
using kx_sim::cudaMallocHost;
using kx_sim::cudaMemcpy;
using kx_sim::cudaMemcpyAsync;
using kx_sim::cudaMemcpyDefault;
using kx_sim::cudaMemcpyDeviceToDevice;
using kx_sim::cudaMemcpyDeviceToHost;
using kx_sim::cudaMemcpyHostToDevice;
using kx_sim::cudaMemcpyHostToHost;
using kx_sim::cudaMemcpyKind;
using kx_sim::cudaMemGetInfo;
using kx_sim::cudaMemset;
using kx_sim::cudaMemsetAsync;
using kx_sim::cudaPeekAtLastError;
using kx_sim::cudaSetDevice;
using kx_sim::cudaStream_t;
using kx_sim::cudaStreamBeginCapture;
using kx_sim::cudaStreamCaptureMode;
using kx_sim::cudaStreamCaptureModeGlobal;
using kx_sim::cudaStreamCaptureModeRelaxed;
using kx_sim::cudaStreamCaptureModeThreadLocal;
using kx_sim::cudaStreamCaptureStatus;
using kx_sim::cudaStreamCaptureStatusActive;
using kx_sim::cudaStreamCaptureStatusInvalidated;
using kx_sim::cudaStreamCaptureStatusNone;
using kx_sim::cudaStreamCreate;
using kx_sim::cudaStreamCreateWithFlags;
using kx_sim::cudaStreamDefault;
using kx_sim::cudaStreamDestroy;
using kx_sim::cudaStreamEndCapture;
using kx_sim::cudaStreamIsCapturing;
using kx_sim::cudaStreamNonBlocking;
using kx_sim::cudaStreamSynchronize;
using kx_sim::cudaSuccess;
