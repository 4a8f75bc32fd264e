// test-mss-loss.cpp: the MSS reconstruction loss's cases (nn/mss-loss.h, cpu/mss-loss-impl.h;
// docs/caw-spec.md §3 "MSS loss").
//   test   the reference's loss and gradient computed by torch 1.13 (float64, utils/mss_loss.py's
//          formula), the loss against a direct double computation, MSS(x, x) = 0 with dy = 0,
//          symmetry, float vs double, dy written (=) not accumulated, bitwise determinism across
//          thread counts and reruns, argument checks. The loss has no parameters, so there is no
//          += gradient to check
//   grad   finite differences of dy in double
// The device kernels (cuda/mss-loss.cu) are checked in test-mss-loss-dev.cpp (sim, cuda).

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/mss-loss-impl.h"
#include "cpu/parallel.h"
#include "nn/mss-loss.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

/** dy in float vs double (~2e-14 observed). */
constexpr double MSS_FLOAT_MAX_NMSE = 1e-11;
/** The loss in float (sums in double) vs double, relative (~3e-8 observed). */
constexpr double MSS_FLOAT_MAX_REL = 1e-6;

const double TWO_PI = 6.283185307179586476925286766559;

// ----------------------------------------------------------------------------
// golden values from torch

double golden_x(size_t t) {
    const double s = static_cast<double>(t);
    return std::sin(0.37 * s) + 0.5 * std::cos(1.3 * s + 0.2) + 0.25 * std::sin(0.05 * s * s);
}

double golden_y(size_t t) {
    return 0.8 * golden_x(t) + 0.3 * std::sin(2.1 * static_cast<double>(t) + 1.0);
}

// With x_in = golden_x, x_out = golden_y as (1, T, 1) tensors in float64, T = 41:
// multi_scale_spectrogram_loss for these configurations, and x_out.grad after backward.
const nn_mss_config GOLDEN_CONFIGS[3] = {{16, 3, 10}, {32, 5, 21}, {8, 2, 8}};
const size_t        GOLDEN_T          = 41;
const double        GOLDEN_LOSS       = 5.3731081663081932;

const double GOLDEN_DY[41] = {
    0.096600695083996657, -0.27268571514314638,  -1.1420220952785123,  -0.12664537380615876,
    -0.91987923184029508, -1.4109859509105758,   -0.20071840629451931, -0.23830238117761127,
    -0.49367805177494894, 0.53598673406782782,   0.30977370295775242,  0.11852636702131522,
    1.0090964448001114,   0.50573105181743694,   0.070127977746994169, 0.63097031054418484,
    0.21908105638369421,  -0.064492581250617811, 0.039989904429934185, -0.58466136635966381,
    -0.75252405941548095, -0.44048062025563361,  -0.26976720424352651, -0.52234990355399558,
    -0.45043225631289519, -0.11575159886482536,  0.10856599029152753,  0.71699954704684365,
    0.20716697544628129,  0.20464142535095142,   0.71801298850220008,  0.78564405119149139,
    0.073731785385199949, 0.52282827233647966,   -0.3592679279995491,  -0.4397944702499742,
    0.18075222455363887,  -0.54012419217077245,  -1.4834216132537008,  -0.30308544297933615,
    -0.48791803321681876};

// ----------------------------------------------------------------------------
// helpers

struct loss_and_grad {
    double              loss;
    std::vector<double> dy;
};

loss_and_grad impl_double(const std::vector<double> & x, const std::vector<double> & y,
                          const nn_mss_config * configs, size_t n_configs) {
    mss_plan_impl<double> plan;
    mss_plan_build(plan, configs, n_configs, x.size());
    loss_and_grad out;
    out.dy.assign(x.size(), NAN);
    out.loss = mss_backward(plan, x.data(), y.data(), out.dy.data());
    return out;
}

