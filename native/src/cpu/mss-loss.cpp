// mss-loss.cpp: the MSS loss entry points of nn/mss-loss.h over the loops of
// cpu/mss-loss-impl.h (docs/caw-spec.md §3 "MSS loss"). A plan wraps mss_plan_impl<float>: FFT
// tables, windows and one scratch buffer per role, sized once for the signal length T.
// Frames run in parallel (nn_parallel_for); every sum over frames or configurations is taken in
// a fixed order, so the loss and dy are bitwise the same for any thread count.

#include "nn/mss-loss.h"

#include <algorithm>
#include <new>

#include "common.h"
#include "cpu/mss-loss-impl.h"

struct nn_mss_plan {
    mss_plan_impl<float> impl;
};

namespace {

// Checks a call's plan and signal views; dy is optional (null for the forward).
nn_status check_call(const char * op, const nn_mss_plan * plan, const nn_tensor_view * x,
                     const nn_tensor_view * y, const nn_tensor_view * dy) {
    if (plan == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: plan is null", op);
    }
    const nn_tensor_view * views[3] = {x, y, dy};
    const char *           names[3] = {"x", "y", "dy"};
    for (int i = 0; i < (dy == nullptr ? 2 : 3); i++) {
        size_t          T      = 0;
        NN_TRY(stft_check_signal(op, names[i], views[i], &T));
        if (T != plan->impl.T) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: %s has %zu samples but the plan was made for T = %zu", op, names[i],
                           T, plan->impl.T);
        }
    }
    if (dy != nullptr && (nn_views_overlap(dy, x) || nn_views_overlap(dy, y))) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dy overlaps %s", op,
                       nn_views_overlap(dy, x) ? "x" : "y");
    }
    return NN_STATUS_OK;
}

} // namespace

// ----------------------------------------------------------------------------
// plan

size_t nn_mss_min_length(const nn_mss_config * configs, size_t n_configs) {
    size_t half = 0;
    for (size_t c = 0; configs != nullptr && c < n_configs; c++) {
        half = std::max(half, configs[c].n_fft / 2);
    }
    return half + 1;
}

nn_status nn_mss_plan_init(nn_mss_plan ** plan, const nn_mss_config * configs, size_t n_configs,
                           size_t T) {
    const char * op = "nn_mss_plan_init";
    if (plan == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: plan is null", op);
    }
    *plan                  = nullptr;
    NN_TRY(mss_check_configs(op, configs, n_configs, T));
    nn_mss_plan * made = new (std::nothrow) nn_mss_plan();
    if (made == nullptr) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of memory (T = %zu)", op, T);
    }
    try {
        mss_plan_build(made->impl, configs, n_configs, T);
    } catch (const std::bad_alloc &) {
        delete made;
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of memory (T = %zu)", op, T);
    }
    *plan = made;
    nn_clear_error();
    return NN_STATUS_OK;
}

void nn_mss_plan_free(nn_mss_plan * plan) {
    delete plan;
}

// ----------------------------------------------------------------------------
// loss

nn_status mss_loss_forward_cpu(nn_mss_plan * plan, const nn_tensor_view * x,
                               const nn_tensor_view * y, double * loss) {
    const char *    op     = "mss_loss_forward_cpu";
    NN_TRY(check_call(op, plan, x, y, nullptr));
    if (loss == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: loss is null", op);
    }
    *loss = mss_forward(plan->impl, x->data, y->data);
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status mss_loss_backward_cpu(nn_mss_plan * plan, const nn_tensor_view * x,
                                const nn_tensor_view * y, nn_tensor_view * dy, double * loss) {
    const char * op = "mss_loss_backward_cpu";
    if (dy == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dy is null", op);
    }
    NN_TRY(check_call(op, plan, x, y, dy));
    const double value = mss_backward(plan->impl, x->data, y->data, dy->data);
    if (loss != nullptr) {
        *loss = value;
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
