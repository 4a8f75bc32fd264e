// test-losses.cpp: the losses op family's cases (nn/losses.h).
//   test   known values, the |g| = 0 convention, float entry points vs double with NaN-poisoned
//          outputs, argument checks
//   grad   finite differences in double on the CPU reference's own loops, and the whole
//          gradient-penalty recipe on a toy critic (BN -> LeakyReLU -> BN -> LeakyReLU,
//          nn/batchnorm.h): the reverse-over-forward parameter gradient vs finite differences
//          of GP
// The device kernels (cuda/losses.cu) are checked in test-losses-dev.cpp (sim, cuda).

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/activations-impl.h"
#include "cpu/batchnorm-impl.h"
#include "cpu/losses-impl.h"
#include "nn/losses.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

using vec = std::vector<double>;

/** Float vs double: the scalars are double sums rounded once to float (relative error <= 6e-8,
 * so squared <= 4e-15); gradients are one double product rounded to float. */
constexpr double LOSS_MAX_NMSE = 1e-13;
/** Central differences, step 1e-6: these losses are quadratic (MSE, GP away from |g| = 0) or
 * linear, so truncation is ~0 and rounding ~1e-16 / 1e-6 * |L|; worst seen ~1e-10. The toy critic
 * composes BN twice (third derivatives ~10): same bound, seen ~1e-9. */
constexpr double FD_STEP        = 1e-6;
constexpr double FD_MAX_REL_ERR = 1e-7;

vec random_vec(size_t n, uint64_t seed, double lo = -1.0, double hi = 1.0) {
    vec v(n);
    fill_uniform(v, seed, lo, hi);
    return v;
}

// ----------------------------------------------------------------------------
// CPU

void test_known_values() {
    std::vector<float> x = {1.0f, 2.0f}, y = {0.0f, 0.0f}, dx(2, NAN), dy(2, NAN);
    nn_tensor_view     vx = view3(x, {1, 1, 2}), vy = view3(y, {1, 1, 2});
    nn_tensor_view     vdx = view3(dx, {1, 1, 2}), vdy = view3(dy, {1, 1, 2});
    float              loss = NAN;
    CHECK(mse_forward_cpu(&vx, &vy, &loss) == NN_STATUS_OK && loss == 2.5f);
    CHECK(mse_backward_cpu(&vx, &vy, 2.0f, &vdx, &vdy) == NN_STATUS_OK);
    CHECK(dx[0] == 2.0f && dx[1] == 4.0f && dy[0] == -2.0f && dy[1] == -4.0f);
    std::fill(dy.begin(), dy.end(), 7.0f);
    CHECK(mse_backward_cpu(&vx, &vy, 1.0f, &vdx, nullptr) == NN_STATUS_OK);
    CHECK(dx[1] == 2.0f && dy[0] == 7.0f); // dy null: only dx

    std::vector<float> d  = {1.0f, 2.0f, 3.0f, 6.0f}, dd(4, NAN);
    nn_tensor_view     vd = view3(d, {2, 1, 2}), vdd = view3(dd, {2, 1, 2});
    float              mean = NAN;
    CHECK(critic_mean_forward_cpu(&vd, &mean) == NN_STATUS_OK && mean == 3.0f);
    CHECK(critic_mean_backward_cpu(-1.0f, &vdd) == NN_STATUS_OK);
    CHECK(std::all_of(dd.begin(), dd.end(), [](float v) { return v == -0.25f; }));

    // C = 1: per-sample |g|. gp = 0.01 * ((0.5-1)^2 + (2-1)^2 + (1-1)^2) / 3.
    std::vector<float> g  = {0.5f, -2.0f, 1.0f}, dg(3, NAN);
    nn_tensor_view     vg = view3(g, {1, 1, 3}), vdg = view3(dg, {1, 1, 3});
    float              gp = NAN;
    CHECK(gradient_penalty_forward_cpu(&vg, 0.01f, &gp) == NN_STATUS_OK);
    CHECK(std::fabs(gp - 0.01 * 1.25 / 3.0) < 1e-9);
    CHECK(gradient_penalty_backward_cpu(&vg, 0.01f, 1.0f, &vdg) == NN_STATUS_OK);
    const double scale = 0.01 * 2.0 / 3.0; // dg = scale * (|g| - 1) * sign(g)
    CHECK(std::fabs(dg[0] - scale * -0.5) < 1e-9 && std::fabs(dg[1] - scale * -1.0) < 1e-9);
    CHECK(dg[2] == 0.0f);

    // C = 2: the norm runs over channels: g[0, :, 0] = (3, 4), n = 5.
    std::vector<float> g2  = {3.0f, 4.0f}, dg2(2, NAN);
    nn_tensor_view     vg2 = view3(g2, {1, 2, 1}), vdg2 = view3(dg2, {1, 2, 1});
    CHECK(gradient_penalty_forward_cpu(&vg2, 1.0f, &gp) == NN_STATUS_OK && gp == 16.0f);
    CHECK(gradient_penalty_backward_cpu(&vg2, 1.0f, 0.5f, &vdg2) == NN_STATUS_OK);
    CHECK(std::fabs(dg2[0] - 0.5 * 2.0 * 4.0 * 3.0 / 5.0) < 1e-6);
    CHECK(std::fabs(dg2[1] - 0.5 * 2.0 * 4.0 * 4.0 / 5.0) < 1e-6);
    CHECK(std::strcmp(nn_last_error(), "") == 0);
}