double impl_forward_double(const std::vector<double> & x, const std::vector<double> & y,
                           const nn_mss_config * configs, size_t n_configs) {
    mss_plan_impl<double> plan;
    mss_plan_build(plan, configs, n_configs, x.size());
    return mss_forward(plan, x.data(), y.data());
}

// |STFT| from the definition (explicit reflect padding, window, DFT): (F * N) values.
std::vector<double> direct_magnitude(const std::vector<double> & x, nn_mss_config c) {
    const size_t        T = x.size(), P = c.n_fft / 2, N = 1 + T / c.hop;
    std::vector<double> out;
    for (size_t f = 0; f < N; f++) {
        for (size_t k = 0; k <= c.n_fft / 2; k++) {
            double re = 0.0, im = 0.0;
            for (size_t i = 0; i < c.win; i++) {
                const size_t j = (c.n_fft - c.win) / 2 + i; // tap i sits at frame sample j
                const long   p = static_cast<long>(f * c.hop + j) - static_cast<long>(P);
                const long   s =
                    p < 0 ? -p : (p >= static_cast<long>(T) ? 2 * static_cast<long>(T) - 2 - p : p);
                const double w = c.win == 1 ? 1.0
                                            : 0.5 - 0.5 * std::cos(TWO_PI * static_cast<double>(i) /
                                                                   static_cast<double>(c.win));
                const double a =
                    TWO_PI * static_cast<double>((j * k) % c.n_fft) / static_cast<double>(c.n_fft);
                re += w * x[static_cast<size_t>(s)] * std::cos(a);
                im -= w * x[static_cast<size_t>(s)] * std::sin(a);
            }
            out.push_back(std::sqrt(re * re + im * im));
        }
    }
    return out;
}

double direct_loss(const std::vector<double> & x, const std::vector<double> & y,
                   const nn_mss_config * configs, size_t n_configs) {
    double sum = 0.0;
    for (size_t c = 0; c < n_configs; c++) {
        const std::vector<double> sx = direct_magnitude(x, configs[c]);
        const std::vector<double> sy = direct_magnitude(y, configs[c]);
        double                    sq = 0.0;
        for (size_t i = 0; i < sx.size(); i++) {
            sq += (sy[i] - sx[i]) * (sy[i] - sx[i]);
        }
        sum += std::sqrt(sq);
    }
    return sum / static_cast<double>(n_configs);
}

// ----------------------------------------------------------------------------
// CPU

void test_torch_golden() {
    std::vector<double> x(GOLDEN_T), y(GOLDEN_T);
    for (size_t t = 0; t < GOLDEN_T; t++) {
        x[t] = golden_x(t);
        y[t] = golden_y(t);
    }
    const loss_and_grad d = impl_double(x, y, GOLDEN_CONFIGS, 3);
    CHECK_MSG(std::fabs(d.loss - GOLDEN_LOSS) < 1e-12 * GOLDEN_LOSS, "loss %.17g, torch %.17g",
              d.loss, GOLDEN_LOSS);
    double e = nmse(d.dy.data(), GOLDEN_DY, GOLDEN_T);
    CHECK_MSG(e < 1e-24, "dy vs torch: nmse %.3g", e);

    std::vector<float> xf(x.begin(), x.end()), yf(y.begin(), y.end()), dy(GOLDEN_T, NAN);
    nn_mss_plan *      plan = nullptr;
    CHECK(nn_mss_plan_init(&plan, GOLDEN_CONFIGS, 3, GOLDEN_T) == NN_STATUS_OK);
    nn_tensor_view vx   = nn_view_3d(xf.data(), 1, 1, GOLDEN_T),
                   vy   = nn_view_3d(yf.data(), 1, 1, GOLDEN_T);
    nn_tensor_view vdy  = nn_view_3d(dy.data(), 1, 1, GOLDEN_T);
    double         loss = NAN;
    CHECK(mss_loss_backward_cpu(plan, &vx, &vy, &vdy, &loss) == NN_STATUS_OK);
    CHECK_MSG(std::fabs(loss - GOLDEN_LOSS) < MSS_FLOAT_MAX_REL * GOLDEN_LOSS,
              "float loss %.9g, torch %.9g", loss, GOLDEN_LOSS);
    e = nmse(dy.data(), GOLDEN_DY, GOLDEN_T);
    CHECK_MSG(e < MSS_FLOAT_MAX_NMSE, "float dy vs torch: nmse %.3g", e);
    nn_mss_plan_free(plan);
}

