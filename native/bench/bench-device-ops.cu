// bench-device-ops.cu: the trainer's device ops (cuda/device-ops.h, the *_cuda entry points) at
// the studio recipe's shapes, timed with CUDA events, each against a ceiling measured on the
// same GPU in the same run:
//   bf16, tf32  the tensor cores: cuBLAS GEMM 8192^3 (CUBLAS_COMPUTE_32F; TF32 math mode) when
//               the build found cuBLAS, else our own mma.sync loop (kx::mma_*, registers only,
//               8 independent accumulators per warp), the instruction our kernels use
//   fp32        the FMA ceiling: a register-only fmaf loop (and cuBLAS SGEMM when linked)
//   bandwidth   a device-to-device cudaMemcpy of 1 GiB (bytes read + written)
// Convolutions are compute-bound and are shown as FLOP/s against the tensor-core ceiling of
// their precision (NN_CONV_FP32 runs 3xTF32, three tf32 products per useful one, so its ceiling
// is a third of the tf32 figure); the element-wise and reduction ops are memory-bound and are
// shown as bytes/s against the copy bandwidth (each input read once and each output written
// once: the least traffic the op can have); the MSS loss counts its FFTs (5 n log2 n per frame
// and transform) against the fp32 ceiling.
//
// Shapes (docs/caw-spec.md §8, models/presets/studio.json): C 96, K 9, L 8, so P 1020; a cropped
// scale runs G on crop + 2P = 10232 samples and D on the 8192 crop; the first scale (320 Hz,
// 25 s: 8000 samples) has C 16. Ops whose kernel file is not in this build (a family still being
// written) are listed as "not built".
//
// usage: nn_bench_device_ops [--quick]   (--quick: fewer repetitions)
// Exit: 0 measured, 1 an entry point failed, 77 no CUDA device ("no CUDA device" printed).

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#if defined(NN_BENCH_CUBLAS)
#include <cublas_v2.h>
#endif

#include "cuda/device-ops.h"
#include "cuda/kernel.cuh"
#include "nn/mss-loss.h"
#include "nn/nn.h"

