// test-sequence-losses.cpp: softmax cross-entropy, the normal KL and the reparameterisation
// (nn/sequence-losses.h).
//   test   known values (uniform logits, the ignore index, KL of N(0, 1) is 0), float entry
//          points against the double loops, the seeded eps, argument checks
//   grad   the double loops' gradients against fourth-order finite differences: logits (with
//          ignored rows), mu and logvar of the KL, mu and logvar through z with eps fixed

#include <cmath>
#include <cstring>
#include <vector>

#include "cpu/sequence-losses-impl.h"
#include "nn/rng.h"
#include "nn/sequence-losses.h"
#include "test-common.h"
#include "test-registry.h"
#include "test-sequence.h"

namespace {

/** Float vs double: double sums rounded once; gradients one double expression rounded to float
 *  (reparam: float arithmetic on a few operations). */
constexpr double SEQ_LOSS_MAX_NMSE = 1e-12;
constexpr int32_t IGNORE           = -100; // PyTorch's default ignore_index

void test_known_values() {
    // uniform logits over V = 4: loss = log 4 on every kept row; row 1 is padding.
    const std::vector<float>   logits = {0, 0, 0, 0, 5, -3, 2, 7, 1, 1, 1, 1};
    const std::vector<int32_t> t      = {2, IGNORE, 0};
    float                      loss   = NAN;
    size_t                     kept   = 0;
    CHECK(cross_entropy_forward_cpu(logits.data(), t.data(), 3, 4, IGNORE, &loss, &kept) ==
          NN_STATUS_OK);
    CHECK(kept == 2 && std::fabs(loss - std::log(4.0)) < 1e-6);
    std::vector<float> d(12, NAN);
    CHECK(cross_entropy_backward_cpu(logits.data(), t.data(), 3, 4, IGNORE, 2.0f, d.data()) ==
          NN_STATUS_OK);
    CHECK(std::fabs(d[2] - (0.25 - 1.0)) < 1e-7 && std::fabs(d[0] - 0.25) < 1e-7); // 2/M = 1
    CHECK(d[4] == 0.0f && d[7] == 0.0f);                                           // ignored row
    CHECK(std::fabs(d[8] + 0.75) < 1e-7 && std::fabs(d[9] - 0.25) < 1e-7);
    // every row ignored: 0, not NaN; large logits do not overflow
    const std::vector<int32_t> none = {IGNORE, IGNORE, IGNORE};
    CHECK(cross_entropy_forward_cpu(logits.data(), none.data(), 3, 4, IGNORE, &loss, &kept) ==
              NN_STATUS_OK && loss == 0.0f && kept == 0);
    const std::vector<float>   big = {1000.0f, 0.0f};
    const std::vector<int32_t> one = {1};
    CHECK(cross_entropy_forward_cpu(big.data(), one.data(), 1, 2, IGNORE, &loss, nullptr) ==
              NN_STATUS_OK && loss == 1000.0f);

    // KL of N(0, 1) is 0; of N(1, e^0) per element 0.5; of (mu 0, logvar 1): -0.5 (2 - e)
    const std::vector<float> mu = {0, 1, 0}, lv = {0, 0, 1};
    float                    kl = NAN;
    CHECK(kl_normal_forward_cpu(mu.data(), lv.data(), 1, 3, &kl) == NN_STATUS_OK);
    CHECK(std::fabs(kl - (0.5 - 0.5 * (2.0 - std::exp(1.0)))) < 1e-6);
    CHECK(kl_normal_forward_cpu(mu.data(), lv.data(), 3, 1, &kl) == NN_STATUS_OK); // mean of rows
    CHECK(std::fabs(kl - (0.5 - 0.5 * (2.0 - std::exp(1.0))) / 3.0) < 1e-6);

    // eps is nn_rng's normal sequence for the seed; logvar 0 gives z = mu + eps
    std::vector<float> eps(3, NAN), z(3, NAN), ref(3);
    const std::vector<float> zero(3, 0.0f);
    CHECK(reparam_forward_cpu(mu.data(), zero.data(), 1, 3, 42, eps.data(), z.data()) ==
          NN_STATUS_OK);
    nn_rng rng;
    nn_rng_init(&rng, 42);
    nn_rng_fill_normal(&rng, ref.data(), 3, 1.0);
    CHECK(std::memcmp(eps.data(), ref.data(), sizeof(float) * 3) == 0);
    CHECK(z[0] == eps[0] && z[1] == 1.0f + eps[1]);
}

void test_float_vs_double() {
    const size_t N = 37, V = 130, Z = 20;
    seq_vec      logits = seq_random(N * V, 400, -6.0, 6.0);
    std::vector<int32_t> t(N);
    for (size_t n = 0; n < N; n++) t[n] = n % 7 == 3 ? IGNORE : int32_t((n * 31) % V);
    const std::vector<float> fl(logits.begin(), logits.end());
    size_t                   kept = 0, fkept = 0;
    const double loss = cross_entropy_value(logits.data(), t.data(), N, V, IGNORE, &kept);
    float                    floss = NAN;
    CHECK(cross_entropy_forward_cpu(fl.data(), t.data(), N, V, IGNORE, &floss, &fkept) ==
          NN_STATUS_OK && fkept == kept);
    seq_vec            d(N * V);
    std::vector<float> fd(N * V, NAN);
    cross_entropy_backward_values(logits.data(), t.data(), N, V, IGNORE, 1.5, d.data());
    CHECK(cross_entropy_backward_cpu(fl.data(), t.data(), N, V, IGNORE, 1.5f, fd.data()) ==
          NN_STATUS_OK);

    const seq_vec mu = seq_random(N * Z, 401, -2, 2), lv = seq_random(N * Z, 402, -3, 1.5);
    const std::vector<float> fmu(mu.begin(), mu.end()), flv(lv.begin(), lv.end());
    const double             kl = kl_normal_value(mu.data(), lv.data(), N, Z);
    float                    fkl = NAN;
    CHECK(kl_normal_forward_cpu(fmu.data(), flv.data(), N, Z, &fkl) == NN_STATUS_OK);
    seq_vec            dmu(N * Z), dlv(N * Z);
    std::vector<float> fdmu(N * Z, NAN), fdlv(N * Z, NAN);
    kl_normal_backward_values(mu.data(), lv.data(), N, Z, 0.3, dmu.data(), dlv.data());
    CHECK(kl_normal_backward_cpu(fmu.data(), flv.data(), N, Z, 0.3f, fdmu.data(), fdlv.data()) ==
          NN_STATUS_OK);

    std::vector<float> feps(N * Z, NAN), fz(N * Z, NAN), frm(N * Z, NAN), frl(N * Z, NAN);
    CHECK(reparam_forward_cpu(fmu.data(), flv.data(), N, Z, 7, feps.data(), fz.data()) ==
          NN_STATUS_OK);
    const seq_vec eps(feps.begin(), feps.end()), dz = seq_random(N * Z, 403);
    const std::vector<float> fdz(dz.begin(), dz.end());
    seq_vec z(N * Z), rm(N * Z), rl(N * Z);
    reparam_forward_values(mu.data(), lv.data(), eps.data(), z.data(), N * Z);
    reparam_backward_values(lv.data(), eps.data(), dz.data(), rm.data(), rl.data(), N * Z);
    CHECK(reparam_backward_cpu(flv.data(), feps.data(), fdz.data(), N, Z, frm.data(), frl.data()) ==
          NN_STATUS_OK);
    const double e[8] = {nmse(&floss, &loss, 1),          nmse(fd.data(), d.data(), N * V),
                         nmse(&fkl, &kl, 1),              nmse(fdmu.data(), dmu.data(), N * Z),
                         nmse(fdlv.data(), dlv.data(), N * Z), nmse(fz.data(), z.data(), N * Z),
                         nmse(frm.data(), rm.data(), N * Z), nmse(frl.data(), rl.data(), N * Z)};
    for (int k = 0; k < 8; k++) {
        CHECK_MSG(e[k] < SEQ_LOSS_MAX_NMSE, "output %d: nmse %.3g", k, e[k]);
    }
}

void expect_invalid(nn_status status, const char * what, const char * op) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    std::vector<float>   l(8, 0.0f), d(8, 7.0f);
    std::vector<int32_t> t = {1, 4};
    float                loss = 7.0f;
    expect_invalid(cross_entropy_forward_cpu(l.data(), t.data(), 2, 4, IGNORE, &loss, nullptr),
                   "target 4 of V 4", "cross_entropy_forward_cpu");
    CHECK(loss == 7.0f);
    t[1] = -1; // not the ignore index
    expect_invalid(cross_entropy_backward_cpu(l.data(), t.data(), 2, 4, IGNORE, 1.0f, d.data()),
                   "target -1", "cross_entropy_backward_cpu");
    CHECK(d[0] == 7.0f);
    t[1] = IGNORE;
    expect_invalid(cross_entropy_backward_cpu(l.data(), t.data(), 2, 4, IGNORE, NAN, d.data()),
                   "NaN dloss", "cross_entropy_backward_cpu");
    expect_invalid(cross_entropy_backward_cpu(l.data(), t.data(), 2, 4, IGNORE, 1.0f, l.data()),
                   "dlogits is logits", "cross_entropy_backward_cpu");
    expect_invalid(kl_normal_forward_cpu(l.data(), d.data(), 0, 4, &loss), "N 0",
                   "kl_normal_forward_cpu");
    expect_invalid(kl_normal_backward_cpu(l.data(), d.data(), 2, 4, 1.0f, d.data(), nullptr),
                   "null dlogvar", "kl_normal_backward_cpu");
    expect_invalid(reparam_forward_cpu(l.data(), l.data(), 2, 4, 1, l.data(), d.data()),
                   "eps is mu", "reparam_forward_cpu");
    expect_invalid(reparam_backward_cpu(l.data(), l.data(), l.data(), 2, 4, nullptr, nullptr),
                   "null dlogvar", "reparam_backward_cpu");
}