void test_against_direct() {
    const nn_mss_config configs[] = {{16, 3, 11}, {32, 5, 20}, {64, 7, 64}, {8, 1, 3}};
    uint64_t            seed      = 1;
    for (const size_t T : {size_t(33), size_t(101), size_t(257)}) {
        std::vector<double> x(T), y(T);
        fill_uniform(x, seed++);
        fill_uniform(y, seed++);
        const double want = direct_loss(x, y, configs, 4);
        const double got  = impl_forward_double(x, y, configs, 4);
        CHECK_MSG(std::fabs(got - want) < 1e-12 * want, "T=%zu: loss %.17g, direct %.17g", T, got,
                  want);
        CHECK(impl_double(x, y, configs, 4).loss == got); // backward reports the same loss
    }
}

void test_zero_and_symmetry() {
    const size_t       T = 777;
    std::vector<float> x(T), y(T), dy(T, NAN);
    fill_uniform(x, 11);
    fill_uniform(y, 12);
    nn_mss_plan * plan = nullptr;
    CHECK(nn_mss_plan_init(&plan, NN_MSS_DEFAULT_CONFIGS + 1, 2, T) == NN_STATUS_OK);
    nn_tensor_view vx = nn_view_3d(x.data(), 1, 1, T), vy = nn_view_3d(y.data(), 1, 1, T);
    nn_tensor_view vdy = nn_view_3d(dy.data(), 1, 1, T);
    double         a = NAN, b = NAN, same = NAN;
    CHECK(mss_loss_forward_cpu(plan, &vx, &vx, &same) == NN_STATUS_OK);
    CHECK_MSG(same == 0.0, "MSS(x, x) = %.3g", same);
    CHECK(mss_loss_backward_cpu(plan, &vx, &vx, &vdy, &same) == NN_STATUS_OK);
    CHECK(same == 0.0);
    CHECK_MSG(std::all_of(dy.begin(), dy.end(), [](float v) { return v == 0.0f; }),
              "dy of MSS(x, x) must be exactly 0 (||E|| = 0 gives 0, not NaN)");
    CHECK(mss_loss_forward_cpu(plan, &vx, &vy, &a) == NN_STATUS_OK);
    CHECK(mss_loss_forward_cpu(plan, &vy, &vx, &b) == NN_STATUS_OK);
    CHECK_MSG(a == b && a > 0.0, "MSS(x, y) = %.17g, MSS(y, x) = %.17g", a, b);
    nn_mss_plan_free(plan);
}

// Central differences of the double loss w.r.t. every y[t]. Random signals keep |Z| and ||E||
// away from 0. Relative error per element against max(1e-3, |dy|) (dy is O(1e-2) here), limit
// 1e-6 (~1e-7 observed). eps = 1e-5 rather than 1e-6: the loss is O(10) and its rounding
// (~1e-14) divided by eps dominates below that; the O(eps^2) truncation is still ~1e-10.
void test_gradient_finite_differences() {
    const double        EPS         = 1e-5;
    const double        MAX_REL_ERR = 1e-6;
    const nn_mss_config sets[2][2]  = {{{16, 3, 10}, {32, 5, 32}}, {{8, 2, 5}, {32, 7, 19}}};
    uint64_t            seed        = 50;
    for (const auto & configs : sets) {
        for (const size_t T : {size_t(97), size_t(100)}) {
            std::vector<double> x(T), y(T);
            fill_uniform(x, seed++);
            fill_uniform(y, seed++);
            const loss_and_grad d     = impl_double(x, y, configs, 2);
            double              worst = 0.0;
            for (size_t t = 0; t < T; t++) {
                const double saved   = y[t];
                y[t]                 = saved + EPS;
                const double up      = impl_forward_double(x, y, configs, 2);
                y[t]                 = saved - EPS;
                const double down    = impl_forward_double(x, y, configs, 2);
                y[t]                 = saved;
                const double numeric = (up - down) / (2.0 * EPS);
                worst                = std::fmax(worst, std::fabs(numeric - d.dy[t]) /
                                                            std::fmax(1e-3, std::fabs(d.dy[t])));
            }
            CHECK_MSG(worst < MAX_REL_ERR, "(%zu, %zu, %zu) (%zu, %zu, %zu) T=%zu: worst %.3g",
                      configs[0].n_fft, configs[0].hop, configs[0].win, configs[1].n_fft,
                      configs[1].hop, configs[1].win, T, worst);
        }
    }
}

