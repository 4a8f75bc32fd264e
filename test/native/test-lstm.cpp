// test-lstm.cpp: the LSTM's and gradient clipping's cases (nn/lstm.h).
//   test   a one-step cell by hand (gate order and parameter layout), float entry points (matmuls
//          on conv1d's kernels) against the double reference loops, dropout masks (seeded,
//          reproducible, the rate), bitwise reruns on 1 and 2 threads, argument checks, clipping
//   grad   the double reference's backward against fourth-order finite differences of
//          sum(wy * y) + sum(wh * hT) + sum(wc * cT), at T=5, B=3, X=7, H=6, 2 layers, without
//          and with dropout (its mask fixed by the seed), on every parameter, x, h0 and c0

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/lstm-impl.h"
#include "cpu/matmul.h"
#include "cpu/parallel.h"
#include "nn/lstm.h"
#include "test-common.h"
#include "test-registry.h"
#include "test-sequence.h"

namespace {

/** Float results against the double loops: sums of up to ~H*4 products rounded in float, fed
 *  back through T steps; seen ~1e-14 .. 1e-12. */
constexpr double LSTM_MAX_NMSE = 1e-10;

const lstm_ref_kernels<double> ref_mm;

lstm_dims dims(const nn_lstm_config & cfg) {
    return lstm_dims{cfg.T, cfg.B, cfg.X, cfg.H, cfg.layers};
}

// The problem of one check, in double; floats are copies of these.
struct lstm_problem {
    nn_lstm_config cfg;
    seq_vec        params, x, h0, c0, wy, wh, wc; // wy, wh, wc: the loss weights = upstream grads

    explicit lstm_problem(const nn_lstm_config & c, uint64_t seed) : cfg(c) {
        const size_t state = c.layers * c.B * c.H;
        params             = seq_random(lstm_param_count(&c), seed, -0.6, 0.6);
        x                  = seq_random(c.T * c.B * c.X, seed + 1);
        h0                 = seq_random(state, seed + 2, -0.5, 0.5);
        c0                 = seq_random(state, seed + 3, -0.5, 0.5);
        wy                 = seq_random(c.T * c.B * c.H, seed + 4);
        wh                 = seq_random(state, seed + 5);
        wc                 = seq_random(state, seed + 6);
    }

