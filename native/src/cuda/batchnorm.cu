// batchnorm.cu: BatchNorm1d on the device, one sample (batch 1, as model/caw-backend.h calls
// it): train forward / backward with batch statistics, eval forward / backward with running
// statistics, and the training-mode JVP pair of the gradient penalty. The arithmetic is
// cpu/batchnorm-impl.h's, term by term in double (the same products in the same order), so the
// CPU reference is matched to the float rounding of the outputs; checked by
// test/native/test-batchnorm-dev.cpp.
//   x, y, dy, dx, xt, yt, r, dxt (C, T); gamma, beta, rmean, rvar, smean, sinv, dgamma, dbeta (C)
//   valid (T) or null: masked statistics (inpainting's D): sums over valid samples, divided by
//   n_v = count(valid), applied to every sample (cpu/batchnorm-impl.h's header)

#include <climits>
#include <cmath>

#include "cuda/batchnorm.cuh"
#include "cuda/block-reduce.cuh"
#include "cuda/common.cuh"
#include "cuda/kernel.cuh"
#include "cuda/device-ops.h"

// ----------------------------------------------------------------------------
// CUDA kernels

// 1 or 0: whether sample t enters the statistics (batchnorm_flag).
KX_DEVICE double bn_flag(const unsigned char * valid, size_t t) {
    return valid == nullptr || valid[t] != 0 ? 1.0 : 0.0;
}

// The channel's n_v as a double: T, or count(valid) (every thread gets it; uses red).
template <int BLOCK>
KX_DEVICE double bn_count(const unsigned char * valid, size_t T,
                          kx::shared_array<double, BLOCK / 32 * 1> & red) {
    if (valid == nullptr) {
        return static_cast<double>(T);
    }
    double n[1] = {0.0};
    for (size_t t = kx::thread_idx().x; t < T; t += BLOCK) {
        n[0] += valid[t] != 0 ? 1.0 : 0.0;
    }
    block_sum<BLOCK, 1>(n, red);
    return n[0];
}

// grid (C), block BLOCK threads. x, y (C, T); writes y, smean[c], sinv[c] and, when rmean is
// non-null, updates rmean[c], rvar[c] with the unbiased variance (batchnorm_train_forward_channel).
template <int BLOCK>
KX_GLOBAL void bn_train_forward_kernel(const float * x, const float * gamma, const float * beta,
                                       float * rmean, float * rvar, float * smean, float * sinv,
                                       float * y, size_t T, const unsigned char * valid,
                                       float momentum, float eps) {
    KX_SHARED(double, red, BLOCK / 32 * 1);
    const size_t   c  = kx::block_idx().x;
    const unsigned id = kx::thread_idx().x;
    const float *  xc = x + c * T;
    float *        yc = y + c * T;

    const double n      = bn_count<BLOCK>(valid, T, red);
    double       sum[1] = {0.0};
    for (size_t t = id; t < T; t += BLOCK) {
        sum[0] += valid == nullptr || valid[t] != 0 ? static_cast<double>(xc[t]) : 0.0;
    }
    block_sum<BLOCK, 1>(sum, red);
    const double mu    = sum[0] / n;
    double       sq[1] = {0.0};
    for (size_t t = id; t < T; t += BLOCK) {
        const double d = static_cast<double>(xc[t]) - mu;
        sq[0] += valid == nullptr || valid[t] != 0 ? d * d : 0.0;
    }
    block_sum<BLOCK, 1>(sq, red);
    const double var = sq[0] / n;
    const double s   = 1.0 / sqrt(var + static_cast<double>(eps));
    const double g = static_cast<double>(gamma[c]), b = static_cast<double>(beta[c]);
    for (size_t t = id; t < T; t += BLOCK) {
        const double xhat = (static_cast<double>(xc[t]) - mu) * s;
        yc[t]             = static_cast<float>(g * xhat + b);
    }
    if (id == 0) {
        smean[c] = static_cast<float>(mu);
        sinv[c]  = static_cast<float>(s);
        if (rmean != nullptr) {
            const double m        = static_cast<double>(momentum);
            const double unbiased = var * n / (n - 1.0);
            rmean[c] = static_cast<float>((1.0 - m) * static_cast<double>(rmean[c]) + m * mu);
            rvar[c]  = static_cast<float>((1.0 - m) * static_cast<double>(rvar[c]) + m * unbiased);
        }
    }
}