namespace {

bool g_quick = false;

#define BENCH_CUDA(call)                                                        \
    do {                                                                        \
        const cudaError_t e_ = (call);                                          \
        if (e_ != cudaSuccess) {                                                \
            std::printf("CUDA error: %s: %s\n", #call, cudaGetErrorString(e_)); \
            std::exit(1);                                                       \
        }                                                                       \
    } while (0)

// ----------------------------------------------------------------------------
// ceilings

constexpr int CEIL_ITERS = 4096; // per warp
constexpr int CEIL_ACCS  = 8;    // independent accumulator chains (latency hidden by ILP)

KX_GLOBAL void mma_bf16_ceiling(float * out, int flag) {
    kx::mma_frag_a a;
    kx::mma_frag_b b;
    kx::mma_frag_c c[CEIL_ACCS];
    const unsigned t = kx::thread_idx().x;
    for (int i = 0; i < 4; i++)
        a.r[i] = kx::pack_bf16x2(1e-3f * (t + i), 2e-3f);
    for (int i = 0; i < 2; i++)
        b.r[i] = kx::pack_bf16x2(1e-3f, 1e-3f * (t & 7u));
    for (int j = 0; j < CEIL_ACCS; j++)
        c[j].r[0] = c[j].r[1] = c[j].r[2] = c[j].r[3] = 0.0f;
    for (int it = 0; it < CEIL_ITERS; it++) {
#pragma unroll
        for (int j = 0; j < CEIL_ACCS; j++)
            kx::mma_m16n8k16_bf16(c[j], a, b, c[j]);
    }
    float s = 0.0f;
    for (int j = 0; j < CEIL_ACCS; j++)
        s += c[j].r[0] + c[j].r[1] + c[j].r[2] + c[j].r[3];
    if (flag)
        out[kx::block_idx().x * kx::block_dim().x + t] = s; // keeps the loop alive
}

KX_GLOBAL void mma_tf32_ceiling(float * out, int flag) {
    kx::mma_frag_a a;
    kx::mma_frag_b b;
    kx::mma_frag_c c[CEIL_ACCS];
    const unsigned t = kx::thread_idx().x;
    for (int i = 0; i < 4; i++)
        a.r[i] = kx::to_tf32(1e-3f * (t + i));
    for (int i = 0; i < 2; i++)
        b.r[i] = kx::to_tf32(1e-3f * (t & 7u));
    for (int j = 0; j < CEIL_ACCS; j++)
        c[j].r[0] = c[j].r[1] = c[j].r[2] = c[j].r[3] = 0.0f;
    for (int it = 0; it < CEIL_ITERS; it++) {
#pragma unroll
        for (int j = 0; j < CEIL_ACCS; j++)
            kx::mma_m16n8k8_tf32(c[j], a, b, c[j]);
    }
    float s = 0.0f;
    for (int j = 0; j < CEIL_ACCS; j++)
        s += c[j].r[0] + c[j].r[1] + c[j].r[2] + c[j].r[3];
    if (flag)
        out[kx::block_idx().x * kx::block_dim().x + t] = s;
}

KX_GLOBAL void fma_ceiling(float * out, int flag) {
    const unsigned t = kx::thread_idx().x;
    float          v[CEIL_ACCS];
    for (int j = 0; j < CEIL_ACCS; j++)
        v[j] = 1e-3f * (t + j);
    const float m = 0.999f, a = 1e-4f;
    for (int it = 0; it < CEIL_ITERS * 4; it++) {
#pragma unroll
        for (int j = 0; j < CEIL_ACCS; j++)
            v[j] = fmaf(v[j], m, a);
    }
    float s = 0.0f;
    for (int j = 0; j < CEIL_ACCS; j++)
        s += v[j];
    if (flag)
        out[kx::block_idx().x * kx::block_dim().x + t] = s;
}

#if defined(NN_BENCH_CUBLAS)
// Random-looking values in [-1, 1) (a hash of the index): GEMMs on zeros draw less power and
// run faster than on real data. bf16 = true writes n pairs of bf16 (n 32-bit words).
KX_GLOBAL void fill_hash(uint32_t * out, size_t n, bool bf16) {
    const size_t i =
        static_cast<size_t>(kx::block_idx().x) * kx::block_dim().x + kx::thread_idx().x;
    if (i >= n)
        return;
    uint32_t h = static_cast<uint32_t>(i) * 2654435761u;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    const float a = static_cast<float>(h & 0xffffu) / 32768.0f - 1.0f;
    const float b = static_cast<float>(h >> 16) / 32768.0f - 1.0f;
    out[i]        = bf16 ? kx::pack_bf16x2(a, b) : __float_as_uint(a);
}
#endif

struct ceilings {
    double      bf16 = 0, tf32 = 0, fp32 = 0, bw = 0; // FLOP/s, FLOP/s, FLOP/s, B/s
    std::string bf16_src, tf32_src, fp32_src;
};

// Best of 5 timed runs of fn (ms).
float best_ms(cudaStream_t s, const std::function<void()> & fn, int reps = 5) {
    cudaEvent_t e0, e1;
    BENCH_CUDA(cudaEventCreate(&e0));
    BENCH_CUDA(cudaEventCreate(&e1));
    fn(); // warm-up
    BENCH_CUDA(cudaStreamSynchronize(s));
    float best = 1e30f;
    for (int r = 0; r < reps; r++) {
        BENCH_CUDA(cudaEventRecord(e0, s));
        fn();
        BENCH_CUDA(cudaEventRecord(e1, s));
        BENCH_CUDA(cudaEventSynchronize(e1));
        float ms = 0.0f;
        BENCH_CUDA(cudaEventElapsedTime(&ms, e0, e1));
        best = std::min(best, ms);
    }
    BENCH_CUDA(cudaEventDestroy(e0));
    BENCH_CUDA(cudaEventDestroy(e1));
    return best;
}

ceilings measure_ceilings(cudaStream_t s, int sms) {
    ceilings  c;
    const int blocks = sms * 8, threads = 128; // 4 warps per block
    float *   out = nullptr;
    BENCH_CUDA(cudaMalloc(&out, sizeof(float) * blocks * threads));
    const double warps = static_cast<double>(blocks) * threads / 32;
    float        ms = best_ms(s, [&] { KX_LAUNCH(mma_bf16_ceiling, blocks, threads, s, out, 0); });
    BENCH_CUDA(cudaGetLastError());
    c.bf16     = warps * CEIL_ITERS * CEIL_ACCS * (2.0 * 16 * 8 * 16) / (ms * 1e-3);
    c.bf16_src = "mma.sync m16n8k16 bf16 loop";
    ms         = best_ms(s, [&] { KX_LAUNCH(mma_tf32_ceiling, blocks, threads, s, out, 0); });
    BENCH_CUDA(cudaGetLastError());
    c.tf32     = warps * CEIL_ITERS * CEIL_ACCS * (2.0 * 16 * 8 * 8) / (ms * 1e-3);
    c.tf32_src = "mma.sync m16n8k8 tf32 loop";
    ms         = best_ms(s, [&] { KX_LAUNCH(fma_ceiling, blocks, threads, s, out, 0); });
    BENCH_CUDA(cudaGetLastError());
    c.fp32 = static_cast<double>(blocks) * threads * CEIL_ITERS * 4 * CEIL_ACCS * 2.0 / (ms * 1e-3);
    c.fp32_src = "fmaf loop";
    std::printf("mma.sync ceilings: bf16 %.1f TFLOP/s, tf32 %.1f TFLOP/s; fmaf %.1f TFLOP/s\n",
                c.bf16 / 1e12, c.tf32 / 1e12, c.fp32 / 1e12);
    BENCH_CUDA(cudaFree(out));

    // copy bandwidth
    const size_t bytes = size_t(1) << 30;
    void *       a = nullptr, *b = nullptr;
    BENCH_CUDA(cudaMalloc(&a, bytes));
    BENCH_CUDA(cudaMalloc(&b, bytes));
    BENCH_CUDA(cudaMemsetAsync(a, 0, bytes, s));
    ms = best_ms(s, [&] { BENCH_CUDA(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, s)); });
    c.bw = 2.0 * bytes / (ms * 1e-3);
    std::printf("device copy: %.0f GB/s (read + write)\n", c.bw / 1e9);
    BENCH_CUDA(cudaFree(a));
    BENCH_CUDA(cudaFree(b));

#if defined(NN_BENCH_CUBLAS)
    cublasHandle_t h;
    if (cublasCreate(&h) == CUBLAS_STATUS_SUCCESS) {
        cublasSetStream(h, s);
        const int n = 8192;
        void *    A = nullptr, *B = nullptr, *C = nullptr;
        BENCH_CUDA(cudaMalloc(&A, sizeof(float) * n * n));
        BENCH_CUDA(cudaMalloc(&B, sizeof(float) * n * n));
        BENCH_CUDA(cudaMalloc(&C, sizeof(float) * n * n));
        const size_t words = static_cast<size_t>(n) * n;
        const auto   fill  = [&](void * p, bool bf16) {
            KX_LAUNCH(fill_hash, static_cast<unsigned>((words + 255) / 256), 256, s,
                         static_cast<uint32_t *>(p), words, bf16);
        };
        fill(A, true); // bf16 (the first half of the buffer is used)
        fill(B, true);
        const float    one = 1.0f, zero = 0.0f;
        const double   flop = 2.0 * n * n * static_cast<double>(n);
        cublasStatus_t st   = CUBLAS_STATUS_SUCCESS;
        ms                  = best_ms(s, [&] {
            st = cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, A, CUDA_R_16BF, n, B,
                                               CUDA_R_16BF, n, &zero, C, CUDA_R_32F, n, CUBLAS_COMPUTE_32F,
                                               CUBLAS_GEMM_DEFAULT);
        });
        if (st == CUBLAS_STATUS_SUCCESS) {
            std::printf("cuBLAS GEMM %d^3: bf16 %.1f TFLOP/s", n, flop / (ms * 1e-3) / 1e12);
            c.bf16     = flop / (ms * 1e-3);
            c.bf16_src = "cuBLAS bf16 GEMM 8192^3";
        }
        fill(A, false); // fp32 from here on
        fill(B, false);
        cublasSetMathMode(h, CUBLAS_TF32_TENSOR_OP_MATH);
        ms = best_ms(s, [&] {
            st = cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, static_cast<float *>(A), n,
                             static_cast<float *>(B), n, &zero, static_cast<float *>(C), n);
        });
        if (st == CUBLAS_STATUS_SUCCESS) {
            std::printf(", tf32 %.1f TFLOP/s", flop / (ms * 1e-3) / 1e12);
            c.tf32     = flop / (ms * 1e-3);
            c.tf32_src = "cuBLAS tf32 GEMM 8192^3";
        }
        cublasSetMathMode(h, CUBLAS_PEDANTIC_MATH);
        ms = best_ms(
            s,
            [&] {
                st =
                    cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, static_cast<float *>(A),
                                n, static_cast<float *>(B), n, &zero, static_cast<float *>(C), n);
            },
            3);
        if (st == CUBLAS_STATUS_SUCCESS) {
            std::printf(", fp32 %.1f TFLOP/s", flop / (ms * 1e-3) / 1e12);
            if (flop / (ms * 1e-3) > c.fp32) {
                c.fp32     = flop / (ms * 1e-3);
                c.fp32_src = "cuBLAS fp32 SGEMM 8192^3";
            }
        }
        std::printf("\n");
        BENCH_CUDA(cudaFree(A));
        BENCH_CUDA(cudaFree(B));
        BENCH_CUDA(cudaFree(C));
        cublasDestroy(h);
    } else {
        std::printf("cuBLAS: cublasCreate failed; the mma.sync ceilings are used\n");
    }
