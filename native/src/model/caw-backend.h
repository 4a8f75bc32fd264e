// caw-backend.h: the op "backends" the Catch-A-Waveform model code (caw-model-impl.h) is templated
// on, so one model source runs as nn_core's float model, as the tests' double oracle and on the
// device.
// defines: CAW_BN_EPS, CAW_BN_MOMENTUM, CAW_LEAKY_SLOPE, CAW_PE_COEF, caw_host_mem,
//          caw_ref_backend, caw_cpu_backend
//
//   caw_ref_backend<Real>  the plain reference loops of src/cpu/*-impl.h, in any Real (tests: double)
//   caw_cpu_backend        the float *_cpu entry points (fast conv path, threads, argument checks)
//   caw_dev_backend        the device entry points of cuda/device-ops.h (cuda/caw-dev-backend.cuh)
// Every function takes contiguous raw pointers, batch size 1, and returns nn_status (the ref
// backend cannot fail). Conventions are the ops': backward writes (=) activation gradients and
// adds (+=) parameter gradients (dw, dbias, dg, dv, dgamma, dbeta).
//
// Memory: the model templates never touch a model or activation buffer themselves; the small
// elementwise steps between ops (zeroing d/dw, G's input padding, the residual, the penalty's
// interpolate, sums of gradients) are backend functions too, so the same templates run on device
// memory (cuda/caw-dev-backend.cuh). The host backends inherit them from caw_host_mem, whose loops
// are the ones the templates had (CPU results unchanged, bit for bit). A backend also names
//   alpha_t  how the penalty's interpolation weight is passed (host: the value; device: a pointer
//            to it in device memory, so a captured epoch can read each epoch's alpha)
//   loss_t   the type of a scalar result (host: double written to host memory; device: float
//            written to device memory, read back once per epoch).
#pragma once

#include <cstddef>
#include <cstring>

#include "cpu/activations-impl.h"
#include "cpu/batchnorm-impl.h"
#include "cpu/conv1d-impl.h"
#include "cpu/losses-impl.h"
#include "cpu/preemphasis-rows.h"
#include "cpu/weight-norm-impl.h"
#include "nn/activations.h"
#include "nn/batchnorm.h"
#include "nn/conv1d.h"
#include "nn/losses.h"
#include "nn/nn.h"
#include "nn/preemphasis.h"
#include "nn/weight-norm.h"

constexpr float CAW_BN_EPS      = 1e-5f; // BatchNorm1d eps
constexpr float CAW_BN_MOMENTUM = 0.1f;  // BatchNorm1d momentum
constexpr float CAW_LEAKY_SLOPE = 0.2f;  // LeakyReLU slope: > 0, so sign(LReLU(y)) = sign(y)
constexpr float CAW_PE_COEF     = 0.97f; // pre-emphasis [1, -0.97]

// ----------------------------------------------------------------------------
// host memory steps, shared by both host backends

template <typename Real>
struct caw_host_mem {
    using alpha_t = Real;
    using loss_t  = double;

