// test-device.h: what a device test case needs on both device backends, cuda (the GPU, in a
// build with NN_WITH_CUDA) and sim (the same kernels on the CPU simulator, always built): device
// buffers with guard zones and poison (ggml's sentinels) and DEV_CALL to pick the entry point.
// defines: device_backend, DEV_GUARD, dev_buffer, dev_bytes, dev_synchronize, dev_unsupported,
//          DEV_CALL, check_close, mask_kind, mask_name, make_mask, captured_graph, dev_mss_plan
//
//   dev_buffer y(b, n);                 // an output: [guard | n | guard], every byte 0xFF (NaN)
//   dev_buffer x(b, host);              // an input: a copy of host between poisoned guards
//   CHECK(DEV_CALL(b, leaky_relu_forward_dev, x.data(), y.data(), n, 0.2f, nullptr) ==
//   NN_STATUS_OK); std::vector<float> got = y.download();   // the n values (synchronises first)
//   CHECK(y.guards_intact());                // nothing written outside [0, n)
// An element the kernel leaves unwritten stays NaN, so its NMSE is inf; reading past an input
// reads NaN. A failed allocation or copy is a failed check (and data() is null).
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "common.h"
#include "cuda/device-ops.h"
#include "nn/nn.h"
#include "sim/runtime.h"
#include "test-common.h"
#include "test-registry.h"

#if defined(NN_WITH_CUDA)
#include <cuda_runtime.h>
#endif

/** True for the backends that run device kernels: cuda and sim. */
inline bool device_backend(test_backend b) {
    return b == test_backend::cuda || b == test_backend::sim;
}

/** Elements of poison on each side of a dev_buffer. */
constexpr size_t DEV_GUARD = 1024;

namespace test_device_detail {

inline bool fail(const char * what, const char * why) {
    std::printf("FAIL test-device: %s: %s\n", what, why);
    test_failures()++;
    return false;
}

/** Device memory of `bytes`, filled with 0xFF. */
inline void * alloc(test_backend b, size_t bytes) {
    void * p = nullptr;
    if (b == test_backend::sim) {
        if (kx_sim::cudaMalloc(&p, bytes) != kx_sim::cudaSuccess ||
            kx_sim::cudaMemset(p, 0xFF, bytes) != kx_sim::cudaSuccess) {
            fail("allocation", kx_sim::cudaGetErrorString(kx_sim::cudaGetLastError()));
            return nullptr;
        }
        return p;
    }
#if defined(NN_WITH_CUDA)
    if (b == test_backend::cuda) {
        if (cudaMalloc(&p, bytes) != cudaSuccess || cudaMemset(p, 0xFF, bytes) != cudaSuccess) {
            fail("allocation", cudaGetErrorString(cudaGetLastError()));
            return nullptr;
        }
        return p;
    }
#endif
    fail("allocation", "not a device backend in this build");
    return nullptr;
}

inline void release(test_backend b, void * p) {
    if (p == nullptr) {
        return;
    }
    if (b == test_backend::sim) {
        kx_sim::cudaFree(p);
    }
#if defined(NN_WITH_CUDA)
    if (b == test_backend::cuda) {
        cudaFree(p);
    }
#endif
}

/** Copies bytes between host and device (to_device: host → device); false (a failed check) on
 * an error. Synchronises the device first. */
inline bool copy(test_backend b, void * dst, const void * src, size_t bytes, bool to_device) {
    if (b == test_backend::sim) {
        if (kx_sim::cudaDeviceSynchronize() != kx_sim::cudaSuccess ||
            kx_sim::cudaMemcpy(dst, src, bytes,
                               to_device ? kx_sim::cudaMemcpyHostToDevice
                                         : kx_sim::cudaMemcpyDeviceToHost) != kx_sim::cudaSuccess) {
            return fail("copy", kx_sim::cudaGetErrorString(kx_sim::cudaGetLastError()));
        }
        return true;
    }
#if defined(NN_WITH_CUDA)
    if (b == test_backend::cuda) {
        if (cudaDeviceSynchronize() != cudaSuccess ||
            cudaMemcpy(dst, src, bytes,
                       to_device ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost) !=
                cudaSuccess) {
            return fail("copy", cudaGetErrorString(cudaGetLastError()));
        }
        return true;
    }
#endif
    return fail("copy", "not a device backend in this build");
}

} // namespace test_device_detail

