// test-cuda.h: what a CUDA test case needs: CUDA_OK, and guarded device buffers (ggml's
// sentinels) that catch unwritten elements and out-of-bounds writes.
// defines: CUDA_OK, TEST_GUARD, guarded_buffer, guards_intact, to_device, device_copy
// Only for NN_WITH_CUDA builds; a case's CUDA branch is compiled under the same condition.
#pragma once

#if defined(NN_WITH_CUDA)

#include <cuda_runtime.h>

#include <cstdio>
#include <vector>

#include "test-common.h"

/** Counts a failed CUDA call as a failed check and returns from the (void) caller. */
#define CUDA_OK(call)                                                      \
    do {                                                                   \
        test_checks()++;                                                   \
        const cudaError_t err_ = (call);                                   \
        if (err_ != cudaSuccess) {                                         \
            std::printf("FAIL %s:%d: %s: %s\n", __FILE__, __LINE__, #call, \
                        cudaGetErrorString(err_));                         \
            test_failures()++;                                             \
            return;                                                        \
        }                                                                  \
    } while (0)

/** Elements of poison on each side of a device output. */
constexpr size_t TEST_GUARD = 1024;

/**
 * A device output [guard | n | guard] filled with 0xFF bytes (NaN as float): an element the
 * kernel leaves unwritten stays NaN (NMSE inf), a write outside [0, n) spoils a guard.
 */
struct guarded_buffer {
    float * base = nullptr;
    size_t  n    = 0;

    guarded_buffer()                                   = default;
    guarded_buffer(const guarded_buffer &)             = delete;
    guarded_buffer & operator=(const guarded_buffer &) = delete;

    float * data() const { return base + TEST_GUARD; }
    size_t  total() const { return n + 2 * TEST_GUARD; }

    /** Allocates and poisons; false (a failed check recorded) on a CUDA error. */
    bool init(size_t count) {
        n = count;
        if (cudaMalloc(&base, total() * sizeof(float)) != cudaSuccess ||
            cudaMemset(base, 0xFF, total() * sizeof(float)) != cudaSuccess) {
            std::printf("FAIL guarded_buffer: cannot allocate %zu floats\n", total());
            test_failures()++;
            return false;
        }
        return true;
    }

    /** The host copy of [guard | n | guard] after the device is synchronised; empty on error. */
    std::vector<float> download() const {
        std::vector<float> host(total(), 0.0f);
        if (cudaDeviceSynchronize() != cudaSuccess ||
            cudaMemcpy(host.data(), base, total() * sizeof(float), cudaMemcpyDeviceToHost) !=
                cudaSuccess) {
            std::printf("FAIL guarded_buffer: %s\n", cudaGetErrorString(cudaGetLastError()));
            test_failures()++;
            host.clear();
        }
        return host;
    }

    ~guarded_buffer() { cudaFree(base); }
};

/** True when both guards of a downloaded [guard | n | guard] still hold the 0xFF poison. */
inline bool guards_intact(const std::vector<float> & host, size_t n) {
    const unsigned char * bytes = reinterpret_cast<const unsigned char *>(host.data());
    for (size_t i = 0; i < TEST_GUARD * sizeof(float); i++) {
        if (bytes[i] != 0xFF || bytes[(TEST_GUARD + n) * sizeof(float) + i] != 0xFF) {
            return false;
        }
    }
    return true;
}

/** A device copy of host (freed by the caller with cudaFree); null (failure recorded) on error. */
inline float * to_device(const std::vector<float> & host) {
    float * d = nullptr;
    if (cudaMalloc(&d, host.size() * sizeof(float)) != cudaSuccess ||
        cudaMemcpy(d, host.data(), host.size() * sizeof(float), cudaMemcpyHostToDevice) !=
            cudaSuccess) {
        std::printf("FAIL to_device: cannot copy %zu floats\n", host.size());
        test_failures()++;
        cudaFree(d);
        return nullptr;
    }
    return d;
}

/** Device memory holding a copy of host, freed with the object; data is null on a failure. */
struct device_copy {
    float * data = nullptr;

    explicit device_copy(const std::vector<float> & host) : data(to_device(host)) {}
    device_copy(const device_copy &)             = delete;
    device_copy & operator=(const device_copy &) = delete;
    ~device_copy() { cudaFree(data); }
};

#endif // NN_WITH_CUDA
