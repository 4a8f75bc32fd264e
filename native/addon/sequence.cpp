// sequence.cpp: the phrase models' ops for training loops written in TypeScript: LSTM
// (nn/lstm.h), dense and embedding (nn/dense.h), losses (nn/sequence-losses.h), clipping, Adam.
// defines: eureka_addon::lstm_sizes, lstm_forward, lstm_backward, dense_forward, dense_backward,
//          embedding_forward, embedding_backward, cross_entropy, kl_normal, reparam_forward,
//          reparam_backward, grad_clip_norm, adam_step
// Synchronous and zero-copy: a phrase-model step is dozens of sub-millisecond ops, too small for
// a Promise each (training runs in its worker process). Buffers are the caller's typed arrays,
// read and written in place, the LSTM's cache too (sized by lstmSizes): nothing is held between
// calls. Every length and dimension is checked first; a mismatch throws a one-line coded
// TypeError naming the argument, its shape and both lengths. Threads: nn_core's pool, as elsewhere.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "addon-common.h"
#include "sequence-args.h"
#include "nn/adam.h"
#include "nn/dense.h"
#include "nn/lstm.h"
#include "nn/rng.h"
#include "nn/sequence-losses.h"
#include "train-options.h"

namespace eureka_addon {

namespace {

/** An integer field of an options object in [min, max]. */
bool read_field(const call_args & a, const Napi::Object & object, const char * key, double min,
                double max, size_t * out) {
    const Napi::Value value = object.Get(key);
    if (a.env().IsExceptionPending())
        return false;
    uint64_t number = 0;
    if (!read_integer(a.env(), value, std::string(a.fn) + ": config." + key, min, max, &number)) {
        return false;
    }
    *out = static_cast<size_t>(number);
    return true;
}

/**
 * info[0] as nn_lstm_config: { T, B, X, H, layers, dropout, seed }, each dimension 1..2^24,
 * layers 1..NN_RNG_MAX_STREAM, dropout in [0, 1), seed a number or bigint, and every buffer of
 * the configuration under nn/lstm.h's bound (lstm_param_count is 0 otherwise).
 */
bool read_lstm_config(const call_args & a, nn_lstm_config * cfg) {
    const Napi::Value value = a.info[0];
    if (!value.IsObject() || value.IsArray() || value.IsTypedArray()) {
        throw_invalid(a.env(), std::string(a.fn) +
                                   ": config must be an object { T, B, X, H, "
                                   "layers, dropout, seed }, got " +
                                   kind_of(value));
        return false;
    }
    const Napi::Object object = value.As<Napi::Object>();
    if (!read_field(a, object, "T", 1.0, LSTM_MAX_DIM, &cfg->T) ||
        !read_field(a, object, "B", 1.0, LSTM_MAX_DIM, &cfg->B) ||
        !read_field(a, object, "X", 1.0, LSTM_MAX_DIM, &cfg->X) ||
        !read_field(a, object, "H", 1.0, LSTM_MAX_DIM, &cfg->H) ||
        !read_field(a, object, "layers", 1.0, NN_RNG_MAX_STREAM, &cfg->layers)) {
        return false;
    }
    const Napi::Value dropout = object.Get("dropout");
    if (a.env().IsExceptionPending())
        return false;
    const double p = dropout.IsNumber() ? dropout.As<Napi::Number>().DoubleValue() : NAN;
    // p just under 1 may round to 1 in float32, which the op refuses: checked as the float.
    if (!(p >= 0.0 && static_cast<float>(p) < 1.0f)) {
        throw_invalid(a.env(),
                      std::string(a.fn) +
                          ": config.dropout must be a number in [0, 1), "
                          "got " +
                          (dropout.IsNumber() ? dropout.ToString().Utf8Value() : kind_of(dropout)));
        return false;
    }
    cfg->dropout           = static_cast<float>(p);
    const Napi::Value seed = object.Get("seed");
    if (a.env().IsExceptionPending() ||
        !read_seed(a.env(), seed, std::string(a.fn) + ": config.seed", &cfg->seed)) {
        return false;
    }
    if (lstm_param_count(cfg) == 0) {
        throw_invalid(a.env(), std::string(a.fn) + ": config " +
                                   shape_text("(T, B, X, H, layers)",
                                              {cfg->T, cfg->B, cfg->X, cfg->H, cfg->layers}) +
                                   " is too large: every LSTM buffer must stay under 2^46 floats");
        return false;
    }
    return true;
}

/** The shapes of an LSTM call, for messages. */
struct lstm_shapes {
    std::string params, x, seq, state, cache;
    size_t      n_params, n_x, n_seq, n_state, n_cache;

