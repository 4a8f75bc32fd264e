// lstm-impl.h: the multi-layer LSTM's forward and backward through time (nn/lstm.h), templated
// on the scalar type and on its kernels, so nn_core runs it in float (lstm.cpp: matmuls on
// conv1d's kernels, vectorised gate rows) and the tests run the very same loops in double with
// the reference kernels (plain matmul loops, libm) for the finite-difference checks.
// defines: lstm_dims, lstm_layer_in, lstm_layer_params, lstm_param_total, lstm_cache_layer,
//          lstm_cache_layer_size, lstm_cache_total, lstm_cache_at, lstm_draw_mask,
//          lstm_row_grain, lstm_exp, lstm_tanh, lstm_sigmoid, lstm_cell_forward_row,
//          lstm_cell_backward_row, lstm_ref_kernels, lstm_row_width, lstm_add_transposed,
//          lstm_transpose_into, lstm_forward_impl, lstm_backward_impl
//
// kern (lstm_ref_kernels below; lstm.cpp's for float) supplies mm(A, B, C, M, N, K), C (M, N) =
// A (M, K) B (K, N) all row-major contiguous (=), and the per-row gate passes cell_forward and
// cell_backward. Scratch comes from std::vector (the float entry points turn bad_alloc into a
// status). The elementwise passes (a step's gates, per batch row; the bias sums, per gate unit)
// are spread over nn_parallel_for: every element is computed by one item in a fixed order, so
// the results stay bitwise identical for any thread count.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu/matmul.h"
#include "cpu/parallel.h"
#include "nn/lstm.h"
#include "nn/rng.h"

#if defined(__GNUC__) || defined(_MSC_VER)
#define LSTM_RESTRICT __restrict
#else
#define LSTM_RESTRICT
#endif

struct lstm_dims {
    size_t T, B, X, H, L;
};

/** X_l: the input width of layer l. */
inline size_t lstm_layer_in(const lstm_dims & d, size_t l) {
    return l == 0 ? d.X : d.H;
}

/** Floats of layer l's parameters: W_ih (4H, X_l), W_hh (4H, H), b (4H). */
inline size_t lstm_layer_params(const lstm_dims & d, size_t l) {
    return NN_LSTM_GATES * d.H * (lstm_layer_in(d, l) + d.H + 1);
}

/** The row width of the gate buffers (activations, their gradients, the transposed weights):
 *  4H + 16. 4H is often a power of two (1024, 2048 floats), and rows a multiple of 4 KiB apart
 *  fall into the same cache sets, so the matmul kernel's column panels thrashed (M 512, N 2048,
 *  K 2048: 71 GFLOP/s at stride 2048, 88 at 2064, one thread). The 16 padding columns are
 *  zero in every operand; the tiles of 48 columns cover 1024 + 16 and 2048 + 16 in as many
 *  tiles as 1024 and 2048. */
inline size_t lstm_row_width(size_t n) {
    return n + 16;
}

inline size_t lstm_param_total(const lstm_dims & d) {
    size_t n = 0;
    for (size_t l = 0; l < d.L; l++) n += lstm_layer_params(d, l);
    return n;
}

/** Layer l's part of the cache: hs, cs ((T+1), B, H: slot 0 the initial state, slot t+1 step t),
 *  act (T, B, 4H + 16: i, f, g, o after their nonlinearities, rows padded as lstm_row_width
 *  says), and for l >= 1 the dropout mask and
 *  the masked input (T, B, H). */
template <typename Real>
struct lstm_cache_layer {
    Real *hs, *cs, *act, *mask, *xin;
};

inline size_t lstm_cache_layer_size(const lstm_dims & d, size_t l) {
    const size_t step = d.B * d.H;
    const size_t acts = d.T * d.B * lstm_row_width(NN_LSTM_GATES * d.H);
    return 2 * (d.T + 1) * step + acts + (l > 0 ? 2 * d.T * step : 0);
}