    static nn_status zero(Real * p, size_t n) {
        std::memset(p, 0, n * sizeof(Real));
        return NN_STATUS_OK;
    }
    static nn_status copy(Real * dst, const Real * src, size_t n) {
        std::memcpy(dst, src, n * sizeof(Real));
        return NN_STATUS_OK;
    }
    // y[i] += x[i]
    static nn_status add_to(Real * y, const Real * x, size_t n) {
        for (size_t i = 0; i < n; i++) {
            y[i] += x[i];
        }
        return NN_STATUS_OK;
    }
    // x[i] *= a
    static nn_status scale(Real * x, size_t n, Real a) {
        for (size_t i = 0; i < n; i++) {
            x[i] *= a;
        }
        return NN_STATUS_OK;
    }
    // G's input x (T0 = N + 2P) = pad0(noise * amp + prev); noise, prev (N) may be null (zeros)
    static nn_status gen_input(Real * x, size_t T0, size_t P, const Real * noise, Real amp,
                               const Real * prev, size_t N) {
        for (size_t t = 0; t < T0; t++) { // the pad region is zeros, noise included
            x[t] = Real(0);
        }
        for (size_t t = 0; t < N; t++) {
            const Real zn = noise != nullptr ? noise[t] * amp : Real(0);
            x[P + t]      = zn + (prev != nullptr ? prev[t] : Real(0));
        }
        return NN_STATUS_OK;
    }
    // G's output: out = pe + prev (prev null: zeros)
    static nn_status gen_output(Real * out, const Real * pe, const Real * prev, size_t N) {
        for (size_t t = 0; t < N; t++) {
            out[t] = pe[t] + (prev != nullptr ? prev[t] : Real(0));
        }
        return NN_STATUS_OK;
    }
    // G's input gradients from dx (N, the unpadded part): d_noise = amp dx, d_prev = dx + dout
    static nn_status gen_input_grads(const Real * dx, const Real * dout, Real amp, Real * d_noise,
                                     Real * d_prev, size_t N) {
        for (size_t t = 0; t < N; t++) {
            if (d_noise != nullptr) {
                d_noise[t] = amp * dx[t];
            }
            if (d_prev != nullptr) {
                d_prev[t] = dx[t] + dout[t];
            }
        }
        return NN_STATUS_OK;
    }
    // the penalty's interpolate x = alpha real + (1 - alpha) fake
    static nn_status mix(Real * x, const Real * real, const Real * fake, alpha_t alpha, size_t N) {
        for (size_t t = 0; t < N; t++) {
            x[t] = alpha * real[t] + (Real(1) - alpha) * fake[t];
        }
        return NN_STATUS_OK;
    }
    // s[t] = 1 where keep is null or keep[t] != 0, else 0
    static nn_status fill_keep(Real * s, const unsigned char * keep, size_t T) {
        for (size_t t = 0; t < T; t++) {
            s[t] = keep == nullptr || keep[t] != 0 ? Real(1) : Real(0);
        }
        return NN_STATUS_OK;
    }
    // *out = sum_t a[t] b[t] (double) -- the penalty's self-check
    static nn_status dot(const Real * a, const Real * b, size_t n, double * out) {
        double dot = 0.0;
        for (size_t t = 0; t < n; t++) {
            dot += static_cast<double>(a[t]) * static_cast<double>(b[t]);
        }
        *out = dot;
        return NN_STATUS_OK;
    }
    // *out = sum of a[t] over kept t (keep null: all) -- the penalty's self-check
    static nn_status sum_kept(const Real * a, const unsigned char * keep, size_t n, double * out) {
        double sum = 0.0;
        for (size_t t = 0; t < n; t++) {
            sum += keep == nullptr || keep[t] != 0 ? static_cast<double>(a[t]) : 0.0;
        }
        *out = sum;
        return NN_STATUS_OK;
    }
};

// ----------------------------------------------------------------------------
// reference backend: the -impl.h loops

template <typename Real>
struct caw_ref_backend : caw_host_mem<Real> {
    using real = Real;

    static batchnorm_channel ch(size_t C, size_t T, size_t c) {
        return batchnorm_channel{1, C, T, c};
    }

