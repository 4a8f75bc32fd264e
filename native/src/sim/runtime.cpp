// runtime.cpp: the simulator's CUDA runtime subset (sim/runtime.h): device memory is host memory
// (0xFF-poisoned at allocation, as uninitialised device memory would be garbage), streams run
// their work at once unless captured, and graphs replay what a capture recorded.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "sim/sim-internal.h"

namespace kx_sim {

struct sim_op {
    enum kind_t { kernel, copy, fill } kind;
    std::string           name;
    dim3                  grid, block;
    std::function<void()> fn;
    void *                dst   = nullptr;
    const void *          src   = nullptr;
    size_t                bytes = 0;
    int                   value = 0;
};

struct sim_graph {
    std::vector<sim_op> ops;
};

struct sim_graph_exec {
    std::vector<sim_op> ops;
};

struct sim_event {
    std::chrono::steady_clock::time_point t;
};

namespace {

struct sim_stream {
    bool                  capturing   = false;
    bool                  invalidated = false;
    cudaStreamCaptureMode mode        = cudaStreamCaptureModeGlobal;
    sim_graph *           graph       = nullptr;
};

std::mutex                  g_mutex; // allocations and streams (launches are one-thread)
std::map<uintptr_t, size_t> g_allocs;
size_t                      g_allocated = 0;
size_t                      g_limit     = 0;
std::set<sim_stream *>      g_streams;
sim_stream                  g_default_stream;
// As CUDA's, the last error is per host thread.
thread_local cudaError_t g_last        = cudaSuccess;
thread_local cudaError_t g_detail_code = cudaSuccess;
thread_local std::string g_detail;
thread_local std::string g_launch_error;
constexpr size_t         NOMINAL_MEMORY = size_t(16) << 30;

/** Records err (with a message for cudaGetErrorString) as the last error; returns it. */
cudaError_t set_error(cudaError_t err, const std::string & detail) {
    g_last        = err;
    g_detail_code = err;
    g_detail      = detail;
    return err;
}

sim_stream * stream_of(cudaStream_t s) {
    if (s == nullptr) {
        return &g_default_stream;
    }
    sim_stream * st = reinterpret_cast<sim_stream *>(s);
    return g_streams.count(st) != 0 ? st : nullptr;
}

/** A synchronous call during a capture invalidates it (as the device's global capture mode). */
bool capture_forbids(const char * call, bool relaxed_allows) {
    bool forbidden = false;
    for (sim_stream * st : g_streams) {
        if (st->capturing && !(relaxed_allows && st->mode == cudaStreamCaptureModeRelaxed)) {
            st->invalidated = true;
            forbidden       = true;
        }
    }
    if (forbidden) {
        set_error(cudaErrorStreamCaptureUnsupported,
                  std::string(call) + " is not allowed while a stream is being captured");
    }
    return forbidden;
}

bool in_device_memory(const void * ptr, size_t bytes) {
    const uintptr_t p  = reinterpret_cast<uintptr_t>(ptr);
    auto            it = g_allocs.upper_bound(p);
    if (it == g_allocs.begin()) {
        return false;
    }
    --it;
    return p >= it->first && p + bytes <= it->first + it->second;
}

cudaError_t check_copy(void * dst, const void * src, size_t bytes, cudaMemcpyKind kind,
                       const char * call) {
    if (bytes == 0) {
        return cudaSuccess;
    }
    if (dst == nullptr || src == nullptr) {
        return set_error(cudaErrorInvalidValue, std::string(call) + ": null pointer");
    }
    const bool dst_dev = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
    const bool src_dev = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
    if (kind > cudaMemcpyDefault) {
        return set_error(cudaErrorInvalidMemcpyDirection, std::string(call) + ": bad kind");
    }
    if ((dst_dev && !in_device_memory(dst, bytes)) || (src_dev && !in_device_memory(src, bytes))) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "%s: %zu bytes %s %p to %p leave a cudaMalloc allocation",
                      call, bytes,
                      kind == cudaMemcpyHostToDevice   ? "host to device"
                      : kind == cudaMemcpyDeviceToHost ? "device to host"
                                                       : "device to device",
                      src, dst);
        return set_error(cudaErrorInvalidValue, buf);
    }
    return cudaSuccess;
}

