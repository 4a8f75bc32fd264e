// test-inpainting-mask.cpp: inpainting's masked discriminator (docs/caw-spec.md §4
// "Inpainting"; nn/caw-model.h caw_dmask, the masked statistics of
// native/src/cpu/batchnorm-impl.h); on the CPU (the device model runs in
// test-trainer-dev.cpp).
//   test   the mask's ranges ([h0 - R_l, h1], [h0 - 2P, h1 + 1]); the float entry points
//          (masked forward, backward, penalty) against the double oracle
//   grad   in double: masked BN train backward, JVP and JVP reverse against finite differences
//          (valid flags mixed, sums over all values); kept D outputs blind to the hole and the
//          masked critic mean's parameter gradient; the masked penalty's value and parameter
//          gradient by finite differences (S = u.g)

#include <cstring>
#include <string>
#include <vector>

#include "caw-model-test.h"
#include "cpu/batchnorm-impl.h"
#include "test-registry.h"

namespace {

constexpr size_t BC = 3, BT = 23; // masked BN tests: (1, C, T)

std::vector<unsigned char> bn_flags() {
    std::vector<unsigned char> v(BT, 1);
    for (size_t t = 7; t < 13; t++)
        v[t] = 0;
    v[20] = 0;
    return v;
}

// Masked BN: loss(x) = sum(w * y) with y the masked train forward.
void test_bn() {
    const std::vector<unsigned char> valid = bn_flags();
    std::vector<double> x(BC * BT), w(BC * BT), xt(BC * BT), r(BC * BT), gamma(BC), beta(BC);
    fill_vec(x, 11, -1.0, 2.0);
    fill_vec(w, 12);
    fill_vec(xt, 13);
    fill_vec(r, 14);
    fill_vec(gamma, 15, 0.5, 1.5);
    fill_vec(beta, 16);
    auto fwd = [&](std::vector<double> & y, std::vector<double> & mu, std::vector<double> & is) {
        y.assign(BC * BT, 0.0);
        mu.assign(BC, 0.0);
        is.assign(BC, 0.0);
        caw_ref_backend<double>::bn_train_forward(x.data(), gamma.data(), beta.data(), nullptr,
                                                  nullptr, mu.data(), is.data(), y.data(), BC, BT,
                                                  valid.data());
    };
    std::vector<double> y, mu, is;
    auto loss = [&] {
        fwd(y, mu, is);
        return dot(w, y.data());
    };
    loss();
    // the statistics see valid values only
    for (size_t c = 0; c < BC; c++) {
        double s = 0.0, n = 0.0;
        for (size_t t = 0; t < BT; t++)
            if (valid[t])
                s += x[c * BT + t], n += 1.0;
        CHECK(std::fabs(mu[c] - s / n) < 1e-14);
    }
    std::vector<double> dx(BC * BT), dg(BC, 0.0), db(BC, 0.0);
    caw_ref_backend<double>::bn_train_backward(w.data(), x.data(), gamma.data(), mu.data(),
                                               is.data(), dx.data(), dg.data(), db.data(), BC, BT,
                                               valid.data());
    double worst = fd_compare("masked bn dx", x.data(), dx.data(), x.size(), loss);
    worst = std::max(worst, fd_compare("masked bn dgamma", gamma.data(), dg.data(), BC, loss));
    worst = std::max(worst, fd_compare("masked bn dbeta", beta.data(), db.data(), BC, loss));
    // JVP: y_dot = d/de y(x + e x_dot)
    loss();
    std::vector<double> yt(BC * BT), y0 = y, yp, ym;
    caw_ref_backend<double>::bn_jvp(x.data(), xt.data(), gamma.data(), mu.data(), is.data(),
                                    yt.data(), BC, BT, valid.data());
    const std::vector<double> x0 = x;
    for (size_t i = 0; i < x.size(); i++)
        x[i] = x0[i] + FD_STEP * xt[i];
    fwd(yp, mu, is);
    for (size_t i = 0; i < x.size(); i++)
        x[i] = x0[i] - FD_STEP * xt[i];
    fwd(ym, mu, is);
    x = x0;
    double jerr = 0.0;
    for (size_t i = 0; i < yt.size(); i++)
        jerr = std::max(jerr, std::fabs((yp[i] - ym[i]) / (2.0 * FD_STEP) - yt[i]));
    CHECK_MSG(jerr < 1e-7, "masked bn jvp differs from finite differences by %.3g", jerr);
    // JVP reverse: L = sum(r * y_dot) in x, x_dot, gamma
    auto jloss = [&] {
        std::vector<double> m2, i2, y2, t2(BC * BT);
        fwd(y2, m2, i2);
        caw_ref_backend<double>::bn_jvp(x.data(), xt.data(), gamma.data(), m2.data(), i2.data(),
                                        t2.data(), BC, BT, valid.data());
        return dot(r, t2.data());
    };
    fwd(y, mu, is);
    std::vector<double> jdx(BC * BT), jdxt(BC * BT), jdg(BC, 0.0);
    caw_ref_backend<double>::bn_jvp_backward(r.data(), x.data(), xt.data(), gamma.data(), mu.data(),
                                             is.data(), jdx.data(), jdxt.data(), jdg.data(), BC,
                                             BT, valid.data());
    worst = std::max(worst, fd_compare("masked jvp dx", x.data(), jdx.data(), x.size(), jloss));
    worst = std::max(worst, fd_compare("masked jvp dxt", xt.data(), jdxt.data(), xt.size(), jloss));
    worst = std::max(worst, fd_compare("masked jvp dgamma", gamma.data(), jdg.data(), BC, jloss));
    std::printf("  masked BN: FD worst error/tolerance %.3g, jvp max error %.3g\n", worst, jerr);
}

constexpr size_t MN = 80; // tiny D: P = 15, D map 50; hole [40, 44)
const nn_hole    HOLE[1] = {{40, 44}};

void test_mask_ranges() {
    const caw_config cfg = make_config(CAW_DISCRIMINATOR, TINY_C, TINY_K, TINY_L);
    caw_dmask        m   = {};
    CHECK(caw_dmask_init(&m, &cfg, MN, HOLE, 1) == NN_STATUS_OK);
    CHECK(m.total == 50);
    for (size_t l = 0; l + 1 < TINY_L; l++) {
        const size_t R = (TINY_K - 1) * ((size_t(2) << l) - 1);
        for (size_t t = 0; t < MN - R; t++)
            CHECK_MSG((m.valid[l][t] == 0) == (t + R >= 40 && t <= 44), "layer %zu t %zu", l, t);
    }
    for (size_t t = 0; t < m.total; t++)
        CHECK((m.keep[t] == 0) == (t + 30 >= 40 && t <= 45));
    CHECK(m.kept == 10 + 4);
    caw_dmask_free(&m);
    // a hole that leaves no kept output is refused
    const nn_hole wide[1] = {{25, 35}};
    CHECK(caw_dmask_init(&m, &cfg, 60, wide, 1) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(m.mem == nullptr);
}

struct mcase {
    dmodel              m    = {};
    dacts               acts = {};
    caw_dmask           mask = {};
    std::vector<double> real, fake;
};

void msetup(mcase * c, uint64_t seed) {
    tiny_double_model(CAW_DISCRIMINATOR, seed, seed + 1, TINY_C, TINY_K, TINY_L, &c->m);
    const caw_config cfg = make_config(CAW_DISCRIMINATOR, TINY_C, TINY_K, TINY_L);
    CHECK(caw_dmask_init(&c->mask, &cfg, MN, HOLE, 1) == NN_STATUS_OK);
    c->acts = dacts{};
    CHECK(caw_acts_prepare(&c->m, &c->acts, MN, "test") == NN_STATUS_OK);
    CHECK(caw_acts_tangents(&c->m, &c->acts, "test") == NN_STATUS_OK);
    c->real.resize(MN);
    c->fake.resize(MN);
    fill_vec(c->real, seed + 2);
    fill_vec(c->fake, seed + 3, -0.5, 0.5);
    for (size_t t = 40; t < 44; t++)
        c->real[t] = 0.0; // the reference zeroes the hole
}

void mfree(mcase * c) {
    caw_acts_release(&c->acts);
    caw_model_release(&c->m);
    caw_dmask_free(&c->mask);
}

// Kept outputs ignore the hole; the masked critic mean's parameter gradient.
void test_masked_d() {
    mcase c;
    msetup(&c, 301);
    const size_t        T = c.mask.total;
    std::vector<double> out(T), out2(T);
    CHECK((caw_discriminator_forward_impl<dbackend, double>(&c.m, &c.acts, c.real.data(),
                                                            out.data(), CAW_BN_TRAIN_KEEP,
                                                            &c.mask)) == NN_STATUS_OK);
    std::vector<double> x2 = c.real;
    for (size_t t = 40; t < 44; t++)
        x2[t] = 3.0 + static_cast<double>(t);
    CHECK((caw_discriminator_forward_impl<dbackend, double>(
              &c.m, &c.acts, x2.data(), out2.data(), CAW_BN_TRAIN_KEEP, &c.mask)) == NN_STATUS_OK);
    for (size_t t = 0; t < T; t++)
        if (c.mask.keep[t])
            CHECK_MSG(std::fabs(out[t] - out2[t]) < 1e-12, "kept output %zu sees the hole", t);
    // loss = -mean over kept of D(real); its parameter gradient by finite differences
    auto loss = [&] {
        std::vector<double> o(T);
        CHECK((caw_discriminator_forward_impl<dbackend, double>(&c.m, &c.acts, c.real.data(),
                                                                o.data(), CAW_BN_TRAIN_KEEP,
                                                                &c.mask)) == NN_STATUS_OK);
        double s = 0.0;
        for (size_t t = 0; t < T; t++)
            s += c.mask.keep[t] ? o[t] : 0.0;
        return -s / static_cast<double>(c.mask.kept);
    };
    loss();
    std::vector<double> dout(T);
    for (size_t t = 0; t < T; t++)
        dout[t] = c.mask.keep[t] ? -1.0 / static_cast<double>(c.mask.kept) : 0.0;
    std::memset(c.m.grads, 0, c.m.param_layout.total * sizeof(double));
    CHECK((caw_discriminator_backward_impl<dbackend, double>(&c.m, &c.acts, dout.data(),
                                                             nullptr)) == NN_STATUS_OK);
    const double worst = fd_params(&c.m, loss, "masked D");
    std::printf("  masked D: FD worst error/tolerance %.3g, kept %zu of %zu\n", worst, c.mask.kept,
                T);
    // the float masked critic mean against the same numbers
    std::vector<float> map(T), dmap(T);
    for (size_t t = 0; t < T; t++)
        map[t] = static_cast<float>(out[t]);
    nn_tensor_view mv = sig(map), dv = sig(dmap);
    float          v  = 0.0f;
    CHECK(caw_critic_mean_masked(&mv, &c.mask, -1.0f, &v, &dv) == NN_STATUS_OK);
    double s = 0.0;
    for (size_t t = 0; t < T; t++)
        s += c.mask.keep[t] ? static_cast<double>(map[t]) : 0.0;
    CHECK(std::fabs(static_cast<double>(v) - s / static_cast<double>(c.mask.kept)) < 1e-6);
    for (size_t t = 0; t < T; t++)
        CHECK(static_cast<double>(dmap[t]) == static_cast<double>(static_cast<float>(dout[t])));
    mfree(&c);
}

double mgp(mcase * c, bool add_grads, double * s = nullptr, double * ug = nullptr) {
    double value = NAN;
    CHECK((caw_gradient_penalty_impl<dbackend, double>(&c->m, &c->acts, c->real.data(),
                                                       c->fake.data(), 0.37, 1.0f, false, add_grads,
                                                       &value, s, ug, &c->mask)) == NN_STATUS_OK);
    return value;
}

// The masked penalty: value by its definition, parameter gradient by finite differences.
void test_masked_gp() {
    mcase c;
    msetup(&c, 401);
    const size_t T = c.mask.total;
    // value: g = J^T keep from the masked D's backward, rho = T / kept, mean over all N
    std::vector<double> xh(MN), o(T), k(T), g(MN);
    for (size_t t = 0; t < MN; t++)
        xh[t] = 0.37 * c.real[t] + 0.63 * c.fake[t];
    dacts a2 = {};
    CHECK(caw_acts_prepare(&c.m, &a2, MN, "test") == NN_STATUS_OK);
    CHECK((caw_discriminator_forward_impl<dbackend, double>(
              &c.m, &a2, xh.data(), o.data(), CAW_BN_TRAIN_KEEP, &c.mask)) == NN_STATUS_OK);
    for (size_t t = 0; t < T; t++)
        k[t] = c.mask.keep[t] ? 1.0 : 0.0;
    CHECK((caw_discriminator_backward_impl<dbackend, double>(&c.m, &a2, k.data(), g.data())) ==
          NN_STATUS_OK);
    const double rho = static_cast<double>(T) / static_cast<double>(c.mask.kept);
    double       sum = 0.0;
    for (double v : g)
        sum += (rho * std::fabs(v) - 1.0) * (rho * std::fabs(v) - 1.0);
    const double gp = mgp(&c, false);
    CHECK_MSG(std::fabs(gp - sum / MN) <= 1e-13 * std::fabs(gp), "masked gp %.15g vs %.15g", gp,
              sum / MN);
    caw_acts_release(&a2);
    // gradient
    std::memset(c.m.grads, 0, c.m.param_layout.total * sizeof(double));
    double s = 0.0, ug = 0.0;
    mgp(&c, true, &s, &ug);
    CHECK_MSG(std::fabs(s - ug) <= 1e-12 * std::fabs(ug), "S %.15g vs u.g %.15g", s, ug);
    const double worst = fd_params(&c.m, [&] { return mgp(&c, false); }, "masked GP");
    std::printf("  masked GP: FD worst error/tolerance %.3g (S %.6g, u.g %.6g)\n", worst, s, ug);
    mfree(&c);
}

// The float entry points (masked forward, backward, penalty) against the double oracle, C=16.
void test_float_vs_double() {
    const size_t     C = 16, N = 4000;
    const nn_hole    holes[2] = {{60, 90}, {3000, 3050}};
    const caw_config cfg      = make_config(CAW_DISCRIMINATOR, C, 9, 8);
    caw_model        D        = {};
    caw_acts         acts     = {};
    caw_dmask        mask     = {};
    CHECK(caw_model_init(&D, &cfg) == NN_STATUS_OK);
    CHECK(caw_dmask_init(&mask, &cfg, N, holes, 2) == NN_STATUS_OK);
    test_rng_source rs(57);
    caw_rng_source  src = rs.source();
    CHECK(caw_model_init_params(&D, &src) == NN_STATUS_OK);
    mcase c;
    build_double(&c.m, cfg);
    copy_model(D, &c.m);
    c.mask = mask; // shared flags (freed once, below)
    c.acts = dacts{};
    CHECK(caw_acts_prepare(&c.m, &c.acts, N, "test") == NN_STATUS_OK);
    CHECK(caw_acts_tangents(&c.m, &c.acts, "test") == NN_STATUS_OK);
    std::vector<float> real(N), fake(N), map(mask.total), dmap(mask.total);
    fill_vec(real, 58);
    fill_vec(fake, 59);
    // real pass: masked forward + critic mean backward
    nn_tensor_view rv = sig(real), fv = sig(fake), mv = sig(map), dv = sig(dmap);
    float          v  = 0.0f;
    CHECK(caw_discriminator_forward_masked(&D, &acts, &rv, &mv, CAW_BN_TRAIN, &mask) ==
          NN_STATUS_OK);
    CHECK(caw_critic_mean_masked(&mv, &mask, -1.0f, &v, &dv) == NN_STATUS_OK);
    CHECK(caw_discriminator_backward(&D, &acts, &dv, nullptr) == NN_STATUS_OK);
    std::vector<double> rd(real.begin(), real.end()), od(mask.total), dd(dmap.begin(), dmap.end());
    CHECK((caw_discriminator_forward_impl<dbackend, double>(
              &c.m, &c.acts, rd.data(), od.data(), CAW_BN_TRAIN, &c.mask)) == NN_STATUS_OK);
    CHECK((caw_discriminator_backward_impl<dbackend, double>(&c.m, &c.acts, dd.data(), nullptr)) ==
          NN_STATUS_OK);
    std::vector<double> mapd(map.begin(), map.end());
    const double        e_map = nmse(mapd.data(), od.data(), od.size());
    const double        e_d   = check_grads(D, c.m, true, 1e-8, "masked D");
    // GP pass (grads accumulate on both sides)
    float gp = 0.0f;
    CHECK(caw_gradient_penalty_masked(&D, &acts, &rv, &fv, 0.37f, 0.01f, true, true, &mask, &gp) ==
          NN_STATUS_OK);
    const float af = 0.37f;
    c.real.resize(N);
    c.fake.resize(N);
    for (size_t t = 0; t < N; t++)
        c.real[t] = c.fake[t] = static_cast<double>(af * real[t] + (1.0f - af) * fake[t]);
    double gpd = 0.0;
    CHECK((caw_gradient_penalty_impl<dbackend, double>(&c.m, &c.acts, c.real.data(), c.fake.data(),
                                                       1.0, 0.01f, true, true, &gpd, nullptr,
                                                       nullptr, &c.mask)) == NN_STATUS_OK);
    const double e_gp = (gp - gpd) * (gp - gpd) / (gpd * gpd);
    const double e_g  = check_grads(D, c.m, true, 1e-7, "masked GP");
    const double e_s  = nmse(D.state, c.m.state, D.state_layout.total);
    std::printf("  masked float vs double C=%zu N=%zu: map %.2e, D grads %.2e, gp %.2e, grads "
                "%.2e, state %.2e\n",
                C, N, e_map, e_d, e_gp, e_g, e_s);
    CHECK(e_map < 1e-10 && e_gp < 1e-7 && e_s < 1e-10);
    caw_acts_release(&c.acts);
    caw_model_release(&c.m);
    caw_acts_free(&acts);
    caw_model_free(&D);
    caw_dmask_free(&mask);
}

} // namespace

NN_TEST_CASES(inpainting_mask) {
    cases.values("mask ranges", test_mask_ranges);
    cases.values("float vs double", test_float_vs_double);
    cases.grad("masked BN: backward, JVP, JVP reverse", test_bn);
    cases.grad("masked D: blind to the hole, critic mean", test_masked_d);
    cases.grad("masked GP: value and parameter gradient", test_masked_gp);
}
