// conv1d.cu: the stride-1 dilated 1-D convolution (nn/conv1d.h) as implicit GEMM on tensor
// cores, checked against cpu/conv1d.cpp by test/native/test-conv1d-dev.cpp. Tiles and the GEMM
// view of each pass: cuda/conv1d.cuh.
//   y[co, t]       = bias[co] + Σ_{ci,k} w[co, ci, k] · x[ci, t + k·D − pad]   (x = 0 outside)
//   dx[ci, s]      = Σ_{co,k} w[co, ci, k] · dy[co, s + pad − k·D]           (written, =)
//   dw[co, ci, k] += Σ_t dy[co, t] · x[ci, t + k·D − pad]                      (added, +=)
//   dbias[co]     += Σ_t dy[co, t]                                             (added, +=)
// Shapes: x (C_in, T_in), w (C_out, C_in, K), bias (C_out), y and dy (C_out, T_out),
// T_out = T_in + 2·pad − D·(K − 1).
// Precision: NN_CONV_BF16 rounds x, w and dy to bf16 (nearest even) into m16n8k16 tiles with f32
// accumulation (bias, dbias and the epilogue stay fp32, as the CPU's bf16 path); NN_CONV_FP32
// splits each operand into tf32 parts, hi = tf32(v) and lo = tf32(v − hi), so v = hi + lo to
// ~2^-22 of v, and adds a_lo·b_hi + a_hi·b_lo + a_hi·b_hi on m16n8k8 tiles (3xTF32): with the
// dropped a_lo·b_lo (~2^-22 of a product) the result keeps float accuracy, not tf32's 2^-11
// (NMSE ~1e-13 against double in the tests, hi·hi alone 1e-8 .. 2e-7).
// Determinism: every output element is one block's sum in a fixed order (no atomics), so reruns
// are bitwise identical. The bias is added after the sum (the CPU adds it first: rounding only).

#include <climits>

#include "cpu/conv1d-impl.h"
#include "cuda/common.cuh"
#include "cuda/conv1d.cuh"
#include "cuda/device-ops.h"

// Member functions of the operand structs run in kernels (KX_DEVICE is for free functions).
#if defined(NN_SIM)
#define CONV1D_MEMBER inline
#define CONV1D_UNROLL
#else
#define CONV1D_MEMBER __device__ __forceinline__
#define CONV1D_UNROLL _Pragma("unroll")
#endif

// ----------------------------------------------------------------------------
// the three GEMMs: operands gathered from the tensors, the epilogue writing C

namespace {

// Each op gathers its own tiles (gather_a, gather_b: thread tid's A_PER / B_PER values of the
// step at k0, in the kernel's order i = tid + j·CONV1D_THREADS) and writes C (store). An im2col
// index kk = ch·K + k is split once per step and then walked (conv1d_tap), not divided per
// element: the gathers, not the mma, bound these kernels' instruction count.

/** im2col indices kk = ch·K + k from a start, advanced by a fixed step without division. */
struct conv1d_tap {
    int ch, k;
    CONV1D_MEMBER conv1d_tap(int kk, int K) : ch(kk / K), k(kk - (kk / K) * K) {}
    CONV1D_MEMBER void advance(int step, int K) {
        k += step;
        while (k >= K) {
            k -= K;
            ch++;
        }
    }
};

/** A tile (BM × BK) of a row-major (rows × cols) matrix with leading dimension ld, 0 outside:
 * thread tid takes column k0 + tid % BK and rows m0 + tid / BK + j·(threads / BK). */
template <int BM>
KX_DEVICE void conv1d_gather_rows(const float * src, int rows, int cols, size_t ld, int m0,
                                  int k0, int tid, float * out) {
    constexpr int ROW_STEP = CONV1D_THREADS / CONV1D_BK;
    const int     c        = k0 + tid % CONV1D_BK;
    CONV1D_UNROLL
    for (int j = 0; j < BM / ROW_STEP; j++) {
        const int m = m0 + tid / CONV1D_BK + j * ROW_STEP;
        out[j]      = m < rows && c < cols ? src[static_cast<size_t>(m) * ld + c] : 0.0f;
    }
}

/** x[tap.ch, t + tap.k·D − pad] for COUNT im2col indices from tap in steps of STEP, 0 outside x
 * and for t ≥ T_out: the forward's B and dw's B are the same im2col(x), walked along different
 * axes. Op: conv1d_fwd_op or conv1d_dw_op (x, C_in, T_in, T_out, K, D, pad). */
template <int COUNT, int STEP, class Op>
KX_DEVICE void conv1d_gather_x(const Op & op, int t, conv1d_tap tap, float * out) {
    CONV1D_UNROLL
    for (int j = 0; j < COUNT; j++) {
        const int s = t + tap.k * op.D - op.pad;
        out[j]      = tap.ch < op.C_in && t < op.T_out && s >= 0 && s < op.T_in
                          ? op.x[static_cast<size_t>(tap.ch) * op.T_in + s]
                          : 0.0f;
        tap.advance(STEP, op.K);
    }
}

/** forward: M = C_out, N = T_out, Kd = C_in·K; A = w as (C_out, C_in·K), B = im2col(x). */
struct conv1d_fwd_op {
    static constexpr bool B_K_FASTEST = false; // B(kk, n) is contiguous along n = t
    const float *         x, *w, *bias;
    float *               y;
    int                   C_in, C_out, T_in, T_out, K, D, pad, leaky;
    float                 slope;

