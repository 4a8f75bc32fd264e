// cpu-peak.cpp: cpu_peak_gflops and cpu_peak_bf16_gflops (cpu-peak.h). The fp32 peak moved
// unchanged out of bench-conv1d.cpp so both compute benches divide by the same, identically
// measured, peak.

#include "cpu-peak.h"

#if defined(__x86_64__) && ((defined(__clang__) && __clang_major__ >= 12) || \
                            (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 10))
#define NN_PEAK_BF16 1
#include <immintrin.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>

#include "cpu/parallel.h"

namespace {

#if defined(__GNUC__)
constexpr size_t PEAK_STEPS = 20000000; // per chunk

typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));

// CHAINS independent accumulators: >= FMA latency x FMA ports (4 x 2), <= registers - 2.
template <typename V, int CHAINS>
inline __attribute__((always_inline)) float fma_chains(size_t steps) {
    V acc[CHAINS];
    for (int c = 0; c < CHAINS; c++) acc[c] = V{} + 0.001f * float(c);
    const V m = V{} + 0.9999999f, a = V{} + 1e-7f;
    for (size_t s = 0; s < steps; s++) {
#pragma GCC unroll 32
        for (int c = 0; c < CHAINS; c++) acc[c] = acc[c] * m + a; // one FMA where the ISA has it
    }
    float sum = 0.0f;
    for (int c = 0; c < CHAINS; c++) {
        for (size_t l = 0; l < sizeof(V) / sizeof(float); l++) sum += acc[c][l];
    }
    return sum;
}

float peak_generic(size_t steps) { return fma_chains<v4f, 12>(steps); }
#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) float peak_avx2(size_t steps) { return fma_chains<v8f, 12>(steps); }
__attribute__((target("avx512f"))) float peak_avx512(size_t steps) { return fma_chains<v16f, 24>(steps); }
#endif

#if defined(NN_PEAK_BF16)
// 24 VDPBF16PS chains (latency 6 x 2 per cycle at most, like the FMA's 24): 32 multiply-adds each.
__attribute__((target("avx512f,avx512bw,avx512bf16"))) float peak_bf16(size_t steps) {
    __m512 acc[24];
    for (int c = 0; c < 24; c++) acc[c] = _mm512_set1_ps(0.001f * float(c));
    const __m512bh a = (__m512bh) _mm512_set1_epi32(0x3a833a83); // bf16 pairs of ~1e-3
    for (size_t s = 0; s < steps; s++) {
#pragma GCC unroll 24
        for (int c = 0; c < 24; c++) acc[c] = _mm512_dpbf16_ps(acc[c], a, a);
    }
    float sum = 0.0f;
    for (int c = 0; c < 24; c++) sum += _mm512_reduce_add_ps(acc[c]);
    return sum;
}
#endif

volatile float g_sink = 0.0f; // keeps the chains' results alive

// GFLOP/s of `kernel` (lanes floats per vector) on all nn_parallel_for threads, best of 3.
double measure_peak(float (*kernel)(size_t), size_t lanes, int chains) {
    const size_t chunks = nn_cpu_threads();
    double       best   = 0.0;
    for (int rep = 0; rep < 3; rep++) {
        const auto start = std::chrono::steady_clock::now();
        nn_parallel_for(chunks, 1, [&](size_t b, size_t e) {
            for (size_t i = b; i < e; i++) g_sink = g_sink + kernel(PEAK_STEPS / 4);
        });
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::max(best, 2.0 * double(chains) * double(lanes) * double(PEAK_STEPS / 4) *
                                  double(chunks) / s / 1e9);
    }
    return best;
}
#endif

} // namespace

double cpu_peak_gflops(void) {
    double peak = 0.0;
#if defined(__GNUC__)
    const double p_generic = measure_peak(peak_generic, 4, 12);
    std::printf("peak baseline ISA (4-wide)    %8.1f GFLOP/s\n", p_generic);
    peak = p_generic;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        const double p = measure_peak(peak_avx2, 8, 12);
        std::printf("peak AVX2+FMA (8-wide)        %8.1f GFLOP/s\n", p);
        peak = std::max(peak, p);
    }
    if (__builtin_cpu_supports("avx512f")) {
        const double p = measure_peak(peak_avx512, 16, 24);
        std::printf("peak AVX-512F FMA (16-wide)   %8.1f GFLOP/s\n", p);
        peak = std::max(peak, p);
    }
#endif
#endif
    return peak;
}

double cpu_peak_bf16_gflops(void) {
#if defined(NN_PEAK_BF16)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512bf16")) {
        const double p = measure_peak(peak_bf16, 32, 24); // 16 lanes x a pair
        std::printf("peak AVX512_BF16 VDPBF16PS    %8.1f GFLOP/s\n", p);
        return p;
    }
#endif
    return 0.0;
}
