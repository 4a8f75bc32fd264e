// conv1d.cpp: the dilated 1-D convolution's entry points and fast CPU path (see nn/conv1d.h;
// docs/caw-spec.md §1 and §5). The plain reference loops are in conv1d-impl.h.
//
// Fast path (GCC/Clang): every product is a register-blocked GEMM-like micro-kernel written with
// the compilers' portable vector extensions, compiled three times (baseline ISA, AVX2+FMA,
// AVX-512F via target attributes) and picked once per process from the CPU. No intrinsics.
//   forward  tiles of R output channels x NV vectors of time; R*NV accumulators stay in registers
//            over all C_in*K (channel, tap) pairs, each step = NV loads + R broadcast-FMAs.
//   dx       the same kernel: a convolution of dy with the transposed, tap-flipped weight.
//   dw       x and dy are transposed window by window (time-major, channels contiguous), so
//            every tap is a row shift; then per tap an MR x NV-vector register block of
//            dw[k] += dy^T-row (broadcast) * x^T-row (vector), accumulated over DW_TC times.
// Forward tiles near the edges (zero padding, ragged ends) gather their inputs into a
// zero-filled buffer first, and the transposed windows carry the zeros for dw, so one kernel
// serves every shape. Every output is computed by exactly one tile in a fixed order: bitwise
// identical results for any thread count.
//
// Built with NN_BLAS=ON (NN_WITH_BLAS), forward, dx and dw go to the system BLAS instead
// (blas/conv1d-blas.cpp: im2col column blocks + cblas_sgemm) whenever the shape fits its int;
// dbias and the argument checks stay here, and conv1d_cpu_kernel() says "blas(<library>)".

#include "nn/conv1d.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common.h"
#include "cpu/conv1d-impl.h"
#include "cpu/parallel.h"

#if defined(NN_WITH_BLAS)
#include "blas/conv1d-blas.h"
#endif

namespace {

// ----------------------------------------------------------------------------
// argument checks

bool shape_is(const nn_tensor_view * v, size_t d0, size_t d1, size_t d2) {
    return v->shape[0] == d0 && v->shape[1] == d1 && v->shape[2] == d2;
}

// The largest dilation or padding accepted: keeps every index computation far from overflow.
constexpr size_t MAX_HYPER = size_t(1) << 30;

// Checks x, w, bias (nullable) and the hyper-parameters; returns T_out through *T_out.
nn_status check_conv(const char * op, const nn_tensor_view * x, const nn_tensor_view * w,
                     const nn_tensor_view * bias, size_t dilation, size_t pad, size_t * T_out) {
    nn_status status = nn_check_view(op, "x", x, 3);
    if (status == NN_STATUS_OK) status = nn_check_view(op, "w", w, 3);
    if (status == NN_STATUS_OK && bias != nullptr) status = nn_check_view(op, "bias", bias, 1);
    if (status != NN_STATUS_OK) {
        return status;
    }
    if (x->shape[1] != w->shape[1]) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: x is (%zu, %zu, %zu) but w is (%zu, %zu, %zu): C_in differs", op,
                       x->shape[0], x->shape[1], x->shape[2], w->shape[0], w->shape[1],
                       w->shape[2]);
    }
    if (bias != nullptr && bias->shape[0] != w->shape[0]) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: bias is (%zu) but w has C_out = %zu", op,
                       bias->shape[0], w->shape[0]);
    }
    if (dilation == 0 || dilation > MAX_HYPER || pad > MAX_HYPER || w->shape[2] > MAX_HYPER) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: dilation %zu, pad %zu, K %zu: need 1 <= dilation and all <= 2^30", op,
                       dilation, pad, w->shape[2]);
    }
    *T_out = conv1d_out_length(x->shape[2], w->shape[2], dilation, pad);
    if (*T_out == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: T_in %zu + 2*pad %zu is too short for K %zu at dilation %zu", op,
                       x->shape[2], pad, w->shape[2], dilation);
    }
    return NN_STATUS_OK;
}

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

// The dw product in transposed form over `rows` output times: for each tap k,
//   out[k][m][n] += sum_{t < rows} a[t + k*a_shift][m] * b[t + k*b_shift][n]
// a and b are row-major with a_stride / b_stride floats per row; n_a and n_b are the padded
// widths (multiples of the tile). One of a, b is the transposed x window (shifted by D per
// tap), the other the transposed dy; the vector side (b) is the wider channel count.
struct dw_problem {
    const float * a;
    size_t        a_stride, a_shift;
    const float * b;
    size_t        b_stride, b_shift;
    size_t        n_a, n_b, rows, K;
    float *       out; // (K, n_a, n_b)
};