// grid (C), block BLOCK threads. dy, x, dx (C, T): dx written (if non-null), dgamma[c], dbeta[c]
// accumulated (if non-null) (batchnorm_train_backward_channel).
template <int BLOCK>
KX_GLOBAL void bn_train_backward_kernel(const float * dy, const float * x, const float * gamma,
                                        const float * smean, const float * sinv, float * dx,
                                        float * dgamma, float * dbeta, size_t T,
                                        const unsigned char * valid) {
    KX_SHARED(double, red1, BLOCK / 32 * 1);
    KX_SHARED(double, red2, BLOCK / 32 * 2);
    const size_t   c   = kx::block_idx().x;
    const unsigned id  = kx::thread_idx().x;
    const float *  dyc = dy + c * T;
    const float *  xc  = x + c * T;
    const double   mu = static_cast<double>(smean[c]), s = static_cast<double>(sinv[c]);

    const double n       = bn_count<BLOCK>(valid, T, red1);
    double       sums[2] = {0.0, 0.0}; // sum(dy), sum(dy * xhat), over every sample
    for (size_t t = id; t < T; t += BLOCK) {
        const double g = static_cast<double>(dyc[t]);
        sums[0] += g;
        sums[1] += g * (static_cast<double>(xc[t]) - mu) * s;
    }
    block_sum<BLOCK, 2>(sums, red2);
    const double m_dy      = sums[0] / n;
    const double m_dy_xhat = sums[1] / n;
    const double gamma_s   = static_cast<double>(gamma[c]) * s;
    if (dx != nullptr) {
        float * dxc = dx + c * T;
        for (size_t t = id; t < T; t += BLOCK) {
            const double xhat = (static_cast<double>(xc[t]) - mu) * s;
            const double v    = bn_flag(valid, t);
            dxc[t] = static_cast<float>(gamma_s * (static_cast<double>(dyc[t]) -
                                                   v * (m_dy + xhat * m_dy_xhat)));
        }
    }
    if (id == 0) {
        if (dgamma != nullptr) {
            dgamma[c] = static_cast<float>(static_cast<double>(dgamma[c]) + sums[1]);
        }
        if (dbeta != nullptr) {
            dbeta[c] = static_cast<float>(static_cast<double>(dbeta[c]) + sums[0]);
        }
    }
}

// grid-stride over n = C·T, block BN_EVAL_BLOCK. x, y (C, T) (batchnorm_eval_forward_channel).
KX_GLOBAL void bn_eval_forward_kernel(const float * x, const float * gamma, const float * beta,
                                      const float * rmean, const float * rvar, float * y,
                                      size_t n, size_t T, float eps) {
    const size_t stride = static_cast<size_t>(kx::grid_dim().x) * BN_EVAL_BLOCK;
    for (size_t i = static_cast<size_t>(kx::block_idx().x) * BN_EVAL_BLOCK + kx::thread_idx().x;
         i < n; i += stride) {
        const size_t c  = i / T;
        const double s  = 1.0 / sqrt(static_cast<double>(rvar[c]) + static_cast<double>(eps));
        const double mu = static_cast<double>(rmean[c]);
        y[i] = static_cast<float>(static_cast<double>(gamma[c]) * (static_cast<double>(x[i]) - mu) *
                                      s +
                                  static_cast<double>(beta[c]));
    }
}

