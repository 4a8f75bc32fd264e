// weight-norm-impl.h: the weight-norm loops (see nn/weight-norm.h), templated on the scalar type
// so nn_core runs them in float and test/native runs the same code in double. Each row
// (output channel) is independent; n = C_in * K elements per row. Accumulation is in double for
// either Real. The callers check for zero norms first (weight_norm_zero_row) and never pass one.
// defines: weight_norm_zero_row, weight_norm_forward_ref, weight_norm_backward_ref
#pragma once

#include <cmath>
#include <cstddef>

// The first output channel whose row of v (C_out rows of n) has zero norm, or C_out if none.
template <typename Real>
size_t weight_norm_zero_row(const Real * v, size_t C_out, size_t n) {
    for (size_t o = 0; o < C_out; o++) {
        double sq = 0.0;
        for (size_t j = 0; j < n; j++) {
            sq += static_cast<double>(v[o * n + j]) * static_cast<double>(v[o * n + j]);
        }
        if (sq == 0.0) {
            return o;
        }
    }
    return C_out;
}

// w[o, j] = g[o] * v[o, j] / ||v[o]||; v and w are (C_out, n), g is (C_out).
template <typename Real>
void weight_norm_forward_ref(const Real * v, const Real * g, Real * w, size_t C_out, size_t n) {
    for (size_t o = 0; o < C_out; o++) {
        const Real * v_o = v + o * n;
        double       sq  = 0.0;
        for (size_t j = 0; j < n; j++) {
            sq += static_cast<double>(v_o[j]) * static_cast<double>(v_o[j]);
        }
        const double scale = static_cast<double>(g[o]) / std::sqrt(sq);
        for (size_t j = 0; j < n; j++) {
            w[o * n + j] = static_cast<Real>(scale * static_cast<double>(v_o[j]));
        }
    }
}

// dg[o] += s / n_o, dv[o] += (g / n_o) * dw[o] - (g * s / n_o^3) * v[o], s = dw[o] . v[o];
// dv or dg may be null.
template <typename Real>
void weight_norm_backward_ref(const Real * dw, const Real * v, const Real * g, Real * dv, Real * dg,
                              size_t C_out, size_t n) {
    for (size_t o = 0; o < C_out; o++) {
        const Real * v_o  = v + o * n;
        const Real * dw_o = dw + o * n;
        double       sq = 0.0, s = 0.0;
        for (size_t j = 0; j < n; j++) {
            sq += static_cast<double>(v_o[j]) * static_cast<double>(v_o[j]);
            s += static_cast<double>(dw_o[j]) * static_cast<double>(v_o[j]);
        }
        const double norm = std::sqrt(sq);
        if (dg != nullptr) {
            dg[o] += static_cast<Real>(s / norm);
        }
        if (dv != nullptr) {
            const double a = static_cast<double>(g[o]) / norm;  // on dw
            const double c = a * s / sq;                        // on v: g * s / n^3
            for (size_t j = 0; j < n; j++) {
                dv[o * n + j] += static_cast<Real>(a * static_cast<double>(dw_o[j]) -
                                                   c * static_cast<double>(v_o[j]));
            }
        }
    }
}
