// device-ops.h: the device entry points the trainer's device backend calls (docs/cuda.md), one
// declaration per op and direction, each twice: <name>_cuda (nvcc, nn_core with NN_WITH_CUDA)
// and <name>_sim (the same kernel source under the CPU simulator, library nn_sim). Kernel files
// define them with KX_ENTRY(<name>) (cuda/kernel.cuh), so each .cu file defines the variant of
// the target it is compiled for.
// defines: NN_DEVICE_OP, nn_dev_epilogue, nn_dev_mss_plan, and the entry points below
//
// Conventions (the CPU ops' own, nn/*.h; docs/architecture.md):
//   - every pointer is device memory (simulator memory under _sim), contiguous, batch 1 as the
//     model's backends take it (model/caw-backend.h); shapes in the comments use C, T, K, D;
//   - backward WRITES activation gradients (=) and ADDS parameter gradients (+=); a null gradient
//     pointer skips that gradient;
//   - scalar results (losses) are written to device memory, never returned to the host, so an
//     epoch runs without a host round trip; the caller reads them once per epoch;
//   - the last argument is the stream; entry points check arguments, launch, never synchronise,
//     and return nn_status with a message (nn_fail); a launch error is NN_STATUS_CUDA_ERROR.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/conv1d.h"
#include "nn/mss-loss.h"
#include "nn/nn.h"

/** Declares nn_status name_cuda params; and nn_status name_sim params;. */
#define NN_DEVICE_OP(name, params) \
    nn_status name##_cuda params;  \
    nn_status name##_sim params

/** What a convolution's epilogue applies to each output after the bias: nothing, or LeakyReLU. */
enum nn_dev_epilogue { NN_DEV_EPILOGUE_NONE = 0, NN_DEV_EPILOGUE_LEAKY = 1 };

// ---- conv1d (cuda/conv1d.cu): implicit GEMM; NN_CONV_BF16 on m16n8k16 bf16 tensor-core tiles,
// NN_CONV_FP32 on m16n8k8 tf32 tiles with an fp32 correction term (3xTF32), so fp32 keeps
// float accuracy. x (C_in, T_in), w (C_out, C_in, K), bias (C_out) or null,
// y (C_out, T_out = conv1d_out_length(T_in, K, D, pad)); `pad` zeros on each side.

NN_DEVICE_OP(conv1d_forward_dev, (const float * x, const float * w, const float * bias, float * y,
                                  size_t C_in, size_t C_out, size_t T_in, size_t K, size_t D,
                                  size_t pad, nn_conv_precision precision,
                                  nn_dev_epilogue epilogue, float leaky_slope,
                                  nn_cuda_stream_t stream));
// dy (C_out, T_out); dx (C_in, T_in) written; dw (C_out, C_in, K) and dbias (C_out) added.
NN_DEVICE_OP(conv1d_backward_dev, (const float * x, const float * w, const float * dy, float * dx,
                                   float * dw, float * dbias, size_t C_in, size_t C_out,
                                   size_t T_in, size_t K, size_t D, size_t pad,
                                   nn_conv_precision precision, nn_cuda_stream_t stream));

// ---- weight norm (cuda/weight-norm.cu): w = g v / ||v|| per output channel (rows of C_in·K)

NN_DEVICE_OP(weight_norm_forward_dev, (const float * v, const float * g, float * w, size_t C_out,
                                       size_t row, nn_cuda_stream_t stream));
NN_DEVICE_OP(weight_norm_backward_dev, (const float * dw, const float * v, const float * g,
                                        float * dv, float * dg, size_t C_out, size_t row,
                                        nn_cuda_stream_t stream));

// ---- batch norm (cuda/batchnorm.cu), one sample: x, y (C, T); per-channel vectors (C).
// valid (T) or null: masked statistics (inpainting's D), as cpu/batchnorm-impl.h.
// rmean/rvar null: no running-statistics update. smean/sinv: the batch mean and 1/sqrt(var+eps)
// the backward and the JVP read.

