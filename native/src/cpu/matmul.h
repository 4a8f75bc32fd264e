// matmul.h: the dense products of the sequence ops (LSTM, dense layer), on conv1d's CPU path.
// defines: matmul_cpu, matmul_cpu_fn, matmul_ref, transpose_rows
//
// C = A B with row-major contiguous A (M, K), B (K, N), C (M, N) is a convolution with one tap:
// conv1d's y[0, m, n] = sum_k w[m, k, 0] * x[0, k, n] with w = A, x = B, y = C (nn/conv1d.h). So
// the products run on the same register-blocked vector kernels as the convolutions (packing A as
// conv1d packs its weight, streaming rows of B as it streams time), on the system BLAS under
// NN_BLAS=ON, and at the calling thread's conv precision, with conv1d's determinism (bitwise
// identical for any thread count). The transposed products the backward passes need are written
// as C = A B after an explicit transpose (transpose_rows): O(size) copies next to O(M N K) work.
#pragma once

#include <cstddef>

#include "nn/nn.h"

/** C (M, N) = A (M, K) B (K, N) (written); C must not overlap A or B. */
nn_status matmul_cpu(const float * A, const float * B, float * C, size_t M, size_t N, size_t K);

/** matmul_cpu as the mm functor of the *-impl.h templates; keeps the first failure in *status
 *  (none is expected: callers pass non-empty shapes and separate output buffers). */
struct matmul_cpu_fn {
    nn_status * status;
    void operator()(const float * A, const float * B, float * C, size_t M, size_t N,
                    size_t K) const {
        const nn_status s = matmul_cpu(A, B, C, M, N, K);
        if (*status == NN_STATUS_OK) *status = s;
    }
};

/** The reference loops of the same product, in any scalar type (the tests run them in double). */
template <typename Real>
void matmul_ref(const Real * A, const Real * B, Real * C, size_t M, size_t N, size_t K) {
    for (size_t m = 0; m < M; m++) {
        Real * c = C + m * N;
        for (size_t n = 0; n < N; n++) c[n] = Real(0);
        for (size_t k = 0; k < K; k++) {
            const Real   a = A[m * K + k];
            const Real * b = B + k * N;
            for (size_t n = 0; n < N; n++) c[n] += a * b[n];
        }
    }
}

/** out (cols, rows) = in (rows, cols) transposed. */
template <typename Real>
void transpose_rows(const Real * in, Real * out, size_t rows, size_t cols) {
    // Blocks of 8 rows x 32 columns, column blocks outermost: each block writes 32 runs of 8
    // consecutive outputs and reads 8 runs of 32 inputs, and a block's lines stay in L1 even when
    // a stride is a multiple of 4 KiB (all in one cache set). Row blocks outermost with 32 x 32
    // tiles ran 30x slower at (1024, 256): the set thrashed.
    constexpr size_t TR = 8, TC = 32;
    for (size_t c0 = 0; c0 < cols; c0 += TC) {
        const size_t c1 = c0 + TC < cols ? c0 + TC : cols;
        for (size_t r0 = 0; r0 < rows; r0 += TR) {
            const size_t r1 = r0 + TR < rows ? r0 + TR : rows;
            for (size_t c = c0; c < c1; c++) {
                for (size_t r = r0; r < r1; r++) out[c * rows + r] = in[r * cols + c];
            }
        }
    }
}