// |g| = 0: the penalty counts (0 - 1)^2 but the gradient is 0 (PyTorch's norm backward).
void test_gradient_penalty_at_zero() {
    std::vector<float> g  = {0.0f, -0.0f, 0.0f, 2.0f}, dg(4, NAN);
    nn_tensor_view     vg = view3(g, {1, 1, 4}), vdg = view3(dg, {1, 1, 4});
    float              gp = NAN;
    CHECK(gradient_penalty_forward_cpu(&vg, 1.0f, &gp) == NN_STATUS_OK && gp == 1.0f);
    CHECK(gradient_penalty_backward_cpu(&vg, 1.0f, 1.0f, &vdg) == NN_STATUS_OK);
    CHECK(dg[0] == 0.0f && dg[1] == 0.0f && dg[2] == 0.0f && dg[3] == 0.5f);
    // C = 2, (b, t) with both channels zero gets 0; its neighbour (0, 1) is regular.
    std::vector<float> g2  = {0.0f, 0.0f, 0.0f, 2.0f}, dg2(4, NAN);
    nn_tensor_view     vg2 = view3(g2, {1, 2, 2}), vdg2 = view3(dg2, {1, 2, 2});
    CHECK(gradient_penalty_backward_cpu(&vg2, 1.0f, 1.0f, &vdg2) == NN_STATUS_OK);
    CHECK(dg2[0] == 0.0f && dg2[2] == 0.0f && dg2[1] == 0.0f && dg2[3] == 1.0f); // n = 2 there
}

