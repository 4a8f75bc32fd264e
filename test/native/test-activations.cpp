// test-activations.cpp: the activations op family's cases (nn/activations.h).
//   test   known values (the x == 0 convention included), extreme inputs, float entry points vs
//          double with NaN-poisoned outputs per shape, thread-count determinism, argument checks
//   grad   finite differences in double on the CPU reference's own loops, the leaky ReLU JVP
//          (a directional derivative) and its zero second derivative
//   perf   every forward and backward at a shape
// The device kernels (cuda/activations.cu) are checked in test-activations-dev.cpp (sim, cuda).

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cpu/activations-impl.h"
#include "cpu/parallel.h"
#include "nn/activations.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

using vec = std::vector<double>;

/** Float vs double: a few float roundings per element plus libm's float tanh/exp (~1e-13
 * seen with glibc); other libms may be a few ulps looser. */
constexpr double ACT_MAX_NMSE = 1e-10;
/** Central differences, step 1e-6 on smooth elementwise functions of O(1) inputs: truncation
 * ~1e-12, rounding ~1e-10 (1e-16 / 1e-6); the worst seen is ~1e-10. */
constexpr double FD_STEP        = 1e-6;
constexpr double FD_MAX_REL_ERR = 1e-8;
constexpr float  SLOPE          = 0.2f;

/** Uniform in [-2, 2) with |x| >= 0.01: finite differences never straddle the kink at 0. */
vec away_from_zero(size_t n, uint64_t seed) {
    vec v(n);
    fill_uniform(v, seed, -2.0, 2.0);
    for (double & x : v) {
        if (std::fabs(x) < 0.01) {
            x = x < 0.0 ? x - 0.01 : x + 0.01;
        }
    }
    return v;
}

// Worst |numeric - analytic| / max(1, |analytic|) per element of an elementwise function:
// numeric[i] = (f(v + h e_i)[i] - f(v - h e_i)[i]) / 2h, evaluating f on the whole vector.
double fd_elementwise(vec & v, const vec & analytic, const std::function<void(vec &)> & f) {
    vec          plus, minus, saved = v;
    const size_t n = v.size();
    for (size_t i = 0; i < n; i++) {
        v[i] = saved[i] + FD_STEP;
    }
    f(plus);
    for (size_t i = 0; i < n; i++) {
        v[i] = saved[i] - FD_STEP;
    }
    f(minus);
    v            = saved;
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double num = (plus[i] - minus[i]) / (2.0 * FD_STEP);
        worst =
            std::max(worst, std::fabs(num - analytic[i]) / std::max(1.0, std::fabs(analytic[i])));
    }
    return worst;
}

// ----------------------------------------------------------------------------
// CPU

void test_known_values() {
    std::vector<float> x = {-1.0f, 0.0f, 2.0f}, y(3, NAN), dy = {1.0f, 1.0f, 1.0f}, dx(3, NAN);
    const shape_3d     s  = {1, 1, 3};
    nn_tensor_view     vx = view3(x, s), vy = view3(y, s), vdy = view3(dy, s), vdx = view3(dx, s);
    CHECK(leaky_relu_forward_cpu(&vx, &vy, SLOPE) == NN_STATUS_OK);
    CHECK(y[0] == -0.2f && y[1] == 0.0f && y[2] == 2.0f);
    CHECK(leaky_relu_backward_cpu(&vdy, &vx, &vdx, SLOPE) == NN_STATUS_OK);
    CHECK(dx[0] == 0.2f && dx[1] == 0.2f && dx[2] == 1.0f); // x == 0 takes the slope (PyTorch)

    std::vector<float> a = {0.0f, 1.0f, 50.0f, -50.0f}, b = {0.0f, 0.0f, 200.0f, -200.0f};
    std::vector<float> out(4, NAN), dout(4, 1.0f), da(4, NAN), db(4, NAN);
    const shape_3d     g  = {1, 1, 4};
    nn_tensor_view     va = view3(a, g), vb = view3(b, g), vo = view3(out, g);
    nn_tensor_view     vdo = view3(dout, g), vda = view3(da, g), vdb = view3(db, g);
    CHECK(gated_unit_forward_cpu(&va, &vb, &vo) == NN_STATUS_OK);
    CHECK(out[0] == 0.0f && std::fabs(out[1] - std::tanh(1.0) * 0.5) < 1e-7);
    CHECK(out[2] == 1.0f && out[3] == 0.0f); // saturated, finite (exp overflow handled)
    CHECK(gated_unit_backward_cpu(&vdo, &va, &vb, &vda, &vdb) == NN_STATUS_OK);
    CHECK(da[0] == 0.5f && db[0] == 0.0f);
    CHECK(std::fabs(db[1] - std::tanh(1.0) * 0.25) < 1e-7);
    CHECK(da[2] == 0.0f && db[2] == 0.0f && da[3] == 0.0f && db[3] == 0.0f);
    CHECK(std::strcmp(nn_last_error(), "") == 0);
}