NN_DEVICE_OP(batchnorm_train_forward_dev,
             (const float * x, const float * gamma, const float * beta, float * rmean,
              float * rvar, float * smean, float * sinv, float * y, size_t C, size_t T,
              const unsigned char * valid, float momentum, float eps, nn_cuda_stream_t stream));
NN_DEVICE_OP(batchnorm_train_backward_dev,
             (const float * dy, const float * x, const float * gamma, const float * smean,
              const float * sinv, float * dx, float * dgamma, float * dbeta, size_t C, size_t T,
              const unsigned char * valid, nn_cuda_stream_t stream));
NN_DEVICE_OP(batchnorm_eval_forward_dev,
             (const float * x, const float * gamma, const float * beta, const float * rmean,
              const float * rvar, float * y, size_t C, size_t T, float eps,
              nn_cuda_stream_t stream));
NN_DEVICE_OP(batchnorm_eval_backward_dev,
             (const float * dy, const float * x, const float * gamma, const float * rmean,
              const float * rvar, float * dx, float * dgamma, float * dbeta, size_t C, size_t T,
              float eps, nn_cuda_stream_t stream));
// the gradient penalty's double backward: yt = J·xt, and its backward (r = d/dyt)
NN_DEVICE_OP(batchnorm_train_jvp_dev,
             (const float * x, const float * xt, const float * gamma, const float * smean,
              const float * sinv, float * yt, size_t C, size_t T, const unsigned char * valid,
              nn_cuda_stream_t stream));
NN_DEVICE_OP(batchnorm_train_jvp_backward_dev,
             (const float * r, const float * x, const float * xt, const float * gamma,
              const float * smean, const float * sinv, float * dx, float * dxt, float * dgamma,
              size_t C, size_t T, const unsigned char * valid, nn_cuda_stream_t stream));

// ---- activations (cuda/activations.cu), n elements

NN_DEVICE_OP(leaky_relu_forward_dev,
             (const float * x, float * y, size_t n, float slope, nn_cuda_stream_t stream));
NN_DEVICE_OP(leaky_relu_backward_dev, (const float * dy, const float * x, float * dx, size_t n,
                                       float slope, nn_cuda_stream_t stream));
NN_DEVICE_OP(gated_unit_forward_dev,
             (const float * a, const float * b, float * out, size_t n, nn_cuda_stream_t stream));
NN_DEVICE_OP(gated_unit_backward_dev, (const float * dout, const float * a, const float * b,
                                       float * da, float * db, size_t n, nn_cuda_stream_t stream));

// ---- pre-emphasis (cuda/preemphasis.cu): rows independent rows of T samples

NN_DEVICE_OP(preemphasis_forward_dev, (const float * x, float * y, size_t rows, size_t T, float a,
                                       nn_cuda_stream_t stream));
NN_DEVICE_OP(preemphasis_backward_dev, (const float * dy, float * dx, size_t rows, size_t T,
                                        float a, nn_cuda_stream_t stream));

// ---- losses (cuda/losses.cu); *out is one float in device memory (written, =)

// mean(x) into *out; backward: dd[i] = dout / n for all i
NN_DEVICE_OP(critic_mean_forward_dev,
             (const float * d, size_t n, float * out, nn_cuda_stream_t stream));
NN_DEVICE_OP(critic_mean_backward_dev,
             (float dout, float * dd, size_t n, nn_cuda_stream_t stream));
// masked (inpainting): mean over valid[i] != 0; backward dd[i] = valid ? dout / n_valid : 0
NN_DEVICE_OP(critic_mean_masked_forward_dev, (const float * d, const unsigned char * valid,
                                              size_t n, float * out, nn_cuda_stream_t stream));
NN_DEVICE_OP(critic_mean_masked_backward_dev, (float dout, const unsigned char * valid, float * dd,
                                               size_t n, nn_cuda_stream_t stream));
