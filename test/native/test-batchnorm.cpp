// test-batchnorm.cpp: the BatchNorm1d op family's cases (nn/batchnorm.h).
//   test   hand-computed statistics and running-statistics updates; per shape, every float entry
//          point vs the double loops with NaN-poisoned outputs and += checks (N = 1 in eval mode);
//          thread-count determinism; argument checks
//   grad   finite differences in double on the CPU reference's own channel loops for the train
//          and eval backward passes, the JVP (a directional derivative of the forward) and the
//          JVP's reverse (the gradient of sum(r * JVP) in x, x_dot and gamma)
//   perf   train forward + backward at a shape
// The device kernels (cuda/batchnorm.cu) are checked in test-batchnorm-dev.cpp (sim, cuda).

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpu/batchnorm-impl.h"
#include "cpu/parallel.h"
#include "nn/batchnorm.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

using vec = std::vector<double>;

/** Float entry points vs the double loops on the same (float-rounded) inputs. Sums are in double
 * on both sides, so the gap is the float rounding of inputs/outputs: ~1e-14 seen, 1e-10 allowed. */
constexpr double BN_MAX_NMSE = 1e-10;
/** Central differences, step 1e-5 in double: truncation ~1e-10 * |f'''|, rounding ~1e-16 *
 * |L| / 1e-5 with |L| <= ~1e2 here; the worst seen is ~1e-9, so 1e-7 leaves margin yet fails any
 * wrong term (those give errors of order 1e-2 and above). */
constexpr double FD_STEP        = 1e-5;
constexpr double FD_MAX_REL_ERR = 1e-7;
constexpr double EPS            = 1e-5;
constexpr double MOMENTUM       = 0.1;

nn_tensor_view view1(float * data, size_t C) {
    nn_tensor_view v = {};
    v.data           = data;
    v.ndim           = 1;
    v.shape[0]       = C;
    v.strides[0]     = 1;
    for (int i = 1; i < NN_MAX_DIMS; i++) {
        v.shape[i] = 1;
    }
    return v;
}

batchnorm_channel chan(shape_3d s, size_t c) {
    return batchnorm_channel{s.B, s.C, s.T, c};
}

// ---- double drivers: the very loops nn_core runs, over all channels -------------------------

// y written; mean, invstd (C) written; no running statistics.
void train_forward_d(const vec & x, const vec & gamma, const vec & beta, shape_3d s, vec & y,
                     vec & mean, vec & invstd) {
    mean.assign(s.C, 0.0);
    invstd.assign(s.C, 0.0);
    y.assign(s.numel(), 0.0);
    for (size_t c = 0; c < s.C; c++) {
        batchnorm_train_forward_channel(x.data(), y.data(), chan(s, c), gamma[c], beta[c], EPS,
                                        MOMENTUM, &mean[c], &invstd[c], (double *) nullptr,
                                        (double *) nullptr);
    }
}

// y_dot for x (statistics recomputed from x, as the forward would save them).
void train_jvp_d(const vec & x, const vec & xt, const vec & gamma, shape_3d s, vec & yt) {
    vec y, mean, invstd, beta(s.C, 0.0);
    train_forward_d(x, gamma, beta, s, y, mean, invstd);
    yt.assign(s.numel(), 0.0);
    for (size_t c = 0; c < s.C; c++) {
        batchnorm_train_jvp_channel(x.data(), xt.data(), yt.data(), chan(s, c), gamma[c], mean[c],
                                    invstd[c]);
    }
}

void eval_forward_d(const vec & x, const vec & gamma, const vec & beta, const vec & rm,
                    const vec & rv, shape_3d s, vec & y) {
    y.assign(s.numel(), 0.0);
    for (size_t c = 0; c < s.C; c++) {
        batchnorm_eval_forward_channel(x.data(), y.data(), chan(s, c), gamma[c], beta[c], rm[c],
                                       rv[c], EPS);
    }
}

double dot(const vec & a, const vec & b) {
    double sum = 0.0;
    for (size_t i = 0; i < a.size(); i++) {
        sum += a[i] * b[i];
    }
    return sum;
}

vec random_vec(size_t n, uint64_t seed, double lo = -1.0, double hi = 1.0) {
    vec v(n);
    fill_uniform(v, seed, lo, hi);
    return v;
}