// The float entry points vs the double loops on the default configurations; dy poisoned with
// NaN first and then with junk (it is written, never accumulated); 1, 2 and 4 threads and a
// rerun on the same plan give identical bits.
void test_float_matches_double_and_determinism() {
    const size_t       T = 6001; // > 1024 = n_fft/2 of the largest default configuration
    std::vector<float> x(T), y(T);
    fill_uniform(x, 21);
    fill_uniform(y, 22);
    const std::vector<double> xd(x.begin(), x.end()), yd(y.begin(), y.end());
    const loss_and_grad       d = impl_double(xd, yd, NN_MSS_DEFAULT_CONFIGS, 3);

    CHECK(nn_mss_min_length(NN_MSS_DEFAULT_CONFIGS, 3) == 1025);
    nn_mss_plan * plan = nullptr;
    CHECK(nn_mss_plan_init(&plan, NN_MSS_DEFAULT_CONFIGS, 3, T) == NN_STATUS_OK);
    nn_tensor_view     vx = nn_view_3d(x.data(), 1, 1, T), vy = nn_view_3d(y.data(), 1, 1, T);
    std::vector<float> first;
    double             first_loss = NAN;
    for (const size_t threads : {size_t(1), size_t(2), size_t(4), size_t(4)}) {
        nn_set_cpu_threads(threads);
        for (const float fill : {NAN, 7.0f}) {
            std::vector<float> dy(T, fill);
            nn_tensor_view     vdy = {};
            vdy.data = dy.data(), vdy.ndim = 1, vdy.shape[0] = T, vdy.strides[0] = 1; // (T) view
            double loss = NAN, fwd = NAN;
            CHECK(mss_loss_backward_cpu(plan, &vx, &vy, &vdy, &loss) == NN_STATUS_OK);
            CHECK(mss_loss_forward_cpu(plan, &vx, &vy, &fwd) == NN_STATUS_OK);
            CHECK(loss == fwd);
            CHECK_MSG(std::fabs(loss - d.loss) < MSS_FLOAT_MAX_REL * d.loss,
                      "loss %.9g, double %.9g", loss, d.loss);
            const double e = nmse(dy.data(), d.dy.data(), T);
            CHECK_MSG(e < MSS_FLOAT_MAX_NMSE, "dy (%zu threads): nmse %.3g", threads, e);
            if (first.empty()) {
                first      = dy;
                first_loss = loss;
            } else {
                CHECK_MSG(std::memcmp(dy.data(), first.data(), T * sizeof(float)) == 0 &&
                              loss == first_loss,
                          "%zu threads (fill %g): dy or loss differs from the first run", threads,
                          static_cast<double>(fill));
            }
        }
    }
    nn_set_cpu_threads(0);
    nn_mss_plan_free(plan);
}

