// activations.cpp: CPU reference for LeakyReLU and the gated unit (see nn/activations.h).
// Plain loops in cpu/activations-impl.h (LeakyReLU's in explicit vectors here, same results).
// Every output element depends on its own inputs only, so nn_parallel_for splits the flat
// element range across threads with bitwise-identical results (flat, not by (b, c) rows: the
// model calls these on one (1, 1, C*T) row).
// Arguments are checked before anything is written.

#include "nn/activations.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common.h"
#include "cpu/activations-impl.h"
#include "cpu/parallel.h"

namespace {

/** Tensors below this many elements run on the caller's thread (a hand-off costs about as much
 * as a few thousand elements). */
constexpr size_t PARALLEL_MIN_ELEMENTS = 1 << 14;
/** Elements per parallel item: whole cache lines, enough work to pay for a hand-off. */
constexpr size_t BLOCK_ELEMENTS = 1 << 12;

// Runs body(offset, count) over the flat elements of the contiguous (B, C, T) view v, in blocks
// of BLOCK_ELEMENTS.
template <typename Body>
void for_each_block(const nn_tensor_view * v, const Body & body) {
    const size_t n      = v->shape[0] * v->shape[1] * v->shape[2];
    const size_t blocks = (n + BLOCK_ELEMENTS - 1) / BLOCK_ELEMENTS;
    const size_t grain  = n >= PARALLEL_MIN_ELEMENTS ? 1 : blocks;
    nn_parallel_for(blocks, grain, [&](size_t begin, size_t end) {
        const size_t offset = begin * BLOCK_ELEMENTS;
        body(offset, std::min(n, end * BLOCK_ELEMENTS) - offset);
    });
}

// LeakyReLU's two loops in explicit vectors (same products and selects as activations-impl.h,
// so the same bits): written as plain loops, the compiler keeps a branch per element (it may
// not turn a floating-point compare into a select under the default trapping-math rules), and
// on random signs that branch mispredicts half the time.
#if defined(__GNUC__)
typedef float    leaky_vec __attribute__((vector_size(16))); // SSE2, the baseline
constexpr size_t LEAKY_LANES = sizeof(leaky_vec) / sizeof(float);

void leaky_forward_span(const float * x, float * y, size_t n, float slope) {
    size_t i = 0;
    for (; i + LEAKY_LANES <= n; i += LEAKY_LANES) {
        leaky_vec v;
        std::memcpy(&v, x + i, sizeof(v));
        const leaky_vec out = v > 0.0f ? v : slope * v;
        std::memcpy(y + i, &out, sizeof(out));
    }
    leaky_relu_forward_span(x + i, y + i, n - i, slope);
}

void leaky_backward_span(const float * dy, const float * x, float * dx, size_t n, float slope) {
    size_t i = 0;
    for (; i + LEAKY_LANES <= n; i += LEAKY_LANES) {
        leaky_vec g, v;
        std::memcpy(&g, dy + i, sizeof(g));
        std::memcpy(&v, x + i, sizeof(v));
        const leaky_vec out = v > 0.0f ? g : slope * g;
        std::memcpy(dx + i, &out, sizeof(out));
    }
    leaky_relu_backward_span(dy + i, x + i, dx + i, n - i, slope);
}
#else
void leaky_forward_span(const float * x, float * y, size_t n, float slope) {
    leaky_relu_forward_span(x, y, n, slope);
}
void leaky_backward_span(const float * dy, const float * x, float * dx, size_t n, float slope) {
    leaky_relu_backward_span(dy, x, dx, n, slope);
}
#endif

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
    for_each_block(x, [&](size_t offset, size_t count) {
        leaky_forward_span(x->data + offset, y->data + offset, count, slope);
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
    for_each_block(x, [&](size_t offset, size_t count) {
        leaky_backward_span(dy->data + offset, x->data + offset, dx->data + offset, count, slope);
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
    for_each_block(a, [&](size_t offset, size_t count) {
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
    for_each_block(a, [&](size_t offset, size_t count) {
        gated_unit_backward_span(dout->data + offset, a->data + offset, b->data + offset,
                                 da->data + offset, db->data + offset, count);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}