inline size_t lstm_cache_total(const lstm_dims & d) {
    size_t n = 0;
    for (size_t l = 0; l < d.L; l++) n += lstm_cache_layer_size(d, l);
    return n;
}

template <typename Real>
lstm_cache_layer<Real> lstm_cache_at(const lstm_dims & d, Real * cache, size_t l) {
    for (size_t k = 0; k < l; k++) cache += lstm_cache_layer_size(d, k);
    const size_t           step = d.B * d.H;
    lstm_cache_layer<Real> c;
    c.hs   = cache;
    c.cs   = c.hs + (d.T + 1) * step;
    c.act  = c.cs + (d.T + 1) * step;
    c.mask = l > 0 ? c.act + d.T * d.B * lstm_row_width(NN_LSTM_GATES * d.H) : nullptr;
    c.xin  = l > 0 ? c.mask + d.T * step : nullptr;
    return c;
}

/** Layer l's dropout mask (T, B, H): 1/(1-p) kept, 0 dropped, from nn_rng stream (seed, l, 0);
 *  all ones when p = 0 (no draws). */
template <typename Real>
void lstm_draw_mask(Real * mask, size_t n, double p, uint64_t seed, size_t l) {
    if (p <= 0.0) {
        for (size_t i = 0; i < n; i++) mask[i] = Real(1);
        return;
    }
    nn_rng rng;
    nn_rng_init_stream(&rng, seed, uint32_t(l), 0); // l <= NN_RNG_MAX_STREAM: checked by callers
    const float keep  = float(1.0 - p);
    const Real  scale = Real(1.0 / (1.0 - p));
    for (size_t i = 0; i < n; i++) mask[i] = nn_rng_uniform_float(&rng) < keep ? scale : Real(0);
}

/** Batch rows per nn_parallel_for item of a step's gates: about 4096 units, so small problems
 *  (the tests' H = 6) run inline on the caller. */
inline size_t lstm_row_grain(size_t H) {
    return H >= 4096 ? 1 : 4096 / H;
}

#if defined(__GNUC__)
#define LSTM_INLINE inline __attribute__((always_inline))
#else
#define LSTM_INLINE inline
#endif

// ----------------------------------------------------------------------------
// the gates' nonlinearities: libm in double (the reference the checks differentiate); in float
// branchless polynomials the compiler vectorises (libm's scalar tanhf and expf calls cost more
// than the step's matmul at H = 256), within a few ulp of libm (test-lstm.cpp measures them).

LSTM_INLINE double lstm_exp(double x) {
    return std::exp(x);
}

LSTM_INLINE double lstm_tanh(double x) {
    return std::tanh(x);
}

// Cephes' expf: exp(x) = 2^n p(r), n = round(x / ln 2) (the 1.5 * 2^23 trick: adding it rounds
// to an integer in the low mantissa bits), r = x - n ln 2 in two parts, p its degree-7
// polynomial. x is clamped to [-87.3, 88.3] so 2^n is a normal float (n in [-126, 127]):
// exp(-87.3) ~ 1e-38 stands for anything smaller, exp(88.3) ~ 2e38 for anything larger.
LSTM_INLINE float lstm_exp(float x) {
    x             = x < -87.3f ? -87.3f : x;
    x             = x > 88.3f ? 88.3f : x;
    const float t = x * 1.44269504088896341f + 12582912.0f;
    const float n = t - 12582912.0f;
    int32_t     ti;
    std::memcpy(&ti, &t, sizeof(ti));
    const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
    float       p = 1.9875691500e-4f;
    p             = p * r + 1.3981999507e-3f;
    p             = p * r + 8.3334519073e-3f;
    p             = p * r + 4.1665795894e-2f;
    p             = p * r + 1.6666665459e-1f;
    p             = p * r + 5.0000001201e-1f;
    p             = p * r * r + r + 1.0f;
    const int32_t bits = (ti - 0x4B400000 + 127) * (int32_t(1) << 23); // 2^n
    float         scale;
    std::memcpy(&scale, &bits, sizeof(scale));
    return p * scale;
}

