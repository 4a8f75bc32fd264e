// test-generator.cpp: the Catch-A-Waveform generator G of one scale (nn/caw-model.h,
// docs/caw-spec.md §1); on the CPU (the device model runs in
// test-trainer-dev.cpp).
//   test   P and parameter counts (the spec's 750.7k / 21.4k); running-stat update; float entry
//          points vs the double model at C=16 and C=96; NaN-poisoned outputs; += of grads;
//          determinism over reruns and thread counts; argument checks
//   grad   finite differences in double on a tiny config (C=3, K=3, L=4) of a scalar loss
//          sum(w*out) in every parameter, the noise and prev, for train-mode and eval-mode BN

#include <cstring>
#include <string>
#include <vector>

#include "caw-model-test.h"
#include "cpu/parallel.h"
#include "test-registry.h"

namespace {

/** Float model vs double model on identical (float-rounded) parameters and inputs: every
 * difference is float rounding through ~10 layers; seen ~1e-12 (C=16) .. 1e-11 (C=96), allowed
 * 1e-8 (a wrong term gives >= 1e-3). */
constexpr double MODEL_MAX_NMSE = 1e-8;

void test_sizes() {
    const caw_config real = make_config(CAW_GENERATOR, 96, 9, 8);
    CHECK(caw_pad(&real) == 1020);
    const caw_config tiny = make_config(CAW_GENERATOR, TINY_C, TINY_K, TINY_L);
    CHECK(caw_pad(&tiny) == 15); // (3-1) * (2^4 - 1) / 2
    const caw_config even = make_config(CAW_GENERATOR, 4, 4, 3);
    CHECK(caw_pad(&even) == 0);
    struct {
        size_t C, expected;
    } cases[] = {{96, 750722}, {16, 21442}};
    for (const auto & c : cases) {
        caw_model        G   = {};
        const caw_config cfg = make_config(CAW_GENERATOR, c.C, 9, 8);
        CHECK(caw_model_init(&G, &cfg) == NN_STATUS_OK);
        CHECK_MSG(G.n_params == c.expected, "C=%zu: %zu parameters, expected %zu", c.C, G.n_params,
                  c.expected);
        size_t sum = 0;
        for_each_param(G.param_layout, [&](const char *, size_t, size_t n) { sum += n; });
        CHECK(sum == c.expected);
        CHECK(G.n_convs == 11);
        CHECK(G.state_layout.count == 14); // 7 BN layers x (running mean, running var)
        caw_model_free(&G);
    }
}

// ---- double model: finite differences -------------------------------------------------------

struct g_case {
    dmodel              m;
    dacts               acts;
    std::vector<double> noise, prev, w, out;
    double              amp;
    caw_bn_mode         mode;
    size_t              N;

