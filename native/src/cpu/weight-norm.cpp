// weight-norm.cpp: entry points of the weight-norm reparameterisation (see nn/weight-norm.h).
// Argument checks here, loops in weight-norm-impl.h (shared with the double tests). The work is
// C_out * C_in * K multiply-adds (83k at C = 96, K = 9): single-threaded, negligible next to
// the convolution it feeds. A zero-norm row of v is refused before anything is written.

#include "nn/weight-norm.h"

#include "common.h"
#include "cpu/weight-norm-impl.h"

namespace {

bool same_3d(const nn_tensor_view * a, const nn_tensor_view * b) {
    return a->shape[0] == b->shape[0] && a->shape[1] == b->shape[1] && a->shape[2] == b->shape[2];
}

// v (C_out, C_in, K) and g (C_out): checked shapes and a nonzero norm in every row of v.
nn_status check_v_g(const char * op, const nn_tensor_view * v, const nn_tensor_view * g) {
    nn_status status = nn_check_view(op, "v", v, 3);
    if (status == NN_STATUS_OK) status = nn_check_view(op, "g", g, 1);
    if (status != NN_STATUS_OK) {
        return status;
    }
    if (g->shape[0] != v->shape[0]) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: g is (%zu) but v is (%zu, %zu, %zu)", op,
                       g->shape[0], v->shape[0], v->shape[1], v->shape[2]);
    }
    const size_t C_out = v->shape[0];
    const size_t zero  = weight_norm_zero_row(v->data, C_out, v->shape[1] * v->shape[2]);
    if (zero < C_out) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: row %zu of v is all zeros: its norm is 0 and g * v / ||v|| is undefined",
                       op, zero);
    }
    return NN_STATUS_OK;
}

} // namespace

// ----------------------------------------------------------------------------
// entry points

nn_status weight_norm_forward_cpu(const nn_tensor_view * v, const nn_tensor_view * g,
                                  nn_tensor_view * w) {
    const char * op     = "weight_norm_forward_cpu";
    nn_status    status = nn_check_view(op, "w", w, 3);
    if (status == NN_STATUS_OK) status = check_v_g(op, v, g);
    if (status != NN_STATUS_OK) {
        return status;
    }
    if (!same_3d(v, w)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: v is (%zu, %zu, %zu) but w is (%zu, %zu, %zu)",
                       op, v->shape[0], v->shape[1], v->shape[2], w->shape[0], w->shape[1],
                       w->shape[2]);
    }
    if (nn_views_overlap(w, v) || nn_views_overlap(w, g)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: w overlaps v or g", op);
    }
    weight_norm_forward_ref(v->data, g->data, w->data, v->shape[0], v->shape[1] * v->shape[2]);
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status weight_norm_backward_cpu(const nn_tensor_view * dw, const nn_tensor_view * v,
                                   const nn_tensor_view * g, nn_tensor_view * dv,
                                   nn_tensor_view * dg) {
    const char * op     = "weight_norm_backward_cpu";
    nn_status    status = nn_check_view(op, "dw", dw, 3);
    if (status != NN_STATUS_OK) {
        return status;
    }
    if (dv == nullptr && dg == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dv and dg are both null: nothing to compute", op);
    }
    if (dv != nullptr) status = nn_check_view(op, "dv", dv, 3);
    if (status == NN_STATUS_OK && dg != nullptr) status = nn_check_view(op, "dg", dg, 1);
    if (status == NN_STATUS_OK) status = check_v_g(op, v, g);
    if (status != NN_STATUS_OK) {
        return status;
    }
    if (!same_3d(dw, v) || (dv != nullptr && !same_3d(dv, v))) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: dw and dv must be (%zu, %zu, %zu) like v", op, v->shape[0],
                       v->shape[1], v->shape[2]);
    }
    if (dg != nullptr && dg->shape[0] != v->shape[0]) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dg is (%zu) but v has %zu rows", op,
                       dg->shape[0], v->shape[0]);
    }
    const nn_tensor_view * inputs[3] = {dw, v, g};
    for (const nn_tensor_view * in : inputs) {
        if (nn_views_overlap(dv, in) || nn_views_overlap(dg, in)) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dv or dg overlaps an input", op);
        }
    }
    if (nn_views_overlap(dv, dg)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dv and dg overlap", op);
    }
    weight_norm_backward_ref(dw->data, v->data, g->data, dv != nullptr ? dv->data : nullptr,
                             dg != nullptr ? dg->data : nullptr, v->shape[0],
                             v->shape[1] * v->shape[2]);
    nn_clear_error();
    return NN_STATUS_OK;
}
