// batchnorm-impl.h: the per-channel BatchNorm1d loops (see nn/batchnorm.h for the formulas),
// templated on the scalar type so nn_core runs them in float and test/native runs the very same
// code in double for its finite-difference checks. Every function handles one channel c of a
// contiguous (B, C, T) tensor, so channels can run on different threads with identical results.
// Sums over the channel's N = B*T values are taken in double, in a fixed order (batchnorm_sums).
//
// Masked statistics (inpainting's D, docs/caw-spec.md §4): the train-mode functions take an
// optional `valid` (T) flag per time step (shared by every b). The batch statistics are then
// taken over the n_v = B * count(valid) flagged values only and applied to EVERY value, so
//   mu = m_V(x), var = m_V((x - mu)^2), y = gamma * s * (x - mu) + beta everywhere,
// and the backward / JVP formulas of nn/batchnorm.h hold with sums over ALL values divided by
// n_v, the statistics' terms applied to valid positions only (v_p = valid[t] as 0 / 1):
//   dx_p   = gamma * s * (dy_p - v_p * (S(dy) + xhat_p * S(dy * xhat)) / n_v)
//   y_dot,p  = gamma * s * (x_dot,p - m_V(x_dot) - xhat_p * A),  A = m_V(xhat * x_dot)
//   JVP reverse, with u = x_dot - m_V(x_dot), m_r = S(r)/n_v, Q = S(r * xhat)/n_v,
//   M = S(r * u)/n_v:
//   dx_dot,p = gamma * s * (r_p - v_p * (m_r + xhat_p * Q))
//   dx_p     = gamma * s^2 * (v_p * ((3AQ - M) * xhat_p - Q * u_p) - A * (r_p - v_p * m_r))
// (S = sum over all values.) With every flag set this is exactly the unmasked layer; the
// reference computes the masked values at valid positions only and passes the conv output
// through unnormalised elsewhere, a difference that never reaches a kept D output.
// defines: batchnorm_sums, batchnorm_channel_stats, batchnorm_train_forward_channel,
//          batchnorm_train_backward_channel, batchnorm_eval_forward_channel,
//          batchnorm_eval_backward_channel, batchnorm_train_jvp_channel,
//          batchnorm_train_jvp_backward_channel
#pragma once

#include <cmath>
#include <cstddef>

/** The shape of a (B, C, T) tensor and the channel a loop works on. */
struct batchnorm_channel {
    size_t B, C, T, c;
    size_t n() const { return B * T; }
    /** Offset of x[b, c, 0]. */
    size_t row(size_t b) const { return (b * C + c) * T; }
};

// x is (B, C, T). mean and biased variance of channel c, two passes in double.
// valid (T) or null: the number of values the statistics see (B * count(valid), or B * T).
inline size_t batchnorm_valid_count(batchnorm_channel ch, const unsigned char * valid) {
    if (valid == nullptr) {
        return ch.n();
    }
    size_t n = 0;
    for (size_t t = 0; t < ch.T; t++) {
        n += valid[t] != 0 ? 1 : 0;
    }
    return n * ch.B;
}

// 1 or 0: whether time step t enters the statistics.
inline double batchnorm_flag(const unsigned char * valid, size_t t) {
    return valid == nullptr || valid[t] != 0 ? 1.0 : 0.0;
}

// Every sum over a channel's values: NS sums of term(i, t, v) (v[k] the k-th term of the value
// at index i = ch.row(b) + t), each kept as BN_LANES partial sums, lane t % BN_LANES (restarting
// every row), combined pairwise ((l0 + l1) + (l2 + l3)). Independent chains run at the double
// adder's throughput instead of its latency (one chain: ~4 cycles a value, as slow as the
// convolution next to it at C = 16); the order is fixed, so any thread count gives the same bits.
// term may also write the value's outputs.
constexpr size_t BN_LANES = 4;

template <size_t NS, typename Term>
void batchnorm_sums(batchnorm_channel ch, double (&out)[NS], const Term & term) {
    double acc[BN_LANES][NS] = {};
    for (size_t b = 0; b < ch.B; b++) {
        const size_t row = ch.row(b);
        size_t       t   = 0;
        for (; t + BN_LANES <= ch.T; t += BN_LANES) {
            for (size_t l = 0; l < BN_LANES; l++) {
                double v[NS];
                term(row + t + l, t + l, v);
                for (size_t k = 0; k < NS; k++) acc[l][k] += v[k];
            }
        }
        for (; t < ch.T; t++) {
            double v[NS];
            term(row + t, t, v);
            for (size_t k = 0; k < NS; k++) acc[t % BN_LANES][k] += v[k];
        }
    }
    for (size_t k = 0; k < NS; k++) {
        out[k] = (acc[0][k] + acc[1][k]) + (acc[2][k] + acc[3][k]);
    }
}