#else
    std::printf("cuBLAS: not in this build; the mma.sync ceilings are used\n");
#endif
    return c;
}

// ----------------------------------------------------------------------------
// device buffers

struct dbuf {
    float * p = nullptr;
    size_t  n = 0;
    dbuf(size_t count, float value = 0.01f) : n(count) {
        BENCH_CUDA(cudaMalloc(&p, sizeof(float) * std::max<size_t>(n, 1)));
        std::vector<float> h(n);
        for (size_t i = 0; i < n; i++)
            h[i] = value * static_cast<float>(1 + (i * 7919) % 997) / 997.0f;
        BENCH_CUDA(cudaMemcpy(p, h.data(), sizeof(float) * n, cudaMemcpyHostToDevice));
    }
    ~dbuf() { cudaFree(p); }
    dbuf(const dbuf &)             = delete;
    dbuf & operator=(const dbuf &) = delete;
};

// ----------------------------------------------------------------------------
// rows

enum peak_kind { PEAK_BF16, PEAK_TF32X3, PEAK_FP32, PEAK_BW };

struct row {
    std::string name;
    peak_kind   kind;
    double      work; // FLOP (compute kinds) or bytes (PEAK_BW)
};

int g_failures = 0;

// Times fn (an entry point call returning nn_status) per call, with enough repetitions for
// ~20 ms (4 ms with --quick), and prints one table row.
[[maybe_unused]] void bench(cudaStream_t s, const ceilings & c, const row & r,
                            const std::function<nn_status()> & fn) {
    nn_status st = fn();
    if (st == NN_STATUS_OK && cudaStreamSynchronize(s) != cudaSuccess)
        st = NN_STATUS_CUDA_ERROR;
    if (st != NN_STATUS_OK) {
        std::printf("| %s | FAILED: %s | | | |\n", r.name.c_str(), nn_last_error());
        g_failures++;
        return;
    }
    const float once = best_ms(
        s, [&] { (void) fn(); }, 1);
    const int reps = std::max(
        1, std::min(1000, static_cast<int>((g_quick ? 4.0f : 20.0f) / std::max(once, 1e-3f))));
    const float ms = best_ms(
                         s,
                         [&] {
                             for (int i = 0; i < reps; i++)
                                 (void) fn();
                         },
                         3) /
                     reps;
    const double rate = r.work / (ms * 1e-3);
    double       peak = 0.0;
    const char * unit = "GFLOP/s";
    const char * of   = "";
    switch (r.kind) {
        case PEAK_BF16: peak = c.bf16, of = "bf16"; break;
        case PEAK_TF32X3: peak = c.tf32 / 3.0, of = "tf32/3"; break;
        case PEAK_FP32: peak = c.fp32, of = "fp32"; break;
        case PEAK_BW: peak = c.bw, unit = "GB/s", of = "copy"; break;
    }
    std::printf("| %s | %.4f | %.1f %s | %.1f%% of %s | %d |\n", r.name.c_str(), ms, rate / 1e9,
                unit, peak > 0 ? 100.0 * rate / peak : 0.0, of, reps);
}

