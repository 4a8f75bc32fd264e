// caw-model.cpp: nn_core's float entry points for the Catch-A-Waveform G and D of one scale
// (nn/caw-model.h; docs/caw-spec.md §1, §3.5). They check every argument, then run the templated
// model code (caw-model-impl.h, caw-gp-impl.h) on caw_cpu_backend: the threaded, deterministic
// *_cpu ops. The same templates on caw_ref_backend<double> are the tests' oracle.

#include "nn/caw-model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "common.h"
#include "model/caw-backend.h"
#include "model/caw-gp-impl.h"
#include "model/caw-model-impl.h"

namespace {

using backend = caw_cpu_backend;

nn_status check_model(const char * op, const caw_model * m, caw_kind kind) {
    if (m == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: model is null", op);
    }
    if (m->params == nullptr || m->n_convs == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: model is not initialised", op);
    }
    if (m->config.kind != kind) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: model is a %s, expected a %s", op,
                       m->config.kind == CAW_GENERATOR ? "generator" : "discriminator",
                       kind == CAW_GENERATOR ? "generator" : "discriminator");
    }
    return NN_STATUS_OK;
}

// A contiguous (1, 1, T) view with data; T = 0 accepts any length (returned through *T_out).
nn_status check_signal(const char * op, const char * name, const nn_tensor_view * v, size_t T,
                       size_t * T_out) {
    if (v == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op, name);
    }
    if (v->data == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s has no data", op, name);
    }
    if (v->ndim != 3 || v->shape[0] != 1 || v->shape[1] != 1 || v->shape[2] == 0 ||
        !nn_view_is_contiguous(v)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: %s must be a contiguous, non-empty (1, 1, T) view", op, name);
    }
    if (T != 0 && v->shape[2] != T) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s has T = %zu, expected %zu", op, name,
                       v->shape[2], T);
    }
    if (T_out != nullptr) {
        *T_out = v->shape[2];
    }
    return NN_STATUS_OK;
}

nn_status check_acts(const char * op, const caw_acts * acts) {
    if (acts == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: acts is null", op);
    }
    return NN_STATUS_OK;
}

nn_status check_ready(const char * op, const caw_model * m, const caw_acts * acts) {
    if (!acts->ready || acts->mem == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: no forward has filled these activations",
                       op);
    }
    if (acts->config.kind != m->config.kind || acts->config.channels != m->config.channels ||
        acts->config.kernel != m->config.kernel || acts->config.layers != m->config.layers) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: these activations belong to another network configuration", op);
    }
    return NN_STATUS_OK;
}

nn_status check_mode(const char * op, caw_bn_mode mode) {
    if (mode != CAW_BN_TRAIN && mode != CAW_BN_TRAIN_KEEP && mode != CAW_BN_EVAL) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: unknown BatchNorm mode %d", op,
                       static_cast<int>(mode));
    }
    return NN_STATUS_OK;
}

nn_status finish(nn_status status) {
    if (status == NN_STATUS_OK) {
        nn_clear_error();
    }
    return status;
}

} // namespace

// ----------------------------------------------------------------------------
// model

size_t caw_pad(const caw_config * config) {
    if (config == nullptr || config->kernel == 0 || config->kernel % 2 == 0 || config->layers < 2 ||
        config->layers > CAW_MAX_LAYERS) {
        return 0;
    }
    // Sum of the trunk's receptive-field growth D*(K-1) over D = 1..2^(L-1), halved: the G input
    // pad on each side and half of D's length loss. Even because K is odd.
    size_t span = 0;
    for (size_t l = 0; l < config->layers; l++) {
        span += (size_t(1) << l) * (config->kernel - 1);
    }
    return span / 2;
}

nn_status caw_model_init(caw_model * model, const caw_config * config) {
    const char * op = "caw_model_init";
    if (model == nullptr || config == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op,
                       model == nullptr ? "model" : "config");
    }
    if (config->kind != CAW_GENERATOR && config->kind != CAW_DISCRIMINATOR) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: unknown network kind %d", op,
                       static_cast<int>(config->kind));
    }
    if (config->channels == 0 || config->channels > 4096 || config->kernel == 0 ||
        config->kernel % 2 == 0 || config->kernel > 255 || config->layers < 2 ||
        config->layers > CAW_MAX_LAYERS) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: channels %zu, kernel %zu, layers %zu: need 1 <= C <= 4096, odd "
                       "1 <= K <= 255, 2 <= L <= %zu",
                       op, config->channels, config->kernel, config->layers, CAW_MAX_LAYERS);
    }
    *model                 = caw_model{};
    const nn_status status = caw_model_build(model, config);
    if (status == NN_STATUS_OUT_OF_MEMORY) {
        return nn_fail(status, "%s: cannot allocate the parameters", op);
    }
    return finish(status);
}

