// transformer-impl.h: attention, layer norm and GELU (nn/transformer.h), templated on the scalar
// type and on how items are spread over threads, so nn_core runs them in float on its pool and
// the tests run the same code in double, serially, for the finite-difference checks.
// defines: attention_dims, attention_forward_impl, attention_backward_impl,
//          layer_norm_forward_impl, layer_norm_backward_impl, gelu_forward_impl,
//          gelu_backward_impl, serial_for
//
// par(n, grain, body): calls body(begin, end) over chunks of [0, n) (nn_parallel_for's
// contract: items write disjoint outputs, each in its own fixed order).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

/** The attention's dimensions, as nn_attention_config without the C API. */
struct attention_dims {
    size_t T, B, H, D;
    bool   causal;
};

/** par() for the double reference: the whole range in one call. */
struct serial_for {
    template <typename Body>
    void operator()(size_t n, size_t /*grain*/, Body && body) const {
        body(0, n);
    }
};

// ----------------------------------------------------------------------------
// attention: one item per (lane b, head h); item i = b * H + h owns y, dq, dk, dv's columns
// h*D .. h*D+D-1 of lane b's rows and att's (b, h) block.

// q, k, v, y (T, B, C); lengths (B); att (B, H, T, T).
template <typename Real, typename Par>
void attention_forward_impl(const attention_dims & d, const Real * q, const Real * k,
                            const Real * v, const int32_t * lengths, Real * y, Real * att,
                            Par && par) {
    const size_t T = d.T, B = d.B, H = d.H, D = d.D, C = H * D;
    const Real   scale = Real(1) / std::sqrt(Real(D));
    par(B * H, 1, [&](size_t begin, size_t end) {
        for (size_t item = begin; item < end; item++) {
            const size_t b = item / H, h = item % H, length = size_t(lengths[b]);
            Real *       a_bh = att + item * T * T;
            for (size_t t = 0; t < T; t++) {
                const Real * q_t   = q + (t * B + b) * C + h * D;
                Real *       a_t   = a_bh + t * T;
                const size_t n_key = d.causal ? std::min(length, t + 1) : length;
                Real         top   = -INFINITY;
                for (size_t u = 0; u < n_key; u++) {
                    const Real * k_u = k + (u * B + b) * C + h * D;
                    Real         s   = Real(0);
                    for (size_t j = 0; j < D; j++) s += q_t[j] * k_u[j];
                    a_t[u] = s * scale;
                    top    = std::max(top, a_t[u]);
                }
                Real sum = Real(0);
                for (size_t u = 0; u < n_key; u++) {
                    a_t[u] = std::exp(a_t[u] - top);
                    sum += a_t[u];
                }
                for (size_t u = 0; u < n_key; u++) a_t[u] /= sum;
                for (size_t u = n_key; u < T; u++) a_t[u] = Real(0);
                Real * y_t = y + (t * B + b) * C + h * D;
                for (size_t j = 0; j < D; j++) y_t[j] = Real(0);
                for (size_t u = 0; u < n_key; u++) {
                    const Real * v_u = v + (u * B + b) * C + h * D;
                    const Real   p   = a_t[u];
                    for (size_t j = 0; j < D; j++) y_t[j] += p * v_u[j];
                }
            }
        }
    });
}

// Masked probabilities are exactly 0 in att, so they add nothing to any sum below.
template <typename Real, typename Par>
void attention_backward_impl(const attention_dims & d, const Real * q, const Real * k,
                             const Real * v, const Real * att, const Real * dy, Real * dq,
                             Real * dk, Real * dv, Par && par) {
    const size_t T = d.T, B = d.B, H = d.H, D = d.D, C = H * D;
    const Real   scale = Real(1) / std::sqrt(Real(D));
    par(B * H, 1, [&](size_t begin, size_t end) {
        std::vector<Real> ds(T);
        for (size_t item = begin; item < end; item++) {
            const size_t b = item / H, h = item % H;
            const Real * a_bh = att + item * T * T;
            for (size_t u = 0; u < T; u++) {
                for (size_t j = 0; j < D; j++) {
                    dk[(u * B + b) * C + h * D + j] = Real(0);
                    dv[(u * B + b) * C + h * D + j] = Real(0);
                }
            }
            for (size_t t = 0; t < T; t++) {
                const Real * a_t  = a_bh + t * T;
                const Real * dy_t = dy + (t * B + b) * C + h * D;
                Real         dot  = Real(0);
                for (size_t u = 0; u < T; u++) {
                    ds[u] = Real(0);
                    if (a_t[u] == Real(0)) continue;
                    const Real * v_u = v + (u * B + b) * C + h * D;
                    Real         g   = Real(0);
                    for (size_t j = 0; j < D; j++) g += dy_t[j] * v_u[j];
                    ds[u] = g;
                    dot += a_t[u] * g;
                }
                const Real * q_t  = q + (t * B + b) * C + h * D;
                Real *       dq_t = dq + (t * B + b) * C + h * D;
                for (size_t j = 0; j < D; j++) dq_t[j] = Real(0);
                for (size_t u = 0; u < T; u++) {
                    if (a_t[u] == Real(0)) continue;
                    const Real   s    = a_t[u] * (ds[u] - dot) * scale;
                    const Real * k_u  = k + (u * B + b) * C + h * D;
                    Real *       dk_u = dk + (u * B + b) * C + h * D;
                    Real *       dv_u = dv + (u * B + b) * C + h * D;
                    for (size_t j = 0; j < D; j++) {
                        dq_t[j] += s * k_u[j];
                        dk_u[j] += s * q_t[j];
                        dv_u[j] += a_t[u] * dy_t[j];
                    }
                }
            }
        }
    });
}

