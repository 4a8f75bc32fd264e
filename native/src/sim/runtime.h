// runtime.h: the CPU simulator's host side (docs/cuda.md, "CPU simulator"): the subset of the
// CUDA runtime API that src/cuda/*.cu files call, as host memory and synchronous streams, plus
// the simulator's own controls (thread order, launch errors, a device-memory limit).
// defines: kx_sim::dim3, kx_sim::cudaError_t and its values, kx_sim::cudaMemcpyKind,
//          kx_sim::cudaStream_t, kx_sim::cudaGraph_t, kx_sim::cudaGraphExec_t,
//          kx_sim::cudaEvent_t, kx_sim::cudaDeviceProp, the cuda* functions below,
//          kx_sim::launch, kx_sim::sched_order, kx_sim::set_schedule, kx_sim::schedule_name,
//          kx_sim::set_site_checks, kx_sim::last_launch_error, kx_sim::clear_launch_error,
//          kx_sim::set_memory_limit, kx_sim::allocated_bytes, kx_sim::is_device_range
//
// Everything here is in namespace kx_sim, so a file may include this header next to
// <cuda_runtime.h> (test/native/test-device.h does); sim/sim.h brings the cuda* names to global
// scope for the .cu files compiled with NN_SIM.
//
// Streams run their work at once (a launch returns after the kernel ran), except while a stream
// is being captured: then launches, copies and fills on it are recorded into the graph that
// cudaStreamEndCapture returns, and cudaGraphLaunch replays them in order. As on the device,
// the legacy default stream (null) cannot be captured, and synchronous calls (cudaMalloc,
// cudaMemcpy, cudaDeviceSynchronize, …) during a capture invalidate it. The last error is per
// host thread, as CUDA's; launches from several host threads take turns; streams, captures and
// graphs are meant for one host thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

/** The stream handle type of the CUDA runtime (nn_cuda_stream_t is a pointer to it). */
struct CUstream_st;

namespace kx_sim {

/** A launch's grid or block extent, or an index in it (CUDA's dim3: unset extents are 1). */
struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
};

// ----------------------------------------------------------------------------
// the CUDA runtime subset (cudaError_t's values are CUDA's)

enum cudaError_t {
    cudaSuccess                       = 0,
    cudaErrorInvalidValue             = 1,
    cudaErrorMemoryAllocation         = 2,
    cudaErrorInvalidConfiguration     = 9,
    cudaErrorInvalidDevicePointer     = 17,
    cudaErrorInvalidMemcpyDirection   = 21,
    cudaErrorInsufficientDriver       = 35,
    cudaErrorNoDevice                 = 100,
    cudaErrorInvalidDevice            = 101,
    cudaErrorInvalidResourceHandle    = 400,
    cudaErrorIllegalState             = 401,
    cudaErrorIllegalAddress           = 700,
    cudaErrorLaunchFailure            = 719,
    cudaErrorNotSupported             = 801,
    cudaErrorStreamCaptureUnsupported = 900,
    cudaErrorStreamCaptureInvalidated = 901,
    cudaErrorUnknown                  = 999,
};

enum cudaMemcpyKind {
    cudaMemcpyHostToHost     = 0,
    cudaMemcpyHostToDevice   = 1,
    cudaMemcpyDeviceToHost   = 2,
    cudaMemcpyDeviceToDevice = 3,
    cudaMemcpyDefault        = 4,
};

enum cudaStreamCaptureMode {
    cudaStreamCaptureModeGlobal      = 0,
    cudaStreamCaptureModeThreadLocal = 1,
    cudaStreamCaptureModeRelaxed     = 2,
};

enum cudaStreamCaptureStatus {
    cudaStreamCaptureStatusNone        = 0,
    cudaStreamCaptureStatusActive      = 1,
    cudaStreamCaptureStatusInvalidated = 2,
};

constexpr unsigned cudaStreamDefault     = 0;
constexpr unsigned cudaStreamNonBlocking = 1;

struct sim_graph;
struct sim_graph_exec;
struct sim_event;
using cudaStream_t    = ::CUstream_st *;
using cudaGraph_t     = sim_graph *;
using cudaGraphExec_t = sim_graph_exec *;
using cudaEvent_t     = sim_event *;

