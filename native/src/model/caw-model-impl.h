// caw-model-impl.h: the Catch-A-Waveform G and D of one scale (nn/caw-model.h;
// docs/caw-spec.md §1, "Ten details" #2-#5) as templates on an op backend (caw-backend.h):
// caw_cpu_backend is nn_core's float model, caw_ref_backend<double> the tests' oracle,
// caw_dev_backend the device trainer's (cuda/caw-dev-backend.cuh), and all run this very code.
// defines: caw_model_layout, caw_model_build, caw_model_release, caw_model_init_params_impl,
//          caw_acts_bind, caw_acts_prepare, caw_acts_release, caw_tangents_bind,
//          caw_acts_tangents, caw_weights_forward, caw_weights_backward,
//          caw_trunk_forward, caw_trunk_backward, caw_generator_forward_impl,
//          caw_generator_backward_impl, caw_discriminator_forward_impl,
//          caw_discriminator_backward_impl
//
// Invariants: every forward recomputes the effective weights w = g v / ||v|| (model->weights);
// every backward zeroes model->wgrads, accumulates d/dw of all convolutions there, and ends with
// one weight-norm backward per conv that ADDS into grads (v, g); conv bias, BN gamma and beta
// gradients are added straight into grads. Activation gradients live in the 5 scratch buffers.
// The forward and backward templates touch model and activation buffers only through the backend
// (its memory steps included: caw-backend.h), so on caw_dev_backend they run on device memory.
// Host only: caw_model_build / caw_acts_prepare / caw_acts_tangents (they allocate with calloc)
// and caw_model_init_params_impl (the device trainer initialises on the host and uploads); the
// *_bind / caw_model_layout functions lay buffers out in memory the caller owns.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common.h"
#include "cpu/conv1d-impl.h"
#include "model/caw-backend.h"
#include "nn/adam.h"
#include "nn/caw-model.h"

inline size_t caw_align(size_t n) {
    return (n + NN_PARAM_ALIGN - 1) / NN_PARAM_ALIGN * NN_PARAM_ALIGN;
}

// ----------------------------------------------------------------------------
// layout

inline nn_status caw_layout_add(nn_param_layout * layout, const char * prefix, const char * name,
                                size_t numel, size_t * offset) {
    char   full[NN_PARAM_NAME_MAX];
    size_t index = 0;
    std::snprintf(full, sizeof full, "%s.%s", prefix, name);
    NN_TRY(nn_param_layout_add(layout, full, numel, &index));
    *offset = nn_param_layout_get(layout, index)->offset;
    return NN_STATUS_OK;
}

template <typename Real>
void caw_model_release(caw_model_t<Real> * m) {
    nn_param_layout_free(&m->param_layout);
    nn_param_layout_free(&m->state_layout);
    std::free(m->params);
    std::free(m->grads);
    std::free(m->state);
    std::free(m->weights);
    std::free(m->wgrads);
    m->params = m->grads = m->state = m->weights = m->wgrads = nullptr;
    m->n_convs                                               = 0;
}