const shape_3d FD_SHAPES[] = {{2, 1, 1}, {1, 3, 7}, {2, 3, 5}, {1, 1, 300}, {2, 16, 9}};

// ----------------------------------------------------------------------------
// CPU

void test_known_values() {
    // B = 2, C = 2, T = 2. Channel 0 holds {1, 2, 3, 6}: mean 3, biased var 3.5, unbiased 14/3.
    // Channel 1 holds {0, 0, 0, 4}: mean 1, biased var 3, unbiased 4.
    std::vector<float> x        = {1, 2, 0, 0, 3, 6, 0, 4}, y(8, NAN);
    float              gamma[2] = {2.0f, -0.5f}, beta[2] = {0.5f, 1.0f};
    float rm[2] = {0.5f, -1.0f}, rv[2] = {2.0f, 1.0f}, mean[2] = {NAN, NAN}, inv[2] = {NAN, NAN};
    const shape_3d s  = {2, 2, 2};
    nn_tensor_view vx = view3(x, s), vy = view3(y, s), vg = view1(gamma, 2), vb = view1(beta, 2);
    nn_tensor_view vrm = view1(rm, 2), vrv = view1(rv, 2), vm = view1(mean, 2), vi = view1(inv, 2);
    CHECK(batchnorm_train_forward_cpu(&vx, &vg, &vb, &vrm, &vrv, &vm, &vi, &vy, 0.1f, 1e-5f) ==
          NN_STATUS_OK);
    const double mu[2] = {3.0, 1.0}, var[2] = {3.5, 3.0};
    const double expect_rm[2] = {0.9 * 0.5 + 0.1 * 3.0, 0.9 * -1.0 + 0.1 * 1.0};
    const double expect_rv[2] = {0.9 * 2.0 + 0.1 * 14.0 / 3.0, 0.9 * 1.0 + 0.1 * 4.0};
    for (size_t c = 0; c < 2; c++) {
        const double s_c = 1.0 / std::sqrt(var[c] + 1e-5);
        CHECK_MSG(std::fabs(rm[c] - expect_rm[c]) < 1e-6, "running_mean[%zu] %g", c, rm[c]);
        CHECK_MSG(std::fabs(rv[c] - expect_rv[c]) < 1e-6, "running_var[%zu] %g", c, rv[c]);
        CHECK(std::fabs(mean[c] - mu[c]) < 1e-6 && std::fabs(inv[c] - s_c) < 1e-6);
        for (size_t b = 0; b < 2; b++) {
            for (size_t t = 0; t < 2; t++) {
                const size_t i = (b * 2 + c) * 2 + t;
                const double e = gamma[c] * (x[i] - mu[c]) * s_c + beta[c];
                CHECK_MSG(std::fabs(y[i] - e) < 1e-6, "y[%zu] = %g, expected %g", i, y[i], e);
            }
        }
    }
    // momentum 1: running statistics become the batch's (unbiased variance); both null: untouched.
    CHECK(batchnorm_train_forward_cpu(&vx, &vg, &vb, &vrm, &vrv, &vm, &vi, &vy, 1.0f, 1e-5f) ==
          NN_STATUS_OK);
    CHECK(rm[0] == 3.0f && rm[1] == 1.0f && std::fabs(rv[0] - 14.0 / 3.0) < 1e-6 && rv[1] == 4.0f);
    CHECK(batchnorm_train_forward_cpu(&vx, &vg, &vb, nullptr, nullptr, &vm, &vi, &vy, 0.1f,
                                      1e-5f) == NN_STATUS_OK);
    CHECK(rm[0] == 3.0f && rv[1] == 4.0f);
    // Eval mode with those running statistics: y = gamma * (x - rm) / sqrt(rv + eps) + beta.
    std::fill(y.begin(), y.end(), NAN);
    CHECK(batchnorm_eval_forward_cpu(&vx, &vg, &vb, &vrm, &vrv, &vy, 1e-5f) == NN_STATUS_OK);
    CHECK(std::fabs(y[1] - (2.0 * (2.0 - 3.0) / std::sqrt(14.0 / 3.0 + 1e-5) + 0.5)) < 1e-6);
    CHECK(std::fabs(y[7] - (-0.5 * (4.0 - 1.0) / std::sqrt(4.0 + 1e-5) + 1.0)) < 1e-6);
    CHECK(std::strcmp(nn_last_error(), "") == 0);
}

