// preemphasis-rows.h: the per-row pre-emphasis loops, templated on the scalar type so that
// nn_core runs them in float and test/native runs the very same code in double for its
// finite-difference gradient check.
// defines: preemphasis_forward_row, preemphasis_backward_row
#pragma once

#include <cstddef>

// x is (T), y is (T); T >= 1. y[0] = x[0], y[t] = x[t] - a * x[t-1].
template <typename Real>
void preemphasis_forward_row(const Real * x, Real * y, size_t T, Real a) {
    y[0] = x[0];
    for (size_t t = 1; t < T; t++) {
        y[t] = x[t] - a * x[t - 1];
    }
}

// dy is (T), dx is (T); T >= 1. dx[t] = dy[t] - a * dy[t+1], dx[T-1] = dy[T-1] (written, =).
template <typename Real>
void preemphasis_backward_row(const Real * dy, Real * dx, size_t T, Real a) {
    for (size_t t = 0; t + 1 < T; t++) {
        dx[t] = dy[t] - a * dy[t + 1];
    }
    dx[T - 1] = dy[T - 1];
}
