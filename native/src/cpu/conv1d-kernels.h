// conv1d-kernels.h: the fast CPU path's problems and vector micro-kernels (conv1d.cpp's design
// notes say what each does), templated on the vector type and block shape. conv1d.cpp alone
// includes this (hence the anonymous namespace) and instantiates the kernels once per ISA.
// defines: conv_problem, dwt_rows, dwt_problem, conv_fn, dwt_fn, pack_rows, DWT_SEG, DWT_GROUP,
//          DWT_PART, NN_CONV_SIMD, NN_INLINE, v4f, v8f, v16f, conv_tile, conv_tiles, lane_sum,
//          dwt_items
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

// ----------------------------------------------------------------------------
// problems

// out[b, r, t] = init[r] + sum_{c, k} weight(r, c, k) * in[b, c, t + k*D + off] (0 outside
// [0, T_in)); the weight is packed as [row block][c*K + k][R] (see pack_rows).
struct conv_problem {
    const float * in;
    size_t        C_in, T_in;
    float *       out;
    size_t        C_out, T_out;
    const float * wp;
    const float * bias; // (C_out) or null
    size_t        B, K, D;
    ptrdiff_t     off;
};

// The dw product along time (no transposes, no channel padding): every (o, i, k) is a dot
// product of two time rows, taken per fixed segment of DWT_SEG output times,
//   part[seg][o][i*K + k] = sum_{t in seg} dy[b, o, t] * x[b, i, t + k*D - pad]
// where seg = b * n_seg_t + t / DWT_SEG. Segment seg reads x row i at seg_x[seg].base +
// i * seg_x[seg].stride (the element of time t0 - pad, t0 the segment's first output time): x
// itself inside, a zero-padded copy of the window at the edges. Items: (seg, o block, (i, k)
// block).
struct dwt_rows {
    const float * base;
    size_t        stride;
};

struct dwt_problem {
    const dwt_rows * seg_x;
    const float *    dy;
    size_t           C_in, C_out, T_out, K, D;
    size_t           n_seg_t, n_ob, n_pb; // segments per batch item; o blocks, (i, k) blocks
    size_t           seg0;                // the first segment of this pass
    float *          part;                // (segments seg0.., C_out, C_in*K)
};

using conv_fn = void (*)(const conv_problem &, size_t, size_t);
using dwt_fn  = void (*)(const dwt_problem &, size_t, size_t);

// Packs weight(row, col) = src(row, col) for rows < n_rows into [row block][col][R], zero
// rows past n_rows. src(row, col) is read as w[row * row_step + col_map(col)].
template <typename F>
void pack_rows(size_t n_rows, size_t n_cols, size_t R, std::vector<float> & wp, F && src) {
    const size_t blocks = (n_rows + R - 1) / R;
    wp.assign(blocks * n_cols * R, 0.0f);
    for (size_t row = 0; row < n_rows; row++) {
        float * dst = wp.data() + (row / R) * n_cols * R + row % R;
        for (size_t col = 0; col < n_cols; col++) {
            dst[col * R] = src(row, col);
        }
    }
}

// dw along time: times per segment (a multiple of every vector width; fixed, so the summation
// order does not depend on the thread count).
constexpr size_t DWT_SEG = 2048;
// Per-segment sums kept per pass, at most (a pass is 2 hand-offs to the pool): the buffer stays
// near 1 M floats at C = 96. The grouping does not change the sums: segments are added in order.
constexpr size_t DWT_GROUP = 32, DWT_PART = size_t(1) << 20;

// ----------------------------------------------------------------------------
// vector kernels (GCC and Clang vector extensions)

#if defined(__GNUC__)
#define NN_CONV_SIMD 1
#define NN_INLINE inline __attribute__((always_inline))

typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));

