// transformer.cpp: attention's, layer norm's and GELU's float entry points (nn/transformer.h):
// argument checks, then transformer-impl.h's loops on nn_core's thread pool (items write
// disjoint outputs in a fixed order, so any thread count gives the same bits).

#include "nn/transformer.h"

#include <cmath>

#include "common.h"
#include "cpu/parallel.h"
#include "cpu/spans.h"
#include "cpu/transformer-impl.h"

namespace {

// Dimensions at most 2^28 and every buffer under 2^46 floats: sizes never overflow size_t.
constexpr size_t TF_MAX_DIM    = size_t(1) << 28;
constexpr double TF_MAX_FLOATS = 70368744177664.0; // 2^46

/** nn_parallel_for as transformer-impl.h's par(). */
struct pool_for {
    template <typename Body>
    void operator()(size_t n, size_t grain, Body && body) const {
        nn_parallel_for(n, grain, body);
    }
};

bool dim_ok(size_t v) { return v >= 1 && v <= TF_MAX_DIM; }

nn_status check_attention(const char * op, const nn_attention_config * cfg) {
    if (cfg == nullptr) return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: cfg is null", op);
    const double T = double(cfg->T), B = double(cfg->B), C = double(cfg->H) * double(cfg->D);
    if (!dim_ok(cfg->T) || !dim_ok(cfg->B) || !dim_ok(cfg->H) || !dim_ok(cfg->D) ||
        T * B * C >= TF_MAX_FLOATS || B * double(cfg->H) * T * T >= TF_MAX_FLOATS) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: T %zu, B %zu, H %zu, D %zu: each must be 1..2^28 and the buffers "
                       "under 2^46 floats",
                       op, cfg->T, cfg->B, cfg->H, cfg->D);
    }
    return NN_STATUS_OK;
}

attention_dims dims_of(const nn_attention_config * cfg) {
    return attention_dims{cfg->T, cfg->B, cfg->H, cfg->D, cfg->causal};
}

nn_status check_rows(const char * op, size_t N, size_t C) {
    if (!dim_ok(N) || !dim_ok(C) || double(N) * double(C) >= TF_MAX_FLOATS) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: N %zu, C %zu: each must be 1..2^28, their product under 2^46", op, N,
                       C);
    }
    return NN_STATUS_OK;
}

} // namespace

// ----------------------------------------------------------------------------
// attention

size_t attention_cache_count(const nn_attention_config * cfg) {
    if (check_attention("attention_cache_count", cfg) != NN_STATUS_OK) return 0;
    return cfg->B * cfg->H * cfg->T * cfg->T;
}

nn_status attention_forward_cpu(const nn_attention_config * cfg, const float * q, const float * k,
                                const float * v, const int32_t * lengths, float * y, float * att) {
    const char * op = "attention_forward_cpu";
    NN_TRY(check_attention(op, cfg));
    const size_t    n = cfg->T * cfg->B * cfg->H * cfg->D, n_att = attention_cache_count(cfg);
    const host_span in[]  = {{"q", q, n}, {"k", k, n}, {"v", v, n},
                             {"lengths", lengths, cfg->B, sizeof(int32_t)}};
    const host_span out[] = {{"y", y, n}, {"att", att, n_att}};
    const host_span required[] = {in[0], in[1], in[2], in[3], out[0], out[1]};
    NN_TRY(check_required_spans(op, required, 6));
    NN_TRY(check_output_spans(op, in, 4, out, 2));
    for (size_t b = 0; b < cfg->B; b++) {
        if (lengths[b] < 1 || size_t(lengths[b]) > cfg->T) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: lengths[%zu] = %d is outside [1, %zu]",
                           op, b, int(lengths[b]), cfg->T);
        }
    }
    attention_forward_impl<float>(dims_of(cfg), q, k, v, lengths, y, att, pool_for{});
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status attention_backward_cpu(const nn_attention_config * cfg, const float * q,
                                 const float * k, const float * v, const float * att,
                                 const float * dy, float * dq, float * dk, float * dv) {
    const char * op = "attention_backward_cpu";
    NN_TRY(check_attention(op, cfg));
    const size_t    n = cfg->T * cfg->B * cfg->H * cfg->D, n_att = attention_cache_count(cfg);
    const host_span in[]  = {{"q", q, n}, {"k", k, n}, {"v", v, n}, {"att", att, n_att},
                             {"dy", dy, n}};
    const host_span out[] = {{"dq", dq, n}, {"dk", dk, n}, {"dv", dv, n}};
    const host_span required[] = {in[0], in[1], in[2], in[3], in[4], out[0], out[1], out[2]};
    NN_TRY(check_required_spans(op, required, 8));
    NN_TRY(check_output_spans(op, in, 5, out, 3));
    return guard_alloc(op, [&] {
        attention_backward_impl<float>(dims_of(cfg), q, k, v, att, dy, dq, dk, dv, pool_for{});
        nn_clear_error();
        return NN_STATUS_OK;
    });
}