// Fills the conv table, the layouts and weights_total for a checked config (caw_model_init checks
// it); allocates nothing (the device trainer points the buffers into its arena).
template <typename Real>
nn_status caw_model_layout(caw_model_t<Real> * m, const caw_config * cfg) {
    const size_t C = cfg->channels, K = cfg->kernel, L = cfg->layers;
    const bool   is_g = cfg->kind == CAW_GENERATOR;
    m->config         = *cfg;
    m->n_convs        = is_g ? L + 3 : L;
    m->pad            = caw_pad(cfg);
    m->n_params       = 0;
    NN_TRY(nn_param_layout_init(&m->param_layout));
    NN_TRY(nn_param_layout_init(&m->state_layout));
    size_t w_total = 0;
    for (size_t l = 0; l < m->n_convs; l++) {
        caw_conv & c = m->convs[l];
        c            = caw_conv{};
        char prefix[32];
        if (l < L) { // trunk: head, body, tail; valid dilated convolutions
            c.C_in  = l == 0 ? 1 : C;
            c.C_out = (l == L - 1 && !is_g) ? 1 : C;
            c.K     = K;
            c.D     = size_t(1) << l;
            c.pad   = 0;
            c.bn    = l < L - 1;
            if (l == 0) {
                std::snprintf(prefix, sizeof prefix, "head");
            } else if (l < L - 1) {
                std::snprintf(prefix, sizeof prefix, "body.%zu", l - 1);
            } else {
                std::snprintf(prefix, sizeof prefix, "tail");
            }
        } else if (l < L + 2) { // gate: tanh / sigmoid branch, "same" zero padding
            c.C_in = c.C_out = C;
            c.K              = K;
            c.D              = 1;
            c.pad            = (K - 1) / 2;
            std::snprintf(prefix, sizeof prefix, l == L ? "gate_tanh" : "gate_sigmoid");
        } else { // out_conv: C -> 1, K = 1
            c.C_in  = C;
            c.C_out = 1;
            c.K     = 1;
            c.D     = 1;
            std::snprintf(prefix, sizeof prefix, "out_conv");
        }
        char conv_prefix[40];
        std::snprintf(conv_prefix, sizeof conv_prefix, c.bn ? "%s.conv" : "%s", prefix);
        NN_TRY(caw_layout_add(&m->param_layout, conv_prefix, "v", c.C_out * c.C_in * c.K, &c.v));
        NN_TRY(caw_layout_add(&m->param_layout, conv_prefix, "g", c.C_out, &c.g));
        NN_TRY(caw_layout_add(&m->param_layout, conv_prefix, "bias", c.C_out, &c.bias));
        m->n_params += c.C_out * c.C_in * c.K + 2 * c.C_out;
        if (c.bn) {
            char bn_prefix[40];
            std::snprintf(bn_prefix, sizeof bn_prefix, "%s.bn", prefix);
            NN_TRY(caw_layout_add(&m->param_layout, bn_prefix, "gamma", c.C_out, &c.gamma));
            NN_TRY(caw_layout_add(&m->param_layout, bn_prefix, "beta", c.C_out, &c.beta));
            NN_TRY(caw_layout_add(&m->state_layout, bn_prefix, "running_mean", c.C_out, &c.rmean));
            NN_TRY(caw_layout_add(&m->state_layout, bn_prefix, "running_var", c.C_out, &c.rvar));
            m->n_params += 2 * c.C_out;
        }
        c.w = w_total;
        w_total += caw_align(c.C_out * c.C_in * c.K);
    }
    m->weights_total = w_total;
    return NN_STATUS_OK;
}

// caw_model_layout, then host params, grads, state (running var 1) and weights, zeroed otherwise.
template <typename Real>
nn_status caw_model_build(caw_model_t<Real> * m, const caw_config * cfg) {
    NN_TRY(caw_model_layout(m, cfg));
    const size_t w_total = m->weights_total;
    m->params        = static_cast<Real *>(std::calloc(m->param_layout.total, sizeof(Real)));
    m->grads         = static_cast<Real *>(std::calloc(m->param_layout.total, sizeof(Real)));
    m->state         = static_cast<Real *>(std::calloc(m->state_layout.total, sizeof(Real)));
    m->weights       = static_cast<Real *>(std::calloc(w_total, sizeof(Real)));
    m->wgrads        = static_cast<Real *>(std::calloc(w_total, sizeof(Real)));
    if (m->params == nullptr || m->grads == nullptr || m->state == nullptr ||
        m->weights == nullptr || m->wgrads == nullptr) {
        caw_model_release(m);
        return NN_STATUS_OUT_OF_MEMORY;
    }
    for (size_t l = 0; l < m->n_convs; l++) {
        if (m->convs[l].bn) {
            for (size_t o = 0; o < m->convs[l].C_out; o++) {
                m->state[m->convs[l].rvar + o] = Real(1);
            }
        }
    }
    return NN_STATUS_OK;
}

