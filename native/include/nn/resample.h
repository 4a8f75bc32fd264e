// resample.h: the two resamplers of the Catch-A-Waveform scale pyramid (docs/caw-spec.md §2).
// defines: nn_sinc_mode, nn_sinc_filter, nn_sinc_filter_init, nn_sinc_filter_free,
//          resample_sinc_length, resample_sinc_cpu, upsample_cubic_length,
//          upsample_cubic_forward_cpu, upsample_cubic_backward_cpu
//
// 1. Band-limited sinc (librosa 0.8.1 `resample(..., res_type="kaiser_best")` = resampy 0.2.2):
//    builds every pyramid level directly from the full-rate signal. No gradient: it only ever
//    sees the real signal.
// 2. Keys cubic upsampling between scales (ResizeRight as vendored by CAW): linear, so backward
//    is its adjoint; it WRITES (=) the activation gradient dx. There are no parameters.
// All views are contiguous (B, C, T) float32 in host memory; each (b, c) row is resampled along T.
#pragma once

#include "nn/nn.h"

// ----------------------------------------------------------------------------
// band-limited sinc (kaiser_best)

/**
 * How resample_sinc_cpu places the filter taps.
 *
 * NN_SINC_MODE_LIBROSA reproduces librosa 0.8.1 + resampy 0.2.2 including their quirks:
 *   - when downsampling, the table stride is the integer floor(min(1, ratio) * 512) while
 *     the fractional offsets use the exact ratio, so the DC gain is about
 *     (ratio * 512) / floor(ratio * 512): from 16000 Hz, 400 Hz +6.6 %, 320/640/800/1280 Hz
 *     +2.4 %, 1600 Hz +0.4 %, 14400 Hz +0.2 %; 44100 -> 16000 +0.3 %; exact where ratio * 512
 *     is an integer (16000 -> 500/1000/2000/2500/4000/8000/10000/12000). The warped offsets
 *     also leak aliases (-67 dB for a 10 kHz tone at 44100 -> 16000, -78 dB for 200 Hz at
 *     16000 -> 320) and shift the phase by up to ~2e-3 rad;
 *   - each wing stops one stride before the table's end (the last zero crossing, |h| < 3e-6);
 *   - resampy computes floor(T_in * ratio) samples and librosa's fix_length zero-pads them to
 *     ceil(T_in * ratio), so a non-integer T_in * ratio leaves the last output sample 0.
 * NN_SINC_MODE_EXACT uses the same table but places every tap at its exact position (unit DC
 * gain, kaiser_best's full -80 dB stopband for every ratio) and filters every output sample.
 * Both interpolate the table linearly (error ~2.5e-6 of the signal RMS, as resampy's).
 */
enum nn_sinc_mode {
    NN_SINC_MODE_LIBROSA = 0,
    NN_SINC_MODE_EXACT   = 1,
};

/**
 * resampy's "kaiser_best" interpolation filter: the right wing of a Kaiser-windowed sinc,
 *   h(u) = rolloff * sinc(rolloff * u) * I0(beta * sqrt(1 - (u / num_zeros)^2)) / I0(beta),
 * tabulated at u = k / precision for k = 0 .. num_zeros * precision (u in zero crossings of the
 * input rate), with num_zeros 64, precision 512, beta 14.769656459379492 and rolloff
 * 0.9475937167399596. Built once by nn_sinc_filter_init; read-only afterwards (shareable).
 */
struct nn_sinc_filter {
    double * table;     // (length) h(k / precision)
    double * delta;     // (length) table[k+1] - table[k], delta[length-1] = 0
    size_t   length;    // num_zeros * precision + 1 = 32769
    size_t   num_zeros; // 64
    size_t   precision; // 512 table entries per zero crossing
    double   beta;      // Kaiser window shape
    double   rolloff;   // cutoff as a fraction of the (lower) Nyquist rate
};

/** Builds the kaiser_best table into filter. NN_STATUS_OUT_OF_MEMORY if allocation fails. */
nn_status nn_sinc_filter_init(nn_sinc_filter * filter);

/** Releases the table; filter becomes empty. Safe on a zeroed or already-freed filter. */
void nn_sinc_filter_free(nn_sinc_filter * filter);

/**
 * librosa's output length ceil(T_in * ratio), with the product taken in double as numpy does
 * (ratio = f_out / f_in). 0 for T_in == 0 or a non-finite / non-positive ratio.
 */
size_t resample_sinc_length(size_t T_in, double ratio);

/**
 * x is (B, C, T_in), y is (B, C, T_out) with T_out == resample_sinc_length(T_in, ratio);
 * ratio = f_out / f_in > 0. Output sample t is the filter centred on input time t / ratio; when
 * ratio < 1 the filter is stretched by 1 / ratio and scaled by ratio (anti-aliasing cutoff at
 * rolloff * f_out / 2). Input outside [0, T_in) counts as zero. ratio == 1 copies x (librosa
 * returns its input unchanged). LIBROSA mode fails when floor(T_in * ratio) == 0 (as resampy).
 * Accumulates in double. Parallel over output samples: bitwise identical for any thread count.
 */
nn_status resample_sinc_cpu(const nn_sinc_filter * filter, const nn_tensor_view * x,
                            nn_tensor_view * y, double ratio, nn_sinc_mode mode);

// ----------------------------------------------------------------------------
// Keys cubic upsampling (ResizeRight)

/** ResizeRight's output length ceil(scale * T_in) in double; 0 for bad arguments. */
size_t upsample_cubic_length(size_t T_in, double scale);

/**
 * x is (B, C, T_in), y is (B, C, T_out); scale = f_{k+1} / f_k >= 1 (a double, as CAW passes
 * it). Computes the ResizeRight result of length T_full = ceil(scale * T_in), then crops it, or
 * pads it with zeros at the end, to T_out; |T_full - T_out| must be < 20 (CAW's intent: its
 * own assert is vacuous, it compares a bool). Output j of the full grid:
 *   x_j  = j / scale + (T_in - 1) / 2 - (T_full - 1) / (2 scale)
 *   taps i = l_j .. l_j + 3, l_j = ceil(x_j - 2 - 2^-23), each mirrored into [0, T_in) by
 *        the period-2*T_in reflection [0 .. T_in-1, T_in-1 .. 0] (so -1 -> 0, -2 -> 1, T_in ->
 *        T_in-1), m = mirror(i)
 *   w_i  = keys(x_j - m) with a = -0.5, measured from the MIRRORED index as ResizeRight does,
 *        then divided by their sum (a zero sum counts as 1)
 *   y_j  = sum_i w_i * x[m]
 * Interior outputs reproduce polynomials of degree <= 2 exactly; constants everywhere.
 * The grid and weights are computed in double (the reference computes the grid in float32,
 * which moves taps by up to |x_j| * 2^-24 samples; we deliberately do not copy that).
 */
nn_status upsample_cubic_forward_cpu(const nn_tensor_view * x, nn_tensor_view * y, double scale);

/**
 * The adjoint: dy is (B, C, T_out), dx is (B, C, T_in), same scale. dx is WRITTEN (=):
 * dx[m] = sum over outputs j < min(T_full, T_out) and their taps with mirror index m of w * dy[j].
 */
nn_status upsample_cubic_backward_cpu(const nn_tensor_view * dy, nn_tensor_view * dx, double scale);