[[maybe_unused]] std::string shape(const char * op, size_t Ci, size_t Co, size_t T, size_t K,
                                   size_t D, size_t pad, const char * prec) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s %zu->%zu K%zu D%zu pad%zu T%zu %s", op, Ci, Co, K, D, pad, T,
                  prec);
    return buf;
}

void bench_convs(cudaStream_t s, const ceilings & c) {
#if defined(NN_BENCH_HAS_CONV1D)
    struct conv_shape {
        size_t Ci, Co, T, K, D, pad;
    };
    const conv_shape shapes[] = {
        {96, 96, 10232, 9, 1, 0},  // G trunk, first dilated conv at a cropped scale
        {96, 96, 10232, 9, 16, 0}, // G trunk, mid dilation
        {96, 96, 9208, 9, 128, 0}, // G trunk, last dilation (input shrunk by the earlier ones)
        {96, 96, 8192, 9, 1, 4},   // G's gate / filter convs ("same")
        {1, 96, 10232, 9, 1, 0},   // head: one input channel
        {96, 1, 8192, 1, 1, 0},    // out_conv: 1x1 to one channel
        {96, 96, 8192, 9, 1, 0},   // D trunk on the crop
        {16, 16, 10040, 9, 1, 0},  // the first scale (C 16, 8000 + 2P)
    };
    for (const conv_shape & sh : shapes) {
        const size_t To = sh.T + 2 * sh.pad - sh.D * (sh.K - 1);
        dbuf x(sh.Ci * sh.T), w(sh.Co * sh.Ci * sh.K), b(sh.Co), y(sh.Co * To), dy(sh.Co * To);
        dbuf dx(sh.Ci * sh.T), dw(sh.Co * sh.Ci * sh.K, 0.0f), db(sh.Co, 0.0f);
        const double fwd = 2.0 * sh.Co * sh.Ci * sh.K * static_cast<double>(To);
        for (nn_conv_precision p : {NN_CONV_BF16, NN_CONV_FP32}) {
            const char *    pn   = p == NN_CONV_BF16 ? "bf16" : "fp32";
            const peak_kind kind = p == NN_CONV_BF16 ? PEAK_BF16 : PEAK_TF32X3;
            bench(s, c, {shape("conv fwd", sh.Ci, sh.Co, sh.T, sh.K, sh.D, sh.pad, pn), kind, fwd},
                  [&] {
                      return conv1d_forward_dev_cuda(x.p, w.p, b.p, y.p, sh.Ci, sh.Co, sh.T, sh.K,
                                                     sh.D, sh.pad, p, NN_DEV_EPILOGUE_LEAKY, 0.2f,
                                                     s);
                  });
            bench(s, c,
                  {shape("conv bwd", sh.Ci, sh.Co, sh.T, sh.K, sh.D, sh.pad, pn), kind, 2 * fwd},
                  [&] {
                      return conv1d_backward_dev_cuda(x.p, w.p, dy.p, dx.p, dw.p, db.p, sh.Ci,
                                                      sh.Co, sh.T, sh.K, sh.D, sh.pad, p, s);
                  });
        }
    }
#else
    (void) s, (void) c;
    std::printf("| conv1d | not built (native/src/cuda/conv1d.cu absent) | | | |\n");
#endif
}