// grid (C), block BLOCK threads. dy, x, dx (C, T): dx written (if non-null), dgamma[c], dbeta[c]
// accumulated (if non-null) (batchnorm_eval_backward_channel).
template <int BLOCK>
KX_GLOBAL void bn_eval_backward_kernel(const float * dy, const float * x, const float * gamma,
                                       const float * rmean, const float * rvar, float * dx,
                                       float * dgamma, float * dbeta, size_t T, float eps) {
    KX_SHARED(double, red, BLOCK / 32 * 2);
    const size_t   c       = kx::block_idx().x;
    const unsigned id      = kx::thread_idx().x;
    const float *  dyc     = dy + c * T;
    const float *  xc      = x + c * T;
    const double   s       = 1.0 / sqrt(static_cast<double>(rvar[c]) + static_cast<double>(eps));
    const double   mu      = static_cast<double>(rmean[c]);
    const double   gamma_s = static_cast<double>(gamma[c]) * s;
    double         sums[2] = {0.0, 0.0}; // sum(dy), sum(dy * xhat)
    for (size_t t = id; t < T; t += BLOCK) {
        const double g = static_cast<double>(dyc[t]);
        sums[0] += g;
        sums[1] += g * (static_cast<double>(xc[t]) - mu) * s;
        if (dx != nullptr) {
            dx[c * T + t] = static_cast<float>(gamma_s * g);
        }
    }
    block_sum<BLOCK, 2>(sums, red);
    if (id == 0) {
        if (dgamma != nullptr) {
            dgamma[c] = static_cast<float>(static_cast<double>(dgamma[c]) + sums[1]);
        }
        if (dbeta != nullptr) {
            dbeta[c] = static_cast<float>(static_cast<double>(dbeta[c]) + sums[0]);
        }
    }
}

// grid (C), block BLOCK threads. x, xt, yt (C, T): yt = gamma s (xt - m_V(xt) - xhat A),
// A = m_V(xhat xt) (batchnorm_train_jvp_channel).
template <int BLOCK>
KX_GLOBAL void bn_train_jvp_kernel(const float * x, const float * xt, const float * gamma,
                                   const float * smean, const float * sinv, float * yt, size_t T,
                                   const unsigned char * valid) {
    KX_SHARED(double, red1, BLOCK / 32 * 1);
    KX_SHARED(double, red2, BLOCK / 32 * 2);
    const size_t   c   = kx::block_idx().x;
    const unsigned id  = kx::thread_idx().x;
    const float *  xc  = x + c * T;
    const float *  xtc = xt + c * T;
    const double   mu = static_cast<double>(smean[c]), s = static_cast<double>(sinv[c]);

    const double n       = bn_count<BLOCK>(valid, T, red1);
    double       sums[2] = {0.0, 0.0}; // S_V(xt), S_V(xhat xt)
    for (size_t t = id; t < T; t += BLOCK) {
        const double v = bn_flag(valid, t);
        sums[0] += v * static_cast<double>(xtc[t]);
        sums[1] += v * (static_cast<double>(xc[t]) - mu) * s * static_cast<double>(xtc[t]);
    }
    block_sum<BLOCK, 2>(sums, red2);
    const double m_xt    = sums[0] / n;
    const double A       = sums[1] / n;
    const double gamma_s = static_cast<double>(gamma[c]) * s;
    float *      ytc     = yt + c * T;
    for (size_t t = id; t < T; t += BLOCK) {
        const double xhat = (static_cast<double>(xc[t]) - mu) * s;
        ytc[t] = static_cast<float>(gamma_s * (static_cast<double>(xtc[t]) - m_xt - xhat * A));
    }
}