    double loss() const {
        const lstm_dims d = dims(cfg);
        const size_t    state = cfg.layers * cfg.B * cfg.H;
        seq_vec         y(cfg.T * cfg.B * cfg.H), hT(state), cT(state), cache(lstm_cache_total(d));
        lstm_forward_impl<double>(d, double(cfg.dropout), cfg.seed, params.data(), x.data(),
                                  h0.data(), c0.data(), y.data(), hT.data(), cT.data(),
                                  cache.data(), ref_mm);
        double l = 0.0;
        for (size_t e = 0; e < y.size(); e++) l += wy[e] * y[e];
        for (size_t e = 0; e < state; e++) l += wh[e] * hT[e] + wc[e] * cT[e];
        return l;
    }
};

std::vector<float> to_float(const seq_vec & v) {
    return std::vector<float>(v.begin(), v.end());
}

// ----------------------------------------------------------------------------
// values

// One step of one unit: every gate from its own bias only (W = 0), so a swapped gate or a
// misplaced block changes the numbers.
void test_one_step_by_hand() {
    nn_lstm_config     cfg = {1, 1, 2, 1, 1, 0.0f, 0};
    std::vector<float> p(lstm_param_count(&cfg), 0.0f);
    CHECK(p.size() == 4 * (2 + 1 + 1));
    const float bias[4] = {0.3f, -0.7f, 0.9f, 1.1f}; // i, f, g, o at p[12..15]
    for (int k = 0; k < 4; k++) p[12 + size_t(k)] = bias[k];
    std::vector<float> x = {0.5f, -0.25f}, h0 = {0.4f}, c0 = {-0.6f}, y(1), hT(1), cT(1);
    std::vector<float> cache(lstm_cache_count(&cfg));
    CHECK(lstm_forward_cpu(&cfg, p.data(), x.data(), h0.data(), c0.data(), y.data(), hT.data(),
                           cT.data(), cache.data()) == NN_STATUS_OK);
    const auto   sig = [](double a) { return 1.0 / (1.0 + std::exp(-a)); };
    const double c   = sig(-0.7) * -0.6 + sig(0.3) * std::tanh(0.9);
    const double h   = sig(1.1) * std::tanh(c);
    CHECK_MSG(std::fabs(cT[0] - c) < 1e-6 && std::fabs(hT[0] - h) < 1e-6 && y[0] == hT[0],
              "c %g vs %g, h %g vs %g", double(cT[0]), c, double(hT[0]), h);
    // W_ih's row 4H-1 (gate o) meets x: o = sig(1.1 + 2 * 0.5).
    p[3 * 2 + 0] = 2.0f;
    CHECK(lstm_forward_cpu(&cfg, p.data(), x.data(), h0.data(), c0.data(), y.data(), nullptr,
                           nullptr, cache.data()) == NN_STATUS_OK);
    CHECK(std::fabs(y[0] - sig(2.1) * std::tanh(c)) < 1e-6);
    // W_hh (4H, H) follows W_ih: its row 1 (gate f) meets h0: f = sig(-0.7 + 0.4).
    p[3 * 2 + 0] = 0.0f;
    p[8 + 1]     = 1.0f;
    CHECK(lstm_forward_cpu(&cfg, p.data(), x.data(), nullptr, c0.data(), y.data(), nullptr,
                           nullptr, cache.data()) == NN_STATUS_OK); // h0 null = 0
    const double c2 = sig(-0.7) * -0.6 + sig(0.3) * std::tanh(0.9);
    CHECK(std::fabs(y[0] - sig(1.1) * std::tanh(c2)) < 1e-6);
    CHECK(lstm_forward_cpu(&cfg, p.data(), x.data(), h0.data(), c0.data(), y.data(), nullptr,
                           nullptr, cache.data()) == NN_STATUS_OK);
    const double c3 = sig(-0.3) * -0.6 + sig(0.3) * std::tanh(0.9);
    CHECK(std::fabs(y[0] - sig(1.1) * std::tanh(c3)) < 1e-6);
    CHECK(lstm_param_offset(&cfg, 0) == 0);
}

// The float entry points (conv1d's kernels) against the double loops, forward and backward.
void check_float_vs_double(const nn_lstm_config & cfg, uint64_t seed) {
    const lstm_problem pr(cfg, seed);
    const lstm_dims    d     = dims(cfg);
    const size_t       state = cfg.layers * cfg.B * cfg.H, seq = cfg.T * cfg.B * cfg.H;
    const size_t       P = pr.params.size(), NX = pr.x.size();
    // double
    seq_vec y(seq), hT(state), cT(state), cache(lstm_cache_total(d));
    lstm_forward_impl<double>(d, double(cfg.dropout), cfg.seed, pr.params.data(), pr.x.data(),
                              pr.h0.data(), pr.c0.data(), y.data(), hT.data(), cT.data(),
                              cache.data(), ref_mm);
    seq_vec dp(P, 0.0), dx(NX), dh0(state), dc0(state);
    lstm_backward_impl<double>(d, pr.params.data(), pr.x.data(), cache.data(), pr.wy.data(),
                               pr.wh.data(), pr.wc.data(), dp.data(), dx.data(), dh0.data(),
                               dc0.data(), ref_mm);
    // float, outputs poisoned with NaN (dparams starts at 0.5: it is added to)
    std::vector<float> fp = to_float(pr.params), fx = to_float(pr.x), fh0 = to_float(pr.h0);
    std::vector<float> fc0 = to_float(pr.c0), fwy = to_float(pr.wy), fwh = to_float(pr.wh);
    std::vector<float> fwc = to_float(pr.wc), fy(seq, NAN), fhT(state, NAN), fcT(state, NAN);
    std::vector<float> fcache(lstm_cache_count(&cfg), NAN), fdp(P, 0.5f), fdx(NX, NAN);
    std::vector<float> fdh0(state, NAN), fdc0(state, NAN);
    CHECK(lstm_forward_cpu(&cfg, fp.data(), fx.data(), fh0.data(), fc0.data(), fy.data(),
                           fhT.data(), fcT.data(), fcache.data()) == NN_STATUS_OK);
    CHECK(lstm_backward_cpu(&cfg, fp.data(), fx.data(), fcache.data(), fwy.data(), fwh.data(),
                            fwc.data(), fdp.data(), fdx.data(), fdh0.data(),
                            fdc0.data()) == NN_STATUS_OK);
    for (float & v : fdp) v -= 0.5f;
    const char * what[7] = {"y", "hT", "cT", "dparams", "dx", "dh0", "dc0"};
    const double err[7]  = {nmse(fy.data(), y.data(), seq),
                            nmse(fhT.data(), hT.data(), state),
                            nmse(fcT.data(), cT.data(), state),
                            nmse(fdp.data(), dp.data(), P),
                            nmse(fdx.data(), dx.data(), NX),
                            nmse(fdh0.data(), dh0.data(), state),
                            nmse(fdc0.data(), dc0.data(), state)};
    for (int k = 0; k < 7; k++) {
        CHECK_MSG(err[k] < LSTM_MAX_NMSE, "T%zu B%zu X%zu H%zu L%zu p%g: %s nmse %.3g", cfg.T,
                  cfg.B, cfg.X, cfg.H, cfg.layers, double(cfg.dropout), what[k], err[k]);
    }
    if (test_verbose()) {
        std::printf("    T%zu B%zu X%zu H%zu L%zu p%g: worst nmse %.3g\n", cfg.T, cfg.B, cfg.X,
                    cfg.H, cfg.layers, double(cfg.dropout),
                    *std::max_element(err, err + 7));
    }
}

void test_float_vs_double() {
    check_float_vs_double({5, 3, 7, 6, 2, 0.0f, 1}, 10);
    check_float_vs_double({5, 3, 7, 6, 2, 0.3f, 2}, 20);
    check_float_vs_double({1, 1, 1, 1, 1, 0.0f, 3}, 30);
    check_float_vs_double({9, 4, 33, 40, 3, 0.2f, 4}, 40); // past the vector widths, 3 layers
    check_float_vs_double({12, 32, 16, 64, 1, 0.0f, 5}, 50);
}

// The mask: seeded (the same seed draws the same mask, another seed another), the rate near p,
// values 0 or 1/(1-p), none on layer 0 and on y; p = 0 is no dropout at all.
void test_dropout_mask() {
    nn_lstm_config     cfg = {20, 8, 5, 16, 2, 0.25f, 77};
    const lstm_problem pr(cfg, 60);
    std::vector<float> p = to_float(pr.params), x = to_float(pr.x);
    const size_t       seq = cfg.T * cfg.B * cfg.H, n = lstm_cache_count(&cfg);
    std::vector<float> y1(seq), y2(seq), y3(seq), y0(seq), c1(n), c2(n), c3(n), c0(n);
    CHECK(lstm_forward_cpu(&cfg, p.data(), x.data(), nullptr, nullptr, y1.data(), nullptr, nullptr,
                           c1.data()) == NN_STATUS_OK);
    CHECK(lstm_forward_cpu(&cfg, p.data(), x.data(), nullptr, nullptr, y2.data(), nullptr, nullptr,
                           c2.data()) == NN_STATUS_OK);
    CHECK(std::memcmp(y1.data(), y2.data(), seq * sizeof(float)) == 0);
    CHECK(std::memcmp(c1.data(), c2.data(), n * sizeof(float)) == 0);
    const lstm_cache_layer<float> layer1 = lstm_cache_at(dims(cfg), c1.data(), 1);
    size_t                        kept   = 0;
    bool                          values = true;
    for (size_t e = 0; e < seq; e++) {
        kept += layer1.mask[e] != 0.0f;
        values = values && (layer1.mask[e] == 0.0f || layer1.mask[e] == float(1.0 / 0.75));
    }
    CHECK(values);
    const double rate = 1.0 - double(kept) / double(seq); // 2560 draws: sd ~0.009
    CHECK_MSG(std::fabs(rate - 0.25) < 0.04, "dropped %.3f", rate);
    cfg.seed = 78;
    CHECK(lstm_forward_cpu(&cfg, p.data(), x.data(), nullptr, nullptr, y3.data(), nullptr, nullptr,
                           c3.data()) == NN_STATUS_OK);
    CHECK(std::memcmp(y1.data(), y3.data(), seq * sizeof(float)) != 0);
    cfg.dropout = 0.0f;
    CHECK(lstm_forward_cpu(&cfg, p.data(), x.data(), nullptr, nullptr, y0.data(), nullptr, nullptr,
                           c0.data()) == NN_STATUS_OK);
    const lstm_cache_layer<float> none = lstm_cache_at(dims(cfg), c0.data(), 1);
    CHECK(std::all_of(none.mask, none.mask + seq, [](float m) { return m == 1.0f; }));
    CHECK(std::memcmp(y0.data(), y1.data(), seq * sizeof(float)) != 0);
}

// Bitwise the same on 1 and 2 threads and on a rerun.
void test_bitwise_reruns() {
    nn_lstm_config     cfg = {8, 16, 24, 40, 2, 0.1f, 5};
    const lstm_problem pr(cfg, 70);
    std::vector<float> p = to_float(pr.params), x = to_float(pr.x), dy = to_float(pr.wy);
    const size_t       seq = cfg.T * cfg.B * cfg.H, P = p.size();
    std::vector<float> y[2], dp[2], dx[2];
    for (int run = 0; run < 2; run++) {
        nn_set_cpu_threads(size_t(run + 1));
        std::vector<float> cache(lstm_cache_count(&cfg));
        y[run].assign(seq, 0.0f);
        dp[run].assign(P, 0.0f);
        dx[run].assign(x.size(), 0.0f);
        CHECK(lstm_forward_cpu(&cfg, p.data(), x.data(), nullptr, nullptr, y[run].data(), nullptr,
                               nullptr, cache.data()) == NN_STATUS_OK);
        CHECK(lstm_backward_cpu(&cfg, p.data(), x.data(), cache.data(), dy.data(), nullptr, nullptr,
                                dp[run].data(), dx[run].data(), nullptr, nullptr) == NN_STATUS_OK);
    }
    nn_set_cpu_threads(0);
    CHECK(std::memcmp(y[0].data(), y[1].data(), seq * sizeof(float)) == 0);
    CHECK(std::memcmp(dp[0].data(), dp[1].data(), P * sizeof(float)) == 0);
    CHECK(std::memcmp(dx[0].data(), dx[1].data(), x.size() * sizeof(float)) == 0);
}

void expect_invalid(nn_status status, const char * what, const char * op) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    nn_lstm_config     cfg = {3, 2, 4, 5, 2, 0.0f, 0};
    std::vector<float> p(lstm_param_count(&cfg), 0.1f), x(3 * 2 * 4, 0.2f), y(3 * 2 * 5, 7.0f);
    std::vector<float> cache(lstm_cache_count(&cfg)), dp(p.size(), 0.0f), dy(y.size(), 1.0f);
    const char *       fw = "lstm_forward_cpu", *bw = "lstm_backward_cpu";
    expect_invalid(lstm_forward_cpu(nullptr, p.data(), x.data(), nullptr, nullptr, y.data(),
                                    nullptr, nullptr, cache.data()), "null cfg", fw);
    expect_invalid(lstm_forward_cpu(&cfg, p.data(), nullptr, nullptr, nullptr, y.data(), nullptr,
                                    nullptr, cache.data()), "null x", fw);
    expect_invalid(lstm_forward_cpu(&cfg, p.data(), x.data(), nullptr, nullptr, y.data(), nullptr,
                                    nullptr, nullptr), "null cache", fw);
    expect_invalid(lstm_forward_cpu(&cfg, p.data(), x.data(), nullptr, nullptr, x.data(), nullptr,
                                    nullptr, cache.data()), "y overlaps x", fw);
    CHECK(y[0] == 7.0f); // nothing written on failure
    nn_lstm_config bad = cfg;
    bad.dropout        = 1.0f;
    expect_invalid(lstm_forward_cpu(&bad, p.data(), x.data(), nullptr, nullptr, y.data(), nullptr,
                                    nullptr, cache.data()), "dropout 1", fw);
    bad.dropout = NAN;
    expect_invalid(lstm_forward_cpu(&bad, p.data(), x.data(), nullptr, nullptr, y.data(), nullptr,
                                    nullptr, cache.data()), "dropout NaN", fw);
    bad        = cfg;
    bad.H      = 0;
    expect_invalid(lstm_forward_cpu(&bad, p.data(), x.data(), nullptr, nullptr, y.data(), nullptr,
                                    nullptr, cache.data()), "H 0", fw);
    CHECK(lstm_param_count(&bad) == 0 && lstm_cache_count(&bad) == 0);
    CHECK(lstm_forward_cpu(&cfg, p.data(), x.data(), nullptr, nullptr, y.data(), nullptr, nullptr,
                           cache.data()) == NN_STATUS_OK);
    expect_invalid(lstm_backward_cpu(&cfg, p.data(), x.data(), cache.data(), nullptr, nullptr,
                                     nullptr, dp.data(), nullptr, nullptr, nullptr), "null dy", bw);
    expect_invalid(lstm_backward_cpu(&cfg, p.data(), x.data(), cache.data(), dy.data(), nullptr,
                                     nullptr, p.data(), nullptr, nullptr, nullptr),
                   "dparams overlaps params", bw);
    CHECK(lstm_backward_cpu(&cfg, p.data(), x.data(), cache.data(), dy.data(), nullptr, nullptr,
                            dp.data(), nullptr, nullptr, nullptr) == NN_STATUS_OK);
    CHECK(lstm_param_offset(&cfg, 1) == 4 * 5 * (4 + 5 + 1));
}