void caw_model_free(caw_model * model) {
    if (model != nullptr) {
        caw_model_release(model);
        *model = caw_model{};
    }
}

nn_status caw_model_init_params(caw_model * model, const caw_rng_source * rng) {
    const char * op = "caw_model_init_params";
    if (model == nullptr || model->params == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: model is null or not initialised", op);
    }
    if (rng == nullptr || rng->uniform == nullptr || rng->normal == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: rng or one of its functions is null", op);
    }
    caw_model_init_params_impl(model, rng);
    return finish(NN_STATUS_OK);
}

void caw_acts_free(caw_acts * acts) {
    if (acts != nullptr) {
        caw_acts_release(acts);
    }
}

// ----------------------------------------------------------------------------
// generator

nn_status caw_generator_forward(caw_model * G, caw_acts * acts, const nn_tensor_view * noise,
                                float amp, const nn_tensor_view * prev, nn_tensor_view * out,
                                caw_bn_mode mode) {
    const char * op = "caw_generator_forward";
    size_t       N  = 0;
    NN_TRY(check_model(op, G, CAW_GENERATOR));
    NN_TRY(check_acts(op, acts));
    NN_TRY(check_mode(op, mode));
    NN_TRY(check_signal(op, "out", out, 0, &N));
    if (noise != nullptr)
        NN_TRY(check_signal(op, "noise", noise, N, nullptr));
    if (prev != nullptr)
        NN_TRY(check_signal(op, "prev", prev, N, nullptr));
    if (nn_views_overlap(out, noise) || nn_views_overlap(out, prev)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: out overlaps noise or prev", op);
    }
    if (!std::isfinite(amp)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: amp is not finite", op);
    }
    NN_TRY(caw_acts_prepare(G, acts, N, op));
    return finish(caw_generator_forward_impl<backend, float>(
        G, acts, noise != nullptr ? noise->data : nullptr, amp,
        prev != nullptr ? prev->data : nullptr, out->data, mode));
}

nn_status caw_generator_backward(caw_model * G, caw_acts * acts, const nn_tensor_view * dout,
                                 nn_tensor_view * d_noise, nn_tensor_view * d_prev) {
    const char * op = "caw_generator_backward";
    NN_TRY(check_model(op, G, CAW_GENERATOR));
    NN_TRY(check_acts(op, acts));
    NN_TRY(check_ready(op, G, acts));
    NN_TRY(check_signal(op, "dout", dout, acts->N, nullptr));
    if (d_noise != nullptr)
        NN_TRY(check_signal(op, "d_noise", d_noise, acts->N, nullptr));
    if (d_prev != nullptr)
        NN_TRY(check_signal(op, "d_prev", d_prev, acts->N, nullptr));
    if (nn_views_overlap(d_noise, dout) || nn_views_overlap(d_prev, dout) ||
        nn_views_overlap(d_noise, d_prev)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: d_noise, d_prev and dout must not overlap",
                       op);
    }
    return finish(caw_generator_backward_impl<backend, float>(
        G, acts, dout->data, d_noise != nullptr ? d_noise->data : nullptr,
        d_prev != nullptr ? d_prev->data : nullptr));
}

// ----------------------------------------------------------------------------
// discriminator

namespace {

nn_status check_mask(const char * op, const caw_model * D, const caw_dmask * mask, size_t N) {
    if (mask == nullptr || mask->mem == nullptr || mask->N != N ||
        mask->total != N - 2 * D->pad) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: the mask is missing or was built for another length (N = %zu)", op, N);
    }
    return NN_STATUS_OK;
}