void test_gradients_fd() {
    uint64_t seed = 1;
    for (const shape_3d s : {shape_3d{1, 1, 1}, shape_3d{2, 1, 37}, shape_3d{2, 3, 11}}) {
        const size_t n = s.numel();
        vec          x = random_vec(n, seed++), y = random_vec(n, seed++), dx(n), dy(n);
        const double dl = 1.7;
        mse_backward_values(x.data(), y.data(), dx.data(), dy.data(), n, dl * 2.0 / double(n));
        const auto   mse = [&] { return dl * mse_sum_squares(x.data(), y.data(), n) / double(n); };
        const double ex = fd_worst(x, dx, FD_STEP, mse), ey = fd_worst(y, dy, FD_STEP, mse);
        CHECK_MSG(ex < FD_MAX_REL_ERR && ey < FD_MAX_REL_ERR, "mse (%zu, %zu, %zu): %.3g %.3g", s.B,
                  s.C, s.T, ex, ey);

        vec        dd(n, -0.8 / double(n)); // what critic_mean_backward writes for dout = -0.8
        const auto mean = [&] { return -0.8 * loss_sum(x.data(), n) / double(n); };
        CHECK_MSG(fd_worst(x, dd, FD_STEP, mean) < FD_MAX_REL_ERR, "critic mean (%zu, %zu, %zu)",
                  s.B, s.C, s.T);

        // Gradient penalty; magnitudes in [0.05, 3) keep every norm away from the kink at 0.
        vec g = random_vec(n, seed++, 0.05, 3.0), sign = random_vec(n, seed++), dg(n);
        for (size_t i = 0; i < n; i++) {
            g[i] = sign[i] < 0.0 ? -g[i] : g[i];
        }
        const double lambda = 0.01, dgp = 3.0;
        gradient_penalty_backward_values(g.data(), dg.data(), s.B, s.C, s.T,
                                         dgp * lambda * 2.0 / double(s.B * s.T));
        const double eg = fd_worst(g, dg, FD_STEP, [&] {
            return dgp * gradient_penalty_value(g.data(), s.B, s.C, s.T, lambda);
        });
        CHECK_MSG(eg < FD_MAX_REL_ERR, "gradient penalty (%zu, %zu, %zu): %.3g", s.B, s.C, s.T, eg);
    }
}

void test_float_matches_double() {
    uint64_t seed = 100;
    for (const size_t B : {1, 2}) {
        for (const size_t C : {1, 3, 16}) {
            for (const size_t T : {1, 2, 7, 64, 301}) {
                const shape_3d     s = {B, C, T};
                const size_t       n = s.numel();
                std::vector<float> x(n), y(n), dx(n, NAN), dy(n, NAN), dd(n, NAN), dg(n, NAN);
                fill_uniform(x, seed++, -2.0, 2.0);
                fill_uniform(y, seed++, -2.0, 2.0);
                nn_tensor_view vx = view3(x, s), vy = view3(y, s), vdx = view3(dx, s);
                nn_tensor_view vdy = view3(dy, s), vdd = view3(dd, s), vdg = view3(dg, s);
                float          loss = NAN, mean = NAN, gp = NAN;
                CHECK(mse_forward_cpu(&vx, &vy, &loss) == NN_STATUS_OK);
                CHECK(mse_backward_cpu(&vx, &vy, 10.0f, &vdx, &vdy) == NN_STATUS_OK);
                CHECK(critic_mean_forward_cpu(&vx, &mean) == NN_STATUS_OK);
                CHECK(critic_mean_backward_cpu(-1.0f, &vdd) == NN_STATUS_OK);
                CHECK(gradient_penalty_forward_cpu(&vx, 0.01f, &gp) == NN_STATUS_OK);
                CHECK(gradient_penalty_backward_cpu(&vx, 0.01f, 1.0f, &vdg) == NN_STATUS_OK);

                const vec    xd(x.begin(), x.end()), yd(y.begin(), y.end());
                const double r_loss = mse_sum_squares(xd.data(), yd.data(), n) / double(n);
                const double r_mean = loss_sum(xd.data(), n) / double(n);
                const double r_gp   = gradient_penalty_value(xd.data(), B, C, T, double(0.01f));
                vec          rdx(n), rdy(n), rdd(n, -1.0 / double(n)), rdg(n);
                mse_backward_values(xd.data(), yd.data(), rdx.data(), rdy.data(), n,
                                    10.0 * 2.0 / double(n));
                gradient_penalty_backward_values(xd.data(), rdg.data(), B, C, T,
                                                 double(0.01f) * 2.0 / double(B * T));
                const double errs[7]  = {nmse(&loss, &r_loss, 1),
                                         nmse(&mean, &r_mean, 1),
                                         nmse(&gp, &r_gp, 1),
                                         nmse(dx.data(), rdx.data(), n),
                                         nmse(dy.data(), rdy.data(), n),
                                         nmse(dd.data(), rdd.data(), n),
                                         nmse(dg.data(), rdg.data(), n)};
                const char * names[7] = {"mse",    "critic mean", "gp",   "mse dx",
                                         "mse dy", "critic dd",   "gp dg"};
                for (int k = 0; k < 7; k++) {
                    CHECK_MSG(errs[k] < LOSS_MAX_NMSE, "%s (%zu, %zu, %zu): nmse %.3g", names[k], B,
                              C, T, errs[k]);
                }
            }
        }
    }
}