void test_grad_clip() {
    std::vector<float> a = {3.0f, 0.0f}, b = {4.0f}; // norm 5
    float *            bufs[2]   = {a.data(), b.data()};
    const size_t       counts[2] = {2, 1};
    float              norm      = 0.0f;
    CHECK(grad_clip_norm_cpu(bufs, counts, 2, 10.0f, &norm) == NN_STATUS_OK && norm == 5.0f);
    CHECK(a[0] == 3.0f && b[0] == 4.0f); // under the limit: untouched
    CHECK(grad_clip_norm_cpu(bufs, counts, 2, 1.0f, &norm) == NN_STATUS_OK && norm == 5.0f);
    const double coef = 1.0 / (5.0 + 1e-6);
    CHECK(a[0] == float(coef) * 3.0f && b[0] == float(coef) * 4.0f && a[1] == 0.0f);
    b[0] = INFINITY;
    expect_invalid(grad_clip_norm_cpu(bufs, counts, 2, 1.0f, &norm), "inf gradient",
                   "grad_clip_norm_cpu");
    CHECK(a[0] == float(coef) * 3.0f); // untouched
    expect_invalid(grad_clip_norm_cpu(bufs, counts, 2, 0.0f, nullptr), "max_norm 0",
                   "grad_clip_norm_cpu");
    CHECK(grad_clip_norm_cpu(nullptr, nullptr, 0, 1.0f, &norm) == NN_STATUS_OK && norm == 0.0f);
}