// acc[R][NV] over all (c, k): row c of `in` starts at in + c*row_stride, tap k at + k*tap_stride.
// Stores rows < rows and columns < cols of the R x NV*L tile at out (row stride out_stride).
template <typename V, int R, int NV>
NN_INLINE void conv_tile(const float * wp, const float * in, size_t row_stride, size_t tap_stride,
                         size_t C_in, size_t K, const float * init, float * out, size_t out_stride,
                         size_t rows, size_t cols) {
    constexpr int L = int(sizeof(V) / sizeof(float));
    V             acc[R][NV];
    for (int r = 0; r < R; r++) {
        for (int v = 0; v < NV; v++) {
            acc[r][v] = V{} + init[r];
        }
    }
    for (size_t c = 0; c < C_in; c++) {
        const float * in_c = in + c * row_stride;
        for (size_t k = 0; k < K; k++) {
            const float * p = in_c + k * tap_stride;
            V             xv[NV];
            for (int v = 0; v < NV; v++) {
                std::memcpy(&xv[v], p + v * L, sizeof(V));
            }
            for (int r = 0; r < R; r++) {
                const float w = wp[r];
                for (int v = 0; v < NV; v++) {
                    acc[r][v] += w * xv[v];
                }
            }
            wp += R;
        }
    }
    if (cols == size_t(NV * L)) {
        for (size_t r = 0; r < rows; r++) {
            for (int v = 0; v < NV; v++) {
                std::memcpy(out + r * out_stride + size_t(v * L), &acc[r][v], sizeof(V));
            }
        }
    } else {
        float tmp[NV * L];
        for (size_t r = 0; r < rows; r++) {
            std::memcpy(tmp, acc[r], sizeof(tmp));
            std::memcpy(out + r * out_stride, tmp, cols * sizeof(float));
        }
    }
}

// Tiles [begin, end) of a conv_problem; tile = (b * n_tb + time block) * n_rb + row block.
template <typename V, int R, int NV>
NN_INLINE void conv_tiles(const conv_problem & p, size_t begin, size_t end) {
    constexpr size_t   TW   = size_t(NV) * (sizeof(V) / sizeof(float));
    const size_t       n_rb = (p.C_out + R - 1) / R;
    const size_t       n_tb = (p.T_out + TW - 1) / TW;
    const size_t       span = (p.K - 1) * p.D;
    const ptrdiff_t    T_in = ptrdiff_t(p.T_in);
    std::vector<float> gather;   // zero-padded copy of an edge tile's taps: (C_in, K, TW)
    size_t             gathered = SIZE_MAX; // b * n_tb + tb of the copy in `gather`
    for (size_t tile = begin; tile < end; tile++) {
        const size_t rb = tile % n_rb, tb = (tile / n_rb) % n_tb, b = tile / n_rb / n_tb;
        const size_t o0 = rb * R, rows = std::min(size_t(R), p.C_out - o0);
        const size_t t0 = tb * TW, cols = std::min(TW, p.T_out - t0);
        float        init[R];
        for (size_t r = 0; r < size_t(R); r++) {
            init[r] = p.bias != nullptr && r < rows ? p.bias[o0 + r] : 0.0f;
        }
        const float *   in_b  = p.in + b * p.C_in * p.T_in;
        float *         out   = p.out + (b * p.C_out + o0) * p.T_out + t0;
        const float *   wp    = p.wp + rb * p.C_in * p.K * size_t(R);
        const ptrdiff_t first = ptrdiff_t(t0) + p.off; // in-index of tap 0, column 0
        if (cols == TW && first >= 0 && first + ptrdiff_t(TW - 1 + span) < T_in) {
            conv_tile<V, R, NV>(wp, in_b + first, p.T_in, p.D, p.C_in, p.K, init, out, p.T_out,
                                rows, cols);
            continue;
        }
        if (gathered == tile / n_rb) { // the previous row block had the same time block
            conv_tile<V, R, NV>(wp, gather.data(), p.K * TW, TW, p.C_in, p.K, init, out, p.T_out,
                                rows, cols);
            continue;
        }
        gathered = tile / n_rb;
        gather.resize(p.C_in * p.K * TW);
        for (size_t c = 0; c < p.C_in; c++) {
            for (size_t k = 0; k < p.K; k++) {
                float *         g   = gather.data() + (c * p.K + k) * TW;
                const ptrdiff_t src = first + ptrdiff_t(k * p.D);
                for (size_t j = 0; j < TW; j++) {
                    const ptrdiff_t s = src + ptrdiff_t(j);
                    g[j]              = s >= 0 && s < T_in ? in_b[c * p.T_in + size_t(s)] : 0.0f;
                }
            }
        }
        conv_tile<V, R, NV>(wp, gather.data(), p.K * TW, TW, p.C_in, p.K, init, out, p.T_out, rows,
                            cols);
    }
}