/** Waits for the device's queued work; false (a failed check recorded) on an error. */
inline bool dev_synchronize(test_backend b) {
    if (b == test_backend::sim) {
        return kx_sim::cudaDeviceSynchronize() == kx_sim::cudaSuccess ||
               test_device_detail::fail("synchronize", "cudaDeviceSynchronize failed");
    }
#if defined(NN_WITH_CUDA)
    if (b == test_backend::cuda) {
        const cudaError_t err = cudaDeviceSynchronize();
        return err == cudaSuccess ||
               test_device_detail::fail("synchronize", cudaGetErrorString(err));
    }
#endif
    return test_device_detail::fail("synchronize", "not a device backend in this build");
}

/** n floats of device memory between two DEV_GUARD poisoned guards. */
struct dev_buffer {
    /** A poisoned output of n floats. */
    dev_buffer(test_backend b, size_t n) : backend_(b), n_(n) {
        base_ = static_cast<float *>(test_device_detail::alloc(b, total() * sizeof(float)));
    }
    /** A copy of host (guards poisoned). */
    dev_buffer(test_backend b, const std::vector<float> & host) : dev_buffer(b, host.size()) {
        upload(host);
    }
    dev_buffer(const dev_buffer &)             = delete;
    dev_buffer & operator=(const dev_buffer &) = delete;
    dev_buffer(dev_buffer && other) noexcept :
        backend_(other.backend_), n_(other.n_), base_(std::exchange(other.base_, nullptr)) {}
    ~dev_buffer() { test_device_detail::release(backend_, base_); }

    /** The first of the n elements (null after a failed allocation). */
    float *       data() { return base_ == nullptr ? nullptr : base_ + DEV_GUARD; }
    const float * data() const { return base_ == nullptr ? nullptr : base_ + DEV_GUARD; }
    size_t        size() const { return n_; }

    /** Overwrites the n elements with host (host.size() must be n). */
    void upload(const std::vector<float> & host) {
        if (base_ == nullptr) {
            return;
        }
        if (host.size() != n_) {
            test_device_detail::fail("upload", "size differs from the buffer's");
            return;
        }
        test_device_detail::copy(backend_, data(), host.data(), n_ * sizeof(float), true);
    }

    /** The n values after synchronising; empty (a failed check recorded) on an error. */
    std::vector<float> download() const {
        std::vector<float> host(n_);
        if (base_ == nullptr ||
            !test_device_detail::copy(backend_, host.data(), data(), n_ * sizeof(float), false)) {
            return {};
        }
        return host;
    }

    /** True when both guards still hold only 0xFF bytes (no write outside [0, n)). */
    bool guards_intact() const {
        if (base_ == nullptr) {
            return false;
        }
        std::vector<unsigned char> host(total() * sizeof(float));
        if (!test_device_detail::copy(backend_, host.data(), base_, host.size(), false)) {
            return false;
        }
        const size_t guard_bytes = DEV_GUARD * sizeof(float);
        for (size_t i = 0; i < guard_bytes; i++) {
            if (host[i] != 0xFF || host[host.size() - guard_bytes + i] != 0xFF) {
                return false;
            }
        }
        return true;
    }

  private:
    size_t total() const { return n_ + 2 * DEV_GUARD; }

    test_backend backend_;
    size_t       n_;
    float *      base_ = nullptr;
};