using conv_fn = void (*)(const conv_problem &, size_t, size_t);
using dw_fn   = void (*)(const dw_problem &, size_t, size_t);

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

// dw: times per chunk (a tile's rows of a and b stay in L1) and per transposed span (the x and
// dy windows, (S + D*(K-1)) x C_in and S x C_out floats, stay in L2/L3).
constexpr size_t DW_TC   = 128;
constexpr size_t DW_SPAN = 8192;

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

// Tiles [begin, end) of a dw_problem; tile = (k * n_mb + m block) * n_vb + n block, each an
// MR x NV-vector register block accumulated over DW_TC rows at a time, then added to out.
template <typename V, int MR, int NV>
NN_INLINE void dw_tiles(const dw_problem & p, size_t begin, size_t end) {
    constexpr size_t L = sizeof(V) / sizeof(float), NW = size_t(NV) * L;
    const size_t     n_mb = p.n_a / MR, n_vb = p.n_b / NW;
    for (size_t t0 = 0; t0 < p.rows; t0 += DW_TC) {
        const size_t steps = std::min(p.rows - t0, DW_TC);
        for (size_t tile = begin; tile < end; tile++) {
            const size_t  vb = tile % n_vb, mb = tile / n_vb % n_mb, k = tile / n_vb / n_mb;
            const float * a  = p.a + (t0 + k * p.a_shift) * p.a_stride + mb * MR;
            const float * b  = p.b + (t0 + k * p.b_shift) * p.b_stride + vb * NW;
            V             acc[MR][NV];
            for (int m = 0; m < MR; m++) {
                for (int v = 0; v < NV; v++) acc[m][v] = V{};
            }
            for (size_t t = 0; t < steps; t++) {
                V bv[NV];
                for (int v = 0; v < NV; v++) std::memcpy(&bv[v], b + size_t(v) * L, sizeof(V));
                for (int m = 0; m < MR; m++) {
                    const float w = a[m];
                    for (int v = 0; v < NV; v++) acc[m][v] += w * bv[v];
                }
                a += p.a_stride;
                b += p.b_stride;
            }
            float * out = p.out + (k * p.n_a + mb * MR) * p.n_b + vb * NW;
            for (int m = 0; m < MR; m++) {
                for (int v = 0; v < NV; v++) {
                    float * dst = out + size_t(m) * p.n_b + size_t(v) * L;
                    V       sum;
                    std::memcpy(&sum, dst, sizeof(V));
                    sum += acc[m][v];
                    std::memcpy(dst, &sum, sizeof(V));
                }
            }
        }
    }
}

#endif // __GNUC__

// ----------------------------------------------------------------------------
// dispatch

struct conv_kernels {
    const char * name;
    size_t       R, TW, TW_thin;  // forward tile: R rows x TW times (thin: 1 x TW_thin)
    size_t       MR, NW, NW_thin; // dw tile: MR rows x NW vector lanes (thin: 1 x NW_thin)
    conv_fn      conv_main, conv_thin;
    dw_fn        dw_main, dw_thin;
};

#if defined(NN_CONV_SIMD)
// One instantiation set per ISA. The wrappers carry the target attribute; the always-inline
// templates above are compiled inside them, so their vectors use that ISA's registers.
#define NN_CONV_VARIANTS(SUFFIX, NAME, ATTR, V, R, NV, NV_THIN, MR, NVW, NVW_THIN)               \
    ATTR void conv_main_##SUFFIX(const conv_problem & p, size_t b, size_t e) {                    \
        conv_tiles<V, R, NV>(p, b, e);                                                             \
    }                                                                                              \
    ATTR void conv_thin_##SUFFIX(const conv_problem & p, size_t b, size_t e) {                    \
        conv_tiles<V, 1, NV_THIN>(p, b, e);                                                        \
    }                                                                                              \
    ATTR void dw_main_##SUFFIX(const dw_problem & p, size_t b, size_t e) {                        \
        dw_tiles<V, MR, NVW>(p, b, e);                                                             \
    }                                                                                              \
    ATTR void dw_thin_##SUFFIX(const dw_problem & p, size_t b, size_t e) {                        \
        dw_tiles<V, 1, NVW_THIN>(p, b, e);                                                         \
    }                                                                                              \
    const conv_kernels kernels_##SUFFIX = {                                                       \
        NAME, R, NV * sizeof(V) / sizeof(float), NV_THIN * sizeof(V) / sizeof(float), MR,          \
        NVW * sizeof(V) / sizeof(float), NVW_THIN * sizeof(V) / sizeof(float), conv_main_##SUFFIX, \
        conv_thin_##SUFFIX, dw_main_##SUFFIX, dw_thin_##SUFFIX};

