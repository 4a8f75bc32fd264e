// conv1d-blas.h: the dilated 1-D convolution (nn/conv1d.h) lowered to the system BLAS's
// cblas_sgemm. Built only with CMake's NN_BLAS=ON (which defines NN_WITH_BLAS); cpu/conv1d.cpp's
// entry points check the arguments and then dispatch here. See conv1d-blas.cpp for the blocking,
// the threads and the determinism argument.
// defines: conv1d_blas_name, conv1d_blas_fits, conv1d_blas_forward, conv1d_blas_backward_dx,
//          conv1d_blas_backward_dw
//
// Shapes (contiguous) and formulas as in cpu/conv1d-impl.h: x (B, C_in, T_in), w (C_out, C_in, K),
// bias (C_out) or null, y and dy (B, C_out, T_out), T_out = conv1d_out_length(T_in, K, D, pad).
#pragma once

#include <cstddef>

/** "blas(<library>)", e.g. "blas(openblas)" or "blas(accelerate)": conv1d_cpu_kernel()'s answer. */
const char * conv1d_blas_name(void);

/** Whether every dimension and leading dimension fits the BLAS interface's int; when not, the
 *  caller uses its own kernels. */
bool conv1d_blas_fits(size_t C_in, size_t C_out, size_t T_in, size_t T_out, size_t K);

/** y = bias + conv(x, w) (written, every element). */
void conv1d_blas_forward(const float * x, const float * w, const float * bias, float * y, size_t B,
                         size_t C_in, size_t C_out, size_t T_in, size_t K, size_t D, size_t pad);

/** dx[b, i, s] = sum_{o, k} w[o, i, k] * dy[b, o, s - k*D + pad] (written, every element). */
void conv1d_blas_backward_dx(const float * w, const float * dy, float * dx, size_t B, size_t C_in,
                             size_t C_out, size_t T_in, size_t K, size_t D, size_t pad);

/** dw[o, i, k] += sum_{b, t} dy[b, o, t] * x[b, i, t + k*D - pad] (added). */
void conv1d_blas_backward_dw(const float * x, const float * dy, float * dw, size_t B, size_t C_in,
                             size_t C_out, size_t T_in, size_t K, size_t D, size_t pad);