cudaError_t check_fill(void * ptr, size_t bytes, const char * call) {
    if (bytes != 0 && !in_device_memory(ptr, bytes)) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "%s: %zu bytes at %p leave a cudaMalloc allocation", call,
                      bytes, ptr);
        return set_error(cudaErrorInvalidValue, buf);
    }
    return cudaSuccess;
}

cudaError_t run_op(sim_op & op) {
    switch (op.kind) {
        case sim_op::kernel: {
            std::string       error;
            const cudaError_t err = run_kernel(op.name.c_str(), op.grid, op.block, op.fn, error);
            if (err != cudaSuccess) {
                if (err == cudaErrorLaunchFailure) {
                    g_launch_error = error;
                }
                return set_error(err, error);
            }
            return cudaSuccess;
        }
        case sim_op::copy:
            if (op.bytes != 0) {
                std::memmove(op.dst, op.src, op.bytes);
            }
            return cudaSuccess;
        case sim_op::fill:
            if (op.bytes != 0) {
                std::memset(op.dst, op.value, op.bytes);
            }
            return cudaSuccess;
    }
    return cudaSuccess;
}

/** Runs op now, or records it when stream is being captured. */
cudaError_t submit(sim_op op, cudaStream_t stream) {
    sim_stream * st = stream_of(stream);
    if (st == nullptr) {
        return set_error(cudaErrorInvalidResourceHandle, "an unknown or destroyed stream");
    }
    if (st->capturing) {
        st->graph->ops.push_back(std::move(op));
        return cudaSuccess;
    }
    return run_op(op);
}

} // namespace

// ----------------------------------------------------------------------------
// memory

cudaError_t cudaMalloc(void ** ptr, size_t bytes) {
    if (ptr == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaMalloc: null pointer");
    }
    *ptr = nullptr;
    if (capture_forbids("cudaMalloc", true)) {
        return cudaErrorStreamCaptureUnsupported;
    }
    if (bytes == 0) {
        return cudaSuccess;
    }
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_limit != 0 && g_allocated + bytes > g_limit) {
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "out of memory: %zu bytes asked, %zu of the simulator's %zu in use", bytes,
                      g_allocated, g_limit);
        return set_error(cudaErrorMemoryAllocation, buf);
    }
    const size_t rounded = (bytes + 255) / 256 * 256;
    void *       p       = std::aligned_alloc(256, rounded);
    if (p == nullptr) {
        return set_error(cudaErrorMemoryAllocation, "out of host memory");
    }
    std::memset(p, 0xFF, rounded); // garbage, as fresh device memory: NaN for floats
    g_allocs[reinterpret_cast<uintptr_t>(p)] = bytes;
    g_allocated += bytes;
    *ptr = p;
    return cudaSuccess;
}

cudaError_t cudaFree(void * ptr) {
    if (ptr == nullptr) {
        return cudaSuccess;
    }
    if (capture_forbids("cudaFree", true)) {
        return cudaErrorStreamCaptureUnsupported;
    }
    std::lock_guard<std::mutex> lock(g_mutex);
    auto                        it = g_allocs.find(reinterpret_cast<uintptr_t>(ptr));
    if (it == g_allocs.end()) {
        return set_error(cudaErrorInvalidValue, "cudaFree: not a cudaMalloc pointer");
    }
    g_allocated -= it->second;
    g_allocs.erase(it);
    std::free(ptr);
    return cudaSuccess;
}

