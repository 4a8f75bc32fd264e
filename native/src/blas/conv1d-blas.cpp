// conv1d-blas.cpp: the dilated 1-D convolution through the system BLAS's cblas_sgemm (CMake
// option NN_BLAS=ON; OFF by default because cpu/conv1d.cpp's own AVX-512/AVX2 kernels are as fast
// on x86-64: this path is for machines where they are weaker, e.g. Accelerate on Apple silicon).
//
// Lowering, per column block: the time axis is cut into blocks of nb output columns (nb from the
// shape only, see block_columns) and one block of one batch element is one GEMM:
//   forward  Y[:, blk]  = bias + W . col(x)           W  (C_out x C_in*K) is w as it lies
//   dx       dX[:, blk] = Wf . col(dy)                 Wf (C_in x C_out*K), Wf[i][o*K + k'] =
//                                                      w[o, i, K-1-k']
//   dw       dW += dY[:, blk] . col(x)^T               dW (C_out x C_in*K) is dw as it lies
// (cblas_sgemv where the GEMM has a single row: C_out = 1, or C_in = 1 for dx).
// where col(in)[c*K + k][j] = in[c, t0 + j + k*D + off] (0 outside [0, T_in)) is the im2col of the
// block: (rows = C*K) x nb floats, at most COL_BUDGET floats (4 MiB) per worker thread, however
// long T is. dx is col2im(W^T . dy) written as a gather: the transposed convolution is the
// convolution of dy with the tap-flipped, transposed weight (off = pad - (K-1)*D), so every dx
// column is produced by exactly one block -- no overlapping halos to scatter-add across blocks.
//
// Threads: the blocks are spread over nn_parallel_for's pool, and every cblas_sgemm call runs
// single-threaded (OpenBLAS: openblas_set_num_threads(1), once per process). Not BLAS threads:
// the pool then also runs the im2col copies, nn_set_cpu_threads governs the whole op, two thread
// pools never spin against each other, and the results do not depend on the thread count:
//   forward, dx: every output element is computed by one GEMM call of a block fixed by the shape;
//   dw: the (batch, block) items are cut into G consecutive groups (G fixed by the shape); group g
//       accumulates its items in order into its own partial dW (beta = 1), then
//       dw += ((partial_0 + partial_1) + ...) + partial_{G-1}, element by element.
// So, given a BLAS whose single-threaded sgemm is deterministic (OpenBLAS, Accelerate: the same
// kernel on the same CPU), results are bitwise identical run to run and for any nn thread count.
// They differ from cpu/conv1d.cpp's kernels and from another BLAS or CPU by rounding only. With
// an OpenMP build of OpenBLAS (libopenblas0-openmp) set OMP_NUM_THREADS=1: its thread count is
// per OpenMP thread and openblas_set_num_threads(1) does not reach the pool's workers.

#include "blas/conv1d-blas.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <vector>

#include "cpu/conv1d-impl.h"
#include "cpu/parallel.h"

#if defined(NN_BLAS_ACCELERATE)
#define ACCELERATE_NEW_LAPACK 1
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

#if defined(NN_BLAS_OPENBLAS_THREADS)
extern "C" void openblas_set_num_threads(int num_threads);
#endif

#ifndef NN_BLAS_NAME
#define NN_BLAS_NAME "cblas"
#endif

