// test-common.h: the small harness shared by the native tests.
// defines: CHECK, CHECK_MSG, test_failures, test_checks, TEST_SKIP_CODE, test_rng, fill_uniform,
//          random_floats, same_bits, nmse, shape_3d, view3, test_view_1d, fd_worst
// Failures print file:line and the condition and are counted, so one run reports them all.
// Random data comes from a fixed-seed generator: reruns see identical inputs.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "nn/nn.h"

/** ctest's SKIP_RETURN_CODE for the test executables (test-runner.cpp). */
constexpr int TEST_SKIP_CODE = 77;

inline int & test_failures() {
    static int failures = 0;
    return failures;
}

/** Every CHECK evaluated so far, passed or not: the count a run reports. */
inline long & test_checks() {
    static long checks = 0;
    return checks;
}

#define CHECK(cond)                                                     \
    do {                                                                \
        test_checks()++;                                                \
        if (!(cond)) {                                                  \
            std::printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            test_failures()++;                                          \
        }                                                               \
    } while (0)

#define CHECK_MSG(cond, ...)                                            \
    do {                                                                \
        test_checks()++;                                                \
        if (!(cond)) {                                                  \
            std::printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            std::printf(__VA_ARGS__);                                   \
            std::printf("\n");                                          \
            test_failures()++;                                          \
        }                                                               \
    } while (0)

/** A fixed-seed xorshift64* generator; identical sequences on every platform. */
struct test_rng {
    uint64_t state;
    explicit test_rng(uint64_t seed) : state(seed ? seed : 0x9E3779B97F4A7C15ull) {}
    /** Uniform in [lo, hi). */
    double uniform(double lo, double hi) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        const uint64_t bits = (state * 0x2545F4914F6CDD1Dull) >> 11; // 53 bits
        return lo + (hi - lo) * (static_cast<double>(bits) / 9007199254740992.0);
    }
};

template <typename Real>
void fill_uniform(std::vector<Real> & v, uint64_t seed, double lo = -1.0, double hi = 1.0) {
    test_rng rng(seed);
    for (Real & x : v) {
        x = static_cast<Real>(rng.uniform(lo, hi));
    }
}

/** n floats uniform in [lo, hi) from seed: an input or a gradient in one expression. */
inline std::vector<float> random_floats(size_t n, uint64_t seed, double lo = -1.0,
                                        double hi = 1.0) {
    std::vector<float> v(n);
    fill_uniform(v, seed, lo, hi);
    return v;
}

/** Equal sizes and identical bytes: what "deterministic" and "bit-exact" checks mean (NaN
 * payloads included, and -0 differs from +0). */
inline bool same_bits(const std::vector<float> & a, const std::vector<float> & b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/**
 * Normalized mean squared error sum((a-b)^2) / sum(b^2), b the reference; NaN in either input
 * gives +inf so a poisoned element can never pass.
 */
template <typename A, typename B>
double nmse(const A * a, const B * b, size_t n) {
    double err = 0.0, ref = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double da = static_cast<double>(a[i]);
        const double db = static_cast<double>(b[i]);
        if (!std::isfinite(da) || !std::isfinite(db)) {
            return INFINITY;
        }
        err += (da - db) * (da - db);
        ref += db * db;
    }
    return ref > 0.0 ? err / ref : err;
}

/** A (B, C, T) test shape. */
struct shape_3d {
    size_t B, C, T;
    size_t numel() const { return B * C * T; }
};

/** A contiguous (B, C, T) view over v, which holds at least s.numel() floats. */
inline nn_tensor_view view3(std::vector<float> & v, shape_3d s) {
    return nn_view_3d(v.data(), s.B, s.C, s.T);
}

/** A contiguous 1-D (n) view over data (a bias, a gain or a flat parameter buffer). */
inline nn_tensor_view test_view_1d(float * data, size_t n) {
    nn_tensor_view v = nn_view_3d(data, n, 1, 1);
    v.ndim           = 1;
    v.strides[0]     = 1;
    v.shape[1] = v.shape[2] = 1;
    v.strides[1] = v.strides[2] = 0;
    return v;
}

/**
 * Finite-difference gradient check: central differences of loss() with step `step` while each
 * v[i] is perturbed in place (and restored), against analytic[i]. Returns the worst
 * |numeric - analytic| / max(floor, |analytic|).
 */
template <typename F>
double fd_worst(std::vector<double> & v, const std::vector<double> & analytic, double step,
                F && loss, double floor = 1.0) {
    double worst = 0.0;
    for (size_t i = 0; i < v.size(); i++) {
        const double saved = v[i];
        v[i]               = saved + step;
        const double plus  = loss();
        v[i]               = saved - step;
        const double minus = loss();
        v[i]               = saved;
        const double num   = (plus - minus) / (2.0 * step);
        worst =
            std::max(worst, std::fabs(num - analytic[i]) / std::max(floor, std::fabs(analytic[i])));
    }
    return worst;
}