    // x (C_in, T_in), w (C_out, C_in, K), bias (C_out) or null, y (C_out, T_out)
    static nn_status conv_forward(const Real * x, const Real * w, const Real * bias, Real * y,
                                  size_t C_in, size_t C_out, size_t T_in, size_t K, size_t D,
                                  size_t pad) {
        conv1d_forward_ref(x, w, bias, y, 1, C_in, C_out, T_in, K, D, pad);
        return NN_STATUS_OK;
    }
    static nn_status conv_backward(const Real * x, const Real * w, const Real * dy, Real * dx,
                                   Real * dw, Real * dbias, size_t C_in, size_t C_out, size_t T_in,
                                   size_t K, size_t D, size_t pad) {
        conv1d_backward_ref(x, w, dy, dx, dw, dbias, 1, C_in, C_out, T_in, K, D, pad);
        return NN_STATUS_OK;
    }
    // v, w (C_out, C_in, K), g (C_out)
    static nn_status wn_forward(const Real * v, const Real * g, Real * w, size_t C_out, size_t C_in,
                                size_t K) {
        weight_norm_forward_ref(v, g, w, C_out, C_in * K);
        return NN_STATUS_OK;
    }
    static nn_status wn_backward(const Real * dw, const Real * v, const Real * g, Real * dv,
                                 Real * dg, size_t C_out, size_t C_in, size_t K) {
        weight_norm_backward_ref(dw, v, g, dv, dg, C_out, C_in * K);
        return NN_STATUS_OK;
    }
    // x, y (C, T); per-channel vectors (C); rmean/rvar null = no running update
    static nn_status bn_train_forward(const Real * x, const Real * gamma, const Real * beta,
                                      Real * rmean, Real * rvar, Real * smean, Real * sinv,
                                      Real * y, size_t C, size_t T,
                                      const unsigned char * valid = nullptr) {
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_forward_channel(
                x, y, ch(C, T, c), gamma[c], beta[c], static_cast<double>(CAW_BN_EPS),
                static_cast<double>(CAW_BN_MOMENTUM), smean + c, sinv + c,
                rmean != nullptr ? rmean + c : nullptr, rvar != nullptr ? rvar + c : nullptr,
                valid);
        }
        return NN_STATUS_OK;
    }
    static nn_status bn_train_backward(const Real * dy, const Real * x, const Real * gamma,
                                       const Real * smean, const Real * sinv, Real * dx,
                                       Real * dgamma, Real * dbeta, size_t C, size_t T,
                                       const unsigned char * valid = nullptr) {
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_backward_channel(dy, x, dx, ch(C, T, c), gamma[c], smean[c], sinv[c],
                                             dgamma + c, dbeta + c, valid);
        }
        return NN_STATUS_OK;
    }
    static nn_status bn_eval_forward(const Real * x, const Real * gamma, const Real * beta,
                                     const Real * rmean, const Real * rvar, Real * y, size_t C,
                                     size_t T) {
        for (size_t c = 0; c < C; c++) {
            batchnorm_eval_forward_channel(x, y, ch(C, T, c), gamma[c], beta[c], rmean[c], rvar[c],
                                           static_cast<double>(CAW_BN_EPS));
        }
        return NN_STATUS_OK;
    }
    static nn_status bn_eval_backward(const Real * dy, const Real * x, const Real * gamma,
                                      const Real * rmean, const Real * rvar, Real * dx,
                                      Real * dgamma, Real * dbeta, size_t C, size_t T) {
        for (size_t c = 0; c < C; c++) {
            batchnorm_eval_backward_channel(dy, x, dx, ch(C, T, c), gamma[c], rmean[c], rvar[c],
                                            static_cast<double>(CAW_BN_EPS), dgamma + c, dbeta + c);
        }
        return NN_STATUS_OK;
    }
    static nn_status bn_jvp(const Real * x, const Real * xt, const Real * gamma, const Real * smean,
                            const Real * sinv, Real * yt, size_t C, size_t T,
                            const unsigned char * valid = nullptr) {
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_jvp_channel(x, xt, yt, ch(C, T, c), gamma[c], smean[c], sinv[c],
                                        valid);
        }
        return NN_STATUS_OK;
    }
    static nn_status bn_jvp_backward(const Real * r, const Real * x, const Real * xt,
                                     const Real * gamma, const Real * smean, const Real * sinv,
                                     Real * dx, Real * dxt, Real * dgamma, size_t C, size_t T,
                                     const unsigned char * valid = nullptr) {
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_jvp_backward_channel(r, x, xt, dx, dxt, ch(C, T, c), gamma[c], smean[c],
                                                 sinv[c], dgamma + c, valid);
        }
        return NN_STATUS_OK;
    }
    // (n) elementwise
    static nn_status leaky_forward(const Real * x, Real * y, size_t n) {
        leaky_relu_forward_span(x, y, n, static_cast<Real>(CAW_LEAKY_SLOPE));
        return NN_STATUS_OK;
    }
    static nn_status leaky_backward(const Real * dy, const Real * x, Real * dx, size_t n) {
        leaky_relu_backward_span(dy, x, dx, n, static_cast<Real>(CAW_LEAKY_SLOPE));
        return NN_STATUS_OK;
    }
    static nn_status gated_forward(const Real * a, const Real * b, Real * out, size_t n) {
        gated_unit_forward_span(a, b, out, n);
        return NN_STATUS_OK;
    }
    static nn_status gated_backward(const Real * dout, const Real * a, const Real * b, Real * da,
                                    Real * db, size_t n) {
        gated_unit_backward_span(dout, a, b, da, db, n);
        return NN_STATUS_OK;
    }
    // (T) one row
    static nn_status pe_forward(const Real * x, Real * y, size_t T) {
        preemphasis_forward_row(x, y, T, static_cast<Real>(CAW_PE_COEF));
        return NN_STATUS_OK;
    }
    static nn_status pe_backward(const Real * dy, Real * dx, size_t T) {
        preemphasis_backward_row(dy, dx, T, static_cast<Real>(CAW_PE_COEF));
        return NN_STATUS_OK;
    }
    // g (1, T)
    static nn_status gp_forward(const Real * g, size_t T, float lambda, double * gp) {
        *gp = gradient_penalty_value(g, 1, 1, T, static_cast<double>(lambda));
        return NN_STATUS_OK;
    }
    static nn_status gp_backward(const Real * g, Real * dg, size_t T, float lambda) {
        gradient_penalty_backward_values(
            g, dg, 1, 1, T, static_cast<double>(lambda) * 2.0 / static_cast<double>(T));
        return NN_STATUS_OK;
    }
};