void bench_elementwise(cudaStream_t s, const ceilings & c) {
    [[maybe_unused]] const size_t C = 96, T = 10232, n = C * T;
    [[maybe_unused]] const double f = sizeof(float);
#if defined(NN_BENCH_HAS_BATCHNORM)
    {
        dbuf x(n), y(n), dy(n), dx(n), g(C, 1.0f), be(C, 0.0f), rm(C, 0.0f), rv(C, 1.0f);
        dbuf sm(C), si(C), dg(C, 0.0f), dbe(C, 0.0f);
        char name[96];
        std::snprintf(name, sizeof name, "batchnorm train fwd C%zu T%zu", C, T);
        bench(s, c, {name, PEAK_BW, 2 * n * f}, [&] {
            return batchnorm_train_forward_dev_cuda(x.p, g.p, be.p, rm.p, rv.p, sm.p, si.p, y.p, C,
                                                    T, nullptr, 0.1f, 1e-5f, s);
        });
        std::snprintf(name, sizeof name, "batchnorm train bwd C%zu T%zu", C, T);
        bench(s, c, {name, PEAK_BW, 3 * n * f}, [&] {
            return batchnorm_train_backward_dev_cuda(dy.p, x.p, g.p, sm.p, si.p, dx.p, dg.p, dbe.p,
                                                     C, T, nullptr, s);
        });
    }
#else
    std::printf("| batchnorm | not built (native/src/cuda/batchnorm.cu absent) | | | |\n");
#endif
#if defined(NN_BENCH_HAS_ACTIVATIONS)
    {
        dbuf a(n), b(n), y(n), dy(n), da(n), db(n);
        char name[96];
        std::snprintf(name, sizeof name, "leaky_relu fwd n%zu", n);
        bench(s, c, {name, PEAK_BW, 2 * n * f},
              [&] { return leaky_relu_forward_dev_cuda(a.p, y.p, n, 0.2f, s); });
        std::snprintf(name, sizeof name, "leaky_relu bwd n%zu", n);
        bench(s, c, {name, PEAK_BW, 3 * n * f},
              [&] { return leaky_relu_backward_dev_cuda(dy.p, a.p, da.p, n, 0.2f, s); });
        std::snprintf(name, sizeof name, "gated_unit fwd n%zu", n);
        bench(s, c, {name, PEAK_BW, 3 * n * f},
              [&] { return gated_unit_forward_dev_cuda(a.p, b.p, y.p, n, s); });
        std::snprintf(name, sizeof name, "gated_unit bwd n%zu", n);
        bench(s, c, {name, PEAK_BW, 5 * n * f},
              [&] { return gated_unit_backward_dev_cuda(dy.p, a.p, b.p, da.p, db.p, n, s); });
    }
#else
    std::printf("| activations | not built (native/src/cuda/activations.cu absent) | | | |\n");
#endif
#if defined(NN_BENCH_HAS_WEIGHT_NORM)
    {
        const size_t Co = 96, rowlen = 96 * 9;
        dbuf         v(Co * rowlen), g(Co, 1.0f), w(Co * rowlen), dw(Co * rowlen), dv(Co * rowlen),
            dg(Co, 0.0f);
        bench(s, c, {"weight_norm fwd 96x(96*9)", PEAK_BW, 2.0 * Co * rowlen * f},
              [&] { return weight_norm_forward_dev_cuda(v.p, g.p, w.p, Co, rowlen, s); });
        bench(s, c, {"weight_norm bwd 96x(96*9)", PEAK_BW, 3.0 * Co * rowlen * f}, [&] {
            return weight_norm_backward_dev_cuda(dw.p, v.p, g.p, dv.p, dg.p, Co, rowlen, s);
        });
    }
#else
    std::printf("| weight_norm | not built (native/src/cuda/weight-norm.cu absent) | | | |\n");
#endif
#if defined(NN_BENCH_HAS_ADAM)
    {
        // G's parameters at C 96: head, 7 trunk convs, 2 gates, out_conv, + BN, about 0.78 M
        const size_t np = 96 * 9 + 9 * (96 * 96 * 9) + 96 + 4 * 96 * 8;
        dbuf         p(np), g(np), m(np, 0.0f), v(np, 0.0f);
        char         name[96];
        std::snprintf(name, sizeof name, "adam step n%zu", np);
        size_t step = 1;
        bench(s, c, {name, PEAK_BW, 7.0 * np * f}, [&] {
            return adam_step_dev_cuda(p.p, g.p, m.p, v.p, np, step++, 1.5e-3, 0.5, 0.999, 1e-8, s);
        });
    }
#else
    std::printf("| adam | not built (native/src/cuda/adam.cu absent) | | | |\n");
#endif
}

