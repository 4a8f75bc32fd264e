// conv1d-bf16.cpp: the dilated 1-D convolution in bf16 with fp32 accumulation (nn/conv1d.h,
// "Precision"; docs/caw-spec.md §5: these convolutions are nearly all of the model's FLOPs), and
// the thread-local precision switch. conv1d.cpp's entry points check the arguments and call in.
//
// VDPBF16PS multiplies 16 lanes of bf16 PAIRS and adds both products to 16 fp32 accumulators:
// twice the multiply-adds of an fp32 FMA per instruction. So every reduction is over pairs:
//   forward  y[o, t] = bias[o] + sum_{q, k} (w[o, 2q, k], w[o, 2q+1, k]) . (x[2q, u], x[2q+1, u])
//            with u = t + k*D - pad: pairs of input CHANNELS at the same tap. The input is packed
//            once per chunk of output times into a window win[q][j] = (x[2q, j0+j], x[2q+1, j0+j])
//            (uint32 = two bf16, zeros for the padding), so a tap is a plain shift by k*D inside
//            the window, shared by every block of output rows. Tiles of R rows x NV vectors of
//            16 times keep R*NV accumulators in registers over all (q, k); the weight pair is a
//            32-bit broadcast, packed once per call as [row block][q][k][R].
//   dx       the same kernel: a convolution of dy with the transposed, tap-flipped weight.
//   dw       pairs of consecutive TIMES: dw[o, i, k] += sum_p (dy[o, 2p], dy[o, 2p+1]) .
//            (x[i, 2p + k*D - pad], x[i, 2p+1 + k*D - pad]). dy is packed time-pair-major
//            (dyt[p][o], via 16x16 transposes) for the vector side; x stays channel-major in
//            bf16 (xb[i][u]), where any two neighbours form the pair of a tap, aligned or not,
//            so one copy serves every tap whatever the parity of k*D. Tiles of MR x-channels x NV
//            vectors of 16 dy-channels per tap, accumulated over DW_TC pairs at a time.
// Rounding is round-to-nearest-even with subnormals flushed to zero, as VCVTNE2PS2BF16 does
// (to_bf16 repeats it in scalar code for the weights). Every output is computed by exactly one
// tile in a fixed order and the packing writes each element once: bitwise identical results for
// any thread count.

#include "cpu/conv1d-bf16.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu/conv1d-impl.h"
#include "cpu/parallel.h"

#if defined(__x86_64__) && ((defined(__clang__) && __clang_major__ >= 12) || \
                            (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 10))
#define NN_CONV_BF16_KERNELS 1
#include <immintrin.h>
#endif

namespace {

thread_local nn_conv_precision tl_precision = NN_CONV_FP32;

// Spans above this stay fp32 (see conv1d_bf16_handles); the model's largest is 8 * 128.
constexpr size_t MAX_SPAN = 65536;

} // namespace

// ----------------------------------------------------------------------------
// the precision switch

bool conv1d_bf16_available(void) {
#if defined(NN_CONV_BF16_KERNELS)
    static const bool available = [] {
        __builtin_cpu_init(); // also checks that the OS saves the AVX-512 state
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
    }();
    return available;
#else
    return false;
#endif
}

nn_conv_precision conv1d_set_precision_on(nn_conv_precision precision, bool cpu_has_bf16) {
    const nn_conv_precision previous = tl_precision;
    const bool bf16 = precision == NN_CONV_BF16 && cpu_has_bf16 && conv1d_bf16_available();
    tl_precision    = bf16 ? NN_CONV_BF16 : NN_CONV_FP32;
    return previous;
}

nn_conv_precision conv1d_set_precision(nn_conv_precision precision) {
    return conv1d_set_precision_on(precision, conv1d_bf16_available());
}

nn_conv_precision conv1d_get_precision(void) {
    return tl_precision;
}

bool conv1d_bf16_active(void) {
    return tl_precision == NN_CONV_BF16;
}

