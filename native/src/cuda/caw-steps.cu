// caw-steps.cu: the elementwise steps the Catch-A-Waveform templates run between ops on the device
// (model/caw-backend.h caw_host_mem is the host twin, line for line), and the trainer's per-epoch
// counter step (docs/caw-spec.md §3; the trainer: cuda/caw-train-device.cu).
//   gen_input        x (N + 2P) = pad0(noise * amp + prev)           G's input
//   gen_output       out (N) = pe + prev                              G's residual
//   gen_input_grads  d_noise = amp dx, d_prev = dx + dout             G's input gradients
//   mix              x = alpha real + (1 - alpha) fake, *alpha on the device (the penalty's x_hat)
//   fill_keep        s = keep ? 1 : 0 (keep null: ones)              the penalty's grad_outputs
//   scale            x *= a
//   epoch_advance    the per-epoch values a captured epoch reads (one thread): lr_step = [lr[e],
//                    e + 1], *alpha = alphas[e], offsets[k] = e * lengths[k], then *epoch = e + 1
// Shapes: 1-D arrays of the lengths named; every pointer is device memory.

#include <climits>

#include "cuda/caw-steps.cuh"
#include "cuda/kernel.cuh"
#include "cuda/common.cuh"
#include "cuda/device-ops.h"

// ----------------------------------------------------------------------------
// CUDA kernels

KX_DEVICE size_t step_first() {
    return static_cast<size_t>(kx::block_idx().x) * kx::block_dim().x + kx::thread_idx().x;
}
KX_DEVICE size_t step_stride() {
    return static_cast<size_t>(kx::grid_dim().x) * kx::block_dim().x;
}

// x (T0), noise, prev (N) or null
KX_GLOBAL void gen_input_kernel(float * x, size_t T0, size_t P, const float * noise, float amp,
                                const float * prev, size_t N) {
    for (size_t t = step_first(); t < T0; t += step_stride()) {
        float v = 0.0f;
        if (t >= P && t < P + N) {
            const float zn = noise != nullptr ? noise[t - P] * amp : 0.0f;
            v              = zn + (prev != nullptr ? prev[t - P] : 0.0f);
        }
        x[t] = v;
    }
}

KX_GLOBAL void gen_output_kernel(float * out, const float * pe, const float * prev, size_t N) {
    for (size_t t = step_first(); t < N; t += step_stride()) {
        out[t] = pe[t] + (prev != nullptr ? prev[t] : 0.0f);
    }
}

KX_GLOBAL void gen_input_grads_kernel(const float * dx, const float * dout, float amp,
                                      float * d_noise, float * d_prev, size_t N) {
    for (size_t t = step_first(); t < N; t += step_stride()) {
        if (d_noise != nullptr) {
            d_noise[t] = amp * dx[t];
        }
        if (d_prev != nullptr) {
            d_prev[t] = dx[t] + dout[t];
        }
    }
}

KX_GLOBAL void mix_kernel(float * x, const float * real, const float * fake, const float * alpha,
                          size_t N) {
    const float a = *alpha;
    for (size_t t = step_first(); t < N; t += step_stride()) {
        x[t] = a * real[t] + (1.0f - a) * fake[t];
    }
}

KX_GLOBAL void fill_keep_kernel(float * s, const unsigned char * keep, size_t T) {
    for (size_t t = step_first(); t < T; t += step_stride()) {
        s[t] = keep == nullptr || keep[t] != 0 ? 1.0f : 0.0f;
    }
}

KX_GLOBAL void scale_kernel(float * x, size_t n, float a) {
    for (size_t t = step_first(); t < n; t += step_stride()) {
        x[t] *= a;
    }
}

// one thread: the epoch counter and everything derived from it (a CUDA graph of an epoch starts
// with this kernel, so each replay trains the next epoch)
KX_GLOBAL void epoch_advance_kernel(uint64_t * epoch, const double * lr, const float * alphas,
                                    double * lr_step, float * alpha, uint64_t * offsets,
                                    const uint64_t * lengths, size_t n_offsets) {
    if (step_first() != 0) {
        return;
    }
    const uint64_t e = *epoch;
    lr_step[0]       = lr[e];
    lr_step[1]       = static_cast<double>(e + 1);
    *alpha           = alphas[e];
    for (size_t k = 0; k < n_offsets; k++) {
        offsets[k] = e * lengths[k];
    }
    *epoch = e + 1;
}

// ----------------------------------------------------------------------------
// kernel launchers

static unsigned steps_blocks(size_t n) {
    const size_t b = (n + CAW_STEPS_BLOCK - 1) / CAW_STEPS_BLOCK;
    return static_cast<unsigned>(b < CAW_STEPS_MAX_BLOCKS ? (b == 0 ? 1 : b)
                                                          : CAW_STEPS_MAX_BLOCKS);
}

