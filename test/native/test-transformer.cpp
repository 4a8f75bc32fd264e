// test-transformer.cpp: attention's, layer norm's and GELU's cases (nn/transformer.h).
//   test   known values (uniform attention, a causal first row, masked keys at 0, layer norm of
//          a known row, GELU at 0 and 1), float entry points (nn_core's pool) against the
//          double loops, bitwise reruns at 1 and 2 threads, argument checks
//   grad   the double reference's backward against fourth-order finite differences of
//          sum(w * y), on q, k, v (causal and not, with padded lanes), x, gamma, beta and GELU's x

#include <cmath>
#include <cstring>
#include <vector>

#include "cpu/parallel.h"
#include "cpu/transformer-impl.h"
#include "nn/transformer.h"
#include "test-common.h"
#include "test-registry.h"
#include "test-sequence.h"

namespace {

/** Float vs double: softmaxes and sums of D or T products rounded in float; seen ~1e-14. */
constexpr double TF_MAX_NMSE = 1e-11;

std::vector<float> to_float(const seq_vec & v) { return std::vector<float>(v.begin(), v.end()); }

void test_known_values() {
    // T 2, B 1, H 1, D 2: equal keys give uniform weights, y = the mean of v.
    const nn_attention_config  cfg = {2, 1, 1, 2, false};
    const std::vector<float>   q = {1, 0, 0, 1}, k = {1, 1, 1, 1}, v = {2, 4, 6, 8};
    const std::vector<int32_t> len = {2};
    std::vector<float>         y(4, NAN), att(4, NAN);
    CHECK(attention_forward_cpu(&cfg, q.data(), k.data(), v.data(), len.data(), y.data(),
                                att.data()) == NN_STATUS_OK);
    CHECK(att[0] == 0.5f && att[1] == 0.5f && y[0] == 4.0f && y[1] == 6.0f);
    // causal: the first query sees only itself; a lane of length 1 masks key 1 for every query.
    const nn_attention_config causal = {2, 1, 1, 2, true};
    CHECK(attention_forward_cpu(&causal, q.data(), k.data(), v.data(), len.data(), y.data(),
                                att.data()) == NN_STATUS_OK);
    CHECK(att[0] == 1.0f && att[1] == 0.0f && y[0] == 2.0f && y[1] == 4.0f && att[2] == 0.5f);
    const std::vector<int32_t> one = {1};
    CHECK(attention_forward_cpu(&cfg, q.data(), k.data(), v.data(), one.data(), y.data(),
                                att.data()) == NN_STATUS_OK);
    CHECK(att[1] == 0.0f && att[3] == 0.0f && y[2] == 2.0f && y[3] == 4.0f);

    // layer norm of (1, 2, 3): mean 2, var 2/3; gamma 2, beta 1.
    const std::vector<float> x = {1, 2, 3}, gamma = {2, 2, 2}, beta = {1, 1, 1};
    std::vector<float>       ly(3, NAN), mean(1, NAN), rstd(1, NAN);
    CHECK(layer_norm_forward_cpu(x.data(), gamma.data(), beta.data(), ly.data(), mean.data(),
                                 rstd.data(), 1, 3, 1e-5f) == NN_STATUS_OK);
    const double r = 1.0 / std::sqrt(2.0 / 3.0 + 1e-5);
    CHECK(mean[0] == 2.0f && std::fabs(rstd[0] - r) < 1e-5 && ly[1] == 1.0f);
    CHECK(std::fabs(ly[2] - (1.0 + 2.0 * r)) < 1e-5);

    const std::vector<float> gx = {0.0f, 1.0f};
    std::vector<float>       gy(2, NAN);
    CHECK(gelu_forward_cpu(gx.data(), gy.data(), 2) == NN_STATUS_OK);
    CHECK(gy[0] == 0.0f && std::fabs(gy[1] - 0.8411920f) < 1e-6); // PyTorch's tanh GELU of 1
}

void check_attention_float(const nn_attention_config & cfg, const std::vector<int32_t> & lengths,
                           uint64_t seed) {
    const attention_dims d = {cfg.T, cfg.B, cfg.H, cfg.D, cfg.causal};
    const size_t         n = cfg.T * cfg.B * cfg.H * cfg.D, n_att = cfg.B * cfg.H * cfg.T * cfg.T;
    const seq_vec q = seq_random(n, seed), k = seq_random(n, seed + 1), v = seq_random(n, seed + 2);
    const seq_vec dy = seq_random(n, seed + 3);
    seq_vec       y(n), att(n_att), dq(n), dk(n), dv(n);
    attention_forward_impl<double>(d, q.data(), k.data(), v.data(), lengths.data(), y.data(),
                                   att.data(), serial_for{});
    attention_backward_impl<double>(d, q.data(), k.data(), v.data(), att.data(), dy.data(),
                                    dq.data(), dk.data(), dv.data(), serial_for{});
    const std::vector<float> fq = to_float(q), fk = to_float(k), fv = to_float(v),
                             fdy = to_float(dy);
    std::vector<float> runs[2][5];
    for (int r = 0; r < 2; r++) {
        nn_set_cpu_threads(size_t(r + 1));
        std::vector<float> fy(n, NAN), fatt(n_att, NAN), fdq(n, NAN), fdk(n, NAN), fdv(n, NAN);
        CHECK(attention_forward_cpu(&cfg, fq.data(), fk.data(), fv.data(), lengths.data(),
                                    fy.data(), fatt.data()) == NN_STATUS_OK);
        CHECK(attention_backward_cpu(&cfg, fq.data(), fk.data(), fv.data(), fatt.data(),
                                     fdy.data(), fdq.data(), fdk.data(),
                                     fdv.data()) == NN_STATUS_OK);
        runs[r][0] = fy;
        runs[r][1] = fatt;
        runs[r][2] = fdq;
        runs[r][3] = fdk;
        runs[r][4] = fdv;
    }
    nn_set_cpu_threads(0);
    const seq_vec * ref[5] = {&y, &att, &dq, &dk, &dv};
    for (int o = 0; o < 5; o++) {
        const double e = nmse(runs[0][o].data(), ref[o]->data(), ref[o]->size());
        CHECK_MSG(e < TF_MAX_NMSE, "attention T%zu B%zu H%zu D%zu causal %d: output %d nmse %.3g",
                  cfg.T, cfg.B, cfg.H, cfg.D, int(cfg.causal), o, e);
        CHECK_MSG(std::memcmp(runs[0][o].data(), runs[1][o].data(),
                              runs[0][o].size() * sizeof(float)) == 0,
                  "attention: output %d differs between 1 and 2 threads", o);
    }
}

void test_float_vs_double() {
    check_attention_float({5, 3, 2, 4, false}, {5, 2, 1}, 10);
    check_attention_float({7, 2, 4, 8, true}, {7, 4}, 20);
    check_attention_float({33, 4, 4, 32, true}, {33, 17, 30, 1}, 30);

    const size_t  N = 37, C = 24;
    const seq_vec x = seq_random(N * C, 40, -3.0, 3.0), gamma = seq_random(C, 41);
    const seq_vec beta = seq_random(C, 42), dy = seq_random(N * C, 43);
    seq_vec       y(N * C), mean(N), rstd(N), dx(N * C), dg(C, 0.0), db(C, 0.0), gy(N * C),
        gdx(N * C);
    layer_norm_forward_impl<double>(x.data(), gamma.data(), beta.data(), y.data(), mean.data(),
                                    rstd.data(), N, C, 1e-5, serial_for{});
    layer_norm_backward_impl<double>(x.data(), gamma.data(), mean.data(), rstd.data(), dy.data(),
                                     dx.data(), dg.data(), db.data(), N, C, serial_for{});
    gelu_forward_impl<double>(x.data(), gy.data(), N * C, serial_for{});
    gelu_backward_impl<double>(x.data(), dy.data(), gdx.data(), N * C, serial_for{});
    const std::vector<float> fx = to_float(x), fg = to_float(gamma), fb = to_float(beta),
                             fdy = to_float(dy);
    std::vector<float> fy(N * C, NAN), fm(N, NAN), fr(N, NAN), fdx(N * C, NAN), fdg(C, 0.0f),
        fdb(C, 0.0f), fgy(N * C, NAN), fgdx(N * C, NAN);
    CHECK(layer_norm_forward_cpu(fx.data(), fg.data(), fb.data(), fy.data(), fm.data(), fr.data(),
                                 N, C, 1e-5f) == NN_STATUS_OK);
    CHECK(layer_norm_backward_cpu(fx.data(), fg.data(), fm.data(), fr.data(), fdy.data(),
                                  fdx.data(), fdg.data(), fdb.data(), N, C) == NN_STATUS_OK);
    CHECK(gelu_forward_cpu(fx.data(), fgy.data(), N * C) == NN_STATUS_OK);
    CHECK(gelu_backward_cpu(fx.data(), fdy.data(), fgdx.data(), N * C) == NN_STATUS_OK);
    const double e[6] = {nmse(fy.data(), y.data(), N * C),   nmse(fdx.data(), dx.data(), N * C),
                         nmse(fdg.data(), dg.data(), C),     nmse(fdb.data(), db.data(), C),
                         nmse(fgy.data(), gy.data(), N * C), nmse(fgdx.data(), gdx.data(), N * C)};
    for (int o = 0; o < 6; o++) {
        CHECK_MSG(e[o] < TF_MAX_NMSE, "layer norm / gelu: output %d nmse %.3g", o, e[o]);
    }
}

void expect_invalid(nn_status status, const char * what, const char * op) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    const nn_attention_config cfg = {2, 1, 1, 2, false};
    std::vector<float>        q(4, 1.0f), y(4, 7.0f), att(4, 7.0f);
    std::vector<int32_t>      len = {3};
    expect_invalid(attention_forward_cpu(&cfg, q.data(), q.data(), q.data(), len.data(), y.data(),
                                         att.data()),
                   "length 3 of T 2", "attention_forward_cpu");
    CHECK(std::strstr(nn_last_error(), "lengths[0] = 3") != nullptr);
    CHECK(y[0] == 7.0f && att[0] == 7.0f); // nothing written on failure
    len[0] = 0;
    expect_invalid(attention_forward_cpu(&cfg, q.data(), q.data(), q.data(), len.data(), y.data(),
                                         att.data()),
                   "length 0", "attention_forward_cpu");
    len[0] = 2;
    expect_invalid(attention_forward_cpu(&cfg, q.data(), q.data(), q.data(), len.data(), q.data(),
                                         att.data()),
                   "y is q", "attention_forward_cpu");
    const nn_attention_config zero = {2, 1, 0, 2, false};
    expect_invalid(attention_backward_cpu(&zero, q.data(), q.data(), q.data(), att.data(),
                                          q.data(), y.data(), y.data(), y.data()),
                   "H 0", "attention_backward_cpu");
    CHECK(attention_cache_count(&zero) == 0);
    expect_invalid(layer_norm_forward_cpu(q.data(), q.data(), q.data(), y.data(), att.data(),
                                          att.data() + 2, 2, 2, 0.0f),
                   "eps 0", "layer_norm_forward_cpu");
    expect_invalid(gelu_backward_cpu(q.data(), y.data(), nullptr, 4), "dx null",
                   "gelu_backward_cpu");
}