// ----------------------------------------------------------------------------
// layer norm: rows in parallel; gamma's and beta's gradients summed over rows serially, in row
// order, after.

// x, y (N, C); gamma, beta (C); mean, rstd (N).
template <typename Real, typename Par>
void layer_norm_forward_impl(const Real * x, const Real * gamma, const Real * beta, Real * y,
                             Real * mean, Real * rstd, size_t N, size_t C, Real eps, Par && par) {
    par(N, 16, [&](size_t begin, size_t end) {
        for (size_t n = begin; n < end; n++) {
            const Real * x_n = x + n * C;
            Real         m   = Real(0);
            for (size_t c = 0; c < C; c++) m += x_n[c];
            m /= Real(C);
            Real var = Real(0);
            for (size_t c = 0; c < C; c++) var += (x_n[c] - m) * (x_n[c] - m);
            const Real r = Real(1) / std::sqrt(var / Real(C) + eps);
            Real *     y_n = y + n * C;
            for (size_t c = 0; c < C; c++) y_n[c] = (x_n[c] - m) * r * gamma[c] + beta[c];
            mean[n] = m;
            rstd[n] = r;
        }
    });
}

template <typename Real, typename Par>
void layer_norm_backward_impl(const Real * x, const Real * gamma, const Real * mean,
                              const Real * rstd, const Real * dy, Real * dx, Real * dgamma,
                              Real * dbeta, size_t N, size_t C, Par && par) {
    par(N, 16, [&](size_t begin, size_t end) {
        for (size_t n = begin; n < end; n++) {
            const Real * x_n = x + n * C, * dy_n = dy + n * C;
            const Real   m = mean[n], r = rstd[n];
            Real         mean_g = Real(0), mean_gx = Real(0);
            for (size_t c = 0; c < C; c++) {
                const Real g = dy_n[c] * gamma[c];
                mean_g += g;
                mean_gx += g * (x_n[c] - m) * r;
            }
            mean_g /= Real(C);
            mean_gx /= Real(C);
            Real * dx_n = dx + n * C;
            for (size_t c = 0; c < C; c++) {
                const Real xhat = (x_n[c] - m) * r;
                dx_n[c]         = r * (dy_n[c] * gamma[c] - mean_g - xhat * mean_gx);
            }
        }
    });
    for (size_t n = 0; n < N; n++) {
        const Real * x_n = x + n * C, * dy_n = dy + n * C;
        for (size_t c = 0; c < C; c++) {
            dgamma[c] += dy_n[c] * (x_n[c] - mean[n]) * rstd[n];
            dbeta[c] += dy_n[c];
        }
    }
}

// ----------------------------------------------------------------------------
// GELU (tanh form), elementwise.

template <typename Real>
constexpr Real gelu_k0() {
    return Real(0.7978845608028654); // sqrt(2 / pi)
}
template <typename Real>
constexpr Real gelu_k1() {
    return Real(0.044715);
}

template <typename Real, typename Par>
void gelu_forward_impl(const Real * x, Real * y, size_t N, Par && par) {
    par(N, 4096, [&](size_t begin, size_t end) {
        for (size_t n = begin; n < end; n++) {
            const Real v = x[n];
            y[n]         = Real(0.5) * v *
                   (Real(1) + std::tanh(gelu_k0<Real>() * (v + gelu_k1<Real>() * v * v * v)));
        }
    });
}

template <typename Real, typename Par>
void gelu_backward_impl(const Real * x, const Real * dy, Real * dx, size_t N, Par && par) {
    par(N, 4096, [&](size_t begin, size_t end) {
        for (size_t n = begin; n < end; n++) {
            const Real v  = x[n];
            const Real th = std::tanh(gelu_k0<Real>() * (v + gelu_k1<Real>() * v * v * v));
            const Real da = gelu_k0<Real>() * (Real(1) + Real(3) * gelu_k1<Real>() * v * v);
            dx[n] = dy[n] * (Real(0.5) * (Real(1) + th) + Real(0.5) * v * (Real(1) - th * th) * da);
        }
    });
}