static nn_status gen_input_launch(float * x, size_t T0, size_t P, const float * noise, float amp,
                                  const float * prev, size_t N, cudaStream_t stream) {
    KX_LAUNCH(gen_input_kernel, kx::dim3(steps_blocks(T0)), kx::dim3(CAW_STEPS_BLOCK), stream, x,
              T0, P, noise, amp, prev, N);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status gen_output_launch(float * out, const float * pe, const float * prev, size_t N,
                                   cudaStream_t stream) {
    KX_LAUNCH(gen_output_kernel, kx::dim3(steps_blocks(N)), kx::dim3(CAW_STEPS_BLOCK), stream, out,
              pe, prev, N);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status gen_input_grads_launch(const float * dx, const float * dout, float amp,
                                        float * d_noise, float * d_prev, size_t N,
                                        cudaStream_t stream) {
    KX_LAUNCH(gen_input_grads_kernel, kx::dim3(steps_blocks(N)), kx::dim3(CAW_STEPS_BLOCK), stream,
              dx, dout, amp, d_noise, d_prev, N);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status mix_launch(float * x, const float * real, const float * fake,
                            const float * alpha, size_t N, cudaStream_t stream) {
    KX_LAUNCH(mix_kernel, kx::dim3(steps_blocks(N)), kx::dim3(CAW_STEPS_BLOCK), stream, x, real,
              fake, alpha, N);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status fill_keep_launch(float * s, const unsigned char * keep, size_t T,
                                  cudaStream_t stream) {
    KX_LAUNCH(fill_keep_kernel, kx::dim3(steps_blocks(T)), kx::dim3(CAW_STEPS_BLOCK), stream, s,
              keep, T);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status scale_launch(float * x, size_t n, float a, cudaStream_t stream) {
    KX_LAUNCH(scale_kernel, kx::dim3(steps_blocks(n)), kx::dim3(CAW_STEPS_BLOCK), stream, x, n, a);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status epoch_advance_launch(uint64_t * epoch, const double * lr, const float * alphas,
                                      double * lr_step, float * alpha, uint64_t * offsets,
                                      const uint64_t * lengths, size_t n_offsets,
                                      cudaStream_t stream) {
    KX_LAUNCH(epoch_advance_kernel, kx::dim3(1), kx::dim3(32), stream, epoch, lr, alphas, lr_step,
              alpha, offsets, lengths, n_offsets); // one warp: blocks are whole warps
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

nn_status KX_ENTRY(caw_gen_input_dev)(float * x, size_t T0, size_t P, const float * noise,
                                      float amp, const float * prev, size_t N,
                                      nn_cuda_stream_t stream) {
    if (x == nullptr || T0 < N + 2 * P) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "caw_gen_input_dev: x is null or T0 %zu < N + 2P",
                       T0);
    }
    return gen_input_launch(x, T0, P, noise, amp, prev, N, stream);
}

nn_status KX_ENTRY(caw_gen_output_dev)(float * out, const float * pe, const float * prev, size_t N,
                                       nn_cuda_stream_t stream) {
    if (out == nullptr || pe == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "caw_gen_output_dev: out or pe is null");
    }
    return gen_output_launch(out, pe, prev, N, stream);
}

nn_status KX_ENTRY(caw_gen_input_grads_dev)(const float * dx, const float * dout, float amp,
                                            float * d_noise, float * d_prev, size_t N,
                                            nn_cuda_stream_t stream) {
    if (dx == nullptr || (d_prev != nullptr && dout == nullptr)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "caw_gen_input_grads_dev: dx or dout is null");
    }
    return gen_input_grads_launch(dx, dout, amp, d_noise, d_prev, N, stream);
}

nn_status KX_ENTRY(caw_mix_dev)(float * x, const float * real, const float * fake,
                                const float * alpha, size_t N, nn_cuda_stream_t stream) {
    if (x == nullptr || real == nullptr || fake == nullptr || alpha == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "caw_mix_dev: a pointer is null");
    }
    return mix_launch(x, real, fake, alpha, N, stream);
}

nn_status KX_ENTRY(caw_fill_keep_dev)(float * s, const unsigned char * keep, size_t T,
                                      nn_cuda_stream_t stream) {
    if (s == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "caw_fill_keep_dev: s is null");
    }
    return fill_keep_launch(s, keep, T, stream);
}

nn_status KX_ENTRY(caw_scale_dev)(float * x, size_t n, float a, nn_cuda_stream_t stream) {
    if (x == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "caw_scale_dev: x is null");
    }
    return scale_launch(x, n, a, stream);
}

nn_status KX_ENTRY(caw_epoch_advance_dev)(uint64_t * epoch, const double * lr, const float * alphas,
                                          double * lr_step, float * alpha, uint64_t * offsets,
                                          const uint64_t * lengths, size_t n_offsets,
                                          nn_cuda_stream_t stream) {
    if (epoch == nullptr || lr == nullptr || alphas == nullptr || lr_step == nullptr ||
        alpha == nullptr || (n_offsets > 0 && (offsets == nullptr || lengths == nullptr))) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "caw_epoch_advance_dev: a pointer is null");
    }
    return epoch_advance_launch(epoch, lr, alphas, lr_step, alpha, offsets, lengths, n_offsets,
                                stream);
}