// forward R x NV vectors (thin 1 x NV_THIN), dw MR x NVW vectors (thin 1 x NVW_THIN)
NN_CONV_VARIANTS(generic, "generic-simd", /* baseline */, v4f, 4, 3, 8, 6, 2, 8)
#if defined(__x86_64__)
#define NN_CONV_X86_DISPATCH 1
NN_CONV_VARIANTS(avx2, "avx2+fma", __attribute__((target("avx2,fma"))), v8f, 6, 2, 8, 6, 2, 8)
NN_CONV_VARIANTS(avx512, "avx512f", __attribute__((target("avx512f"))), v16f, 8, 3, 8, 8, 3, 8)
#endif
#endif // NN_CONV_SIMD

const conv_kernels & kernels() {
    static const conv_kernels chosen = [] {
#if defined(NN_CONV_X86_DISPATCH)
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f")) {
            return kernels_avx512;
        }
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
            return kernels_avx2;
        }
#endif
#if defined(NN_CONV_SIMD)
        return kernels_generic;
#else
        return conv_kernels{"scalar", 0, 0, 0, 0, 0, 0, nullptr, nullptr, nullptr, nullptr};
#endif
    }();
    return chosen;
}

// Runs a conv_problem whose weight is weight(row, col) for rows < p.C_out, cols < C_in*K.
template <typename F>
void run_conv(conv_problem p, F && weight) {
    const conv_kernels & kern = kernels();
    const bool           thin = 2 * p.C_out <= kern.R;
    const size_t         R    = thin ? 1 : kern.R;
    const size_t         TW   = thin ? kern.TW_thin : kern.TW;
    std::vector<float>   wp;
    pack_rows(p.C_out, p.C_in * p.K, R, wp, weight);
    p.wp                = wp.data();
    const size_t tiles  = p.B * ((p.T_out + TW - 1) / TW) * ((p.C_out + R - 1) / R);
    const size_t work   = R * TW * p.C_in * p.K; // multiply-adds per tile
    const size_t grain  = std::max<size_t>(1, (size_t(1) << 18) / work);
    const conv_fn fn    = thin ? kern.conv_thin : kern.conv_main;
    nn_parallel_for(tiles, grain, [&](size_t begin, size_t end) { fn(p, begin, end); });
}

// dst[r][c] = src[c][first + r] for r < rows, c < C (0 where first + r is outside [0, T));
// columns C .. width-1 are 0. Parallel over blocks of rows.
void transpose_window(const float * src, size_t C, size_t T, ptrdiff_t first, size_t rows,
                      float * dst, size_t width) {
    constexpr size_t BLOCK = 64;
    nn_parallel_for((rows + BLOCK - 1) / BLOCK, 4, [&](size_t begin, size_t end) {
        for (size_t r0 = begin * BLOCK; r0 < std::min(rows, end * BLOCK); r0 += BLOCK) {
            const size_t r1 = std::min(rows, r0 + BLOCK);
            std::fill(dst + r0 * width, dst + r1 * width, 0.0f);
            const ptrdiff_t lo = std::max<ptrdiff_t>(ptrdiff_t(r0), -first);
            const ptrdiff_t hi = std::min<ptrdiff_t>(ptrdiff_t(r1), ptrdiff_t(T) - first);
            for (size_t c = 0; c < C; c++) {
                const float * row = src + c * T;
                for (ptrdiff_t r = lo; r < hi; r++) {
                    dst[size_t(r) * width + c] = row[r + first];
                }
            }
        }
    });
}

