// conv1d.h: the stride-1 dilated 1-D convolution inside every Catch-A-Waveform NormConv1d
// (docs/caw-spec.md §1; §5: these convolutions are nearly all of the model's FLOPs).
// defines: conv1d_forward_cpu, conv1d_backward_cpu, conv1d_cpu_kernel, nn_conv_precision,
//          conv1d_set_precision, conv1d_get_precision, conv1d_bf16_available
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
//
// Precision (bf16): a thread that calls conv1d_set_precision(NN_CONV_BF16) on a CPU with
// AVX512_BF16 runs its forward, dx and dw in bf16 with fp32 accumulation
// (src/cpu/conv1d-bf16.cpp): x, w and dy are rounded to bf16 (8-bit significand, nearest even,
// fp32 subnormals to zero) and VDPBF16PS adds products of bf16 pairs into fp32 accumulators;
// bias, dbias and every output stay fp32. Thin layers (C_in == 1 or C_out == 1: head, tail,
// out_conv) and spans (K-1)*D > 65536 keep the fp32 path (a sliver of the FLOPs). Determinism as
// above: bitwise identical run to run and for any thread count on one CPU (another vendor's
// VDPBF16PS may round its inner sum differently). Non-finite inputs give non-finite outputs, but
// not always in exactly the elements the fp32 path would.
// Tolerance: rounding to bf16 multiplies each input by (1 + d), |d| <= u = 2^-8, so a product by
// at most (1 + u)^2, an error of 2u + u^2 of its magnitude. Products of bf16 numbers are exact in
// fp32; summing n of them in fp32 adds at most ~n * 2^-24 (allowed: n * 2^-23) of the sum of
// magnitudes. With n = C_in*K for y, C_out*K for dx and B*T_out for dw, every element obeys
//   |y_bf16 - y| <= (2^-7 + 2^-16 + n * 2^-23) * (|bias| + sum |w * x|)        (worst case)
// The typical error is far smaller: the d are unbiased and independent with E[d^2] ~ 0.18 u^2
// (uniform rounding error over log-uniform significands), so over many outputs the NMSE is
// ~ 2 * 0.18 u^2 ~ 5.5e-6 whatever n (measured 0.3e-6 .. 5.9e-6; y's exact bias lowers it). The
// tests (test/native/test-conv1d-bf16.cpp) require the worst-case bound on every element,
// NMSE < u^2 = 2^-16 ~ 1.5e-5, and, against the double reference of the bf16-rounded inputs,
// |error| <= n * 2^-23 * sum |w * x| (the fp32 sums alone).
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

// The vector kernel the calling thread uses: "avx512bf16" while its precision is NN_CONV_BF16,
// otherwise the process's fp32 kernel: "avx512f", "avx2+fma", "generic-simd" (GCC/Clang vector
// extensions at the build's baseline ISA) or "scalar" (other compilers: the reference loops).
const char * conv1d_cpu_kernel(void);

enum nn_conv_precision { NN_CONV_FP32 = 0, NN_CONV_BF16 = 1 };

// Sets the precision of the conv1d calls made from the CALLING THREAD (thread-local: the
// kernels are picked in the caller before the work is split over the pool, so a training thread
// switches without touching others; a new thread starts at NN_CONV_FP32). Returns the previous
// precision. NN_CONV_BF16 where conv1d_bf16_available() is false falls back: the precision
// stays NN_CONV_FP32 (conv1d_get_precision() tells what is in force).
nn_conv_precision conv1d_set_precision(nn_conv_precision precision);

// The calling thread's precision in force.
nn_conv_precision conv1d_get_precision(void);

// Whether this build and CPU can run the bf16 path: x86-64, GCC >= 10 or Clang >= 12, and a CPU
// (and OS) with AVX-512F/BW/VL and AVX512_BF16. False elsewhere.
bool conv1d_bf16_available(void);
