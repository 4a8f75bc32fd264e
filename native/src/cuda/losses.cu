// losses.cu: the scalar losses of training on the device, the arithmetic of cpu/losses-impl.h
// (sums in double, the scalar rounded to float once), with each scalar written to device memory
// so an epoch needs no host round trip; checked by test/native/test-losses-dev.cpp.
//   d, x, y, dd, dx, g, dg (n) or (T); valid (n) or null; out: one float in device memory
//   critic mean:   out = mean(d) (over valid), dd = dout / n (n_valid; 0 outside valid)
//   MSE:           out = mean((x - y)^2) (over valid), dx = dloss 2 (x - y) / n (n_valid; 0
//                  outside valid), as mse_backward_cpu and caw-trainer.cpp's inpainting branch
//   penalty:       out = lambda mean_t (|g_t| - 1)^2, dg = lambda 2 (|g| - 1) / T g / |g| (0 at
//                  g = 0), gradient_penalty_*_cpu with B = C = 1 and dgp = 1
//   axpy:          y += alpha x
// A mask with no valid sample divides by 0 (inf / NaN), as the CPU loops would; the trainer's
// masks keep at least one sample (caw_dmask_init, the hole checks).

#include <cmath>

#include "cuda/block-reduce.cuh"
#include "cuda/common.cuh"
#include "cuda/kernel.cuh"
#include "cuda/device-ops.h"
#include "cuda/losses.cuh"

// ----------------------------------------------------------------------------
// CUDA kernels

KX_DEVICE size_t loss_first() {
    return static_cast<size_t>(kx::block_idx().x) * LOSS_EW_BLOCK + kx::thread_idx().x;
}
KX_DEVICE size_t loss_stride() { return static_cast<size_t>(kx::grid_dim().x) * LOSS_EW_BLOCK; }

KX_DEVICE bool loss_valid(const unsigned char * valid, size_t i) {
    return valid == nullptr || valid[i] != 0;
}

// One block of LOSS_BLOCK. d (n), valid (n) or null: *out = sum over valid d / n_valid
// (loss_sum / n; caw_critic_mean_masked).
KX_GLOBAL void critic_mean_forward_kernel(const float * d, const unsigned char * valid, size_t n,
                                          float * out) {
    KX_SHARED(double, red, LOSS_BLOCK / 32 * 2);
    double sums[2] = {0.0, 0.0}; // sum, count
    for (size_t i = kx::thread_idx().x; i < n; i += LOSS_BLOCK) {
        const bool v = loss_valid(valid, i);
        sums[0] += v ? static_cast<double>(d[i]) : 0.0;
        sums[1] += v ? 1.0 : 0.0;
    }
    block_sum<LOSS_BLOCK, 2>(sums, red);
    if (kx::thread_idx().x == 0) {
        *out = static_cast<float>(sums[0] / sums[1]);
    }
}

// grid-stride. dd (n) = value (dout / n, computed on the host as critic_mean_backward_cpu does).
KX_GLOBAL void fill_kernel(float * dd, size_t n, float value) {
    for (size_t i = loss_first(); i < n; i += loss_stride()) {
        dd[i] = value;
    }
}

// One block of LOSS_BLOCK. valid, dd (n): dd = valid ? float(dout / n_valid) : 0.
KX_GLOBAL void critic_mean_masked_backward_kernel(float dout, const unsigned char * valid,
                                                  float * dd, size_t n) {
    KX_SHARED(double, red, LOSS_BLOCK / 32 * 1);
    double count[1] = {0.0};
    for (size_t i = kx::thread_idx().x; i < n; i += LOSS_BLOCK) {
        count[0] += valid[i] != 0 ? 1.0 : 0.0;
    }
    block_sum<LOSS_BLOCK, 1>(count, red);
    const float value = static_cast<float>(static_cast<double>(dout) / count[0]);
    for (size_t i = kx::thread_idx().x; i < n; i += LOSS_BLOCK) {
        dd[i] = valid[i] != 0 ? value : 0.0f;
    }
}

