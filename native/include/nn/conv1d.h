// conv1d.h: the stride-1 dilated 1-D convolution inside every Catch-A-Waveform NormConv1d
// (docs/caw-spec.md §1; §5: these convolutions are nearly all of the model's FLOPs).
// defines: conv1d_forward_cpu, conv1d_backward_cpu, conv1d_cpu_kernel
//
//   y[b, o, t] = bias[o] + sum_{i, k} w[o, i, k] * x[b, i, t + k*D - pad]
//
// x outside [0, T_in) reads as zero; T_out = T_in + 2*pad - D*(K-1) must be >= 1. The model uses
// pad = 0 ("valid", T_out = T_in - D*(K-1)) for head, body, tail and out_conv, and pad = D*(K-1)/2
// with odd K ("same", T_out = T_in) for the two gate convolutions. w is the effective weight: the
// weight-norm reparameterisation lives in nn/weight-norm.h.
//
// Gradient conventions: backward WRITES (=) the activation gradient dx and ADDS (+=) into the
// parameter gradients dw and dbias.
//
// Second order (the WGAN-GP penalty, reverse-over-forward): y is bilinear in (x, w) plus bias, so
// its tangent (JVP) along an input direction u is conv1d_forward_cpu(u, w, bias = null), along a
// weight direction U it is conv1d_forward_cpu(x, U, null), and the reverse pass of a tangent path
// is conv1d_backward_cpu again. No extra kernels are needed; test-conv1d.cpp checks the identity.
//
// Threads and numbers: both entry points split their work with nn_parallel_for over independent
// output items, each reduced in a fixed order, so results are bitwise identical run to run and
// for any thread count. The fast path picks its vector width once per process from the CPU
// (conv1d_cpu_kernel()); its results differ from the plain reference loops by rounding only
// (fused multiply-add where the CPU has it, another summation order), NMSE < 1e-10 in the tests,
// so two machines with different vector units may differ in the last bits. Built with
// -DNN_BLAS=ON, forward, dx and dw go through the system BLAS's sgemm in fixed column blocks
// (conv1d_cpu_kernel() then names it, e.g. "blas(openblas)"; see src/blas/conv1d-blas.cpp),
// with the same determinism for a single-threaded BLAS.
#pragma once

#include "nn/nn.h"

// x is (B, C_in, T_in), w is (C_out, C_in, K), bias is (C_out) or null, y is (B, C_out, T_out)
// with T_out = T_in + 2*pad - dilation*(K-1); host memory. dilation >= 1; y must not overlap any
// input. Writes every element of y.
nn_status conv1d_forward_cpu(const nn_tensor_view * x, const nn_tensor_view * w,
                             const nn_tensor_view * bias, nn_tensor_view * y, size_t dilation,
                             size_t pad);

// x, w, dilation and pad as in the forward; dy is (B, C_out, T_out). Outputs, each optional
// (null = not wanted, but at least one must be given):
//   dx    (B, C_in, T_in)   written (=): dx[b, i, s] = sum_{o, k} w[o, i, k] * dy[b, o, s - k*D + pad]
//   dw    (C_out, C_in, K)  added (+=):  dw[o, i, k] += sum_{b, t} dy[b, o, t] * x[b, i, t + k*D - pad]
//   dbias (C_out)           added (+=):  dbias[o]    += sum_{b, t} dy[b, o, t]
// Outputs must not overlap the inputs or each other.
nn_status conv1d_backward_cpu(const nn_tensor_view * x, const nn_tensor_view * w,
                              const nn_tensor_view * dy, nn_tensor_view * dx, nn_tensor_view * dw,
                              nn_tensor_view * dbias, size_t dilation, size_t pad);

// The vector kernel this process uses: "avx512f", "avx2+fma", "generic-simd" (GCC/Clang vector
// extensions at the build's baseline ISA) or "scalar" (other compilers: the reference loops).
const char * conv1d_cpu_kernel(void);