// x is (B, C, T). mean and biased variance of channel c over the valid values (all when valid
// is null), two passes in double.
template <typename Real>
void batchnorm_channel_stats(const Real * x, batchnorm_channel ch, double * mean, double * var,
                             const unsigned char * valid = nullptr) {
    double sum[1], sq[1];
    batchnorm_sums(ch, sum, [&](size_t i, size_t t, double * v) {
        v[0] = valid == nullptr || valid[t] != 0 ? static_cast<double>(x[i]) : 0.0;
    });
    const double n  = static_cast<double>(batchnorm_valid_count(ch, valid));
    const double mu = sum[0] / n;
    batchnorm_sums(ch, sq, [&](size_t i, size_t t, double * v) {
        const double d = static_cast<double>(x[i]) - mu;
        v[0]           = valid == nullptr || valid[t] != 0 ? d * d : 0.0;
    });
    *mean = mu;
    *var  = sq[0] / n;
}

// x, y are (B, C, T); n() >= 2. Writes y[:, c, :], *save_mean, *save_invstd, and updates
// *running_mean, *running_var when running_mean is non-null.
template <typename Real>
void batchnorm_train_forward_channel(const Real * x, Real * y, batchnorm_channel ch, Real gamma,
                                     Real beta, double eps, double momentum, Real * save_mean,
                                     Real * save_invstd, Real * running_mean, Real * running_var,
                                     const unsigned char * valid = nullptr) {
    double mu = 0.0, var = 0.0;
    batchnorm_channel_stats(x, ch, &mu, &var, valid);
    const double s = 1.0 / std::sqrt(var + eps);
    for (size_t b = 0; b < ch.B; b++) {
        for (size_t t = 0; t < ch.T; t++) {
            const size_t i    = ch.row(b) + t;
            const double xhat = (static_cast<double>(x[i]) - mu) * s;
            y[i] = static_cast<Real>(static_cast<double>(gamma) * xhat + static_cast<double>(beta));
        }
    }
    *save_mean   = static_cast<Real>(mu);
    *save_invstd = static_cast<Real>(s);
    if (running_mean != nullptr) {
        const double n        = static_cast<double>(batchnorm_valid_count(ch, valid));
        const double unbiased = var * n / (n - 1.0);
        *running_mean         = static_cast<Real>((1.0 - momentum) * *running_mean + momentum * mu);
        *running_var = static_cast<Real>((1.0 - momentum) * *running_var + momentum * unbiased);
    }
}

// dy, x, dx are (B, C, T). dx[:, c, :] written; *dgamma, *dbeta accumulated.
template <typename Real>
void batchnorm_train_backward_channel(const Real * dy, const Real * x, Real * dx,
                                      batchnorm_channel ch, Real gamma, Real mean, Real invstd,
                                      Real * dgamma, Real * dbeta,
                                      const unsigned char * valid = nullptr) {
    const double mu = static_cast<double>(mean), s = static_cast<double>(invstd);
    double       sums[2];
    batchnorm_sums(ch, sums, [&](size_t i, size_t, double * v) {
        v[0] = static_cast<double>(dy[i]);
        v[1] = static_cast<double>(dy[i]) * (static_cast<double>(x[i]) - mu) * s;
    });
    const double sum_dy = sums[0], sum_dy_xhat = sums[1];
    const double n         = static_cast<double>(batchnorm_valid_count(ch, valid));
    const double m_dy      = sum_dy / n;
    const double m_dy_xhat = sum_dy_xhat / n;
    const double gamma_s   = static_cast<double>(gamma) * s;
    for (size_t b = 0; b < ch.B; b++) {
        for (size_t t = 0; t < ch.T; t++) {
            const size_t i    = ch.row(b) + t;
            const double xhat = (static_cast<double>(x[i]) - mu) * s;
            const double v    = batchnorm_flag(valid, t);
            dx[i]             = static_cast<Real>(
                gamma_s * (static_cast<double>(dy[i]) - v * (m_dy + xhat * m_dy_xhat)));
        }
    }
    *dgamma = static_cast<Real>(static_cast<double>(*dgamma) + sum_dy_xhat);
    *dbeta  = static_cast<Real>(static_cast<double>(*dbeta) + sum_dy);
}

// x, y are (B, C, T); any n() >= 1. y[:, c, :] written.
template <typename Real>
void batchnorm_eval_forward_channel(const Real * x, Real * y, batchnorm_channel ch, Real gamma,
                                    Real beta, Real running_mean, Real running_var, double eps) {
    const double s  = 1.0 / std::sqrt(static_cast<double>(running_var) + eps);
    const double mu = static_cast<double>(running_mean);
    for (size_t b = 0; b < ch.B; b++) {
        for (size_t t = 0; t < ch.T; t++) {
            const size_t i = ch.row(b) + t;
            y[i] = static_cast<Real>(static_cast<double>(gamma) * (static_cast<double>(x[i]) - mu) *
                                         s +
                                     static_cast<double>(beta));
        }
    }
}

