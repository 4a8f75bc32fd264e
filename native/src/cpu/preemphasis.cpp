// preemphasis.cpp: CPU reference for the pre-emphasis filter (see nn/preemphasis.h).
// Plain loops, no intrinsics, no fast-math: this is the oracle the CUDA kernel is checked against.
//   forward:  y[t]  = x[t]  - a * x[t-1],   y[0] = x[0]
//   backward: dx[t] = dy[t] - a * dy[t+1],  dx[T-1] = dy[T-1]   (activation gradient: written, =)
// Each (b, c) row is independent; rows are contiguous runs of T samples. The row loops live in
// preemphasis-rows.h so the tests can run them in double.

#include "nn/preemphasis.h"

#include "common.h"
#include "cpu/preemphasis-rows.h"

// ----------------------------------------------------------------------------
// entry points

nn_status preemphasis_forward_cpu(const nn_tensor_view * x, nn_tensor_view * y, float a) {
    NN_TRY(nn_check_same_3d("preemphasis_forward_cpu", "x", x, "y", y));
    const size_t rows = x->shape[0] * x->shape[1]; // B * C
    const size_t T    = x->shape[2];
    for (size_t row = 0; row < rows; row++) {
        preemphasis_forward_row(x->data + row * T, y->data + row * T, T, a);
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status preemphasis_backward_cpu(const nn_tensor_view * dy, nn_tensor_view * dx, float a) {
    NN_TRY(nn_check_same_3d("preemphasis_backward_cpu", "dy", dy, "dx", dx));
    const size_t rows = dy->shape[0] * dy->shape[1]; // B * C
    const size_t T    = dy->shape[2];
    for (size_t row = 0; row < rows; row++) {
        preemphasis_backward_row(dy->data + row * T, dx->data + row * T, T, a);
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