    CONV1D_MEMBER int rows() const { return C_out; }
    CONV1D_MEMBER int cols() const { return T_out; }
    CONV1D_MEMBER int depth() const { return C_in * K; }
    // A(co, kk) = w[co, kk] with kk = ci·K + k
    template <int BM>
    CONV1D_MEMBER void gather_a(int m0, int k0, int tid, float * out) const {
        conv1d_gather_rows<BM>(w, C_out, C_in * K, static_cast<size_t>(C_in) * K, m0, k0, tid,
                               out);
    }
    // B(kk, t) = x[ci, t + k·D − pad]: column t = n0 + tid % BN, rows kk in steps of 128 / BN
    template <int BN>
    CONV1D_MEMBER void gather_b(int n0, int k0, int tid, float * out) const {
        constexpr int ROW_STEP = CONV1D_THREADS / BN;
        conv1d_gather_x<CONV1D_BK / ROW_STEP, ROW_STEP>(*this, n0 + tid % BN,
                                                         conv1d_tap(k0 + tid / BN, K), out);
    }
    CONV1D_MEMBER void store(int co, int t, float v) const {
        if (bias != nullptr) {
            v += bias[co];
        }
        if (leaky != 0 && !(v > 0.0f)) {
            v *= slope;
        }
        y[static_cast<size_t>(co) * T_out + t] = v;
    }
};

/** dx: M = C_in, N = T_in, Kd = C_out·K; A(ci, co·K + k) = w[co, ci, k], B = im2col'(dy). */
struct conv1d_dx_op {
    static constexpr bool B_K_FASTEST = false; // B(kk, n) is contiguous along n = s
    const float *         w, *dy;
    float *               dx;
    int                   C_in, C_out, T_in, T_out, K, D, pad;

