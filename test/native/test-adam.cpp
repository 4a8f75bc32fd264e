// test-adam.cpp: the optimiser's cases (Adam, MultiStepLR, parameter layout; nn/adam.h).
//   test   Adam in double against the textbook formulas written out here, the float entry point
//          against the double loop, bitwise reruns across thread counts, the LR schedule at
//          CAW's milestone, layout offsets, argument checks
// The device kernel (cuda/adam.cu) is checked in test-adam-dev.cpp (sim, cuda). Adam has no gradient
// of its own to check by finite differences: it is the consumer of them.

#include <cstring>
#include <string>
#include <vector>

#include "cpu/adam-impl.h"
#include "cpu/parallel.h"
#include "nn/adam.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

// CAW's hyper-parameters (docs/caw-spec.md §3).
constexpr double LR    = 0.0015;
constexpr double BETA1 = 0.5;
constexpr double BETA2 = 0.999;
constexpr double EPS   = 1e-8;

/** Float results vs the double loop; p moves by ~lr per step, float keeps ~1e-7 of it. */
constexpr double ADAM_MAX_NMSE = 1e-12;

// One step of the textbook form (Kingma & Ba): p -= lr * m_hat / (sqrt(v_hat) + eps).
void textbook_step(double & p, double & m, double & v, double g, int t) {
    m                  = BETA1 * m + (1.0 - BETA1) * g;
    v                  = BETA2 * v + (1.0 - BETA2) * g * g;
    const double m_hat = m / (1.0 - std::pow(BETA1, t));
    const double v_hat = v / (1.0 - std::pow(BETA2, t));
    p -= LR * m_hat / (std::sqrt(v_hat) + EPS);
}

// ----------------------------------------------------------------------------
// Adam

void test_known_values() {
    // Step 1 by hand: m = 0.5 g, v = 0.001 g^2, m_hat = g, v_hat = g^2, so p moves by
    // lr * g / (|g| + eps). Step 2 with g = -0.1: m = 0.025, v = 0.0000999910 ... written out.
    double              p = 1.0, m = 0.0, v = 0.0;
    adam_coeffs<double> c1 = adam_coefficients<double>(1, LR, BETA1, BETA2, EPS);
    double              g  = 0.3;
    adam_update_range(&p, &g, &m, &v, 0, 1, c1);
    const double p1 = 1.0 - 0.0015 * 0.3 / (0.3 + 1e-8);
    CHECK_MSG(std::fabs(p - p1) < 1e-15, "step 1: p %.17g expected %.17g", p, p1);
    CHECK(std::fabs(m - 0.15) < 1e-16);
    CHECK(std::fabs(v - 0.00009) < 1e-19);

    adam_coeffs<double> c2 = adam_coefficients<double>(2, LR, BETA1, BETA2, EPS);
    g                      = -0.1;
    adam_update_range(&p, &g, &m, &v, 0, 1, c2);
    const double m2 = 0.5 * 0.15 + 0.5 * -0.1;        // 0.025
    const double v2 = 0.999 * 0.00009 + 0.001 * 0.01; // 0.00009991
    const double p2 = p1 - 0.0015 * (m2 / 0.75) / (std::sqrt(v2 / (1.0 - 0.998001)) + 1e-8);
    CHECK_MSG(std::fabs(m - m2) < 1e-16, "step 2: m %.17g", m);
    CHECK_MSG(std::fabs(v - v2) < 1e-18, "step 2: v %.17g", v);
    CHECK_MSG(std::fabs(p - p2) < 1e-15, "step 2: p %.17g expected %.17g", p, p2);
}

// Several elements over 6 steps, PyTorch's order in double vs the textbook form.
void test_against_textbook() {
    const size_t        n = 37;
    std::vector<double> p(n), m(n, 0.0), v(n, 0.0), g(n);
    std::vector<double> p_ref(n), m_ref(n, 0.0), v_ref(n, 0.0);
    fill_uniform(p, 1, -1.0, 1.0);
    p_ref        = p;
    double worst = 0.0;
    for (int t = 1; t <= 6; t++) {
        fill_uniform(g, 100 + static_cast<uint64_t>(t), -2.0, 2.0);
        g[3] = 0.0; // zero gradient after nonzero ones
        if (t == 1) {
            g[5] = 0.0; // zero from the start: stays put
        }
        const adam_coeffs<double> c =
            adam_coefficients<double>(static_cast<size_t>(t), LR, BETA1, BETA2, EPS);
        adam_update_range(p.data(), g.data(), m.data(), v.data(), 0, n, c);
        for (size_t i = 0; i < n; i++) {
            textbook_step(p_ref[i], m_ref[i], v_ref[i], g[i], t);
            worst = std::fmax(worst, std::fabs(p[i] - p_ref[i]));
            worst = std::fmax(worst, std::fabs(m[i] - m_ref[i]));
            worst = std::fmax(worst, std::fabs(v[i] - v_ref[i]));
        }
    }
    CHECK_MSG(worst < 1e-14, "PyTorch order vs textbook: worst abs difference %.3g", worst);
}