// Cephes' tanhf: below |x| = 0.625 its odd polynomial, above 1 - 2 / (exp(2|x|) + 1) (no
// cancellation there: the result is >= 0.55), both computed and one selected.
LSTM_INLINE float lstm_tanh(float x) {
    const float ax = x < 0.0f ? -x : x;
    const float z  = x * x;
    float       p  = -5.70498872745e-3f;
    p              = p * z + 2.06390887954e-2f;
    p              = p * z - 5.37397155531e-2f;
    p              = p * z + 1.33314422036e-1f;
    p              = p * z - 3.33332819422e-1f;
    const float small = x + x * z * p;
    const float big   = 1.0f - 2.0f / (lstm_exp(2.0f * ax) + 1.0f);
    return ax < 0.625f ? small : (x < 0.0f ? -big : big);
}

template <typename Real>
LSTM_INLINE Real lstm_sigmoid(Real a) {
    return Real(1) / (Real(1) + lstm_exp(-a));
}

// One batch row of a forward step (H units). pre (4H): the input part of the pre-activations
// in, the activated gates i, f, g, o out; rec (4H) the recurrent part; c_prev (H) -> cell, h (H).
template <typename Real>
LSTM_INLINE void lstm_cell_forward_row(Real * LSTM_RESTRICT pre, const Real * LSTM_RESTRICT rec,
                                       const Real * LSTM_RESTRICT bias,
                                       const Real * LSTM_RESTRICT c_prev, Real * LSTM_RESTRICT cell,
                                       Real * LSTM_RESTRICT h, size_t H) {
    for (size_t j = 0; j < H; j++) {
        const Real i  = lstm_sigmoid(pre[j] + rec[j] + bias[j]);
        const Real f  = lstm_sigmoid(pre[H + j] + rec[H + j] + bias[H + j]);
        const Real g  = lstm_tanh(pre[2 * H + j] + rec[2 * H + j] + bias[2 * H + j]);
        const Real o  = lstm_sigmoid(pre[3 * H + j] + rec[3 * H + j] + bias[3 * H + j]);
        const Real cn = f * c_prev[j] + i * g;
        cell[j]       = cn;
        h[j]          = o * lstm_tanh(cn);
        pre[j]        = i;
        pre[H + j]    = f;
        pre[2 * H + j] = g;
        pre[3 * H + j] = o;
    }
}

// One batch row of a backward step: act (4H) the step's gates, cell and c_prev (H) c_t and
// c_{t-1}, up (H) dL/dh_t from above, dh (H) dL/dh_t from step t+1; dc (H) dL/dc_t from t+1 in,
// dL/dc_{t-1} out; da (4H) the pre-activations' gradients out.
template <typename Real>
LSTM_INLINE void lstm_cell_backward_row(const Real * LSTM_RESTRICT act,
                                        const Real * LSTM_RESTRICT cell,
                                        const Real * LSTM_RESTRICT c_prev,
                                        const Real * LSTM_RESTRICT up,
                                        const Real * LSTM_RESTRICT dh, Real * LSTM_RESTRICT dc,
                                        Real * LSTM_RESTRICT da, size_t H) {
    for (size_t j = 0; j < H; j++) {
        const Real i = act[j], f = act[H + j], g = act[2 * H + j], o = act[3 * H + j];
        const Real tc  = lstm_tanh(cell[j]);
        const Real dht = up[j] + dh[j];
        const Real dct = dc[j] + dht * o * (Real(1) - tc * tc);
        da[j]          = dct * g * i * (Real(1) - i);
        da[H + j]      = dct * c_prev[j] * f * (Real(1) - f);
        da[2 * H + j]  = dct * i * (Real(1) - g * g);
        da[3 * H + j]  = dht * tc * o * (Real(1) - o);
        dc[j]          = dct * f;
    }
}