void test_gradients_fd() {
    const size_t N = 5 * 3, V = 7, Z = 6;
    std::vector<int32_t> t(N);
    for (size_t n = 0; n < N; n++) t[n] = n % 4 == 1 ? IGNORE : int32_t((n * 5 + 2) % V);
    seq_vec logits = seq_random(N * V, 500, -3, 3), dl(N * V);
    cross_entropy_backward_values(logits.data(), t.data(), N, V, IGNORE, 1.3, dl.data());
    size_t     kept = 0;
    const auto ce   = [&] {
        return 1.3 * cross_entropy_value(logits.data(), t.data(), N, V, IGNORE, &kept);
    };
    const double el = seq_fd4_worst(logits, dl, ce);
    CHECK(dl[1 * V] == 0.0 && kept == N - 4); // an ignored row: no gradient at all

    seq_vec    mu = seq_random(N * Z, 501, -1.5, 1.5), lv = seq_random(N * Z, 502, -2, 1);
    seq_vec    dmu(N * Z), dlv(N * Z);
    kl_normal_backward_values(mu.data(), lv.data(), N, Z, 0.7, dmu.data(), dlv.data());
    const auto kl = [&] { return 0.7 * kl_normal_value(mu.data(), lv.data(), N, Z); };
    const double ekm = seq_fd4_worst(mu, dmu, kl), ekl = seq_fd4_worst(lv, dlv, kl);

    const seq_vec eps = seq_random(N * Z, 503, -2, 2), w = seq_random(N * Z, 504);
    seq_vec       rm(N * Z), rl(N * Z);
    reparam_backward_values(lv.data(), eps.data(), w.data(), rm.data(), rl.data(), N * Z);
    const auto zl = [&] {
        seq_vec z(N * Z);
        reparam_forward_values(mu.data(), lv.data(), eps.data(), z.data(), N * Z);
        double s = 0.0;
        for (size_t e = 0; e < z.size(); e++) s += w[e] * z[e];
        return s;
    };
    const double erm = seq_fd4_worst(mu, rm, zl), erl = seq_fd4_worst(lv, rl, zl);
    CHECK_MSG(el < SEQ_FD_MAX_REL_ERR && ekm < SEQ_FD_MAX_REL_ERR && ekl < SEQ_FD_MAX_REL_ERR &&
                  erm < SEQ_FD_MAX_REL_ERR && erl < SEQ_FD_MAX_REL_ERR,
              "cross-entropy %.3g, KL mu %.3g logvar %.3g, reparam mu %.3g logvar %.3g", el, ekm,
              ekl, erm, erl);
    if (test_verbose()) {
        std::printf("    cross-entropy %.3g, KL mu %.3g logvar %.3g, reparam mu %.3g logvar %.3g\n",
                    el, ekm, ekl, erm, erl);
    }
}

} // namespace

NN_TEST_CASES(sequence_losses) {
    cases.values("known values (cross-entropy, ignore index, KL, eps)", test_known_values);
    cases.values("float vs double", test_float_vs_double);
    cases.values("argument checks", test_argument_checks);
    cases.grad("cross-entropy N15 V7, KL and reparam N15 Z6", test_gradients_fd);
}
