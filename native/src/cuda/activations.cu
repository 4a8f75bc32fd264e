// activations.cu: LeakyReLU and the gated unit tanh(a)·sigmoid(b) on the device, the arithmetic
// of cpu/activations-impl.h in float, checked by test/native/test-activations-dev.cpp.
//   x, y, dy, dx, a, b, out, dout, da, db (n), flat: the model calls these on (C·T) rows.
// LeakyReLU is exact (the same compare and product as the CPU). The gated unit uses the
// target's tanhf / expf: glibc's in the simulator (the CPU's own), CUDA's (within 2 ulp, no fast
// math) on the device.

#include <climits>
#include <cmath>

#include "cuda/activations.cuh"
#include "cuda/common.cuh"
#include "cuda/kernel.cuh"
#include "cuda/device-ops.h"

// ----------------------------------------------------------------------------
// CUDA kernels

// The first index of this thread and the grid's stride, for a grid-stride loop.
KX_DEVICE size_t act_first() {
    return static_cast<size_t>(kx::block_idx().x) * ACT_BLOCK + kx::thread_idx().x;
}
KX_DEVICE size_t act_stride() { return static_cast<size_t>(kx::grid_dim().x) * ACT_BLOCK; }

// x, y (n): y = x > 0 ? x : slope x.
KX_GLOBAL void leaky_forward_kernel(const float * x, float * y, size_t n, float slope) {
    for (size_t i = act_first(); i < n; i += act_stride()) {
        const float v = x[i];
        y[i]          = v > 0.0f ? v : slope * v;
    }
}

// dy, x, dx (n): dx = x > 0 ? dy : slope dy (also the JVP with dy = the tangent).
KX_GLOBAL void leaky_backward_kernel(const float * dy, const float * x, float * dx, size_t n,
                                     float slope) {
    for (size_t i = act_first(); i < n; i += act_stride()) {
        dx[i] = x[i] > 0.0f ? dy[i] : slope * dy[i];
    }
}

KX_DEVICE float act_sigmoid(float b) { return 1.0f / (1.0f + expf(-b)); }

// a, b, out (n): out = tanh(a) sigmoid(b).
KX_GLOBAL void gated_forward_kernel(const float * a, const float * b, float * out, size_t n) {
    for (size_t i = act_first(); i < n; i += act_stride()) {
        out[i] = tanhf(a[i]) * act_sigmoid(b[i]);
    }
}

// dout, a, b, da, db (n): da = dout sg (1 - th^2), db = dout th sg (1 - sg); either output may
// be null.
KX_GLOBAL void gated_backward_kernel(const float * dout, const float * a, const float * b,
                                     float * da, float * db, size_t n) {
    for (size_t i = act_first(); i < n; i += act_stride()) {
        const float th = tanhf(a[i]);
        const float sg = act_sigmoid(b[i]);
        if (da != nullptr) {
            da[i] = dout[i] * sg * (1.0f - th * th);
        }
        if (db != nullptr) {
            db[i] = dout[i] * th * sg * (1.0f - sg);
        }
    }
}

// ----------------------------------------------------------------------------
// kernel launchers

// Blocks for n elements: one per ACT_BLOCK elements, at most ACT_MAX_BLOCKS.
static kx::dim3 act_grid(size_t n) {
    const size_t wanted = ceil_div(n, static_cast<size_t>(ACT_BLOCK));
    return kx::dim3(static_cast<unsigned>(wanted < ACT_MAX_BLOCKS ? wanted : ACT_MAX_BLOCKS));
}

static nn_status leaky_forward_launch(const float * x, float * y, size_t n, float slope,
                                      nn_cuda_stream_t stream) {
    KX_LAUNCH(leaky_forward_kernel, act_grid(n), kx::dim3(ACT_BLOCK), stream, x, y, n, slope);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status leaky_backward_launch(const float * dy, const float * x, float * dx, size_t n,
                                       float slope, nn_cuda_stream_t stream) {
    KX_LAUNCH(leaky_backward_kernel, act_grid(n), kx::dim3(ACT_BLOCK), stream, dy, x, dx, n,
              slope);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status gated_forward_launch(const float * a, const float * b, float * out, size_t n,
                                      nn_cuda_stream_t stream) {
    KX_LAUNCH(gated_forward_kernel, act_grid(n), kx::dim3(ACT_BLOCK), stream, a, b, out, n);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status gated_backward_launch(const float * dout, const float * a, const float * b,
                                       float * da, float * db, size_t n,
                                       nn_cuda_stream_t stream) {
    KX_LAUNCH(gated_backward_kernel, act_grid(n), kx::dim3(ACT_BLOCK), stream, dout, a, b, da, db,
              n);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

namespace {

nn_status act_done(nn_status status) {
    if (status == NN_STATUS_OK) {
        nn_clear_error();
    }
    return status;
}

nn_status act_check_n(const char * op, size_t n) {
    if (n == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: n is 0", op);
    }
    return NN_STATUS_OK;
}

nn_status act_check_slope(const char * op, float slope) {
    if (!std::isfinite(slope)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: slope must be finite, got %g", op,
                       static_cast<double>(slope));
    }
    return NN_STATUS_OK;
}

} // namespace

nn_status KX_ENTRY(leaky_relu_forward_dev)(const float * x, float * y, size_t n, float slope,
                                           nn_cuda_stream_t stream) {
    const char * op = "leaky_relu_forward_dev";
    if (x == nullptr || y == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x and y must not be null", op);
    }
    NN_TRY(act_check_n(op, n));
    NN_TRY(act_check_slope(op, slope));
    return act_done(leaky_forward_launch(x, y, n, slope, stream));
}

nn_status KX_ENTRY(leaky_relu_backward_dev)(const float * dy, const float * x, float * dx,
                                            size_t n, float slope, nn_cuda_stream_t stream) {
    const char * op = "leaky_relu_backward_dev";
    if (dy == nullptr || x == nullptr || dx == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dy, x and dx must not be null", op);
    }
    NN_TRY(act_check_n(op, n));
    NN_TRY(act_check_slope(op, slope));
    return act_done(leaky_backward_launch(dy, x, dx, n, slope, stream));
}

nn_status KX_ENTRY(gated_unit_forward_dev)(const float * a, const float * b, float * out, size_t n,
                                           nn_cuda_stream_t stream) {
    const char * op = "gated_unit_forward_dev";
    if (a == nullptr || b == nullptr || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: a, b and out must not be null", op);
    }
    NN_TRY(act_check_n(op, n));
    return act_done(gated_forward_launch(a, b, out, n, stream));
}

nn_status KX_ENTRY(gated_unit_backward_dev)(const float * dout, const float * a, const float * b,
                                            float * da, float * db, size_t n,
                                            nn_cuda_stream_t stream) {
    const char * op = "gated_unit_backward_dev";
    if (dout == nullptr || a == nullptr || b == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dout, a and b must not be null", op);
    }
    if (da == nullptr && db == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: da and db are both null", op);
    }
    NN_TRY(act_check_n(op, n));
    return act_done(gated_backward_launch(dout, a, b, da, db, n, stream));
}