void bench_mss(cudaStream_t s, const ceilings & c) {
#if defined(NN_BENCH_HAS_MSS)
    const size_t      T    = 8192;
    nn_dev_mss_plan * plan = nullptr;
    if (mss_plan_create_dev_cuda(&plan, NN_MSS_DEFAULT_CONFIGS, 3, T) != NN_STATUS_OK) {
        std::printf("| mss plan T%zu | FAILED: %s | | | |\n", T, nn_last_error());
        g_failures++;
        return;
    }
    dbuf   x(T), y(T), dy(T), out(1);
    double fft = 0.0; // one STFT of every config: frames x 5 n log2 n (centred: T / hop + 1 frames)
    for (const nn_mss_config & m : NN_MSS_DEFAULT_CONFIGS) {
        fft += static_cast<double>(T / m.hop + 1) * 5.0 * m.n_fft *
               std::log2(static_cast<double>(m.n_fft));
    }
    bench(s, c, {"mss_loss fwd T8192 (3 configs)", PEAK_FP32, 2 * fft},
          [&] { return mss_loss_forward_dev_cuda(plan, x.p, y.p, out.p, s); });
    bench(s, c, {"mss_loss bwd T8192 (3 configs)", PEAK_FP32, 3 * fft},
          [&] { return mss_loss_backward_dev_cuda(plan, x.p, y.p, dy.p, out.p, s); });
    mss_plan_free_dev_cuda(plan);
#else
    (void) s, (void) c;
    std::printf("| mss_loss | not built (native/src/cuda/mss-loss.cu or stft.cu absent) | | | |\n");
#endif
}

} // namespace

