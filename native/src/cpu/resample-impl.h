// resample-impl.h: the per-row loops of the sinc resampler and the Keys cubic upsampler (see
// nn/resample.h), templated on the sample type so nn_core runs them in float and the tests run
// the very same code in double. Filter tables, grids and weights are always double; sums are
// accumulated in double. Each function writes a range of output samples of one row, so callers
// may split rows and ranges across threads (every output is computed by exactly one call).
// defines: sinc_kaiser_value, resample_sinc_row, keys_cubic, cubic_mirror, upsample_cubic_taps,
//          upsample_cubic_forward_row, upsample_cubic_backward_row
#pragma once

#include <cmath>
#include <cstddef>

#include "nn/resample.h"

// ----------------------------------------------------------------------------
// band-limited sinc

/** I0, the modified Bessel function of the first kind, by its power series (x <= ~30). */
inline double sinc_bessel_i0(double x) {
    const double q    = 0.25 * x * x;
    double       term = 1.0;
    double       sum  = 1.0;
    for (int k = 1; k < 200; k++) {
        term *= q / (static_cast<double>(k) * static_cast<double>(k));
        sum += term;
        if (term < sum * 1e-17) {
            break;
        }
    }
    return sum;
}

/** h(u) of the kaiser_best filter at u zero crossings (|u| <= num_zeros), no table. */
inline double sinc_kaiser_value(double u, double num_zeros, double beta, double rolloff) {
    u = std::fabs(u);
    if (u > num_zeros) {
        return 0.0;
    }
    const double pi   = 3.14159265358979323846;
    const double arg  = rolloff * u;
    const double sinc = arg == 0.0 ? 1.0 : std::sin(pi * arg) / (pi * arg);
    const double r    = u / num_zeros;
    const double win  = sinc_bessel_i0(beta * std::sqrt(1.0 - r * r)) / sinc_bessel_i0(beta);
    return rolloff * sinc * win;
}

// x is (T_in), y is (T_out); writes y[t] for t in [t_begin, t_end), all < T_filtered (the
// samples the filter produces; see nn_sinc_mode). ratio = f_out / f_in.
template <typename Real>
void resample_sinc_row(const nn_sinc_filter & f, const Real * x, size_t T_in, Real * y,
                       size_t t_begin, size_t t_end, double ratio, nn_sinc_mode mode) {
    const double   scale     = ratio < 1.0 ? ratio : 1.0;
    const double   increment = 1.0 / ratio; // input samples per output sample
    const double   P         = static_cast<double>(f.precision);
    const size_t   L         = f.length;
    const double * table     = f.table;
    const double * delta     = f.delta;
    for (size_t t = t_begin; t < t_end; t++) {
        const double time = static_cast<double>(t) * increment;
        size_t       n    = static_cast<size_t>(time); // the input sample at or left of time
        if (n >= T_in) {
            n = T_in - 1; // time rounded up to T_in: only the left wing remains
        }
        double acc = 0.0;
        if (mode == NN_SINC_MODE_LIBROSA) {
            // resampy: integer table stride, offsets from the exact fractional position
            const size_t step   = static_cast<size_t>(scale * P);
            double       frac   = scale * (time - static_cast<double>(n));
            double       index  = frac * P;
            size_t       offset = static_cast<size_t>(index);
            double       eta    = index - static_cast<double>(offset);
            if (offset < L) {
                const size_t i_max = n + 1 < (L - offset) / step ? n + 1 : (L - offset) / step;
                for (size_t i = 0; i < i_max; i++) {
                    const size_t k = offset + i * step;
                    acc += (table[k] + eta * delta[k]) * static_cast<double>(x[n - i]);
                }
            }
            const size_t right = T_in - n - 1;
            if (right > 0) {
                frac               = scale - frac;
                index              = frac * P;
                offset             = static_cast<size_t>(index);
                eta                = index - static_cast<double>(offset);
                const size_t k_max = right < (L - offset) / step ? right : (L - offset) / step;
                for (size_t i = 0; i < k_max; i++) {
                    const size_t k = offset + i * step;
                    acc += (table[k] + eta * delta[k]) * static_cast<double>(x[n + 1 + i]);
                }
            }
        } else {
            // exact: tap n - i sits (d + i) input samples away, tap n + 1 + i (1 - d + i)
            const double d      = time - static_cast<double>(n);
            const double stride = scale * P; // table entries per input sample
            const double last   = static_cast<double>(L);
            for (size_t i = 0; i <= n; i++) {
                const double pos = stride * (d + static_cast<double>(i));
                if (pos >= last) {
                    break;
                }
                const size_t k = static_cast<size_t>(pos);
                acc += (table[k] + (pos - static_cast<double>(k)) * delta[k]) *
                       static_cast<double>(x[n - i]);
            }
            for (size_t i = 0; n + 1 + i < T_in; i++) {
                const double pos = stride * (1.0 - d + static_cast<double>(i));
                if (pos >= last) {
                    break;
                }
                const size_t k = static_cast<size_t>(pos);
                acc += (table[k] + (pos - static_cast<double>(k)) * delta[k]) *
                       static_cast<double>(x[n + 1 + i]);
            }
        }
        y[t] = static_cast<Real>(acc * scale);
    }
}

