// adam.cu: one Adam step on the device, adam_step_cpu's arithmetic (nn/adam.h: torch 1.9's
// single-tensor order, scalars formed in double and rounded to float once). Each product and sum
// is rounded separately (mul_rn / add_rn: nvcc would otherwise contract them into FMAs), and
// sqrtf and / are IEEE round-to-nearest on both targets, so the device step equals the CPU's
// bit for bit. adam_step_sched_dev reads [lr, step] from device memory and forms the scalars in
// the kernel (double pow, within an ulp of libm's; rounded to float they agree; once per block):
// a captured CUDA graph then replays every epoch with the schedule's values.

#include <cmath>

#include "cpu/adam-impl.h"
#include "cuda/adam.cuh"
#include "cuda/common.cuh"
#include "cuda/device-ops.h"

// ----------------------------------------------------------------------------
// CUDA kernels

// a * b and a + b rounded once each (no contraction into an FMA): the CPU's rounding.
KX_DEVICE float mul_rn(float a, float b) {
#if defined(NN_SIM)
    return a * b;
#else
    return __fmul_rn(a, b);
#endif
}
KX_DEVICE float add_rn(float a, float b) {
#if defined(NN_SIM)
    return a + b;
#else
    return __fadd_rn(a, b);
#endif
}

// adam_coefficients<float> in the kernel, from step (a 1-based count held as a double) and lr.
KX_DEVICE adam_dev_coeffs adam_coefficients_dev(double step, double lr, double beta1, double beta2,
                                                double eps) {
    const double    bc1 = 1.0 - pow(beta1, step);
    const double    bc2 = 1.0 - pow(beta2, step);
    adam_dev_coeffs c;
    c.beta1              = static_cast<float>(beta1);
    c.one_minus_beta1    = static_cast<float>(1.0 - beta1);
    c.beta2              = static_cast<float>(beta2);
    c.one_minus_beta2    = static_cast<float>(1.0 - beta2);
    c.neg_step_size      = static_cast<float>(-(lr / bc1));
    c.sqrt_bias_correct2 = static_cast<float>(sqrt(bc2));
    c.eps                = static_cast<float>(eps);
    return c;
}

// p, g, m, v are (n): one element's update with the step's scalars c (adam_update_range).
KX_DEVICE void adam_update_dev(float * p, const float * g, float * m, float * v, size_t i,
                               const adam_dev_coeffs & c) {
    const float grad  = g[i];
    float       mi    = mul_rn(m[i], c.beta1);
    mi                = add_rn(mi, mul_rn(c.one_minus_beta1, grad));
    float vi          = mul_rn(v[i], c.beta2);
    vi                = add_rn(vi, mul_rn(mul_rn(c.one_minus_beta2, grad), grad));
    const float denom = add_rn(sqrtf(vi) / c.sqrt_bias_correct2, c.eps);
    p[i]              = add_rn(p[i], mul_rn(c.neg_step_size, mi) / denom);
    m[i]              = mi;
    v[i]              = vi;
}

// p, g, m, v are (n); c: the scalars formed on the host.
KX_GLOBAL void adam_step_kernel(float * p, const float * g, float * m, float * v, size_t n,
                                adam_dev_coeffs c) {
    const size_t i = static_cast<size_t>(kx::block_idx().x) * kx::block_dim().x +
                     kx::thread_idx().x;
    if (i < n) {
        adam_update_dev(p, g, m, v, i, c);
    }
}

// p, g, m, v are (n); lr_step = [lr, step] in device memory. Thread 0 of each block forms the
// scalars (two double pows) and shares them: one pow pair per block, not per element.
KX_GLOBAL void adam_step_sched_kernel(float * p, const float * g, float * m, float * v, size_t n,
                                      const double * lr_step, double beta1, double beta2,
                                      double eps) {
    KX_SHARED(adam_dev_coeffs, shared_c, 1);
    if (kx::thread_idx().x == 0) {
        shared_c[0] = adam_coefficients_dev(lr_step[1], lr_step[0], beta1, beta2, eps);
    }
    kx::sync_threads();
    const adam_dev_coeffs c = shared_c[0];
    const size_t i = static_cast<size_t>(kx::block_idx().x) * kx::block_dim().x +
                     kx::thread_idx().x;
    if (i < n) {
        adam_update_dev(p, g, m, v, i, c);
    }
}