// mean((x - y)^2) into *out (valid null) or over valid samples; backward as mse_backward_cpu:
// dx[i] = dloss · 2 (x - y) / n  (n_valid, and 0 outside valid, when masked)
NN_DEVICE_OP(mse_forward_dev, (const float * x, const float * y, const unsigned char * valid,
                               size_t n, float * out, nn_cuda_stream_t stream));
NN_DEVICE_OP(mse_backward_dev, (const float * x, const float * y, const unsigned char * valid,
                                size_t n, float dloss, float * dx, nn_cuda_stream_t stream));
// gradient_penalty_*_cpu on one sample's input gradient g (T)
NN_DEVICE_OP(gradient_penalty_forward_dev,
             (const float * g, size_t T, float lambda, float * out, nn_cuda_stream_t stream));
NN_DEVICE_OP(gradient_penalty_backward_dev,
             (const float * g, float * dg, size_t T, float lambda, nn_cuda_stream_t stream));
// y[i] += alpha · x[i] (the trainer's gradient sums, e.g. drec += alpha2 · dmss)
NN_DEVICE_OP(axpy_dev,
             (float alpha, const float * x, float * y, size_t n, nn_cuda_stream_t stream));

// ---- MSS loss (cuda/mss-loss.cu, its STFT in cuda/stft.cu): the plan holds the device windows,
// twiddles and scratch for signals of length T (nn_mss_plan_init's configs, and n_fft <= 2048:
// one frame per block in shared memory); loss into *out. A plan serves one call at a time and
// only the target that made it (a _cuda plan for _cuda calls); create and free are synchronous
// (allocations), the loss calls are stream-ordered and capturable.

struct nn_dev_mss_plan;
NN_DEVICE_OP(mss_plan_create_dev, (nn_dev_mss_plan * *plan, const nn_mss_config * configs,
                                   size_t n_configs, size_t T));
void mss_plan_free_dev_cuda(nn_dev_mss_plan * plan);
void mss_plan_free_dev_sim(nn_dev_mss_plan * plan);
// x: the real signal, y: the model's (T each); dy (T) written with d loss / d y
NN_DEVICE_OP(mss_loss_forward_dev, (nn_dev_mss_plan * plan, const float * x, const float * y,
                                    float * out, nn_cuda_stream_t stream));
NN_DEVICE_OP(mss_loss_backward_dev, (nn_dev_mss_plan * plan, const float * x, const float * y,
                                     float * dy, float * out, nn_cuda_stream_t stream));
// The STFT magnitude (nn/stft.h) of configuration `config` of a plan, on the plan's tables and
// scratch (a plan serves one call at a time): x (T); S and dS (F, N) = (n_fft/2 + 1, 1 + T/hop),
// S[k * N + f] as stft_magnitude_forward_cpu; dx (T) written (=) as stft_magnitude_backward_cpu.
NN_DEVICE_OP(stft_magnitude_forward_dev, (nn_dev_mss_plan * plan, size_t config, const float * x,
                                          float * S, nn_cuda_stream_t stream));
NN_DEVICE_OP(stft_magnitude_backward_dev, (nn_dev_mss_plan * plan, size_t config,
                                           const float * x, const float * dS, float * dx,
                                           nn_cuda_stream_t stream));

// ---- Adam (cuda/adam.cu): adam_step_cpu's arithmetic (torch 1.9 order) on n parameters

NN_DEVICE_OP(adam_step_dev, (float * params, const float * grads, float * m, float * v, size_t n,
                             size_t step, double lr, double beta1, double beta2, double eps,
                             nn_cuda_stream_t stream));
// The same step with lr and step read from device memory inside the kernel (lr_step = [lr, step],
// step the 1-based count as a double), so a captured CUDA graph replays every epoch with the
// values the caller updates in device memory. The caller keeps step >= 1 and lr >= 0.
NN_DEVICE_OP(adam_step_sched_dev, (float * params, const float * grads, float * m, float * v,
                                   size_t n, const double * lr_step, double beta1, double beta2,
                                   double eps, nn_cuda_stream_t stream));

// ---- resampling (cuda/resample.cu): upsample_cubic_*_cpu (Keys, a = -0.5) from T_in samples
// by `scale`; the output is cropped or zero-padded to T_out (caw_tr::upsample_to)