// L = sum(w * train_forward(x, gamma, beta)): backward vs finite differences in x, gamma, beta.
void test_train_backward_fd() {
    uint64_t seed = 1;
    for (const shape_3d s : FD_SHAPES) {
        vec x = random_vec(s.numel(), seed++), w = random_vec(s.numel(), seed++);
        vec gamma = random_vec(s.C, seed++, 0.5, 1.5), beta = random_vec(s.C, seed++);
        vec y, mean, inv, dx(s.numel()), dgamma(s.C, 0.0), dbeta(s.C, 0.0);
        train_forward_d(x, gamma, beta, s, y, mean, inv);
        for (size_t c = 0; c < s.C; c++) {
            batchnorm_train_backward_channel(w.data(), x.data(), dx.data(), chan(s, c), gamma[c],
                                             mean[c], inv[c], &dgamma[c], &dbeta[c]);
        }
        const auto loss = [&] {
            vec yy, mm, ii;
            train_forward_d(x, gamma, beta, s, yy, mm, ii);
            return dot(w, yy);
        };
        const double ex = fd_worst(x, dx, FD_STEP, loss),
                     eg = fd_worst(gamma, dgamma, FD_STEP, loss);
        const double eb = fd_worst(beta, dbeta, FD_STEP, loss);
        CHECK_MSG(ex < FD_MAX_REL_ERR && eg < FD_MAX_REL_ERR && eb < FD_MAX_REL_ERR,
                  "train (%zu, %zu, %zu): dx %.3g dgamma %.3g dbeta %.3g", s.B, s.C, s.T, ex, eg,
                  eb);
    }
}

// L = sum(w * eval_forward(x, gamma, beta)): backward vs finite differences (N = 1 allowed).
void test_eval_backward_fd() {
    uint64_t seed = 50;
    for (const shape_3d s : {shape_3d{1, 1, 1}, shape_3d{2, 3, 5}, shape_3d{1, 16, 11}}) {
        vec x = random_vec(s.numel(), seed++), w = random_vec(s.numel(), seed++);
        vec gamma = random_vec(s.C, seed++, 0.5, 1.5), beta = random_vec(s.C, seed++);
        vec rm = random_vec(s.C, seed++), rv = random_vec(s.C, seed++, 0.2, 2.0);
        vec dx(s.numel()), dgamma(s.C, 0.0), dbeta(s.C, 0.0);
        for (size_t c = 0; c < s.C; c++) {
            batchnorm_eval_backward_channel(w.data(), x.data(), dx.data(), chan(s, c), gamma[c],
                                            rm[c], rv[c], EPS, &dgamma[c], &dbeta[c]);
        }
        const auto loss = [&] {
            vec yy;
            eval_forward_d(x, gamma, beta, rm, rv, s, yy);
            return dot(w, yy);
        };
        const double ex = fd_worst(x, dx, FD_STEP, loss),
                     eg = fd_worst(gamma, dgamma, FD_STEP, loss);
        const double eb = fd_worst(beta, dbeta, FD_STEP, loss);
        CHECK_MSG(ex < FD_MAX_REL_ERR && eg < FD_MAX_REL_ERR && eb < FD_MAX_REL_ERR,
                  "eval (%zu, %zu, %zu): dx %.3g dgamma %.3g dbeta %.3g", s.B, s.C, s.T, ex, eg,
                  eb);
    }
}

// (a) JVP(x, x_dot) = d/dh forward(x + h x_dot) at h = 0, element by element.
void test_jvp_directional_derivative() {
    uint64_t seed = 100;
    for (const shape_3d s : FD_SHAPES) {
        vec x = random_vec(s.numel(), seed++), xt = random_vec(s.numel(), seed++);
        vec gamma = random_vec(s.C, seed++, 0.5, 1.5), beta = random_vec(s.C, seed++);
        vec yt, yp, ym, mean, inv, xp(x), xm(x);
        train_jvp_d(x, xt, gamma, s, yt);
        for (size_t i = 0; i < x.size(); i++) {
            xp[i] = x[i] + FD_STEP * xt[i];
            xm[i] = x[i] - FD_STEP * xt[i];
        }
        train_forward_d(xp, gamma, beta, s, yp, mean, inv);
        train_forward_d(xm, gamma, beta, s, ym, mean, inv);
        double worst = 0.0;
        for (size_t i = 0; i < x.size(); i++) {
            const double num = (yp[i] - ym[i]) / (2.0 * FD_STEP);
            worst = std::max(worst, std::fabs(num - yt[i]) / std::max(1.0, std::fabs(yt[i])));
        }
        CHECK_MSG(worst < FD_MAX_REL_ERR, "jvp (%zu, %zu, %zu): worst relative error %.3g", s.B,
                  s.C, s.T, worst);
    }
}

