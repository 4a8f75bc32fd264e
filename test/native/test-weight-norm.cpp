// test-weight-norm.cpp: PyTorch-style weight_norm(dim=0)'s cases (nn/weight-norm.h).
//   test   known values; float entry points vs double; += semantics; the zero-norm refusal;
//          argument checks
//   grad   finite differences in double on the templated loops for dv and dg (loss sum(r * w))
// The device kernels (cuda/weight-norm.cu) are checked in test-weight-norm-dev.cpp. (The
// composition with the convolution is checked in test-conv1d.cpp.)

#include <cstring>
#include <string>
#include <vector>

#include "cpu/weight-norm-impl.h"
#include "nn/nn.h"
#include "nn/weight-norm.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

constexpr double WEIGHT_NORM_MAX_NMSE = 1e-12; // float rounding of one multiply per element

void test_known_values() {
    // row 0: v = (3, 4) -> ||v|| = 5, g = 10 -> w = (6, 8); row 1: v = (0, -2), g = 0.5 -> (0, -0.5)
    float          v[4] = {3.0f, 4.0f, 0.0f, -2.0f}, g[2] = {10.0f, 0.5f};
    float          w[4] = {NAN, NAN, NAN, NAN};
    nn_tensor_view vv = nn_view_3d(v, 2, 1, 2), vg = test_view_1d(g, 2);
    nn_tensor_view vw = nn_view_3d(w, 2, 1, 2);
    CHECK(weight_norm_forward_cpu(&vv, &vg, &vw) == NN_STATUS_OK);
    CHECK(w[0] == 6.0f && w[1] == 8.0f && w[2] == 0.0f && w[3] == -0.5f);
    // dw = (1, 0) on row 0: s = 3, dg = 3/5; dv = (10/5)(1, 0) - (10*3/125)(3, 4) = (1.28, -0.96)
    float          dw[4] = {1.0f, 0.0f, 0.0f, 0.0f}, dv[4] = {0, 0, 0, 0}, dg[2] = {0, 0};
    nn_tensor_view vdw = nn_view_3d(dw, 2, 1, 2), vdv = nn_view_3d(dv, 2, 1, 2);
    nn_tensor_view vdg = test_view_1d(dg, 2);
    CHECK(weight_norm_backward_cpu(&vdw, &vv, &vg, &vdv, &vdg) == NN_STATUS_OK);
    CHECK(std::fabs(dg[0] - 0.6f) < 1e-7f && dg[1] == 0.0f);
    CHECK(std::fabs(dv[0] - 1.28f) < 1e-6f && std::fabs(dv[1] + 0.96f) < 1e-6f);
    CHECK(dv[2] == 0.0f && dv[3] == 0.0f);
    CHECK(std::strcmp(nn_last_error(), "") == 0);
}

// L = sum(r * w(v, g)). EPS 1e-6 on a smooth function of O(1) values: truncation ~1e-12,
// rounding ~1e-16 * |L| / eps ~ 1e-9; a relative error of 1e-7 has margin and catches any
// wrong term (those are O(1)).
void test_gradient_finite_differences() {
    const double EPS = 1e-6, MAX_REL_ERR = 1e-7;
    struct shape { size_t C_out, C_in, K; };
    uint64_t seed = 1;
    for (const shape s : {shape{1, 1, 1}, shape{5, 3, 9}, shape{4, 7, 3}, shape{2, 1, 9}}) {
        const size_t        n = s.C_in * s.K, total = s.C_out * n;
        std::vector<double> v(total), g(s.C_out), r(total), w(total), dv(total, 0.0), dg(s.C_out, 0.0);
        fill_uniform(v, seed++);
        fill_uniform(g, seed++, -2.0, 2.0);
        fill_uniform(r, seed++);
        weight_norm_backward_ref(r.data(), v.data(), g.data(), dv.data(), dg.data(), s.C_out, n);
        auto loss = [&] {
            weight_norm_forward_ref(v.data(), g.data(), w.data(), s.C_out, n);
            double sum = 0.0;
            for (size_t j = 0; j < total; j++) sum += r[j] * w[j];
            return sum;
        };
        double worst = 0.0;
        for (auto * param : {&v, &g}) {
            const std::vector<double> & grad = param == &v ? dv : dg;
            for (size_t j = 0; j < param->size(); j++) {
                const double saved = (*param)[j];
                (*param)[j]        = saved + EPS;
                const double up    = loss();
                (*param)[j]        = saved - EPS;
                const double down  = loss();
                (*param)[j]        = saved;
                const double num   = (up - down) / (2.0 * EPS);
                worst = std::fmax(worst, std::fabs(num - grad[j]) / std::fmax(1.0, std::fabs(grad[j])));
            }
        }
        CHECK_MSG(worst < MAX_REL_ERR, "(%zu, %zu, %zu): worst relative error %.3g", s.C_out, s.C_in,
                  s.K, worst);
    }
}