    explicit lstm_shapes(const nn_lstm_config & c) :
        params("(P) = (" + std::to_string(lstm_param_count(&c)) + ")"),
        x(shape_text("(T, B, X)", {c.T, c.B, c.X})), seq(shape_text("(T, B, H)", {c.T, c.B, c.H})),
        state(shape_text("(layers, B, H)", {c.layers, c.B, c.H})),
        cache("(lstmSizes().cache) = (" + std::to_string(lstm_cache_count(&c)) + ")"),
        n_params(lstm_param_count(&c)), n_x(c.T * c.B * c.X), n_seq(c.T * c.B * c.H),
        n_state(c.layers * c.B * c.H), n_cache(lstm_cache_count(&c)) {}
};

} // namespace

// lstmSizes(config): { params, cache, layerOffsets: number[] } — floats of the parameter buffer
// and of the forward's cache, and where each layer's W_ih starts (its W_hh and b follow).
Napi::Value lstm_sizes(const Napi::CallbackInfo & info) {
    const call_args a{info, "lstmSizes"};
    nn_lstm_config  cfg{};
    if (!a.count(1, "config") || !read_lstm_config(a, &cfg))
        return a.env().Undefined();
    Napi::Object result = Napi::Object::New(a.env());
    result.Set("params", static_cast<double>(lstm_param_count(&cfg)));
    result.Set("cache", static_cast<double>(lstm_cache_count(&cfg)));
    Napi::Array offsets = Napi::Array::New(a.env(), cfg.layers);
    for (size_t l = 0; l < cfg.layers; l++) {
        offsets.Set(static_cast<uint32_t>(l), static_cast<double>(lstm_param_offset(&cfg, l)));
    }
    result.Set("layerOffsets", offsets);
    return result;
}

// lstmForward(config, params, x, h0 | null, c0 | null, y, hT | null, cT | null, cache): undefined
Napi::Value lstm_forward(const Napi::CallbackInfo & info) {
    const call_args a{info, "lstmForward"};
    nn_lstm_config  cfg{};
    if (!a.count(9, "config, params, x, h0, c0, y, hT, cT, cache") || !read_lstm_config(a, &cfg)) {
        return a.env().Undefined();
    }
    const lstm_shapes s(cfg);
    float *           params, *x, *h0, *c0, *y, *hT, *cT, *cache;
    if (a.floats(1, "params", s.n_params, s.params, &params) && a.floats(2, "x", s.n_x, s.x, &x) &&
        a.floats(3, "h0", s.n_state, s.state, &h0, true) &&
        a.floats(4, "c0", s.n_state, s.state, &c0, true) && a.floats(5, "y", s.n_seq, s.seq, &y) &&
        a.floats(6, "hT", s.n_state, s.state, &hT, true) &&
        a.floats(7, "cT", s.n_state, s.state, &cT, true) &&
        a.floats(8, "cache", s.n_cache, s.cache, &cache)) {
        a.ok(lstm_forward_cpu(&cfg, params, x, h0, c0, y, hT, cT, cache));
    }
    return a.env().Undefined();
}

// lstmBackward(config, params, x, cache, dy, dhT | null, dcT | null, dparams, dx | null,
//              dh0 | null, dc0 | null): undefined — dparams added to, the rest written
Napi::Value lstm_backward(const Napi::CallbackInfo & info) {
    const call_args a{info, "lstmBackward"};
    nn_lstm_config  cfg{};
    if (!a.count(11, "config, params, x, cache, dy, dhT, dcT, dparams, dx, dh0, dc0") ||
        !read_lstm_config(a, &cfg)) {
        return a.env().Undefined();
    }
    const lstm_shapes s(cfg);
    float *           params, *x, *cache, *dy, *dhT, *dcT, *dparams, *dx, *dh0, *dc0;
    if (a.floats(1, "params", s.n_params, s.params, &params) && a.floats(2, "x", s.n_x, s.x, &x) &&
        a.floats(3, "cache", s.n_cache, s.cache, &cache) &&
        a.floats(4, "dy", s.n_seq, s.seq, &dy) &&
        a.floats(5, "dhT", s.n_state, s.state, &dhT, true) &&
        a.floats(6, "dcT", s.n_state, s.state, &dcT, true) &&
        a.floats(7, "dparams", s.n_params, s.params, &dparams) &&
        a.floats(8, "dx", s.n_x, s.x, &dx, true) &&
        a.floats(9, "dh0", s.n_state, s.state, &dh0, true) &&
        a.floats(10, "dc0", s.n_state, s.state, &dc0, true)) {
        a.ok(lstm_backward_cpu(&cfg, params, x, cache, dy, dhT, dcT, dparams, dx, dh0, dc0));
    }
    return a.env().Undefined();
}

// denseForward(x (N, I), W (O, I), b (O) | null, y (N, O), N, I, O): undefined
Napi::Value dense_forward(const Napi::CallbackInfo & info) {
    const call_args a{info, "denseForward"};
    size_t          N = 0, I = 0, O = 0;
    if (!a.count(7, "x, W, b, y, N, I, O") || !a.dim(4, "N", SEQ_MAX_DIM, &N) ||
        !a.dim(5, "I", SEQ_MAX_DIM, &I) || !a.dim(6, "O", SEQ_MAX_DIM, &O)) {
        return a.env().Undefined();
    }
    float *x, *W, *b, *y;
    if (a.floats(0, "x", N * I, shape_text("(N, I)", {N, I}), &x) &&
        a.floats(1, "W", O * I, shape_text("(O, I)", {O, I}), &W) &&
        a.floats(2, "b", O, shape_text("(O)", {O}), &b, true) &&
        a.floats(3, "y", N * O, shape_text("(N, O)", {N, O}), &y)) {
        a.ok(dense_forward_cpu(x, W, b, y, N, I, O));
    }
    return a.env().Undefined();
}

// denseBackward(x (N, I), W (O, I), dy (N, O), dx (N, I) | null, dW (O, I), db (O) | null,
//               N, I, O): undefined — dx written, dW and db added to
Napi::Value dense_backward(const Napi::CallbackInfo & info) {
    const call_args a{info, "denseBackward"};
    size_t          N = 0, I = 0, O = 0;
    if (!a.count(9, "x, W, dy, dx, dW, db, N, I, O") || !a.dim(6, "N", SEQ_MAX_DIM, &N) ||
        !a.dim(7, "I", SEQ_MAX_DIM, &I) || !a.dim(8, "O", SEQ_MAX_DIM, &O)) {
        return a.env().Undefined();
    }
    float *x, *W, *dy, *dx, *dW, *db;
    if (a.floats(0, "x", N * I, shape_text("(N, I)", {N, I}), &x) &&
        a.floats(1, "W", O * I, shape_text("(O, I)", {O, I}), &W) &&
        a.floats(2, "dy", N * O, shape_text("(N, O)", {N, O}), &dy) &&
        a.floats(3, "dx", N * I, shape_text("(N, I)", {N, I}), &dx, true) &&
        a.floats(4, "dW", O * I, shape_text("(O, I)", {O, I}), &dW) &&
        a.floats(5, "db", O, shape_text("(O)", {O}), &db, true)) {
        a.ok(dense_backward_cpu(x, W, dy, dx, dW, db, N, I, O));
    }
    return a.env().Undefined();
}

// embeddingForward(table (V, E), ids Int32Array (N), y (N, E), N, V, E): undefined
Napi::Value embedding_forward(const Napi::CallbackInfo & info) {
    const call_args a{info, "embeddingForward"};
    size_t          N = 0, V = 0, E = 0;
    if (!a.count(6, "table, ids, y, N, V, E") || !a.dim(3, "N", SEQ_MAX_DIM, &N) ||
        !a.dim(4, "V", SEQ_MAX_DIM, &V) || !a.dim(5, "E", SEQ_MAX_DIM, &E)) {
        return a.env().Undefined();
    }
    float *   table, *y;
    int32_t * ids;
    if (a.floats(0, "table", V * E, shape_text("(V, E)", {V, E}), &table) &&
        a.ints(1, "ids", N, shape_text("(N)", {N}), &ids) &&
        a.floats(2, "y", N * E, shape_text("(N, E)", {N, E}), &y)) {
        a.ok(embedding_forward_cpu(table, ids, y, N, V, E));
    }
    return a.env().Undefined();
}

// embeddingBackward(ids Int32Array (N), dy (N, E), dtable (V, E), N, V, E): undefined — dtable
// added to (a scatter-add: repeated ids add up)
Napi::Value embedding_backward(const Napi::CallbackInfo & info) {
    const call_args a{info, "embeddingBackward"};
    size_t          N = 0, V = 0, E = 0;
    if (!a.count(6, "ids, dy, dtable, N, V, E") || !a.dim(3, "N", SEQ_MAX_DIM, &N) ||
        !a.dim(4, "V", SEQ_MAX_DIM, &V) || !a.dim(5, "E", SEQ_MAX_DIM, &E)) {
        return a.env().Undefined();
    }
    float *   dy, *dtable;
    int32_t * ids;
    if (a.ints(0, "ids", N, shape_text("(N)", {N}), &ids) &&
        a.floats(1, "dy", N * E, shape_text("(N, E)", {N, E}), &dy) &&
        a.floats(2, "dtable", V * E, shape_text("(V, E)", {V, E}), &dtable)) {
        a.ok(embedding_backward_cpu(ids, dy, dtable, N, V, E));
    }
    return a.env().Undefined();
}

// crossEntropy(logits (N, V), targets Int32Array (N), N, V, ignoreIndex, dloss, dlogits (N, V) |
//              null): { loss, kept } — the mean over kept rows; dlogits written when given
Napi::Value cross_entropy(const Napi::CallbackInfo & info) {
    const call_args a{info, "crossEntropy"};
    size_t          N = 0, V = 0;
    double          dloss = 0.0;
    if (!a.count(7, "logits, targets, N, V, ignoreIndex, dloss, dlogits") ||
        !a.dim(2, "N", SEQ_MAX_DIM, &N) || !a.dim(3, "V", SEQ_MAX_DIM, &V)) {
        return a.env().Undefined();
    }
    // ignoreIndex is any int32 (PyTorch's default is -100).
    const Napi::Value ignore_value = info[4];
    const double      ignore =
        ignore_value.IsNumber() ? ignore_value.As<Napi::Number>().DoubleValue() : NAN;
    if (!(std::floor(ignore) == ignore && ignore >= -2147483648.0 && ignore <= 2147483647.0)) {
        throw_invalid(a.env(), "crossEntropy: ignoreIndex must be an int32, got " +
                                   (ignore_value.IsNumber() ? ignore_value.ToString().Utf8Value()
                                                            : kind_of(ignore_value)));
        return a.env().Undefined();
    }
    if (!a.number(5, "dloss", true, &dloss)) {
        return a.env().Undefined();
    }
    float *   logits, *dlogits;
    int32_t * targets;
    if (!a.floats(0, "logits", N * V, shape_text("(N, V)", {N, V}), &logits) ||
        !a.ints(1, "targets", N, shape_text("(N)", {N}), &targets) ||
        !a.floats(6, "dlogits", N * V, shape_text("(N, V)", {N, V}), &dlogits, true)) {
        return a.env().Undefined();
    }
    const int32_t ignore_index = static_cast<int32_t>(ignore);
    float         loss         = 0.0f;
    size_t        kept         = 0;
    if (!a.ok(cross_entropy_forward_cpu(logits, targets, N, V, ignore_index, &loss, &kept))) {
        return a.env().Undefined();
    }
    if (dlogits != nullptr &&
        !a.ok(cross_entropy_backward_cpu(logits, targets, N, V, ignore_index,
                                         static_cast<float>(dloss), dlogits))) {
        return a.env().Undefined();
    }
    Napi::Object result = Napi::Object::New(a.env());
    result.Set("loss", static_cast<double>(loss));
    result.Set("kept", static_cast<double>(kept));
    return result;
}

// klNormal(mu (N, Z), logvar (N, Z), N, Z, dkl, dmu (N, Z) | null, dlogvar (N, Z) | null): kl —
// KL(N(mu, exp(logvar)) || N(0, 1)) summed over Z, averaged over N; dmu and dlogvar (both or
// neither) written with dkl times its gradient
Napi::Value kl_normal(const Napi::CallbackInfo & info) {
    const call_args a{info, "klNormal"};
    size_t          N = 0, Z = 0;
    double          dkl = 0.0;
    if (!a.count(7, "mu, logvar, N, Z, dkl, dmu, dlogvar") || !a.dim(2, "N", SEQ_MAX_DIM, &N) ||
        !a.dim(3, "Z", SEQ_MAX_DIM, &Z) || !a.number(4, "dkl", true, &dkl)) {
        return a.env().Undefined();
    }
    const std::string shape = shape_text("(N, Z)", {N, Z});
    float *           mu, *logvar, *dmu, *dlogvar;
    if (!a.floats(0, "mu", N * Z, shape, &mu) || !a.floats(1, "logvar", N * Z, shape, &logvar) ||
        !a.floats(5, "dmu", N * Z, shape, &dmu, true) ||
        !a.floats(6, "dlogvar", N * Z, shape, &dlogvar, true)) {
        return a.env().Undefined();
    }
    if ((dmu == nullptr) != (dlogvar == nullptr)) {
        throw_invalid(a.env(), "klNormal: dmu and dlogvar must be given together or both null");
        return a.env().Undefined();
    }
    float kl = 0.0f;
    if (!a.ok(kl_normal_forward_cpu(mu, logvar, N, Z, &kl)) ||
        (dmu != nullptr &&
         !a.ok(kl_normal_backward_cpu(mu, logvar, N, Z, static_cast<float>(dkl), dmu, dlogvar)))) {
        return a.env().Undefined();
    }
    return Napi::Number::New(a.env(), static_cast<double>(kl));
}

// reparamForward(mu (N, Z), logvar (N, Z), N, Z, seed, eps (N, Z), z (N, Z)): undefined —
// eps ~ N(0, 1) from the seed, z = mu + exp(0.5 logvar) eps, both written
Napi::Value reparam_forward(const Napi::CallbackInfo & info) {
    const call_args a{info, "reparamForward"};
    size_t          N = 0, Z = 0;
    uint64_t        seed = 0;
    if (!a.count(7, "mu, logvar, N, Z, seed, eps, z") || !a.dim(2, "N", SEQ_MAX_DIM, &N) ||
        !a.dim(3, "Z", SEQ_MAX_DIM, &Z) ||
        !read_seed(a.env(), info[4], "reparamForward: seed", &seed)) {
        return a.env().Undefined();
    }
    const std::string shape = shape_text("(N, Z)", {N, Z});
    float *           mu, *logvar, *eps, *z;
    if (a.floats(0, "mu", N * Z, shape, &mu) && a.floats(1, "logvar", N * Z, shape, &logvar) &&
        a.floats(5, "eps", N * Z, shape, &eps) && a.floats(6, "z", N * Z, shape, &z)) {
        a.ok(reparam_forward_cpu(mu, logvar, N, Z, seed, eps, z));
    }
    return a.env().Undefined();
}

// reparamBackward(logvar (N, Z), eps (N, Z), dz (N, Z), N, Z, dmu (N, Z) | null, dlogvar (N, Z)):
// undefined — dmu = dz and dlogvar = dz 0.5 exp(0.5 logvar) eps, written
Napi::Value reparam_backward(const Napi::CallbackInfo & info) {
    const call_args a{info, "reparamBackward"};
    size_t          N = 0, Z = 0;
    if (!a.count(7, "logvar, eps, dz, N, Z, dmu, dlogvar") || !a.dim(3, "N", SEQ_MAX_DIM, &N) ||
        !a.dim(4, "Z", SEQ_MAX_DIM, &Z)) {
        return a.env().Undefined();
    }
    const std::string shape = shape_text("(N, Z)", {N, Z});
    float *           logvar, *eps, *dz, *dmu, *dlogvar;
    if (a.floats(0, "logvar", N * Z, shape, &logvar) && a.floats(1, "eps", N * Z, shape, &eps) &&
        a.floats(2, "dz", N * Z, shape, &dz) && a.floats(5, "dmu", N * Z, shape, &dmu, true) &&
        a.floats(6, "dlogvar", N * Z, shape, &dlogvar)) {
        a.ok(reparam_backward_cpu(logvar, eps, dz, N, Z, dmu, dlogvar));
    }
    return a.env().Undefined();
}

// gradClipNorm(grads: Float32Array[], maxNorm): number — the global norm before clipping; when
// it exceeds maxNorm every element is scaled by maxNorm / (norm + 1e-6). A non-finite norm is
// returned as it is (Infinity or NaN) with the gradients untouched: the caller skips the step.
Napi::Value grad_clip_norm(const Napi::CallbackInfo & info) {
    const call_args a{info, "gradClipNorm"};
    double          max_norm = 0.0;
    if (!a.count(2, "grads, maxNorm") || !a.number(1, "maxNorm", true, &max_norm)) {
        return a.env().Undefined();
    }
    if (max_norm <= 0.0) {
        throw_invalid(a.env(), "gradClipNorm: maxNorm must be positive, got " +
                                   info[1].ToString().Utf8Value());
        return a.env().Undefined();
    }
    if (!info[0].IsArray()) {
        throw_invalid(a.env(), "gradClipNorm: grads must be an array of Float32Arrays, got " +
                                   kind_of(info[0]));
        return a.env().Undefined();
    }
    const Napi::Array    list = info[0].As<Napi::Array>();
    std::vector<float *> grads(list.Length());
    std::vector<size_t>  counts(list.Length());
    for (uint32_t k = 0; k < list.Length(); k++) {
        const Napi::Value item = list.Get(k);
        if (a.env().IsExceptionPending())
            return a.env().Undefined();
        if (!item.IsTypedArray() ||
            item.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
            throw_invalid(a.env(), "gradClipNorm: grads[" + std::to_string(k) +
                                       "] must be a Float32Array, got " + kind_of(item));
            return a.env().Undefined();
        }
        Napi::Float32Array g = item.As<Napi::Float32Array>();
        grads[k]             = g.Data();
        counts[k]            = g.ElementLength();
        // The same memory twice would be counted twice and scaled twice.
        for (uint32_t j = 0; j < k; j++) {
            const uintptr_t a0 = uintptr_t(grads[j]), a1 = a0 + counts[j] * sizeof(float);
            const uintptr_t b0 = uintptr_t(grads[k]), b1 = b0 + counts[k] * sizeof(float);
            if (counts[j] > 0 && counts[k] > 0 && a0 < b1 && b0 < a1) {
                throw_invalid(a.env(), "gradClipNorm: grads[" + std::to_string(k) +
                                           "] overlaps grads[" + std::to_string(j) + "]");
                return a.env().Undefined();
            }
        }
    }
    float           norm   = 0.0f;
    const nn_status status = grad_clip_norm_cpu(grads.data(), counts.data(), grads.size(),
                                                static_cast<float>(max_norm), &norm);
    if (status != NN_STATUS_OK && std::isfinite(norm)) {
        a.ok(status);
        return a.env().Undefined();
    }
    return Napi::Number::New(a.env(), static_cast<double>(norm));
}

// adamStep(params, grads, m, v, step, lr, beta1, beta2, eps): undefined — one Adam step
// (nn/adam.h, torch's order) over four flat buffers of one length; params, m and v updated
Napi::Value adam_step(const Napi::CallbackInfo & info) {
    const call_args a{info, "adamStep"};
    if (!a.count(9, "params, grads, m, v, step, lr, beta1, beta2, eps")) {
        return a.env().Undefined();
    }
    const Napi::Value first = info[0];
    if (!first.IsTypedArray() ||
        first.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array ||
        first.As<Napi::TypedArray>().ElementLength() == 0) {
        throw_invalid(a.env(), "adamStep: params must be a non-empty Float32Array, got " +
                                   (kind_of(first) == "a Float32Array" ? std::string("an empty one")
                                                                       : kind_of(first)));
        return a.env().Undefined();
    }
    const size_t      n     = first.As<Napi::TypedArray>().ElementLength();
    const std::string shape = "(P) = (" + std::to_string(n) + ")";
    float *           p, *g, *m, *v;
    uint64_t          step = 0;
    double            lr = 0.0, beta1 = 0.0, beta2 = 0.0, eps = 0.0;
    if (!a.floats(0, "params", n, shape, &p) || !a.floats(1, "grads", n, shape, &g) ||
        !a.floats(2, "m", n, shape, &m) || !a.floats(3, "v", n, shape, &v) ||
        !read_integer(a.env(), info[4], "adamStep: step", 1.0, MAX_SAFE_INTEGER, &step) ||
        !a.number(5, "lr", false, &lr) || !a.number(6, "beta1", false, &beta1) ||
        !a.number(7, "beta2", false, &beta2) || !a.number(8, "eps", false, &eps)) {
        return a.env().Undefined();
    }
    nn_tensor_view pv = nn_view_3d(p, 1, 1, n), gv = nn_view_3d(g, 1, 1, n);
    nn_tensor_view mv = nn_view_3d(m, 1, 1, n), vv = nn_view_3d(v, 1, 1, n);
    a.ok(adam_step_cpu(&pv, &gv, &mv, &vv, static_cast<size_t>(step), lr, beta1, beta2, eps));
    return a.env().Undefined();
}

} // namespace eureka_addon
