// caw-dev-backend.cuh: caw_dev_backend, the Catch-A-Waveform model's op backend on the device: the
// static interface of caw_cpu_backend (model/caw-backend.h), each function one device entry point
// of cuda/device-ops.h called through KX_ENTRY (…_cuda under nvcc, …_sim in the simulator build)
// on the trainer's stream, so caw-model-impl.h and caw-gp-impl.h run on device memory unchanged.
// defines: CAW_DEV_NS, caw_dev_ctx, caw_dev_context, caw_dev_backend, caw_dev_scope
//
// The stream and the convolution precision are per thread (caw_dev_context; set with a
// caw_dev_scope around a run): the interface is static, as the templates call it. Scalars
// (the penalty) are floats in device memory (loss_t), the penalty's alpha a device pointer
// (alpha_t), so nothing in a step reads back to the host. Everything lives in namespace
// CAW_DEV_NS (caw_dev_cuda / caw_dev_sim): nn_core (CUDA) and nn_sim both define these inline
// functions, and a test executable links both.
#pragma once

#include <vector>

#include "cuda/common.cuh"
#include "cuda/device-ops.h"
#include "model/caw-backend.h"

#if defined(NN_SIM)
#define CAW_DEV_NS caw_dev_sim
#else
#define CAW_DEV_NS caw_dev_cuda
#endif

namespace CAW_DEV_NS {

/** The device backend's per-thread settings. */
struct caw_dev_ctx {
    nn_cuda_stream_t  stream    = nullptr;
    nn_conv_precision precision = NN_CONV_FP32; // NN_CONV_BF16: mma bf16; else 3xTF32
};

inline caw_dev_ctx & caw_dev_context() {
    static thread_local caw_dev_ctx ctx;
    return ctx;
}

/** Sets this thread's stream and precision for its lifetime, restoring the previous ones. */
struct caw_dev_scope {
    caw_dev_ctx before;
    caw_dev_scope(nn_cuda_stream_t stream, nn_conv_precision precision)
        : before(caw_dev_context()) {
        caw_dev_context() = caw_dev_ctx{stream, precision};
    }
    ~caw_dev_scope() { caw_dev_context() = before; }
    caw_dev_scope(const caw_dev_scope &)             = delete;
    caw_dev_scope & operator=(const caw_dev_scope &) = delete;
};

struct caw_dev_backend {
    using real    = float;
    using alpha_t = const float *; // device pointer to this epoch's alpha
    using loss_t  = float;         // written to device memory

    static nn_cuda_stream_t  st() { return caw_dev_context().stream; }
    static nn_conv_precision prec() { return caw_dev_context().precision; }

    // ---- ops (device-ops.h)