void expect_invalid(nn_status status, const char * what, const char * op) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    std::vector<float> a(24, 1.0f), b(24, 2.0f), c(24, 7.0f);
    nn_tensor_view     va = view3(a, {2, 3, 4}), vb = view3(b, {2, 3, 4}), vc = view3(c, {2, 3, 4});
    nn_tensor_view     other = nn_view_3d(b.data(), 2, 4, 3);
    float              out   = 7.0f;
    expect_invalid(mse_forward_cpu(&va, &other, &out), "mse shape mismatch", "mse_forward_cpu");
    expect_invalid(mse_forward_cpu(&va, &vb, nullptr), "mse null loss", "mse_forward_cpu");
    expect_invalid(mse_forward_cpu(nullptr, &vb, &out), "mse null x", "mse_forward_cpu");
    CHECK(mse_forward_cpu(&va, &va, &out) == NN_STATUS_OK && out == 0.0f); // inputs may alias
    expect_invalid(mse_backward_cpu(&va, &vb, NAN, &vc, nullptr), "NaN dloss", "mse_backward_cpu");
    expect_invalid(mse_backward_cpu(&va, &vb, 1.0f, &vc, &vc), "dx aliases dy", "mse_backward_cpu");
    expect_invalid(mse_backward_cpu(&va, &vb, 1.0f, &vb, nullptr), "dx aliases y",
                   "mse_backward_cpu");
    nn_tensor_view empty = nn_view_3d(a.data(), 2, 0, 4);
    expect_invalid(critic_mean_forward_cpu(&empty, &out), "empty d", "critic_mean_forward_cpu");
    expect_invalid(critic_mean_backward_cpu(INFINITY, &vc), "inf dout", "critic_mean_backward_cpu");
    nn_tensor_view strided = vc;
    strided.strides[2]     = 2;
    expect_invalid(critic_mean_backward_cpu(1.0f, &strided), "non-contiguous dd",
                   "critic_mean_backward_cpu");
    expect_invalid(gradient_penalty_forward_cpu(&va, NAN, &out), "NaN lambda",
                   "gradient_penalty_forward_cpu");
    expect_invalid(gradient_penalty_backward_cpu(&va, 0.01f, 1.0f, &va), "dg aliases g",
                   "gradient_penalty_backward_cpu");
    expect_invalid(gradient_penalty_backward_cpu(&va, 0.01f, NAN, &vc), "NaN dgp",
                   "gradient_penalty_backward_cpu");
    CHECK(c[0] == 7.0f && c[23] == 7.0f); // nothing written on failure
}

// ----------------------------------------------------------------------------
// the gradient-penalty recipe on a toy critic, all in double with the production loops
//
// D(x) = leaky(BN2(leaky(BN1(x)))) per channel (training-mode BN), S = sum(D(x)),
// g = dS/dx, GP = gp(g). dGP/dtheta by reverse-over-forward (nn/batchnorm.h): w = dGP/dg, push
// the tangent w through D's forward, backpropagate sum(output tangent) through the (primal,
// tangent) pairs. Checked against finite differences of GP in gamma1, beta1, gamma2, beta2.