void test_leaky_relu_fd(double slope, uint64_t seed) {
    const size_t n  = 257;
    vec          x  = away_from_zero(n, seed), dx(n), ones(n, 1.0);
    vec          xt = away_from_zero(n, seed + 1), yt(n), dxt_dx(n, 0.0);
    leaky_relu_backward_span(ones.data(), x.data(), dx.data(), n, slope);
    const double e = fd_elementwise(x, dx, [&](vec & y) {
        y.resize(n);
        leaky_relu_forward_span(x.data(), y.data(), n, slope);
    });
    CHECK_MSG(e < FD_MAX_REL_ERR, "leaky relu slope %g: worst relative error %.3g", slope, e);

    // JVP = backward applied to the tangent = directional derivative of the forward.
    leaky_relu_backward_span(xt.data(), x.data(), yt.data(), n, slope);
    vec xp(n), xm(n), yp(n), ym(n);
    for (size_t i = 0; i < n; i++) {
        xp[i] = x[i] + FD_STEP * xt[i];
        xm[i] = x[i] - FD_STEP * xt[i];
    }
    leaky_relu_forward_span(xp.data(), yp.data(), n, slope);
    leaky_relu_forward_span(xm.data(), ym.data(), n, slope);
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        worst = std::max(worst, std::fabs((yp[i] - ym[i]) / (2.0 * FD_STEP) - yt[i]));
    }
    CHECK_MSG(worst < FD_MAX_REL_ERR, "leaky relu JVP slope %g: %.3g", slope, worst);

    // The JVP does not move with x away from the kink: d/dx sum(JVP) = 0 (the GP relies on it).
    const double e2 = fd_elementwise(x, dxt_dx, [&](vec & out) {
        out.resize(n);
        leaky_relu_backward_span(xt.data(), x.data(), out.data(), n, slope);
    });
    CHECK_MSG(e2 == 0.0, "leaky relu second derivative slope %g: %.3g", slope, e2);
}

void test_gated_unit_fd() {
    const size_t n = 301;
    vec          a = away_from_zero(n, 10), b = away_from_zero(n, 11), ones(n, 1.0), da(n), db(n);
    gated_unit_backward_span(ones.data(), a.data(), b.data(), da.data(), db.data(), n);
    const auto forward = [&](vec & out) {
        out.resize(n);
        gated_unit_forward_span(a.data(), b.data(), out.data(), n);
    };
    const double ea = fd_elementwise(a, da, forward), eb = fd_elementwise(b, db, forward);
    CHECK_MSG(ea < FD_MAX_REL_ERR && eb < FD_MAX_REL_ERR, "gated unit: da %.3g db %.3g", ea, eb);
}

void check_close(const std::vector<float> & got, const vec & ref, const char * what, shape_3d s) {
    const double e = nmse(got.data(), ref.data(), ref.size());
    CHECK_MSG(e < ACT_MAX_NMSE, "%s (%zu, %zu, %zu): nmse %.3g (inf = NaN/unwritten)", what, s.B,
              s.C, s.T, e);
}

/**
 * Leaky ReLU and the gated unit at (B, C, T): every float entry point (outputs NaN-poisoned)
 * against the double loops; perf times the four passes.
 */
struct test_activations : test_shape_case {
    using test_shape_case::test_shape_case;