// ----------------------------------------------------------------------------
// Keys cubic upsampling

/** Keys' cubic convolution kernel with a = -0.5 (ResizeRight's `cubic`), support [-2, 2]. */
inline double keys_cubic(double d) {
    const double t  = std::fabs(d);
    const double t2 = t * t;
    const double t3 = t2 * t;
    if (t <= 1.0) {
        return 1.5 * t3 - 2.5 * t2 + 1.0;
    }
    if (t <= 2.0) {
        return -0.5 * t3 + 2.5 * t2 - 4.0 * t + 2.0;
    }
    return 0.0;
}

/** Index i reflected into [0, n) with period 2n: [0 .. n-1, n-1 .. 0] (-1 -> 0, n -> n-1). */
inline size_t cubic_mirror(long long i, size_t n) {
    const long long period = 2 * static_cast<long long>(n);
    long long       m      = i % period;
    if (m < 0) {
        m += period;
    }
    return m < static_cast<long long>(n) ? static_cast<size_t>(m)
                                         : static_cast<size_t>(period - 1 - m);
}

/** Taps (mirrored indices) and normalised weights of output j of the full ResizeRight grid. */
inline void upsample_cubic_taps(size_t j, size_t T_in, size_t T_full, double scale, size_t index[4],
                                double weight[4]) {
    const double eps  = 1.1920928955078125e-07; // float32 epsilon, as ResizeRight uses
    const double grid = static_cast<double>(j) / scale + (static_cast<double>(T_in) - 1.0) / 2.0 -
                        (static_cast<double>(T_full) - 1.0) / (2.0 * scale);
    const long long left = static_cast<long long>(std::ceil(grid - 2.0 - eps));
    double          sum  = 0.0;
    for (int k = 0; k < 4; k++) {
        index[k]  = cubic_mirror(left + k, T_in);
        weight[k] = keys_cubic(grid - static_cast<double>(index[k]));
        sum += weight[k];
    }
    if (sum == 0.0) {
        sum = 1.0;
    }
    for (int k = 0; k < 4; k++) {
        weight[k] /= sum;
    }
}

// x is (T_in), y is (T_out); writes y[j] for j in [j_begin, j_end): the interpolated value for
// j < T_full, zero past it (the end padding).
template <typename Real>
void upsample_cubic_forward_row(const Real * x, size_t T_in, Real * y, size_t T_full,
                                size_t j_begin, size_t j_end, double scale) {
    for (size_t j = j_begin; j < j_end; j++) {
        if (j >= T_full) {
            y[j] = Real(0);
            continue;
        }
        size_t index[4];
        double weight[4];
        upsample_cubic_taps(j, T_in, T_full, scale, index, weight);
        double acc = 0.0;
        for (int k = 0; k < 4; k++) {
            acc += weight[k] * static_cast<double>(x[index[k]]);
        }
        y[j] = static_cast<Real>(acc);
    }
}

// dy is (T_out), dx is (T_in); dx is written (=). Serial over j: several outputs share a tap.
template <typename Real>
void upsample_cubic_backward_row(const Real * dy, size_t T_out, Real * dx, size_t T_in,
                                 size_t T_full, double scale, double * work) {
    // work is (T_in) double scratch so the sums are accumulated in double.
    for (size_t i = 0; i < T_in; i++) {
        work[i] = 0.0;
    }
    const size_t J = T_full < T_out ? T_full : T_out;
    for (size_t j = 0; j < J; j++) {
        size_t index[4];
        double weight[4];
        upsample_cubic_taps(j, T_in, T_full, scale, index, weight);
        for (int k = 0; k < 4; k++) {
            work[index[k]] += weight[k] * static_cast<double>(dy[j]);
        }
    }
    for (size_t i = 0; i < T_in; i++) {
        dx[i] = static_cast<Real>(work[i]);
    }
}
