// sequence-losses-impl.h: softmax cross-entropy, the normal KL and the reparameterisation
// (nn/sequence-losses.h), templated on the scalar type so nn_core runs them in float and the
// tests run the same code in double. Sums and the log-sum-exp are taken in double whatever Real
// is (a float vocabulary of thousands would otherwise lose digits in the normaliser).
// defines: cross_entropy_row, cross_entropy_value, cross_entropy_backward_values,
//          kl_normal_value, kl_normal_backward_values, reparam_forward_values,
//          reparam_backward_values
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

/** logsumexp(row) - row[target], shifted by the row's maximum so exp never overflows. */
template <typename Real>
double cross_entropy_row(const Real * row, size_t V, size_t target, double * lse_out) {
    double top = double(row[0]);
    for (size_t v = 1; v < V; v++) top = double(row[v]) > top ? double(row[v]) : top;
    double sum = 0.0;
    for (size_t v = 0; v < V; v++) sum += std::exp(double(row[v]) - top);
    const double lse = top + std::log(sum);
    if (lse_out != nullptr) *lse_out = lse;
    return lse - double(row[target]);
}

/** The mean over kept rows (0 when none); *kept = M. Targets of kept rows lie in [0, V). */
template <typename Real>
double cross_entropy_value(const Real * logits, const int32_t * targets, size_t N, size_t V,
                           int32_t ignore_index, size_t * kept) {
    double total = 0.0;
    size_t M     = 0;
    for (size_t n = 0; n < N; n++) {
        if (targets[n] == ignore_index) continue;
        total += cross_entropy_row(logits + n * V, V, size_t(targets[n]), nullptr);
        M++;
    }
    *kept = M;
    return M > 0 ? total / double(M) : 0.0;
}

template <typename Real>
void cross_entropy_backward_values(const Real * logits, const int32_t * targets, size_t N,
                                   size_t V, int32_t ignore_index, double dloss, Real * dlogits) {
    size_t M = 0;
    for (size_t n = 0; n < N; n++) M += targets[n] != ignore_index;
    const double scale = M > 0 ? dloss / double(M) : 0.0;
    for (size_t n = 0; n < N; n++) {
        const Real * row = logits + n * V;
        Real *       d   = dlogits + n * V;
        if (targets[n] == ignore_index) {
            for (size_t v = 0; v < V; v++) d[v] = Real(0);
            continue;
        }
        double lse = 0.0;
        cross_entropy_row(row, V, size_t(targets[n]), &lse);
        for (size_t v = 0; v < V; v++) {
            const double p = std::exp(double(row[v]) - lse);
            d[v]           = Real(scale * (p - (v == size_t(targets[n]) ? 1.0 : 0.0)));
        }
    }
}

template <typename Real>
double kl_normal_value(const Real * mu, const Real * logvar, size_t N, size_t Z) {
    double total = 0.0;
    for (size_t e = 0; e < N * Z; e++) {
        const double m = double(mu[e]), lv = double(logvar[e]);
        total += -0.5 * (1.0 + lv - m * m - std::exp(lv));
    }
    return total / double(N);
}

template <typename Real>
void kl_normal_backward_values(const Real * mu, const Real * logvar, size_t N, size_t Z,
                               double dkl, Real * dmu, Real * dlogvar) {
    const double scale = dkl / double(N);
    for (size_t e = 0; e < N * Z; e++) {
        dmu[e]     = Real(scale * double(mu[e]));
        dlogvar[e] = Real(scale * 0.5 * (std::exp(double(logvar[e])) - 1.0));
    }
}

// z = mu + exp(0.5 logvar) * eps, eps given (the entry point draws it).
template <typename Real>
void reparam_forward_values(const Real * mu, const Real * logvar, const Real * eps, Real * z,
                            size_t n) {
    for (size_t e = 0; e < n; e++) z[e] = mu[e] + std::exp(Real(0.5) * logvar[e]) * eps[e];
}

template <typename Real>
void reparam_backward_values(const Real * logvar, const Real * eps, const Real * dz, Real * dmu,
                             Real * dlogvar, size_t n) {
    for (size_t e = 0; e < n; e++) {
        if (dmu != nullptr) dmu[e] = dz[e];
        dlogvar[e] = dz[e] * Real(0.5) * std::exp(Real(0.5) * logvar[e]) * eps[e];
    }
}