    double max_nmse_err() const override { return ACT_MAX_NMSE; }

    void check_values(test_backend) override {
        const size_t       n = s.numel();
        std::vector<float> x(n), a(n), dy(n), y(n, NAN), dx(n, NAN), out(n, NAN);
        std::vector<float> da(n, NAN), db(n, NAN);
        fill_uniform(x, seed, -3.0, 3.0);
        fill_uniform(a, seed + 1, -3.0, 3.0);
        fill_uniform(dy, seed + 2);
        nn_tensor_view vx = view3(x, s), va = view3(a, s), vdy = view3(dy, s);
        nn_tensor_view vy = view3(y, s), vdx = view3(dx, s), vo = view3(out, s);
        nn_tensor_view vda = view3(da, s), vdb = view3(db, s);
        CHECK(leaky_relu_forward_cpu(&vx, &vy, SLOPE) == NN_STATUS_OK);
        CHECK(leaky_relu_backward_cpu(&vdy, &vx, &vdx, SLOPE) == NN_STATUS_OK);
        CHECK(gated_unit_forward_cpu(&va, &vx, &vo) == NN_STATUS_OK);
        CHECK(gated_unit_backward_cpu(&vdy, &va, &vx, &vda, &vdb) == NN_STATUS_OK);

        const vec xd(x.begin(), x.end()), ad(a.begin(), a.end()), dyd(dy.begin(), dy.end());
        vec       ry(n), rdx(n), ro(n), rda(n), rdb(n);
        leaky_relu_forward_span(xd.data(), ry.data(), n, double(SLOPE));
        leaky_relu_backward_span(dyd.data(), xd.data(), rdx.data(), n, double(SLOPE));
        gated_unit_forward_span(ad.data(), xd.data(), ro.data(), n);
        gated_unit_backward_span(dyd.data(), ad.data(), xd.data(), rda.data(), rdb.data(), n);
        check_close(y, ry, "leaky forward", s);
        check_close(dx, rdx, "leaky backward", s);
        check_close(out, ro, "gated forward", s);
        check_close(da, rda, "gated da", s);
        check_close(db, rdb, "gated db", s);
    }

    test_perf perf(test_backend) override {
        const size_t n   = s.numel();
        auto         buf = std::make_shared<std::vector<float>>(6 * n);
        fill_uniform(*buf, seed, -3.0, 3.0);
        test_perf p;
        p.work = 4.0 * static_cast<double>(n);
        p.run  = [this, buf, n] {
            float *        d = buf->data();
            nn_tensor_view x = nn_view_3d(d, s.B, s.C, s.T), a = nn_view_3d(d + n, s.B, s.C, s.T);
            nn_tensor_view dy = nn_view_3d(d + 2 * n, s.B, s.C, s.T);
            nn_tensor_view o1 = nn_view_3d(d + 3 * n, s.B, s.C, s.T);
            nn_tensor_view o2 = nn_view_3d(d + 4 * n, s.B, s.C, s.T);
            nn_tensor_view o3 = nn_view_3d(d + 5 * n, s.B, s.C, s.T);
            leaky_relu_forward_cpu(&x, &o1, SLOPE);
            leaky_relu_backward_cpu(&dy, &x, &o1, SLOPE);
            gated_unit_forward_cpu(&a, &x, &o1);
            gated_unit_backward_cpu(&dy, &a, &x, &o2, &o3);
        };
        return p;
    }
};

std::vector<float> run_all(size_t threads) {
    nn_set_cpu_threads(threads);
    const shape_3d     s = {2, 16, 5001};
    const size_t       n = s.numel();
    std::vector<float> a(n), b(n), dy(n), o(4 * n, NAN);
    fill_uniform(a, 7, -3.0, 3.0);
    fill_uniform(b, 8, -3.0, 3.0);
    fill_uniform(dy, 9);
    nn_tensor_view va = view3(a, s), vb = view3(b, s), vdy = view3(dy, s);
    nn_tensor_view o0 = nn_view_3d(o.data(), s.B, s.C, s.T), o1 = o0, o2 = o0, o3 = o0;
    o1.data = o.data() + n;
    o2.data = o.data() + 2 * n;
    o3.data = o.data() + 3 * n;
    CHECK(leaky_relu_forward_cpu(&va, &o0, SLOPE) == NN_STATUS_OK);
    CHECK(leaky_relu_backward_cpu(&vdy, &va, &o1, SLOPE) == NN_STATUS_OK);
    CHECK(gated_unit_backward_cpu(&vdy, &va, &vb, &o2, &o3) == NN_STATUS_OK);
    nn_set_cpu_threads(0);
    return o;
}