bool conv1d_bf16_handles(size_t C_in, size_t C_out, size_t K, size_t D) {
    return C_in >= 2 && C_out >= 2 && (K - 1) * D <= MAX_SPAN;
}

#if defined(NN_CONV_BF16_KERNELS)

// GCC 12's unpack/shuffle intrinsics start from _mm512_undefined_epi32(), which -Wuninitialized
// flags once inlined (GCC bug 105593, fixed in 13): a false positive.
#if !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace {

// ----------------------------------------------------------------------------
// rounding and packing

#define NN_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
#define NN_BF16_INLINE \
    inline __attribute__((always_inline, target("avx512f,avx512bw,avx512vl,avx512bf16")))

constexpr size_t LANES = 16; // fp32 lanes (= bf16 pairs) per 512-bit vector

// fp32 -> bf16 bits as VCVTNEPS2BF16: nearest even, subnormals to signed zero, NaN stays NaN.
uint16_t to_bf16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof(u));
    if ((u & 0x7f800000u) == 0) {
        return uint16_t((u >> 16) & 0x8000u);
    }
    if ((u & 0x7fffffffu) > 0x7f800000u) {
        return uint16_t((u >> 16) | 0x0040u);
    }
    u += 0x7fffu + ((u >> 16) & 1u);
    return uint16_t(u >> 16);
}

// The pair (lo, hi) as VDPBF16PS reads it: lo in the low 16 bits.
uint32_t pair_bits(float lo, float hi) {
    return uint32_t(to_bf16(lo)) | uint32_t(to_bf16(hi)) << 16;
}

// Packs weight(row, j, k) for rows < n_rows, pair index j < n_pairs, k < K into
// [row block][j][k][R] as pair_bits(weight(row, 2j, k), weight(row, 2j+1, k)); zero past the
// rows, and the second element of the last pair is 0 when the pair dimension n_ch is odd.
template <typename F>
void pack_weight_pairs(size_t n_rows, size_t n_ch, size_t K, size_t R, std::vector<uint32_t> & wp,
                       F && weight) {
    const size_t n_pairs = (n_ch + 1) / 2, blocks = (n_rows + R - 1) / R;
    wp.assign(blocks * n_pairs * K * R, 0u);
    for (size_t row = 0; row < n_rows; row++) {
        uint32_t * dst = wp.data() + (row / R) * n_pairs * K * R + row % R;
        for (size_t j = 0; j < n_pairs; j++) {
            for (size_t k = 0; k < K; k++) {
                const float lo       = weight(row, 2 * j, k);
                const float hi       = 2 * j + 1 < n_ch ? weight(row, 2 * j + 1, k) : 0.0f;
                dst[(j * K + k) * R] = pair_bits(lo, hi);
            }
        }
    }
}

// 16 floats of row[s .. s+16), zero where s + l is outside [0, T) (row may be null: all zero).
NN_BF16_INLINE __m512 load_row16(const float * row, ptrdiff_t s, size_t T) {
    if (row == nullptr) {
        return _mm512_setzero_ps();
    }
    if (s >= 0 && size_t(s) + LANES <= T) {
        return _mm512_loadu_ps(row + s);
    }
    float tmp[LANES];
    for (size_t l = 0; l < LANES; l++) {
        const ptrdiff_t u = s + ptrdiff_t(l);
        tmp[l]            = u >= 0 && size_t(u) < T ? row[u] : 0.0f;
    }
    return _mm512_loadu_ps(tmp);
}