nn_status discriminator_forward(const char * op, caw_model * D, caw_acts * acts,
                                const nn_tensor_view * x, nn_tensor_view * out, caw_bn_mode mode,
                                const caw_dmask * mask) {
    size_t N = 0;
    NN_TRY(check_model(op, D, CAW_DISCRIMINATOR));
    NN_TRY(check_acts(op, acts));
    NN_TRY(check_mode(op, mode));
    NN_TRY(check_signal(op, "x", x, 0, &N));
    if (N < 2 * D->pad + 1) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: x has T = %zu but D needs at least 2P + 1 = %zu samples", op, N,
                       2 * D->pad + 1);
    }
    NN_TRY(check_signal(op, "out", out, N - 2 * D->pad, nullptr));
    if (nn_views_overlap(out, x)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: out overlaps x", op);
    }
    if (mask != nullptr)
        NN_TRY(check_mask(op, D, mask, N));
    NN_TRY(caw_acts_prepare(D, acts, N, op));
    return finish(
        caw_discriminator_forward_impl<backend, float>(D, acts, x->data, out->data, mode, mask));
}

} // namespace

nn_status caw_discriminator_forward(caw_model * D, caw_acts * acts, const nn_tensor_view * x,
                                    nn_tensor_view * out, caw_bn_mode mode) {
    return discriminator_forward("caw_discriminator_forward", D, acts, x, out, mode, nullptr);
}

nn_status caw_discriminator_forward_masked(caw_model * D, caw_acts * acts,
                                           const nn_tensor_view * x, nn_tensor_view * out,
                                           caw_bn_mode mode, const caw_dmask * mask) {
    const char * op = "caw_discriminator_forward_masked";
    if (mask == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: mask is null", op);
    }
    return discriminator_forward(op, D, acts, x, out, mode, mask);
}

nn_status caw_discriminator_backward(caw_model * D, caw_acts * acts, const nn_tensor_view * dout,
                                     nn_tensor_view * dx) {
    const char * op = "caw_discriminator_backward";
    NN_TRY(check_model(op, D, CAW_DISCRIMINATOR));
    NN_TRY(check_acts(op, acts));
    NN_TRY(check_ready(op, D, acts));
    NN_TRY(check_signal(op, "dout", dout, acts->N - 2 * D->pad, nullptr));
    if (dx != nullptr)
        NN_TRY(check_signal(op, "dx", dx, acts->N, nullptr));
    if (nn_views_overlap(dx, dout)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dx overlaps dout", op);
    }
    return finish(caw_discriminator_backward_impl<backend, float>(
        D, acts, dout->data, dx != nullptr ? dx->data : nullptr));
}

namespace {

nn_status gradient_penalty(const char * op, caw_model * D, caw_acts * acts,
                           const nn_tensor_view * real, const nn_tensor_view * fake, float alpha,
                           float lambda, bool update_running, bool add_grads,
                           const caw_dmask * mask, float * gp) {
    size_t N = 0;
    NN_TRY(check_model(op, D, CAW_DISCRIMINATOR));
    NN_TRY(check_acts(op, acts));
    NN_TRY(check_signal(op, "real", real, 0, &N));
    NN_TRY(check_signal(op, "fake", fake, N, nullptr));
    if (N < 2 * D->pad + 1) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: real has T = %zu but D needs at least 2P + 1 = %zu samples", op, N,
                       2 * D->pad + 1);
    }
    if (!(alpha >= 0.0f && alpha <= 1.0f)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: alpha must be in [0, 1], got %g", op,
                       static_cast<double>(alpha));
    }
    if (!std::isfinite(lambda)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: lambda is not finite", op);
    }
    if (gp == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: gp is null", op);
    }
    if (mask != nullptr)
        NN_TRY(check_mask(op, D, mask, N));
    NN_TRY(caw_acts_prepare(D, acts, N, op));
    if (add_grads)
        NN_TRY(caw_acts_tangents(D, acts, op));
    double          value  = 0.0;
    const nn_status status = caw_gradient_penalty_impl<backend, float>(
        D, acts, real->data, fake->data, alpha, lambda, update_running, add_grads, &value, nullptr,
        nullptr, mask);
    if (status == NN_STATUS_OK) {
        *gp = static_cast<float>(value);
    }
    return finish(status);
}

} // namespace

nn_status caw_gradient_penalty(caw_model * D, caw_acts * acts, const nn_tensor_view * real,
                               const nn_tensor_view * fake, float alpha, float lambda,
                               bool update_running, bool add_grads, float * gp) {
    return gradient_penalty("caw_gradient_penalty", D, acts, real, fake, alpha, lambda,
                            update_running, add_grads, nullptr, gp);
}

nn_status caw_gradient_penalty_masked(caw_model * D, caw_acts * acts, const nn_tensor_view * real,
                                      const nn_tensor_view * fake, float alpha, float lambda,
                                      bool update_running, bool add_grads, const caw_dmask * mask,
                                      float * gp) {
    const char * op = "caw_gradient_penalty_masked";
    if (mask == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: mask is null", op);
    }
    return gradient_penalty(op, D, acts, real, fake, alpha, lambda, update_running, add_grads,
                            mask, gp);
}

