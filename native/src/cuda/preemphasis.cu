// preemphasis.cu: pre-emphasis on the device, checked against cpu/preemphasis.cpp by test/native
// (on CUDA and in the simulator).
//   forward:  y[t]  = x[t]  - a * x[t-1],   y[0] = x[0]
//   backward: dx[t] = dy[t] - a * dy[t+1],  dx[T-1] = dy[T-1]   (activation gradient: written, =)
// Rows of T samples are contiguous; the flattened index i = row * T + t (the views' (B, C, T)
// is rows = B * C).

#include <climits>

#include "cuda/common.cuh"
#include "cuda/device-ops.h"
#include "cuda/preemphasis.cuh"
#include "nn/preemphasis.h"

// ----------------------------------------------------------------------------
// CUDA kernels

// x is (rows, T), y is (rows, T); n = rows * T
KX_GLOBAL void preemphasis_forward_kernel(const float * __restrict__ x, float * __restrict__ y,
                                          size_t n, size_t T, float a) {
    const size_t i =
        static_cast<size_t>(kx::block_idx().x) * kx::block_dim().x + kx::thread_idx().x;
    if (i >= n) {
        return;
    }
    const size_t t = i % T;
    y[i]           = t == 0 ? x[i] : x[i] - a * x[i - 1];
}

// dy is (rows, T), dx is (rows, T); n = rows * T
KX_GLOBAL void preemphasis_backward_kernel(const float * __restrict__ dy, float * __restrict__ dx,
                                           size_t n, size_t T, float a) {
    const size_t i =
        static_cast<size_t>(kx::block_idx().x) * kx::block_dim().x + kx::thread_idx().x;
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

static nn_status preemphasis_forward_launch(const char * op, const float * x, float * y, size_t n,
                                            size_t T, float a, cudaStream_t stream) {
    unsigned int blocks = 0;
    NN_TRY(preemphasis_grid(op, n, &blocks));
    KX_LAUNCH(preemphasis_forward_kernel, blocks, PREEMPHASIS_BLOCK_SIZE, stream, x, y, n, T, a);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status preemphasis_backward_launch(const char * op, const float * dy, float * dx,
                                             size_t n, size_t T, float a, cudaStream_t stream) {
    unsigned int blocks = 0;
    NN_TRY(preemphasis_grid(op, n, &blocks));
    KX_LAUNCH(preemphasis_backward_kernel, blocks, PREEMPHASIS_BLOCK_SIZE, stream, dy, dx, n, T, a);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// The raw entries' argument check: non-null, non-empty, in and out distinct.
static nn_status preemphasis_check_raw(const char * op, const float * in, const float * out,
                                       size_t rows, size_t T) {
    if (in == nullptr || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: null pointer", op);
    }
    if (rows == 0 || T == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: empty shape (rows %zu, T %zu)", op, rows,
                       T);
    }
    if (rows > SIZE_MAX / T) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: rows %zu × T %zu overflow", op, rows, T);
    }
    const size_t n = rows * T;
    if (in < out + n && out < in + n) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: input and output overlap", op);
    }
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

#define PREEMPHASIS_NAME(name) PREEMPHASIS_STR(KX_ENTRY(name))
#define PREEMPHASIS_STR(name)  PREEMPHASIS_STR2(name)
#define PREEMPHASIS_STR2(name) #name

nn_status KX_ENTRY(preemphasis_forward_dev)(const float * x, float * y, size_t rows, size_t T,
                                            float a, nn_cuda_stream_t stream) {
    const char * op = PREEMPHASIS_NAME(preemphasis_forward_dev);
    NN_TRY(preemphasis_check_raw(op, x, y, rows, T));
    NN_TRY(preemphasis_forward_launch(op, x, y, rows * T, T, a, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(preemphasis_backward_dev)(const float * dy, float * dx, size_t rows, size_t T,
                                             float a, nn_cuda_stream_t stream) {
    const char * op = PREEMPHASIS_NAME(preemphasis_backward_dev);
    NN_TRY(preemphasis_check_raw(op, dy, dx, rows, T));
    NN_TRY(preemphasis_backward_launch(op, dy, dx, rows * T, T, a, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}

#if !defined(NN_SIM)
// The view entry points of nn/preemphasis.h (nn_core's CUDA build only; the simulator has the
// raw entries above).

nn_status preemphasis_forward_cuda(const nn_tensor_view * x, nn_tensor_view * y, float a,
                                   nn_cuda_stream_t stream) {
    NN_TRY(nn_check_same_3d("preemphasis_forward_cuda", "x", x, "y", y));
    NN_TRY(preemphasis_forward_launch("preemphasis_forward_cuda", x->data, y->data,
                                      nn_view_numel(x), x->shape[2], a, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status preemphasis_backward_cuda(const nn_tensor_view * dy, nn_tensor_view * dx, float a,
                                    nn_cuda_stream_t stream) {
    NN_TRY(nn_check_same_3d("preemphasis_backward_cuda", "dy", dy, "dx", dx));
    NN_TRY(preemphasis_backward_launch("preemphasis_backward_cuda", dy->data, dx->data,
                                       nn_view_numel(dy), dy->shape[2], a, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}
#endif
