// stft-impl.h: the STFT-magnitude loops behind nn/stft.h and nn/mss-loss.h, templated on the
// scalar type so nn_core runs them in float and test/native runs the same code in double.
// defines: stft_plan_impl, stft_check_signal, stft_check_matrix,
//          stft_check_args, stft_frame_count, stft_plan_build, stft_reflect,
//          stft_frame_spectrum, stft_magnitude_cotangent, stft_frame_backward,
//          stft_overlap_add_fold
//
// Semantics of torch.stft(center=True, pad_mode="reflect", onesided=True, normalized=False) with
// a periodic Hann window of `win` samples zero-padded centrally to n_fft (docs/caw-spec.md §3):
// the signal x (T) is reflect-padded by P = n_fft/2 on both sides, frame f covers padded samples
// [f*hop, f*hop + n_fft), and the window is non-zero only on [off, off + win) with
// off = (n_fft - win) / 2. Frames keep n_fft + 2 scalars each so the FFT runs in place.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common.h"
#include "cpu/fft-impl.h"
#include "cpu/parallel.h"

/** Frames per parallel chunk: one frame is a few microseconds of FFT. */
constexpr size_t STFT_FRAME_GRAIN = 8;
/** Padded samples per parallel chunk in the overlap-add. */
constexpr size_t STFT_SAMPLE_GRAIN = 4096;

// ----------------------------------------------------------------------------
// view checks shared by stft.cpp and mss-loss.cpp

// A signal view: non-null data, contiguous, 1 to 4 dimensions of which all but the last are 1
// ((T), (1, T), (1, 1, T)). Sets *T to the last dimension.
inline nn_status stft_check_signal(const char * op, const char * name, const nn_tensor_view * v,
                                   size_t * T) {
    if (v == nullptr || v->data == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op, name);
    }
    if (v->ndim < 1 || v->ndim > NN_MAX_DIMS) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s has %d dimensions, expected 1 to %d", op,
                       name, v->ndim, NN_MAX_DIMS);
    }
    for (int i = 0; i + 1 < v->ndim; i++) {
        if (v->shape[i] != 1) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: %s has size %zu in dimension %d; only one signal (B = C = 1) is "
                           "supported",
                           op, name, v->shape[i], i);
        }
    }
    if (!nn_view_is_contiguous(v)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is not contiguous", op, name);
    }
    *T = v->shape[v->ndim - 1];
    return NN_STATUS_OK;
}

// A contiguous 2-D (rows, cols) view with non-null data.
inline nn_status stft_check_matrix(const char * op, const char * name, const nn_tensor_view * v,
                                   size_t rows, size_t cols) {
    if (v == nullptr || v->data == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op, name);
    }
    if (v->ndim != 2 || v->shape[0] != rows || v->shape[1] != cols) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: %s must be 2-D (F, N) = (%zu, %zu) (ndim %d, shape (%zu, %zu))", op,
                       name, rows, cols, v->ndim, v->shape[0], v->shape[1]);
    }
    if (!nn_view_is_contiguous(v)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is not contiguous", op, name);
    }
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// plan

template <typename Real>
struct stft_plan_impl {
    size_t              n_fft = 0, hop = 0, win = 0; // transform size, frame step, window length
    size_t              T      = 0;                  // signal length
    size_t              pad    = 0;                  // n_fft / 2 reflected samples on each side
    size_t              off    = 0;                  // (n_fft - win) / 2, the window's first tap
    size_t              frames = 0;                  // N = 1 + T / hop
    size_t              bins   = 0;                  // F = n_fft / 2 + 1
    std::vector<Real>   window;                      // (win) periodic Hann, from double
    fft_plan_impl<Real> fft;
};

/** N = 1 + (T + 2 * (n_fft / 2) - n_fft) / hop = 1 + T / hop for even n_fft (torch's count). */
inline size_t stft_frame_count(size_t T, size_t hop) {
    return 1 + T / hop;
}

/** The largest n_fft accepted (fft.h's limit). */
constexpr size_t STFT_MAX_N_FFT = size_t(1) << 24;

// Checks one (n_fft, hop, win) configuration for a signal of T samples; op names the caller.
inline nn_status stft_check_args(const char * op, size_t n_fft, size_t hop, size_t win, size_t T) {
    if (n_fft < 2 || n_fft > STFT_MAX_N_FFT || !fft_is_power_of_two(n_fft)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: n_fft = %zu is not a power of two in [2, %zu]", op, n_fft,
                       STFT_MAX_N_FFT);
    }
    if (hop == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: hop is 0", op);
    }
    if (win == 0 || win > n_fft) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: win = %zu is not in [1, n_fft = %zu]", op,
                       win, n_fft);
    }
    if (T <= n_fft / 2) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: the signal has %zu samples; reflect padding by n_fft/2 = %zu needs at "
                       "least %zu",
                       op, T, n_fft / 2, n_fft / 2 + 1);
    }
    return NN_STATUS_OK;
}

