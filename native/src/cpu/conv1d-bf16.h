// conv1d-bf16.h: the bf16 path of the dilated 1-D convolution (see nn/conv1d.h, "Precision"),
// as conv1d.cpp's entry points call it after their argument checks.
// defines: conv1d_bf16_active, conv1d_bf16_handles, conv1d_bf16_forward,
//          conv1d_bf16_backward_dx, conv1d_bf16_backward_dw, conv1d_set_precision_on
//
// Shapes (contiguous, checked by the caller): x (B, C_in, T_in), w (C_out, C_in, K),
// bias (C_out) or null, y and dy (B, C_out, T_out), dx (B, C_in, T_in), dw (C_out, C_in, K).
#pragma once

#include <cstddef>

#include "nn/conv1d.h"

// True while the calling thread's precision is NN_CONV_BF16 (only ever set where available).
bool conv1d_bf16_active(void);

// Whether the bf16 kernels take this shape: C_in >= 2, C_out >= 2 and (K-1)*D <= 65536. Thin
// layers stay fp32 (one channel cannot fill a channel pair; they are a sliver of the FLOPs), and
// so do huge spans, whose packed input window would grow with the span instead of the output.
bool conv1d_bf16_handles(size_t C_in, size_t C_out, size_t K, size_t D);

// y = conv(x, w) + bias, all of y written.
void conv1d_bf16_forward(const float * x, const float * w, const float * bias, float * y, size_t B,
                         size_t C_in, size_t C_out, size_t T_in, size_t K, size_t D, size_t pad);

// dx[b, i, s] = sum_{o, k} w[o, i, k] * dy[b, o, s - k*D + pad], all of dx written.
void conv1d_bf16_backward_dx(const float * w, const float * dy, float * dx, size_t B, size_t C_in,
                             size_t C_out, size_t T_in, size_t K, size_t D, size_t pad);

// dw[o, i, k] += sum_{b, t} dy[b, o, t] * x[b, i, t + k*D - pad].
void conv1d_bf16_backward_dw(const float * x, const float * dy, float * dw, size_t B, size_t C_in,
                             size_t C_out, size_t T_in, size_t K, size_t D, size_t pad);

// conv1d_set_precision with the CPU's answer given: what it does on a CPU with
// (cpu_has_bf16 = true) or without AVX512_BF16, so the fallback is testable on either.
nn_conv_precision conv1d_set_precision_on(nn_conv_precision precision, bool cpu_has_bf16);