void run_float(std::vector<float> & p, const std::vector<float> & g_all, std::vector<float> & m,
               std::vector<float> & v, int steps) {
    const size_t n = p.size();
    for (int t = 1; t <= steps; t++) {
        std::vector<float> g(g_all.begin() + static_cast<long>((t - 1) * n),
                             g_all.begin() + static_cast<long>(t * n));
        nn_tensor_view     vp = test_view_1d(p.data(), n), vg = test_view_1d(g.data(), n);
        nn_tensor_view     vm = test_view_1d(m.data(), n), vv = test_view_1d(v.data(), n);
        CHECK_MSG(adam_step_cpu(&vp, &vg, &vm, &vv, static_cast<size_t>(t), LR, BETA1, BETA2,
                                EPS) == NN_STATUS_OK,
                  "%s", nn_last_error());
    }
}

void test_float_matches_double_and_is_deterministic() {
    const size_t       n     = 100003; // > ADAM_GRAIN, odd: several uneven chunks
    const int          steps = 5;
    std::vector<float> p0(n), g_all(n * steps);
    fill_uniform(p0, 7, -0.5, 0.5);
    fill_uniform(g_all, 8, -1.0, 1.0);

    std::vector<double> pd(p0.begin(), p0.end()), md(n, 0.0), vd(n, 0.0);
    for (int t = 1; t <= steps; t++) {
        std::vector<double>       g(g_all.begin() + static_cast<long>((t - 1) * n),
                                    g_all.begin() + static_cast<long>(t * n));
        const adam_coeffs<double> c =
            adam_coefficients<double>(static_cast<size_t>(t), LR, BETA1, BETA2, EPS);
        adam_update_range(pd.data(), g.data(), md.data(), vd.data(), 0, n, c);
    }

    std::vector<float> runs_p[2], runs_m[2], runs_v[2];
    const size_t       threads[2] = {1, 4};
    for (int r = 0; r < 2; r++) {
        nn_set_cpu_threads(threads[r]);
        runs_p[r] = p0;
        runs_m[r].assign(n, 0.0f);
        runs_v[r].assign(n, 0.0f);
        run_float(runs_p[r], g_all, runs_m[r], runs_v[r], steps);
    }
    nn_set_cpu_threads(0);
    // The update of p (p - p0) is what Adam computes; compare it, not p itself.
    std::vector<double> dp_f(n), dp_d(n);
    for (size_t i = 0; i < n; i++) {
        dp_f[i] = static_cast<double>(runs_p[0][i]) - static_cast<double>(p0[i]);
        dp_d[i] = pd[i] - static_cast<double>(p0[i]);
    }
    const double e_dp = nmse(dp_f.data(), dp_d.data(), n);
    const double e_m  = nmse(runs_m[0].data(), md.data(), n);
    const double e_v  = nmse(runs_v[0].data(), vd.data(), n);
    CHECK_MSG(e_dp < 1e-9, "float vs double: update nmse %.3g", e_dp);
    CHECK_MSG(e_m < ADAM_MAX_NMSE && e_v < ADAM_MAX_NMSE, "float vs double: m %.3g v %.3g", e_m,
              e_v);
    CHECK_MSG(std::memcmp(runs_p[0].data(), runs_p[1].data(), n * sizeof(float)) == 0 &&
                  std::memcmp(runs_m[0].data(), runs_m[1].data(), n * sizeof(float)) == 0 &&
                  std::memcmp(runs_v[0].data(), runs_v[1].data(), n * sizeof(float)) == 0,
              "1 thread and 4 threads differ");
}

// Zero gradients on zero state (the layout's padding) must leave parameters exactly unchanged.
void test_zero_state_stays() {
    std::vector<float> p  = {0.25f, -3.0f, 0.0f}, g(3, 0.0f), m(3, 0.0f), v(3, 0.0f);
    nn_tensor_view     vp = test_view_1d(p.data(), 3), vg = test_view_1d(g.data(), 3);
    nn_tensor_view     vm = test_view_1d(m.data(), 3), vv = test_view_1d(v.data(), 3);
    for (size_t t = 1; t <= 3; t++) {
        CHECK(adam_step_cpu(&vp, &vg, &vm, &vv, t, LR, BETA1, BETA2, EPS) == NN_STATUS_OK);
    }
    CHECK(p[0] == 0.25f && p[1] == -3.0f && p[2] == 0.0f && m[1] == 0.0f && v[1] == 0.0f);
}