// Fills plan (arguments already checked). May throw std::bad_alloc.
template <typename Real>
void stft_plan_build(stft_plan_impl<Real> & plan, size_t n_fft, size_t hop, size_t win, size_t T) {
    const double two_pi = 6.283185307179586476925286766559;
    plan.n_fft          = n_fft;
    plan.hop            = hop;
    plan.win            = win;
    plan.T              = T;
    plan.pad            = n_fft / 2;
    plan.off            = (n_fft - win) / 2;
    plan.frames         = stft_frame_count(T, hop);
    plan.bins           = n_fft / 2 + 1;
    plan.window.assign(win, Real(0));
    // torch.hann_window(win, periodic=True): 0.5 - 0.5 cos(2 pi i / win), and [1] for win = 1.
    for (size_t i = 0; i < win; i++) {
        const double angle = two_pi * static_cast<double>(i) / static_cast<double>(win);
        plan.window[i]     = win == 1 ? Real(1) : static_cast<Real>(0.5 - 0.5 * std::cos(angle));
    }
    fft_plan_build(plan.fft, n_fft);
}

/** The sample of x (T) that padded index p in [0, T + 2 P) reads under reflect padding. */
inline size_t stft_reflect(size_t p, size_t pad, size_t T) {
    if (p < pad) {
        return pad - p; // x[-s] = x[s]
    }
    const size_t s = p - pad;
    return s < T ? s : 2 * (T - 1) - s; // x[T-1+s] = x[T-1-s]
}

// x is (T); buf is (n_fft + 2) and receives frame `frame`'s one-sided spectrum (F, 2).
template <typename Real>
void stft_frame_spectrum(const stft_plan_impl<Real> & plan, const Real * x, size_t frame,
                         Real * buf) {
    const size_t start = frame * plan.hop + plan.off; // padded index of window tap 0
    for (size_t j = 0; j < plan.off; j++) {
        buf[j] = Real(0);
    }
    for (size_t i = 0; i < plan.win; i++) {
        buf[plan.off + i] = plan.window[i] * x[stft_reflect(start + i, plan.pad, plan.T)];
    }
    for (size_t j = plan.off + plan.win; j < plan.n_fft; j++) {
        buf[j] = Real(0);
    }
    rfft_forward_inplace(plan.fft, buf);
}

// buf is (F, 2): on entry the spectrum Z, on exit the cotangent scale * dS[k] * Z[k] / |Z[k]|
// (the gradient of |Z| is masked to 0 where |Z| = 0). dS is (F) with stride dS_stride.
template <typename Real>
void stft_magnitude_cotangent(size_t bins, Real * buf, const Real * dS, size_t dS_stride,
                              Real scale) {
    for (size_t k = 0; k < bins; k++) {
        const Real re = buf[2 * k], im = buf[2 * k + 1];
        const Real mag = std::sqrt(re * re + im * im);
        const Real g   = mag > Real(0) ? scale * dS[k * dS_stride] / mag : Real(0);
        buf[2 * k]     = g * re;
        buf[2 * k + 1] = g * im;
    }
}

// buf is (n_fft + 2): on entry the cotangent of one frame's spectrum (F, 2); on exit
// buf[off, off + win) holds the gradient w.r.t. the frame's padded samples there (the window
// multiplied in). Entries outside the window are left as scratch: the window is 0 there.
template <typename Real>
void stft_frame_backward(const stft_plan_impl<Real> & plan, Real * buf) {
    rfft_adjoint_inplace(plan.fft, buf);
    for (size_t i = 0; i < plan.win; i++) {
        buf[plan.off + i] *= plan.window[i];
    }
}

// frames is (N, n_fft + 2), each row from stft_frame_backward; dpad is (T + 2 P) scratch; dx is
// (T). Overlap-adds the frames into dpad (each padded sample sums its frames in increasing frame
// order, in parallel over samples), then folds the reflected samples back onto their sources:
// dx[s] (=, or += when accumulate) dpad[P + s] + dpad[P - s] (1 <= s <= P) + dpad[P + 2(T-1) - s]
// (T-1-P <= s <= T-2). Bitwise the same for any thread count.
template <typename Real>
void stft_overlap_add_fold(const stft_plan_impl<Real> & plan, const Real * frames, Real * dpad,
                           Real * dx, bool accumulate) {
    const size_t stride = plan.n_fft + 2;
    const size_t padded = plan.T + 2 * plan.pad;
    nn_parallel_for(padded, STFT_SAMPLE_GRAIN, [&](size_t begin, size_t end) {
        for (size_t p = begin; p < end; p++) {
            Real sum = Real(0);
            if (p >= plan.off) {
                const size_t q = p - plan.off; // = f * hop + i with i in [0, win)
                size_t first = q + 1 > plan.win ? (q + 1 - plan.win + plan.hop - 1) / plan.hop : 0;
                size_t last  = q / plan.hop;
                if (last >= plan.frames) {
                    last = plan.frames - 1;
                }
                for (size_t f = first; f <= last && first < plan.frames; f++) {
                    sum += frames[f * stride + plan.off + (q - f * plan.hop)];
                }
            }
            dpad[p] = sum;
        }
    });
    const size_t P = plan.pad, T = plan.T;
    nn_parallel_for(T, STFT_SAMPLE_GRAIN, [&](size_t begin, size_t end) {
        for (size_t s = begin; s < end; s++) {
            Real g = dpad[P + s];
            if (s >= 1 && s <= P) {
                g += dpad[P - s];
            }
            if (s + 2 <= T && s + 1 + P >= T) {
                g += dpad[P + 2 * (T - 1) - s];
            }
            dx[s] = accumulate ? dx[s] + g : g;
        }
    });
}