    static nn_status conv_forward(const float * x, const float * w, const float * bias, float * y,
                                  size_t C_in, size_t C_out, size_t T_in, size_t K, size_t D,
                                  size_t pad) {
        return KX_ENTRY(conv1d_forward_dev)(x, w, bias, y, C_in, C_out, T_in, K, D, pad, prec(),
                                            NN_DEV_EPILOGUE_NONE, CAW_LEAKY_SLOPE, st());
    }
    static nn_status conv_backward(const float * x, const float * w, const float * dy, float * dx,
                                   float * dw, float * dbias, size_t C_in, size_t C_out,
                                   size_t T_in, size_t K, size_t D, size_t pad) {
        return KX_ENTRY(conv1d_backward_dev)(x, w, dy, dx, dw, dbias, C_in, C_out, T_in, K, D, pad,
                                             prec(), st());
    }
    static nn_status wn_forward(const float * v, const float * g, float * w, size_t C_out,
                                size_t C_in, size_t K) {
        return KX_ENTRY(weight_norm_forward_dev)(v, g, w, C_out, C_in * K, st());
    }
    static nn_status wn_backward(const float * dw, const float * v, const float * g, float * dv,
                                 float * dg, size_t C_out, size_t C_in, size_t K) {
        return KX_ENTRY(weight_norm_backward_dev)(dw, v, g, dv, dg, C_out, C_in * K, st());
    }
    static nn_status bn_train_forward(const float * x, const float * gamma, const float * beta,
                                      float * rmean, float * rvar, float * smean, float * sinv,
                                      float * y, size_t C, size_t T,
                                      const unsigned char * valid = nullptr) {
        return KX_ENTRY(batchnorm_train_forward_dev)(x, gamma, beta, rmean, rvar, smean, sinv, y,
                                                     C, T, valid, CAW_BN_MOMENTUM, CAW_BN_EPS,
                                                     st());
    }
    static nn_status bn_train_backward(const float * dy, const float * x, const float * gamma,
                                       const float * smean, const float * sinv, float * dx,
                                       float * dgamma, float * dbeta, size_t C, size_t T,
                                       const unsigned char * valid = nullptr) {
        return KX_ENTRY(batchnorm_train_backward_dev)(dy, x, gamma, smean, sinv, dx, dgamma,
                                                      dbeta, C, T, valid, st());
    }
    static nn_status bn_eval_forward(const float * x, const float * gamma, const float * beta,
                                     const float * rmean, const float * rvar, float * y, size_t C,
                                     size_t T) {
        return KX_ENTRY(batchnorm_eval_forward_dev)(x, gamma, beta, rmean, rvar, y, C, T,
                                                    CAW_BN_EPS, st());
    }
    static nn_status bn_eval_backward(const float * dy, const float * x, const float * gamma,
                                      const float * rmean, const float * rvar, float * dx,
                                      float * dgamma, float * dbeta, size_t C, size_t T) {
        return KX_ENTRY(batchnorm_eval_backward_dev)(dy, x, gamma, rmean, rvar, dx, dgamma, dbeta,
                                                     C, T, CAW_BN_EPS, st());
    }
    static nn_status bn_jvp(const float * x, const float * xt, const float * gamma,
                            const float * smean, const float * sinv, float * yt, size_t C,
                            size_t T, const unsigned char * valid = nullptr) {
        return KX_ENTRY(batchnorm_train_jvp_dev)(x, xt, gamma, smean, sinv, yt, C, T, valid, st());
    }
    static nn_status bn_jvp_backward(const float * r, const float * x, const float * xt,
                                     const float * gamma, const float * smean, const float * sinv,
                                     float * dx, float * dxt, float * dgamma, size_t C, size_t T,
                                     const unsigned char * valid = nullptr) {
        return KX_ENTRY(batchnorm_train_jvp_backward_dev)(r, x, xt, gamma, smean, sinv, dx, dxt,
                                                          dgamma, C, T, valid, st());
    }
    static nn_status leaky_forward(const float * x, float * y, size_t n) {
        return KX_ENTRY(leaky_relu_forward_dev)(x, y, n, CAW_LEAKY_SLOPE, st());
    }
    static nn_status leaky_backward(const float * dy, const float * x, float * dx, size_t n) {
        return KX_ENTRY(leaky_relu_backward_dev)(dy, x, dx, n, CAW_LEAKY_SLOPE, st());
    }
    static nn_status gated_forward(const float * a, const float * b, float * out, size_t n) {
        return KX_ENTRY(gated_unit_forward_dev)(a, b, out, n, st());
    }
    static nn_status gated_backward(const float * dout, const float * a, const float * b,
                                    float * da, float * db, size_t n) {
        return KX_ENTRY(gated_unit_backward_dev)(dout, a, b, da, db, n, st());
    }
    static nn_status pe_forward(const float * x, float * y, size_t T) {
        return KX_ENTRY(preemphasis_forward_dev)(x, y, 1, T, CAW_PE_COEF, st());
    }
    static nn_status pe_backward(const float * dy, float * dx, size_t T) {
        return KX_ENTRY(preemphasis_backward_dev)(dy, dx, 1, T, CAW_PE_COEF, st());
    }
    static nn_status gp_forward(const float * g, size_t T, float lambda, loss_t * gp) {
        return KX_ENTRY(gradient_penalty_forward_dev)(g, T, lambda, gp, st());
    }
    static nn_status gp_backward(const float * g, float * dg, size_t T, float lambda) {
        return KX_ENTRY(gradient_penalty_backward_dev)(g, dg, T, lambda, st());
    }