// dy, x, dx are (B, C, T). dx[:, c, :] written; *dgamma, *dbeta accumulated.
template <typename Real>
void batchnorm_eval_backward_channel(const Real * dy, const Real * x, Real * dx,
                                     batchnorm_channel ch, Real gamma, Real running_mean,
                                     Real running_var, double eps, Real * dgamma, Real * dbeta) {
    const double s       = 1.0 / std::sqrt(static_cast<double>(running_var) + eps);
    const double mu      = static_cast<double>(running_mean);
    const double gamma_s = static_cast<double>(gamma) * s;
    double       sums[2];
    batchnorm_sums(ch, sums, [&](size_t i, size_t, double * v) {
        const double g = static_cast<double>(dy[i]);
        v[0]           = g;
        v[1]           = g * (static_cast<double>(x[i]) - mu) * s;
        dx[i]          = static_cast<Real>(gamma_s * g);
    });
    const double sum_dy = sums[0], sum_dy_xhat = sums[1];
    *dgamma = static_cast<Real>(static_cast<double>(*dgamma) + sum_dy_xhat);
    *dbeta  = static_cast<Real>(static_cast<double>(*dbeta) + sum_dy);
}

// x, x_dot, y_dot are (B, C, T).
// y_dot[:, c, :] = gamma * s * (x_dot - m(x_dot) - xhat * m(xhat * x_dot)).
template <typename Real>
void batchnorm_train_jvp_channel(const Real * x, const Real * x_dot, Real * y_dot,
                                 batchnorm_channel ch, Real gamma, Real mean, Real invstd,
                                 const unsigned char * valid = nullptr) {
    const double mu = static_cast<double>(mean), s = static_cast<double>(invstd);
    double       sums[2];
    batchnorm_sums(ch, sums, [&](size_t i, size_t t, double * out) {
        const double v = batchnorm_flag(valid, t);
        out[0]         = v * static_cast<double>(x_dot[i]);
        out[1]         = v * (static_cast<double>(x[i]) - mu) * s * static_cast<double>(x_dot[i]);
    });
    const double sum_xt = sums[0], sum_xhat_xt = sums[1];
    const double n       = static_cast<double>(batchnorm_valid_count(ch, valid));
    const double m_xt    = sum_xt / n;
    const double A       = sum_xhat_xt / n;
    const double gamma_s = static_cast<double>(gamma) * s;
    for (size_t b = 0; b < ch.B; b++) {
        for (size_t t = 0; t < ch.T; t++) {
            const size_t i    = ch.row(b) + t;
            const double xhat = (static_cast<double>(x[i]) - mu) * s;
            y_dot[i] =
                static_cast<Real>(gamma_s * (static_cast<double>(x_dot[i]) - m_xt - xhat * A));
        }
    }
}

// r, x, x_dot, dx, dx_dot are (B, C, T). The reverse of L = sum(r * y_dot) (nn/batchnorm.h):
// dx[:, c, :] and dx_dot[:, c, :] written, *dgamma accumulated.
template <typename Real>
void batchnorm_train_jvp_backward_channel(const Real * r, const Real * x, const Real * x_dot,
                                          Real * dx, Real * dx_dot, batchnorm_channel ch,
                                          Real gamma, Real mean, Real invstd, Real * dgamma,
                                          const unsigned char * valid = nullptr) {
    const double mu = static_cast<double>(mean), s = static_cast<double>(invstd);
    double       sums[5];
    batchnorm_sums(ch, sums, [&](size_t i, size_t t, double * out) {
        const double ri   = static_cast<double>(r[i]);
        const double xti  = static_cast<double>(x_dot[i]);
        const double xhat = (static_cast<double>(x[i]) - mu) * s;
        const double v    = batchnorm_flag(valid, t);
        out[0]            = ri;
        out[1]            = v * xti;
        out[2]            = v * xhat * xti;
        out[3]            = ri * xhat;
        out[4]            = ri * xti;
    });
    const double sum_r = sums[0], sum_xt = sums[1], sum_xhat_xt = sums[2], sum_r_xhat = sums[3],
                 sum_r_xt = sums[4];
    const double n    = static_cast<double>(batchnorm_valid_count(ch, valid));
    const double m_r  = sum_r / n;                 // S(r) / n_v
    const double m_xt = sum_xt / n;                // m_V(x_dot)
    const double A    = sum_xhat_xt / n;           // m_V(xhat * x_dot)
    const double Q    = sum_r_xhat / n;            // S(r * xhat) / n_v
    const double M    = sum_r_xt / n - m_r * m_xt; // S(r * u) / n_v, u = x_dot - m_V(x_dot)
    const double g                   = static_cast<double>(gamma);
    double       sum_r_yt_over_gamma[1];
    batchnorm_sums(ch, sum_r_yt_over_gamma, [&](size_t i, size_t t, double * out) {
        const double ri   = static_cast<double>(r[i]);
        const double xhat = (static_cast<double>(x[i]) - mu) * s;
        const double u    = static_cast<double>(x_dot[i]) - m_xt;
        const double v    = batchnorm_flag(valid, t);
        dx_dot[i]         = static_cast<Real>(g * s * (ri - v * (m_r + xhat * Q)));
        dx[i]             = static_cast<Real>(
            g * s * s * (v * ((3.0 * A * Q - M) * xhat - Q * u) - A * (ri - v * m_r)));
        out[0]            = ri * s * (u - xhat * A);
    });
    *dgamma = static_cast<Real>(static_cast<double>(*dgamma) + sum_r_yt_over_gamma[0]);
}
