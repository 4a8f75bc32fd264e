// test-sequence.h: what the sequence ops' tests (LSTM, dense, embedding, the sequence losses)
// share: random double buffers, a fourth-order finite difference and its relative-error check.
// defines: seq_vec, seq_random, seq_fd4_worst, SEQ_FD_STEP, SEQ_FD_FLOOR, SEQ_FD_MAX_REL_ERR
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "test-common.h"

using seq_vec = std::vector<double>;

inline seq_vec seq_random(size_t n, uint64_t seed, double lo = -1.0, double hi = 1.0) {
    seq_vec v(n);
    fill_uniform(v, seed, lo, hi);
    return v;
}

// The fourth-order central difference (-f(+2h) + 8 f(+h) - 8 f(-h) + f(-2h)) / 12h: truncation
// ~ h^4 |f^(5)| / 30 ~ 1e-13 at h = 1e-3 for these smooth losses, rounding ~ 1e-16 |L| / h ~ 1e-12,
// so a relative bound of 1e-6 holds for any gradient above ~1e-6 (the floor below, which only
// keeps an exact 0 from dividing by 0). The plain two-point difference at its best step leaves
// ~1e-8 of |L| (1e-5 relative on a small gradient), too coarse for that bound.
constexpr double SEQ_FD_STEP        = 1e-3;
constexpr double SEQ_FD_FLOOR       = 1e-6;
constexpr double SEQ_FD_MAX_REL_ERR = 1e-6;

/** The worst |numeric - analytic| / max(SEQ_FD_FLOOR, |analytic|) over v's elements, each
 *  perturbed in place and restored while loss() is evaluated. */
template <typename F>
double seq_fd4_worst(std::vector<double> & v, const std::vector<double> & analytic, F && loss) {
    double worst = 0.0;
    for (size_t i = 0; i < v.size(); i++) {
        const double saved = v[i], h = SEQ_FD_STEP;
        double       f[4];
        const double at[4] = {2.0 * h, h, -h, -2.0 * h};
        for (int k = 0; k < 4; k++) {
            v[i] = saved + at[k];
            f[k] = loss();
        }
        v[i]             = saved;
        const double num = (-f[0] + 8.0 * f[1] - 8.0 * f[2] + f[3]) / (12.0 * h);
        const double err =
            std::fabs(num - analytic[i]) / std::max(SEQ_FD_FLOOR, std::fabs(analytic[i]));
        worst            = std::max(worst, std::isfinite(err) ? err : INFINITY);
    }
    return worst;
}