// dw[o, i, k] += sum_{b, t} dy[b, o, t] * x[b, i, t + k*D - pad], through transposed windows of
// x and dy (so every tap is a plain row shift) and the dw_tiles register blocks. The channel
// count with more elements goes on the vector side.
void dw_run(const float * x, const float * dy, float * dw, size_t B, size_t C_in, size_t C_out,
            size_t T_in, size_t T_out, size_t K, size_t D, size_t pad) {
    const conv_kernels & kern  = kernels();
    const bool           vec_x = C_in >= C_out;
    const size_t         n_bc  = vec_x ? C_out : C_in; // broadcast side
    const size_t         n_vc  = vec_x ? C_in : C_out; // vector side
    const bool           thin  = 2 * n_bc <= kern.MR;
    const size_t         MR    = thin ? 1 : kern.MR;
    const size_t         NW    = thin ? kern.NW_thin : kern.NW;
    const size_t         n_a = (n_bc + MR - 1) / MR * MR, n_b = (n_vc + NW - 1) / NW * NW;
    const size_t         x_w = vec_x ? n_b : n_a, dy_w = vec_x ? n_a : n_b;
    const size_t         span = (K - 1) * D, S = std::min(T_out, DW_SPAN);
    std::vector<float>   xt((S + span) * x_w), dyt(S * dy_w), out(K * n_a * n_b, 0.0f);
    const size_t         tiles = K * (n_a / MR) * (n_b / NW);
    const dw_fn          fn    = thin ? kern.dw_thin : kern.dw_main;
    for (size_t b = 0; b < B; b++) {
        for (size_t s0 = 0; s0 < T_out; s0 += S) {
            const size_t n = std::min(S, T_out - s0);
            transpose_window(x + b * C_in * T_in, C_in, T_in, ptrdiff_t(s0) - ptrdiff_t(pad),
                             n + span, xt.data(), x_w);
            transpose_window(dy + b * C_out * T_out, C_out, T_out, ptrdiff_t(s0), n, dyt.data(),
                             dy_w);
            dw_problem p = vec_x ? dw_problem{dyt.data(), dy_w, 0, xt.data(), x_w, D, n_a, n_b, n, K,
                                              out.data()}
                                 : dw_problem{xt.data(), x_w, D, dyt.data(), dy_w, 0, n_a, n_b, n, K,
                                              out.data()};
            nn_parallel_for(tiles, 1, [&](size_t begin, size_t end) { fn(p, begin, end); });
        }
    }
    for (size_t o = 0; o < C_out; o++) {
        for (size_t i = 0; i < C_in; i++) {
            for (size_t k = 0; k < K; k++) {
                const size_t m = vec_x ? o : i, v = vec_x ? i : o;
                dw[(o * C_in + i) * K + k] += out[(k * n_a + m) * n_b + v];
            }
        }
    }
}

} // namespace

// ----------------------------------------------------------------------------
// entry points

const char * conv1d_cpu_kernel(void) {
#if defined(NN_WITH_BLAS)
    return conv1d_blas_name();
#else
    return kernels().name;
#endif
}

nn_status conv1d_forward_cpu(const nn_tensor_view * x, const nn_tensor_view * w,
                             const nn_tensor_view * bias, nn_tensor_view * y, size_t dilation,
                             size_t pad) {
    const char * op    = "conv1d_forward_cpu";
    size_t       T_out = 0;
    nn_status    status = check_conv(op, x, w, bias, dilation, pad, &T_out);
    if (status == NN_STATUS_OK) status = nn_check_view(op, "y", y, 3);
    if (status != NN_STATUS_OK) {
        return status;
    }
    const size_t B = x->shape[0], C_in = x->shape[1], T_in = x->shape[2];
    const size_t C_out = w->shape[0], K = w->shape[2];
    if (!shape_is(y, B, C_out, T_out)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: y is (%zu, %zu, %zu), expected (%zu, %zu, %zu)",
                       op, y->shape[0], y->shape[1], y->shape[2], B, C_out, T_out);
    }
    if (nn_views_overlap(y, x) || nn_views_overlap(y, w) || nn_views_overlap(y, bias)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: y overlaps an input", op);
    }
    const float * b = bias != nullptr ? bias->data : nullptr;
#if defined(NN_WITH_BLAS)
    if (conv1d_blas_fits(C_in, C_out, T_in, T_out, K)) {
        conv1d_blas_forward(x->data, w->data, b, y->data, B, C_in, C_out, T_in, K, dilation, pad);
        nn_clear_error();
        return NN_STATUS_OK;
    }