// ----------------------------------------------------------------------------
// layer norm

nn_status layer_norm_forward_cpu(const float * x, const float * gamma, const float * beta,
                                 float * y, float * mean, float * rstd, size_t N, size_t C,
                                 float eps) {
    const char * op = "layer_norm_forward_cpu";
    NN_TRY(check_rows(op, N, C));
    if (!(eps > 0.0f) || !std::isfinite(eps)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: eps %g must be a finite number above 0",
                       op, double(eps));
    }
    const host_span in[]  = {{"x", x, N * C}, {"gamma", gamma, C}, {"beta", beta, C}};
    const host_span out[] = {{"y", y, N * C}, {"mean", mean, N}, {"rstd", rstd, N}};
    const host_span required[] = {in[0], in[1], in[2], out[0], out[1], out[2]};
    NN_TRY(check_required_spans(op, required, 6));
    NN_TRY(check_output_spans(op, in, 3, out, 3));
    layer_norm_forward_impl<float>(x, gamma, beta, y, mean, rstd, N, C, eps, pool_for{});
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status layer_norm_backward_cpu(const float * x, const float * gamma, const float * mean,
                                  const float * rstd, const float * dy, float * dx, float * dgamma,
                                  float * dbeta, size_t N, size_t C) {
    const char * op = "layer_norm_backward_cpu";
    NN_TRY(check_rows(op, N, C));
    const host_span in[]  = {{"x", x, N * C}, {"gamma", gamma, C}, {"mean", mean, N},
                             {"rstd", rstd, N}, {"dy", dy, N * C}};
    const host_span out[] = {{"dx", dx, N * C}, {"dgamma", dgamma, C}, {"dbeta", dbeta, C}};
    const host_span required[] = {in[0], in[1], in[2], in[3], in[4], out[0], out[1], out[2]};
    NN_TRY(check_required_spans(op, required, 8));
    NN_TRY(check_output_spans(op, in, 5, out, 3));
    layer_norm_backward_impl<float>(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, N, C,
                                    pool_for{});
    nn_clear_error();
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// GELU

nn_status gelu_forward_cpu(const float * x, float * y, size_t N) {
    const char * op = "gelu_forward_cpu";
    NN_TRY(check_rows(op, N, 1));
    const host_span in[]  = {{"x", x, N}};
    const host_span out[] = {{"y", y, N}};
    const host_span required[] = {in[0], out[0]};
    NN_TRY(check_required_spans(op, required, 2));
    NN_TRY(check_output_spans(op, in, 1, out, 1));
    gelu_forward_impl<float>(x, y, N, pool_for{});
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status gelu_backward_cpu(const float * x, const float * dy, float * dx, size_t N) {
    const char * op = "gelu_backward_cpu";
    NN_TRY(check_rows(op, N, 1));
    const host_span in[]  = {{"x", x, N}, {"dy", dy, N}};
    const host_span out[] = {{"dx", dx, N}};
    const host_span required[] = {in[0], in[1], out[0]};
    NN_TRY(check_required_spans(op, required, 3));
    NN_TRY(check_output_spans(op, in, 2, out, 1));
    gelu_backward_impl<float>(x, dy, dx, N, pool_for{});
    nn_clear_error();
    return NN_STATUS_OK;
}