/** The reference kernels of the impl templates: plain loops (matmul_ref) and the rows above. */
template <typename Real>
struct lstm_ref_kernels {
    void mm(const Real * A, const Real * B, Real * C, size_t M, size_t N, size_t K) const {
        matmul_ref(A, B, C, M, N, K);
    }
    void cell_forward(Real * pre, const Real * rec, const Real * bias, const Real * c_prev,
                      Real * cell, Real * h, size_t H) const {
        lstm_cell_forward_row(pre, rec, bias, c_prev, cell, h, H);
    }
    void cell_backward(const Real * act, const Real * cell, const Real * c_prev, const Real * up,
                       const Real * dh, Real * dc, Real * da, size_t H) const {
        lstm_cell_backward_row(act, cell, c_prev, up, dh, dc, da, H);
    }
};

/** w (n, m) += wt (m, n; rows ld apart) transposed, in blocks as transpose_rows (matmul.h). */
template <typename Real>
void lstm_add_transposed(const Real * wt, Real * w, size_t m, size_t n, size_t ld) {
    constexpr size_t TM = 8, TN = 32;
    for (size_t c0 = 0; c0 < m; c0 += TM) {
        const size_t c1 = c0 + TM < m ? c0 + TM : m;
        for (size_t r0 = 0; r0 < n; r0 += TN) {
            const size_t r1 = r0 + TN < n ? r0 + TN : n;
            for (size_t r = r0; r < r1; r++) {
                for (size_t c = c0; c < c1; c++) w[r * m + c] += wt[c * ld + r];
            }
        }
    }
}

/** out (cols, ld) = in (rows, cols) transposed into rows ld >= rows apart; out's other columns
 *  are left as they are (zero: the callers assign it so). */
template <typename Real>
void lstm_transpose_into(const Real * in, Real * out, size_t rows, size_t cols, size_t ld) {
    constexpr size_t TR = 8, TC = 32; // as transpose_rows (matmul.h)
    for (size_t c0 = 0; c0 < cols; c0 += TC) {
        const size_t c1 = c0 + TC < cols ? c0 + TC : cols;
        for (size_t r0 = 0; r0 < rows; r0 += TR) {
            const size_t r1 = r0 + TR < rows ? r0 + TR : rows;
            for (size_t c = c0; c < c1; c++) {
                for (size_t r = r0; r < r1; r++) out[c * ld + r] = in[r * cols + c];
            }
        }
    }
}