// One block of LOSS_BLOCK. x, y (n), valid (n) or null: *out = sum over valid (x - y)^2 / n_valid
// (mse_sum_squares / n).
KX_GLOBAL void mse_forward_kernel(const float * x, const float * y, const unsigned char * valid,
                                  size_t n, float * out) {
    KX_SHARED(double, red, LOSS_BLOCK / 32 * 2);
    double sums[2] = {0.0, 0.0}; // sum of squares, count
    for (size_t i = kx::thread_idx().x; i < n; i += LOSS_BLOCK) {
        const double d = static_cast<double>(x[i]) - static_cast<double>(y[i]);
        const bool   v = loss_valid(valid, i);
        sums[0] += v ? d * d : 0.0;
        sums[1] += v ? 1.0 : 0.0;
    }
    block_sum<LOSS_BLOCK, 2>(sums, red);
    if (kx::thread_idx().x == 0) {
        *out = static_cast<float>(sums[0] / sums[1]);
    }
}

// grid-stride. x, y, dx (n): dx = float(scale (x - y)), scale = dloss 2 / n (mse_backward_values).
KX_GLOBAL void mse_backward_kernel(const float * x, const float * y, float * dx, size_t n,
                                   double scale) {
    for (size_t i = loss_first(); i < n; i += loss_stride()) {
        dx[i] = static_cast<float>(scale * (static_cast<double>(x[i]) - static_cast<double>(y[i])));
    }
}

// One block of LOSS_BLOCK. x, y, valid, dx (n): n_valid counted first, then
// dx = valid ? float(dloss 2 / n_valid (x - y)) : 0.
KX_GLOBAL void mse_masked_backward_kernel(const float * x, const float * y,
                                          const unsigned char * valid, float * dx, size_t n,
                                          float dloss) {
    KX_SHARED(double, red, LOSS_BLOCK / 32 * 1);
    double count[1] = {0.0};
    for (size_t i = kx::thread_idx().x; i < n; i += LOSS_BLOCK) {
        count[0] += valid[i] != 0 ? 1.0 : 0.0;
    }
    block_sum<LOSS_BLOCK, 1>(count, red);
    const double scale = static_cast<double>(dloss) * 2.0 / count[0];
    for (size_t i = kx::thread_idx().x; i < n; i += LOSS_BLOCK) {
        dx[i] = valid[i] != 0 ? static_cast<float>(scale * (static_cast<double>(x[i]) -
                                                             static_cast<double>(y[i])))
                              : 0.0f;
    }
}

// One block of LOSS_BLOCK. g (T): *out = float(lambda sum_t (|g_t| - 1)^2 / T)
// (gradient_penalty_value with B = C = 1; |g| as its sqrt(g^2), exact in double).
KX_GLOBAL void gp_forward_kernel(const float * g, size_t T, double lambda, float * out) {
    KX_SHARED(double, red, LOSS_BLOCK / 32 * 1);
    double sum[1] = {0.0};
    for (size_t t = kx::thread_idx().x; t < T; t += LOSS_BLOCK) {
        const double v = static_cast<double>(g[t]);
        const double d = sqrt(v * v) - 1.0;
        sum[0] += d * d;
    }
    block_sum<LOSS_BLOCK, 1>(sum, red);
    if (kx::thread_idx().x == 0) {
        *out = static_cast<float>(lambda * sum[0] / static_cast<double>(T));
    }
}

// grid-stride. g, dg (T): dg = float(scale (n - 1) / n g), n = |g|, 0 where n = 0
// (gradient_penalty_backward_values).
KX_GLOBAL void gp_backward_kernel(const float * g, float * dg, size_t T, double scale) {
    for (size_t t = loss_first(); t < T; t += loss_stride()) {
        const double v      = static_cast<double>(g[t]);
        const double n      = sqrt(v * v);
        const double factor = n > 0.0 ? scale * (n - 1.0) / n : 0.0;
        dg[t]               = static_cast<float>(factor * v);
    }
}

// grid-stride. x, y (n): y += alpha x, in float.
KX_GLOBAL void axpy_kernel(float alpha, const float * x, float * y, size_t n) {
    for (size_t i = loss_first(); i < n; i += loss_stride()) {
        y[i] += alpha * x[i];
    }
}

// ----------------------------------------------------------------------------
// kernel launchers

