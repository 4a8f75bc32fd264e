// preemphasis.cu: CUDA pre-emphasis, checked against cpu/preemphasis.cpp by test/native.
//   forward:  y[t]  = x[t]  - a * x[t-1],   y[0] = x[0]
//   backward: dx[t] = dy[t] - a * dy[t+1],  dx[T-1] = dy[T-1]   (activation gradient: written, =)
// Views are contiguous (B, C, T) device memory; the flattened index i = (b*C + c)*T + t.

#include <climits>

#include "cuda/common.cuh"
#include "cuda/preemphasis.cuh"
#include "nn/preemphasis.h"

// ----------------------------------------------------------------------------
// CUDA kernels

// x is (B, C, T), y is (B, C, T); n = B*C*T
static __global__ void preemphasis_forward_kernel(const float * __restrict__ x,
                                                  float * __restrict__ y, size_t n, size_t T,
                                                  float a) {
    const size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    const size_t t = i % T;
    y[i]           = t == 0 ? x[i] : x[i] - a * x[i - 1];
}

// dy is (B, C, T), dx is (B, C, T); n = B*C*T
static __global__ void preemphasis_backward_kernel(const float * __restrict__ dy,
                                                   float * __restrict__ dx, size_t n, size_t T,
                                                   float a) {
    const size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    const size_t t = i % T;
    dx[i]          = t + 1 == T ? dy[i] : dy[i] - a * dy[i + 1];
}

// ----------------------------------------------------------------------------
// kernel launchers

static nn_status preemphasis_grid(const char * op, size_t n, unsigned int * blocks) {
    const size_t count = ceil_div(n, static_cast<size_t>(PREEMPHASIS_BLOCK_SIZE));
    if (count > static_cast<size_t>(INT_MAX)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu elements exceed one launch", op, n);
    }
    *blocks = static_cast<unsigned int>(count);
    return NN_STATUS_OK;
}

static nn_status preemphasis_forward_launch(const float * x, float * y, size_t n, size_t T, float a,
                                            cudaStream_t stream) {
    unsigned int    blocks = 0;
    NN_TRY(preemphasis_grid("preemphasis_forward_cuda", n, &blocks));
    preemphasis_forward_kernel<<<blocks, PREEMPHASIS_BLOCK_SIZE, 0, stream>>>(x, y, n, T, a);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status preemphasis_backward_launch(const float * dy, float * dx, size_t n, size_t T,
                                             float a, cudaStream_t stream) {
    unsigned int    blocks = 0;
    NN_TRY(preemphasis_grid("preemphasis_backward_cuda", n, &blocks));
    preemphasis_backward_kernel<<<blocks, PREEMPHASIS_BLOCK_SIZE, 0, stream>>>(dy, dx, n, T, a);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

nn_status preemphasis_forward_cuda(const nn_tensor_view * x, nn_tensor_view * y, float a,
                                   nn_cuda_stream_t stream) {
    NN_TRY(nn_check_same_3d("preemphasis_forward_cuda", "x", x, "y", y));
    const nn_status launched =
        preemphasis_forward_launch(x->data, y->data, nn_view_numel(x), x->shape[2], a, stream);
    if (launched == NN_STATUS_OK) {
        nn_clear_error();
    }
    return launched;
}

nn_status preemphasis_backward_cuda(const nn_tensor_view * dy, nn_tensor_view * dx, float a,
                                    nn_cuda_stream_t stream) {
    NN_TRY(nn_check_same_3d("preemphasis_backward_cuda", "dy", dy, "dx", dx));
    const nn_status launched =
        preemphasis_backward_launch(dy->data, dx->data, nn_view_numel(dy), dy->shape[2], a, stream);
    if (launched == NN_STATUS_OK) {
        nn_clear_error();
    }
    return launched;
}
