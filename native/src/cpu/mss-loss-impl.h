// mss-loss-impl.h: the MSS loss loops behind nn/mss-loss.h (docs/caw-spec.md §3 "MSS loss"),
// templated on the scalar type so nn_core runs them in float and the tests in double.
// defines: mss_plan_impl, mss_check_configs, mss_plan_build, mss_config_norm, mss_forward,
//          mss_backward
//
// Per configuration c: pass 1 (parallel over frames) leaves y's spectrum Z in spec (N, n_fft + 2)
// and E = |Z_y| - |Z_x| in err (N, F), and per-frame sums of E^2 in frame_sq (double); the norm
// sums frame_sq serially in frame order. Pass 2 (parallel over frames) turns each frame into its
// windowed time-domain gradient in place; the overlap-add and reflect fold gather per sample in a
// fixed order. Nothing is reduced across threads, so every result is bitwise thread-count-free.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "common.h"
#include "cpu/parallel.h"
#include "cpu/stft-impl.h"
#include "nn/mss-loss.h"

template <typename Real>
struct mss_plan_impl {
    size_t                            T = 0;
    std::vector<stft_plan_impl<Real>> configs;  // one STFT plan (window, FFT tables) per config
    std::vector<Real>                 spec;     // (max_c N_c * (n_fft_c + 2)) frames of y
    std::vector<Real>                 err;      // (max_c N_c * F_c) E[f * F + k]
    std::vector<double>               frame_sq; // (max_c N_c) sum_k E[f, k]^2
    std::vector<Real>                 dpad;     // (T + max_c n_fft_c) padded-signal gradient
};

// Checks a configuration list for a signal of T samples; op names the caller.
inline nn_status mss_check_configs(const char * op, const nn_mss_config * configs, size_t n_configs,
                                   size_t T) {
    if (configs == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: configs is null", op);
    }
    if (n_configs == 0 || n_configs > NN_MSS_MAX_CONFIGS) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: n_configs = %zu is not in [1, %zu]", op,
                       n_configs, NN_MSS_MAX_CONFIGS);
    }
    for (size_t c = 0; c < n_configs; c++) {
        const nn_status status =
            stft_check_args(op, configs[c].n_fft, configs[c].hop, configs[c].win, T);
        if (status != NN_STATUS_OK) {
            return status;
        }
    }
    return NN_STATUS_OK;
}

// Fills plan for checked configurations. May throw std::bad_alloc.
template <typename Real>
void mss_plan_build(mss_plan_impl<Real> & plan, const nn_mss_config * configs, size_t n_configs,
                    size_t T) {
    plan.T = T;
    plan.configs.assign(n_configs, stft_plan_impl<Real>());
    size_t spec_size = 0, err_size = 0, frames_max = 0, n_fft_max = 0;
    for (size_t c = 0; c < n_configs; c++) {
        stft_plan_impl<Real> & s = plan.configs[c];
        stft_plan_build(s, configs[c].n_fft, configs[c].hop, configs[c].win, T);
        spec_size  = std::max(spec_size, s.frames * (s.n_fft + 2));
        err_size   = std::max(err_size, s.frames * s.bins);
        frames_max = std::max(frames_max, s.frames);
        n_fft_max  = std::max(n_fft_max, s.n_fft);
    }
    plan.spec.assign(spec_size, Real(0));
    plan.err.assign(err_size, Real(0));
    plan.frame_sq.assign(frames_max, 0.0);
    plan.dpad.assign(T + n_fft_max, Real(0));
}

// x is (T), y is (T). Pass 1 for configuration c: fills spec, err and frame_sq for its N frames
// and returns || S_c(y) - S_c(x) ||_F.
template <typename Real>
double mss_config_norm(mss_plan_impl<Real> & plan, size_t c, const Real * x, const Real * y) {
    const stft_plan_impl<Real> & s      = plan.configs[c];
    const size_t                 stride = s.n_fft + 2, F = s.bins;
    nn_parallel_for(s.frames, STFT_FRAME_GRAIN, [&](size_t begin, size_t end) {
        for (size_t f = begin; f < end; f++) {
            Real * buf = plan.spec.data() + f * stride;
            Real * e   = plan.err.data() + f * F;
            stft_frame_spectrum(s, x, f, buf);
            for (size_t k = 0; k < F; k++) {
                e[k] = std::sqrt(buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1]);
            }
            stft_frame_spectrum(s, y, f, buf); // Z_y stays in buf for the backward pass
            double sq = 0.0;
            for (size_t k = 0; k < F; k++) {
                e[k] = std::sqrt(buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1]) - e[k];
                sq += static_cast<double>(e[k]) * static_cast<double>(e[k]);
            }
            plan.frame_sq[f] = sq;
        }
    });
    double total = 0.0;
    for (size_t f = 0; f < s.frames; f++) {
        total += plan.frame_sq[f];
    }
    return std::sqrt(total);
}

// x is (T), y is (T). Returns the mean over configurations of || S_c(y) - S_c(x) ||_F.
template <typename Real>
double mss_forward(mss_plan_impl<Real> & plan, const Real * x, const Real * y) {
    double sum = 0.0;
    for (size_t c = 0; c < plan.configs.size(); c++) {
        sum += mss_config_norm(plan, c, x, y);
    }
    return sum / static_cast<double>(plan.configs.size());
}

// x is (T), y is (T), dy is (T): dy = dMSS/dy, written (=). Returns the loss.
// Per configuration, with L_c = ||E||, E = |Z_y| - |Z_x|: dL/d|Z_y| = E / (C ||E||) (0 when
// ||E|| = 0), dL/dZ_y = that times Z_y / |Z_y| (0 where |Z_y| = 0), then the transposed one-sided
// DFT, the window, the overlap-add and the reflect fold, accumulated over configurations in order.
template <typename Real>
double mss_backward(mss_plan_impl<Real> & plan, const Real * x, const Real * y, Real * dy) {
    const size_t C   = plan.configs.size();
    double       sum = 0.0;
    for (size_t c = 0; c < C; c++) {
        const stft_plan_impl<Real> & s    = plan.configs[c];
        const double                 norm = mss_config_norm(plan, c, x, y);
        sum += norm;
        const Real scale =
            norm > 0.0 ? static_cast<Real>(1.0 / (static_cast<double>(C) * norm)) : Real(0);
        const size_t stride = s.n_fft + 2, F = s.bins;
        nn_parallel_for(s.frames, STFT_FRAME_GRAIN, [&](size_t begin, size_t end) {
            for (size_t f = begin; f < end; f++) {
                Real * buf = plan.spec.data() + f * stride;
                stft_magnitude_cotangent(F, buf, plan.err.data() + f * F, 1, scale);
                stft_frame_backward(s, buf);
            }
        });
        stft_overlap_add_fold(s, plan.spec.data(), plan.dpad.data(), dy, c > 0);
    }
    return sum / static_cast<double>(C);
}