// Forward of all layers. h0, c0, hT, cT may be null (see nn/lstm.h).
template <typename Real, typename Kern>
void lstm_forward_impl(const lstm_dims & d, double dropout, uint64_t seed, const Real * params,
                       const Real * x, const Real * h0, const Real * c0, Real * y, Real * hT,
                       Real * cT, Real * cache, const Kern & kern) {
    const size_t      H = d.H, G = NN_LSTM_GATES * H, step = d.B * H, TB = d.T * d.B;
    const size_t      Gp = lstm_row_width(G);
    std::vector<Real> wt, rec(d.B * Gp);
    const Real *      in = x; // layer l's input (T, B, X_l)
    for (size_t l = 0; l < d.L; l++) {
        const size_t                 X_l = lstm_layer_in(d, l);
        const Real *                 W_ih = params, *W_hh = W_ih + G * X_l, *bias = W_hh + G * H;
        const lstm_cache_layer<Real> c    = lstm_cache_at(d, cache, l);
        params += lstm_layer_params(d, l);
        if (l > 0) { // in = previous layer's h_0..h_{T-1}, dropped
            lstm_draw_mask(c.mask, TB * H, dropout, seed, l);
            for (size_t e = 0; e < TB * H; e++) c.xin[e] = in[e] * c.mask[e];
            in = c.xin;
        }
        for (size_t e = 0; e < step; e++) {
            c.hs[e] = h0 != nullptr ? h0[l * step + e] : Real(0);
            c.cs[e] = c0 != nullptr ? c0[l * step + e] : Real(0);
        }
        // the input part of every gate at every step, one GEMM: act (T*B, 4H) = in W_ih^T
        // (W^T with rows of Gp: the padding columns zero, so act's are too)
        wt.assign((X_l > H ? X_l : H) * Gp, Real(0));
        lstm_transpose_into(W_ih, wt.data(), G, X_l, Gp);
        kern.mm(in, wt.data(), c.act, TB, Gp, X_l);
        lstm_transpose_into(W_hh, wt.data(), G, H, Gp); // W_hh^T (H, 4H) for every step
        for (size_t t = 0; t < d.T; t++) {
            const Real *h_prev = c.hs + t * step, *c_prev = c.cs + t * step;
            Real *      h = c.hs + (t + 1) * step, *cell = c.cs + (t + 1) * step;
            Real *      a = c.act + t * d.B * Gp; // (B, 4H): pre-activations in, gates out
            kern.mm(h_prev, wt.data(), rec.data(), d.B, Gp, H);
            nn_parallel_for(d.B, lstm_row_grain(H), [&](size_t b_begin, size_t b_end) {
                for (size_t b = b_begin; b < b_end; b++) {
                    kern.cell_forward(a + b * Gp, rec.data() + b * Gp, bias, c_prev + b * H,
                                      cell + b * H, h + b * H, H);
                }
            });
        }
        for (size_t e = 0; e < step; e++) {
            if (hT != nullptr) hT[l * step + e] = c.hs[d.T * step + e];
            if (cT != nullptr) cT[l * step + e] = c.cs[d.T * step + e];
        }
        in = c.hs + step; // h_0..h_{T-1}
    }
    for (size_t e = 0; e < TB * H; e++) y[e] = in[e];
}

