// activations.cpp: CPU reference for LeakyReLU and the gated unit (see nn/activations.h).
// Plain loops in cpu/activations-impl.h. Every output element depends on its own inputs only, so
// nn_parallel_for splits the (b, c) rows across threads with bitwise-identical results.
// Arguments are checked before anything is written.

#include "nn/activations.h"

#include <cmath>

#include "common.h"
#include "cpu/activations-impl.h"
#include "cpu/parallel.h"

namespace {

/** Tensors below this many elements run on the caller's thread. */
constexpr size_t PARALLEL_MIN_ELEMENTS = 1 << 16;

// Runs body(offset, count) over whole (b, c) rows of the (B, C, T) view v.
template <typename Body>
void for_each_rows(const nn_tensor_view * v, const Body & body) {
    const size_t rows  = v->shape[0] * v->shape[1];
    const size_t T     = v->shape[2];
    const size_t grain = rows * T >= PARALLEL_MIN_ELEMENTS ? 1 : rows;
    nn_parallel_for(rows, grain,
                    [&](size_t begin, size_t end) { body(begin * T, (end - begin) * T); });
}

nn_status check_slope(const char * op, float slope) {
    if (!std::isfinite(slope)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: slope must be finite, got %g", op,
                       static_cast<double>(slope));
    }
    return NN_STATUS_OK;
}

} // namespace

// ----------------------------------------------------------------------------
// leaky ReLU

nn_status leaky_relu_forward_cpu(const nn_tensor_view * x, nn_tensor_view * y, float slope) {
    const char * op     = "leaky_relu_forward_cpu";
    nn_status    status = nn_check_same_3d(op, "x", x, "y", y);
    if (status == NN_STATUS_OK) {
        status = check_slope(op, slope);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    for_each_rows(x, [&](size_t offset, size_t count) {
        leaky_relu_forward_span(x->data + offset, y->data + offset, count, slope);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status leaky_relu_backward_cpu(const nn_tensor_view * dy, const nn_tensor_view * x,
                                  nn_tensor_view * dx, float slope) {
    const char * op     = "leaky_relu_backward_cpu";
    nn_status    status = nn_check_same_3d(op, "dy", dy, "dx", dx);
    if (status == NN_STATUS_OK) {
        status = nn_check_same_3d(op, "x", x, "dx", dx);
    }
    if (status == NN_STATUS_OK) {
        status = check_slope(op, slope);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    for_each_rows(x, [&](size_t offset, size_t count) {
        leaky_relu_backward_span(dy->data + offset, x->data + offset, dx->data + offset, count,
                                 slope);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// gated unit

nn_status gated_unit_forward_cpu(const nn_tensor_view * a, const nn_tensor_view * b,
                                 nn_tensor_view * out) {
    const char * op     = "gated_unit_forward_cpu";
    nn_status    status = nn_check_same_3d(op, "a", a, "out", out);
    if (status == NN_STATUS_OK) {
        status = nn_check_same_3d(op, "b", b, "out", out);
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    for_each_rows(a, [&](size_t offset, size_t count) {
        gated_unit_forward_span(a->data + offset, b->data + offset, out->data + offset, count);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status gated_unit_backward_cpu(const nn_tensor_view * dout, const nn_tensor_view * a,
                                  const nn_tensor_view * b, nn_tensor_view * da,
                                  nn_tensor_view * db) {
    const char *           op        = "gated_unit_backward_cpu";
    const nn_tensor_view * inputs[3] = {dout, a, b};
    const char *           names[3]  = {"dout", "a", "b"};
    nn_status              status    = nn_check_same_3d(op, "da", da, "db", db);
    for (int i = 0; i < 3 && status == NN_STATUS_OK; i++) {
        status = nn_check_same_3d(op, names[i], inputs[i], "da", da);
        if (status == NN_STATUS_OK) {
            status = nn_check_same_3d(op, names[i], inputs[i], "db", db);
        }
    }
    if (status != NN_STATUS_OK) {
        return status;
    }
    for_each_rows(a, [&](size_t offset, size_t count) {
        gated_unit_backward_span(dout->data + offset, a->data + offset, b->data + offset,
                                 da->data + offset, db->data + offset, count);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}