    // ---- memory steps (caw_host_mem's, on the device)

    static nn_status zero(float * p, size_t n) {
        NN_CUDA_CHECK(cudaMemsetAsync(p, 0, n * sizeof(float), st()));
        return NN_STATUS_OK;
    }
    static nn_status copy(float * dst, const float * src, size_t n) {
        NN_CUDA_CHECK(
            cudaMemcpyAsync(dst, src, n * sizeof(float), cudaMemcpyDeviceToDevice, st()));
        return NN_STATUS_OK;
    }
    static nn_status add_to(float * y, const float * x, size_t n) { // 1 * x is exact: y + x
        return KX_ENTRY(axpy_dev)(1.0f, x, y, n, st());
    }
    static nn_status scale(float * x, size_t n, float a) {
        return KX_ENTRY(caw_scale_dev)(x, n, a, st());
    }
    static nn_status gen_input(float * x, size_t T0, size_t P, const float * noise, float amp,
                               const float * prev, size_t N) {
        return KX_ENTRY(caw_gen_input_dev)(x, T0, P, noise, amp, prev, N, st());
    }
    static nn_status gen_output(float * out, const float * pe, const float * prev, size_t N) {
        return KX_ENTRY(caw_gen_output_dev)(out, pe, prev, N, st());
    }
    static nn_status gen_input_grads(const float * dx, const float * dout, float amp,
                                     float * d_noise, float * d_prev, size_t N) {
        return KX_ENTRY(caw_gen_input_grads_dev)(dx, dout, amp, d_noise, d_prev, N, st());
    }
    static nn_status mix(float * x, const float * real, const float * fake, alpha_t alpha,
                         size_t N) {
        return KX_ENTRY(caw_mix_dev)(x, real, fake, alpha, N, st());
    }
    static nn_status fill_keep(float * s, const unsigned char * keep, size_t T) {
        return KX_ENTRY(caw_fill_keep_dev)(s, keep, T, st());
    }
    // the penalty's self-checks: read back and summed on the host (synchronises; tests only)
    static nn_status dot(const float * a, const float * b, size_t n, double * out) {
        std::vector<float> ha(n), hb(n);
        NN_TRY(download(ha.data(), a, n));
        NN_TRY(download(hb.data(), b, n));
        return caw_host_mem<float>::dot(ha.data(), hb.data(), n, out);
    }
    static nn_status sum_kept(const float * a, const unsigned char * keep, size_t n,
                              double * out) {
        std::vector<float>         ha(n);
        std::vector<unsigned char> hk(keep != nullptr ? n : 0);
        NN_TRY(download(ha.data(), a, n));
        if (keep != nullptr) {
            NN_CUDA_CHECK(cudaMemcpyAsync(hk.data(), keep, n, cudaMemcpyDeviceToHost, st()));
            NN_CUDA_CHECK(cudaStreamSynchronize(st()));
        }
        return caw_host_mem<float>::sum_kept(ha.data(), keep != nullptr ? hk.data() : nullptr, n,
                                             out);
    }

    // ---- transfers (the trainer's, at scale boundaries and once per epoch)

    static nn_status upload(float * dst, const float * src, size_t n) {
        NN_CUDA_CHECK(cudaMemcpyAsync(dst, src, n * sizeof(float), cudaMemcpyHostToDevice, st()));
        return NN_STATUS_OK;
    }
    static nn_status download(float * dst, const float * src, size_t n) {
        NN_CUDA_CHECK(cudaMemcpyAsync(dst, src, n * sizeof(float), cudaMemcpyDeviceToHost, st()));
        NN_CUDA_CHECK(cudaStreamSynchronize(st()));
        return NN_STATUS_OK;
    }
};

} // namespace CAW_DEV_NS
