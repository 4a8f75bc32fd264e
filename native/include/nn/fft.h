// fft.h: a real FFT for power-of-two sizes, the building block of the STFT (nn/stft.h) and the
// multi-resolution spectral loss (nn/mss-loss.h, docs/caw-spec.md §3 "MSS loss").
// defines: nn_fft_plan, nn_fft_plan_init, nn_fft_plan_free, nn_fft_plan_size,
//          rfft_forward_cpu, rfft_inverse_cpu, rfft_adjoint_cpu
//
// Hand-written (iterative radix-2, one complex FFT of size n/2 plus a split step): no maintained
// FFT library is available to a cmake-js addon without a network fetch at build time, and the
// sizes we need (n_fft <= 2048, run on a few thousand frames per epoch) do not call for
// pocketfft-style mixed radices or SIMD. Twiddles are computed once, in double, by the plan.
// These are plain math routines on raw host float arrays (not tensor views): the STFT calls
// them once per frame. A plan is read-only after init and may be shared by threads.
#pragma once

#include "nn/nn.h"

/** Precomputed bit-reversal and twiddle tables for one size n. Opaque; init/free. */
struct nn_fft_plan;

/**
 * Creates a plan for real transforms of size n, a power of two in [2, 2^24].
 * *plan is set to null on failure (NN_STATUS_INVALID_ARGUMENT, NN_STATUS_OUT_OF_MEMORY).
 */
nn_status nn_fft_plan_init(nn_fft_plan ** plan, size_t n);

/** Frees a plan from nn_fft_plan_init; null is a no-op. */
void nn_fft_plan_free(nn_fft_plan * plan);

/** The size n the plan was made for, 0 for null. */
size_t nn_fft_plan_size(const nn_fft_plan * plan);

// x is (n); X is (n/2 + 1, 2) interleaved (re, im), so n + 2 floats. X[k] = sum_t x[t]
// exp(-2 pi i kt / n), one-sided, un-normalised (the convention of torch.fft.rfft).
// x may equal X (in place: the first n floats of X hold the input).
nn_status rfft_forward_cpu(const nn_fft_plan * plan, const float * x, float * X);

// X is (n/2 + 1, 2); x is (n). x[t] = sum_{k=0}^{n-1} X[k] exp(+2 pi i kt / n) over the
// Hermitian extension X[n-k] = conj X[k], UN-normalised: rfft then this multiplies by n
// (torch.fft.irfft divides by n). Im X[0] and Im X[n/2] are ignored. x may equal X.
nn_status rfft_inverse_cpu(const nn_fft_plan * plan, const float * X, float * x);

// g is (n/2 + 1, 2), the gradient of a loss w.r.t. (Re X[k], Im X[k]) of rfft_forward_cpu's
// output; dx is (n) and receives (=) the gradient w.r.t. x:
//   dx[t] = Re sum_{k=0}^{n/2} g[k] exp(+2 pi i kt / n)
// Every one-sided bin counts once (bins 0 and n/2 are not doubled, the others not either: this is
// the transpose of the one-sided DFT, not an inverse). dx may equal g.
nn_status rfft_adjoint_cpu(const nn_fft_plan * plan, const float * g, float * dx);