// docs/caw-spec.md §1 "Initialisation (inferred)". Draw order: per conv v (row-major), bias, then
// the BN's gamma. (The order cannot match PyTorch's stream anyway: another generator.)
template <typename Real>
void caw_model_init_params_impl(caw_model_t<Real> * m, const caw_rng_source * rng) {
    for (size_t l = 0; l < m->n_convs; l++) {
        const caw_conv & c     = m->convs[l];
        const size_t     n     = c.C_in * c.K;
        const double     bound = 1.0 / std::sqrt(static_cast<double>(n));
        for (size_t i = 0; i < c.C_out * n; i++) {
            m->params[c.v + i] = static_cast<Real>(-bound + 2.0 * bound * rng->uniform(rng->ctx));
        }
        for (size_t o = 0; o < c.C_out; o++) {
            m->params[c.bias + o] =
                static_cast<Real>(-bound + 2.0 * bound * rng->uniform(rng->ctx));
        }
        for (size_t o = 0; o < c.C_out; o++) { // g = ||v[o]||, so w = v at initialisation
            double sq = 0.0;
            for (size_t j = 0; j < n; j++) {
                const double x = static_cast<double>(m->params[c.v + o * n + j]);
                sq += x * x;
            }
            m->params[c.g + o] = static_cast<Real>(std::sqrt(sq));
        }
        if (c.bn) {
            for (size_t o = 0; o < c.C_out; o++) {
                m->params[c.gamma + o] = static_cast<Real>(1.0 + 0.02 * rng->normal(rng->ctx));
                m->params[c.beta + o]  = Real(0);
                m->state[c.rmean + o]  = Real(0);
                m->state[c.rvar + o]   = Real(1);
            }
        }
    }
    std::memset(m->grads, 0, m->param_layout.total * sizeof(Real));
}

// ----------------------------------------------------------------------------
// activations

template <typename Real>
void caw_acts_release(caw_acts_t<Real> * acts) {
    std::free(acts->mem);
    std::free(acts->tmem);
    *acts = caw_acts_t<Real>{};
}

template <typename Real>
size_t caw_conv_out_length(const caw_model_t<Real> * m, const caw_acts_t<Real> * acts, size_t l) {
    const caw_conv & c = m->convs[l];
    return conv1d_out_length(acts->T[l], c.K, c.D, c.pad);
}

// Lays out the activations of m for length N: sets acts' config, N and T[], and returns the
// values they need; with mem (that many values, zeroed or not) also points every buffer into it.
// The host allocates mem in caw_acts_prepare, the device trainer in its arena.
template <typename Real>
size_t caw_acts_bind(const caw_model_t<Real> * m, caw_acts_t<Real> * acts, size_t N, Real * mem) {
    const caw_config & cfg = m->config;
    const size_t       L = cfg.layers, C = cfg.channels;
    const bool         is_g = cfg.kind == CAW_GENERATOR;
    acts->config            = cfg;
    acts->N                 = N;
    acts->T[0]              = is_g ? N + 2 * m->pad : N;
    for (size_t l = 0; l < L; l++) {
        acts->T[l + 1] = caw_conv_out_length(m, acts, l);
    }
    if (is_g) {
        acts->T[L + 1] = acts->T[L + 2] = N;
    }
    // sizes first (offsets in elements)
    size_t total = 0, scratch = acts->T[0];
    size_t off_x = total;
    total += caw_align(acts->T[0]);
    size_t off_z[CAW_MAX_CONVS], off_a[CAW_MAX_LAYERS] = {}, off_mean[CAW_MAX_LAYERS] = {};
    for (size_t l = 0; l < m->n_convs; l++) {
        const caw_conv & c = m->convs[l];
        const size_t     n = c.C_out * caw_conv_out_length(m, acts, l);
        scratch            = std::max(scratch, std::max(n, c.C_in * acts->T[l]));
        off_z[l]           = total;
        total += caw_align(n);
        if (c.bn) {
            off_a[l] = total;
            total += caw_align(n);
            off_mean[l] = total;
            total += 2 * caw_align(c.C_out);
        }
    }
    size_t off_q = total;
    if (is_g) {
        total += caw_align(C * N);
    }
    size_t off_scratch = total;
    total += 5 * caw_align(scratch);
    size_t off_dummy = total;
    total += 2 * caw_align(C);
    if (mem == nullptr) {
        return total;
    }
    acts->mem       = mem;
    acts->mem_total = total;
    acts->x         = acts->mem + off_x;
    for (size_t l = 0; l < m->n_convs; l++) {
        acts->z[l] = acts->mem + off_z[l];
        if (m->convs[l].bn) {
            acts->a[l]      = acts->mem + off_a[l];
            acts->mean[l]   = acts->mem + off_mean[l];
            acts->invstd[l] = acts->mem + off_mean[l] + caw_align(m->convs[l].C_out);
        }
    }
    acts->q            = is_g ? acts->mem + off_q : nullptr;
    acts->scratch_size = caw_align(scratch);
    for (size_t i = 0; i < 5; i++) {
        acts->scratch[i] = acts->mem + off_scratch + i * acts->scratch_size;
    }
    acts->dummy = acts->mem + off_dummy;
    acts->ready = false;
    return total;
}

