// batchnorm.cpp: CPU reference for BatchNorm1d over (B, C, T) (see nn/batchnorm.h), training and
// eval modes plus the training-mode JVP pair the gradient penalty needs (docs/caw-spec.md §1,
// §3.5). Plain loops in cpu/batchnorm-impl.h, one channel at a time; channels are independent
// items, so nn_parallel_for splits over them and the result is bitwise the same for any thread
// count (and, without FMA contraction, for the AVX2 copy of the loops on x86-64). Every argument
// is checked before anything is written: a failed call leaves all outputs (and the running
// statistics) untouched.

#include "nn/batchnorm.h"

#include <cmath>

#include "common.h"
#include "cpu/batchnorm-impl.h"
#include "cpu/parallel.h"

namespace {

#if defined(__GNUC__)
#define NN_BN_FLATTEN __attribute__((flatten))
#if defined(__x86_64__)
#define NN_BN_X86_DISPATCH 1
#endif
#else
#define NN_BN_FLATTEN
#endif

/** Samples per parallel item, at least (whole channels): enough work to pay for a hand-off. A
 * small model's channel holds a few thousand samples, so items group channels; a tensor below
 * this size runs on the caller's thread. */
constexpr size_t PARALLEL_MIN_SAMPLES = 1 << 14;

/** An argument: its name, whether it is a per-channel (C) vector rather than a (B, C, T)
 * tensor, and whether the function writes it (outputs must overlap nothing). */
struct bn_arg {
    const char *           name;
    const nn_tensor_view * view;
    bool                   vec;
    bool                   output;
};

// args[0] is the reference (B, C, T) tensor. Every other tensor argument must have its shape,
// every vector argument must be 1-D (C); all contiguous with data; outputs overlap nothing. Null
// views are errors unless their bit is set in optional_mask (then skipped).
nn_status check_args(const char * op, const bn_arg * args, size_t count, size_t optional_mask) {
    for (size_t i = 0; i < count; i++) {
        const nn_tensor_view * v = args[i].view;
        if (v == nullptr) {
            if ((optional_mask >> i) & 1u) {
                continue;
            }
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op, args[i].name);
        }
        if (v->data == nullptr) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s has no data", op, args[i].name);
        }
    }
    const nn_tensor_view * ref = args[0].view;
    if (ref->ndim != 3 || ref->shape[0] == 0 || ref->shape[1] == 0 || ref->shape[2] == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: %s must be a non-empty (B, C, T) view (ndim %d)", op, args[0].name,
                       ref->ndim);
    }
    const size_t B = ref->shape[0], C = ref->shape[1], T = ref->shape[2];
    for (size_t i = 0; i < count; i++) {
        const nn_tensor_view * v = args[i].view;
        if (v == nullptr) {
            continue;
        }
        if (args[i].vec && (v->ndim != 1 || v->shape[0] != C)) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: %s must be a 1-D (C) = (%zu) view, got ndim %d, shape[0] %zu", op,
                           args[i].name, C, v->ndim, v->shape[0]);
        }
        if (!args[i].vec &&
            (v->ndim != 3 || v->shape[0] != B || v->shape[1] != C || v->shape[2] != T)) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: %s must be (%zu, %zu, %zu) like %s, got ndim %d, (%zu, %zu, %zu)",
                           op, args[i].name, B, C, T, args[0].name, v->ndim, v->shape[0],
                           v->shape[1], v->shape[2]);
        }
        if (!nn_view_is_contiguous(v)) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is not contiguous", op,
                           args[i].name);
        }
    }
    for (size_t i = 0; i < count; i++) {
        for (size_t j = 0; j < count; j++) {
            if (i == j || !args[i].output || args[j].view == nullptr || args[i].view == nullptr) {
                continue;
            }
            if (nn_views_overlap(args[i].view, args[j].view)) {
                return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s and %s overlap", op,
                               args[i].name, args[j].name);
            }
        }
    }
    return NN_STATUS_OK;
}

// Args must have been checked: x is (B, C, T) with N = B*T >= 2.
nn_status check_train_n(const char * op, const nn_tensor_view * x) {
    if (x->shape[0] * x->shape[2] < 2) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: training-mode batch statistics need more than 1 value per channel "
                       "(x is (%zu, %zu, %zu))",
                       op, x->shape[0], x->shape[1], x->shape[2]);
    }
    return NN_STATUS_OK;
}

nn_status check_eps(const char * op, float eps) {
    if (!std::isfinite(eps) || !(eps > 0.0f)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: eps must be finite and > 0, got %g", op,
                       static_cast<double>(eps));
    }
    return NN_STATUS_OK;
}

batchnorm_channel channel_of(const nn_tensor_view * x, size_t c) {
    return batchnorm_channel{x->shape[0], x->shape[1], x->shape[2], c};
}