/** The fields of cudaDeviceProp the code reads; the simulator describes itself. */
struct cudaDeviceProp {
    char   name[256];
    size_t totalGlobalMem;
    size_t sharedMemPerBlock;
    int    multiProcessorCount;
    int    maxThreadsPerBlock;
    int    warpSize;
    int    major;
    int    minor;
};

cudaError_t cudaMalloc(void ** ptr, size_t bytes);
template <typename T>
cudaError_t cudaMalloc(T ** ptr, size_t bytes) {
    return cudaMalloc(reinterpret_cast<void **>(ptr), bytes);
}
cudaError_t cudaFree(void * ptr);
cudaError_t cudaMallocHost(void ** ptr, size_t bytes);
cudaError_t cudaFreeHost(void * ptr);
cudaError_t cudaMemGetInfo(size_t * free_bytes, size_t * total_bytes);
cudaError_t cudaMemcpy(void * dst, const void * src, size_t bytes, cudaMemcpyKind kind);
cudaError_t cudaMemcpyAsync(void * dst, const void * src, size_t bytes, cudaMemcpyKind kind,
                            cudaStream_t stream = nullptr);
cudaError_t cudaMemset(void * ptr, int value, size_t bytes);
cudaError_t cudaMemsetAsync(void * ptr, int value, size_t bytes, cudaStream_t stream = nullptr);

/** The last error (a failed call or launch) and resets it to cudaSuccess. */
cudaError_t cudaGetLastError();
cudaError_t cudaPeekAtLastError();
/** For cudaErrorLaunchFailure: the last failed launch's message (kernel, block, check). */
const char * cudaGetErrorString(cudaError_t err);
const char * cudaGetErrorName(cudaError_t err);

cudaError_t cudaDeviceSynchronize();
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaStreamCreate(cudaStream_t * stream);
cudaError_t cudaStreamCreateWithFlags(cudaStream_t * stream, unsigned flags);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamBeginCapture(cudaStream_t stream, cudaStreamCaptureMode mode);
cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t * graph);
cudaError_t cudaStreamIsCapturing(cudaStream_t stream, cudaStreamCaptureStatus * status);
cudaError_t cudaGraphInstantiate(cudaGraphExec_t * exec, cudaGraph_t graph,
                                 unsigned long long flags = 0);
cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream);
cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec);
cudaError_t cudaGraphDestroy(cudaGraph_t graph);

cudaError_t cudaEventCreate(cudaEvent_t * event);
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream = nullptr);
cudaError_t cudaEventSynchronize(cudaEvent_t event);
cudaError_t cudaEventElapsedTime(float * ms, cudaEvent_t start, cudaEvent_t end);
cudaError_t cudaEventDestroy(cudaEvent_t event);

cudaError_t cudaGetDeviceCount(int * count);
cudaError_t cudaGetDevice(int * device);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDeviceProperties(cudaDeviceProp * prop, int device);

// ----------------------------------------------------------------------------
// the simulator's own API

/**
 * Runs kernel over grid × block (KX_LAUNCH calls this): blocks one after another, each block's
 * threads as fibers in the schedule's order. A failed check or a bad configuration aborts the
 * launch and becomes the error cudaGetLastError returns (cudaErrorLaunchFailure, message in
 * cudaGetErrorString / last_launch_error). On a capturing stream the launch is recorded instead.
 */
void launch(const char * name, dim3 grid, dim3 block, cudaStream_t stream,
            std::function<void()> kernel);

/** The order in which a block's runnable threads (and a launch's blocks) run between sync points.
 */
enum class sched_order { forward, reverse, random };

/** Sets the order for later launches; random is a permutation per round drawn from seed. */
void        set_schedule(sched_order order, uint64_t seed = 1);
sched_order schedule();
/** "forward" / "reverse" / "random". */
const char * schedule_name(sched_order order);

/** Whether barriers and warp collectives must be reached at one call site (default on). */
void set_site_checks(bool on);

/** The message of the last failed launch since the last clear ("" if none). */
const std::string & last_launch_error();
void                clear_launch_error();

/** cudaMalloc fails with cudaErrorMemoryAllocation beyond this many live bytes (0: no limit). */
void set_memory_limit(size_t bytes);
/** Bytes currently allocated with cudaMalloc. */
size_t allocated_bytes();
/** True when [ptr, ptr + bytes) lies inside one cudaMalloc allocation. */
bool is_device_range(const void * ptr, size_t bytes);

} // namespace kx_sim