// The float gates' polynomials against libm in double: relative error within 4 ulp (2^-22)
// wherever the value is a normal float, over [-80, 80] in steps of ~1e-3 and near 0.
void test_float_nonlinearities() {
    double worst[3] = {0.0, 0.0, 0.0};
    for (int k = -80000; k <= 80000; k++) {
        const float  xs[2] = {float(k) * 1e-3f + 3.1e-4f, float(k) * 1e-7f};
        for (const float x : xs) {
            const double ref[3] = {std::exp(double(x)), std::tanh(double(x)),
                                   1.0 / (1.0 + std::exp(-double(x)))};
            const double got[3] = {double(lstm_exp(x)), double(lstm_tanh(x)),
                                   double(lstm_sigmoid(x))};
            for (int f = 0; f < 3; f++) {
                if (std::fabs(ref[f]) < 1e-37 || ref[f] == 0.0) continue;
                worst[f] = std::max(worst[f], std::fabs(got[f] - ref[f]) / std::fabs(ref[f]));
            }
        }
    }
    const double ulp4 = 4.0 * std::ldexp(1.0, -24);
    CHECK_MSG(worst[0] < ulp4 && worst[1] < ulp4 && worst[2] < ulp4,
              "relative error exp %.3g tanh %.3g sigmoid %.3g (bound %.3g)", worst[0], worst[1],
              worst[2], ulp4);
    // the clamped ends: no overflow, no NaN, the right limits
    CHECK(lstm_tanh(1e4f) == 1.0f && lstm_tanh(-1e4f) == -1.0f && lstm_tanh(0.0f) == 0.0f);
    CHECK(lstm_sigmoid(1e4f) == 1.0f && lstm_sigmoid(-1e4f) >= 0.0f &&
          lstm_sigmoid(-1e4f) < 1e-37f);
    CHECK(std::isinf(lstm_exp(1e4f)) == false && lstm_exp(-1e4f) < 1e-37f);
    if (test_verbose()) {
        std::printf("    relative error exp %.3g tanh %.3g sigmoid %.3g\n", worst[0], worst[1],
                    worst[2]);
    }
}