// (b) L = sum(r * JVP(x, x_dot; gamma)), statistics recomputed from x: the JVP's reverse vs finite
// differences in x, x_dot and gamma.
void test_jvp_backward_fd() {
    uint64_t seed = 200;
    for (const shape_3d s : FD_SHAPES) {
        vec x = random_vec(s.numel(), seed++), xt = random_vec(s.numel(), seed++);
        vec r = random_vec(s.numel(), seed++), gamma = random_vec(s.C, seed++, 0.5, 1.5);
        vec y, mean, inv, beta(s.C, 0.0), dx(s.numel()), dxt(s.numel()), dgamma(s.C, 0.0);
        train_forward_d(x, gamma, beta, s, y, mean, inv);
        for (size_t c = 0; c < s.C; c++) {
            batchnorm_train_jvp_backward_channel(r.data(), x.data(), xt.data(), dx.data(),
                                                 dxt.data(), chan(s, c), gamma[c], mean[c], inv[c],
                                                 &dgamma[c]);
        }
        const auto loss = [&] {
            vec yt;
            train_jvp_d(x, xt, gamma, s, yt);
            return dot(r, yt);
        };
        const double ex = fd_worst(x, dx, FD_STEP, loss), et = fd_worst(xt, dxt, FD_STEP, loss);
        const double eg = fd_worst(gamma, dgamma, FD_STEP, loss);
        CHECK_MSG(ex < FD_MAX_REL_ERR && et < FD_MAX_REL_ERR && eg < FD_MAX_REL_ERR,
                  "jvp backward (%zu, %zu, %zu): dx %.3g dx_dot %.3g dgamma %.3g", s.B, s.C, s.T,
                  ex, et, eg);
    }
}

std::vector<float> to_float(const vec & v) {
    return std::vector<float>(v.begin(), v.end());
}

vec to_double(const std::vector<float> & v) {
    return vec(v.begin(), v.end());
}

void check_close(const std::vector<float> & got, const vec & ref, const char * what, shape_3d s) {
    const double e = nmse(got.data(), ref.data(), ref.size());
    CHECK_MSG(e < BN_MAX_NMSE, "%s (%zu, %zu, %zu): nmse %.3g (inf = NaN/unwritten)", what, s.B,
              s.C, s.T, e);
}

/**
 * BatchNorm1d at (B, C, T): every float entry point vs the double loops; outputs NaN-poisoned;
 * parameter gradients start at a known value and must end at start + 1x then + 2x the reference.
 * Training mode only where B * T >= 2. perf: train forward + backward.
 */
struct test_batchnorm : test_shape_case {
    using test_shape_case::test_shape_case;

    double max_nmse_err() const override { return BN_MAX_NMSE; }