// body(c) for channels [begin, end), with every call inside compiled into this function. The
// per-channel loops are double arithmetic; compiled a second time for AVX2 they run 4 doubles a
// vector instead of SSE2's 2. No FMA (AVX2 alone does not contract a*b + c), so both copies give
// the same bits.
template <typename Body>
NN_BN_FLATTEN void channels_baseline(const Body & body, size_t begin, size_t end) {
    for (size_t c = begin; c < end; c++) {
        body(c);
    }
}

#if defined(NN_BN_X86_DISPATCH)
template <typename Body>
__attribute__((target("avx2"), flatten)) void channels_avx2(const Body & body, size_t begin,
                                                            size_t end) {
    for (size_t c = begin; c < end; c++) {
        body(c);
    }
}
#endif

// Runs body(c) for every channel of x, in parallel when the tensor is big enough.
template <typename Body>
void for_each_channel(const nn_tensor_view * x, const Body & body) {
    const size_t n     = x->shape[0] * x->shape[2];
    const size_t grain = (PARALLEL_MIN_SAMPLES + n - 1) / n;
#if defined(NN_BN_X86_DISPATCH)
    static const bool avx2 = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }();
    if (avx2) {
        nn_parallel_for(x->shape[1], grain,
                        [&](size_t begin, size_t end) { channels_avx2(body, begin, end); });
        return;
    }
#endif
    nn_parallel_for(x->shape[1], grain,
                    [&](size_t begin, size_t end) { channels_baseline(body, begin, end); });
}

} // namespace

// ----------------------------------------------------------------------------
// training mode

