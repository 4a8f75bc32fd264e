// conv1d.cpp: the dilated 1-D convolution's entry points and fast CPU path (see nn/conv1d.h;
// docs/caw-spec.md §1 and §5). The plain reference loops are in conv1d-impl.h, the fast path's
// micro-kernels in conv1d-kernels.h.
//
// Fast path (GCC/Clang): every product is a register-blocked GEMM-like micro-kernel written with
// the compilers' portable vector extensions, compiled three times (baseline ISA, AVX2+FMA,
// AVX-512F via target attributes) and picked once per process from the CPU. No intrinsics.
//   forward  tiles of R output channels x NV vectors of time; R*NV accumulators stay in registers
//            over all C_in*K (channel, tap) pairs, each step = NV loads + R broadcast-FMAs.
//   dx       the same kernel: a convolution of dy with the transposed, tap-flipped weight.
//   dw       along time, as dot products of time rows: an MO x NP block of (o, (i, k)) pairs
//            keeps MO*NP vector accumulators over a segment of DWT_SEG times, each step = MO dy
//            loads + NP shifted x loads + MO*NP FMAs; then the lanes, and the segments in order,
//            are summed. No transposes and no channel padding, so 16 channels run as fast as 96
//            and the thin 1 -> C / C -> 1 layers use whole vectors; the block shape (three per
//            ISA) is the cheapest for the layer by a load/FMA count.
// Forward tiles near the edges (zero padding, ragged ends) gather their inputs into a
// zero-filled buffer first, and dw's edge segments read a zero-padded copy of their window, so
// one kernel serves every shape. Every output is computed by exactly one tile or segment item in
// a fixed order: bitwise identical results for any thread count.
//
// Built with NN_BLAS=ON (NN_WITH_BLAS), forward, dx and dw go to the system BLAS instead
// (blas/conv1d-blas.cpp: im2col column blocks + cblas_sgemm) whenever the shape fits its int;
// dbias and the argument checks stay here, and conv1d_cpu_kernel() says "blas(<library>)".
// A thread whose precision is bf16 (nn/conv1d.h) sends forward, dx and dw of the shapes
// conv1d_bf16_handles() takes to conv1d-bf16.cpp instead, ahead of the BLAS; dbias stays here.

#include "nn/conv1d.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common.h"
#include "cpu/conv1d-bf16.h"
#include "cpu/conv1d-impl.h"
#include "cpu/conv1d-kernels.h"
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
// dispatch

// One block shape of the dw-along-time kernel: MO dy rows x NP shifted x rows.
struct dwt_variant {
    size_t MO, NP;
    dwt_fn fn;
};
constexpr size_t DWT_VARIANTS = 3;

struct conv_kernels {
    const char * name;
    size_t       R, TW, TW_thin;  // forward tile: R rows x TW times (thin: 1 x TW_thin)
    conv_fn      conv_main, conv_thin;
    dwt_variant  dwt[DWT_VARIANTS]; // dw block shapes: a square-ish one, a narrow one, 1 x NP
};

