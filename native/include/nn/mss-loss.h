// mss-loss.h: the multi-resolution spectral (MSS) reconstruction loss of the music mode,
// docs/caw-spec.md §3 "MSS loss" and "Ten details" #9:
//   MSS(x, y) = (1 / C) sum_c || S_c(y) - S_c(x) ||_F
// over C STFT configurations (n_fft, hop, win), S_c = |STFT| as in nn/stft.h (centred, reflect
// padding, periodic Hann zero-padded centrally to n_fft, one-sided, un-normalised). The norm is
// the Frobenius norm over bins and frames: not squared, not averaged.
// defines: nn_mss_config, NN_MSS_DEFAULT_CONFIGS, NN_MSS_MAX_CONFIGS, nn_mss_min_length,
//          nn_mss_plan, nn_mss_plan_init, nn_mss_plan_free, mss_loss_forward_cpu,
//          mss_loss_backward_cpu
//
// x is the real signal (a constant), y the reconstruction; both are one signal of the plan's T
// samples ((T), (1, T) or (1, 1, T) contiguous views). No parameters: backward writes (=) dy.
#pragma once

#include "nn/nn.h"

/** One STFT resolution. n_fft a power of two, 1 <= win <= n_fft, hop >= 1. */
struct nn_mss_config {
    size_t n_fft;
    size_t hop;
    size_t win;
};

/** The reference's configurations (docs/caw-spec.md §6 "multispec"). */
constexpr nn_mss_config NN_MSS_DEFAULT_CONFIGS[3] = {
    {2048, 240, 1200},
    {1024, 120, 600},
    {512, 50, 240},
};

/** The most configurations a plan takes. */
constexpr size_t NN_MSS_MAX_CONFIGS = 16;

/** The shortest signal the configurations accept: max(n_fft / 2) + 1 (reflect padding). */
size_t nn_mss_min_length(const nn_mss_config * configs, size_t n_configs);

/**
 * FFT plans, windows and scratch for one list of configurations and one signal length T, made
 * once and reused every epoch: one buffer per role, sized for the largest configuration (about
 * 17 * T floats for the defaults, 26 MB at T = 400k). Opaque; init/free. A plan serves one call
 * at a time (the calls share its scratch).
 */
struct nn_mss_plan;

/**
 * Creates a plan. Fails with NN_STATUS_INVALID_ARGUMENT (and *plan = null) for a null plan or
 * configs, n_configs outside [1, NN_MSS_MAX_CONFIGS], a bad configuration, or
 * T < nn_mss_min_length(configs, n_configs); NN_STATUS_OUT_OF_MEMORY when allocation fails.
 */
nn_status nn_mss_plan_init(nn_mss_plan ** plan, const nn_mss_config * configs, size_t n_configs,
                           size_t T);

/** Frees a plan; null is a no-op. */
void nn_mss_plan_free(nn_mss_plan * plan);

// x is (T), y is (T); host memory. *loss = MSS(x, y), accumulated in double.
nn_status mss_loss_forward_cpu(nn_mss_plan * plan, const nn_tensor_view * x,
                               const nn_tensor_view * y, double * loss);

// x is (T), y is (T), dy is (T); host memory. dy = dMSS(x, y) / dy, written (=). loss, when not
// null, receives MSS(x, y) (the same value as the forward), so one call serves a training step.
// Through the norm: E / ||E|| per configuration (0 when ||E|| = 0, i.e. S_c(x) = S_c(y));
// through |Z|: Z / |Z| (0 where |Z| = 0); through the one-sided DFT: its transpose (bins 0 and
// n_fft/2 not doubled); then the window, the overlap-add of frames and the reflect padding (the
// gradient of a reflected sample goes to its source). dy must not overlap x or y.
nn_status mss_loss_backward_cpu(nn_mss_plan * plan, const nn_tensor_view * x,
                                const nn_tensor_view * y, nn_tensor_view * dy, double * loss);