void expect_invalid(nn_status status, const char * what, const char * op = "adam_step_cpu") {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    std::vector<float> buf(64, 0.0f);
    nn_tensor_view     p = test_view_1d(buf.data(), 8), g = test_view_1d(buf.data() + 16, 8);
    nn_tensor_view     m = test_view_1d(buf.data() + 32, 8), v = test_view_1d(buf.data() + 48, 8);
    CHECK(adam_step_cpu(&p, &g, &m, &v, 1, LR, BETA1, BETA2, EPS) == NN_STATUS_OK);
    expect_invalid(adam_step_cpu(nullptr, &g, &m, &v, 1, LR, BETA1, BETA2, EPS), "null params");
    expect_invalid(adam_step_cpu(&p, &g, nullptr, &v, 1, LR, BETA1, BETA2, EPS), "null m");
    nn_tensor_view short_v = test_view_1d(buf.data() + 48, 7);
    expect_invalid(adam_step_cpu(&p, &g, &m, &short_v, 1, LR, BETA1, BETA2, EPS), "size");
    CHECK(std::strstr(nn_last_error(), "8") != nullptr && std::strstr(nn_last_error(), "7"));
    nn_tensor_view overlap = test_view_1d(buf.data() + 4, 8);
    expect_invalid(adam_step_cpu(&p, &overlap, &m, &v, 1, LR, BETA1, BETA2, EPS), "overlap");
    nn_tensor_view strided = g;
    strided.strides[0]     = 2;
    expect_invalid(adam_step_cpu(&p, &strided, &m, &v, 1, LR, BETA1, BETA2, EPS), "strided");
    nn_tensor_view no_data = test_view_1d(nullptr, 8);
    expect_invalid(adam_step_cpu(&p, &g, &m, &no_data, 1, LR, BETA1, BETA2, EPS), "no data");
    expect_invalid(adam_step_cpu(&p, &g, &m, &v, 0, LR, BETA1, BETA2, EPS), "step 0");
    expect_invalid(adam_step_cpu(&p, &g, &m, &v, 1, -1e-3, BETA1, BETA2, EPS), "lr < 0");
    expect_invalid(adam_step_cpu(&p, &g, &m, &v, 1, NAN, BETA1, BETA2, EPS), "lr NaN");
    expect_invalid(adam_step_cpu(&p, &g, &m, &v, 1, LR, 1.0, BETA2, EPS), "beta1 = 1");
    expect_invalid(adam_step_cpu(&p, &g, &m, &v, 1, LR, BETA1, NAN, EPS), "beta2 NaN");
    expect_invalid(adam_step_cpu(&p, &g, &m, &v, 1, LR, BETA1, BETA2, -1e-8), "eps < 0");
    expect_invalid(adam_step_cpu(&p, &g, &m, &v, 1, LR, BETA1, BETA2, INFINITY), "eps inf");
}

// ----------------------------------------------------------------------------
// schedule

void test_lr_schedule() {
    CHECK(nn_caw_lr_milestone(2000) == 1333);
    CHECK(nn_caw_lr_milestone(3000) == 2000); // 2/3 in double times 3000 rounds to 2000.0
    CHECK(nn_caw_lr_milestone(5000) == 3333);
    CHECK(nn_caw_lr_milestone(0) == 0);
    const size_t milestone[1] = {nn_caw_lr_milestone(2000)};
    CHECK(nn_lr_multistep(LR, 0.1, milestone, 1, 0) == LR);
    CHECK(nn_lr_multistep(LR, 0.1, milestone, 1, 1332) == LR);
    CHECK(nn_lr_multistep(LR, 0.1, milestone, 1, 1333) == LR * 0.1);
    CHECK(nn_lr_multistep(LR, 0.1, milestone, 1, 1334) == LR * 0.1);
    CHECK(nn_lr_multistep(LR, 0.1, milestone, 1, 1999) == 0.00015000000000000001);
    const size_t several[3] = {5, 2, 5}; // unsorted, with a repeat that counts twice
    CHECK(nn_lr_multistep(1.0, 0.5, several, 3, 1) == 1.0);
    CHECK(nn_lr_multistep(1.0, 0.5, several, 3, 2) == 0.5);
    CHECK(nn_lr_multistep(1.0, 0.5, several, 3, 4) == 0.5);
    CHECK(nn_lr_multistep(1.0, 0.5, several, 3, 5) == 0.125);
    CHECK(nn_lr_multistep(2.0, 0.5, nullptr, 0, 100) == 2.0);
}

