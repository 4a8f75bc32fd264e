// test-fft.cpp: the real FFT's cases (nn/fft.h, cpu/fft-impl.h).
//   test   the templated loops in double against a naive O(n^2) DFT for every power of two
//          2..2048 (complex, real forward, inverse, adjoint), round trips, the adjoint as the
//          transpose (<rfft x, g> = <x, adjoint g>), the float entry points against the double
//          DFT, in-place calls, argument checks
// The device FFT lives inside the STFT kernels (cuda/stft.cu), checked in test-stft-dev.cpp.

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/fft-impl.h"
#include "nn/fft.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

/** Double loops vs the naive DFT: only rounding separates them (3e-30 observed). */
constexpr double FFT_DOUBLE_MAX_NMSE = 1e-24;
/** Float entry points vs the double DFT: float rounding over log2(n) passes (3e-14 observed). */
constexpr double FFT_FLOAT_MAX_NMSE = 1e-11;

const double TWO_PI = 6.283185307179586476925286766559;

// z is (m, 2) -> Z (m, 2); sign -1 forward, +1 inverse (un-normalised).
std::vector<double> naive_dft_complex(const std::vector<double> & z, size_t m, double sign) {
    std::vector<double> out(2 * m, 0.0);
    for (size_t k = 0; k < m; k++) {
        double re = 0.0, im = 0.0;
        for (size_t j = 0; j < m; j++) {
            const double a =
                sign * TWO_PI * static_cast<double>((j * k) % m) / static_cast<double>(m);
            re += z[2 * j] * std::cos(a) - z[2 * j + 1] * std::sin(a);
            im += z[2 * j] * std::sin(a) + z[2 * j + 1] * std::cos(a);
        }
        out[2 * k]     = re;
        out[2 * k + 1] = im;
    }
    return out;
}

// x is (n) -> X (n/2 + 1, 2), X[k] = sum_t x[t] exp(-2 pi i kt / n).
std::vector<double> naive_rfft(const std::vector<double> & x, size_t n) {
    std::vector<double> out(n + 2, 0.0);
    for (size_t k = 0; k <= n / 2; k++) {
        for (size_t t = 0; t < n; t++) {
            const double a = TWO_PI * static_cast<double>((t * k) % n) / static_cast<double>(n);
            out[2 * k] += x[t] * std::cos(a);
            out[2 * k + 1] -= x[t] * std::sin(a);
        }
    }
    return out;
}

// g is (n/2 + 1, 2) -> dx (n), dx[t] = Re sum_{k <= n/2} g[k] exp(+2 pi i kt / n): the transpose
// of naive_rfft written out directly.
std::vector<double> naive_adjoint(const std::vector<double> & g, size_t n) {
    std::vector<double> out(n, 0.0);
    for (size_t t = 0; t < n; t++) {
        for (size_t k = 0; k <= n / 2; k++) {
            const double a = TWO_PI * static_cast<double>((t * k) % n) / static_cast<double>(n);
            out[t] += g[2 * k] * std::cos(a) - g[2 * k + 1] * std::sin(a);
        }
    }
    return out;
}

// X is (n/2 + 1, 2), Hermitian-extended -> x (n), un-normalised.
std::vector<double> naive_irfft(const std::vector<double> & X, size_t n) {
    std::vector<double> g = X;
    for (size_t k = 1; k < n / 2; k++) { // conj pair k and n-k: 2 Re(X e^{ia})
        g[2 * k] *= 2.0;
        g[2 * k + 1] *= 2.0;
    }
    g[1]     = 0.0;
    g[n + 1] = 0.0;
    return naive_adjoint(g, n);
}

void test_double_against_naive() {
    uint64_t seed = 1;
    for (size_t n = 2; n <= 2048; n *= 2) {
        fft_plan_impl<double> plan;
        fft_plan_build(plan, n);
        const size_t m = n / 2;

        std::vector<double> z(2 * m);
        fill_uniform(z, seed++);
        for (const bool inverse : {false, true}) {
            std::vector<double> got = z;
            fft_complex_inplace(plan, got.data(), inverse);
            const std::vector<double> want = naive_dft_complex(z, m, inverse ? 1.0 : -1.0);
            const double              e    = nmse(got.data(), want.data(), 2 * m);
            CHECK_MSG(e < FFT_DOUBLE_MAX_NMSE, "complex m=%zu inverse=%d: nmse %.3g", m, inverse,
                      e);
        }

        std::vector<double> x(n);
        fill_uniform(x, seed++);
        std::vector<double> buf(n + 2, NAN);
        std::copy(x.begin(), x.end(), buf.begin());
        rfft_forward_inplace(plan, buf.data());
        const std::vector<double> X = naive_rfft(x, n);
        double                    e = nmse(buf.data(), X.data(), n + 2);
        CHECK_MSG(e < FFT_DOUBLE_MAX_NMSE, "rfft n=%zu: nmse %.3g", n, e);
        CHECK(buf[1] == 0.0 && buf[n + 1] == 0.0);

        // Round trip: inverse(forward(x)) = n x.
        rfft_inverse_inplace(plan, buf.data());
        std::vector<double> nx(n);
        for (size_t t = 0; t < n; t++) {
            nx[t] = static_cast<double>(n) * x[t];
        }
        e = nmse(buf.data(), nx.data(), n);
        CHECK_MSG(e < FFT_DOUBLE_MAX_NMSE, "round trip n=%zu: nmse %.3g", n, e);

        // Inverse of an arbitrary one-sided spectrum (imaginary parts of bins 0 and n/2 ignored).
        std::vector<double> S(n + 2);
        fill_uniform(S, seed++);
        buf = S;
        rfft_inverse_inplace(plan, buf.data());
        const std::vector<double> s_want = naive_irfft(S, n);
        e                                = nmse(buf.data(), s_want.data(), n);
        CHECK_MSG(e < FFT_DOUBLE_MAX_NMSE, "irfft n=%zu: nmse %.3g", n, e);

        // Adjoint against the transpose written out, and the dot-product identity.
        std::vector<double> g(n + 2);
        fill_uniform(g, seed++);
        buf = g;
        rfft_adjoint_inplace(plan, buf.data());
        const std::vector<double> a_want = naive_adjoint(g, n);
        e                                = nmse(buf.data(), a_want.data(), n);
        CHECK_MSG(e < FFT_DOUBLE_MAX_NMSE, "adjoint n=%zu: nmse %.3g", n, e);
        double lhs = 0.0, rhs = 0.0, scale = 0.0;
        for (size_t i = 0; i < n + 2; i++) {
            lhs += X[i] * g[i];
            scale += std::fabs(X[i] * g[i]);
        }
        for (size_t t = 0; t < n; t++) {
            rhs += x[t] * buf[t];
        }
        CHECK_MSG(std::fabs(lhs - rhs) <= 1e-12 * scale, "<rfft x, g> = %.17g, <x, adj g> = %.17g",
                  lhs, rhs);
    }
}