// ----------------------------------------------------------------------------
// inpainting's mask

void caw_dmask_free(caw_dmask * mask) {
    if (mask != nullptr) {
        std::free(mask->mem);
        *mask = caw_dmask{};
    }
}

nn_status caw_dmask_init(caw_dmask * mask, const caw_config * config, size_t N,
                         const nn_hole * holes, size_t hole_count) {
    const char * op = "caw_dmask_init";
    if (mask == nullptr || config == nullptr || (holes == nullptr && hole_count > 0)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: mask, config and holes must not be null",
                       op);
    }
    *mask           = caw_dmask{};
    const size_t P  = caw_pad(config);
    const size_t K  = config->kernel, L = config->layers;
    if (P == 0 || N < 2 * P + 1) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: invalid config or N = %zu < 2P + 1", op,
                       N);
    }
    for (size_t h = 0; h < hole_count; h++) {
        if (holes[h].start > holes[h].end || holes[h].end > N ||
            (h > 0 && holes[h].start < holes[h - 1].end)) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: hole %zu [%zu, %zu) is not ascending inside [0, %zu]", op, h,
                           holes[h].start, holes[h].end, N);
        }
    }
    // sizes: ConvBlock l (0 .. L-2) has N - R_l outputs, D has N - 2P
    size_t total = N - 2 * P;
    for (size_t l = 0; l + 1 < L; l++) {
        total += N - (K - 1) * ((size_t(2) << l) - 1);
    }
    mask->mem = static_cast<unsigned char *>(std::malloc(total));
    if (mask->mem == nullptr) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: cannot allocate %zu flags", op, total);
    }
    mask->N     = N;
    mask->total = N - 2 * P;
    // flags of a map of length T: 1 except [h0 - grow, h1 + extra] per hole, clamped
    auto fill = [&](unsigned char * f, size_t T, size_t grow, size_t extra) {
        std::memset(f, 1, T);
        size_t count = T;
        for (size_t h = 0; h < hole_count; h++) {
            const size_t lo = holes[h].start > grow ? holes[h].start - grow : 0;
            const size_t hi = std::min(T, holes[h].end + extra + 1);
            for (size_t t = lo; t < hi; t++) {
                count -= f[t];
                f[t] = 0;
            }
        }
        return count;
    };
    unsigned char * p = mask->mem;
    for (size_t l = 0; l + 1 < L; l++) {
        const size_t R  = (K - 1) * ((size_t(2) << l) - 1);
        mask->valid[l]  = p;
        const size_t nv = fill(p, N - R, R, 0);
        p += N - R;
        if (nv < 2) {
            caw_dmask_free(mask);
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: the holes leave %zu valid positions in ConvBlock %zu of D (N = "
                           "%zu); BatchNorm needs 2",
                           op, nv, l, N);
        }
    }
    mask->keep = p;
    mask->kept = fill(p, N - 2 * P, 2 * P, 1);
    if (mask->kept == 0) {
        caw_dmask_free(mask);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: the holes, grown by D's receptive field, cover all %zu outputs (N = "
                       "%zu)",
                       op, N - 2 * P, N);
    }
    return NN_STATUS_OK;
}

nn_status caw_critic_mean_masked(const nn_tensor_view * map, const caw_dmask * mask, float scale,
                                 float * value, nn_tensor_view * dmap) {
    const char * op = "caw_critic_mean_masked";
    if (mask == nullptr || mask->mem == nullptr || value == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: mask and value must not be null", op);
    }
    NN_TRY(check_signal(op, "map", map, mask->total, nullptr));
    if (dmap != nullptr)
        NN_TRY(check_signal(op, "dmap", dmap, mask->total, nullptr));
    double sum = 0.0;
    for (size_t t = 0; t < mask->total; t++) {
        sum += mask->keep[t] != 0 ? static_cast<double>(map->data[t]) : 0.0;
    }
    const double n = static_cast<double>(mask->kept);
    *value         = static_cast<float>(sum / n);
    if (dmap != nullptr) {
        const float d = static_cast<float>(static_cast<double>(scale) / n);
        for (size_t t = 0; t < mask->total; t++) {
            dmap->data[t] = mask->keep[t] != 0 ? d : 0.0f;
        }
    }
    return NN_STATUS_OK;
}