// grid (C), block BLOCK threads. r, x, xt, dx, dxt (C, T): the reverse of L = sum(r yt)
// (batchnorm_train_jvp_backward_channel): dx, dxt written (each if non-null), dgamma[c]
// accumulated (if non-null).
template <int BLOCK>
KX_GLOBAL void bn_train_jvp_backward_kernel(const float * r, const float * x, const float * xt,
                                            const float * gamma, const float * smean,
                                            const float * sinv, float * dx, float * dxt,
                                            float * dgamma, size_t T,
                                            const unsigned char * valid) {
    KX_SHARED(double, red1, BLOCK / 32 * 1);
    KX_SHARED(double, red5, BLOCK / 32 * 5);
    const size_t   c   = kx::block_idx().x;
    const unsigned id  = kx::thread_idx().x;
    const float *  rc  = r + c * T;
    const float *  xc  = x + c * T;
    const float *  xtc = xt + c * T;
    const double   mu = static_cast<double>(smean[c]), s = static_cast<double>(sinv[c]);

    const double n = bn_count<BLOCK>(valid, T, red1);
    // S(r), S_V(xt), S_V(xhat xt), S(r xhat), S(r xt)
    double sums[5] = {0.0, 0.0, 0.0, 0.0, 0.0};
    for (size_t t = id; t < T; t += BLOCK) {
        const double ri   = static_cast<double>(rc[t]);
        const double xti  = static_cast<double>(xtc[t]);
        const double xhat = (static_cast<double>(xc[t]) - mu) * s;
        const double v    = bn_flag(valid, t);
        sums[0] += ri;
        sums[1] += v * xti;
        sums[2] += v * xhat * xti;
        sums[3] += ri * xhat;
        sums[4] += ri * xti;
    }
    block_sum<BLOCK, 5>(sums, red5);
    const double m_r  = sums[0] / n;
    const double m_xt = sums[1] / n;
    const double A    = sums[2] / n;
    const double Q    = sums[3] / n;
    const double M    = sums[4] / n - m_r * m_xt;
    const double g    = static_cast<double>(gamma[c]);
    double       dg[1] = {0.0}; // S(r s (u - xhat A)) = S(r yt) / gamma
    for (size_t t = id; t < T; t += BLOCK) {
        const double ri   = static_cast<double>(rc[t]);
        const double xhat = (static_cast<double>(xc[t]) - mu) * s;
        const double u    = static_cast<double>(xtc[t]) - m_xt;
        const double v    = bn_flag(valid, t);
        if (dxt != nullptr) {
            dxt[c * T + t] = static_cast<float>(g * s * (ri - v * (m_r + xhat * Q)));
        }
        if (dx != nullptr) {
            dx[c * T + t] = static_cast<float>(
                g * s * s * (v * ((3.0 * A * Q - M) * xhat - Q * u) - A * (ri - v * m_r)));
        }
        dg[0] += ri * s * (u - xhat * A);
    }
    block_sum<BLOCK, 1>(dg, red1);
    if (id == 0 && dgamma != nullptr) {
        dgamma[c] = static_cast<float>(static_cast<double>(dgamma[c]) + dg[0]);
    }
}

// ----------------------------------------------------------------------------
// kernel launchers

// Long channels get the wide block (more loads in flight on each channel's one SM).
static bool bn_wide(size_t T) { return T >= BN_WIDE_MIN_T; }

// One block per channel: C must fit gridDim.x.
static nn_status bn_channel_grid(const char * op, size_t C, kx::dim3 * grid) {
    if (C > static_cast<size_t>(INT_MAX)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu channels exceed one launch", op, C);
    }
    *grid = kx::dim3(static_cast<unsigned>(C));
    return NN_STATUS_OK;
}