    void check_values(test_backend) override {
        const size_t       B = s.B, C = s.C, T = s.T;
        const bool         train_ok = B * T >= 2;
        const double       offset   = (seed % 3 == 0) ? 100.0 : 0.0; // large-mean channels
        uint64_t           next     = seed;
        vec                xd       = random_vec(s.numel(), next++, offset - 1.0, offset + 1.0);
        std::vector<float> x = to_float(xd), dy = to_float(random_vec(s.numel(), next++));
        std::vector<float> xt    = to_float(random_vec(s.numel(), next++));
        std::vector<float> gamma = to_float(random_vec(C, next++, 0.5, 1.5));
        std::vector<float> beta  = to_float(random_vec(C, next++)), rm(C, 0.1f), rv(C, 0.9f);
        std::vector<float> mean(C, NAN), inv(C, NAN), y(s.numel(), NAN), dx(s.numel(), NAN);
        std::vector<float> dxt(s.numel(), NAN), dg(C, 0.25f), db(C, -0.5f);
        nn_tensor_view     vx = view3(x, s), vdy = view3(dy, s), vxt = view3(xt, s);
        nn_tensor_view     vy = view3(y, s), vdx = view3(dx, s), vdxt = view3(dxt, s);
        nn_tensor_view     vg = view1(gamma.data(), C), vb = view1(beta.data(), C);
        nn_tensor_view     vrm = view1(rm.data(), C), vrv = view1(rv.data(), C);
        nn_tensor_view     vm = view1(mean.data(), C), vi = view1(inv.data(), C);
        nn_tensor_view     vdg = view1(dg.data(), C), vdb = view1(db.data(), C);
        const vec          xdd = to_double(x), dyd = to_double(dy), xtd = to_double(xt);
        const vec          gd = to_double(gamma), bd = to_double(beta);

        // eval mode (any N)
        vec ref;
        eval_forward_d(xdd, gd, bd, to_double(rm), to_double(rv), s, ref);
        CHECK(batchnorm_eval_forward_cpu(&vx, &vg, &vb, &vrm, &vrv, &vy, 1e-5f) == NN_STATUS_OK);
        check_close(y, ref, "eval forward", s);
        vec rdx(s.numel()), rdg(C, 0.0), rdb(C, 0.0);
        for (size_t c = 0; c < C; c++) {
            batchnorm_eval_backward_channel(dyd.data(), xdd.data(), rdx.data(), chan(s, c), gd[c],
                                            double(0.1f), double(0.9f), EPS, &rdg[c], &rdb[c]);
        }
        for (int call = 1; call <= 2; call++) {
            CHECK(batchnorm_eval_backward_cpu(&vdy, &vx, &vg, &vrm, &vrv, &vdx, &vdg, &vdb,
                                              1e-5f) == NN_STATUS_OK);
        }
        check_close(dx, rdx, "eval backward dx", s);
        vec expect_g(C), expect_b(C);
        for (size_t c = 0; c < C; c++) {
            expect_g[c] = 0.25 + 2.0 * rdg[c];
            expect_b[c] = -0.5 + 2.0 * rdb[c];
        }
        check_close(dg, expect_g, "eval dgamma (2 calls)", s);
        check_close(db, expect_b, "eval dbeta (2 calls)", s);
        if (!train_ok) {
            return;
        }

        // training mode
        vec rmean, rinv;
        train_forward_d(xdd, gd, bd, s, ref, rmean, rinv);
        CHECK(batchnorm_train_forward_cpu(&vx, &vg, &vb, &vrm, &vrv, &vm, &vi, &vy, 0.1f, 1e-5f) ==
              NN_STATUS_OK);
        check_close(y, ref, "train forward", s);
        check_close(mean, rmean, "save_mean", s);
        check_close(inv, rinv, "save_invstd", s);
        const vec md = to_double(mean), id = to_double(inv);
        std::fill(dg.begin(), dg.end(), 0.25f);
        std::fill(db.begin(), db.end(), -0.5f);
        std::fill(dx.begin(), dx.end(), NAN);
        std::fill(rdg.begin(), rdg.end(), 0.0);
        std::fill(rdb.begin(), rdb.end(), 0.0);
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_backward_channel(dyd.data(), xdd.data(), rdx.data(), chan(s, c), gd[c],
                                             md[c], id[c], &rdg[c], &rdb[c]);
        }
        for (int call = 1; call <= 2; call++) {
            CHECK(batchnorm_train_backward_cpu(&vdy, &vx, &vg, &vm, &vi, &vdx, &vdg, &vdb) ==
                  NN_STATUS_OK);
        }
        check_close(dx, rdx, "train backward dx", s);
        for (size_t c = 0; c < C; c++) {
            expect_g[c] = 0.25 + 2.0 * rdg[c];
            expect_b[c] = -0.5 + 2.0 * rdb[c];
        }
        check_close(dg, expect_g, "train dgamma (2 calls)", s);
        check_close(db, expect_b, "train dbeta (2 calls)", s);