// ----------------------------------------------------------------------------
// float backend: nn_core's checked, threaded entry points

struct caw_cpu_backend : caw_host_mem<float> {
    using real = float;

    static nn_tensor_view v3(const float * p, size_t C, size_t T) {
        return nn_view_3d(const_cast<float *>(p), 1, C, T);
    }
    static nn_tensor_view w3(const float * p, size_t C_out, size_t C_in, size_t K) {
        return nn_view_3d(const_cast<float *>(p), C_out, C_in, K);
    }
    static nn_tensor_view v1(const float * p, size_t n) {
        nn_tensor_view v = nn_view_3d(const_cast<float *>(p), n, 1, 1);
        v.ndim           = 1;
        v.shape[1] = v.shape[2] = 1;
        v.strides[0]            = 1;
        v.strides[1] = v.strides[2] = 0;
        return v;
    }

    static nn_status conv_forward(const float * x, const float * w, const float * bias, float * y,
                                  size_t C_in, size_t C_out, size_t T_in, size_t K, size_t D,
                                  size_t pad) {
        const nn_tensor_view xv = v3(x, C_in, T_in), wv = w3(w, C_out, C_in, K),
                             bv = v1(bias, C_out);
        nn_tensor_view yv       = v3(y, C_out, conv1d_out_length(T_in, K, D, pad));
        return conv1d_forward_cpu(&xv, &wv, bias != nullptr ? &bv : nullptr, &yv, D, pad);
    }
    static nn_status conv_backward(const float * x, const float * w, const float * dy, float * dx,
                                   float * dw, float * dbias, size_t C_in, size_t C_out,
                                   size_t T_in, size_t K, size_t D, size_t pad) {
        const nn_tensor_view xv = v3(x, C_in, T_in), wv = w3(w, C_out, C_in, K),
                             dyv = v3(dy, C_out, conv1d_out_length(T_in, K, D, pad));
        nn_tensor_view dxv = v3(dx, C_in, T_in), dwv = w3(dw, C_out, C_in, K),
                       dbv = v1(dbias, C_out);
        return conv1d_backward_cpu(&xv, &wv, &dyv, dx != nullptr ? &dxv : nullptr,
                                   dw != nullptr ? &dwv : nullptr,
                                   dbias != nullptr ? &dbv : nullptr, D, pad);
    }
    static nn_status wn_forward(const float * v, const float * g, float * w, size_t C_out,
                                size_t C_in, size_t K) {
        const nn_tensor_view vv = w3(v, C_out, C_in, K), gv = v1(g, C_out);
        nn_tensor_view       wv = w3(w, C_out, C_in, K);
        return weight_norm_forward_cpu(&vv, &gv, &wv);
    }
    static nn_status wn_backward(const float * dw, const float * v, const float * g, float * dv,
                                 float * dg, size_t C_out, size_t C_in, size_t K) {
        const nn_tensor_view dwv = w3(dw, C_out, C_in, K), vv = w3(v, C_out, C_in, K),
                             gv = v1(g, C_out);
        nn_tensor_view dvv = w3(dv, C_out, C_in, K), dgv = v1(dg, C_out);
        return weight_norm_backward_cpu(&dwv, &vv, &gv, &dvv, &dgv);
    }
    static nn_status bn_train_forward(const float * x, const float * gamma, const float * beta,
                                      float * rmean, float * rvar, float * smean, float * sinv,
                                      float * y, size_t C, size_t T,
                                      const unsigned char * valid = nullptr) {
        if (valid != nullptr) { // masked statistics: the float reference loops (BN is cheap)
            return caw_ref_backend<float>::bn_train_forward(x, gamma, beta, rmean, rvar, smean,
                                                            sinv, y, C, T, valid);
        }
        const nn_tensor_view xv = v3(x, C, T), gv = v1(gamma, C), bv = v1(beta, C);
        nn_tensor_view rmv = v1(rmean, C), rvv = v1(rvar, C), smv = v1(smean, C), siv = v1(sinv, C),
                       yv = v3(y, C, T);
        return batchnorm_train_forward_cpu(&xv, &gv, &bv, rmean != nullptr ? &rmv : nullptr,
                                           rvar != nullptr ? &rvv : nullptr, &smv, &siv, &yv,
                                           CAW_BN_MOMENTUM, CAW_BN_EPS);
    }
    static nn_status bn_train_backward(const float * dy, const float * x, const float * gamma,
                                       const float * smean, const float * sinv, float * dx,
                                       float * dgamma, float * dbeta, size_t C, size_t T,
                                       const unsigned char * valid = nullptr) {
        if (valid != nullptr) {
            return caw_ref_backend<float>::bn_train_backward(dy, x, gamma, smean, sinv, dx, dgamma,
                                                             dbeta, C, T, valid);
        }
        const nn_tensor_view dyv = v3(dy, C, T), xv = v3(x, C, T), gv = v1(gamma, C),
                             smv = v1(smean, C), siv = v1(sinv, C);
        nn_tensor_view dxv = v3(dx, C, T), dgv = v1(dgamma, C), dbv = v1(dbeta, C);
        return batchnorm_train_backward_cpu(&dyv, &xv, &gv, &smv, &siv, &dxv, &dgv, &dbv);
    }
    static nn_status bn_eval_forward(const float * x, const float * gamma, const float * beta,
                                     const float * rmean, const float * rvar, float * y, size_t C,
                                     size_t T) {
        const nn_tensor_view xv = v3(x, C, T), gv = v1(gamma, C), bv = v1(beta, C),
                             rmv = v1(rmean, C), rvv = v1(rvar, C);
        nn_tensor_view yv = v3(y, C, T);
        return batchnorm_eval_forward_cpu(&xv, &gv, &bv, &rmv, &rvv, &yv, CAW_BN_EPS);
    }
    static nn_status bn_eval_backward(const float * dy, const float * x, const float * gamma,
                                      const float * rmean, const float * rvar, float * dx,
                                      float * dgamma, float * dbeta, size_t C, size_t T) {
        const nn_tensor_view dyv = v3(dy, C, T), xv = v3(x, C, T), gv = v1(gamma, C),
                             rmv = v1(rmean, C), rvv = v1(rvar, C);
        nn_tensor_view dxv = v3(dx, C, T), dgv = v1(dgamma, C), dbv = v1(dbeta, C);
        return batchnorm_eval_backward_cpu(&dyv, &xv, &gv, &rmv, &rvv, &dxv, &dgv, &dbv,
                                           CAW_BN_EPS);
    }
    static nn_status bn_jvp(const float * x, const float * xt, const float * gamma,
                            const float * smean, const float * sinv, float * yt, size_t C,
                            size_t T, const unsigned char * valid = nullptr) {
        if (valid != nullptr) {
            return caw_ref_backend<float>::bn_jvp(x, xt, gamma, smean, sinv, yt, C, T, valid);
        }
        const nn_tensor_view xv = v3(x, C, T), xtv = v3(xt, C, T), gv = v1(gamma, C),
                             smv = v1(smean, C), siv = v1(sinv, C);
        nn_tensor_view ytv = v3(yt, C, T);
        return batchnorm_train_jvp_cpu(&xv, &xtv, &gv, &smv, &siv, &ytv);
    }
    static nn_status bn_jvp_backward(const float * r, const float * x, const float * xt,
                                     const float * gamma, const float * smean, const float * sinv,
                                     float * dx, float * dxt, float * dgamma, size_t C, size_t T,
                                     const unsigned char * valid = nullptr) {
        if (valid != nullptr) {
            return caw_ref_backend<float>::bn_jvp_backward(r, x, xt, gamma, smean, sinv, dx, dxt,
                                                           dgamma, C, T, valid);
        }
        const nn_tensor_view rv = v3(r, C, T), xv = v3(x, C, T), xtv = v3(xt, C, T),
                             gv = v1(gamma, C), smv = v1(smean, C), siv = v1(sinv, C);
        nn_tensor_view dxv = v3(dx, C, T), dxtv = v3(dxt, C, T), dgv = v1(dgamma, C);
        return batchnorm_train_jvp_backward_cpu(&rv, &xv, &xtv, &gv, &smv, &siv, &dxv, &dxtv, &dgv);
    }
    static nn_status leaky_forward(const float * x, float * y, size_t n) {
        const nn_tensor_view xv = v3(x, 1, n);
        nn_tensor_view       yv = v3(y, 1, n);
        return leaky_relu_forward_cpu(&xv, &yv, CAW_LEAKY_SLOPE);
    }
    static nn_status leaky_backward(const float * dy, const float * x, float * dx, size_t n) {
        const nn_tensor_view dyv = v3(dy, 1, n), xv = v3(x, 1, n);
        nn_tensor_view       dxv = v3(dx, 1, n);
        return leaky_relu_backward_cpu(&dyv, &xv, &dxv, CAW_LEAKY_SLOPE);
    }
    static nn_status gated_forward(const float * a, const float * b, float * out, size_t n) {
        const nn_tensor_view av = v3(a, 1, n), bv = v3(b, 1, n);
        nn_tensor_view       ov = v3(out, 1, n);
        return gated_unit_forward_cpu(&av, &bv, &ov);
    }
    static nn_status gated_backward(const float * dout, const float * a, const float * b,
                                    float * da, float * db, size_t n) {
        const nn_tensor_view dov = v3(dout, 1, n), av = v3(a, 1, n), bv = v3(b, 1, n);
        nn_tensor_view       dav = v3(da, 1, n), dbv = v3(db, 1, n);
        return gated_unit_backward_cpu(&dov, &av, &bv, &dav, &dbv);
    }
    static nn_status pe_forward(const float * x, float * y, size_t T) {
        const nn_tensor_view xv = v3(x, 1, T);
        nn_tensor_view       yv = v3(y, 1, T);
        return preemphasis_forward_cpu(&xv, &yv, CAW_PE_COEF);
    }
    static nn_status pe_backward(const float * dy, float * dx, size_t T) {
        const nn_tensor_view dyv = v3(dy, 1, T);
        nn_tensor_view       dxv = v3(dx, 1, T);
        return preemphasis_backward_cpu(&dyv, &dxv, CAW_PE_COEF);
    }
    static nn_status gp_forward(const float * g, size_t T, float lambda, double * gp) {
        const nn_tensor_view gv  = v3(g, 1, T);
        float                out = 0.0f;
        const nn_status      st  = gradient_penalty_forward_cpu(&gv, lambda, &out);
        *gp                      = static_cast<double>(out);
        return st;
    }
    static nn_status gp_backward(const float * g, float * dg, size_t T, float lambda) {
        const nn_tensor_view gv  = v3(g, 1, T);
        nn_tensor_view       dgv = v3(dg, 1, T);
        return gradient_penalty_backward_cpu(&gv, lambda, 1.0f, &dgv);
    }
};