// ----------------------------------------------------------------------------
// kernel launchers

static nn_status adam_grid(const char * op, size_t n, unsigned * blocks) {
    const size_t count = (n + ADAM_BLOCK_SIZE - 1) / ADAM_BLOCK_SIZE;
    if (count > 0x7fffffffu) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu parameters exceed one launch", op, n);
    }
    *blocks = static_cast<unsigned>(count);
    return NN_STATUS_OK;
}

static nn_status adam_step_launch(const char * op, float * p, const float * g, float * m,
                                  float * v, size_t n, const adam_dev_coeffs & c,
                                  nn_cuda_stream_t stream) {
    unsigned blocks = 0;
    NN_TRY(adam_grid(op, n, &blocks));
    KX_LAUNCH(adam_step_kernel, kx::dim3(blocks), kx::dim3(ADAM_BLOCK_SIZE), stream, p, g, m, v,
              n, c);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status adam_step_sched_launch(const char * op, float * p, const float * g, float * m,
                                        float * v, size_t n, const double * lr_step, double beta1,
                                        double beta2, double eps, nn_cuda_stream_t stream) {
    unsigned blocks = 0;
    NN_TRY(adam_grid(op, n, &blocks));
    KX_LAUNCH(adam_step_sched_kernel, kx::dim3(blocks), kx::dim3(ADAM_BLOCK_SIZE), stream, p, g,
              m, v, n, lr_step, beta1, beta2, eps);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

// The checks adam_step_cpu makes that do not need the values: buffers, overlap, betas, eps.
static nn_status adam_check(const char * op, const float * p, const float * g, const float * m,
                            const float * v, size_t n, double beta1, double beta2, double eps) {
    const float * bufs[4]  = {p, g, m, v};
    const char *  names[4] = {"params", "grads", "m", "v"};
    for (int i = 0; i < 4; i++) {
        if (bufs[i] == nullptr) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op, names[i]);
        }
    }
    if (n == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: n is 0", op);
    }
    for (int i = 0; i < 4; i++) {
        for (int j = i + 1; j < 4; j++) {
            if (bufs[i] < bufs[j] + n && bufs[j] < bufs[i] + n) {
                return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s and %s overlap", op, names[i],
                               names[j]);
            }
        }
    }
    if (!std::isfinite(beta1) || beta1 < 0.0 || beta1 >= 1.0 || !std::isfinite(beta2) ||
        beta2 < 0.0 || beta2 >= 1.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: betas are (%g, %g), expected each in [0, 1)", op, beta1, beta2);
    }
    if (!std::isfinite(eps) || eps < 0.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: eps is %g, expected >= 0", op, eps);
    }
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(adam_step_dev)(float * params, const float * grads, float * m, float * v,
                                  size_t n, size_t step, double lr, double beta1, double beta2,
                                  double eps, nn_cuda_stream_t stream) {
    const char * op = "adam_step_dev";
    NN_TRY(adam_check(op, params, grads, m, v, n, beta1, beta2, eps));
    if (step == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: step is 0, expected the 1-based count of steps", op);
    }
    if (!std::isfinite(lr) || lr < 0.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: lr is %g, expected >= 0", op, lr);
    }
    const adam_coeffs<float> h = adam_coefficients<float>(step, lr, beta1, beta2, eps);
    const adam_dev_coeffs    c = {h.beta1,         h.one_minus_beta1,    h.beta2, h.one_minus_beta2,
                                  h.neg_step_size, h.sqrt_bias_correct2, h.eps};
    NN_TRY(adam_step_launch(op, params, grads, m, v, n, c, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(adam_step_sched_dev)(float * params, const float * grads, float * m, float * v,
                                        size_t n, const double * lr_step, double beta1,
                                        double beta2, double eps, nn_cuda_stream_t stream) {
    const char * op = "adam_step_sched_dev";
    NN_TRY(adam_check(op, params, grads, m, v, n, beta1, beta2, eps));
    if (lr_step == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: lr_step is null", op);
    }
    NN_TRY(adam_step_sched_launch(op, params, grads, m, v, n, lr_step, beta1, beta2, eps, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}