        // JVP and its reverse (dy doubles as the cotangent r)
        vec ryt(s.numel()), rdxt(s.numel());
        std::fill(y.begin(), y.end(), NAN);
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_jvp_channel(xdd.data(), xtd.data(), ryt.data(), chan(s, c), gd[c],
                                        md[c], id[c]);
        }
        CHECK(batchnorm_train_jvp_cpu(&vx, &vxt, &vg, &vm, &vi, &vy) == NN_STATUS_OK);
        check_close(y, ryt, "jvp", s);
        std::fill(dx.begin(), dx.end(), NAN);
        std::fill(dg.begin(), dg.end(), 0.25f);
        std::fill(rdg.begin(), rdg.end(), 0.0);
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_jvp_backward_channel(dyd.data(), xdd.data(), xtd.data(), rdx.data(),
                                                 rdxt.data(), chan(s, c), gd[c], md[c], id[c],
                                                 &rdg[c]);
        }
        for (int call = 1; call <= 2; call++) {
            CHECK(batchnorm_train_jvp_backward_cpu(&vdy, &vx, &vxt, &vg, &vm, &vi, &vdx, &vdxt,
                                                   &vdg) == NN_STATUS_OK);
        }
        check_close(dx, rdx, "jvp backward dx", s);
        check_close(dxt, rdxt, "jvp backward dx_dot", s);
        for (size_t c = 0; c < C; c++) {
            expect_g[c] = 0.25 + 2.0 * rdg[c];
        }
        check_close(dg, expect_g, "jvp backward dgamma (2 calls)", s);
    }

    test_perf perf(test_backend) override {
        const size_t n = s.numel(), C = s.C;
        auto         buf = std::make_shared<std::vector<float>>(3 * n + 8 * C, 1.0f);
        fill_uniform(*buf, seed);
        test_perf p;
        p.work = 2.0 * static_cast<double>(n);
        p.run  = [this, buf, n, C] {
            float *        d = buf->data();
            nn_tensor_view x = nn_view_3d(d, s.B, C, s.T), y = nn_view_3d(d + n, s.B, C, s.T);
            nn_tensor_view dx = nn_view_3d(d + 2 * n, s.B, C, s.T);
            float *        v  = d + 3 * n;
            nn_tensor_view g = view1(v, C), b = view1(v + C, C), rm = view1(v + 2 * C, C);
            nn_tensor_view rv = view1(v + 3 * C, C), m = view1(v + 4 * C, C);
            nn_tensor_view i = view1(v + 5 * C, C), dg = view1(v + 6 * C, C);
            nn_tensor_view db = view1(v + 7 * C, C);
            batchnorm_train_forward_cpu(&x, &g, &b, &rm, &rv, &m, &i, &y, 0.1f, 1e-5f);
            batchnorm_train_backward_cpu(&y, &x, &g, &m, &i, &dx, &dg, &db);
        };
        return p;
    }
};

// Runs every float entry point once on a shape big enough to be split across threads.
std::vector<float> run_all(size_t threads) {
    nn_set_cpu_threads(threads);
    const shape_3d     s = {1, 16, 40000};
    std::vector<float> x(s.numel()), dy(s.numel()), out(6 * s.numel() + 4 * s.C, NAN);
    fill_uniform(x, 900);
    fill_uniform(dy, 901);
    std::vector<float> gamma(s.C, 1.1f), beta(s.C, 0.1f), rm(s.C, 0.0f), rv(s.C, 1.0f);
    float *            o  = out.data();
    nn_tensor_view     vx = view3(x, s), vdy = view3(dy, s), vg = view1(gamma.data(), s.C);
    nn_tensor_view     vb = view1(beta.data(), s.C), vrm = view1(rm.data(), s.C);
    nn_tensor_view     vrv = view1(rv.data(), s.C);
    nn_tensor_view     o0 = nn_view_3d(o, s.B, s.C, s.T), o1 = o0, o2 = o0, o3 = o0, o4 = o0;
    o1.data           = o + s.numel();
    o2.data           = o + 2 * s.numel();
    o3.data           = o + 3 * s.numel();
    o4.data           = o + 4 * s.numel();
    float *        v  = o + 6 * s.numel();
    nn_tensor_view vm = view1(v, s.C), vi = view1(v + s.C, s.C), vdg = view1(v + 2 * s.C, s.C);
    nn_tensor_view vdb = view1(v + 3 * s.C, s.C);
    std::fill(v + 2 * s.C, v + 4 * s.C, 0.0f);
    CHECK(batchnorm_train_forward_cpu(&vx, &vg, &vb, &vrm, &vrv, &vm, &vi, &o0, 0.1f, 1e-5f) ==
          NN_STATUS_OK);
    CHECK(batchnorm_train_backward_cpu(&vdy, &vx, &vg, &vm, &vi, &o1, &vdg, &vdb) == NN_STATUS_OK);
    CHECK(batchnorm_train_jvp_cpu(&vx, &vdy, &vg, &vm, &vi, &o2) == NN_STATUS_OK);
    CHECK(batchnorm_train_jvp_backward_cpu(&o0, &vx, &vdy, &vg, &vm, &vi, &o3, &o4, &vdg) ==
          NN_STATUS_OK);
    nn_tensor_view o5 = o0;
    o5.data           = o + 5 * s.numel();
    CHECK(batchnorm_eval_forward_cpu(&vx, &vg, &vb, &vrm, &vrv, &o5, 1e-5f) == NN_STATUS_OK);
    out.insert(out.end(), rm.begin(), rm.end());
    out.insert(out.end(), rv.begin(), rv.end());
    nn_set_cpu_threads(0);
    return out;
}