int main(int argc, char ** argv) {
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            g_quick = true;
        } else {
            std::printf("usage: %s [--quick]\n", argv[0]);
            return 2;
        }
    }
    int               count = 0;
    const cudaError_t err   = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
        std::printf("no CUDA device%s%s\n", err != cudaSuccess ? ": " : "",
                    err != cudaSuccess ? cudaGetErrorString(err) : "");
        return 77;
    }
    cudaDeviceProp prop;
    BENCH_CUDA(cudaGetDeviceProperties(&prop, 0));
    int runtime = 0, driver = 0;
    cudaRuntimeGetVersion(&runtime);
    cudaDriverGetVersion(&driver);
    std::printf("nn_bench_device_ops: %s, %d SMs, sm_%d%d, %.1f GiB, runtime %d, driver %d%s\n",
                prop.name, prop.multiProcessorCount, prop.major, prop.minor,
                static_cast<double>(prop.totalGlobalMem) / (1u << 30), runtime, driver,
                g_quick ? ", --quick" : "");
    cudaStream_t s;
    BENCH_CUDA(cudaStreamCreate(&s));
    const ceilings c = measure_ceilings(s, prop.multiProcessorCount);
    std::printf("peaks used: bf16 %.1f TFLOP/s (%s), tf32 %.1f TFLOP/s (%s; fp32 convolutions are "
                "3xTF32: their ceiling is a third), fp32 %.1f TFLOP/s (%s), copy %.0f GB/s\n\n",
                c.bf16 / 1e12, c.bf16_src.c_str(), c.tf32 / 1e12, c.tf32_src.c_str(), c.fp32 / 1e12,
                c.fp32_src.c_str(), c.bw / 1e9);
    std::printf("| op (studio shapes) | ms per call | achieved | of the ceiling | reps |\n");
    std::printf("|---|---|---|---|---|\n");
    bench_convs(s, c);
    bench_elementwise(s, c);
    bench_mss(s, c);
    BENCH_CUDA(cudaStreamDestroy(s));
    if (g_failures > 0) {
        std::printf("\n%d op(s) failed\n", g_failures);
        return 1;
    }
    return 0;
}
