// losses-impl.h: the loss loops (see nn/losses.h), templated on the scalar type so nn_core runs
// them in float and test/native runs the very same code in double for its finite-difference
// checks. Reductions accumulate in double in index order (deterministic, no threads).
// defines: mse_sum_squares, mse_backward_values, loss_sum, gradient_penalty_value,
//          gradient_penalty_backward_values
#pragma once

#include <cmath>
#include <cstddef>

// x, y are (n). sum((x - y)^2) in double.
template <typename Real>
double mse_sum_squares(const Real * x, const Real * y, size_t n) {
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double d = static_cast<double>(x[i]) - static_cast<double>(y[i]);
        sum += d * d;
    }
    return sum;
}

// x, y, dx, dy are (n); dy may be null. dx = scale * (x - y), dy = -dx; scale = dloss * 2 / N.
template <typename Real>
void mse_backward_values(const Real * x, const Real * y, Real * dx, Real * dy, size_t n,
                         double scale) {
    for (size_t i = 0; i < n; i++) {
        const double g = scale * (static_cast<double>(x[i]) - static_cast<double>(y[i]));
        dx[i]          = static_cast<Real>(g);
        if (dy != nullptr) {
            dy[i] = static_cast<Real>(-g);
        }
    }
}

// d is (n). sum(d) in double.
template <typename Real>
double loss_sum(const Real * d, size_t n) {
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += static_cast<double>(d[i]);
    }
    return sum;
}

// g is (B, C, T). ||g[b, :, t]||_2 in double.
template <typename Real>
double gradient_penalty_norm(const Real * g, size_t C, size_t T, size_t b, size_t t) {
    double sq = 0.0;
    for (size_t c = 0; c < C; c++) {
        const double v = static_cast<double>(g[(b * C + c) * T + t]);
        sq += v * v;
    }
    return std::sqrt(sq);
}

// g is (B, C, T). lambda * mean_{b,t} (||g[b, :, t]|| - 1)^2.
template <typename Real>
double gradient_penalty_value(const Real * g, size_t B, size_t C, size_t T, double lambda) {
    double sum = 0.0;
    for (size_t b = 0; b < B; b++) {
        for (size_t t = 0; t < T; t++) {
            const double d = gradient_penalty_norm(g, C, T, b, t) - 1.0;
            sum += d * d;
        }
    }
    return lambda * sum / static_cast<double>(B * T);
}

// g, dg are (B, C, T). dg = scale * (n - 1) * g / n with scale = dgp * lambda * 2 / (B*T);
// dg = 0 where n = 0 (PyTorch's norm backward).
template <typename Real>
void gradient_penalty_backward_values(const Real * g, Real * dg, size_t B, size_t C, size_t T,
                                      double scale) {
    for (size_t b = 0; b < B; b++) {
        for (size_t t = 0; t < T; t++) {
            const double n      = gradient_penalty_norm(g, C, T, b, t);
            const double factor = n > 0.0 ? scale * (n - 1.0) / n : 0.0;
            for (size_t c = 0; c < C; c++) {
                const size_t i = (b * C + c) * T + t;
                dg[i]          = static_cast<Real>(factor * static_cast<double>(g[i]));
            }
        }
    }
}
