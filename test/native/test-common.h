// test-common.h: the small harness shared by the native tests.
// defines: CHECK, test_failures, test_exit_code, TEST_SKIP_CODE, fill_uniform, nmse
// Failures print file:line and the condition and are counted, so one run reports them all.
// Random data comes from a fixed-seed generator: reruns see identical inputs.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

/** ctest's SKIP_RETURN_CODE for these executables. */
constexpr int TEST_SKIP_CODE = 77;

inline int & test_failures() {
    static int failures = 0;
    return failures;
}

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            std::printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            test_failures()++;                                          \
        }                                                               \
    } while (0)

#define CHECK_MSG(cond, ...)                                            \
    do {                                                                \
        if (!(cond)) {                                                  \
            std::printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            std::printf(__VA_ARGS__);                                   \
            std::printf("\n");                                          \
            test_failures()++;                                          \
        }                                                               \
    } while (0)

/** 0 when every CHECK passed, 1 otherwise; prints a one-line verdict. */
inline int test_exit_code(const char * name) {
    if (test_failures() == 0) {
        std::printf("PASS %s\n", name);
        return 0;
    }
    std::printf("FAILED %s: %d check(s)\n", name, test_failures());
    return 1;
}

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
