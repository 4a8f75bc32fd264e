// losses.cpp: CPU reference for the MSE, critic-mean and gradient-penalty losses (see
// nn/losses.h; docs/caw-spec.md §3). Plain loops in cpu/losses-impl.h; reductions are one serial
// double sum in index order, so results are bitwise reproducible. These are O(N) next to the
// O(N*C^2*K) convolutions, so nothing here is threaded. Arguments are checked before writing.

#include "nn/losses.h"

#include <cmath>

#include "common.h"
#include "cpu/losses-impl.h"

namespace {

// v must be a non-null, non-empty, contiguous (B, C, T) view with data.
nn_status check_3d(const char * op, const char * name, const nn_tensor_view * v) {
    if (v == nullptr || v->data == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op, name);
    }
    if (v->ndim != 3 || v->shape[0] == 0 || v->shape[1] == 0 || v->shape[2] == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: %s must be a non-empty (B, C, T) view (ndim %d)", op, name, v->ndim);
    }
    if (!nn_view_is_contiguous(v)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is not contiguous", op, name);
    }
    return NN_STATUS_OK;
}

nn_status check_scalar_out(const char * op, const char * name, const float * out) {
    if (out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op, name);
    }
    return NN_STATUS_OK;
}

nn_status check_finite(const char * op, const char * name, float value) {
    if (!std::isfinite(value)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s must be finite, got %g", op, name,
                       static_cast<double>(value));
    }
    return NN_STATUS_OK;
}

} // namespace

// ----------------------------------------------------------------------------
// MSE

nn_status mse_forward_cpu(const nn_tensor_view * x, const nn_tensor_view * y, float * loss) {
    const char * op     = "mse_forward_cpu";
    nn_status    status = check_3d(op, "x", x);
    if (status == NN_STATUS_OK) {
        status = check_3d(op, "y", y);
    }
    if (status == NN_STATUS_OK &&
        (x->shape[0] != y->shape[0] || x->shape[1] != y->shape[1] || x->shape[2] != y->shape[2])) {
        status = nn_fail(NN_STATUS_INVALID_ARGUMENT,
                         "%s: x is (%zu, %zu, %zu) but y is (%zu, %zu, %zu)", op, x->shape[0],
                         x->shape[1], x->shape[2], y->shape[0], y->shape[1], y->shape[2]);
    }
    if (status == NN_STATUS_OK) {
        status = check_scalar_out(op, "loss", loss);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    const size_t n = nn_view_numel(x);
    *loss = static_cast<float>(mse_sum_squares(x->data, y->data, n) / static_cast<double>(n));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status mse_backward_cpu(const nn_tensor_view * x, const nn_tensor_view * y, float dloss,
                           nn_tensor_view * dx, nn_tensor_view * dy) {
    const char * op     = "mse_backward_cpu";
    nn_status    status = nn_check_same_3d(op, "x", x, "dx", dx);
    if (status == NN_STATUS_OK) {
        status = nn_check_same_3d(op, "y", y, "dx", dx);
    }
    if (status == NN_STATUS_OK && dy != nullptr) {
        status = nn_check_same_3d(op, "x", x, "dy", dy);
        if (status == NN_STATUS_OK) {
            status = nn_check_same_3d(op, "y", y, "dy", dy);
        }
        if (status == NN_STATUS_OK) {
            status = nn_check_same_3d(op, "dx", dx, "dy", dy);
        }
    }
    if (status == NN_STATUS_OK) {
        status = check_finite(op, "dloss", dloss);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    const size_t n     = nn_view_numel(x);
    const double scale = static_cast<double>(dloss) * 2.0 / static_cast<double>(n);
    mse_backward_values(x->data, y->data, dx->data, dy != nullptr ? dy->data : nullptr, n, scale);
    nn_clear_error();
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// critic mean

nn_status critic_mean_forward_cpu(const nn_tensor_view * d, float * out) {
    const char * op     = "critic_mean_forward_cpu";
    nn_status    status = check_3d(op, "d", d);
    if (status == NN_STATUS_OK) {
        status = check_scalar_out(op, "out", out);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    const size_t n = nn_view_numel(d);
    *out           = static_cast<float>(loss_sum(d->data, n) / static_cast<double>(n));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status critic_mean_backward_cpu(float dout, nn_tensor_view * dd) {
    const char * op     = "critic_mean_backward_cpu";
    nn_status    status = check_3d(op, "dd", dd);
    if (status == NN_STATUS_OK) {
        status = check_finite(op, "dout", dout);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    const size_t n     = nn_view_numel(dd);
    const float  value = static_cast<float>(static_cast<double>(dout) / static_cast<double>(n));
    for (size_t i = 0; i < n; i++) {
        dd->data[i] = value;
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// gradient penalty

nn_status gradient_penalty_forward_cpu(const nn_tensor_view * g, float lambda, float * gp) {
    const char * op     = "gradient_penalty_forward_cpu";
    nn_status    status = check_3d(op, "g", g);
    if (status == NN_STATUS_OK) {
        status = check_finite(op, "lambda", lambda);
    }
    if (status == NN_STATUS_OK) {
        status = check_scalar_out(op, "gp", gp);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    *gp = static_cast<float>(gradient_penalty_value(g->data, g->shape[0], g->shape[1], g->shape[2],
                                                    static_cast<double>(lambda)));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status gradient_penalty_backward_cpu(const nn_tensor_view * g, float lambda, float dgp,
                                        nn_tensor_view * dg) {
    const char * op     = "gradient_penalty_backward_cpu";
    nn_status    status = nn_check_same_3d(op, "g", g, "dg", dg);
    if (status == NN_STATUS_OK) {
        status = check_finite(op, "lambda", lambda);
    }
    if (status == NN_STATUS_OK) {
        status = check_finite(op, "dgp", dgp);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    const size_t B = g->shape[0], C = g->shape[1], T = g->shape[2];
    const double scale =
        static_cast<double>(dgp) * static_cast<double>(lambda) * 2.0 / static_cast<double>(B * T);
    gradient_penalty_backward_values(g->data, dg->data, B, C, T, scale);
    nn_clear_error();
    return NN_STATUS_OK;
}