// lambda = 1 rather than CAW's 0.01 (a pure scale) so the gradients are O(1) and the absolute
// finite-difference tolerance is also a relative one.
constexpr double GP_SLOPE = 0.2, GP_EPS = 1e-5, GP_LAMBDA = 1.0;

struct toy_critic {
    shape_3d s;
    vec      x, gamma1, beta1, gamma2, beta2;
};

struct bn_pass {
    vec y, mean, inv;
};

batchnorm_channel chan(shape_3d s, size_t c) {
    return batchnorm_channel{s.B, s.C, s.T, c};
}

bn_pass bn_forward(const vec & x, const vec & gamma, const vec & beta, shape_3d s) {
    bn_pass p{vec(x.size()), vec(s.C), vec(s.C)};
    for (size_t c = 0; c < s.C; c++) {
        batchnorm_train_forward_channel(x.data(), p.y.data(), chan(s, c), gamma[c], beta[c], GP_EPS,
                                        0.1, &p.mean[c], &p.inv[c], (double *) nullptr,
                                        (double *) nullptr);
    }
    return p;
}

vec bn_backward(const vec & dy, const vec & x, const vec & gamma, const bn_pass & p, shape_3d s,
                vec & dgamma, vec & dbeta) {
    vec dx(x.size());
    for (size_t c = 0; c < s.C; c++) {
        batchnorm_train_backward_channel(dy.data(), x.data(), dx.data(), chan(s, c), gamma[c],
                                         p.mean[c], p.inv[c], &dgamma[c], &dbeta[c]);
    }
    return dx;
}

vec leaky_mask_apply(const vec & v, const vec & x) { // backward = JVP = v * mask(x)
    vec out(v.size());
    leaky_relu_backward_span(v.data(), x.data(), out.data(), v.size(), GP_SLOPE);
    return out;
}

struct toy_primal {
    bn_pass bn1, bn2;
    vec     a1, g;
};

toy_primal toy_forward_and_input_gradient(const toy_critic & d) {
    toy_primal p;
    p.bn1 = bn_forward(d.x, d.gamma1, d.beta1, d.s);
    p.a1.resize(d.x.size());
    leaky_relu_forward_span(p.bn1.y.data(), p.a1.data(), d.x.size(), GP_SLOPE);
    p.bn2 = bn_forward(p.a1, d.gamma2, d.beta2, d.s);
    vec ones(d.x.size(), 1.0), sink_g(d.s.C, 0.0), sink_b(d.s.C, 0.0);
    vec dh2 = leaky_mask_apply(ones, p.bn2.y);
    vec da1 = bn_backward(dh2, p.a1, d.gamma2, p.bn2, d.s, sink_g, sink_b);
    p.g = bn_backward(leaky_mask_apply(da1, p.bn1.y), d.x, d.gamma1, p.bn1, d.s, sink_g, sink_b);
    return p;
}

double toy_gp(const toy_critic & d) {
    const toy_primal p = toy_forward_and_input_gradient(d);
    return gradient_penalty_value(p.g.data(), d.s.B, d.s.C, d.s.T, GP_LAMBDA);
}