    CONV1D_MEMBER int rows() const { return C_in; }
    CONV1D_MEMBER int cols() const { return T_in; }
    CONV1D_MEMBER int depth() const { return C_out * K; }
    // A(ci, kk): the thread's column kk = k0 + tid % BK is one (co, k); its rows are ci
    template <int BM>
    CONV1D_MEMBER void gather_a(int m0, int k0, int tid, float * out) const {
        constexpr int    ROW_STEP = CONV1D_THREADS / CONV1D_BK;
        const conv1d_tap tap(k0 + tid % CONV1D_BK, K);
        CONV1D_UNROLL
        for (int j = 0; j < BM / ROW_STEP; j++) {
            const int ci = m0 + tid / CONV1D_BK + j * ROW_STEP;
            out[j]       = ci < C_in && tap.ch < C_out
                               ? w[(static_cast<size_t>(tap.ch) * C_in + ci) * K + tap.k]
                               : 0.0f;
        }
    }
    // B(co·K + k, s) = dy[co, s + pad − k·D]
    template <int BN>
    CONV1D_MEMBER void gather_b(int n0, int k0, int tid, float * out) const {
        constexpr int ROW_STEP = CONV1D_THREADS / BN;
        const int     s        = n0 + tid % BN;
        conv1d_tap    tap(k0 + tid / BN, K);
        CONV1D_UNROLL
        for (int j = 0; j < CONV1D_BK / ROW_STEP; j++) {
            const int t = s + pad - tap.k * D;
            out[j]      = tap.ch < C_out && s < T_in && t >= 0 && t < T_out
                              ? dy[static_cast<size_t>(tap.ch) * T_out + t]
                              : 0.0f;
            tap.advance(ROW_STEP, K);
        }
    }
    CONV1D_MEMBER void store(int ci, int s, float v) const {
        dx[static_cast<size_t>(ci) * T_in + s] = v;
    }
};

/** dw: M = C_out, N = C_in·K, Kd = T_out; A = dy, B(t, ci·K + k) = x[ci, t + k·D − pad]. */
struct conv1d_dw_op {
    static constexpr bool B_K_FASTEST = true; // B(kk, n) is contiguous along kk = t
    const float *         x, *dy;
    float *               dw;
    int                   C_in, C_out, T_in, T_out, K, D, pad;

    CONV1D_MEMBER int rows() const { return C_out; }
    CONV1D_MEMBER int cols() const { return C_in * K; }
    CONV1D_MEMBER int depth() const { return T_out; }
    template <int BM>
    CONV1D_MEMBER void gather_a(int m0, int k0, int tid, float * out) const {
        conv1d_gather_rows<BM>(dy, C_out, T_out, static_cast<size_t>(T_out), m0, k0, tid, out);
    }
    // B(t, n): row t = k0 + tid % BK, columns n = (ci, k) in steps of 128 / BK
    template <int BN>
    CONV1D_MEMBER void gather_b(int n0, int k0, int tid, float * out) const {
        constexpr int COL_STEP = CONV1D_THREADS / CONV1D_BK;
        conv1d_gather_x<BN / COL_STEP, COL_STEP>(*this, k0 + tid % CONV1D_BK,
                                                 conv1d_tap(n0 + tid / CONV1D_BK, K), out);
    }
    CONV1D_MEMBER void store(int co, int n, float v) const {
        dw[static_cast<size_t>(co) * (C_in * K) + n] += v;
    }
};

/** One GEMM to launch: its operands (Op), its tile (Tile), its precision: one kernel type. */
template <class Op_, class Tile, bool BF16_>
struct conv1d_gemm {
    using Op                    = Op_;
    static constexpr int  BM = Tile::BM, BN = Tile::BN;
    static constexpr int  WARPS_M = Tile::WARPS_M, WARPS_N = Tile::WARPS_N;
    static constexpr bool BF16 = BF16_;
    Op_                   op;
};

} // namespace

// ----------------------------------------------------------------------------
// CUDA kernels

/** v = hi + lo with hi = tf32(v) and lo = tf32(v − hi) (v − hi is exact in float). */
KX_DEVICE void conv1d_split_tf32(float v, uint32_t & hi, uint32_t & lo) {
    hi = kx::to_tf32(v);
    lo = kx::to_tf32(v - kx::bits_float(hi));
}

