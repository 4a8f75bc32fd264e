// transformer.cpp: the Transformer block's ops for training loops written in TypeScript (the
// VAE-Transformer variant of `vary`): attention, layer norm and GELU (nn/transformer.h).
// defines: eureka_addon::attention_forward, attention_backward, layer_norm_forward,
//          layer_norm_backward, gelu_forward, gelu_backward
// As sequence.cpp: synchronous and zero-copy on the caller's typed arrays (attention's
// probabilities too, (B, H, T, T), which the caller keeps between forward and backward), every
// length and dimension checked first with a one-line coded TypeError.
#include <napi.h>

#include <cstdint>
#include <string>

#include "addon-common.h"
#include "nn/transformer.h"
#include "sequence-args.h"

namespace eureka_addon {

namespace {

/** Arguments first..first+4 as (T, B, H, D, causal): dimensions 1..2^28 and a boolean. */
bool read_attention(const call_args & a, size_t first, nn_attention_config * cfg) {
    if (!a.dim(first, "T", SEQ_MAX_DIM, &cfg->T) || !a.dim(first + 1, "B", SEQ_MAX_DIM, &cfg->B) ||
        !a.dim(first + 2, "H", SEQ_MAX_DIM, &cfg->H) ||
        !a.dim(first + 3, "D", SEQ_MAX_DIM, &cfg->D)) {
        return false;
    }
    const Napi::Value causal = a.info[first + 4];
    if (!causal.IsBoolean()) {
        throw_invalid(a.env(), std::string(a.fn) + ": causal must be a boolean, got " +
                                   kind_of(causal));
        return false;
    }
    cfg->causal = causal.As<Napi::Boolean>().Value();
    if (attention_cache_count(cfg) == 0) {
        throw_invalid(a.env(), std::string(a.fn) + ": " +
                                   shape_text("(T, B, H, D)", {cfg->T, cfg->B, cfg->H, cfg->D}) +
                                   " is too large: every buffer must stay under 2^46 floats");
        return false;
    }
    return true;
}

} // namespace

// attentionForward(q, k, v (T, B, H·D), lengths Int32Array (B), y (T, B, H·D), att (B, H, T, T),
//                  T, B, H, D, causal): undefined — y and att written
Napi::Value attention_forward(const Napi::CallbackInfo & info) {
    const call_args     a{info, "attentionForward"};
    nn_attention_config cfg{};
    if (!a.count(11, "q, k, v, lengths, y, att, T, B, H, D, causal") ||
        !read_attention(a, 6, &cfg)) {
        return a.env().Undefined();
    }
    const size_t      n = cfg.T * cfg.B * cfg.H * cfg.D;
    const std::string seq = shape_text("(T, B, H·D)", {cfg.T, cfg.B, cfg.H * cfg.D});
    const std::string att_shape = shape_text("(B, H, T, T)", {cfg.B, cfg.H, cfg.T, cfg.T});
    float *           q, *k, *v, *y, *att;
    int32_t *         lengths;
    if (a.floats(0, "q", n, seq, &q) && a.floats(1, "k", n, seq, &k) &&
        a.floats(2, "v", n, seq, &v) &&
        a.ints(3, "lengths", cfg.B, shape_text("(B)", {cfg.B}), &lengths) &&
        a.floats(4, "y", n, seq, &y) &&
        a.floats(5, "att", attention_cache_count(&cfg), att_shape, &att)) {
        a.ok(attention_forward_cpu(&cfg, q, k, v, lengths, y, att));
    }
    return a.env().Undefined();
}

// attentionBackward(q, k, v, att, dy, dq, dk, dv, T, B, H, D, causal): undefined — dq, dk, dv
// written
Napi::Value attention_backward(const Napi::CallbackInfo & info) {
    const call_args     a{info, "attentionBackward"};
    nn_attention_config cfg{};
    if (!a.count(13, "q, k, v, att, dy, dq, dk, dv, T, B, H, D, causal") ||
        !read_attention(a, 8, &cfg)) {
        return a.env().Undefined();
    }
    const size_t      n = cfg.T * cfg.B * cfg.H * cfg.D;
    const std::string seq = shape_text("(T, B, H·D)", {cfg.T, cfg.B, cfg.H * cfg.D});
    const std::string att_shape = shape_text("(B, H, T, T)", {cfg.B, cfg.H, cfg.T, cfg.T});
    float *           q, *k, *v, *att, *dy, *dq, *dk, *dv;
    if (a.floats(0, "q", n, seq, &q) && a.floats(1, "k", n, seq, &k) &&
        a.floats(2, "v", n, seq, &v) &&
        a.floats(3, "att", attention_cache_count(&cfg), att_shape, &att) &&
        a.floats(4, "dy", n, seq, &dy) && a.floats(5, "dq", n, seq, &dq) &&
        a.floats(6, "dk", n, seq, &dk) && a.floats(7, "dv", n, seq, &dv)) {
        a.ok(attention_backward_cpu(&cfg, q, k, v, att, dy, dq, dk, dv));
    }
    return a.env().Undefined();
}

// layerNormForward(x (N, C), gamma (C), beta (C), y (N, C), mean (N), rstd (N), N, C, eps):
// undefined — y, mean and rstd written
Napi::Value layer_norm_forward(const Napi::CallbackInfo & info) {
    const call_args a{info, "layerNormForward"};
    size_t          N = 0, C = 0;
    double          eps = 0.0;
    if (!a.count(9, "x, gamma, beta, y, mean, rstd, N, C, eps") ||
        !a.dim(6, "N", SEQ_MAX_DIM, &N) || !a.dim(7, "C", SEQ_MAX_DIM, &C) ||
        !a.number(8, "eps", true, &eps)) {
        return a.env().Undefined();
    }
    const std::string rows = shape_text("(N, C)", {N, C}), row = shape_text("(N)", {N});
    const std::string cols = shape_text("(C)", {C});
    float *           x, *gamma, *beta, *y, *mean, *rstd;
    if (a.floats(0, "x", N * C, rows, &x) && a.floats(1, "gamma", C, cols, &gamma) &&
        a.floats(2, "beta", C, cols, &beta) && a.floats(3, "y", N * C, rows, &y) &&
        a.floats(4, "mean", N, row, &mean) && a.floats(5, "rstd", N, row, &rstd)) {
        a.ok(layer_norm_forward_cpu(x, gamma, beta, y, mean, rstd, N, C, static_cast<float>(eps)));
    }
    return a.env().Undefined();
}

// layerNormBackward(x, gamma, mean, rstd, dy (N, C), dx (N, C), dgamma (C), dbeta (C), N, C):
// undefined — dx written, dgamma and dbeta added to
Napi::Value layer_norm_backward(const Napi::CallbackInfo & info) {
    const call_args a{info, "layerNormBackward"};
    size_t          N = 0, C = 0;
    if (!a.count(10, "x, gamma, mean, rstd, dy, dx, dgamma, dbeta, N, C") ||
        !a.dim(8, "N", SEQ_MAX_DIM, &N) || !a.dim(9, "C", SEQ_MAX_DIM, &C)) {
        return a.env().Undefined();
    }
    const std::string rows = shape_text("(N, C)", {N, C}), row = shape_text("(N)", {N});
    const std::string cols = shape_text("(C)", {C});
    float *           x, *gamma, *mean, *rstd, *dy, *dx, *dgamma, *dbeta;
    if (a.floats(0, "x", N * C, rows, &x) && a.floats(1, "gamma", C, cols, &gamma) &&
        a.floats(2, "mean", N, row, &mean) && a.floats(3, "rstd", N, row, &rstd) &&
        a.floats(4, "dy", N * C, rows, &dy) && a.floats(5, "dx", N * C, rows, &dx) &&
        a.floats(6, "dgamma", C, cols, &dgamma) && a.floats(7, "dbeta", C, cols, &dbeta)) {
        a.ok(layer_norm_backward_cpu(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, N, C));
    }
    return a.env().Undefined();
}

// geluForward(x (N), y (N), N): undefined — y written
Napi::Value gelu_forward(const Napi::CallbackInfo & info) {
    const call_args a{info, "geluForward"};
    size_t          N = 0;
    if (!a.count(3, "x, y, N") || !a.dim(2, "N", SEQ_MAX_DIM, &N)) return a.env().Undefined();
    const std::string shape = shape_text("(N)", {N});
    float *           x, *y;
    if (a.floats(0, "x", N, shape, &x) && a.floats(1, "y", N, shape, &y)) {
        a.ok(gelu_forward_cpu(x, y, N));
    }
    return a.env().Undefined();
}

// geluBackward(x (N), dy (N), dx (N), N): undefined — dx written
Napi::Value gelu_backward(const Napi::CallbackInfo & info) {
    const call_args a{info, "geluBackward"};
    size_t          N = 0;
    if (!a.count(4, "x, dy, dx, N") || !a.dim(3, "N", SEQ_MAX_DIM, &N)) return a.env().Undefined();
    const std::string shape = shape_text("(N)", {N});
    float *           x, *dy, *dx;
    if (a.floats(0, "x", N, shape, &x) && a.floats(1, "dy", N, shape, &dy) &&
        a.floats(2, "dx", N, shape, &dx)) {
        a.ok(gelu_backward_cpu(x, dy, dx, N));
    }
    return a.env().Undefined();
}

} // namespace eureka_addon