// First call: lays out and allocates the activations for length N (caw_acts_t's N). Later calls
// only check N and the config. N must already be valid for the model (the entry points check).
template <typename Real>
nn_status caw_acts_prepare(const caw_model_t<Real> * m, caw_acts_t<Real> * acts, size_t N,
                           const char * op) {
    const caw_config & cfg = m->config;
    if (acts->mem != nullptr) {
        if (acts->config.kind != cfg.kind || acts->config.channels != cfg.channels ||
            acts->config.kernel != cfg.kernel || acts->config.layers != cfg.layers) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: these activations belong to another network configuration", op);
        }
        if (acts->N != N) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: these activations were sized for N = %zu, got N = %zu (free them "
                           "to change the length)",
                           op, acts->N, N);
        }
        return NN_STATUS_OK;
    }
    const size_t total = caw_acts_bind<Real>(m, acts, N, nullptr);
    Real *       mem   = static_cast<Real *>(std::calloc(total, sizeof(Real)));
    if (mem == nullptr) {
        *acts = caw_acts_t<Real>{};
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: cannot allocate %zu activation values", op,
                       total);
    }
    caw_acts_bind<Real>(m, acts, N, mem);
    return NN_STATUS_OK;
}

// D's gradient-penalty tangents (xt, zt, at) of laid-out acts: returns the values they need and,
// with tmem, points them into it.
template <typename Real>
size_t caw_tangents_bind(const caw_model_t<Real> * m, caw_acts_t<Real> * acts, Real * tmem) {
    const size_t L     = m->config.layers;
    size_t       total = caw_align(acts->T[0]);
    for (size_t l = 0; l < L; l++) {
        const size_t n = caw_align(m->convs[l].C_out * acts->T[l + 1]);
        total += m->convs[l].bn ? 2 * n : n;
    }
    if (tmem == nullptr) {
        return total;
    }
    acts->tmem = tmem;
    Real * p   = acts->tmem;
    acts->xt = p;
    p += caw_align(acts->T[0]);
    for (size_t l = 0; l < L; l++) {
        const size_t n = caw_align(m->convs[l].C_out * acts->T[l + 1]);
        acts->zt[l]    = p;
        p += n;
        if (m->convs[l].bn) {
            acts->at[l] = p;
            p += n;
        }
    }
    return total;
}