// ----------------------------------------------------------------------------
// grad

void check_fd(const nn_lstm_config & cfg, uint64_t seed) {
    lstm_problem    pr(cfg, seed);
    const lstm_dims d     = dims(cfg);
    const size_t    state = cfg.layers * cfg.B * cfg.H;
    seq_vec y(cfg.T * cfg.B * cfg.H), hT(state), cT(state), cache(lstm_cache_total(d));
    lstm_forward_impl<double>(d, double(cfg.dropout), cfg.seed, pr.params.data(), pr.x.data(),
                              pr.h0.data(), pr.c0.data(), y.data(), hT.data(), cT.data(),
                              cache.data(), ref_mm);
    seq_vec dp(pr.params.size(), 0.0), dx(pr.x.size()), dh0(state), dc0(state);
    lstm_backward_impl<double>(d, pr.params.data(), pr.x.data(), cache.data(), pr.wy.data(),
                               pr.wh.data(), pr.wc.data(), dp.data(), dx.data(), dh0.data(),
                               dc0.data(), ref_mm);
    const auto   loss = [&] { return pr.loss(); };
    const double ep = seq_fd4_worst(pr.params, dp, loss), ex = seq_fd4_worst(pr.x, dx, loss);
    const double eh = seq_fd4_worst(pr.h0, dh0, loss), ec = seq_fd4_worst(pr.c0, dc0, loss);
    CHECK_MSG(ep < SEQ_FD_MAX_REL_ERR && ex < SEQ_FD_MAX_REL_ERR && eh < SEQ_FD_MAX_REL_ERR &&
                  ec < SEQ_FD_MAX_REL_ERR,
              "T%zu B%zu X%zu H%zu L%zu p%g: params %.3g x %.3g h0 %.3g c0 %.3g", cfg.T, cfg.B,
              cfg.X, cfg.H, cfg.layers, double(cfg.dropout), ep, ex, eh, ec);
    if (test_verbose()) {
        std::printf("    p%g: worst relative error params %.3g x %.3g h0 %.3g c0 %.3g\n",
                    double(cfg.dropout), ep, ex, eh, ec);
    }
}

} // namespace

NN_TEST_CASES(lstm) {
    cases.values("one step by hand: gate order i, f, g, o and the layout", test_one_step_by_hand);
    cases.values("float gates' exp, tanh, sigmoid vs libm", test_float_nonlinearities);
    cases.values("float (conv1d kernels) vs double loops", test_float_vs_double);
    cases.values("dropout masks: seeded, rate, values", test_dropout_mask);
    cases.values("bitwise reruns on 1 and 2 threads", test_bitwise_reruns);
    cases.values("argument checks", test_argument_checks);
    cases.values("grad_clip_norm", test_grad_clip);
    cases.grad("T5 B3 X7 H6 2 layers", [] { check_fd({5, 3, 7, 6, 2, 0.0f, 0}, 100); });
    cases.grad("T5 B3 X7 H6 2 layers, dropout 0.4 (mask fixed by the seed)",
               [] { check_fd({5, 3, 7, 6, 2, 0.4f, 9}, 200); });
}