NN_DEVICE_OP(upsample_cubic_forward_dev, (const float * x, size_t T_in, double scale, float * y,
                                          size_t T_out, nn_cuda_stream_t stream));
NN_DEVICE_OP(upsample_cubic_backward_dev, (const float * dy, size_t T_out, double scale,
                                           float * dx, size_t T_in, nn_cuda_stream_t stream));

// ---- noise (cuda/noise.cu): counter-based normal noise, Philox-4x32-10 + Box-Muller, so any
// element is computable on its own: out[i] = std · N(seed, stream_id, offset + i). Its CPU
// reference is nn_philox_normal (nn/philox.h); both give the same uniform bits.

NN_DEVICE_OP(noise_normal_dev, (float * out, size_t n, uint64_t seed, uint64_t stream_id,
                                uint64_t offset, float std, nn_cuda_stream_t stream));
// The same with the offset read from device memory inside the kernel (*offset_dev, a counter the
// caller advances), so a captured CUDA graph replays with per-epoch noise.
NN_DEVICE_OP(noise_normal_at_dev, (float * out, size_t n, uint64_t seed, uint64_t stream_id,
                                   const uint64_t * offset_dev, float std,
                                   nn_cuda_stream_t stream));
// The raw Philox-4x32-10 words of element blocks first_block .. first_block + n_blocks - 1 of
// stream (seed, stream_id): out (n_blocks, 4), as nn_philox4x32_10 (tests: identical bits).
NN_DEVICE_OP(philox_bits_dev, (uint32_t * out, size_t n_blocks, uint64_t seed, uint64_t stream_id,
                               uint64_t first_block, nn_cuda_stream_t stream));

// ---- the trainer's elementwise steps (cuda/caw-steps.cu): the model templates' memory steps
// between ops on the device (the host loops are caw_host_mem's, model/caw-backend.h)

// x (T0 >= N + 2P) = pad0(noise * amp + prev); noise, prev (N) null: zeros
NN_DEVICE_OP(caw_gen_input_dev, (float * x, size_t T0, size_t P, const float * noise, float amp,
                                 const float * prev, size_t N, nn_cuda_stream_t stream));
// out (N) = pe + prev (prev null: zeros)
NN_DEVICE_OP(caw_gen_output_dev, (float * out, const float * pe, const float * prev, size_t N,
                                  nn_cuda_stream_t stream));
// d_noise = amp dx, d_prev = dx + dout (each optional), N elements
NN_DEVICE_OP(caw_gen_input_grads_dev, (const float * dx, const float * dout, float amp,
                                       float * d_noise, float * d_prev, size_t N,
                                       nn_cuda_stream_t stream));
// x = a real + (1 - a) fake with a = *alpha read on the device (N elements)
NN_DEVICE_OP(caw_mix_dev, (float * x, const float * real, const float * fake, const float * alpha,
                           size_t N, nn_cuda_stream_t stream));
// s[t] = keep == null || keep[t] ? 1 : 0 (T elements)
NN_DEVICE_OP(caw_fill_keep_dev,
             (float * s, const unsigned char * keep, size_t T, nn_cuda_stream_t stream));
// x[i] *= a (n elements)
NN_DEVICE_OP(caw_scale_dev, (float * x, size_t n, float a, nn_cuda_stream_t stream));
// The trainer's epoch counter (one thread): e = *epoch; lr_step = [lr[e], e + 1] (for
// adam_step_sched_dev), *alpha = alphas[e] (for caw_mix_dev), offsets[k] = e * lengths[k] (for
// noise_normal_at_dev); then *epoch = e + 1. A captured epoch starts with it.
NN_DEVICE_OP(caw_epoch_advance_dev, (uint64_t * epoch, const double * lr, const float * alphas,
                                     double * lr_step, float * alpha, uint64_t * offsets,
                                     const uint64_t * lengths, size_t n_offsets,
                                     nn_cuda_stream_t stream));