// grid (ceil(N / BN), ceil(M / BM)), block CONV1D_THREADS: the block at (bx, by) computes
// C[by·BM .. +BM, bx·BN .. +BN] over the whole reduction Kd in CONV1D_BK steps.
//   a_tile (BM, BK + 4): A[m0 + r, k0 + c]; b_tile (BK, BN + 4): B[k0 + r, n0 + c]
// The + 4 padding: a warp's fragment reads hit 32 distinct banks for tf32 A and bf16 B, two
// lanes per bank for bf16 A and tf32 B (a float tile serves both precisions; a packed bf16 tile
// would halve the reads: a later optimisation, as cp.async double buffering is).
template <class G>
KX_GLOBAL void conv1d_gemm_kernel(G g) {
    constexpr int BM = G::BM, BN = G::BN, BK = CONV1D_BK;
    constexpr int TM = BM / G::WARPS_M, TN = BN / G::WARPS_N; // one warp's piece
    constexpr int MI = TM / 16, NI = TN / 8;                  // its 16 × 8 mma tiles
    constexpr int A_STRIDE = BK + 4, B_STRIDE = BN + 4;
    static_assert(G::WARPS_M * G::WARPS_N * 32 == CONV1D_THREADS, "four warps per block");
    static_assert(TM % 16 == 0 && TN % 8 == 0 && BK % 16 == 0, "whole mma tiles");
    KX_SHARED(float, a_tile, BM * A_STRIDE);
    KX_SHARED(float, b_tile, BK * B_STRIDE);

    const int      tid  = static_cast<int>(kx::thread_idx().x);
    const unsigned lane = kx::lane_id();
    const int      warp = tid / 32;
    const int      m0   = static_cast<int>(kx::block_idx().y) * BM;
    const int      n0   = static_cast<int>(kx::block_idx().x) * BN;
    const int      wm   = (warp / G::WARPS_N) * TM, wn = (warp % G::WARPS_N) * TN;
    const int      depth = g.op.depth();

    kx::mma_frag_c acc[MI][NI];
    CONV1D_UNROLL
    for (int mi = 0; mi < MI; mi++) {
        CONV1D_UNROLL
        for (int ni = 0; ni < NI; ni++) {
            CONV1D_UNROLL
            for (int e = 0; e < 4; e++) {
                acc[mi][ni].r[e] = 0.0f;
            }
        }
    }

    // gather (the ops' gather_a/b): consecutive threads take consecutive addresses of the
    // operand's fast index. The next step's values are loaded into registers while the warps
    // multiply the current tiles.
    constexpr int A_PER = BM * BK / CONV1D_THREADS, B_PER = BK * BN / CONV1D_THREADS;
    static_assert(A_PER * CONV1D_THREADS == BM * BK && B_PER * CONV1D_THREADS == BK * BN,
                  "whole tiles per thread");
    static_assert(CONV1D_THREADS % BN == 0 && CONV1D_THREADS % BK == 0, "whole rows per pass");
    float a_next[A_PER], b_next[B_PER];
    auto  gather = [&](int k0) {
        g.op.template gather_a<BM>(m0, k0, tid, a_next);
        g.op.template gather_b<BN>(n0, k0, tid, b_next);
    };
    if (depth > 0) {
        gather(0);
    }

    for (int k0 = 0; k0 < depth; k0 += BK) {
        CONV1D_UNROLL
        for (int j = 0; j < A_PER; j++) {
            const int i = tid + j * CONV1D_THREADS;
            a_tile[(i / BK) * A_STRIDE + i % BK] = a_next[j];
        }
        CONV1D_UNROLL
        for (int j = 0; j < B_PER; j++) {
            const int i = tid + j * CONV1D_THREADS;
            const int r = G::Op::B_K_FASTEST ? i % BK : i / BN;
            const int c = G::Op::B_K_FASTEST ? i / BK : i % BN;
            b_tile[r * B_STRIDE + c] = b_next[j];
        }
        kx::sync_threads(); // tiles complete before any warp reads them
        if (k0 + BK < depth) {
            gather(k0 + BK);
        }

        if constexpr (G::BF16) {
            CONV1D_UNROLL
            for (int ks = 0; ks < BK; ks += 16) {
                kx::mma_frag_a fa[MI];
                kx::mma_frag_b fb[NI];
                CONV1D_UNROLL
                for (int mi = 0; mi < MI; mi++) {
                    CONV1D_UNROLL
                    for (int j = 0; j < 4; j++) { // elements 2j, 2j + 1: adjacent columns
                        const int row = wm + mi * 16 + kx::mma_a_row(lane, 2 * j);
                        const int col = ks + kx::mma_a_col(lane, 2 * j);
                        fa[mi].r[j]   = kx::pack_bf16x2(a_tile[row * A_STRIDE + col],
                                                        a_tile[row * A_STRIDE + col + 1]);
                    }
                }
                CONV1D_UNROLL
                for (int ni = 0; ni < NI; ni++) {
                    CONV1D_UNROLL
                    for (int j = 0; j < 2; j++) { // elements 2j, 2j + 1: adjacent rows (k)
                        const int row = ks + kx::mma_b_row(lane, 2 * j);
                        const int col = wn + ni * 8 + kx::mma_b_col(lane, 2 * j);
                        fb[ni].r[j]   = kx::pack_bf16x2(b_tile[row * B_STRIDE + col],
                                                        b_tile[(row + 1) * B_STRIDE + col]);
                    }
                }
                CONV1D_UNROLL
                for (int mi = 0; mi < MI; mi++) {
                    CONV1D_UNROLL
                    for (int ni = 0; ni < NI; ni++) {
                        kx::mma_frag_c d;
                        kx::mma_m16n8k16_bf16(d, fa[mi], fb[ni], acc[mi][ni]);
                        acc[mi][ni] = d;
                    }
                }
            }
        } else {
            CONV1D_UNROLL
            for (int ks = 0; ks < BK; ks += 8) {
                kx::mma_frag_a a_hi[MI], a_lo[MI];
                kx::mma_frag_b b_hi[NI], b_lo[NI];
                CONV1D_UNROLL
                for (int mi = 0; mi < MI; mi++) {
                    CONV1D_UNROLL
                    for (int e = 0; e < 4; e++) {
                        const int row = wm + mi * 16 + kx::mma_tf32_a_row(lane, e);
                        const int col = ks + kx::mma_tf32_a_col(lane, e);
                        conv1d_split_tf32(a_tile[row * A_STRIDE + col], a_hi[mi].r[e],
                                          a_lo[mi].r[e]);
                    }
                }
                CONV1D_UNROLL
                for (int ni = 0; ni < NI; ni++) {
                    CONV1D_UNROLL
                    for (int e = 0; e < 2; e++) {
                        const int row = ks + kx::mma_tf32_b_row(lane, e);
                        const int col = wn + ni * 8 + kx::mma_tf32_b_col(lane, e);
                        conv1d_split_tf32(b_tile[row * B_STRIDE + col], b_hi[ni].r[e],
                                          b_lo[ni].r[e]);
                    }
                }
                CONV1D_UNROLL
                for (int mi = 0; mi < MI; mi++) {
                    CONV1D_UNROLL
                    for (int ni = 0; ni < NI; ni++) {
                        // the small terms first, then the main product
                        kx::mma_frag_c d, e, f;
                        kx::mma_m16n8k8_tf32(d, a_lo[mi], b_hi[ni], acc[mi][ni]);
                        kx::mma_m16n8k8_tf32(e, a_hi[mi], b_lo[ni], d);
                        kx::mma_m16n8k8_tf32(f, a_hi[mi], b_hi[ni], e);
                        acc[mi][ni] = f;
                    }
                }
            }
        }
        kx::sync_threads(); // every warp is done reading before the next gather overwrites
    }

    // epilogue: element e of a 16 × 8 accumulator sits at (mma_c_row, mma_c_col)
    const int M = g.op.rows(), N = g.op.cols();
    CONV1D_UNROLL
    for (int mi = 0; mi < MI; mi++) {
        CONV1D_UNROLL
        for (int ni = 0; ni < NI; ni++) {
            CONV1D_UNROLL
            for (int e = 0; e < 4; e++) {
                const int m = m0 + wm + mi * 16 + kx::mma_c_row(lane, e);
                const int n = n0 + wn + ni * 8 + kx::mma_c_col(lane, e);
                if (m < M && n < N) {
                    g.op.store(m, n, acc[mi][ni].r[e]);
                }
            }
        }
    }
}