// 16 pairs: 32-bit lane l = (bf16(lo[l]), bf16(hi[l])). cvtne2ps puts lo's 16 words below hi's;
// the word permutation interleaves them.
NN_BF16_INLINE __m512i pair16(__m512 lo, __m512 hi) {
    alignas(64) static const uint16_t interleave[32] = {0,  16, 1,  17, 2,  18, 3,  19, 4,  20, 5,
                                                        21, 6,  22, 7,  23, 8,  24, 9,  25, 10, 26,
                                                        11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
    const __m512i                     both           = (__m512i) _mm512_cvtne2ps_pbh(hi, lo);
    return _mm512_permutexvar_epi16(_mm512_load_si512(interleave), both);
}

// Rows [q_begin, q_end) of the forward window: win[q][j] = (in[2q, j0 + j], in[2q+1, j0 + j])
// for j < W (a multiple of 16); zero outside [0, T) and for channel C when C is odd.
NN_BF16_TARGET void pack_window(const float * in, size_t C, size_t T, ptrdiff_t j0, size_t W,
                                uint32_t * win, size_t q_begin, size_t q_end) {
    for (size_t q = q_begin; q < q_end; q++) {
        const float * lo  = in + 2 * q * T;
        const float * hi  = 2 * q + 1 < C ? lo + T : nullptr;
        uint32_t *    dst = win + q * W;
        for (size_t j = 0; j < W; j += LANES) {
            const ptrdiff_t s = j0 + ptrdiff_t(j);
            _mm512_storeu_si512(dst + j, pair16(load_row16(lo, s, T), load_row16(hi, s, T)));
        }
    }
}

// In-register transpose of a 16x16 matrix of 32-bit elements (r[i] = row i).
NN_BF16_INLINE void transpose16(__m512i r[16]) {
    __m512i t[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i]     = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {
        r[4 * i + 0] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
        r[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
        r[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
        r[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
    }
    for (int h = 0; h < 2; h++) {
        for (int j = 0; j < 4; j++) {
            t[8 * h + j]     = _mm512_shuffle_i32x4(r[8 * h + j], r[8 * h + 4 + j], 0x88);
            t[8 * h + 4 + j] = _mm512_shuffle_i32x4(r[8 * h + j], r[8 * h + 4 + j], 0xdd);
        }
    }
    for (int j = 0; j < 8; j++) {
        r[j]     = _mm512_shuffle_i32x4(t[j], t[8 + j], 0x88);
        r[8 + j] = _mm512_shuffle_i32x4(t[j], t[8 + j], 0xdd);
    }
}

// One 16-channel x 16-pair block of dyt[p][o] = (dy[o, s0 + 2p], dy[o, s0 + 2p + 1]) for the dw
// chunk of n times at s0: zero past the chunk and for o >= C. dyt rows are Wo pairs wide.
NN_BF16_TARGET void pack_dy_block(const float * dy, size_t C, size_t T, size_t s0, size_t n,
                                  size_t o0, size_t p0, uint32_t * dyt, size_t Wo) {
    __m512i r[16];
    for (size_t l = 0; l < 16; l++) {
        const float *   row = o0 + l < C ? dy + (o0 + l) * T + s0 : nullptr;
        const ptrdiff_t s   = ptrdiff_t(2 * p0);
        // times 2p0 .. 2p0+31 of the chunk, in order: 32-bit element e = times (2e, 2e+1)
        r[l] = (__m512i) _mm512_cvtne2ps_pbh(load_row16(row, s + 16, n), load_row16(row, s, n));
    }
    transpose16(r);
    for (size_t e = 0; e < 16; e++) {
        _mm512_storeu_si512(dyt + (p0 + e) * Wo + o0, r[e]);
    }
}

// Row i of the dw window: xb[i][u] = bf16(x[i, j0 + u]) for u < Wx (a multiple of 16); zero
// outside [0, T) and for i >= C.
NN_BF16_TARGET void pack_x_row(const float * x, size_t C, size_t T, ptrdiff_t j0, size_t i,
                               size_t Wx, uint16_t * xb) {
    const float * row = i < C ? x + i * T : nullptr;
    for (size_t u = 0; u < Wx; u += LANES) {
        const __m256i h = (__m256i) _mm512_cvtneps_pbh(load_row16(row, j0 + ptrdiff_t(u), T));
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(xb + i * Wx + u), h);
    }
}

// ----------------------------------------------------------------------------
// forward and dx: tiles over a packed window

// out[r, t0 + t] = init[r] + sum_{q, k} wp(r, q, k) . win[q][t + k*D] for t < n.
struct window_conv {
    const uint32_t * win; // (P, W)
    size_t           W;
    const uint32_t * wp;   // [row block][P][K][R]
    const float *    bias; // (C_out) or null
    float *          out;  // row o at out + o * T_out
    size_t           C_out, T_out, P, K, D, t0, n;
};

constexpr int    CONV_R = 8, CONV_NV = 3;      // 24 accumulators, 3 loads + 8 broadcasts
constexpr size_t CONV_TW    = CONV_NV * LANES; // times per tile
constexpr size_t CONV_CHUNK = CONV_TW * 256;   // output times per packed window
constexpr size_t DW_CHUNK   = 8192;            // times per packed dw window (even)
constexpr size_t DW_TC      = 128;             // pairs per register accumulation
constexpr int    DW_MR      = 8;               // x channels per dw tile

// Tiles [begin, end); tile = time block * n_rb + row block (row blocks of one time block run
// back to back, so they share the window's cache lines).
NN_BF16_TARGET void window_conv_tiles(const window_conv & p, size_t begin, size_t end) {
    constexpr int R = CONV_R, NV = CONV_NV;
    const size_t  n_rb = (p.C_out + R - 1) / R;
    for (size_t tile = begin; tile < end; tile++) {
        const size_t rb = tile % n_rb, c0 = tile / n_rb * CONV_TW;
        const size_t o0 = rb * R, rows = std::min(size_t(R), p.C_out - o0);
        const size_t cols = std::min(CONV_TW, p.n - c0);
        __m512       acc[R][NV];
        for (int r = 0; r < R; r++) {
            const float init =
                p.bias != nullptr && size_t(r) < rows ? p.bias[o0 + size_t(r)] : 0.0f;
            for (int v = 0; v < NV; v++)
                acc[r][v] = _mm512_set1_ps(init);
        }
        const uint32_t * wp = p.wp + rb * p.P * p.K * size_t(R);
        for (size_t q = 0; q < p.P; q++) {
            const uint32_t * row = p.win + q * p.W + c0;
            for (size_t k = 0; k < p.K; k++) {
                const uint32_t * in = row + k * p.D;
                __m512i          xv[NV];
                for (int v = 0; v < NV; v++)
                    xv[v] = _mm512_loadu_si512(in + size_t(v) * LANES);
                for (int r = 0; r < R; r++) {
                    const __m512bh wv = (__m512bh) _mm512_set1_epi32(int(wp[r]));
                    for (int v = 0; v < NV; v++) {
                        acc[r][v] = _mm512_dpbf16_ps(acc[r][v], (__m512bh) xv[v], wv);
                    }
                }
                wp += R;
            }
        }
        float * out = p.out + o0 * p.T_out + p.t0 + c0;
        for (size_t r = 0; r < rows; r++) {
            for (size_t v = 0; v < size_t(NV) && v * LANES < cols; v++) {
                const size_t    left = cols - v * LANES;
                const __mmask16 m = left >= LANES ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
                _mm512_mask_storeu_ps(out + r * p.T_out + v * LANES, m, acc[r][size_t(v)]);
            }
        }
    }
}

// The calling thread's reusable buffers: the windows are a few MB, and fresh pages every call
// would cost the kernel's page zeroing each time. Workers only see pointers taken from them.
struct scratch {
    std::vector<uint32_t> wp, win, dyt;
    std::vector<uint16_t> xb;
    std::vector<float>    out;
};
scratch & thread_scratch() {
    thread_local scratch s;
    return s;
}

// out (B, C_out, T_out) = conv of in (B, C_in, T_in) with the packed weight s.wp: output time t
// reads input times t + k*D + off. Chunk by chunk of output times: pack the window, then tiles.
void run_window_conv(const float * in, size_t C_in, size_t T_in, float * out, size_t C_out,
                     size_t T_out, const float * bias, size_t B, size_t K, size_t D, ptrdiff_t off,
                     scratch & s) {
    const size_t P = (C_in + 1) / 2, span = (K - 1) * D, n_rb = (C_out + CONV_R - 1) / CONV_R;
    for (size_t b = 0; b < B; b++) {
        const float * in_b  = in + b * C_in * T_in;
        float *       out_b = out + b * C_out * T_out;
        for (size_t t0 = 0; t0 < T_out; t0 += CONV_CHUNK) {
            const size_t n = std::min(CONV_CHUNK, T_out - t0), n_tb = (n + CONV_TW - 1) / CONV_TW;
            const size_t W = (n_tb * CONV_TW + span + LANES - 1) / LANES * LANES;
            s.win.resize(P * W);
            uint32_t *      win = s.win.data();
            const ptrdiff_t j0  = ptrdiff_t(t0) + off;
            nn_parallel_for(P, 2, [&](size_t q0, size_t q1) {
                pack_window(in_b, C_in, T_in, j0, W, win, q0, q1);
            });
            const window_conv p{win, W, s.wp.data(), bias, out_b, C_out, T_out, P, K, D, t0, n};
            nn_parallel_for(n_tb * n_rb, 1,
                            [&](size_t begin, size_t end) { window_conv_tiles(p, begin, end); });
        }
    }
}

// ----------------------------------------------------------------------------
// dw: tiles over the packed x and dy windows

// out[k][i][o] += sum_{p < n2} (xb[i][2p + k*D], xb[i][2p + 1 + k*D]) . dyt[p][o]
struct window_dw {
    const uint16_t * xb; // (n_a, Wx)
    size_t           Wx;
    const uint32_t * dyt; // (n2 rounded up to 16, Wo)
    size_t           Wo, n2, K, D, n_a;
    float *          out; // (K, n_a, Wo)
};

// Tiles [begin, end); tile = (k * n_mb + x block) * n_vb + dy block, each an MR x NV-vector
// register block accumulated over DW_TC pairs at a time, then added to out.
template <int MR, int NV>
NN_BF16_INLINE void window_dw_tiles(const window_dw & p, size_t begin, size_t end) {
    constexpr size_t NW   = size_t(NV) * LANES;
    const size_t     n_mb = p.n_a / MR, n_vb = p.Wo / NW;
    for (size_t p0 = 0; p0 < p.n2; p0 += DW_TC) {
        const size_t steps = std::min(p.n2 - p0, DW_TC);
        for (size_t tile = begin; tile < end; tile++) {
            const size_t     vb = tile % n_vb, mb = tile / n_vb % n_mb, k = tile / n_vb / n_mb;
            const uint16_t * a  = p.xb + mb * MR * p.Wx + 2 * p0 + k * p.D;
            const uint32_t * bq = p.dyt + p0 * p.Wo + vb * NW;
            __m512           acc[MR][NV];
            for (int m = 0; m < MR; m++) {
                for (int v = 0; v < NV; v++)
                    acc[m][v] = _mm512_setzero_ps();
            }
            for (size_t t = 0; t < steps; t++) {
                __m512i bv[NV];
                for (int v = 0; v < NV; v++)
                    bv[v] = _mm512_loadu_si512(bq + size_t(v) * LANES);
                for (int m = 0; m < MR; m++) {
                    uint32_t xp; // the pair x[2p + k*D], x[2p + 1 + k*D]: any alignment
                    std::memcpy(&xp, a + size_t(m) * p.Wx + 2 * t, sizeof(xp));
                    const __m512bh xv = (__m512bh) _mm512_set1_epi32(int(xp));
                    for (int v = 0; v < NV; v++) {
                        acc[m][v] = _mm512_dpbf16_ps(acc[m][v], (__m512bh) bv[v], xv);
                    }
                }
                bq += p.Wo;
            }
            float * out = p.out + (k * p.n_a + mb * MR) * p.Wo + vb * NW;
            for (int m = 0; m < MR; m++) {
                for (int v = 0; v < NV; v++) {
                    float * dst = out + size_t(m) * p.Wo + size_t(v) * LANES;
                    _mm512_storeu_ps(dst, _mm512_add_ps(_mm512_loadu_ps(dst), acc[m][v]));
                }
            }
        }
    }
}

using dw_fn = void (*)(const window_dw &, size_t, size_t);
NN_BF16_TARGET void dw_tiles_1(const window_dw & p, size_t b, size_t e) {
    window_dw_tiles<DW_MR, 1>(p, b, e);
}
NN_BF16_TARGET void dw_tiles_2(const window_dw & p, size_t b, size_t e) {
    window_dw_tiles<DW_MR, 2>(p, b, e);
}
NN_BF16_TARGET void dw_tiles_3(const window_dw & p, size_t b, size_t e) {
    window_dw_tiles<DW_MR, 3>(p, b, e);
}

} // namespace

// ----------------------------------------------------------------------------
// entry points (called by conv1d.cpp after its checks)

void conv1d_bf16_forward(const float * x, const float * w, const float * bias, float * y, size_t B,
                         size_t C_in, size_t C_out, size_t T_in, size_t K, size_t D, size_t pad) {
    scratch & s = thread_scratch();
    // wp[o block][q][k][r] = (w[o, 2q, k], w[o, 2q+1, k])
    pack_weight_pairs(C_out, C_in, K, CONV_R, s.wp,
                      [&](size_t o, size_t i, size_t k) { return w[(o * C_in + i) * K + k]; });
    run_window_conv(x, C_in, T_in, y, C_out, conv1d_out_length(T_in, K, D, pad), bias, B, K, D,
                    -ptrdiff_t(pad), s);
}

void conv1d_bf16_backward_dx(const float * w, const float * dy, float * dx, size_t B, size_t C_in,
                             size_t C_out, size_t T_in, size_t K, size_t D, size_t pad) {
    // dx[b, i, s] = sum_{o, k'} w[o, i, K-1-k'] * dy[b, o, s + k'*D + pad - (K-1)*D]:
    // wp[i block][q][k'][r] = (w[2q, i, K-1-k'], w[2q+1, i, K-1-k'])
    scratch & s = thread_scratch();
    pack_weight_pairs(C_in, C_out, K, CONV_R, s.wp, [&](size_t i, size_t o, size_t k) {
        return w[(o * C_in + i) * K + (K - 1 - k)];
    });
    run_window_conv(dy, C_out, conv1d_out_length(T_in, K, D, pad), dx, C_in, T_in, nullptr, B, K, D,
                    ptrdiff_t(pad) - ptrdiff_t((K - 1) * D), s);
}

void conv1d_bf16_backward_dw(const float * x, const float * dy, float * dw, size_t B, size_t C_in,
                             size_t C_out, size_t T_in, size_t K, size_t D, size_t pad) {
    // dy's channels on the vector side, in the fewest padded lanes (ties: the wider tile).
    size_t NV = 3;
    for (size_t nv : {size_t(2), size_t(1)}) {
        if ((C_out + nv * LANES - 1) / (nv * LANES) * nv <
            (C_out + NV * LANES - 1) / (NV * LANES) * NV) {
            NV = nv;
        }
    }
    const dw_fn  fn    = NV == 3 ? dw_tiles_3 : NV == 2 ? dw_tiles_2 : dw_tiles_1;
    const size_t T_out = conv1d_out_length(T_in, K, D, pad), span = (K - 1) * D;
    const size_t Wo    = (C_out + NV * LANES - 1) / (NV * LANES) * (NV * LANES);
    const size_t n_a   = (C_in + DW_MR - 1) / DW_MR * DW_MR;
    const size_t tiles = K * (n_a / DW_MR) * (Wo / (NV * LANES));
    scratch &    s     = thread_scratch();
    s.out.assign(K * n_a * Wo, 0.0f);
    float * out = s.out.data();
    for (size_t b = 0; b < B; b++) {
        const float * x_b  = x + b * C_in * T_in;
        const float * dy_b = dy + b * C_out * T_out;
        for (size_t s0 = 0; s0 < T_out; s0 += DW_CHUNK) {
            const size_t n = std::min(DW_CHUNK, T_out - s0), n2 = (n + 1) / 2;
            const size_t p_blocks = (n2 + 15) / 16, o_blocks = (C_out + 15) / 16;
            const size_t Wx = (2 * n2 + span + LANES - 1) / LANES * LANES;
            s.xb.resize(n_a * Wx);
            s.dyt.resize(p_blocks * 16 * Wo);
            uint16_t *      xb  = s.xb.data();
            uint32_t *      dyt = s.dyt.data();
            const ptrdiff_t j0  = ptrdiff_t(s0) - ptrdiff_t(pad);
            // items [0, n_a): rows of xb; then the dyt blocks, o block-major. Lanes past C_out
            // up to Wo are never read into a kept output, but are zeroed once for finiteness.
            if (o_blocks * 16 < Wo) {
                for (size_t pr = 0; pr < p_blocks * 16; pr++) {
                    std::fill(dyt + pr * Wo + o_blocks * 16, dyt + (pr + 1) * Wo, 0u);
                }
            }
            nn_parallel_for(n_a + o_blocks * p_blocks, 1, [&](size_t begin, size_t end) {
                for (size_t item = begin; item < end; item++) {
                    if (item < n_a) {
                        pack_x_row(x_b, C_in, T_in, j0, item, Wx, xb);
                    } else {
                        const size_t blk = item - n_a;
                        pack_dy_block(dy_b, C_out, T_out, s0, n, blk / p_blocks * 16,
                                      blk % p_blocks * 16, dyt, Wo);
                    }
                }
            });
            const window_dw p{xb, Wx, dyt, Wo, n2, K, D, n_a, out};
            nn_parallel_for(tiles, 1, [&](size_t begin, size_t end) { fn(p, begin, end); });
        }
    }
    for (size_t o = 0; o < C_out; o++) {
        for (size_t i = 0; i < C_in; i++) {
            for (size_t k = 0; k < K; k++) {
                dw[(o * C_in + i) * K + k] += out[(k * n_a + i) * Wo + o];
            }
        }
    }
}

#if !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic pop
#endif

#else // no bf16 kernels in this build: the precision never becomes bf16, so conv1d.cpp never
      // calls these; should it, they are the reference loops (exact fp32, not bf16)

void conv1d_bf16_forward(const float * x, const float * w, const float * bias, float * y, size_t B,
                         size_t C_in, size_t C_out, size_t T_in, size_t K, size_t D, size_t pad) {
    conv1d_forward_ref(x, w, bias, y, B, C_in, C_out, T_in, K, D, pad);
}
void conv1d_bf16_backward_dx(const float * w, const float * dy, float * dx, size_t B, size_t C_in,
                             size_t C_out, size_t T_in, size_t K, size_t D, size_t pad) {
    conv1d_backward_ref(static_cast<const float *>(nullptr), w, dy, dx,
                        static_cast<float *>(nullptr), static_cast<float *>(nullptr), B, C_in,
                        C_out, T_in, K, D, pad);
}
void conv1d_bf16_backward_dw(const float * x, const float * dy, float * dw, size_t B, size_t C_in,
                             size_t C_out, size_t T_in, size_t K, size_t D, size_t pad) {
    conv1d_backward_ref(x, static_cast<const float *>(nullptr), dy, static_cast<float *>(nullptr),
                        dw, static_cast<float *>(nullptr), B, C_in, C_out, T_in, K, D, pad);
}

#endif // NN_CONV_BF16_KERNELS