static nn_status bn_train_forward_launch(const char * op, const float * x, const float * gamma,
                                         const float * beta, float * rmean, float * rvar,
                                         float * smean, float * sinv, float * y, size_t C,
                                         size_t T, const unsigned char * valid, float momentum,
                                         float eps, nn_cuda_stream_t stream) {
    kx::dim3 grid;
    NN_TRY(bn_channel_grid(op, C, &grid));
    if (bn_wide(T)) {
        KX_LAUNCH(bn_train_forward_kernel<BN_WIDE_BLOCK>, grid, kx::dim3(BN_WIDE_BLOCK), stream, x,
                  gamma, beta, rmean, rvar, smean, sinv, y, T, valid, momentum, eps);
    } else {
        KX_LAUNCH(bn_train_forward_kernel<BN_BLOCK>, grid, kx::dim3(BN_BLOCK), stream, x, gamma,
                  beta, rmean, rvar, smean, sinv, y, T, valid, momentum, eps);
    }
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status bn_train_backward_launch(const char * op, const float * dy, const float * x,
                                          const float * gamma, const float * smean,
                                          const float * sinv, float * dx, float * dgamma,
                                          float * dbeta, size_t C, size_t T,
                                          const unsigned char * valid, nn_cuda_stream_t stream) {
    kx::dim3 grid;
    NN_TRY(bn_channel_grid(op, C, &grid));
    if (bn_wide(T)) {
        KX_LAUNCH(bn_train_backward_kernel<BN_WIDE_BLOCK>, grid, kx::dim3(BN_WIDE_BLOCK), stream,
                  dy, x, gamma, smean, sinv, dx, dgamma, dbeta, T, valid);
    } else {
        KX_LAUNCH(bn_train_backward_kernel<BN_BLOCK>, grid, kx::dim3(BN_BLOCK), stream, dy, x,
                  gamma, smean, sinv, dx, dgamma, dbeta, T, valid);
    }
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status bn_eval_forward_launch(const float * x, const float * gamma, const float * beta,
                                        const float * rmean, const float * rvar, float * y,
                                        size_t C, size_t T, float eps, nn_cuda_stream_t stream) {
    const size_t   n      = C * T;
    const size_t   wanted = ceil_div(n, static_cast<size_t>(BN_EVAL_BLOCK));
    const unsigned blocks = static_cast<unsigned>(
        wanted < BN_EVAL_MAX_BLOCKS ? wanted : static_cast<size_t>(BN_EVAL_MAX_BLOCKS));
    KX_LAUNCH(bn_eval_forward_kernel, kx::dim3(blocks), kx::dim3(BN_EVAL_BLOCK), stream, x, gamma,
              beta, rmean, rvar, y, n, T, eps);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status bn_eval_backward_launch(const char * op, const float * dy, const float * x,
                                         const float * gamma, const float * rmean,
                                         const float * rvar, float * dx, float * dgamma,
                                         float * dbeta, size_t C, size_t T, float eps,
                                         nn_cuda_stream_t stream) {
    kx::dim3 grid;
    NN_TRY(bn_channel_grid(op, C, &grid));
    if (bn_wide(T)) {
        KX_LAUNCH(bn_eval_backward_kernel<BN_WIDE_BLOCK>, grid, kx::dim3(BN_WIDE_BLOCK), stream, dy,
                  x, gamma, rmean, rvar, dx, dgamma, dbeta, T, eps);
    } else {
        KX_LAUNCH(bn_eval_backward_kernel<BN_BLOCK>, grid, kx::dim3(BN_BLOCK), stream, dy, x, gamma,
                  rmean, rvar, dx, dgamma, dbeta, T, eps);
    }
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status bn_train_jvp_launch(const char * op, const float * x, const float * xt,
                                     const float * gamma, const float * smean, const float * sinv,
                                     float * yt, size_t C, size_t T, const unsigned char * valid,
                                     nn_cuda_stream_t stream) {
    kx::dim3 grid;
    NN_TRY(bn_channel_grid(op, C, &grid));
    if (bn_wide(T)) {
        KX_LAUNCH(bn_train_jvp_kernel<BN_WIDE_BLOCK>, grid, kx::dim3(BN_WIDE_BLOCK), stream, x, xt,
                  gamma, smean, sinv, yt, T, valid);
    } else {
        KX_LAUNCH(bn_train_jvp_kernel<BN_BLOCK>, grid, kx::dim3(BN_BLOCK), stream, x, xt, gamma,
                  smean, sinv, yt, T, valid);
    }
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status bn_train_jvp_backward_launch(const char * op, const float * r, const float * x,
                                              const float * xt, const float * gamma,
                                              const float * smean, const float * sinv, float * dx,
                                              float * dxt, float * dgamma, size_t C, size_t T,
                                              const unsigned char * valid,
                                              nn_cuda_stream_t stream) {
    kx::dim3 grid;
    NN_TRY(bn_channel_grid(op, C, &grid));
    if (bn_wide(T)) {
        KX_LAUNCH(bn_train_jvp_backward_kernel<BN_WIDE_BLOCK>, grid, kx::dim3(BN_WIDE_BLOCK),
                  stream, r, x, xt, gamma, smean, sinv, dx, dxt, dgamma, T, valid);
    } else {
        KX_LAUNCH(bn_train_jvp_backward_kernel<BN_BLOCK>, grid, kx::dim3(BN_BLOCK), stream, r, x,
                  xt, gamma, smean, sinv, dx, dxt, dgamma, T, valid);
    }
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

namespace {

struct bn_ptr {
    const char * name;
    const void * p;
};

// Every pointer in ptrs non-null, C and T nonzero.
nn_status bn_check(const char * op, const bn_ptr * ptrs, size_t count, size_t C, size_t T) {
    for (size_t i = 0; i < count; i++) {
        if (ptrs[i].p == nullptr) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op, ptrs[i].name);
        }
    }
    if (C == 0 || T == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: empty (C, T) = (%zu, %zu)", op, C, T);
    }
    return NN_STATUS_OK;
}

// Batch statistics need 2 values a channel (batchnorm.h). With a mask the count lives in device
// memory and is not checked: one valid sample gives var = 0 and a NaN unbiased running variance
// (0 / 0), none NaN everywhere, as the CPU loops would.
nn_status bn_check_train_t(const char * op, size_t T, const unsigned char * valid) {
    if (valid == nullptr && T < 2) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: training-mode batch statistics need more than 1 value per channel "
                       "(T = %zu)",
                       op, T);
    }
    return NN_STATUS_OK;
}

nn_status bn_check_eps(const char * op, float eps) {
    if (!std::isfinite(eps) || !(eps > 0.0f)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: eps must be finite and > 0, got %g", op,
                       static_cast<double>(eps));
    }
    return NN_STATUS_OK;
}

nn_status bn_done(nn_status status) {
    if (status == NN_STATUS_OK) {
        nn_clear_error();
    }
    return status;
}

} // namespace

nn_status KX_ENTRY(batchnorm_train_forward_dev)(const float * x, const float * gamma,
                                                const float * beta, float * rmean, float * rvar,
                                                float * smean, float * sinv, float * y, size_t C,
                                                size_t T, const unsigned char * valid,
                                                float momentum, float eps,
                                                nn_cuda_stream_t stream) {
    const char * op     = "batchnorm_train_forward_dev";
    const bn_ptr ptrs[] = {{"x", x},         {"gamma", gamma}, {"beta", beta},
                           {"smean", smean}, {"sinv", sinv},   {"y", y}};
    NN_TRY(bn_check(op, ptrs, 6, C, T));
    if ((rmean == nullptr) != (rvar == nullptr)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: rmean and rvar must both be given or both be null", op);
    }
    NN_TRY(bn_check_train_t(op, T, valid));
    NN_TRY(bn_check_eps(op, eps));
    if (!(momentum >= 0.0f && momentum <= 1.0f)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: momentum must be in [0, 1], got %g", op,
                       static_cast<double>(momentum));
    }
    return bn_done(bn_train_forward_launch(op, x, gamma, beta, rmean, rvar, smean, sinv, y, C, T,
                                           valid, momentum, eps, stream));
}

