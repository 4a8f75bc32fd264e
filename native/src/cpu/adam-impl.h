// adam-impl.h: the Adam update loop (see nn/adam.h), templated on the scalar type so nn_core
// runs it in float and the tests run the very same code in double. The per-step scalars are
// formed in double by adam_coefficients and rounded to Real once, as torch 1.9 does.
// defines: adam_coeffs, adam_coefficients, adam_update_range
#pragma once

#include <cmath>
#include <cstddef>

/** The scalars of one Adam step, already rounded to the buffer type. */
template <typename Real>
struct adam_coeffs {
    Real beta1;
    Real one_minus_beta1;
    Real beta2;
    Real one_minus_beta2;
    Real neg_step_size;      // -lr / (1 - beta1^step)
    Real sqrt_bias_correct2; // sqrt(1 - beta2^step)
    Real eps;
};

template <typename Real>
adam_coeffs<Real> adam_coefficients(size_t step, double lr, double beta1, double beta2,
                                    double eps) {
    const double      t   = static_cast<double>(step);
    const double      bc1 = 1.0 - std::pow(beta1, t);
    const double      bc2 = 1.0 - std::pow(beta2, t);
    adam_coeffs<Real> c;
    c.beta1              = static_cast<Real>(beta1);
    c.one_minus_beta1    = static_cast<Real>(1.0 - beta1);
    c.beta2              = static_cast<Real>(beta2);
    c.one_minus_beta2    = static_cast<Real>(1.0 - beta2);
    c.neg_step_size      = static_cast<Real>(-(lr / bc1));
    c.sqrt_bias_correct2 = static_cast<Real>(std::sqrt(bc2));
    c.eps                = static_cast<Real>(eps);
    return c;
}

// p, g, m, v are (n); updates p, m, v for i in [begin, end).
template <typename Real>
void adam_update_range(Real * p, const Real * g, Real * m, Real * v, size_t begin, size_t end,
                       const adam_coeffs<Real> & c) {
    for (size_t i = begin; i < end; i++) {
        const Real grad  = g[i];
        Real       mi    = m[i] * c.beta1;
        mi               = mi + c.one_minus_beta1 * grad;
        Real vi          = v[i] * c.beta2;
        vi               = vi + (c.one_minus_beta2 * grad) * grad;
        const Real denom = std::sqrt(vi) / c.sqrt_bias_correct2 + c.eps;
        p[i]             = p[i] + (c.neg_step_size * mi) / denom;
        m[i]             = mi;
        v[i]             = vi;
    }
}