void grad_attention(const attention_dims & d, const std::vector<int32_t> & lengths,
                    uint64_t seed) {
    const size_t n = d.T * d.B * d.H * d.D, n_att = d.B * d.H * d.T * d.T;
    seq_vec q = seq_random(n, seed), k = seq_random(n, seed + 1), v = seq_random(n, seed + 2);
    // Weights on the padded queries' rows too: those rows are outputs of the op like any other.
    const seq_vec w = seq_random(n, seed + 3);
    seq_vec       y(n), att(n_att), dq(n), dk(n), dv(n);
    attention_forward_impl<double>(d, q.data(), k.data(), v.data(), lengths.data(), y.data(),
                                   att.data(), serial_for{});
    attention_backward_impl<double>(d, q.data(), k.data(), v.data(), att.data(), w.data(),
                                    dq.data(), dk.data(), dv.data(), serial_for{});
    const auto loss = [&] {
        seq_vec yy(n), aa(n_att);
        attention_forward_impl<double>(d, q.data(), k.data(), v.data(), lengths.data(), yy.data(),
                                       aa.data(), serial_for{});
        double l = 0.0;
        for (size_t e = 0; e < n; e++) l += w[e] * yy[e];
        return l;
    };
    const double eq = seq_fd4_worst(q, dq, loss), ek = seq_fd4_worst(k, dk, loss);
    const double ev = seq_fd4_worst(v, dv, loss);
    CHECK_MSG(eq < SEQ_FD_MAX_REL_ERR && ek < SEQ_FD_MAX_REL_ERR && ev < SEQ_FD_MAX_REL_ERR,
              "attention causal %d: q %.3g k %.3g v %.3g", int(d.causal), eq, ek, ev);
    if (test_verbose()) {
        std::printf("    attention causal %d: q %.3g k %.3g v %.3g\n", int(d.causal), eq, ek, ev);
    }
}