cudaError_t cudaMallocHost(void ** ptr, size_t bytes) {
    if (ptr == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaMallocHost: null pointer");
    }
    *ptr = std::malloc(bytes == 0 ? 1 : bytes);
    return *ptr == nullptr ? set_error(cudaErrorMemoryAllocation, "out of host memory")
                           : cudaSuccess;
}

cudaError_t cudaFreeHost(void * ptr) {
    std::free(ptr);
    return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t * free_bytes, size_t * total_bytes) {
    std::lock_guard<std::mutex> lock(g_mutex);
    const size_t                total = g_limit != 0 ? g_limit : NOMINAL_MEMORY;
    if (free_bytes != nullptr) {
        *free_bytes = total > g_allocated ? total - g_allocated : 0;
    }
    if (total_bytes != nullptr) {
        *total_bytes = total;
    }
    return cudaSuccess;
}

cudaError_t cudaMemcpy(void * dst, const void * src, size_t bytes, cudaMemcpyKind kind) {
    if (capture_forbids("cudaMemcpy", false)) {
        return cudaErrorStreamCaptureUnsupported;
    }
    const cudaError_t err = check_copy(dst, src, bytes, kind, "cudaMemcpy");
    if (err != cudaSuccess) {
        return err;
    }
    sim_op op{sim_op::copy, "", {}, {}, {}, dst, src, bytes, 0};
    return run_op(op);
}

cudaError_t cudaMemcpyAsync(void * dst, const void * src, size_t bytes, cudaMemcpyKind kind,
                            cudaStream_t stream) {
    const cudaError_t err = check_copy(dst, src, bytes, kind, "cudaMemcpyAsync");
    if (err != cudaSuccess) {
        return err;
    }
    return submit(sim_op{sim_op::copy, "", {}, {}, {}, dst, src, bytes, 0}, stream);
}

cudaError_t cudaMemset(void * ptr, int value, size_t bytes) {
    if (capture_forbids("cudaMemset", false)) {
        return cudaErrorStreamCaptureUnsupported;
    }
    const cudaError_t err = check_fill(ptr, bytes, "cudaMemset");
    if (err != cudaSuccess) {
        return err;
    }
    sim_op op{sim_op::fill, "", {}, {}, {}, ptr, nullptr, bytes, value};
    return run_op(op);
}

cudaError_t cudaMemsetAsync(void * ptr, int value, size_t bytes, cudaStream_t stream) {
    const cudaError_t err = check_fill(ptr, bytes, "cudaMemsetAsync");
    if (err != cudaSuccess) {
        return err;
    }
    return submit(sim_op{sim_op::fill, "", {}, {}, {}, ptr, nullptr, bytes, value}, stream);
}

// ----------------------------------------------------------------------------
// errors

cudaError_t cudaGetLastError() {
    const cudaError_t err = g_last;
    g_last                = cudaSuccess;
    return err;
}

cudaError_t cudaPeekAtLastError() {
    return g_last;
}

const char * cudaGetErrorName(cudaError_t err) {
    switch (err) {
        case cudaSuccess: return "cudaSuccess";
        case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
        case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
        case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
        case cudaErrorInvalidDevicePointer: return "cudaErrorInvalidDevicePointer";
        case cudaErrorInvalidMemcpyDirection: return "cudaErrorInvalidMemcpyDirection";
        case cudaErrorInsufficientDriver: return "cudaErrorInsufficientDriver";
        case cudaErrorNoDevice: return "cudaErrorNoDevice";
        case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
        case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
        case cudaErrorIllegalState: return "cudaErrorIllegalState";
        case cudaErrorIllegalAddress: return "cudaErrorIllegalAddress";
        case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
        case cudaErrorNotSupported: return "cudaErrorNotSupported";
        case cudaErrorStreamCaptureUnsupported: return "cudaErrorStreamCaptureUnsupported";
        case cudaErrorStreamCaptureInvalidated: return "cudaErrorStreamCaptureInvalidated";
        case cudaErrorUnknown: return "cudaErrorUnknown";
    }
    return "cudaErrorUnknown";
}