void test_determinism() {
    const std::vector<float> one = run_all(1), four = run_all(4), again = run_all(4);
    CHECK(one.size() == four.size() &&
          std::memcmp(one.data(), four.data(), one.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(four.data(), again.data(), four.size() * sizeof(float)) == 0);
    CHECK(std::all_of(one.begin(), one.end(), [](float f) { return std::isfinite(f); }));
}

void expect_invalid(nn_status status, const char * what) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), "batchnorm_") != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    const shape_3d     s = {2, 3, 4}, one = {1, 3, 1};
    std::vector<float> x(24, 1.0f), y(24, 7.0f), dx(24, 0.0f), p(3, 1.0f), q(3, 0.0f);
    std::vector<float> rm(3, 0.0f), rv(3, 1.0f), m(3, 0.0f), inv(3, 1.0f), dg(3, 0.0f), db(3, 0.f);
    nn_tensor_view     vx = view3(x, s), vy = view3(y, s), vdx = view3(dx, s);
    nn_tensor_view     vp = view1(p.data(), 3), vq = view1(q.data(), 3), vrm = view1(rm.data(), 3);
    nn_tensor_view vrv = view1(rv.data(), 3), vm = view1(m.data(), 3), vi = view1(inv.data(), 3);
    nn_tensor_view vdg = view1(dg.data(), 3), vdb = view1(db.data(), 3);

    // N = B*T = 1 per channel: every training-mode function refuses; eval mode accepts.
    nn_tensor_view x1 = nn_view_3d(x.data(), one.B, one.C, one.T);
    nn_tensor_view y1 = nn_view_3d(y.data(), one.B, one.C, one.T);
    nn_tensor_view d1 = nn_view_3d(dx.data(), one.B, one.C, one.T);
    expect_invalid(
        batchnorm_train_forward_cpu(&x1, &vp, &vq, &vrm, &vrv, &vm, &vi, &y1, 0.1f, 1e-5f),
        "train forward N = 1");
    CHECK(std::strstr(nn_last_error(), "more than 1 value per channel") != nullptr);
    CHECK(rm[0] == 0.0f && rv[0] == 1.0f && y[0] == 7.0f); // nothing written on failure
    expect_invalid(batchnorm_train_backward_cpu(&x1, &x1, &vp, &vm, &vi, &d1, &vdg, &vdb),
                   "train backward N = 1");
    expect_invalid(batchnorm_train_jvp_cpu(&x1, &x1, &vp, &vm, &vi, &y1), "jvp N = 1");
    expect_invalid(batchnorm_train_jvp_backward_cpu(&x1, &x1, &x1, &vp, &vm, &vi, &d1, &y1, &vdg),
                   "jvp backward N = 1");
    CHECK(batchnorm_eval_forward_cpu(&x1, &vp, &vq, &vrm, &vrv, &y1, 1e-5f) == NN_STATUS_OK);

    expect_invalid(
        batchnorm_train_forward_cpu(nullptr, &vp, &vq, &vrm, &vrv, &vm, &vi, &vy, 0.1f, 1e-5f),
        "null x");
    expect_invalid(
        batchnorm_train_forward_cpu(&vx, &vp, &vq, &vrm, nullptr, &vm, &vi, &vy, 0.1f, 1e-5f),
        "one running statistic null");
    expect_invalid(
        batchnorm_train_forward_cpu(&vx, &vp, &vq, &vrm, &vrv, &vm, &vi, &vy, 1.5f, 1e-5f),
        "momentum > 1");
    expect_invalid(
        batchnorm_train_forward_cpu(&vx, &vp, &vq, &vrm, &vrv, &vm, &vi, &vy, NAN, 1e-5f),
        "momentum NaN");
    expect_invalid(
        batchnorm_train_forward_cpu(&vx, &vp, &vq, &vrm, &vrv, &vm, &vi, &vy, 0.1f, 0.0f), "eps 0");
    expect_invalid(batchnorm_eval_forward_cpu(&vx, &vp, &vq, &vrm, &vrv, &vy, INFINITY), "eps inf");
    nn_tensor_view short_gamma = view1(p.data(), 2);
    expect_invalid(batchnorm_train_backward_cpu(&vx, &vx, &short_gamma, &vm, &vi, &vdx, &vdg, &vdb),
                   "gamma (2) for C = 3");
    nn_tensor_view gamma_3d = nn_view_3d(p.data(), 1, 3, 1);
    expect_invalid(batchnorm_eval_forward_cpu(&vx, &gamma_3d, &vq, &vrm, &vrv, &vy, 1e-5f),
                   "gamma as a 3-D view");
    nn_tensor_view y_as_vec = view1(y.data(), 3);
    expect_invalid(batchnorm_eval_forward_cpu(&vx, &vp, &vq, &vrm, &vrv, &y_as_vec, 1e-5f),
                   "y as a (C) view");
    nn_tensor_view other = nn_view_3d(y.data(), 2, 4, 3);
    expect_invalid(batchnorm_train_jvp_cpu(&vx, &vx, &vp, &vm, &vi, &other), "shape mismatch");
    nn_tensor_view strided = vdx;
    strided.strides[2]     = 2;
    expect_invalid(batchnorm_train_jvp_cpu(&vx, &vx, &vp, &vm, &vi, &strided), "non-contiguous");
    expect_invalid(batchnorm_train_jvp_cpu(&vx, &vx, &vp, &vm, &vi, &vx), "y_dot aliases x");
    expect_invalid(
        batchnorm_train_forward_cpu(&vx, &vp, &vq, &vrm, &vrv, &vrm, &vi, &vy, 0.1f, 1e-5f),
        "save_mean aliases running_mean");
    expect_invalid(batchnorm_train_jvp_backward_cpu(&vx, &vx, &vx, &vp, &vm, &vi, &vdx, &vdx, &vdg),
                   "dx aliases dx_dot");
    expect_invalid(batchnorm_eval_backward_cpu(&vx, &vx, &vp, &vrm, &vrv, &vdx, &vdg, &vdg, 1e-5f),
                   "dgamma aliases dbeta");
    nn_tensor_view no_data = view1(nullptr, 3);
    expect_invalid(batchnorm_train_backward_cpu(&vx, &vx, &vp, &no_data, &vi, &vdx, &vdg, &vdb),
                   "save_mean without data");
    CHECK(y[5] == 7.0f && dg[0] == 0.0f && rm[0] == 0.0f);
}

} // namespace