// ----------------------------------------------------------------------------
// layout

void test_layout() {
    nn_param_layout layout;
    CHECK(nn_param_layout_init(&layout) == NN_STATUS_OK);
    CHECK(layout.count == 0 && layout.total == 0);
    const char * names[5]   = {"head.conv.v", "head.conv.g", "head.conv.bias", "head.bn.weight",
                               "tail.conv.v"};
    const size_t sizes[5]   = {5, 16, 1, 33, 9 * 96 * 96};
    const size_t offsets[5] = {0, 16, 32, 48, 96};
    for (size_t i = 0; i < 5; i++) {
        size_t index = 99;
        CHECK(nn_param_layout_add(&layout, names[i], sizes[i], &index) == NN_STATUS_OK);
        CHECK(index == i);
    }
    CHECK(layout.count == 5);
    CHECK(layout.total == 96 + 82944); // 82944 is already a multiple of 16
    for (size_t i = 0; i < 5; i++) {
        const nn_param_tensor * t = nn_param_layout_get(&layout, i);
        CHECK(t != nullptr && t->offset == offsets[i] && t->numel == sizes[i] &&
              std::strcmp(t->name, names[i]) == 0 && t->offset % NN_PARAM_ALIGN == 0);
        size_t found = 99;
        CHECK(nn_param_layout_find(&layout, names[i], &found) == NN_STATUS_OK && found == i);
    }
    CHECK(nn_param_layout_get(&layout, 5) == nullptr);
    CHECK(nn_param_layout_get(nullptr, 0) == nullptr);
    std::vector<float> buffer(layout.total, 0.0f);
    CHECK(nn_param_layout_data(&layout, buffer.data(), 3) == buffer.data() + 48);
    CHECK(nn_param_layout_data(&layout, buffer.data(), 9) == nullptr);

    size_t index = 0;
    CHECK(nn_param_layout_add(&layout, "odd", 3, &index) == NN_STATUS_OK);
    CHECK(nn_param_layout_get(&layout, index)->offset == 96 + 82944 && layout.total == 83056);

    expect_invalid(nn_param_layout_add(&layout, "head.conv.g", 4, nullptr), "duplicate",
                   "nn_param_layout_add");
    expect_invalid(nn_param_layout_add(&layout, "", 4, nullptr), "empty name",
                   "nn_param_layout_add");
    const std::string long_name(NN_PARAM_NAME_MAX, 'x');
    expect_invalid(nn_param_layout_add(&layout, long_name.c_str(), 4, nullptr), "long name",
                   "nn_param_layout_add");
    expect_invalid(nn_param_layout_add(&layout, "zero", 0, nullptr), "numel 0",
                   "nn_param_layout_add");
    expect_invalid(nn_param_layout_add(nullptr, "x", 1, nullptr), "null layout",
                   "nn_param_layout_add");
    expect_invalid(nn_param_layout_find(&layout, "missing", &index), "missing",
                   "nn_param_layout_find");
    CHECK(layout.count == 6); // failures added nothing

    // Growth past the initial capacity keeps earlier entries.
    for (int i = 0; i < 40; i++) {
        const std::string name = "extra." + std::to_string(i);
        CHECK(nn_param_layout_add(&layout, name.c_str(), static_cast<size_t>(i + 1), nullptr) ==
              NN_STATUS_OK);
    }
    CHECK(layout.count == 46 && std::strcmp(nn_param_layout_get(&layout, 1)->name, names[1]) == 0);
    nn_param_layout_free(&layout);
    CHECK(layout.count == 0 && layout.tensors == nullptr);
    nn_param_layout_free(&layout); // twice is safe
}

} // namespace

NN_TEST_CASES(adam) {
    cases.values("known values", test_known_values);
    cases.values("PyTorch order vs textbook", test_against_textbook);
    cases.values("float vs double, 1 and 4 threads",
                 test_float_matches_double_and_is_deterministic);
    cases.values("zero gradients on zero state", test_zero_state_stays);
    cases.values("argument checks", test_argument_checks);
    cases.values("MultiStepLR schedule", test_lr_schedule);
    cases.values("parameter layout", test_layout);
}