nn_status KX_ENTRY(batchnorm_train_backward_dev)(const float * dy, const float * x,
                                                 const float * gamma, const float * smean,
                                                 const float * sinv, float * dx, float * dgamma,
                                                 float * dbeta, size_t C, size_t T,
                                                 const unsigned char * valid,
                                                 nn_cuda_stream_t stream) {
    const char * op     = "batchnorm_train_backward_dev";
    const bn_ptr ptrs[] = {
        {"dy", dy}, {"x", x}, {"gamma", gamma}, {"smean", smean}, {"sinv", sinv}};
    NN_TRY(bn_check(op, ptrs, 5, C, T));
    if (dx == nullptr && dgamma == nullptr && dbeta == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dx, dgamma and dbeta are all null", op);
    }
    NN_TRY(bn_check_train_t(op, T, valid));
    return bn_done(bn_train_backward_launch(op, dy, x, gamma, smean, sinv, dx, dgamma, dbeta, C, T,
                                            valid, stream));
}

nn_status KX_ENTRY(batchnorm_eval_forward_dev)(const float * x, const float * gamma,
                                               const float * beta, const float * rmean,
                                               const float * rvar, float * y, size_t C, size_t T,
                                               float eps, nn_cuda_stream_t stream) {
    const char * op     = "batchnorm_eval_forward_dev";
    const bn_ptr ptrs[] = {{"x", x},         {"gamma", gamma}, {"beta", beta},
                           {"rmean", rmean}, {"rvar", rvar},   {"y", y}};
    NN_TRY(bn_check(op, ptrs, 6, C, T));
    NN_TRY(bn_check_eps(op, eps));
    return bn_done(bn_eval_forward_launch(x, gamma, beta, rmean, rvar, y, C, T, eps, stream));
}