// dy (C_out, T_out) → dbias (C_out) +=; grid C_out, block CONV1D_THREADS. Thread i sums
// t = i, i + 128, … in order; lanes meet by a shuffle butterfly, warps in warp order.
KX_GLOBAL void conv1d_dbias_kernel(const float * dy, float * dbias, int T_out) {
    KX_SHARED(float, warp_sum, CONV1D_THREADS / 32);
    const int      co   = static_cast<int>(kx::block_idx().x);
    const int      tid  = static_cast<int>(kx::thread_idx().x);
    const float *  row  = dy + static_cast<size_t>(co) * T_out;
    float          sum  = 0.0f;
    for (int t = tid; t < T_out; t += CONV1D_THREADS) {
        sum += row[t];
    }
    for (int mask = 16; mask > 0; mask /= 2) {
        sum += kx::shfl_xor(sum, mask);
    }
    if (kx::lane_id() == 0) {
        warp_sum[tid / 32] = sum;
    }
    kx::sync_threads();
    if (tid == 0) {
        float total = 0.0f;
        for (int w = 0; w < CONV1D_THREADS / 32; w++) {
            total += warp_sum[w];
        }
        dbias[co] += total;
    }
}

// ----------------------------------------------------------------------------
// kernel launchers

template <class G>
static nn_status conv1d_gemm_launch(const G & g, cudaStream_t stream) {
    const unsigned grid_n = static_cast<unsigned>(ceil_div(g.op.cols(), G::BN));
    const unsigned grid_m = static_cast<unsigned>(ceil_div(g.op.rows(), G::BM));
    KX_LAUNCH(conv1d_gemm_kernel<G>, kx::dim3(grid_n, grid_m, 1), kx::dim3(CONV1D_THREADS, 1, 1),
              stream, g);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

/** Picks the tile (thin for 16 rows or fewer) and the precision's kernel for op. */
template <class Op>
static nn_status conv1d_gemm_dispatch(const Op & op, nn_conv_precision precision,
                                      cudaStream_t stream) {
    const bool thin = op.rows() <= 16;
    if (precision == NN_CONV_BF16) {
        return thin ? conv1d_gemm_launch(conv1d_gemm<Op, conv1d_tile_thin, true>{op}, stream)
                    : conv1d_gemm_launch(conv1d_gemm<Op, conv1d_tile_wide, true>{op}, stream);
    }
    return thin ? conv1d_gemm_launch(conv1d_gemm<Op, conv1d_tile_thin, false>{op}, stream)
                : conv1d_gemm_launch(conv1d_gemm<Op, conv1d_tile_wide, false>{op}, stream);
}

static nn_status conv1d_dbias_launch(const float * dy, float * dbias, int C_out, int T_out,
                                     cudaStream_t stream) {
    KX_LAUNCH(conv1d_dbias_kernel, kx::dim3(static_cast<unsigned>(C_out), 1, 1),
              kx::dim3(CONV1D_THREADS, 1, 1), stream, dy, dbias, T_out);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

namespace {

/** The shape of one call as ints (every index a kernel forms fits), or a failure message. */
struct conv1d_dims {
    int C_in, C_out, T_in, T_out, K, D, pad;
};

nn_status conv1d_check_dims(const char * op, size_t C_in, size_t C_out, size_t T_in, size_t K,
                            size_t D, size_t pad, nn_conv_precision precision, conv1d_dims * out) {
    if (C_in == 0 || C_out == 0 || T_in == 0 || K == 0 || D == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: C_in %zu, C_out %zu, T_in %zu, K %zu and D %zu must all be >= 1", op,
                       C_in, C_out, T_in, K, D);
    }
    if (precision != NN_CONV_FP32 && precision != NN_CONV_BF16) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: unknown precision %d", op,
                       static_cast<int>(precision));
    }
    const size_t LIMIT = static_cast<size_t>(INT_MAX);
    // every product the kernels form (offsets, t + k·D, C·K, C·T) must stay below INT_MAX
    // grid.y = ceil(C / 16) rows of tiles must stay within 65535 blocks
    const size_t C_MAX = size_t(65535) * 16;
    if (C_in > C_MAX || C_out > C_MAX || T_in > LIMIT / 4 || K > LIMIT || D > LIMIT / K ||
        pad > LIMIT / 4 || D * (K - 1) > LIMIT / 4 || C_in * K > LIMIT / 2 / C_out ||
        C_in > LIMIT / T_in || C_out > LIMIT / (T_in + 2 * pad)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: C_in %zu, C_out %zu, T_in %zu, K %zu, D %zu, pad %zu exceed the "
                       "kernels' 32-bit indices",
                       op, C_in, C_out, T_in, K, D, pad);
    }
    const size_t T_out = conv1d_out_length(T_in, K, D, pad);
    if (T_out == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: T_in %zu + 2*pad %zu is shorter than the kernel's span %zu", op, T_in,
                       2 * pad, D * (K - 1) + 1);
    }
    *out = {static_cast<int>(C_in), static_cast<int>(C_out), static_cast<int>(T_in),
            static_cast<int>(T_out), static_cast<int>(K),    static_cast<int>(D),
            static_cast<int>(pad)};
    return NN_STATUS_OK;
}