void test_attention_gradients_fd() {
    grad_attention({5, 3, 2, 3, false}, {5, 3, 1}, 100);
    grad_attention({6, 2, 2, 3, true}, {6, 4}, 200);
}

void test_norm_gelu_gradients_fd() {
    const size_t  N = 7, C = 5;
    seq_vec       x = seq_random(N * C, 300, -2.0, 2.0), gamma = seq_random(C, 301);
    seq_vec       beta = seq_random(C, 302);
    const seq_vec w    = seq_random(N * C, 303);
    seq_vec       y(N * C), mean(N), rstd(N), dx(N * C), dg(C, 0.0), db(C, 0.0);
    layer_norm_forward_impl<double>(x.data(), gamma.data(), beta.data(), y.data(), mean.data(),
                                    rstd.data(), N, C, 1e-5, serial_for{});
    layer_norm_backward_impl<double>(x.data(), gamma.data(), mean.data(), rstd.data(), w.data(),
                                     dx.data(), dg.data(), db.data(), N, C, serial_for{});
    const auto norm_loss = [&] {
        seq_vec yy(N * C), mm(N), rr(N);
        layer_norm_forward_impl<double>(x.data(), gamma.data(), beta.data(), yy.data(), mm.data(),
                                        rr.data(), N, C, 1e-5, serial_for{});
        double l = 0.0;
        for (size_t e = 0; e < yy.size(); e++) l += w[e] * yy[e];
        return l;
    };
    const double ex = seq_fd4_worst(x, dx, norm_loss), eg = seq_fd4_worst(gamma, dg, norm_loss);
    const double eb = seq_fd4_worst(beta, db, norm_loss);
    CHECK_MSG(ex < SEQ_FD_MAX_REL_ERR && eg < SEQ_FD_MAX_REL_ERR && eb < SEQ_FD_MAX_REL_ERR,
              "layer norm: x %.3g gamma %.3g beta %.3g", ex, eg, eb);

    seq_vec gx = seq_random(N * C, 304, -3.0, 3.0), gdx(N * C);
    gelu_backward_impl<double>(gx.data(), w.data(), gdx.data(), N * C, serial_for{});
    const auto gelu_loss = [&] {
        seq_vec yy(N * C);
        gelu_forward_impl<double>(gx.data(), yy.data(), N * C, serial_for{});
        double l = 0.0;
        for (size_t e = 0; e < yy.size(); e++) l += w[e] * yy[e];
        return l;
    };
    const double eg2 = seq_fd4_worst(gx, gdx, gelu_loss);
    CHECK_MSG(eg2 < SEQ_FD_MAX_REL_ERR, "gelu: x %.3g", eg2);
    if (test_verbose()) {
        std::printf("    layer norm x %.3g gamma %.3g beta %.3g; gelu %.3g\n", ex, eg, eb, eg2);
    }
}

} // namespace

NN_TEST_CASES(transformer) {
    cases.values("known values (attention, layer norm, gelu)", test_known_values);
    cases.values("float (thread pool) vs double loops, 1 and 2 threads bitwise",
                 test_float_vs_double);
    cases.values("argument checks", test_argument_checks);
    cases.grad("attention T5 B3 H2 D3 (padded lanes), causal T6 B2", test_attention_gradients_fd);
    cases.grad("layer norm N7 C5, gelu", test_norm_gelu_gradients_fd);
}
