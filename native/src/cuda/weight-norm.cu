// weight-norm.cu: PyTorch's weight_norm(dim=0) on the device, the arithmetic of
// cpu/weight-norm-impl.h (norms and dot products in double, the same products in the same
// order), checked by test/native/test-weight-norm-dev.cpp.
//   v, w, dw, dv (C_out, row) with row = C_in·K; g, dg (C_out)
//   forward:  w[o] = g[o] v[o] / ||v[o]||
//   backward: dg[o] += s / ||v[o]||, dv[o] += (g / n) dw[o] - (g s / n^3) v[o], s = dw[o]·v[o]
// A row of v that is all zeros gives inf / NaN here: the CPU refuses it before writing, but its
// norm lives in device memory and the entry points never synchronise. The trainer's rows start
// from the CPU model's (checked) weights.

#include <climits>
#include <cmath>

#include "cuda/block-reduce.cuh"
#include "cuda/common.cuh"
#include "cuda/kernel.cuh"
#include "cuda/device-ops.h"
#include "cuda/weight-norm.cuh"

// ----------------------------------------------------------------------------
// CUDA kernels

// grid (C_out), block WN_BLOCK. v, w (C_out, row), g (C_out) (weight_norm_forward_ref).
KX_GLOBAL void wn_forward_kernel(const float * v, const float * g, float * w, size_t row) {
    KX_SHARED(double, red, WN_BLOCK / 32 * 1);
    const size_t   o  = kx::block_idx().x;
    const unsigned id = kx::thread_idx().x;
    const float *  vo = v + o * row;
    double         sq[1] = {0.0};
    for (size_t j = id; j < row; j += WN_BLOCK) {
        sq[0] += static_cast<double>(vo[j]) * static_cast<double>(vo[j]);
    }
    block_sum<WN_BLOCK, 1>(sq, red);
    const double scale = static_cast<double>(g[o]) / sqrt(sq[0]);
    for (size_t j = id; j < row; j += WN_BLOCK) {
        w[o * row + j] = static_cast<float>(scale * static_cast<double>(vo[j]));
    }
}

// grid (C_out), block WN_BLOCK. dw, v, dv (C_out, row), g, dg (C_out); dv, dg accumulated (+=),
// either may be null (weight_norm_backward_ref).
KX_GLOBAL void wn_backward_kernel(const float * dw, const float * v, const float * g, float * dv,
                                  float * dg, size_t row) {
    KX_SHARED(double, red, WN_BLOCK / 32 * 2);
    const size_t   o       = kx::block_idx().x;
    const unsigned id      = kx::thread_idx().x;
    const float *  vo      = v + o * row;
    const float *  dwo     = dw + o * row;
    double         sums[2] = {0.0, 0.0}; // ||v[o]||^2, dw[o]·v[o]
    for (size_t j = id; j < row; j += WN_BLOCK) {
        sums[0] += static_cast<double>(vo[j]) * static_cast<double>(vo[j]);
        sums[1] += static_cast<double>(dwo[j]) * static_cast<double>(vo[j]);
    }
    block_sum<WN_BLOCK, 2>(sums, red);
    const double sq = sums[0], s = sums[1];
    const double norm = sqrt(sq);
    if (dg != nullptr && id == 0) {
        dg[o] += static_cast<float>(s / norm); // a float add, as the CPU's dg[o] += Real(...)
    }
    if (dv != nullptr) {
        const double a = static_cast<double>(g[o]) / norm; // on dw
        const double c = a * s / sq;                       // on v: g s / n^3
        for (size_t j = id; j < row; j += WN_BLOCK) {
            dv[o * row + j] += static_cast<float>(a * static_cast<double>(dwo[j]) -
                                                  c * static_cast<double>(vo[j]));
        }
    }
}

// ----------------------------------------------------------------------------
// kernel launchers

static nn_status wn_grid(const char * op, size_t C_out, kx::dim3 * grid) {
    if (C_out > static_cast<size_t>(INT_MAX)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu rows exceed one launch", op, C_out);
    }
    *grid = kx::dim3(static_cast<unsigned>(C_out));
    return NN_STATUS_OK;
}

static nn_status wn_forward_launch(const char * op, const float * v, const float * g, float * w,
                                   size_t C_out, size_t row, nn_cuda_stream_t stream) {
    kx::dim3 grid;
    NN_TRY(wn_grid(op, C_out, &grid));
    KX_LAUNCH(wn_forward_kernel, grid, kx::dim3(WN_BLOCK), stream, v, g, w, row);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status wn_backward_launch(const char * op, const float * dw, const float * v,
                                    const float * g, float * dv, float * dg, size_t C_out,
                                    size_t row, nn_cuda_stream_t stream) {
    kx::dim3 grid;
    NN_TRY(wn_grid(op, C_out, &grid));
    KX_LAUNCH(wn_backward_kernel, grid, kx::dim3(WN_BLOCK), stream, dw, v, g, dv, dg, row);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

nn_status KX_ENTRY(weight_norm_forward_dev)(const float * v, const float * g, float * w,
                                            size_t C_out, size_t row, nn_cuda_stream_t stream) {
    const char * op = "weight_norm_forward_dev";
    if (v == nullptr || g == nullptr || w == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: v, g and w must not be null", op);
    }
    if (C_out == 0 || row == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: empty (C_out, row) = (%zu, %zu)", op,
                       C_out, row);
    }
    const nn_status status = wn_forward_launch(op, v, g, w, C_out, row, stream);
    if (status == NN_STATUS_OK) {
        nn_clear_error();
    }
    return status;
}

nn_status KX_ENTRY(weight_norm_backward_dev)(const float * dw, const float * v, const float * g,
                                             float * dv, float * dg, size_t C_out, size_t row,
                                             nn_cuda_stream_t stream) {
    const char * op = "weight_norm_backward_dev";
    if (dw == nullptr || v == nullptr || g == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dw, v and g must not be null", op);
    }
    if (dv == nullptr && dg == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: dv and dg are both null: nothing to compute", op);
    }
    if (C_out == 0 || row == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: empty (C_out, row) = (%zu, %zu)", op,
                       C_out, row);
    }
    const nn_status status = wn_backward_launch(op, dw, v, g, dv, dg, C_out, row, stream);
    if (status == NN_STATUS_OK) {
        nn_clear_error();
    }
    return status;
}