void test_float_matches_double() {
    const size_t       C_out = 96, C_in = 96, K = 9, n = C_in * K, total = C_out * n;
    std::vector<float> v(total), g(C_out), dw(total), w(total, NAN), dv(total, 0.5f), dg(C_out, 0.5f);
    fill_uniform(v, 21);
    fill_uniform(g, 22, 0.1, 3.0);
    fill_uniform(dw, 23);
    nn_tensor_view vv = nn_view_3d(v.data(), C_out, C_in, K), vg = test_view_1d(g.data(), C_out);
    nn_tensor_view vw = nn_view_3d(w.data(), C_out, C_in, K), vdw = nn_view_3d(dw.data(), C_out, C_in, K);
    nn_tensor_view vdv = nn_view_3d(dv.data(), C_out, C_in, K);
    nn_tensor_view vdg = test_view_1d(dg.data(), C_out);
    CHECK(weight_norm_forward_cpu(&vv, &vg, &vw) == NN_STATUS_OK);
    CHECK(weight_norm_backward_cpu(&vdw, &vv, &vg, &vdv, &vdg) == NN_STATUS_OK);
    CHECK(weight_norm_backward_cpu(&vdw, &vv, &vg, &vdv, &vdg) == NN_STATUS_OK); // += twice

    std::vector<double> vd(v.begin(), v.end()), gd(g.begin(), g.end()), dwd(dw.begin(), dw.end());
    std::vector<double> wd(total), dvd(total, 0.0), dgd(C_out, 0.0);
    weight_norm_forward_ref(vd.data(), gd.data(), wd.data(), C_out, n);
    weight_norm_backward_ref(dwd.data(), vd.data(), gd.data(), dvd.data(), dgd.data(), C_out, n);
    for (double & e : dvd) e = 0.5 + 2.0 * e;
    for (double & e : dgd) e = 0.5 + 2.0 * e;
    const double e_w = nmse(w.data(), wd.data(), total), e_v = nmse(dv.data(), dvd.data(), total);
    const double e_g = nmse(dg.data(), dgd.data(), C_out);
    CHECK_MSG(e_w < WEIGHT_NORM_MAX_NMSE && e_v < WEIGHT_NORM_MAX_NMSE && e_g < WEIGHT_NORM_MAX_NMSE,
              "nmse w %.3g, dv (2x + base) %.3g, dg (2x + base) %.3g", e_w, e_v, e_g);
    // ||w[o]|| == |g[o]|: the defining property
    double worst = 0.0;
    for (size_t o = 0; o < C_out; o++) {
        double sq = 0.0;
        for (size_t j = 0; j < n; j++) sq += double(w[o * n + j]) * double(w[o * n + j]);
        worst = std::fmax(worst, std::fabs(std::sqrt(sq) - std::fabs(double(g[o]))) / std::fabs(double(g[o])));
    }
    CHECK_MSG(worst < 1e-6, "||w[o]|| differs from |g[o]| by %.3g (relative)", worst);
}

void expect_invalid(nn_status status, const char * what) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), "weight_norm_") != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    std::vector<float> v(12, 1.0f), g(2, 1.0f), w(12, 7.0f), dw(12, 1.0f), dv(12, 0.0f), dg(2, 0.0f);
    nn_tensor_view     vv = nn_view_3d(v.data(), 2, 2, 3), vg = test_view_1d(g.data(), 2);
    nn_tensor_view     vw = nn_view_3d(w.data(), 2, 2, 3), vdw = nn_view_3d(dw.data(), 2, 2, 3);
    nn_tensor_view     vdv = nn_view_3d(dv.data(), 2, 2, 3), vdg = test_view_1d(dg.data(), 2);

    // zero norm: refused, nothing written
    v[6] = v[7] = v[8] = v[9] = v[10] = v[11] = 0.0f;
    expect_invalid(weight_norm_forward_cpu(&vv, &vg, &vw), "zero-norm row");
    CHECK(std::strstr(nn_last_error(), "row 1") != nullptr);
    CHECK(w[0] == 7.0f && w[11] == 7.0f);
    expect_invalid(weight_norm_backward_cpu(&vdw, &vv, &vg, &vdv, &vdg), "zero-norm row (backward)");
    CHECK(dv[0] == 0.0f && dg[0] == 0.0f);
    std::fill(v.begin(), v.end(), 1.0f);

    CHECK(weight_norm_forward_cpu(&vv, &vg, &vw) == NN_STATUS_OK);
    CHECK(weight_norm_backward_cpu(&vdw, &vv, &vg, &vdv, nullptr) == NN_STATUS_OK);
    CHECK(weight_norm_backward_cpu(&vdw, &vv, &vg, nullptr, &vdg) == NN_STATUS_OK);
    expect_invalid(weight_norm_forward_cpu(nullptr, &vg, &vw), "null v");
    expect_invalid(weight_norm_forward_cpu(&vv, nullptr, &vw), "null g");
    expect_invalid(weight_norm_forward_cpu(&vv, &vg, nullptr), "null w");
    nn_tensor_view g3 = test_view_1d(g.data(), 1);
    expect_invalid(weight_norm_forward_cpu(&vv, &g3, &vw), "g length");
    nn_tensor_view w_other = nn_view_3d(w.data(), 2, 3, 2);
    expect_invalid(weight_norm_forward_cpu(&vv, &vg, &w_other), "w shape");
    nn_tensor_view w_on_v = nn_view_3d(v.data(), 2, 2, 3);
    expect_invalid(weight_norm_forward_cpu(&vv, &vg, &w_on_v), "w is v");
    nn_tensor_view v2d = vv;
    v2d.ndim           = 2;
    expect_invalid(weight_norm_forward_cpu(&v2d, &vg, &vw), "2-D v");
    expect_invalid(weight_norm_backward_cpu(&vdw, &vv, &vg, nullptr, nullptr), "no outputs");
    nn_tensor_view dv_on_dw = nn_view_3d(dw.data(), 2, 2, 3);
    expect_invalid(weight_norm_backward_cpu(&vdw, &vv, &vg, &dv_on_dw, &vdg), "dv overlaps dw");
    nn_tensor_view dg3 = test_view_1d(dg.data(), 1);
    expect_invalid(weight_norm_backward_cpu(&vdw, &vv, &vg, &vdv, &dg3), "dg length");
}

} // namespace

NN_TEST_CASES(weight_norm) {
    cases.values("known values", test_known_values);
    cases.values("float vs double, +=", test_float_matches_double);
    cases.values("argument checks", test_argument_checks);
    cases.grad("dv and dg", test_gradient_finite_differences);
}
