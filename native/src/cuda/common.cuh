// common.cuh: helpers for every file in src/cuda/, on both targets (cuda/kernel.cuh: nvcc into
// nn_core, g++ -DNN_SIM into nn_sim): include this, never <cuda_runtime.h> directly.
// defines: NN_CUDA_CHECK, nn_cuda_status, ceil_div
//
// NN_CUDA_CHECK(call) returns an nn_status from the enclosing function when call fails,
// recording file, line and the CUDA error for nn_last_error(); it never aborts. In the simulator
// a launch whose check failed (a race, a divergent barrier, …) surfaces here through
// cudaGetLastError(), and cudaGetErrorString names the kernel, block, threads and check.
#pragma once

#include "common.h"
#include "cuda/kernel.cuh"

/** The nn_status for a CUDA error: allocation failures are OUT_OF_MEMORY, the rest CUDA_ERROR. */
inline nn_status nn_cuda_status(cudaError_t err) {
    return err == cudaErrorMemoryAllocation ? NN_STATUS_OUT_OF_MEMORY : NN_STATUS_CUDA_ERROR;
}

#define NN_CUDA_CHECK(call)                                                                   \
    do {                                                                                      \
        const cudaError_t nn_cuda_check_err_ = (call);                                        \
        if (nn_cuda_check_err_ != cudaSuccess) {                                              \
            return nn_fail(nn_cuda_status(nn_cuda_check_err_), "%s:%d: %s failed: %s (%s)",   \
                           __FILE__, __LINE__, #call, cudaGetErrorString(nn_cuda_check_err_), \
                           cudaGetErrorName(nn_cuda_check_err_));                             \
        }                                                                                     \
    } while (0)

/** ceil(a / b) for positive integers: the number of blocks covering a elements. */
template <typename T>
KX_HOST_DEVICE constexpr T ceil_div(T a, T b) {
    return (a + b - 1) / b;
}
