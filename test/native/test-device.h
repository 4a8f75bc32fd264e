// test-device.h: what a device test case needs on both device backends, cuda (the GPU, in a
// build with NN_WITH_CUDA) and sim (the same kernels on the CPU simulator, always built): device
// buffers with guard zones and poison (ggml's sentinels) and DEV_CALL to pick the entry point.
// defines: device_backend, DEV_GUARD, dev_buffer, dev_bytes, dev_synchronize, dev_unsupported,
//          DEV_CALL
//
//   dev_buffer y(b, n);                 // an output: [guard | n | guard], every byte 0xFF (NaN)
//   dev_buffer x(b, host);              // an input: a copy of host between poisoned guards
//   CHECK(DEV_CALL(b, leaky_relu_forward_dev, x.data(), y.data(), n, 0.2f, nullptr) ==
//   NN_STATUS_OK); std::vector<float> got = y.download();   // the n values (synchronises first)
//   CHECK(y.guards_intact());                // nothing written outside [0, n)
// An element the kernel leaves unwritten stays NaN, so its NMSE is inf; reading past an input
// reads NaN. A failed allocation or copy is a failed check (and data() is null).
#pragma once

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