nn_status KX_ENTRY(batchnorm_eval_backward_dev)(const float * dy, const float * x,
                                                const float * gamma, const float * rmean,
                                                const float * rvar, float * dx, float * dgamma,
                                                float * dbeta, size_t C, size_t T, float eps,
                                                nn_cuda_stream_t stream) {
    const char * op     = "batchnorm_eval_backward_dev";
    const bn_ptr ptrs[] = {
        {"dy", dy}, {"x", x}, {"gamma", gamma}, {"rmean", rmean}, {"rvar", rvar}};
    NN_TRY(bn_check(op, ptrs, 5, C, T));
    if (dx == nullptr && dgamma == nullptr && dbeta == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dx, dgamma and dbeta are all null", op);
    }
    NN_TRY(bn_check_eps(op, eps));
    return bn_done(bn_eval_backward_launch(op, dy, x, gamma, rmean, rvar, dx, dgamma, dbeta, C, T,
                                           eps, stream));
}

nn_status KX_ENTRY(batchnorm_train_jvp_dev)(const float * x, const float * xt, const float * gamma,
                                            const float * smean, const float * sinv, float * yt,
                                            size_t C, size_t T, const unsigned char * valid,
                                            nn_cuda_stream_t stream) {
    const char * op     = "batchnorm_train_jvp_dev";
    const bn_ptr ptrs[] = {{"x", x},       {"xt", xt}, {"gamma", gamma},
                           {"smean", smean}, {"sinv", sinv}, {"yt", yt}};
    NN_TRY(bn_check(op, ptrs, 6, C, T));
    NN_TRY(bn_check_train_t(op, T, valid));
    return bn_done(
        bn_train_jvp_launch(op, x, xt, gamma, smean, sinv, yt, C, T, valid, stream));
}

nn_status KX_ENTRY(batchnorm_train_jvp_backward_dev)(const float * r, const float * x,
                                                     const float * xt, const float * gamma,
                                                     const float * smean, const float * sinv,
                                                     float * dx, float * dxt, float * dgamma,
                                                     size_t C, size_t T,
                                                     const unsigned char * valid,
                                                     nn_cuda_stream_t stream) {
    const char * op     = "batchnorm_train_jvp_backward_dev";
    const bn_ptr ptrs[] = {{"r", r},         {"x", x},       {"xt", xt},
                           {"gamma", gamma}, {"smean", smean}, {"sinv", sinv}};
    NN_TRY(bn_check(op, ptrs, 6, C, T));
    if (dx == nullptr && dxt == nullptr && dgamma == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dx, dxt and dgamma are all null", op);
    }
    NN_TRY(bn_check_train_t(op, T, valid));
    return bn_done(bn_train_jvp_backward_launch(op, r, x, xt, gamma, smean, sinv, dx, dxt, dgamma,
                                                C, T, valid, stream));
}