// D's gradient-penalty tangents, allocated by the first penalty call.
template <typename Real>
nn_status caw_acts_tangents(const caw_model_t<Real> * m, caw_acts_t<Real> * acts, const char * op) {
    if (acts->tmem != nullptr) {
        return NN_STATUS_OK;
    }
    const size_t total = caw_tangents_bind<Real>(m, acts, nullptr);
    Real *       tmem  = static_cast<Real *>(std::calloc(total, sizeof(Real)));
    if (tmem == nullptr) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: cannot allocate %zu tangent values", op,
                       total);
    }
    caw_tangents_bind<Real>(m, acts, tmem);
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// weights

template <typename B, typename Real>
nn_status caw_weights_forward(caw_model_t<Real> * m) {
    for (size_t l = 0; l < m->n_convs; l++) {
        const caw_conv & c = m->convs[l];
        NN_TRY(B::wn_forward(m->params + c.v, m->params + c.g, m->weights + c.w, c.C_out, c.C_in,
                             c.K));
    }
    return NN_STATUS_OK;
}

// grads.v, grads.g += weight-norm backward of wgrads, for convs [0, n).
template <typename B, typename Real>
nn_status caw_weights_backward(caw_model_t<Real> * m, size_t n) {
    for (size_t l = 0; l < n; l++) {
        const caw_conv & c = m->convs[l];
        NN_TRY(B::wn_backward(m->wgrads + c.w, m->params + c.v, m->params + c.g, m->grads + c.v,
                              m->grads + c.g, c.C_out, c.C_in, c.K));
    }
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// trunk: head ConvBlock, body ConvBlocks, tail NormConv (shared by G and D)

// acts->x holds the input. Writes z[l], a[l], mean[l], invstd[l]; scratch[0] is BN's output.
// acts->mask (D only; null = unmasked): ConvBlock l's batch statistics over its valid flags.
template <typename Real>
const unsigned char * caw_valid(const caw_acts_t<Real> * acts, size_t l) {
    return acts->mask != nullptr ? acts->mask->valid[l] : nullptr;
}

template <typename B, typename Real>
nn_status caw_trunk_forward(caw_model_t<Real> * m, caw_acts_t<Real> * acts, caw_bn_mode mode) {
    for (size_t l = 0; l < m->config.layers; l++) {
        const caw_conv & c  = m->convs[l];
        const Real *     in = l == 0 ? acts->x : acts->a[l - 1];
        const Real *     p  = m->params;
        NN_TRY(B::conv_forward(in, m->weights + c.w, p + c.bias, acts->z[l], c.C_in, c.C_out,
                               acts->T[l], c.K, c.D, c.pad));
        if (!c.bn) {
            continue;
        }
        const size_t T = acts->T[l + 1];
        Real *       y = acts->scratch[0];
        if (mode == CAW_BN_EVAL) {
            NN_TRY(B::bn_eval_forward(acts->z[l], p + c.gamma, p + c.beta, m->state + c.rmean,
                                      m->state + c.rvar, y, c.C_out, T));
        } else {
            const bool upd = mode == CAW_BN_TRAIN;
            NN_TRY(B::bn_train_forward(acts->z[l], p + c.gamma, p + c.beta,
                                       upd ? m->state + c.rmean : nullptr,
                                       upd ? m->state + c.rvar : nullptr, acts->mean[l],
                                       acts->invstd[l], y, c.C_out, T, caw_valid(acts, l)));
        }
        NN_TRY(B::leaky_forward(y, acts->a[l], c.C_out * T));
    }
    return NN_STATUS_OK;
}

// The lowest scratch index in [0, 5) not in {a, b}.
inline size_t caw_other(size_t a, size_t b = 5) {
    size_t i = 0;
    while (i == a || i == b) {
        i++;
    }
    return i;
}

// scratch[cur] holds dL/dz[L-1] (the tail's output). Back through the trunk with the ordinary
// backward ops (BN in acts->mode). params: add conv bias / gamma / beta grads into grads and
// d/dw into wgrads; otherwise only activation gradients (BN's dgamma, dbeta go to a sink).
// want_dx: *dx_index receives the scratch holding dL/dx (1, T[0]). The LeakyReLU mask is taken
// from its output a[l]: sign(LReLU(y)) = sign(y) for a positive slope, so y need not be kept.
template <typename B, typename Real>
nn_status caw_trunk_backward(caw_model_t<Real> * m, caw_acts_t<Real> * acts, size_t cur,
                             bool params, bool want_dx, size_t * dx_index) {
    Real ** s = acts->scratch;
    Real *  p = m->params;
    for (size_t l = m->config.layers; l-- > 0;) {
        const caw_conv & c = m->convs[l];
        const size_t     T = acts->T[l + 1];
        if (c.bn) { // s[cur] = dL/da[l]
            const size_t iy = caw_other(cur), iz = caw_other(cur, iy);
            Real *       dgamma = params ? m->grads + c.gamma : acts->dummy;
            Real *       dbeta  = params ? m->grads + c.beta : acts->dummy + caw_align(c.C_out);
            NN_TRY(B::leaky_backward(s[cur], acts->a[l], s[iy], c.C_out * T));
            if (acts->mode == CAW_BN_EVAL) {
                NN_TRY(B::bn_eval_backward(s[iy], acts->z[l], p + c.gamma, m->state + c.rmean,
                                           m->state + c.rvar, s[iz], dgamma, dbeta, c.C_out, T));
            } else {
                NN_TRY(B::bn_train_backward(s[iy], acts->z[l], p + c.gamma, acts->mean[l],
                                            acts->invstd[l], s[iz], dgamma, dbeta, c.C_out, T,
                                            caw_valid(acts, l)));
            }
            cur = iz;
        }
        const bool need_dx = l > 0 || want_dx;
        if (!params && !need_dx) {
            break;
        }
        const size_t idx = caw_other(cur);
        const Real * in  = l == 0 ? acts->x : acts->a[l - 1];
        NN_TRY(B::conv_backward(in, m->weights + c.w, s[cur], need_dx ? s[idx] : nullptr,
                                params ? m->wgrads + c.w : nullptr,
                                params ? m->grads + c.bias : nullptr, c.C_in, c.C_out, acts->T[l],
                                c.K, c.D, c.pad));
        cur = idx;
    }
    if (dx_index != nullptr) {
        *dx_index = cur;
    }
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// generator: x_in = pad0(noise*amp + prev), out = PE(out_conv(tanh(Ct h) * sigmoid(Cs h))) + prev

// noise, prev (N) may be null (zeros); out (N). acts prepared for N.
template <typename B, typename Real>
nn_status caw_generator_forward_impl(caw_model_t<Real> * m, caw_acts_t<Real> * acts,
                                     const Real * noise, Real amp, const Real * prev, Real * out,
                                     caw_bn_mode mode) {
    const size_t N = acts->N, P = m->pad, L = m->config.layers, C = m->config.channels;
    acts->ready = false;
    acts->mode  = mode;
    acts->mask  = nullptr;
    acts->amp   = static_cast<float>(amp);
    NN_TRY(B::gen_input(acts->x, acts->T[0], P, noise, amp, prev, N));
    NN_TRY((caw_weights_forward<B, Real>(m)));
    NN_TRY((caw_trunk_forward<B, Real>(m, acts, mode)));
    const Real * h = acts->z[L - 1];
    for (size_t l = L; l < L + 2; l++) {
        const caw_conv & c = m->convs[l];
        NN_TRY(B::conv_forward(h, m->weights + c.w, m->params + c.bias, acts->z[l], C, C, N, c.K,
                               c.D, c.pad));
    }
    NN_TRY(B::gated_forward(acts->z[L], acts->z[L + 1], acts->q, C * N));
    const caw_conv & o = m->convs[L + 2];
    NN_TRY(B::conv_forward(acts->q, m->weights + o.w, m->params + o.bias, acts->z[L + 2], C, 1, N,
                           1, 1, 0));
    Real * pe = acts->scratch[0];
    NN_TRY(B::pe_forward(acts->z[L + 2], pe, N));
    NN_TRY(B::gen_output(out, pe, prev, N));
    acts->ready = true;
    return NN_STATUS_OK;
}

// dout (N). grads += dL/dtheta; d_noise, d_prev (N) optional, written.
template <typename B, typename Real>
nn_status caw_generator_backward_impl(caw_model_t<Real> * m, caw_acts_t<Real> * acts,
                                      const Real * dout, Real * d_noise, Real * d_prev) {
    const size_t N = acts->N, P = m->pad, L = m->config.layers, C = m->config.channels;
    Real **      s = acts->scratch;
    NN_TRY(B::zero(m->wgrads, m->weights_total));
    NN_TRY(B::pe_backward(dout, s[0], N));
    const caw_conv & o = m->convs[L + 2];
    NN_TRY(B::conv_backward(acts->q, m->weights + o.w, s[0], s[1], m->wgrads + o.w,
                            m->grads + o.bias, C, 1, N, 1, 1, 0));
    NN_TRY(B::gated_backward(s[1], acts->z[L], acts->z[L + 1], s[2], s[3], C * N));
    const Real * h = acts->z[L - 1];
    for (size_t k = 0; k < 2; k++) { // d/dh of both gate branches: s[0] and s[1]
        const caw_conv & c = m->convs[L + k];
        NN_TRY(B::conv_backward(h, m->weights + c.w, s[2 + k], s[k], m->wgrads + c.w,
                                m->grads + c.bias, C, C, N, c.K, c.D, c.pad));
    }
    NN_TRY(B::add_to(s[0], s[1], C * N));
    const bool want_dx = d_noise != nullptr || d_prev != nullptr;
    size_t     idx     = 0;
    NN_TRY((caw_trunk_backward<B, Real>(m, acts, 0, true, want_dx, &idx)));
    NN_TRY((caw_weights_backward<B, Real>(m, m->n_convs)));
    if (want_dx) {
        NN_TRY(B::gen_input_grads(s[idx] + P, dout, static_cast<Real>(acts->amp), d_noise, d_prev,
                                  N));
    }
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// discriminator: out = PE(tail(body(head(x)))), length N - 2P

template <typename B, typename Real>
nn_status caw_discriminator_forward_impl(caw_model_t<Real> * m, caw_acts_t<Real> * acts,
                                         const Real * x, Real * out, caw_bn_mode mode,
                                         const caw_dmask * mask = nullptr) {
    acts->ready = false;
    acts->mode  = mode;
    acts->mask  = mode == CAW_BN_EVAL ? nullptr : mask;
    NN_TRY(B::copy(acts->x, x, acts->N));
    NN_TRY((caw_weights_forward<B, Real>(m)));
    NN_TRY((caw_trunk_forward<B, Real>(m, acts, mode)));
    if (out != nullptr) {
        const size_t L = m->config.layers;
        NN_TRY(B::pe_forward(acts->z[L - 1], out, acts->T[L]));
    }
    acts->ready = true;
    return NN_STATUS_OK;
}

// dout (N - 2P); grads +=; dx (N) optional, written.
template <typename B, typename Real>
nn_status caw_discriminator_backward_impl(caw_model_t<Real> * m, caw_acts_t<Real> * acts,
                                          const Real * dout, Real * dx) {
    const size_t L = m->config.layers;
    NN_TRY(B::zero(m->wgrads, m->weights_total));
    NN_TRY(B::pe_backward(dout, acts->scratch[0], acts->T[L]));
    size_t idx = 0;
    NN_TRY((caw_trunk_backward<B, Real>(m, acts, 0, true, dx != nullptr, &idx)));
    NN_TRY((caw_weights_backward<B, Real>(m, m->n_convs)));
    if (dx != nullptr) {
        NN_TRY(B::copy(dx, acts->scratch[idx], acts->N));
    }
    return NN_STATUS_OK;
}