void expect_invalid(nn_status status, const char * what, const char * needle) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), needle) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    const nn_mss_config good[1] = {{16, 3, 10}};
    nn_mss_plan *       plan    = nullptr;
    const nn_mss_config pow2[1] = {{24, 3, 10}}, wide[1] = {{16, 3, 17}}, hop0[1] = {{16, 0, 10}};
    expect_invalid(nn_mss_plan_init(&plan, pow2, 1, 100), "n_fft 24", "power of two");
    expect_invalid(nn_mss_plan_init(&plan, wide, 1, 100), "win > n_fft", "win = 17");
    expect_invalid(nn_mss_plan_init(&plan, hop0, 1, 100), "hop 0", "hop is 0");
    expect_invalid(nn_mss_plan_init(&plan, NN_MSS_DEFAULT_CONFIGS, 3, 1024), "T too short",
                   "needs at least 1025");
    expect_invalid(nn_mss_plan_init(&plan, good, 0, 100), "no configs", "n_configs = 0");
    expect_invalid(nn_mss_plan_init(&plan, good, NN_MSS_MAX_CONFIGS + 1, 100), "many configs",
                   "n_configs = 17");
    expect_invalid(nn_mss_plan_init(&plan, nullptr, 1, 100), "null configs", "configs is null");
    expect_invalid(nn_mss_plan_init(nullptr, good, 1, 100), "null plan", "plan is null");
    CHECK(plan == nullptr);

    CHECK(nn_mss_plan_init(&plan, good, 1, 9) == NN_STATUS_OK); // T = n_fft/2 + 1 is enough
    nn_mss_plan_free(plan);
    CHECK(nn_mss_plan_init(&plan, good, 1, 40) == NN_STATUS_OK);
    std::vector<float> buf(200, 0.25f);
    buf[3]                = 1.0f;
    nn_tensor_view x      = nn_view_3d(buf.data(), 1, 1, 40);
    nn_tensor_view y      = nn_view_3d(buf.data() + 40, 1, 1, 40);
    nn_tensor_view dy     = nn_view_3d(buf.data() + 80, 1, 1, 40);
    double         loss   = NAN;
    nn_tensor_view y_long = nn_view_3d(buf.data() + 40, 1, 1, 41);
    expect_invalid(mss_loss_forward_cpu(plan, &x, &y_long, &loss), "y length", "T = 40");
    expect_invalid(mss_loss_forward_cpu(nullptr, &x, &y, &loss), "null plan", "plan is null");
    expect_invalid(mss_loss_forward_cpu(plan, &x, &y, nullptr), "null loss", "loss is null");
    expect_invalid(mss_loss_forward_cpu(plan, nullptr, &y, &loss), "null x", "x is null");
    nn_tensor_view batch = nn_view_3d(buf.data(), 2, 1, 40);
    expect_invalid(mss_loss_forward_cpu(plan, &batch, &y, &loss), "B = 2", "B = C = 1");
    nn_tensor_view dy_on_y = nn_view_3d(buf.data() + 60, 1, 1, 40);
    expect_invalid(mss_loss_backward_cpu(plan, &x, &y, &dy_on_y, &loss), "dy overlaps y",
                   "dy overlaps y");
    expect_invalid(mss_loss_backward_cpu(plan, &x, &y, nullptr, &loss), "null dy", "dy is null");
    CHECK(buf[80] == 0.25f && buf[119] == 0.25f); // failures write nothing
    CHECK(mss_loss_backward_cpu(plan, &x, &y, &dy, nullptr) == NN_STATUS_OK); // loss optional
    CHECK(std::strcmp(nn_last_error(), "") == 0);
    nn_mss_plan_free(plan);
    nn_mss_plan_free(nullptr);
}

} // namespace

NN_TEST_CASES(mss_loss) {
    cases.values("torch 1.13 golden loss and gradient", test_torch_golden);
    cases.values("loss vs a direct double computation", test_against_direct);
    cases.values("MSS(x, x) = 0, symmetry", test_zero_and_symmetry);
    cases.values("float vs double, determinism", test_float_matches_double_and_determinism);
    cases.values("argument checks", test_argument_checks);
    cases.grad("dy", test_gradient_finite_differences);
}