    double loss() {
        CHECK(caw_acts_prepare(&m, &acts, N, "test") == NN_STATUS_OK);
        CHECK((caw_generator_forward_impl<dbackend, double>(
                  &m, &acts, noise.data(), amp, prev.data(), out.data(), mode)) == NN_STATUS_OK);
        return dot(w, out.data());
    }
};

void test_fd(caw_bn_mode mode) {
    g_case c;
    tiny_double_model(CAW_GENERATOR, 11, 5, TINY_C, TINY_K, TINY_L, &c.m);
    c.N    = 21;
    c.amp  = 0.7;
    c.mode = mode;
    c.acts = dacts{};
    c.noise.resize(c.N);
    c.prev.resize(c.N);
    c.w.resize(c.N);
    c.out.resize(c.N);
    fill_vec(c.noise, 21);
    fill_vec(c.prev, 22);
    fill_vec(c.w, 23);
    const double l0 = c.loss();
    CHECK(std::isfinite(l0));
    std::vector<double> d_noise(c.N), d_prev(c.N);
    std::memset(c.m.grads, 0, c.m.param_layout.total * sizeof(double));
    CHECK((caw_generator_backward_impl<dbackend, double>(&c.m, &c.acts, c.w.data(), d_noise.data(),
                                                         d_prev.data())) == NN_STATUS_OK);
    const char * label   = mode == CAW_BN_EVAL ? "G eval" : "G train";
    const double worst_p = fd_params(
        &c.m, [&] { return c.loss(); }, label);
    const double worst_n =
        fd_compare("G noise", c.noise.data(), d_noise.data(), c.N, [&] { return c.loss(); });
    const double worst_r =
        fd_compare("G prev", c.prev.data(), d_prev.data(), c.N, [&] { return c.loss(); });
    std::printf("  %s: FD worst error/tolerance: params %.3g, noise %.3g, prev %.3g\n", label,
                worst_p, worst_n, worst_r);
    // running statistics: untouched by TRAIN_KEEP / EVAL, momentum 0.1 update by TRAIN
    std::vector<double> state(c.m.state, c.m.state + c.m.state_layout.total);
    c.loss();
    CHECK(std::memcmp(state.data(), c.m.state, state.size() * sizeof(double)) == 0);
    if (mode != CAW_BN_EVAL) {
        c.mode = CAW_BN_TRAIN;
        c.loss();
        const caw_conv & h  = c.m.convs[0];
        const size_t     T  = c.acts.T[1];
        double           mu = 0.0, var = 0.0;
        for (size_t t = 0; t < T; t++)
            mu += c.acts.z[0][t];
        mu /= static_cast<double>(T);
        for (size_t t = 0; t < T; t++)
            var += (c.acts.z[0][t] - mu) * (c.acts.z[0][t] - mu);
        var /= static_cast<double>(T - 1);
        const double m = static_cast<double>(CAW_BN_MOMENTUM); // 0.1f, as the op takes it
        CHECK(std::fabs(c.m.state[h.rmean] - ((1.0 - m) * state[h.rmean] + m * mu)) < 1e-14);
        CHECK(std::fabs(c.m.state[h.rvar] - ((1.0 - m) * state[h.rvar] + m * var)) < 1e-14);
    }
    caw_acts_release(&c.acts);
    caw_model_release(&c.m);
}

// ---- float entry points vs the double model --------------------------------------------------

void test_float_vs_double(size_t C, size_t N, caw_bn_mode mode) {
    const caw_config cfg  = make_config(CAW_GENERATOR, C, 9, 8);
    caw_model        G    = {};
    caw_acts         acts = {};
    CHECK(caw_model_init(&G, &cfg) == NN_STATUS_OK);
    test_rng_source rs(C + N);
    caw_rng_source  src = rs.source();
    CHECK(caw_model_init_params(&G, &src) == NN_STATUS_OK);
    dmodel D = {};
    build_double(&D, cfg);
    copy_model(G, &D);
    std::vector<float> noise(N), prev(N), w(N), out(N, NAN), d_noise(N, NAN), d_prev(N, NAN);
    fill_vec(noise, 31);
    fill_vec(prev, 32, -0.3, 0.3);
    fill_vec(w, 33);
    nn_tensor_view nv = sig(noise), pv = sig(prev), wv = sig(w), ov = sig(out), dnv = sig(d_noise),
                   dpv = sig(d_prev);
    const float amp    = 0.25f;
    CHECK(caw_generator_forward(&G, &acts, &nv, amp, &pv, &ov, mode) == NN_STATUS_OK);
    CHECK(caw_generator_backward(&G, &acts, &wv, &dnv, &dpv) == NN_STATUS_OK);

    std::vector<double> dn(noise.begin(), noise.end()), dp(prev.begin(), prev.end()),
        dw(w.begin(), w.end()), dout(N), ddn(N), ddp(N);
    dacts da = {};
    CHECK(caw_acts_prepare(&D, &da, N, "test") == NN_STATUS_OK);
    CHECK((caw_generator_forward_impl<dbackend, double>(&D, &da, dn.data(),
                                                        static_cast<double>(amp), dp.data(),
                                                        dout.data(), mode)) == NN_STATUS_OK);
    CHECK((caw_generator_backward_impl<dbackend, double>(&D, &da, dw.data(), ddn.data(),
                                                         ddp.data())) == NN_STATUS_OK);
    const double e_out = nmse(out.data(), dout.data(), N);
    const double e_dn  = nmse(d_noise.data(), ddn.data(), N);
    const double e_dp  = nmse(d_prev.data(), ddp.data(), N);
    const double e_g   = nmse(G.grads, D.grads, G.param_layout.total);
    const double e_s   = nmse(G.state, D.state, G.state_layout.total);
    std::printf("  G C=%zu N=%zu mode %d: NMSE out %.2e, d_noise %.2e, d_prev %.2e, grads %.2e, "
                "state %.2e\n",
                C, N, static_cast<int>(mode), e_out, e_dn, e_dp, e_g, e_s);
    CHECK(e_out < MODEL_MAX_NMSE && e_dn < MODEL_MAX_NMSE && e_dp < MODEL_MAX_NMSE);
    CHECK(e_g < MODEL_MAX_NMSE && e_s < MODEL_MAX_NMSE);
    const double e_worst = check_grads(G, D, mode != CAW_BN_EVAL, MODEL_MAX_NMSE, "G");
    std::printf("  worst per-tensor grad NMSE %.2e\n", e_worst);
    caw_acts_release(&da);
    caw_model_release(&D);
    caw_acts_free(&acts);
    caw_model_free(&G);
}

// ---- determinism, += and argument checks (float entry points) --------------------------------

struct g_run {
    std::vector<float> out, d_noise, grads, state;
};

g_run run_float(size_t threads) {
    nn_set_cpu_threads(threads);
    const caw_config cfg  = make_config(CAW_GENERATOR, 16, 9, 8);
    caw_model        G    = {};
    caw_acts         acts = {};
    CHECK(caw_model_init(&G, &cfg) == NN_STATUS_OK);
    test_rng_source rs(77);
    caw_rng_source  src = rs.source();
    CHECK(caw_model_init_params(&G, &src) == NN_STATUS_OK);
    const size_t       N = 3001;
    std::vector<float> noise(N), w(N);
    fill_vec(noise, 41);
    fill_vec(w, 42);
    g_run r;
    r.out.assign(N, NAN);
    r.d_noise.assign(N, NAN);
    nn_tensor_view nv = sig(noise), wv = sig(w), ov = sig(r.out), dv = sig(r.d_noise);
    CHECK(caw_generator_forward(&G, &acts, &nv, 1.0f, nullptr, &ov, CAW_BN_TRAIN) == NN_STATUS_OK);
    CHECK(caw_generator_backward(&G, &acts, &wv, &dv, nullptr) == NN_STATUS_OK);
    for (float v : r.out)
        CHECK(std::isfinite(v));
    for (float v : r.d_noise)
        CHECK(std::isfinite(v));
    r.grads.assign(G.grads, G.grads + G.param_layout.total);
    r.state.assign(G.state, G.state + G.state_layout.total);
    // += : a second backward on the same forward doubles every gradient
    CHECK(caw_generator_backward(&G, &acts, &wv, nullptr, nullptr) == NN_STATUS_OK);
    double worst = 0.0;
    for (size_t i = 0; i < r.grads.size(); i++) {
        worst = std::max(worst, std::fabs(G.grads[i] - 2.0f * r.grads[i]) /
                                    (std::fabs(2.0f * r.grads[i]) + 1e-30));
    }
    CHECK_MSG(worst < 1e-6, "second backward is not 2x the first: %.3g", worst);
    caw_acts_free(&acts);
    caw_model_free(&G);
    nn_set_cpu_threads(0);
    return r;
}

void test_determinism() {
    const g_run a = run_float(0), b = run_float(0), c = run_float(1);
    for (const g_run * o : {&b, &c}) {
        CHECK(std::memcmp(a.out.data(), o->out.data(), a.out.size() * sizeof(float)) == 0);
        CHECK(std::memcmp(a.d_noise.data(), o->d_noise.data(), a.d_noise.size() * 4) == 0);
        CHECK(std::memcmp(a.grads.data(), o->grads.data(), a.grads.size() * sizeof(float)) == 0);
        CHECK(std::memcmp(a.state.data(), o->state.data(), a.state.size() * sizeof(float)) == 0);
    }
}

void test_arguments() {
    caw_model  G = {}, Dm = {};
    caw_acts   acts = {};
    caw_config bad  = make_config(CAW_GENERATOR, 4, 4, 3);
    CHECK(caw_model_init(&G, &bad) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::strlen(nn_last_error()) > 0);
    bad = make_config(CAW_GENERATOR, 4, 3, 1);
    CHECK(caw_model_init(&G, &bad) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(caw_model_init(nullptr, &bad) == NN_STATUS_INVALID_ARGUMENT);
    const caw_config cfg  = make_config(CAW_GENERATOR, 3, 3, 4);
    const caw_config dcfg = make_config(CAW_DISCRIMINATOR, 3, 3, 4);
    CHECK(caw_model_init(&G, &cfg) == NN_STATUS_OK);
    CHECK(caw_model_init(&Dm, &dcfg) == NN_STATUS_OK);
    CHECK(caw_model_init_params(&G, nullptr) == NN_STATUS_INVALID_ARGUMENT);
    test_rng_source rs(3);
    caw_rng_source  src = rs.source();
    CHECK(caw_model_init_params(&G, &src) == NN_STATUS_OK);
    std::vector<float> x(10), y(10), z(11), o(10);
    nn_tensor_view     xv = sig(x), yv = sig(y), zv = sig(z), ov = sig(o);
    // backward before any forward
    CHECK(caw_generator_backward(&G, &acts, &xv, nullptr, nullptr) == NN_STATUS_INVALID_ARGUMENT);
    // a discriminator is not a generator
    CHECK(caw_generator_forward(&Dm, &acts, &xv, 1.0f, nullptr, &ov, CAW_BN_TRAIN) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::strstr(nn_last_error(), "discriminator") != nullptr);
    CHECK(caw_generator_forward(&G, nullptr, &xv, 1.0f, nullptr, &ov, CAW_BN_TRAIN) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(caw_generator_forward(&G, &acts, &zv, 1.0f, nullptr, &ov, CAW_BN_TRAIN) ==
          NN_STATUS_INVALID_ARGUMENT); // noise length != out length
    CHECK(caw_generator_forward(&G, &acts, &xv, NAN, nullptr, &ov, CAW_BN_TRAIN) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(caw_generator_forward(&G, &acts, &xv, 1.0f, nullptr, &xv, CAW_BN_TRAIN) ==
          NN_STATUS_INVALID_ARGUMENT); // out overlaps noise
    CHECK(caw_generator_forward(&G, &acts, &xv, 1.0f, &yv, &ov, static_cast<caw_bn_mode>(7)) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(caw_generator_forward(&G, &acts, &xv, 1.0f, &yv, &ov, CAW_BN_TRAIN) == NN_STATUS_OK);
    CHECK(std::strlen(nn_last_error()) == 0);
    // later calls must use the same N
    std::vector<float> z2(11), o2(11);
    nn_tensor_view     z2v = sig(z2), o2v = sig(o2);
    CHECK(caw_generator_forward(&G, &acts, &z2v, 1.0f, nullptr, &o2v, CAW_BN_TRAIN) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::strstr(nn_last_error(), "N = 10") != nullptr);
    CHECK(caw_generator_backward(&G, &acts, &zv, nullptr, nullptr) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(caw_generator_backward(&G, &acts, &xv, &xv, nullptr) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(caw_generator_backward(&G, &acts, &xv, nullptr, nullptr) == NN_STATUS_OK);
    caw_acts_free(&acts);
    CHECK(caw_generator_forward(&G, &acts, &z2v, 1.0f, nullptr, &o2v, CAW_BN_EVAL) ==
          NN_STATUS_OK); // freed acts take a new N
    caw_acts_free(&acts);
    caw_model_free(&G);
    caw_model_free(&Dm);
}

} // namespace

NN_TEST_CASES(generator) {
    cases.values("P and parameter counts", test_sizes);
    cases.values("float vs double, C=16 N=4000 train BN",
                 [] { test_float_vs_double(16, 4000, CAW_BN_TRAIN); });
    cases.values("float vs double, C=16 N=1500 eval BN",
                 [] { test_float_vs_double(16, 1500, CAW_BN_EVAL); });
    cases.values("float vs double, C=96 N=4000 train BN",
                 [] { test_float_vs_double(96, 4000, CAW_BN_TRAIN); });
    cases.values("determinism", test_determinism);
    cases.values("argument checks", test_arguments);
    cases.grad("train BN (running stats kept)", [] { test_fd(CAW_BN_TRAIN_KEEP); });
    cases.grad("eval BN", [] { test_fd(CAW_BN_EVAL); });
}
