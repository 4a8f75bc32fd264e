// dense-impl.h: the dense layer and the embedding (nn/dense.h), templated on the scalar type and
// (dense) on the matmul, so nn_core runs them in float on conv1d's kernels and the tests run the
// same code in double on plain loops (matmul_ref) for the finite-difference checks.
// defines: dense_forward_impl, dense_backward_impl, embedding_forward_impl,
//          embedding_backward_impl
//
// mm(A, B, C, M, N, K): C (M, N) = A (M, K) B (K, N), row-major (=), as in lstm-impl.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cpu/matmul.h"

// y (N, O) = x (N, I) W^T + b: one GEMM against W^T (I, O), transposed once per call.
template <typename Real, typename Mm>
void dense_forward_impl(const Real * x, const Real * W, const Real * b, Real * y, size_t N,
                        size_t I, size_t O, Mm && mm) {
    std::vector<Real> wt(I * O);
    transpose_rows(W, wt.data(), O, I);
    mm(x, wt.data(), y, N, O, I);
    if (b != nullptr) {
        for (size_t n = 0; n < N; n++) {
            for (size_t o = 0; o < O; o++) y[n * O + o] += b[o];
        }
    }
}

// dx = dy W (N, I) (written, when dx); dW += dy^T x (O, I); db += column sums of dy (when db).
template <typename Real, typename Mm>
void dense_backward_impl(const Real * x, const Real * W, const Real * dy, Real * dx, Real * dW,
                         Real * db, size_t N, size_t I, size_t O, Mm && mm) {
    if (dx != nullptr) mm(dy, W, dx, N, I, O);
    std::vector<Real> dyt(O * N), dw(O * I);
    transpose_rows(dy, dyt.data(), N, O);
    mm(dyt.data(), x, dw.data(), O, I, N);
    for (size_t e = 0; e < O * I; e++) dW[e] += dw[e];
    if (db != nullptr) {
        for (size_t o = 0; o < O; o++) {
            Real s = Real(0);
            for (size_t n = 0; n < N; n++) s += dy[n * O + o];
            db[o] += s;
        }
    }
}

// ids already checked to lie in [0, V).
template <typename Real>
void embedding_forward_impl(const Real * table, const int32_t * ids, Real * y, size_t N,
                            size_t E) {
    for (size_t n = 0; n < N; n++) {
        const Real * row = table + size_t(ids[n]) * E;
        for (size_t e = 0; e < E; e++) y[n * E + e] = row[e];
    }
}

template <typename Real>
void embedding_backward_impl(const int32_t * ids, const Real * dy, Real * dtable, size_t N,
                             size_t E) {
    for (size_t n = 0; n < N; n++) {
        Real * row = dtable + size_t(ids[n]) * E;
        for (size_t e = 0; e < E; e++) row[e] += dy[n * E + e];
    }
}