cudaStream_t conv1d_stream(nn_cuda_stream_t stream) {
    return reinterpret_cast<cudaStream_t>(stream);
}

} // namespace

nn_status KX_ENTRY(conv1d_forward_dev)(const float * x, const float * w, const float * bias,
                                       float * y, size_t C_in, size_t C_out, size_t T_in,
                                       size_t K, size_t D, size_t pad,
                                       nn_conv_precision precision, nn_dev_epilogue epilogue,
                                       float leaky_slope, nn_cuda_stream_t stream) {
    const char * OP = "conv1d_forward_dev";
    if (x == nullptr || w == nullptr || y == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x, w and y must not be null", OP);
    }
    if (epilogue != NN_DEV_EPILOGUE_NONE && epilogue != NN_DEV_EPILOGUE_LEAKY) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: unknown epilogue %d", OP,
                       static_cast<int>(epilogue));
    }
    conv1d_dims d{};
    NN_TRY(conv1d_check_dims(OP, C_in, C_out, T_in, K, D, pad, precision, &d));
    const conv1d_fwd_op op{x,       w,       bias, y,   d.C_in,
                           d.C_out, d.T_in,  d.T_out, d.K, d.D,
                           d.pad,   epilogue == NN_DEV_EPILOGUE_LEAKY ? 1 : 0, leaky_slope};
    NN_TRY(conv1d_gemm_dispatch(op, precision, conv1d_stream(stream)));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(conv1d_backward_dev)(const float * x, const float * w, const float * dy,
                                        float * dx, float * dw, float * dbias, size_t C_in,
                                        size_t C_out, size_t T_in, size_t K, size_t D, size_t pad,
                                        nn_conv_precision precision, nn_cuda_stream_t stream) {
    const char * OP = "conv1d_backward_dev";
    if (dy == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dy must not be null", OP);
    }
    if (dx == nullptr && dw == nullptr && dbias == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dx, dw and dbias are all null", OP);
    }
    if ((dx != nullptr && w == nullptr) || (dw != nullptr && x == nullptr)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dx needs w and dw needs x", OP);
    }
    conv1d_dims d{};
    NN_TRY(conv1d_check_dims(OP, C_in, C_out, T_in, K, D, pad, precision, &d));
    const cudaStream_t s = conv1d_stream(stream);
    if (dx != nullptr) {
        const conv1d_dx_op op{w, dy, dx, d.C_in, d.C_out, d.T_in, d.T_out, d.K, d.D, d.pad};
        NN_TRY(conv1d_gemm_dispatch(op, precision, s));
    }
    if (dw != nullptr) {
        const conv1d_dw_op op{x, dy, dw, d.C_in, d.C_out, d.T_in, d.T_out, d.K, d.D, d.pad};
        NN_TRY(conv1d_gemm_dispatch(op, precision, s));
    }
    if (dbias != nullptr) {
        NN_TRY(conv1d_dbias_launch(dy, dbias, d.C_out, d.T_out, s));
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