void test_gradient_penalty_recipe() {
    toy_critic d;
    d.s                = {1, 2, 23};
    d.x                = random_vec(d.s.numel(), 500);
    d.gamma1           = random_vec(d.s.C, 501, 0.5, 1.5);
    d.beta1            = random_vec(d.s.C, 502, -0.3, 0.3);
    d.gamma2           = random_vec(d.s.C, 503, 0.5, 1.5);
    d.beta2            = random_vec(d.s.C, 504, -0.3, 0.3);
    const size_t     n = d.s.numel(), C = d.s.C;
    const toy_primal p = toy_forward_and_input_gradient(d);

    vec w(n); // dGP/dg
    gradient_penalty_backward_values(p.g.data(), w.data(), d.s.B, C, d.s.T,
                                     GP_LAMBDA * 2.0 / double(d.s.B * d.s.T));
    // forward tangents: t1 = BN1'(x) w, t2 = leaky'(h1) t1; t3 = BN2'(a1) t2 and t4 = leaky'(h2) t3
    // are not needed: L = sum(t4) is linear in t4, so only their cotangents are.
    vec t1(n);
    for (size_t c = 0; c < C; c++) {
        batchnorm_train_jvp_channel(d.x.data(), w.data(), t1.data(), chan(d.s, c), d.gamma1[c],
                                    p.bn1.mean[c], p.bn1.inv[c]);
    }
    const vec t2 = leaky_mask_apply(t1, p.bn1.y);
    // reverse of L = sum(t4): leaky2 passes the cotangent through its mask, and its zero second
    // derivative sends nothing to h2's primal, so BN2's ordinary backward gets dy = 0.
    const vec ones(n, 1.0);
    const vec q3 = leaky_mask_apply(ones, p.bn2.y);
    vec       pa1(n), q2(n), dgamma1(C, 0.0), dbeta1(C, 0.0), dgamma2(C, 0.0), dbeta2(C, 0.0);
    for (size_t c = 0; c < C; c++) {
        batchnorm_train_jvp_backward_channel(q3.data(), p.a1.data(), t2.data(), pa1.data(),
                                             q2.data(), chan(d.s, c), d.gamma2[c], p.bn2.mean[c],
                                             p.bn2.inv[c], &dgamma2[c]);
    }
    const vec q1   = leaky_mask_apply(q2, p.bn1.y);  // cotangent of t1
    const vec p_h1 = leaky_mask_apply(pa1, p.bn1.y); // cotangent of h1 (primal path)
    vec       sink_dx(n), sink_dxt(n);
    for (size_t c = 0; c < C; c++) {
        batchnorm_train_jvp_backward_channel(q1.data(), d.x.data(), w.data(), sink_dx.data(),
                                             sink_dxt.data(), chan(d.s, c), d.gamma1[c],
                                             p.bn1.mean[c], p.bn1.inv[c], &dgamma1[c]);
    }
    bn_backward(p_h1, d.x, d.gamma1, p.bn1, d.s, dgamma1, dbeta1);

    // These gradients are 4e-3 .. 1e-1: a floor of 1e-3 makes the check relative.
    const auto   gp  = [&] { return toy_gp(d); };
    const double eg1 = fd_worst(d.gamma1, dgamma1, FD_STEP, gp, 1e-3);
    const double eb1 = fd_worst(d.beta1, dbeta1, FD_STEP, gp, 1e-3);
    const double eg2 = fd_worst(d.gamma2, dgamma2, FD_STEP, gp, 1e-3);
    const double eb2 = fd_worst(d.beta2, dbeta2, FD_STEP, gp, 1e-3);
    CHECK_MSG(eg1 < FD_MAX_REL_ERR && eb1 < FD_MAX_REL_ERR && eg2 < FD_MAX_REL_ERR &&
                  eb2 < FD_MAX_REL_ERR,
              "GP recipe: gamma1 %.3g beta1 %.3g gamma2 %.3g beta2 %.3g", eg1, eb1, eg2, eb2);
    // Non-trivial: beta1 reaches the penalty (through BN2's statistics), beta2 does not.
    CHECK(std::fabs(dbeta1[0]) + std::fabs(dbeta1[1]) > 1e-6);
    CHECK(dbeta2[0] == 0.0 && dbeta2[1] == 0.0);
}

} // namespace

NN_TEST_CASES(losses) {
    cases.values("known values", test_known_values);
    cases.values("gradient penalty at |g| = 0", test_gradient_penalty_at_zero);
    cases.values("float vs double", test_float_matches_double);
    cases.values("argument checks", test_argument_checks);
    cases.grad("MSE, critic mean, penalty", test_gradients_fd);
    cases.grad("gradient-penalty recipe on a toy critic", test_gradient_penalty_recipe);
}