#if defined(NN_CONV_SIMD)
// One instantiation set per ISA. The wrappers carry the target attribute; the always-inline
// templates above are compiled inside them, so their vectors use that ISA's registers.
#define NN_CONV_VARIANTS(SUFFIX, NAME, ATTR, V, R, NV, NV_THIN, MO0, NP0, MO1, NP1, NP2)          \
    ATTR void conv_main_##SUFFIX(const conv_problem & p, size_t b, size_t e) {                    \
        conv_tiles<V, R, NV>(p, b, e);                                                             \
    }                                                                                              \
    ATTR void conv_thin_##SUFFIX(const conv_problem & p, size_t b, size_t e) {                    \
        conv_tiles<V, 1, NV_THIN>(p, b, e);                                                        \
    }                                                                                              \
    ATTR void dwt_0_##SUFFIX(const dwt_problem & p, size_t b, size_t e) {                         \
        dwt_items<V, MO0, NP0>(p, b, e);                                                           \
    }                                                                                              \
    ATTR void dwt_1_##SUFFIX(const dwt_problem & p, size_t b, size_t e) {                         \
        dwt_items<V, MO1, NP1>(p, b, e);                                                           \
    }                                                                                              \
    ATTR void dwt_2_##SUFFIX(const dwt_problem & p, size_t b, size_t e) {                         \
        dwt_items<V, 1, NP2>(p, b, e);                                                             \
    }                                                                                              \
    const conv_kernels kernels_##SUFFIX = {                                                       \
        NAME, R, NV * sizeof(V) / sizeof(float), NV_THIN * sizeof(V) / sizeof(float),              \
        conv_main_##SUFFIX, conv_thin_##SUFFIX,                                                    \
        {{MO0, NP0, dwt_0_##SUFFIX}, {MO1, NP1, dwt_1_##SUFFIX}, {1, NP2, dwt_2_##SUFFIX}}};

// forward R x NV vectors (thin 1 x NV_THIN); dw MO0 x NP0, MO1 x NP1 and 1 x NP2 accumulators
// (+ MO dy vectors and one x vector: 16 registers below AVX-512, 32 with it)
NN_CONV_VARIANTS(generic, "generic-simd", /* baseline */, v4f, 4, 3, 8, 3, 4, 2, 5, 8)
#if defined(__x86_64__)
#define NN_CONV_X86_DISPATCH 1
NN_CONV_VARIANTS(avx2, "avx2+fma", __attribute__((target("avx2,fma"))), v8f, 6, 2, 8, 3, 4, 2, 5,
                 8)
NN_CONV_VARIANTS(avx512, "avx512f", __attribute__((target("avx512f"))), v16f, 8, 3, 8, 4, 6, 2,
                 8, 16)
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
        return conv_kernels{"scalar", 0, 0, 0, nullptr, nullptr, {}};
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
    thread_local std::vector<float> wp; // kept: no allocation per call
    pack_rows(p.C_out, p.C_in * p.K, R, wp, weight);
    p.wp                = wp.data();
    const size_t tiles  = p.B * ((p.T_out + TW - 1) / TW) * ((p.C_out + R - 1) / R);
    const size_t work   = R * TW * p.C_in * p.K; // multiply-adds per tile
    const size_t grain  = std::max<size_t>(1, (size_t(1) << 18) / work);
    const conv_fn fn    = thin ? kern.conv_thin : kern.conv_main;
    nn_parallel_for(tiles, grain, [&](size_t begin, size_t end) { fn(p, begin, end); });
}

// The calling thread's scratch buffer number Slot of T, at least n elements, contents
// unspecified: grown and kept, so the hundreds of calls of a training epoch allocate (and the
// kernel zeroes fresh pages) only the first time.
template <typename T, int Slot>
T * thread_scratch(size_t n) {
    thread_local std::vector<T> buf;
    if (buf.size() < n) {
        buf.resize(n);
    }
    return buf.data();
}

// Multiply-adds per step of L times of a dw-along-time block shape for C_out x C_in*K outputs:
// each step loads MO + NP vectors and does MO*NP vector FMAs, and the CPUs we target issue
// about as many vector loads as FMAs per cycle, so a step costs the larger of the two.
size_t dwt_cost(const dwt_variant & v, size_t C_out, size_t CK) {
    const size_t blocks = (C_out + v.MO - 1) / v.MO * ((CK + v.NP - 1) / v.NP);
    return blocks * std::max(v.MO * v.NP, v.MO + v.NP);
}

// dw[o, i, k] += sum_{b, t} dy[b, o, t] * x[b, i, t + k*D - pad] along time (dwt_items with
// block shape v): per-segment sums, then the segments added in order. Segments whose x window
// reaches past either end of x (pad > 0) read a zero-padded copy of that window.
void dw_time_run(const float * x, const float * dy, float * dw, size_t B, size_t C_in,
                 size_t C_out, size_t T_in, size_t T_out, size_t K, size_t D, size_t pad,
                 const dwt_variant & v) {
    const size_t CK = C_in * K, span = D * (K - 1);
    const size_t n_seg_t = (T_out + DWT_SEG - 1) / DWT_SEG, n_seg = B * n_seg_t;
    const size_t window  = DWT_SEG + span; // x times a segment reads, at most
    dwt_rows *   seg_x   = thread_scratch<dwt_rows, 0>(n_seg);
    size_t *     edges   = thread_scratch<size_t, 0>(n_seg); // segments that need a padded copy
    size_t       n_edges = 0;
    for (size_t seg = 0; seg < n_seg; seg++) {
        const size_t t0 = seg % n_seg_t * DWT_SEG, n = std::min(DWT_SEG, T_out - t0);
        if (t0 >= pad && t0 - pad + n + span <= T_in) {
            seg_x[seg] = {x + seg / n_seg_t * C_in * T_in + (t0 - pad), T_in};
        } else {
            edges[n_edges++] = seg;
        }
    }
    if (n_edges > 0) {
        // x window [t0 - pad, t0 - pad + window) of each edge segment, zero outside [0, T_in)
        float * copy = thread_scratch<float, 0>(n_edges * C_in * window);
        for (size_t e = 0; e < n_edges; e++) {
            const size_t    seg = edges[e];
            const ptrdiff_t lo  = ptrdiff_t(seg % n_seg_t * DWT_SEG) - ptrdiff_t(pad);
            const float *   x_b = x + seg / n_seg_t * C_in * T_in;
            float *         dst = copy + e * C_in * window;
            for (size_t i = 0; i < C_in; i++) {
                for (size_t u = 0; u < window; u++) {
                    const ptrdiff_t s = lo + ptrdiff_t(u);
                    dst[i * window + u] = s >= 0 && s < ptrdiff_t(T_in) ? x_b[i * T_in + size_t(s)]
                                                                        : 0.0f;
                }
            }
            seg_x[seg] = {dst, window};
        }
    }
    const size_t n_out = C_out * CK;
    const size_t group = std::min(n_seg, std::clamp<size_t>(DWT_PART / n_out, 1, DWT_GROUP));
    float *      part  = thread_scratch<float, 1>((group + 1) * n_out);
    float *      sum   = part + group * n_out; // the segments so far, added in order
    dwt_problem  p     = {seg_x,   dy, C_in, C_out, T_out, K, D, n_seg_t, (C_out + v.MO - 1) / v.MO,
                          (CK + v.NP - 1) / v.NP, 0, part};
    const size_t tiles = p.n_ob * p.n_pb;
    const size_t work  = v.MO * v.NP * std::min(T_out, DWT_SEG); // multiply-adds per item
    const size_t grain = std::max<size_t>(1, (size_t(1) << 16) / work);
    for (size_t g0 = 0; g0 < n_seg; g0 += group) {
        const size_t n_g = std::min(group, n_seg - g0);
        p.seg0         = g0; // part holds segments g0 .. g0 + n_g - 1
        nn_parallel_for(n_g * tiles, grain, [&](size_t begin, size_t end) {
            v.fn(p, begin + g0 * tiles, end + g0 * tiles);
        });
        const bool last = g0 + n_g == n_seg;
        nn_parallel_for(n_out, 4096, [&](size_t begin, size_t end) {
            for (size_t e = begin; e < end; e++) {
                float s = g0 == 0 ? part[e] : sum[e] + part[e];
                for (size_t seg = 1; seg < n_g; seg++) s += part[seg * n_out + e];
                if (last) {
                    dw[e] += s;
                } else {
                    sum[e] = s;
                }
            }
        });
    }
}

// dw[o, i, k] += sum_{b, t} dy[b, o, t] * x[b, i, t + k*D - pad] with the cheapest block shape.
void dw_run(const float * x, const float * dy, float * dw, size_t B, size_t C_in, size_t C_out,
            size_t T_in, size_t T_out, size_t K, size_t D, size_t pad) {
    const conv_kernels & kern = kernels();
    const dwt_variant *  best = &kern.dwt[0];
    for (const dwt_variant & v : kern.dwt) {
        if (dwt_cost(v, C_out, C_in * K) < dwt_cost(*best, C_out, C_in * K)) best = &v;
    }
    dw_time_run(x, dy, dw, B, C_in, C_out, T_in, T_out, K, D, pad, *best);
}

// sum_{b, t} dy[b, o, t] in double: four partial sums, lane t % 4 (restarting every row),
// combined as (l0 + l1) + (l2 + l3). Unrolled by hand so the lanes stay in registers (indexed by
// t % 4 they went through memory, one element per store-forwarding round trip).
double dbias_sum(const float * dy, size_t B, size_t C_out, size_t T_out, size_t o) {
    double lane[4] = {0.0, 0.0, 0.0, 0.0};
    for (size_t b = 0; b < B; b++) {
        const float * row = dy + (b * C_out + o) * T_out;
        double        l0 = lane[0], l1 = lane[1], l2 = lane[2], l3 = lane[3];
        size_t        t = 0;
        for (; t + 4 <= T_out; t += 4) {
            l0 += double(row[t]);
            l1 += double(row[t + 1]);
            l2 += double(row[t + 2]);
            l3 += double(row[t + 3]);
        }
        lane[0] = l0;
        lane[1] = l1;
        lane[2] = l2;
        lane[3] = l3;
        for (; t < T_out; t++) lane[t % 4] += double(row[t]);
    }
    return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

} // namespace

// ----------------------------------------------------------------------------
// entry points

const char * conv1d_cpu_kernel(void) {
    if (conv1d_bf16_active()) {
        return "avx512bf16"; // this thread's precision (conv1d-bf16.cpp)
    }
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
    if (conv1d_bf16_active() && conv1d_bf16_handles(C_in, C_out, K, dilation)) {
        conv1d_bf16_forward(x->data, w->data, b, y->data, B, C_in, C_out, T_in, K, dilation, pad);
        nn_clear_error();
        return NN_STATUS_OK;
    }
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
    if (conv1d_bf16_active() && conv1d_bf16_handles(C_in, C_out, K, dilation)) {
        // dx and dw in bf16 (conv1d-bf16.cpp); dbias below stays fp32
        if (dx_d != nullptr) {
            conv1d_bf16_backward_dx(w->data, dy->data, dx_d, B, C_in, C_out, T_in, K, dilation,
                                    pad);
        }
        if (dw_d != nullptr) {
            conv1d_bf16_backward_dw(x->data, dy->data, dw_d, B, C_in, C_out, T_in, K, dilation,
                                    pad);
        }
        dx_d = dw_d = nullptr;
    }
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
                db_d[o] += float(dbias_sum(dy_d, B, C_out, T_out, o));
            }
        });
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
