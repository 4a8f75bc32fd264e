// lstm.cpp: the LSTM's float entry points (nn/lstm.h): argument checks, then lstm-impl.h's
// loops with the matmuls on conv1d's kernels (matmul_cpu); and gradient clipping by global norm.

#include "nn/lstm.h"

#include <cmath>
#include <cstdint>

#include "common.h"
#include "cpu/lstm-impl.h"
#include "cpu/matmul.h"
#include "cpu/spans.h"

namespace {

// Each dimension at most 2^24 and every buffer under 2^46 floats: sizes never overflow size_t.
constexpr size_t LSTM_MAX_DIM = size_t(1) << 24;
constexpr double LSTM_MAX_FLOATS = 70368744177664.0; // 2^46

bool cfg_ok(const nn_lstm_config * cfg) {
    if (cfg == nullptr) return false;
    const size_t dims[4] = {cfg->T, cfg->B, cfg->X, cfg->H};
    for (const size_t v : dims) {
        if (v == 0 || v > LSTM_MAX_DIM) return false;
    }
    if (cfg->layers == 0 || cfg->layers > NN_RNG_MAX_STREAM) return false;
    const double T = double(cfg->T), B = double(cfg->B), X = double(cfg->X), H = double(cfg->H);
    const double L = double(cfg->layers);
    return L * 4.0 * H * (X + H + 1.0) < LSTM_MAX_FLOATS &&
           L * 8.0 * (T + 1.0) * B * H < LSTM_MAX_FLOATS && T * B * X < LSTM_MAX_FLOATS;
}

lstm_dims dims_of(const nn_lstm_config * cfg) {
    return lstm_dims{cfg->T, cfg->B, cfg->X, cfg->H, cfg->layers};
}

nn_status check_cfg(const char * op, const nn_lstm_config * cfg) {
    if (cfg == nullptr) return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: cfg is null", op);
    if (!cfg_ok(cfg)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: T %zu, B %zu, X %zu, H %zu, layers %zu: each must be 1..2^24 (layers "
                       "1..%u) and the buffers under 2^46 floats",
                       op, cfg->T, cfg->B, cfg->X, cfg->H, cfg->layers, NN_RNG_MAX_STREAM);
    }
    if (!(cfg->dropout >= 0.0f && cfg->dropout < 1.0f)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dropout %g is outside [0, 1)", op,
                       double(cfg->dropout));
    }
    return NN_STATUS_OK;
}

// The float kernels: matmuls on conv1d's path, the gate rows compiled for AVX-512F, AVX2 and the
// baseline ISA (picked once per process by the loader: GCC/Clang target_clones on x86-64 Linux;
// elsewhere the baseline build, which the compiler still vectorises at its own width).
#if defined(__x86_64__) && defined(__linux__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define LSTM_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef LSTM_CLONES
#define LSTM_CLONES
#endif

LSTM_CLONES void cell_forward_f32(float * pre, const float * rec, const float * bias,
                                  const float * c_prev, float * cell, float * h, size_t H) {
    lstm_cell_forward_row(pre, rec, bias, c_prev, cell, h, H);
}

LSTM_CLONES void cell_backward_f32(const float * act, const float * cell, const float * c_prev,
                                   const float * up, const float * dh, float * dc, float * da,
                                   size_t H) {
    lstm_cell_backward_row(act, cell, c_prev, up, dh, dc, da, H);
}

struct lstm_f32_kernels {
    matmul_cpu_fn matmul;
    void mm(const float * A, const float * B, float * C, size_t M, size_t N, size_t K) const {
        matmul(A, B, C, M, N, K);
    }
    void cell_forward(float * pre, const float * rec, const float * bias, const float * c_prev,
                      float * cell, float * h, size_t H) const {
        cell_forward_f32(pre, rec, bias, c_prev, cell, h, H);
    }
    void cell_backward(const float * act, const float * cell, const float * c_prev,
                       const float * up, const float * dh, float * dc, float * da, size_t H) const {
        cell_backward_f32(act, cell, c_prev, up, dh, dc, da, H);
    }
};

} // namespace

size_t lstm_param_count(const nn_lstm_config * cfg) {
    return cfg_ok(cfg) ? lstm_param_total(dims_of(cfg)) : 0;
}

size_t lstm_param_offset(const nn_lstm_config * cfg, size_t layer) {
    if (!cfg_ok(cfg) || layer >= cfg->layers) return 0;
    size_t off = 0;
    for (size_t l = 0; l < layer; l++) off += lstm_layer_params(dims_of(cfg), l);
    return off;
}