#endif
    if (kernels().conv_main == nullptr) {
        conv1d_forward_ref(x->data, w->data, b, y->data, B, C_in, C_out, T_in, K, dilation, pad);
    } else {
        const float * wd = w->data;
        run_conv(conv_problem{x->data, C_in, T_in, y->data, C_out, T_out, nullptr, b, B, K,
                              dilation, -ptrdiff_t(pad)},
                 [&](size_t o, size_t col) { return wd[o * C_in * K + col]; });
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status conv1d_backward_cpu(const nn_tensor_view * x, const nn_tensor_view * w,
                              const nn_tensor_view * dy, nn_tensor_view * dx, nn_tensor_view * dw,
                              nn_tensor_view * dbias, size_t dilation, size_t pad) {
    const char * op    = "conv1d_backward_cpu";
    size_t       T_out = 0;
    nn_status    status = check_conv(op, x, w, nullptr, dilation, pad, &T_out);
    if (status == NN_STATUS_OK) status = nn_check_view(op, "dy", dy, 3);
    if (status != NN_STATUS_OK) {
        return status;
    }
    if (dx == nullptr && dw == nullptr && dbias == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dx, dw and dbias are all null", op);
    }
    if (dx != nullptr) status = nn_check_view(op, "dx", dx, 3);
    if (status == NN_STATUS_OK && dw != nullptr) status = nn_check_view(op, "dw", dw, 3);
    if (status == NN_STATUS_OK && dbias != nullptr) status = nn_check_view(op, "dbias", dbias, 1);
    if (status != NN_STATUS_OK) {
        return status;
    }
    const size_t B = x->shape[0], C_in = x->shape[1], T_in = x->shape[2];
    const size_t C_out = w->shape[0], K = w->shape[2];
    if (!shape_is(dy, B, C_out, T_out)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dy is (%zu, %zu, %zu), expected (%zu, %zu, %zu)",
                       op, dy->shape[0], dy->shape[1], dy->shape[2], B, C_out, T_out);
    }
    if ((dx != nullptr && !shape_is(dx, B, C_in, T_in)) ||
        (dw != nullptr && !shape_is(dw, C_out, C_in, K)) ||
        (dbias != nullptr && dbias->shape[0] != C_out)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: expected dx (%zu, %zu, %zu), dw (%zu, %zu, %zu), dbias (%zu)", op, B,
                       C_in, T_in, C_out, C_in, K, C_out);
    }
    const nn_tensor_view * outputs[3] = {dx, dw, dbias};
    for (int a = 0; a < 3; a++) {
        if (nn_views_overlap(outputs[a], x) || nn_views_overlap(outputs[a], w) ||
            nn_views_overlap(outputs[a], dy)) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: an output overlaps an input", op);
        }
        for (int c = a + 1; c < 3; c++) {
            if (nn_views_overlap(outputs[a], outputs[c])) {
                return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: two outputs overlap", op);
            }
        }
    }
    float * dx_d = dx != nullptr ? dx->data : nullptr;
    float * dw_d = dw != nullptr ? dw->data : nullptr;
    float * db_d = dbias != nullptr ? dbias->data : nullptr;
#if defined(NN_WITH_BLAS)
    const bool use_blas = conv1d_blas_fits(C_in, C_out, T_in, T_out, K);
#else
    const bool use_blas = false;
#endif
    if (!use_blas && kernels().conv_main == nullptr) {
        conv1d_backward_ref(x->data, w->data, dy->data, dx_d, dw_d, db_d, B, C_in, C_out, T_in, K,
                            dilation, pad);
        nn_clear_error();
        return NN_STATUS_OK;
    }
#if defined(NN_WITH_BLAS)
    if (use_blas && dx_d != nullptr) {
        conv1d_blas_backward_dx(w->data, dy->data, dx_d, B, C_in, C_out, T_in, K, dilation, pad);
    }
    if (use_blas && dw_d != nullptr) {
        conv1d_blas_backward_dw(x->data, dy->data, dw_d, B, C_in, C_out, T_in, K, dilation, pad);
    }
#endif
    if (!use_blas && dx_d != nullptr) {
        // dx[b, i, s] = sum_{o, k'} w[o, i, K-1-k'] * dy[b, o, s + k'*D + pad - (K-1)*D]
        const float * wd = w->data;
        run_conv(conv_problem{dy->data, C_out, T_out, dx_d, C_in, T_in, nullptr, nullptr, B, K,
                              dilation, ptrdiff_t(pad) - ptrdiff_t((K - 1) * dilation)},
                 [&](size_t i, size_t col) {
                     return wd[(col / K * C_in + i) * K + (K - 1 - col % K)];
                 });
    }
    if (!use_blas && dw_d != nullptr) {
        dw_run(x->data, dy->data, dw_d, B, C_in, C_out, T_in, T_out, K, dilation, pad);
    }
    if (db_d != nullptr) {
        const float * dy_d = dy->data;
        nn_parallel_for(C_out, 1, [&](size_t begin, size_t end) {
            for (size_t o = begin; o < end; o++) {
                double lanes[4] = {0.0, 0.0, 0.0, 0.0}; // fixed 4-way split, then a fixed sum
                for (size_t b = 0; b < B; b++) {
                    const float * row = dy_d + (b * C_out + o) * T_out;
                    for (size_t t = 0; t < T_out; t++) lanes[t % 4] += double(row[t]);
                }
                db_d[o] += float((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]));
            }
        });
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