namespace {

// Floats of one worker's im2col block (4 MiB): nb = COL_BUDGET / rows, rounded down to NB_ALIGN,
// within [NB_ALIGN, NB_MAX]; thinner when that leaves fewer than ITEMS_TARGET blocks (but not
// below NB_MIN columns), so short signals still spread over the threads.
constexpr size_t COL_BUDGET   = size_t(1) << 20;
constexpr size_t NB_ALIGN     = 64;
constexpr size_t NB_MIN       = 256;
constexpr size_t NB_MAX       = 8192;
constexpr size_t ITEMS_TARGET = 32;
// dw: at most DW_GROUPS partial sums, together at most DW_PARTIAL_BUDGET floats (64 MiB).
constexpr size_t DW_GROUPS         = 32;
constexpr size_t DW_PARTIAL_BUDGET = size_t(1) << 24;

size_t round_up(size_t v, size_t m) {
    return (v + m - 1) / m * m;
}

// Output columns per block for `rows` = C*K lowered rows; a function of the shape only.
size_t block_columns(size_t rows, size_t B, size_t T_out) {
    const size_t fit       = COL_BUDGET / std::max<size_t>(rows, 1) / NB_ALIGN * NB_ALIGN;
    size_t       nb        = std::min(NB_MAX, std::max(NB_ALIGN, fit));
    const size_t per_batch = (ITEMS_TARGET + B - 1) / B; // blocks wanted per batch element
    const size_t split     = round_up((T_out + per_batch - 1) / per_batch, NB_ALIGN);
    nb                     = std::min(nb, std::max(NB_MIN, split));
    return std::min(nb, round_up(T_out, NB_ALIGN));
}

int bi(size_t v) { // every value passed was checked by conv1d_blas_fits
    return static_cast<int>(v);
}

void blas_single_threaded() {
#if defined(NN_BLAS_OPENBLAS_THREADS)
    static const bool done = [] {
        openblas_set_num_threads(1);
        return true;
    }();
    (void)done;
#endif
}

// One worker's im2col block, kept between calls (grows to the largest block seen).
float * scratch(size_t floats) {
    thread_local std::vector<float> buffer;
    if (buffer.size() < floats) buffer.resize(floats);
    return buffer.data();
}

// col[(c*K + k)*n + j] = in[c*T_in + first + j + k*D], 0 where that index is outside [0, T_in).
void im2col(const float * in, size_t C, size_t T_in, size_t K, size_t D, ptrdiff_t first,
            size_t n, float * col) {
    const ptrdiff_t T = ptrdiff_t(T_in), N = ptrdiff_t(n);
    for (size_t c = 0; c < C; c++) {
        const float * row = in + c * T_in;
        for (size_t k = 0; k < K; k++) {
            float *         dst = col + (c * K + k) * n;
            const ptrdiff_t s0  = first + ptrdiff_t(k * D); // source of j = 0
            const ptrdiff_t lo  = std::min(N, std::max<ptrdiff_t>(0, -s0));
            const ptrdiff_t hi  = std::max(lo, std::min(N, T - s0));
            std::fill(dst, dst + lo, 0.0f);
            if (hi > lo) std::memcpy(dst + lo, row + (s0 + lo), size_t(hi - lo) * sizeof(float));
            std::fill(dst + hi, dst + N, 0.0f);
        }
    }
}

// out[b, r, t] = (init ? init[r] : 0) + sum_{c, k} wm[r][c*K + k] * in[b, c, t + k*D + off]
// for r < n_out, t < T_out; wm is (n_out x n_in*K) row-major. Parallel over (b, block).
void lowered_conv(const float * in, size_t n_in, size_t T_in, float * out, size_t n_out,
                  size_t T_out, const float * wm, const float * init, size_t B, size_t K, size_t D,
                  ptrdiff_t off) {
    blas_single_threaded();
    const size_t rows = n_in * K, nb = block_columns(rows, B, T_out);
    const size_t per = (T_out + nb - 1) / nb, items = B * per;
    nn_parallel_for(items, 1, [&](size_t begin, size_t end) {
        float * col = scratch(rows * nb);
        for (size_t item = begin; item < end; item++) {
            const size_t b = item / per, t0 = item % per * nb, n = std::min(nb, T_out - t0);
            im2col(in + b * n_in * T_in, n_in, T_in, K, D, ptrdiff_t(t0) + off, n, col);
            float * o = out + b * n_out * T_out + t0;
            if (n_out == 1) { // one output row: a GEMV (OpenBLAS's GEMM is slow at M = 1)
                std::fill(o, o + n, init != nullptr ? init[0] : 0.0f);
                cblas_sgemv(CblasRowMajor, CblasTrans, bi(rows), bi(n), 1.0f, col, bi(n), wm, 1,
                            1.0f, o, 1);
                continue;
            }
            float beta = 0.0f; // beta = 0: BLAS overwrites without reading the old values
            if (init != nullptr) {
                for (size_t r = 0; r < n_out; r++) {
                    std::fill(o + r * T_out, o + r * T_out + n, init[r]);
                }
                beta = 1.0f;
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bi(n_out), bi(n), bi(rows), 1.0f,
                        wm, bi(rows), col, bi(n), beta, o, bi(T_out));
        }
    });
}

} // namespace