size_t lstm_cache_count(const nn_lstm_config * cfg) {
    return cfg_ok(cfg) ? lstm_cache_total(dims_of(cfg)) : 0;
}

nn_status lstm_forward_cpu(const nn_lstm_config * cfg, const float * params, const float * x,
                           const float * h0, const float * c0, float * y, float * hT, float * cT,
                           float * cache) {
    const char * op = "lstm_forward_cpu";
    NN_TRY(check_cfg(op, cfg));
    const lstm_dims d = dims_of(cfg);
    const size_t    state = d.L * d.B * d.H, seq = d.T * d.B * d.H;
    const host_span      in[]  = {{"params", params, lstm_param_total(d)},
                             {"x", x, d.T * d.B * d.X},
                             {"h0", h0, state},
                             {"c0", c0, state}};
    const host_span      out[] = {{"y", y, seq}, {"hT", hT, state}, {"cT", cT, state},
                             {"cache", cache, lstm_cache_total(d)}};
    const host_span      required[] = {in[0], in[1], out[0], out[3]};
    NN_TRY(check_required_spans(op, required, 4));
    NN_TRY(check_output_spans(op, in, 4, out, 4));
    return guard_alloc(op, [&] {
        nn_status status = NN_STATUS_OK;
        lstm_forward_impl<float>(d, double(cfg->dropout), cfg->seed, params, x, h0, c0, y, hT, cT,
                                 cache, lstm_f32_kernels{matmul_cpu_fn{&status}});
        if (status == NN_STATUS_OK) nn_clear_error();
        return status;
    });
}

nn_status lstm_backward_cpu(const nn_lstm_config * cfg, const float * params, const float * x,
                            const float * cache, const float * dy, const float * dhT,
                            const float * dcT, float * dparams, float * dx, float * dh0,
                            float * dc0) {
    const char * op = "lstm_backward_cpu";
    NN_TRY(check_cfg(op, cfg));
    const lstm_dims d = dims_of(cfg);
    const size_t    state = d.L * d.B * d.H, seq = d.T * d.B * d.H, P = lstm_param_total(d);
    const host_span      in[]  = {{"params", params, P},   {"x", x, d.T * d.B * d.X},
                             {"cache", cache, lstm_cache_total(d)}, {"dy", dy, seq},
                             {"dhT", dhT, state},     {"dcT", dcT, state}};
    const host_span      out[] = {{"dparams", dparams, P}, {"dx", dx, d.T * d.B * d.X},
                             {"dh0", dh0, state},     {"dc0", dc0, state}};
    const host_span      required[] = {in[0], in[1], in[2], in[3], out[0]};
    NN_TRY(check_required_spans(op, required, 5));
    NN_TRY(check_output_spans(op, in, 6, out, 4));
    return guard_alloc(op, [&] {
        nn_status status = NN_STATUS_OK;
        lstm_backward_impl<float>(d, params, x, cache, dy, dhT, dcT, dparams, dx, dh0, dc0,
                                  lstm_f32_kernels{matmul_cpu_fn{&status}});
        if (status == NN_STATUS_OK) nn_clear_error();
        return status;
    });
}

nn_status grad_clip_norm_cpu(float * const * grads, const size_t * counts, size_t n,
                             float max_norm, float * norm_out) {
    const char * op = "grad_clip_norm_cpu";
    if (n > 0 && (grads == nullptr || counts == nullptr)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: grads or counts is null", op);
    }
    if (!(std::isfinite(max_norm) && max_norm > 0.0f)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: max_norm %g must be positive and finite",
                       op, double(max_norm));
    }
    double sum = 0.0;
    for (size_t k = 0; k < n; k++) {
        if (grads[k] == nullptr && counts[k] > 0) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: buffer %zu is null", op, k);
        }
        for (size_t i = 0; i < counts[k]; i++) sum += double(grads[k][i]) * double(grads[k][i]);
    }
    const double norm = std::sqrt(sum);
    if (norm_out != nullptr) *norm_out = float(norm);
    if (!std::isfinite(norm)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: the gradients' norm is not finite", op);
    }
    const double coef = double(max_norm) / (norm + 1e-6);
    if (coef < 1.0) {
        const float scale = float(coef);
        for (size_t k = 0; k < n; k++) {
            for (size_t i = 0; i < counts[k]; i++) grads[k][i] *= scale;
        }
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
