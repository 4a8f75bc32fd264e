// caw-model-test.h: helpers shared by test-generator.cpp, test-discriminator.cpp and
// test-gradient-penalty.cpp (the Catch-A-Waveform model, nn/caw-model.h).
// defines: dbackend, dmodel, dacts, test_rng_source, make_rng_source, build_double,
//          copy_model, fd_compare, fill_vec, for_each_param, TINY_* constants
//
// The double oracle is the model's own template code (native/src/model/caw-model-impl.h) on
// caw_ref_backend<double>, the -impl.h reference loops; the float path is nn_core's entry points.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include "model/caw-backend.h"
#include "model/caw-gp-impl.h"
#include "model/caw-model-impl.h"
#include "nn/caw-model.h"
#include "test-common.h"

using dbackend = caw_ref_backend<double>;
using dmodel   = caw_model_t<double>;
using dacts    = caw_acts_t<double>;

/** The tiny config of the finite-difference checks: C=3, K=3, L=4 (P = 15, two body blocks). */
constexpr size_t TINY_C = 3, TINY_K = 3, TINY_L = 4;

/** A caw_rng_source over test_rng (uniform) and Box-Muller (normal). */
struct test_rng_source {
    test_rng rng;
    explicit test_rng_source(uint64_t seed) : rng(seed) {}
    static double uniform(void * ctx) {
        return static_cast<test_rng_source *>(ctx)->rng.uniform(0.0, 1.0);
    }
    static double normal(void * ctx) {
        test_rng &   r  = static_cast<test_rng_source *>(ctx)->rng;
        const double u1 = 1.0 - r.uniform(0.0, 1.0), u2 = r.uniform(0.0, 1.0);
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    caw_rng_source source() { return caw_rng_source{this, &uniform, &normal}; }
};

inline caw_config make_config(caw_kind kind, size_t C, size_t K, size_t L) {
    return caw_config{kind, C, K, L};
}

/** A double model with the float model's layout; CHECKs the build. */
inline void build_double(dmodel * m, const caw_config & cfg) {
    *m = dmodel{};
    CHECK(caw_model_build(m, &cfg) == NN_STATUS_OK);
}

/** Float model params/state -> double model (same layouts). */
inline void copy_model(const caw_model & f, dmodel * d) {
    for (size_t i = 0; i < f.param_layout.total; i++) {
        d->params[i] = static_cast<double>(f.params[i]);
    }
    for (size_t i = 0; i < f.state_layout.total; i++) {
        d->state[i] = static_cast<double>(f.state[i]);
    }
}

/**
 * The tiny double model the finite-difference tests share: a float model initialised from
 * `init_seed` exactly as training would, copied to double, then BN beta and running stats moved
 * away from their initial 0 / 0 / 1 (stream `perturb_seed`) so every term of the maths is exercised.
 */
inline void tiny_double_model(caw_kind kind, uint64_t init_seed, uint64_t perturb_seed, size_t C,
                              size_t K, size_t L, dmodel * m) {
    const caw_config cfg = make_config(kind, C, K, L);
    caw_model        f   = {};
    CHECK(caw_model_init(&f, &cfg) == NN_STATUS_OK);
    test_rng_source rs(init_seed);
    caw_rng_source  src = rs.source();
    CHECK(caw_model_init_params(&f, &src) == NN_STATUS_OK);
    build_double(m, cfg);
    copy_model(f, m);
    caw_model_free(&f);
    test_rng r(perturb_seed);
    for (size_t l = 0; l < m->n_convs; l++) {
        const caw_conv & cv = m->convs[l];
        for (size_t o = 0; cv.bn && o < cv.C_out; o++) {
            m->params[cv.beta + o] = r.uniform(-0.3, 0.3);
            m->state[cv.rmean + o] = r.uniform(-0.2, 0.2);
            m->state[cv.rvar + o]  = r.uniform(0.5, 1.5);
        }
    }
}

template <typename Real>
void fill_vec(std::vector<Real> & v, uint64_t seed, double lo = -1.0, double hi = 1.0) {
    fill_uniform(v, seed, lo, hi);
}

/** Calls f(tensor name, offset, numel) for every tensor of a layout. */
inline void for_each_param(const nn_param_layout &                                   layout,
                           const std::function<void(const char *, size_t, size_t)> & f) {
    for (size_t i = 0; i < layout.count; i++) {
        const nn_param_tensor * t = nn_param_layout_get(&layout, i);
        f(t->name, t->offset, t->numel);
    }
}

/**
 * Central differences of loss() in every element of x[0..n) against analytic[0..n):
 * a per-element check |an - fd| <= FD_ATOL + FD_RTOL * |fd| (FD_ATOL scaled by the largest
 * gradient of the set). Returns the worst (|an - fd| / (FD_ATOL*scale + FD_RTOL*|fd|)); > 1 fails.
 */
constexpr double FD_STEP = 1e-6;
constexpr double FD_RTOL = 1e-6;
constexpr double FD_ATOL = 1e-8;

inline double fd_compare(const char * what, double * x, const double * analytic, size_t n,
                         const std::function<double()> & loss) {
    std::vector<double> fd(n);
    double              scale = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double saved = x[i];
        x[i]               = saved + FD_STEP;
        const double lp    = loss();
        x[i]               = saved - FD_STEP;
        const double lm    = loss();
        x[i]               = saved;
        fd[i]              = (lp - lm) / (2.0 * FD_STEP);
        scale              = std::max(scale, std::fabs(fd[i]));
    }
    double worst = 0.0;
    size_t at    = 0;
    for (size_t i = 0; i < n; i++) {
        const double tol = FD_ATOL * std::max(scale, 1.0) + FD_RTOL * std::fabs(fd[i]);
        const double r   = std::fabs(analytic[i] - fd[i]) / tol;
        if (r > worst || !std::isfinite(analytic[i])) {
            worst = std::isfinite(analytic[i]) ? r : INFINITY;
            at    = i;
        }
    }
    CHECK_MSG(worst <= 1.0,
              "%s[%zu]: analytic %.12g vs finite difference %.12g (ratio to tol %.3g)", what, at,
              analytic[at], fd[at], worst);
    return worst;
}