const char * cudaGetErrorString(cudaError_t err) {
    if (err == g_detail_code && err != cudaSuccess && !g_detail.empty()) {
        return g_detail.c_str();
    }
    switch (err) {
        case cudaSuccess: return "no error";
        case cudaErrorMemoryAllocation: return "out of memory";
        case cudaErrorLaunchFailure: return "unspecified launch failure";
        case cudaErrorInvalidConfiguration: return "invalid configuration argument";
        default: return cudaGetErrorName(err);
    }
}

const std::string & last_launch_error() {
    return g_launch_error;
}
void clear_launch_error() {
    g_launch_error.clear();
}

// ----------------------------------------------------------------------------
// streams, capture, graphs

cudaError_t cudaDeviceSynchronize() {
    return capture_forbids("cudaDeviceSynchronize", false) ? cudaErrorStreamCaptureUnsupported
                                                           : cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
    sim_stream * st = stream_of(stream);
    if (st == nullptr) {
        return set_error(cudaErrorInvalidResourceHandle, "cudaStreamSynchronize: unknown stream");
    }
    if (st->capturing) {
        st->invalidated = true;
        return set_error(cudaErrorStreamCaptureUnsupported,
                         "cudaStreamSynchronize on a stream being captured");
    }
    return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t * stream) {
    return cudaStreamCreateWithFlags(stream, 0);
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t * stream, unsigned /*flags*/) {
    if (stream == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaStreamCreate: null pointer");
    }
    sim_stream * st = new sim_stream();
    g_streams.insert(st);
    *stream = reinterpret_cast<cudaStream_t>(st);
    return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
    sim_stream * st = stream == nullptr ? nullptr : stream_of(stream);
    if (st == nullptr) {
        return set_error(cudaErrorInvalidResourceHandle, "cudaStreamDestroy: unknown stream");
    }
    g_streams.erase(st);
    delete st->graph;
    delete st;
    return cudaSuccess;
}

cudaError_t cudaStreamBeginCapture(cudaStream_t stream, cudaStreamCaptureMode mode) {
    if (stream == nullptr) {
        return set_error(cudaErrorStreamCaptureUnsupported,
                         "cudaStreamBeginCapture: the legacy default stream cannot be captured");
    }
    sim_stream * st = stream_of(stream);
    if (st == nullptr) {
        return set_error(cudaErrorInvalidResourceHandle, "cudaStreamBeginCapture: unknown stream");
    }
    if (st->capturing) {
        return set_error(cudaErrorIllegalState, "cudaStreamBeginCapture: already capturing");
    }
    st->capturing   = true;
    st->invalidated = false;
    st->mode        = mode;
    st->graph       = new sim_graph();
    return cudaSuccess;
}

cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t * graph) {
    sim_stream * st = stream_of(stream);
    if (st == nullptr || graph == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaStreamEndCapture: bad stream or graph");
    }
    if (!st->capturing) {
        return set_error(cudaErrorIllegalState,
                         "cudaStreamEndCapture: the stream is not capturing");
    }
    st->capturing = false;
    if (st->invalidated) {
        delete st->graph;
        st->graph = nullptr;
        *graph    = nullptr;
        return set_error(cudaErrorStreamCaptureInvalidated,
                         "the capture was invalidated by a synchronous call during it");
    }
    *graph    = st->graph;
    st->graph = nullptr;
    return cudaSuccess;
}

cudaError_t cudaStreamIsCapturing(cudaStream_t stream, cudaStreamCaptureStatus * status) {
    sim_stream * st = stream_of(stream);
    if (st == nullptr || status == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaStreamIsCapturing: bad stream or status");
    }
    *status = !st->capturing    ? cudaStreamCaptureStatusNone
              : st->invalidated ? cudaStreamCaptureStatusInvalidated
                                : cudaStreamCaptureStatusActive;
    return cudaSuccess;
}