const char * conv1d_blas_name(void) {
    return "blas(" NN_BLAS_NAME ")";
}

bool conv1d_blas_fits(size_t C_in, size_t C_out, size_t T_in, size_t T_out, size_t K) {
    const size_t lim = size_t(INT_MAX);
    return K > 0 && C_in > 0 && C_out > 0 && C_in <= lim / K && C_out <= lim / K && T_in <= lim &&
           T_out <= lim;
}

void conv1d_blas_forward(const float * x, const float * w, const float * bias, float * y, size_t B,
                         size_t C_in, size_t C_out, size_t T_in, size_t K, size_t D, size_t pad) {
    const size_t T_out = conv1d_out_length(T_in, K, D, pad);
    lowered_conv(x, C_in, T_in, y, C_out, T_out, w, bias, B, K, D, -ptrdiff_t(pad));
}

void conv1d_blas_backward_dx(const float * w, const float * dy, float * dx, size_t B, size_t C_in,
                             size_t C_out, size_t T_in, size_t K, size_t D, size_t pad) {
    const size_t T_out = conv1d_out_length(T_in, K, D, pad);
    // dx[b, i, s] = sum_{o, k'} w[o, i, K-1-k'] * dy[b, o, s + k'*D + pad - (K-1)*D]
    std::vector<float> wf(C_in * C_out * K);
    for (size_t i = 0; i < C_in; i++) {
        for (size_t o = 0; o < C_out; o++) {
            for (size_t k = 0; k < K; k++) {
                wf[(i * C_out + o) * K + k] = w[(o * C_in + i) * K + (K - 1 - k)];
            }
        }
    }
    lowered_conv(dy, C_out, T_out, dx, C_in, T_in, wf.data(), nullptr, B, K, D,
                 ptrdiff_t(pad) - ptrdiff_t((K - 1) * D));
}

void conv1d_blas_backward_dw(const float * x, const float * dy, float * dw, size_t B, size_t C_in,
                             size_t C_out, size_t T_in, size_t K, size_t D, size_t pad) {
    blas_single_threaded();
    const size_t T_out = conv1d_out_length(T_in, K, D, pad);
    const size_t rows = C_in * K, nb = block_columns(rows, B, T_out);
    const size_t per = (T_out + nb - 1) / nb, items = B * per, size = C_out * rows;
    const size_t fit = std::max<size_t>(1, DW_PARTIAL_BUDGET / size);
    const size_t groups = std::min({items, DW_GROUPS, fit});
    std::unique_ptr<float[]> partial(new float[groups * size]); // written first with beta = 0
    nn_parallel_for(groups, 1, [&](size_t begin, size_t end) {
        float * col = scratch(rows * nb);
        for (size_t g = begin; g < end; g++) {
            const size_t first = g * items / groups, last = (g + 1) * items / groups;
            for (size_t item = first; item < last; item++) {
                const size_t b = item / per, t0 = item % per * nb, n = std::min(nb, T_out - t0);
                im2col(x + b * C_in * T_in, C_in, T_in, K, D, ptrdiff_t(t0) - ptrdiff_t(pad), n,
                       col);
                const float * dy_b = dy + b * C_out * T_out + t0;
                float *       p    = partial.get() + g * size;
                if (C_out == 1) { // a GEMV, as in lowered_conv
                    if (item == first) std::fill(p, p + rows, 0.0f);
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, bi(rows), bi(n), 1.0f, col, bi(n),
                                dy_b, 1, 1.0f, p, 1);
                    continue;
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, bi(C_out), bi(rows), bi(n),
                            1.0f, dy_b, bi(T_out), col, bi(n), item == first ? 0.0f : 1.0f, p,
                            bi(rows));
            }
        }
    });
    nn_parallel_for(size, 4096, [&](size_t begin, size_t end) {
        for (size_t j = begin; j < end; j++) {
            float sum = partial[j];
            for (size_t g = 1; g < groups; g++) sum += partial[g * size + j];
            dw[j] += sum;
        }
    });
}