/** Finite differences over every parameter tensor of m against grads; returns the worst ratio. */
inline double fd_params(dmodel * m, const std::function<double()> & loss, const char * label) {
    double worst = 0.0;
    for_each_param(m->param_layout, [&](const char * name, size_t off, size_t numel) {
        char what[128];
        std::snprintf(what, sizeof what, "%s %s", label, name);
        worst = std::max(worst, fd_compare(what, m->params + off, m->grads + off, numel, loss));
    });
    return worst;
}

/**
 * Float grads vs double grads, tensor by tensor. Before a train-mode BN, a ConvBlock's conv bias
 * gets exactly zero gradient (BN undoes per-channel shifts): the double gradient must vanish
 * (<= 1e-20 of the total energy). Its weight-norm g gets almost none (BN undoes scales up to
 * eps: d/dg ~ eps / (var + eps)), so float rounding dominates it. Both are compared against the
 * whole gradient's energy; every other tensor by its own NMSE. Returns the worst NMSE seen.
 */
inline double check_grads(const caw_model & f, const dmodel & d, bool bn_invariant, double limit,
                          const char * label) {
    double total = 0.0, worst = 0.0;
    for (size_t i = 0; i < f.param_layout.total; i++)
        total += d.grads[i] * d.grads[i];
    for_each_param(f.param_layout, [&](const char * name, size_t off, size_t n) {
        const bool zero = bn_invariant && std::strstr(name, ".conv.bias") != nullptr;
        const bool tiny = bn_invariant && std::strstr(name, ".conv.g") != nullptr;
        double     e    = 0.0;
        if (zero || tiny) {
            double ref = 0.0, err = 0.0;
            for (size_t i = off; i < off + n; i++) {
                ref += d.grads[i] * d.grads[i];
                err += (f.grads[i] - d.grads[i]) * (f.grads[i] - d.grads[i]);
            }
            CHECK_MSG(!zero || ref <= 1e-20 * total,
                      "%s %s: should be 0 (BN invariance), energy %.3g of %.3g", label, name, ref,
                      total);
            e = err / total;
        } else {
            e = nmse(f.grads + off, d.grads + off, n);
        }
        CHECK_MSG(e < limit, "%s grad %s NMSE %.3g", label, name, e);
        worst = std::max(worst, e);
    });
    return worst;
}

inline nn_tensor_view sig(std::vector<float> & v) {
    return nn_view_3d(v.data(), 1, 1, v.size());
}

inline double dot(const std::vector<double> & a, const double * b) {
    double s = 0.0;
    for (size_t i = 0; i < a.size(); i++) {
        s += a[i] * b[i];
    }
    return s;
}