void test_float_entry_points() {
    uint64_t seed = 500;
    for (size_t n = 2; n <= 2048; n *= 2) {
        nn_fft_plan * plan = nullptr;
        CHECK(nn_fft_plan_init(&plan, n) == NN_STATUS_OK);
        if (plan == nullptr) {
            continue;
        }
        CHECK(nn_fft_plan_size(plan) == n);
        std::vector<float> x(n), X(n + 2, NAN), back(n, NAN), g(n + 2), dx(n, NAN);
        fill_uniform(x, seed++);
        fill_uniform(g, seed++);
        CHECK(rfft_forward_cpu(plan, x.data(), X.data()) == NN_STATUS_OK);
        CHECK(rfft_inverse_cpu(plan, X.data(), back.data()) == NN_STATUS_OK);
        CHECK(rfft_adjoint_cpu(plan, g.data(), dx.data()) == NN_STATUS_OK);

        std::vector<double>       xd(x.begin(), x.end()), gd(g.begin(), g.end()), nx(n);
        const std::vector<double> X_want = naive_rfft(xd, n);
        const std::vector<double> a_want = naive_adjoint(gd, n);
        for (size_t t = 0; t < n; t++) {
            nx[t] = static_cast<double>(n) * xd[t];
        }
        double e = nmse(X.data(), X_want.data(), n + 2);
        CHECK_MSG(e < FFT_FLOAT_MAX_NMSE, "float rfft n=%zu: nmse %.3g", n, e);
        e = nmse(back.data(), nx.data(), n);
        CHECK_MSG(e < FFT_FLOAT_MAX_NMSE, "float round trip n=%zu: nmse %.3g", n, e);
        e = nmse(dx.data(), a_want.data(), n);
        CHECK_MSG(e < FFT_FLOAT_MAX_NMSE, "float adjoint n=%zu: nmse %.3g", n, e);

        // In place (x == X, g == dx) gives the very same bits.
        std::vector<float> inplace(n + 2, NAN);
        std::copy(x.begin(), x.end(), inplace.begin());
        CHECK(rfft_forward_cpu(plan, inplace.data(), inplace.data()) == NN_STATUS_OK);
        CHECK(std::memcmp(inplace.data(), X.data(), (n + 2) * sizeof(float)) == 0);
        CHECK(rfft_inverse_cpu(plan, inplace.data(), inplace.data()) == NN_STATUS_OK);
        CHECK(std::memcmp(inplace.data(), back.data(), n * sizeof(float)) == 0);
        inplace = g;
        CHECK(rfft_adjoint_cpu(plan, inplace.data(), inplace.data()) == NN_STATUS_OK);
        CHECK(std::memcmp(inplace.data(), dx.data(), n * sizeof(float)) == 0);
        nn_fft_plan_free(plan);
    }
}

void expect_invalid(nn_status status, const char * what, const char * needle) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), needle) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    nn_fft_plan * plan = reinterpret_cast<nn_fft_plan *>(&plan); // non-null garbage: must be reset
    for (const size_t n :
         {size_t(0), size_t(1), size_t(3), size_t(12), size_t(1000), (size_t(1) << 25)}) {
        expect_invalid(nn_fft_plan_init(&plan, n), "bad n", "power of two");
        CHECK(plan == nullptr);
    }
    expect_invalid(nn_fft_plan_init(nullptr, 8), "null plan pointer", "nn_fft_plan_init");
    float buf[10] = {};
    expect_invalid(rfft_forward_cpu(nullptr, buf, buf), "null plan", "rfft_forward_cpu");
    CHECK(nn_fft_plan_init(&plan, 8) == NN_STATUS_OK);
    expect_invalid(rfft_forward_cpu(plan, nullptr, buf), "null x", "rfft_forward_cpu");
    expect_invalid(rfft_inverse_cpu(plan, buf, nullptr), "null x", "rfft_inverse_cpu");
    expect_invalid(rfft_adjoint_cpu(plan, nullptr, buf), "null g", "rfft_adjoint_cpu");
    nn_fft_plan_free(plan);
    nn_fft_plan_free(nullptr);
    CHECK(nn_fft_plan_size(nullptr) == 0);
}

} // namespace

NN_TEST_CASES(fft) {
    cases.values("double loops vs naive DFT, n = 2..2048", test_double_against_naive);
    cases.values("float entry points vs double DFT", test_float_entry_points);
    cases.values("argument checks", test_argument_checks);
}