static kx::dim3 loss_grid(size_t n) {
    const size_t wanted = ceil_div(n, static_cast<size_t>(LOSS_EW_BLOCK));
    return kx::dim3(static_cast<unsigned>(wanted < LOSS_MAX_BLOCKS ? wanted : LOSS_MAX_BLOCKS));
}

static nn_status critic_mean_forward_launch(const float * d, const unsigned char * valid, size_t n,
                                            float * out, nn_cuda_stream_t stream) {
    KX_LAUNCH(critic_mean_forward_kernel, kx::dim3(1), kx::dim3(LOSS_BLOCK), stream, d, valid, n,
              out);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status fill_launch(float * dd, size_t n, float value, nn_cuda_stream_t stream) {
    KX_LAUNCH(fill_kernel, loss_grid(n), kx::dim3(LOSS_EW_BLOCK), stream, dd, n, value);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status critic_mean_masked_backward_launch(float dout, const unsigned char * valid,
                                                    float * dd, size_t n,
                                                    nn_cuda_stream_t stream) {
    KX_LAUNCH(critic_mean_masked_backward_kernel, kx::dim3(1), kx::dim3(LOSS_BLOCK), stream, dout,
              valid, dd, n);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status mse_forward_launch(const float * x, const float * y, const unsigned char * valid,
                                    size_t n, float * out, nn_cuda_stream_t stream) {
    KX_LAUNCH(mse_forward_kernel, kx::dim3(1), kx::dim3(LOSS_BLOCK), stream, x, y, valid, n, out);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status mse_backward_launch(const float * x, const float * y, const unsigned char * valid,
                                     size_t n, float dloss, float * dx, nn_cuda_stream_t stream) {
    if (valid == nullptr) {
        const double scale = static_cast<double>(dloss) * 2.0 / static_cast<double>(n);
        KX_LAUNCH(mse_backward_kernel, loss_grid(n), kx::dim3(LOSS_EW_BLOCK), stream, x, y, dx, n,
                  scale);
    } else {
        KX_LAUNCH(mse_masked_backward_kernel, kx::dim3(1), kx::dim3(LOSS_BLOCK), stream, x, y,
                  valid, dx, n, dloss);
    }
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status gp_forward_launch(const float * g, size_t T, float lambda, float * out,
                                   nn_cuda_stream_t stream) {
    KX_LAUNCH(gp_forward_kernel, kx::dim3(1), kx::dim3(LOSS_BLOCK), stream, g, T,
              static_cast<double>(lambda), out);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status gp_backward_launch(const float * g, float * dg, size_t T, float lambda,
                                    nn_cuda_stream_t stream) {
    // gradient_penalty_backward_cpu's scale with B = C = 1 and dgp = 1
    const double scale = 1.0 * static_cast<double>(lambda) * 2.0 / static_cast<double>(T);
    KX_LAUNCH(gp_backward_kernel, loss_grid(T), kx::dim3(LOSS_EW_BLOCK), stream, g, dg, T, scale);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status axpy_launch(float alpha, const float * x, float * y, size_t n,
                             nn_cuda_stream_t stream) {
    KX_LAUNCH(axpy_kernel, loss_grid(n), kx::dim3(LOSS_EW_BLOCK), stream, alpha, x, y, n);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

namespace {

nn_status loss_done(nn_status status) {
    if (status == NN_STATUS_OK) {
        nn_clear_error();
    }
    return status;
}

nn_status loss_check_n(const char * op, const char * what, size_t n) {
    if (n == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is 0", op, what);
    }
    return NN_STATUS_OK;
}

nn_status loss_check_finite(const char * op, const char * name, float value) {
    if (!std::isfinite(value)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s must be finite, got %g", op, name,
                       static_cast<double>(value));
    }
    return NN_STATUS_OK;
}

} // namespace

nn_status KX_ENTRY(critic_mean_forward_dev)(const float * d, size_t n, float * out,
                                            nn_cuda_stream_t stream) {
    const char * op = "critic_mean_forward_dev";
    if (d == nullptr || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: d and out must not be null", op);
    }
    NN_TRY(loss_check_n(op, "n", n));
    return loss_done(critic_mean_forward_launch(d, nullptr, n, out, stream));
}

nn_status KX_ENTRY(critic_mean_backward_dev)(float dout, float * dd, size_t n,
                                             nn_cuda_stream_t stream) {
    const char * op = "critic_mean_backward_dev";
    if (dd == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dd is null", op);
    }
    NN_TRY(loss_check_n(op, "n", n));
    NN_TRY(loss_check_finite(op, "dout", dout));
    const float value = static_cast<float>(static_cast<double>(dout) / static_cast<double>(n));
    return loss_done(fill_launch(dd, n, value, stream));
}

nn_status KX_ENTRY(critic_mean_masked_forward_dev)(const float * d, const unsigned char * valid,
                                                   size_t n, float * out,
                                                   nn_cuda_stream_t stream) {
    const char * op = "critic_mean_masked_forward_dev";
    if (d == nullptr || valid == nullptr || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: d, valid and out must not be null", op);
    }
    NN_TRY(loss_check_n(op, "n", n));
    return loss_done(critic_mean_forward_launch(d, valid, n, out, stream));
}

nn_status KX_ENTRY(critic_mean_masked_backward_dev)(float dout, const unsigned char * valid,
                                                    float * dd, size_t n,
                                                    nn_cuda_stream_t stream) {
    const char * op = "critic_mean_masked_backward_dev";
    if (valid == nullptr || dd == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: valid and dd must not be null", op);
    }
    NN_TRY(loss_check_n(op, "n", n));
    NN_TRY(loss_check_finite(op, "dout", dout));
    return loss_done(critic_mean_masked_backward_launch(dout, valid, dd, n, stream));
}

nn_status KX_ENTRY(mse_forward_dev)(const float * x, const float * y, const unsigned char * valid,
                                    size_t n, float * out, nn_cuda_stream_t stream) {
    const char * op = "mse_forward_dev";
    if (x == nullptr || y == nullptr || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x, y and out must not be null", op);
    }
    NN_TRY(loss_check_n(op, "n", n));
    return loss_done(mse_forward_launch(x, y, valid, n, out, stream));
}

nn_status KX_ENTRY(mse_backward_dev)(const float * x, const float * y, const unsigned char * valid,
                                     size_t n, float dloss, float * dx, nn_cuda_stream_t stream) {
    const char * op = "mse_backward_dev";
    if (x == nullptr || y == nullptr || dx == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x, y and dx must not be null", op);
    }
    NN_TRY(loss_check_n(op, "n", n));
    NN_TRY(loss_check_finite(op, "dloss", dloss));
    return loss_done(mse_backward_launch(x, y, valid, n, dloss, dx, stream));
}

nn_status KX_ENTRY(gradient_penalty_forward_dev)(const float * g, size_t T, float lambda,
                                                 float * out, nn_cuda_stream_t stream) {
    const char * op = "gradient_penalty_forward_dev";
    if (g == nullptr || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: g and out must not be null", op);
    }
    NN_TRY(loss_check_n(op, "T", T));
    NN_TRY(loss_check_finite(op, "lambda", lambda));
    return loss_done(gp_forward_launch(g, T, lambda, out, stream));
}

nn_status KX_ENTRY(gradient_penalty_backward_dev)(const float * g, float * dg, size_t T,
                                                  float lambda, nn_cuda_stream_t stream) {
    const char * op = "gradient_penalty_backward_dev";
    if (g == nullptr || dg == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: g and dg must not be null", op);
    }
    NN_TRY(loss_check_n(op, "T", T));
    NN_TRY(loss_check_finite(op, "lambda", lambda));
    return loss_done(gp_backward_launch(g, dg, T, lambda, stream));
}

nn_status KX_ENTRY(axpy_dev)(float alpha, const float * x, float * y, size_t n,
                             nn_cuda_stream_t stream) {
    const char * op = "axpy_dev";
    if (x == nullptr || y == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x and y must not be null", op);
    }
    NN_TRY(loss_check_n(op, "n", n));
    NN_TRY(loss_check_finite(op, "alpha", alpha));
    return loss_done(axpy_launch(alpha, x, y, n, stream));
}