nn_status batchnorm_train_forward_cpu(const nn_tensor_view * x, const nn_tensor_view * gamma,
                                      const nn_tensor_view * beta, nn_tensor_view * running_mean,
                                      nn_tensor_view * running_var, nn_tensor_view * save_mean,
                                      nn_tensor_view * save_invstd, nn_tensor_view * y,
                                      float momentum, float eps) {
    const char * op     = "batchnorm_train_forward_cpu";
    const bn_arg args[] = {{"x", x, false, false},
                           {"gamma", gamma, true, false},
                           {"beta", beta, true, false},
                           {"running_mean", running_mean, true, true},
                           {"running_var", running_var, true, true},
                           {"save_mean", save_mean, true, true},
                           {"save_invstd", save_invstd, true, true},
                           {"y", y, false, true}};
    nn_status    status = check_args(op, args, 8, (1u << 3) | (1u << 4));
    if (status == NN_STATUS_OK && (running_mean == nullptr) != (running_var == nullptr)) {
        status = nn_fail(NN_STATUS_INVALID_ARGUMENT,
                         "%s: running_mean and running_var must both be given or both be null", op);
    }
    if (status == NN_STATUS_OK) {
        status = check_train_n(op, x);
    }
    if (status == NN_STATUS_OK) {
        status = check_eps(op, eps);
    }
    if (status == NN_STATUS_OK && !(momentum >= 0.0f && momentum <= 1.0f)) {
        status = nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: momentum must be in [0, 1], got %g", op,
                         static_cast<double>(momentum));
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    const bool update = running_mean != nullptr;
    for_each_channel(x, [&](size_t c) {
        batchnorm_train_forward_channel(
            x->data, y->data, channel_of(x, c), gamma->data[c], beta->data[c],
            static_cast<double>(eps), static_cast<double>(momentum), save_mean->data + c,
            save_invstd->data + c, update ? running_mean->data + c : nullptr,
            update ? running_var->data + c : nullptr);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status batchnorm_train_backward_cpu(const nn_tensor_view * dy, const nn_tensor_view * x,
                                       const nn_tensor_view * gamma,
                                       const nn_tensor_view * save_mean,
                                       const nn_tensor_view * save_invstd, nn_tensor_view * dx,
                                       nn_tensor_view * dgamma, nn_tensor_view * dbeta) {
    const char * op     = "batchnorm_train_backward_cpu";
    const bn_arg args[] = {{"x", x, false, false},
                           {"dy", dy, false, false},
                           {"gamma", gamma, true, false},
                           {"save_mean", save_mean, true, false},
                           {"save_invstd", save_invstd, true, false},
                           {"dx", dx, false, true},
                           {"dgamma", dgamma, true, true},
                           {"dbeta", dbeta, true, true}};
    nn_status    status = check_args(op, args, 8, 0);
    if (status == NN_STATUS_OK) {
        status = check_train_n(op, x);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    for_each_channel(x, [&](size_t c) {
        batchnorm_train_backward_channel(dy->data, x->data, dx->data, channel_of(x, c),
                                         gamma->data[c], save_mean->data[c], save_invstd->data[c],
                                         dgamma->data + c, dbeta->data + c);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// eval mode

nn_status batchnorm_eval_forward_cpu(const nn_tensor_view * x, const nn_tensor_view * gamma,
                                     const nn_tensor_view * beta,
                                     const nn_tensor_view * running_mean,
                                     const nn_tensor_view * running_var, nn_tensor_view * y,
                                     float eps) {
    const char * op     = "batchnorm_eval_forward_cpu";
    const bn_arg args[] = {{"x", x, false, false},
                           {"gamma", gamma, true, false},
                           {"beta", beta, true, false},
                           {"running_mean", running_mean, true, false},
                           {"running_var", running_var, true, false},
                           {"y", y, false, true}};
    nn_status    status = check_args(op, args, 6, 0);
    if (status == NN_STATUS_OK) {
        status = check_eps(op, eps);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    for_each_channel(x, [&](size_t c) {
        batchnorm_eval_forward_channel(x->data, y->data, channel_of(x, c), gamma->data[c],
                                       beta->data[c], running_mean->data[c], running_var->data[c],
                                       static_cast<double>(eps));
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status batchnorm_eval_backward_cpu(const nn_tensor_view * dy, const nn_tensor_view * x,
                                      const nn_tensor_view * gamma,
                                      const nn_tensor_view * running_mean,
                                      const nn_tensor_view * running_var, nn_tensor_view * dx,
                                      nn_tensor_view * dgamma, nn_tensor_view * dbeta, float eps) {
    const char * op     = "batchnorm_eval_backward_cpu";
    const bn_arg args[] = {{"x", x, false, false},
                           {"dy", dy, false, false},
                           {"gamma", gamma, true, false},
                           {"running_mean", running_mean, true, false},
                           {"running_var", running_var, true, false},
                           {"dx", dx, false, true},
                           {"dgamma", dgamma, true, true},
                           {"dbeta", dbeta, true, true}};
    nn_status    status = check_args(op, args, 8, 0);
    if (status == NN_STATUS_OK) {
        status = check_eps(op, eps);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    for_each_channel(x, [&](size_t c) {
        batchnorm_eval_backward_channel(
            dy->data, x->data, dx->data, channel_of(x, c), gamma->data[c], running_mean->data[c],
            running_var->data[c], static_cast<double>(eps), dgamma->data + c, dbeta->data + c);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// training mode JVP and its reverse

nn_status batchnorm_train_jvp_cpu(const nn_tensor_view * x, const nn_tensor_view * x_dot,
                                  const nn_tensor_view * gamma, const nn_tensor_view * save_mean,
                                  const nn_tensor_view * save_invstd, nn_tensor_view * y_dot) {
    const char * op     = "batchnorm_train_jvp_cpu";
    const bn_arg args[] = {{"x", x, false, false},
                           {"x_dot", x_dot, false, false},
                           {"gamma", gamma, true, false},
                           {"save_mean", save_mean, true, false},
                           {"save_invstd", save_invstd, true, false},
                           {"y_dot", y_dot, false, true}};
    nn_status    status = check_args(op, args, 6, 0);
    if (status == NN_STATUS_OK) {
        status = check_train_n(op, x);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    for_each_channel(x, [&](size_t c) {
        batchnorm_train_jvp_channel(x->data, x_dot->data, y_dot->data, channel_of(x, c),
                                    gamma->data[c], save_mean->data[c], save_invstd->data[c]);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status batchnorm_train_jvp_backward_cpu(const nn_tensor_view * r, const nn_tensor_view * x,
                                           const nn_tensor_view * x_dot,
                                           const nn_tensor_view * gamma,
                                           const nn_tensor_view * save_mean,
                                           const nn_tensor_view * save_invstd, nn_tensor_view * dx,
                                           nn_tensor_view * dx_dot, nn_tensor_view * dgamma) {
    const char * op     = "batchnorm_train_jvp_backward_cpu";
    const bn_arg args[] = {{"x", x, false, false},
                           {"r", r, false, false},
                           {"x_dot", x_dot, false, false},
                           {"gamma", gamma, true, false},
                           {"save_mean", save_mean, true, false},
                           {"save_invstd", save_invstd, true, false},
                           {"dx", dx, false, true},
                           {"dx_dot", dx_dot, false, true},
                           {"dgamma", dgamma, true, true}};
    nn_status    status = check_args(op, args, 9, 0);
    if (status == NN_STATUS_OK) {
        status = check_train_n(op, x);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    for_each_channel(x, [&](size_t c) {
        batchnorm_train_jvp_backward_channel(r->data, x->data, x_dot->data, dx->data, dx_dot->data,
                                             channel_of(x, c), gamma->data[c], save_mean->data[c],
                                             save_invstd->data[c], dgamma->data + c);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}