void test_determinism() {
    const std::vector<float> one = run_all(1), four = run_all(4), again = run_all(4);
    CHECK(std::memcmp(one.data(), four.data(), one.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(four.data(), again.data(), four.size() * sizeof(float)) == 0);
    CHECK(std::all_of(one.begin(), one.end(), [](float f) { return std::isfinite(f); }));
}

void expect_invalid(nn_status status, const char * what, const char * op) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    const shape_3d     s = {2, 3, 4};
    std::vector<float> x(24, 1.0f), y(24, 7.0f), z(24, 7.0f);
    nn_tensor_view     vx = view3(x, s), vy = view3(y, s), vz = view3(z, s);
    const char *       lf = "leaky_relu_forward_cpu", *lb = "leaky_relu_backward_cpu";
    const char *       gf = "gated_unit_forward_cpu", *gb = "gated_unit_backward_cpu";
    expect_invalid(leaky_relu_forward_cpu(nullptr, &vy, SLOPE), "null x", lf);
    expect_invalid(leaky_relu_forward_cpu(&vx, &vy, NAN), "NaN slope", lf);
    expect_invalid(leaky_relu_backward_cpu(&vx, &vx, &vx, SLOPE), "dx aliases x", lb);
    nn_tensor_view other = nn_view_3d(z.data(), 2, 4, 3);
    expect_invalid(leaky_relu_backward_cpu(&vx, &vy, &other, SLOPE), "shape mismatch", lb);
    expect_invalid(gated_unit_forward_cpu(&vx, &vy, &vy), "out aliases b", gf);
    nn_tensor_view two_d = vx;
    two_d.ndim           = 2;
    expect_invalid(gated_unit_forward_cpu(&two_d, &vx, &vz), "2-D a", gf);
    expect_invalid(gated_unit_backward_cpu(&vx, &vx, &vx, &vy, &vy), "da aliases db", gb);
    expect_invalid(gated_unit_backward_cpu(&vx, &vx, &vz, &vy, &vz), "db aliases b", gb);
    expect_invalid(gated_unit_backward_cpu(&vx, &vx, &vx, &vy, nullptr), "null db", gb);
    CHECK(y[0] == 7.0f && z[23] == 7.0f); // nothing written on failure
}

} // namespace

NN_TEST_CASES(activations) {
    cases.values("known values", test_known_values);
    cases.values("determinism across thread counts", test_determinism);
    cases.values("argument checks", test_argument_checks);
    uint64_t seed = 100;
    for (const size_t B : {1, 2}) {
        for (const size_t C : {1, 3, 16}) {
            for (const size_t T : {1, 2, 7, 64, 301}) {
                cases.add<test_activations>(shape_3d{B, C, T}, seed, TEST_VALUES);
                seed += 3;
            }
        }
    }
    // one (1, 1, C*T) row, as the model calls these: the flat split over the pool (blocks of 4096
    // elements, a ragged last one) and the vector loops' tails
    cases.add<test_activations>(shape_3d{1, 1, 70001}, seed, TEST_VALUES);
    cases.add<test_activations>(shape_3d{1, 96, 4000}, 1, TEST_PERF); // a ConvBlock at C = 96
    seed = 1;
    for (const double slope : {0.2, -0.5, 1.0}) {
        char name[64];
        std::snprintf(name, sizeof(name), "leaky relu, its JVP and 2nd derivative, slope %g",
                      slope);
        cases.grad(name, [slope, seed] { test_leaky_relu_fd(slope, seed); });
        seed += 2;
    }
    cases.grad("gated unit", test_gated_unit_fd);
}