// The lanes of v summed in a fixed pairwise order.
template <typename V>
NN_INLINE float lane_sum(V v) {
    constexpr int L = int(sizeof(V) / sizeof(float));
    float         a[L];
    std::memcpy(a, &v, sizeof(V));
    for (int w = L / 2; w >= 1; w /= 2) {
        for (int l = 0; l < w; l++) a[l] += a[l + w];
    }
    return a[0];
}

// Items [begin, end) of a dwt_problem; item = (seg * n_ob + o block) * n_pb + (i, k) block, each
// an MO x NP block of vector accumulators over the segment (MO dy rows and NP shifted x rows
// loaded per step), then summed across lanes into part. Blocks past C_out or C_in*K repeat the
// last row and their sums are dropped.
template <typename V, int MO, int NP>
NN_INLINE void dwt_items(const dwt_problem & p, size_t begin, size_t end) {
    constexpr size_t L  = sizeof(V) / sizeof(float);
    const size_t     CK = p.C_in * p.K;
    for (size_t item = begin; item < end; item++) {
        const size_t     pb = item % p.n_pb, ob = item / p.n_pb % p.n_ob;
        const size_t     seg = item / p.n_pb / p.n_ob, b = seg / p.n_seg_t;
        const size_t     t0 = seg % p.n_seg_t * DWT_SEG, n = std::min(DWT_SEG, p.T_out - t0);
        const size_t     o0 = ob * MO, j0 = pb * NP;
        const dwt_rows & rows_x = p.seg_x[seg];
        const float *    dyr[MO];
        const float *    xr[NP];
        for (int m = 0; m < MO; m++) {
            const size_t o = std::min(o0 + size_t(m), p.C_out - 1);
            dyr[m]         = p.dy + (b * p.C_out + o) * p.T_out + t0;
        }
        for (int q = 0; q < NP; q++) {
            const size_t j = std::min(j0 + size_t(q), CK - 1);
            xr[q]          = rows_x.base + j / p.K * rows_x.stride + j % p.K * p.D;
        }
        V acc[MO][NP];
        for (int m = 0; m < MO; m++) {
            for (int q = 0; q < NP; q++) acc[m][q] = V{};
        }
        size_t t = 0;
        for (; t + L <= n; t += L) {
            V dv[MO];
            for (int m = 0; m < MO; m++) std::memcpy(&dv[m], dyr[m] + t, sizeof(V));
            for (int q = 0; q < NP; q++) {
                V xv;
                std::memcpy(&xv, xr[q] + t, sizeof(V));
                for (int m = 0; m < MO; m++) acc[m][q] += dv[m] * xv;
            }
        }
        if (t < n) { // the ragged end: zero-filled vectors
            const size_t bytes = (n - t) * sizeof(float);
            V            dv[MO];
            for (int m = 0; m < MO; m++) {
                dv[m] = V{};
                std::memcpy(&dv[m], dyr[m] + t, bytes);
            }
            for (int q = 0; q < NP; q++) {
                V xv = V{};
                std::memcpy(&xv, xr[q] + t, bytes);
                for (int m = 0; m < MO; m++) acc[m][q] += dv[m] * xv;
            }
        }
        float *      out  = p.part + (seg - p.seg0) * p.C_out * CK;
        const size_t rows = std::min(size_t(MO), p.C_out - o0);
        const size_t cols = std::min(size_t(NP), CK - j0);
        for (size_t m = 0; m < rows; m++) {
            for (size_t q = 0; q < cols; q++) out[(o0 + m) * CK + j0 + q] = lane_sum(acc[m][q]);
        }
    }
}

#endif // __GNUC__

} // namespace