/** A device copy of host bytes (masks such as `valid`), freed with the object. */
struct dev_bytes {
    dev_bytes(test_backend b, const std::vector<unsigned char> & host) : backend_(b) {
        base_ = static_cast<unsigned char *>(test_device_detail::alloc(b, host.size() + 1));
        if (base_ != nullptr && !host.empty()) {
            test_device_detail::copy(b, base_, host.data(), host.size(), true);
        }
    }
    dev_bytes(const dev_bytes &)             = delete;
    dev_bytes & operator=(const dev_bytes &) = delete;
    ~dev_bytes() { test_device_detail::release(backend_, base_); }

    unsigned char * data() { return base_; }

  private:
    test_backend    backend_;
    unsigned char * base_ = nullptr;
};

/** The status DEV_CALL gives for cuda in a build without CUDA. */
inline nn_status dev_unsupported(const char * name) {
    return nn_fail(NN_STATUS_UNSUPPORTED, "%s_cuda: this build has no CUDA", name);
}

/** Calls name##_sim or name##_cuda (by backend) with the arguments; an nn_status. */
#if defined(NN_WITH_CUDA)
#define DEV_CALL(backend, name, ...) \
    ((backend) == test_backend::sim ? name##_sim(__VA_ARGS__) : name##_cuda(__VA_ARGS__))
#else
#define DEV_CALL(backend, name, ...) \
    ((backend) == test_backend::sim ? name##_sim(__VA_ARGS__) : dev_unsupported(#name))
#endif

/** NMSE of got against ref within bound, one CHECK (a size mismatch fails); -v prints it. */
inline void check_close(const char * what, const std::vector<float> & got,
                        const std::vector<float> & ref, double bound) {
    const double err = got.size() == ref.size() ? nmse(got.data(), ref.data(), ref.size()) : 1e30;
    CHECK_MSG(err <= bound, "%s: NMSE %.3g > %.3g", what, err, bound);
    if (test_verbose()) {
        std::printf("    %-28s NMSE %.3g\n", what, err);
    }
}

// ----------------------------------------------------------------------------
// `valid` masks for the masked kernels (1 = a sample counts)

/** No mask (null), holes and runs of zeros, or all zero but one sample. */
enum class mask_kind { none, some, one };

/** The suffix a case's name gets for its mask. */
inline const char * mask_name(mask_kind m) {
    return m == mask_kind::none ? "" : m == mask_kind::some ? " masked" : " one valid";
}

/** n flags for m (all 1 for none). `some` keeps sample 0 so a mask is never all zero; `one`
 * keeps only n / 2. */
inline std::vector<unsigned char> make_mask(mask_kind m, size_t n) {
    std::vector<unsigned char> valid(n, 1);
    if (m == mask_kind::some) {
        for (size_t i = 0; i < n; i++) {
            valid[i] = (i % 5 == 1 || i % 7 == 3) ? 0 : 1; // holes and runs of flags
        }
        valid[0] = 1;
    } else if (m == mask_kind::one) {
        std::fill(valid.begin(), valid.end(), 0);
        valid[n / 2] = 1;
    }
    return valid;
}

// ----------------------------------------------------------------------------
// owners of device objects that the runtime or an entry point creates

/**
 * A stream and the CUDA graph captured on it, on backend b (the simulator's runtime or CUDA's):
 * the trainer's way of replaying an epoch with per-epoch values read from device memory.
 */
struct captured_graph {
    test_backend     b;
    nn_cuda_stream_t stream = nullptr;
    void *           graph  = nullptr;
    void *           exec   = nullptr;

    explicit captured_graph(test_backend backend) : b(backend) {}
    captured_graph(const captured_graph &)             = delete;
    captured_graph & operator=(const captured_graph &) = delete;

    /** Records what record(stream) launches; false (a failed check) on any error. */
    template <typename F>
    bool capture(F && record) {
        if (b == test_backend::sim) {
            kx_sim::cudaGraph_t     g = nullptr;
            kx_sim::cudaGraphExec_t e = nullptr;
            const bool ok = kx_sim::cudaStreamCreate(&stream) == kx_sim::cudaSuccess &&
                            kx_sim::cudaStreamBeginCapture(
                                stream, kx_sim::cudaStreamCaptureModeGlobal) == kx_sim::cudaSuccess &&
                            record(stream) &&
                            kx_sim::cudaStreamEndCapture(stream, &g) == kx_sim::cudaSuccess &&
                            kx_sim::cudaGraphInstantiate(&e, g, 0) == kx_sim::cudaSuccess;
            graph = g;
            exec  = e;
            CHECK_MSG(ok, "capture: %s", kx_sim::cudaGetErrorString(kx_sim::cudaGetLastError()));
            return ok;
        }
#if defined(NN_WITH_CUDA)
        cudaStream_t    s = nullptr;
        cudaGraph_t     g = nullptr;
        cudaGraphExec_t e = nullptr;
        const bool      ok =
            cudaStreamCreate(&s) == cudaSuccess &&
            cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal) == cudaSuccess &&
            record(static_cast<nn_cuda_stream_t>(s)) && cudaStreamEndCapture(s, &g) == cudaSuccess &&
            cudaGraphInstantiate(&e, g, 0) == cudaSuccess;
        stream = s;
        graph  = g;
        exec   = e;
        CHECK_MSG(ok, "capture: %s", cudaGetErrorString(cudaGetLastError()));
        return ok;
#else
        (void) record;
        return false;
#endif
    }

    /** Launches the graph and waits for it. */
    bool replay() {
        if (b == test_backend::sim) {
            return kx_sim::cudaGraphLaunch(static_cast<kx_sim::cudaGraphExec_t>(exec), stream) ==
                       kx_sim::cudaSuccess &&
                   kx_sim::cudaStreamSynchronize(stream) == kx_sim::cudaSuccess;
        }
#if defined(NN_WITH_CUDA)
        return cudaGraphLaunch(static_cast<cudaGraphExec_t>(exec), stream) == cudaSuccess &&
               cudaStreamSynchronize(stream) == cudaSuccess;
#else
        return false;
#endif
    }

    ~captured_graph() {
        if (b == test_backend::sim) {
            if (exec != nullptr) {
                kx_sim::cudaGraphExecDestroy(static_cast<kx_sim::cudaGraphExec_t>(exec));
            }
            if (graph != nullptr) {
                kx_sim::cudaGraphDestroy(static_cast<kx_sim::cudaGraph_t>(graph));
            }
            if (stream != nullptr) {
                kx_sim::cudaStreamDestroy(stream);
            }
        }
#if defined(NN_WITH_CUDA)
        if (b == test_backend::cuda) {
            if (exec != nullptr) {
                cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(exec));
            }
            if (graph != nullptr) {
                cudaGraphDestroy(static_cast<cudaGraph_t>(graph));
            }
            if (stream != nullptr) {
                cudaStreamDestroy(static_cast<cudaStream_t>(stream));
            }
        }
#endif
    }
};

/** A device MSS plan (mss_plan_create_dev fills p), freed with its backend's entry point. */
struct dev_mss_plan {
    test_backend      b;
    nn_dev_mss_plan * p = nullptr;
    explicit dev_mss_plan(test_backend backend) : b(backend) {}
    dev_mss_plan(const dev_mss_plan &)             = delete;
    dev_mss_plan & operator=(const dev_mss_plan &) = delete;
    ~dev_mss_plan() {
        if (p == nullptr) {
            return;
        }
        if (b == test_backend::sim) {
            mss_plan_free_dev_sim(p);
        }
#if defined(NN_WITH_CUDA)
        if (b == test_backend::cuda) {
            mss_plan_free_dev_cuda(p);
        }
#endif
    }
};