NN_TEST_CASES(batchnorm) {
    cases.values("known values", test_known_values);
    cases.values("determinism across thread counts", test_determinism);
    cases.values("argument checks", test_argument_checks);
    uint64_t seed = 300;
    for (const size_t B : {1, 2}) {
        for (const size_t C : {1, 3, 16}) {
            for (const size_t T : {1, 2, 7, 64, 301}) {
                cases.add<test_batchnorm>(shape_3d{B, C, T}, seed, TEST_VALUES);
                seed += 5;
            }
        }
    }
    // a small model's ConvBlocks: channels of a few thousand samples, split over the pool in
    // groups of several channels (the last one ragged)
    cases.add<test_batchnorm>(shape_3d{1, 16, 3001}, seed, TEST_VALUES);
    cases.add<test_batchnorm>(shape_3d{2, 24, 1501}, seed + 5, TEST_VALUES);
    cases.add<test_batchnorm>(shape_3d{1, 96, 4000}, 1, TEST_PERF); // a ConvBlock at C = 96
    cases.grad("train backward", test_train_backward_fd);
    cases.grad("eval backward", test_eval_backward_fd);
    cases.grad("JVP = directional derivative", test_jvp_directional_derivative);
    cases.grad("JVP reverse", test_jvp_backward_fd);
}