// Backward through time of all layers, top to bottom (see nn/lstm.h for what is added and what
// is written). dy is required; dhT, dcT, dx, dh0, dc0 may be null.
template <typename Real, typename Kern>
void lstm_backward_impl(const lstm_dims & d, const Real * params, const Real * x,
                        const Real * cache, const Real * dy, const Real * dhT, const Real * dcT,
                        Real * dparams, Real * dx, Real * dh0, Real * dc0, const Kern & kern) {
    const size_t      H = d.H, G = NN_LSTM_GATES * H, step = d.B * H, TB = d.T * d.B;
    const size_t      Gp = lstm_row_width(G);
    std::vector<Real> da(TB * Gp, Real(0)), dh(step), dc(step), upstream(TB * H); // pads stay 0
    std::vector<Real> below, seqT, dwT, wcat, out;
    for (size_t e = 0; e < TB * H; e++) upstream[e] = dy[e]; // dL/dh_t of the current layer
    for (size_t l = d.L; l-- > 0;) {
        const size_t X_l = lstm_layer_in(d, l);
        size_t       off = 0;
        for (size_t k = 0; k < l; k++) off += lstm_layer_params(d, k);
        const Real *W_ih = params + off, *W_hh = W_ih + G * X_l;
        Real *      dW_ih = dparams + off, *dW_hh = dW_ih + G * X_l, *db = dW_hh + G * H;
        const lstm_cache_layer<Real> c =
            lstm_cache_at(d, const_cast<Real *>(cache), l); // read only here
        const Real * in = l == 0 ? x : c.xin;
        // One product per step, da_t (B, 4H) [W_hh | W_ih] (4H, H + X_l), gives dh_{t-1} and the
        // step's input gradient together: da_t is packed once and the product is wider (H alone
        // is not a multiple of the kernel's tile). Without dx the first layer needs W_hh only.
        if (l > 0) below.resize(TB * H);
        Real *       d_in = l > 0 ? below.data() : dx; // (T, B, X_l) or null
        const size_t N    = d_in != nullptr ? H + X_l : H;
        const size_t Np   = lstm_row_width(N); // (Gp, Np): rows and columns past (G, N) zero
        wcat.assign(Gp * Np, Real(0));
        out.resize(d.B * Np);
        for (size_t g = 0; g < G; g++) {
            for (size_t j = 0; j < H; j++) wcat[g * Np + j] = W_hh[g * H + j];
            for (size_t j = H; j < N; j++) wcat[g * Np + j] = W_ih[g * X_l + (j - H)];
        }
        for (size_t e = 0; e < step; e++) {
            dh[e] = dhT != nullptr ? dhT[l * step + e] : Real(0);
            dc[e] = dcT != nullptr ? dcT[l * step + e] : Real(0);
        }
        for (size_t t = d.T; t-- > 0;) {
            const Real *act = c.act + t * d.B * Gp, *cell = c.cs + (t + 1) * step;
            const Real *c_prev = c.cs + t * step, *up = upstream.data() + t * step;
            Real *      dat    = da.data() + t * d.B * Gp;
            nn_parallel_for(d.B, lstm_row_grain(H), [&](size_t b_begin, size_t b_end) {
                for (size_t b = b_begin; b < b_end; b++) {
                    kern.cell_backward(act + b * Gp, cell + b * H, c_prev + b * H, up + b * H,
                                       dh.data() + b * H, dc.data() + b * H, dat + b * Gp, H);
                }
            });
            kern.mm(dat, wcat.data(), out.data(), d.B, Np, Gp);
            for (size_t b = 0; b < d.B; b++) {
                const Real * o = out.data() + b * Np;
                for (size_t j = 0; j < H; j++) dh[b * H + j] = o[j]; // dh_{t-1} = da_t W_hh
                for (size_t j = H; j < N; j++) d_in[(t * d.B + b) * X_l + (j - H)] = o[j];
            }
        }
        for (size_t e = 0; e < step; e++) {
            if (dh0 != nullptr) dh0[l * step + e] = dh[e];
            if (dc0 != nullptr) dc0[l * step + e] = dc[e];
        }
        // weights, over all steps: dW_ih^T (X_l, 4H) = in^T da, dW_hh^T (H, 4H) = h_{-1..T-2}^T
        // da. The long T*B side is the contraction and da streams as the right operand as it
        // lies, so only the narrower in and h are transposed (and packed by the matmul), not da.
        const size_t wide = X_l > H ? X_l : H;
        seqT.resize(TB * wide);
        dwT.resize(wide * Gp);
        transpose_rows(in, seqT.data(), TB, X_l);
        kern.mm(seqT.data(), da.data(), dwT.data(), X_l, Gp, TB);
        lstm_add_transposed(dwT.data(), dW_ih, X_l, G, Gp);
        transpose_rows(c.hs, seqT.data(), TB, H);
        kern.mm(seqT.data(), da.data(), dwT.data(), H, Gp, TB);
        lstm_add_transposed(dwT.data(), dW_hh, H, G, Gp);
        // db += sum over rows of da, per gate unit in row order (any chunking sums alike)
        nn_parallel_for(G, 64, [&](size_t k_begin, size_t k_end) {
            std::vector<Real> sum(k_end - k_begin, Real(0));
            for (size_t r = 0; r < TB; r++) {
                const Real * row = da.data() + r * Gp + k_begin;
                for (size_t k = 0; k < sum.size(); k++) sum[k] += row[k];
            }
            for (size_t k = 0; k < sum.size(); k++) db[k_begin + k] += sum[k];
        });
        // below the first layer, the input's gradient goes on through the dropout mask
        if (l > 0) {
            for (size_t e = 0; e < TB * H; e++) upstream[e] = below[e] * c.mask[e];
        }
    }
}