cudaError_t cudaGraphInstantiate(cudaGraphExec_t * exec, cudaGraph_t graph,
                                 unsigned long long /*flags*/) {
    if (exec == nullptr || graph == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaGraphInstantiate: null graph");
    }
    *exec = new sim_graph_exec{graph->ops};
    return cudaSuccess;
}

cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream) {
    sim_stream * st = stream_of(stream);
    if (exec == nullptr || st == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaGraphLaunch: bad graph or stream");
    }
    if (st->capturing) {
        return set_error(cudaErrorNotSupported, "cudaGraphLaunch into a capture (simulator)");
    }
    for (sim_op & op : exec->ops) {
        const cudaError_t err = run_op(op);
        if (err != cudaSuccess) {
            return err;
        }
    }
    return cudaSuccess;
}

cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
    delete exec;
    return cudaSuccess;
}

cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
    delete graph;
    return cudaSuccess;
}

// ----------------------------------------------------------------------------
// events, device

cudaError_t cudaEventCreate(cudaEvent_t * event) {
    if (event == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaEventCreate: null pointer");
    }
    *event = new sim_event{std::chrono::steady_clock::now()};
    return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t /*stream*/) {
    if (event == nullptr) {
        return set_error(cudaErrorInvalidResourceHandle, "cudaEventRecord: null event");
    }
    event->t = std::chrono::steady_clock::now();
    return cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
    return event == nullptr ? set_error(cudaErrorInvalidResourceHandle, "null event") : cudaSuccess;
}

cudaError_t cudaEventElapsedTime(float * ms, cudaEvent_t start, cudaEvent_t end) {
    if (ms == nullptr || start == nullptr || end == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaEventElapsedTime: null argument");
    }
    *ms = std::chrono::duration<float, std::milli>(end->t - start->t).count();
    return cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t event) {
    delete event;
    return cudaSuccess;
}

cudaError_t cudaGetDeviceCount(int * count) {
    if (count == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaGetDeviceCount: null pointer");
    }
    *count = 1;
    return cudaSuccess;
}

cudaError_t cudaGetDevice(int * device) {
    if (device == nullptr) {
        return set_error(cudaErrorInvalidValue, "cudaGetDevice: null pointer");
    }
    *device = 0;
    return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
    return device == 0 ? cudaSuccess
                       : set_error(cudaErrorInvalidDevice, "the simulator is device 0");
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp * prop, int device) {
    if (prop == nullptr || device != 0) {
        return set_error(cudaErrorInvalidValue, "cudaGetDeviceProperties: bad argument");
    }
    std::memset(prop, 0, sizeof *prop);
    std::snprintf(prop->name, sizeof prop->name, "%s", "kx_sim CPU simulator");
    prop->totalGlobalMem      = g_limit != 0 ? g_limit : NOMINAL_MEMORY;
    prop->sharedMemPerBlock   = 48 * 1024;
    prop->multiProcessorCount = 1;
    prop->maxThreadsPerBlock  = 1024;
    prop->warpSize            = 32;
    prop->major               = 9;
    prop->minor               = 0;
    return cudaSuccess;
}

// ----------------------------------------------------------------------------
// the simulator's own API

void launch(const char * name, dim3 grid, dim3 block, cudaStream_t stream,
            std::function<void()> kernel) {
    sim_op op;
    op.kind  = sim_op::kernel;
    op.name  = name;
    op.grid  = grid;
    op.block = block;
    op.fn    = std::move(kernel);
    (void) submit(std::move(op), stream);
}

void set_memory_limit(size_t bytes) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_limit = bytes;
}

size_t allocated_bytes() {
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_allocated;
}

bool is_device_range(const void * ptr, size_t bytes) {
    std::lock_guard<std::mutex> lock(g_mutex);
    return in_device_memory(ptr, bytes);
}

} // namespace kx_sim
