// dense.cpp: the dense layer's and the embedding's float entry points (nn/dense.h): argument
// checks, then dense-impl.h's loops with the matmuls on conv1d's kernels (matmul_cpu).

#include "nn/dense.h"

#include "common.h"
#include "cpu/dense-impl.h"
#include "cpu/matmul.h"
#include "cpu/spans.h"

namespace {

// Dimensions at most 2^28 and every buffer under 2^46 elements: sizes never overflow size_t.
constexpr size_t SEQ_MAX_DIM = size_t(1) << 28;

nn_status check_dims(const char * op, const char * a, size_t va, const char * b, size_t vb,
                     const char * c, size_t vc) {
    if (va == 0 || vb == 0 || vc == 0 || va > SEQ_MAX_DIM || vb > SEQ_MAX_DIM || vc > SEQ_MAX_DIM ||
        double(va) * double(vb) * double(vc) >= 70368744177664.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: %s %zu, %s %zu, %s %zu: each must be 1..2^28, their product under 2^46",
                       op, a, va, b, vb, c, vc);
    }
    return NN_STATUS_OK;
}

// The first id outside [0, V), as a status.
nn_status check_ids(const char * op, const int32_t * ids, size_t N, size_t V) {
    for (size_t n = 0; n < N; n++) {
        if (ids[n] < 0 || size_t(ids[n]) >= V) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: ids[%zu] = %d is outside [0, %zu)", op,
                           n, int(ids[n]), V);
        }
    }
    return NN_STATUS_OK;
}

} // namespace

nn_status dense_forward_cpu(const float * x, const float * W, const float * b, float * y, size_t N,
                            size_t I, size_t O) {
    const char * op = "dense_forward_cpu";
    NN_TRY(check_dims(op, "N", N, "I", I, "O", O));
    const host_span in[]  = {{"x", x, N * I}, {"W", W, O * I}, {"b", b, O}};
    const host_span out[] = {{"y", y, N * O}};
    const host_span required[] = {in[0], in[1], out[0]};
    NN_TRY(check_required_spans(op, required, 3));
    NN_TRY(check_output_spans(op, in, 3, out, 1));
    return guard_alloc(op, [&] {
        nn_status status = NN_STATUS_OK;
        dense_forward_impl<float>(x, W, b, y, N, I, O, matmul_cpu_fn{&status});
        if (status == NN_STATUS_OK) nn_clear_error();
        return status;
    });
}

nn_status dense_backward_cpu(const float * x, const float * W, const float * dy, float * dx,
                             float * dW, float * db, size_t N, size_t I, size_t O) {
    const char * op = "dense_backward_cpu";
    NN_TRY(check_dims(op, "N", N, "I", I, "O", O));
    const host_span in[]  = {{"x", x, N * I}, {"W", W, O * I}, {"dy", dy, N * O}};
    const host_span out[] = {{"dx", dx, N * I}, {"dW", dW, O * I}, {"db", db, O}};
    const host_span required[] = {in[0], in[1], in[2], out[1]};
    NN_TRY(check_required_spans(op, required, 4));
    NN_TRY(check_output_spans(op, in, 3, out, 3));
    return guard_alloc(op, [&] {
        nn_status status = NN_STATUS_OK;
        dense_backward_impl<float>(x, W, dy, dx, dW, db, N, I, O, matmul_cpu_fn{&status});
        if (status == NN_STATUS_OK) nn_clear_error();
        return status;
    });
}

nn_status embedding_forward_cpu(const float * table, const int32_t * ids, float * y, size_t N,
                                size_t V, size_t E) {
    const char * op = "embedding_forward_cpu";
    NN_TRY(check_dims(op, "N", N, "V", V, "E", E));
    const host_span in[]  = {{"table", table, V * E}, {"ids", ids, N, sizeof(int32_t)}};
    const host_span out[] = {{"y", y, N * E}};
    const host_span required[] = {in[0], in[1], out[0]};
    NN_TRY(check_required_spans(op, required, 3));
    NN_TRY(check_output_spans(op, in, 2, out, 1));
    NN_TRY(check_ids(op, ids, N, V));
    embedding_forward_impl<float>(table, ids, y, N, E);
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status embedding_backward_cpu(const int32_t * ids, const float * dy, float * dtable, size_t N,
                                 size_t V, size_t E) {
    const char * op = "embedding_backward_cpu";
    NN_TRY(check_dims(op, "N", N, "V", V, "E", E));
    const host_span in[]  = {{"ids", ids, N, sizeof(int32_t)}, {"dy", dy, N * E}};
    const host_span out[] = {{"dtable", dtable, V * E}};
    const host_span required[] = {in[0], in[1], out[0]};
    NN_TRY(check_required_spans(op, required, 3));
    NN_TRY(check_output_spans(op, in, 2, out, 1));
    NN_TRY(check_ids(op, ids, N, V));
    embedding_backward_impl<float>(ids, dy, dtable, N, E);
    nn_clear_error();
    return NN_STATUS_OK;
}
