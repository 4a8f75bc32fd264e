// test-batchnorm-dev.cpp: the device batch-norm kernels (cuda/batchnorm.cu) on the simulator and
// on CUDA, against the CPU's own per-channel loops (cpu/batchnorm-impl.h, in float: what
// caw_cpu_backend runs, masked or not).
//   test (cuda, sim)  per shape and mask (none, some zeros, all zero but one): each of the six
//                     entry points, NMSE against the CPU per output, NaN-poisoned guarded
//                     outputs (an unwritten element or a write out of bounds fails), parameter
//                     gradients accumulated (+=) onto nonzero starts, running statistics updated
//                     or left alone (null), null gradients skipped, bitwise-identical reruns;
//                     argument checks (one-line messages, nothing launched)
// Sizes stay small: the simulator runs every thread of a block as a fiber.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/batchnorm-impl.h"
#include "cuda/device-ops.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

/** Device vs CPU float loops: both sum in double and round once to float, so the gap is a
 * different summation order (~1e-16 relative) and FMA contraction in double, flipping the last
 * float bit of a few outputs: NMSE ~1e-15. A wrong term gives 1e-3 and above. */
constexpr double BN_DEV_MAX_NMSE = 1e-12;
constexpr float  EPS             = 1e-5f;
constexpr float  MOMENTUM        = 0.1f;

/** make_mask, with `some` also keeping the last sample: two valid samples for T >= 2, so the
 * masked batch statistics (a variance) exist. */
std::vector<unsigned char> batchnorm_mask(mask_kind m, size_t T) {
    std::vector<unsigned char> valid = make_mask(m, T);
    if (m == mask_kind::some && T > 1) {
        valid[T - 1] = 1;
    }
    return valid;
}

batchnorm_channel chan(size_t C, size_t T, size_t c) { return batchnorm_channel{1, C, T, c}; }

// ----------------------------------------------------------------------------
// the case: one (C, T) and one mask

struct test_batchnorm_dev : test_case {
    size_t    C, T;
    mask_kind mask;
    uint64_t  seed;

    test_batchnorm_dev(size_t channels, size_t length, mask_kind m, uint64_t first_seed) :
        C(channels), T(length), mask(m), seed(first_seed) {}

    std::string name() const override {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "device (C%zu, T%zu)%s", C, T, mask_name(mask));
        return buf;
    }
    bool   supports(test_backend b) const override { return device_backend(b); }
    double max_nmse_err() const override { return BN_DEV_MAX_NMSE; }

    void check_values(test_backend b) override {
        const size_t n        = C * T;
        const bool   train_ok = T >= 2 || mask != mask_kind::none; // batch statistics possible
        // inputs: an offset and a spread per channel, so mean and variance both matter
        std::vector<float> x = random_floats(n, seed, -1.0, 3.0);
        for (size_t i = 0; i < n; i++) {
            x[i] *= 0.5f + static_cast<float>((i / T) % 4);
        }
        const std::vector<float> gamma = random_floats(C, seed + 1, 0.5, 1.5);
        const std::vector<float> beta  = random_floats(C, seed + 2);
        const std::vector<float> rm0   = random_floats(C, seed + 3);
        const std::vector<float> rv0   = random_floats(C, seed + 4, 0.5, 2.0);
        const std::vector<float> dy    = random_floats(n, seed + 5);
        const std::vector<float> xt    = random_floats(n, seed + 6);
        const std::vector<float> r     = random_floats(n, seed + 7);
        const std::vector<float> dg0   = random_floats(C, seed + 8); // nonzero += starts
        const std::vector<float> db0   = random_floats(C, seed + 9);
        const std::vector<unsigned char> valid_host = batchnorm_mask(mask, T);
        const unsigned char * cpu_valid = mask == mask_kind::none ? nullptr : valid_host.data();

        dev_buffer d_x(b, x), d_gamma(b, gamma), d_beta(b, beta), d_dy(b, dy), d_xt(b, xt),
            d_r(b, r);
        dev_bytes            d_valid_bytes(b, valid_host);
        const unsigned char * d_valid = mask == mask_kind::none ? nullptr : d_valid_bytes.data();

        if (train_ok) {
            check_train(b, x, gamma, beta, rm0, rv0, dy, xt, r, dg0, db0, cpu_valid, d_x, d_gamma,
                        d_beta, d_dy, d_xt, d_r, d_valid);
        }
        if (mask == mask_kind::none) {
            check_eval(b, x, gamma, beta, rm0, rv0, dy, dg0, db0, d_x, d_gamma, d_beta, d_dy);
        }
    }

    void check_train(test_backend b, const std::vector<float> & x, const std::vector<float> & gamma,
                     const std::vector<float> & beta, const std::vector<float> & rm0,
                     const std::vector<float> & rv0, const std::vector<float> & dy,
                     const std::vector<float> & xt, const std::vector<float> & r,
                     const std::vector<float> & dg0, const std::vector<float> & db0,
                     const unsigned char * cpu_valid, dev_buffer & d_x, dev_buffer & d_gamma,
                     dev_buffer & d_beta, dev_buffer & d_dy, dev_buffer & d_xt, dev_buffer & d_r,
                     const unsigned char * d_valid) {
        const size_t n = C * T;
        // running statistics with one valid sample: the unbiased variance divides by 0 (NaN on
        // both sides), so that mask runs without them
        const bool running = mask != mask_kind::one;

        // ---- CPU reference: the float channel loops
        std::vector<float> y(n), sm(C), si(C), rm = rm0, rv = rv0;
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_forward_channel(x.data(), y.data(), chan(C, T, c), gamma[c], beta[c],
                                            static_cast<double>(EPS),
                                            static_cast<double>(MOMENTUM), &sm[c], &si[c],
                                            running ? &rm[c] : nullptr,
                                            running ? &rv[c] : nullptr, cpu_valid);
        }
        std::vector<float> dx(n), dg = dg0, db = db0;
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_backward_channel(dy.data(), x.data(), dx.data(), chan(C, T, c),
                                             gamma[c], sm[c], si[c], &dg[c], &db[c], cpu_valid);
        }
        std::vector<float> yt(n);
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_jvp_channel(x.data(), xt.data(), yt.data(), chan(C, T, c), gamma[c],
                                        sm[c], si[c], cpu_valid);
        }
        std::vector<float> jdx(n), jdxt(n), jdg = dg0;
        for (size_t c = 0; c < C; c++) {
            batchnorm_train_jvp_backward_channel(r.data(), x.data(), xt.data(), jdx.data(),
                                                 jdxt.data(), chan(C, T, c), gamma[c], sm[c],
                                                 si[c], &jdg[c], cpu_valid);
        }

        // ---- forward, with and without running statistics; rerun bitwise
        for (int run = 0; run < 2; run++) {
            dev_buffer d_y(b, n), d_sm(b, C), d_si(b, C), d_rm(b, rm0), d_rv(b, rv0);
            CHECK(DEV_CALL(b, batchnorm_train_forward_dev, d_x.data(), d_gamma.data(),
                           d_beta.data(), running ? d_rm.data() : nullptr,
                           running ? d_rv.data() : nullptr, d_sm.data(), d_si.data(), d_y.data(),
                           C, T, d_valid, MOMENTUM, EPS, nullptr) == NN_STATUS_OK);
            const std::vector<float> got_y = d_y.download(), got_sm = d_sm.download(),
                                     got_si = d_si.download();
            check_close("train forward y", got_y, y, BN_DEV_MAX_NMSE);
            check_close("train forward mean", got_sm, sm, BN_DEV_MAX_NMSE);
            check_close("train forward invstd", got_si, si, BN_DEV_MAX_NMSE);
            const std::vector<float> got_rm = d_rm.download(), got_rv = d_rv.download();
            if (running) {
                check_close("running mean", got_rm, rm, BN_DEV_MAX_NMSE);
                check_close("running var", got_rv, rv, BN_DEV_MAX_NMSE);
            } else {
                CHECK(same_bits(got_rm, rm0) && same_bits(got_rv, rv0)); // untouched
            }
            CHECK(d_y.guards_intact() && d_sm.guards_intact() && d_si.guards_intact() &&
                  d_rm.guards_intact() && d_rv.guards_intact());
            if (run == 0) {
                dev_buffer d_y2(b, n), d_sm2(b, C), d_si2(b, C);
                CHECK(DEV_CALL(b, batchnorm_train_forward_dev, d_x.data(), d_gamma.data(),
                               d_beta.data(), nullptr, nullptr, d_sm2.data(), d_si2.data(),
                               d_y2.data(), C, T, d_valid, MOMENTUM, EPS,
                               nullptr) == NN_STATUS_OK);
                CHECK(same_bits(d_y2.download(), got_y) && same_bits(d_sm2.download(), got_sm) &&
                      same_bits(d_si2.download(), got_si));
            }
        }

        // the backward passes read the CPU's saved statistics, so each is checked on its own
        dev_buffer d_sm(b, sm), d_si(b, si);

        // ---- train backward: dx written, dgamma / dbeta added; nulls skipped; rerun bitwise
        {
            dev_buffer d_dx(b, n), d_dg(b, dg0), d_db(b, db0);
            CHECK(DEV_CALL(b, batchnorm_train_backward_dev, d_dy.data(), d_x.data(),
                           d_gamma.data(), d_sm.data(), d_si.data(), d_dx.data(), d_dg.data(),
                           d_db.data(), C, T, d_valid, nullptr) == NN_STATUS_OK);
            const std::vector<float> got_dx = d_dx.download();
            check_close("train backward dx", got_dx, dx, BN_DEV_MAX_NMSE);
            check_close("train backward dgamma +=", d_dg.download(), dg, BN_DEV_MAX_NMSE);
            check_close("train backward dbeta +=", d_db.download(), db, BN_DEV_MAX_NMSE);
            CHECK(d_dx.guards_intact() && d_dg.guards_intact() && d_db.guards_intact());
            dev_buffer d_dx2(b, n);
            CHECK(DEV_CALL(b, batchnorm_train_backward_dev, d_dy.data(), d_x.data(),
                           d_gamma.data(), d_sm.data(), d_si.data(), d_dx2.data(), nullptr,
                           nullptr, C, T, d_valid, nullptr) == NN_STATUS_OK);
            CHECK(same_bits(d_dx2.download(), got_dx));
            dev_buffer d_dg2(b, dg0);
            CHECK(DEV_CALL(b, batchnorm_train_backward_dev, d_dy.data(), d_x.data(),
                           d_gamma.data(), d_sm.data(), d_si.data(), nullptr, d_dg2.data(),
                           nullptr, C, T, d_valid, nullptr) == NN_STATUS_OK);
            CHECK(same_bits(d_dg2.download(), d_dg.download()));
        }

        // ---- JVP
        {
            dev_buffer d_yt(b, n), d_yt2(b, n);
            for (dev_buffer * out : {&d_yt, &d_yt2}) {
                CHECK(DEV_CALL(b, batchnorm_train_jvp_dev, d_x.data(), d_xt.data(),
                               d_gamma.data(), d_sm.data(), d_si.data(), out->data(), C, T,
                               d_valid, nullptr) == NN_STATUS_OK);
            }
            const std::vector<float> got = d_yt.download();
            check_close("jvp yt", got, yt, BN_DEV_MAX_NMSE);
            CHECK(same_bits(got, d_yt2.download()));
            CHECK(d_yt.guards_intact());
        }

        // ---- JVP reverse
        {
            dev_buffer d_dx(b, n), d_dxt(b, n), d_dg(b, dg0);
            CHECK(DEV_CALL(b, batchnorm_train_jvp_backward_dev, d_r.data(), d_x.data(),
                           d_xt.data(), d_gamma.data(), d_sm.data(), d_si.data(), d_dx.data(),
                           d_dxt.data(), d_dg.data(), C, T, d_valid, nullptr) == NN_STATUS_OK);
            const std::vector<float> got_dx = d_dx.download(), got_dxt = d_dxt.download();
            check_close("jvp backward dx", got_dx, jdx, BN_DEV_MAX_NMSE);
            check_close("jvp backward dxt", got_dxt, jdxt, BN_DEV_MAX_NMSE);
            check_close("jvp backward dgamma +=", d_dg.download(), jdg, BN_DEV_MAX_NMSE);
            CHECK(d_dx.guards_intact() && d_dxt.guards_intact() && d_dg.guards_intact());
            dev_buffer d_dx2(b, n), d_dxt2(b, n);
            CHECK(DEV_CALL(b, batchnorm_train_jvp_backward_dev, d_r.data(), d_x.data(),
                           d_xt.data(), d_gamma.data(), d_sm.data(), d_si.data(), d_dx2.data(),
                           d_dxt2.data(), nullptr, C, T, d_valid, nullptr) == NN_STATUS_OK);
            CHECK(same_bits(d_dx2.download(), got_dx) && same_bits(d_dxt2.download(), got_dxt));
        }
    }

    void check_eval(test_backend b, const std::vector<float> & x, const std::vector<float> & gamma,
                    const std::vector<float> & beta, const std::vector<float> & rm,
                    const std::vector<float> & rv, const std::vector<float> & dy,
                    const std::vector<float> & dg0, const std::vector<float> & db0,
                    dev_buffer & d_x, dev_buffer & d_gamma, dev_buffer & d_beta,
                    dev_buffer & d_dy) {
        const size_t       n = C * T;
        std::vector<float> y(n), dx(n), dg = dg0, db = db0;
        for (size_t c = 0; c < C; c++) {
            batchnorm_eval_forward_channel(x.data(), y.data(), chan(C, T, c), gamma[c], beta[c],
                                           rm[c], rv[c], static_cast<double>(EPS));
            batchnorm_eval_backward_channel(dy.data(), x.data(), dx.data(), chan(C, T, c),
                                            gamma[c], rm[c], rv[c], static_cast<double>(EPS),
                                            &dg[c], &db[c]);
        }
        dev_buffer d_rm(b, rm), d_rv(b, rv);
        dev_buffer d_y(b, n), d_y2(b, n);
        for (dev_buffer * out : {&d_y, &d_y2}) {
            CHECK(DEV_CALL(b, batchnorm_eval_forward_dev, d_x.data(), d_gamma.data(),
                           d_beta.data(), d_rm.data(), d_rv.data(), out->data(), C, T, EPS,
                           nullptr) == NN_STATUS_OK);
        }
        const std::vector<float> got_y = d_y.download();
        check_close("eval forward y", got_y, y, BN_DEV_MAX_NMSE);
        CHECK(same_bits(got_y, d_y2.download()) && d_y.guards_intact());

        dev_buffer d_dx(b, n), d_dg(b, dg0), d_db(b, db0);
        CHECK(DEV_CALL(b, batchnorm_eval_backward_dev, d_dy.data(), d_x.data(), d_gamma.data(),
                       d_rm.data(), d_rv.data(), d_dx.data(), d_dg.data(), d_db.data(), C, T, EPS,
                       nullptr) == NN_STATUS_OK);
        const std::vector<float> got_dx = d_dx.download();
        check_close("eval backward dx", got_dx, dx, BN_DEV_MAX_NMSE);
        check_close("eval backward dgamma +=", d_dg.download(), dg, BN_DEV_MAX_NMSE);
        check_close("eval backward dbeta +=", d_db.download(), db, BN_DEV_MAX_NMSE);
        CHECK(d_dx.guards_intact() && d_dg.guards_intact() && d_db.guards_intact());
        dev_buffer d_dx2(b, n);
        CHECK(DEV_CALL(b, batchnorm_eval_backward_dev, d_dy.data(), d_x.data(), d_gamma.data(),
                       d_rm.data(), d_rv.data(), d_dx2.data(), nullptr, nullptr, C, T, EPS,
                       nullptr) == NN_STATUS_OK);
        CHECK(same_bits(d_dx2.download(), got_dx));
    }
};

// ----------------------------------------------------------------------------
// argument checks: INVALID_ARGUMENT with the entry point's name, nothing written

void expect_invalid(nn_status status, const char * what, const char * op) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void check_arguments(test_backend b) {
    const size_t C = 3, T = 4;
    dev_buffer   x(b, random_floats(C * T, 1)), p(b, std::vector<float>(C, 1.0f));
    dev_buffer   y(b, C * T), sm(b, C), si(b, C), rm(b, std::vector<float>(C, 0.0f));
    dev_buffer   rv(b, std::vector<float>(C, 1.0f));
    const char * fwd = "batchnorm_train_forward_dev";
    expect_invalid(DEV_CALL(b, batchnorm_train_forward_dev, nullptr, p.data(), p.data(), rm.data(),
                            rv.data(), sm.data(), si.data(), y.data(), C, T, nullptr, MOMENTUM,
                            EPS, nullptr),
                   "null x", fwd);
    expect_invalid(DEV_CALL(b, batchnorm_train_forward_dev, x.data(), p.data(), p.data(),
                            rm.data(), nullptr, sm.data(), si.data(), y.data(), C, T, nullptr,
                            MOMENTUM, EPS, nullptr),
                   "rvar null, rmean not", fwd);
    expect_invalid(DEV_CALL(b, batchnorm_train_forward_dev, x.data(), p.data(), p.data(),
                            rm.data(), rv.data(), sm.data(), si.data(), y.data(), C, 1, nullptr,
                            MOMENTUM, EPS, nullptr),
                   "T = 1 unmasked", fwd);
    CHECK(std::strstr(nn_last_error(), "more than 1 value") != nullptr);
    expect_invalid(DEV_CALL(b, batchnorm_train_forward_dev, x.data(), p.data(), p.data(),
                            rm.data(), rv.data(), sm.data(), si.data(), y.data(), 0, T, nullptr,
                            MOMENTUM, EPS, nullptr),
                   "C = 0", fwd);
    expect_invalid(DEV_CALL(b, batchnorm_train_forward_dev, x.data(), p.data(), p.data(),
                            rm.data(), rv.data(), sm.data(), si.data(), y.data(), C, T, nullptr,
                            1.5f, EPS, nullptr),
                   "momentum 1.5", fwd);
    expect_invalid(DEV_CALL(b, batchnorm_train_forward_dev, x.data(), p.data(), p.data(),
                            rm.data(), rv.data(), sm.data(), si.data(), y.data(), C, T, nullptr,
                            MOMENTUM, 0.0f, nullptr),
                   "eps 0", fwd);
    expect_invalid(DEV_CALL(b, batchnorm_train_backward_dev, x.data(), x.data(), p.data(),
                            sm.data(), si.data(), nullptr, nullptr, nullptr, C, T, nullptr,
                            nullptr),
                   "no gradient asked", "batchnorm_train_backward_dev");
    expect_invalid(DEV_CALL(b, batchnorm_eval_forward_dev, x.data(), p.data(), p.data(), rm.data(),
                            rv.data(), y.data(), C, 0, EPS, nullptr),
                   "T = 0", "batchnorm_eval_forward_dev");
    expect_invalid(DEV_CALL(b, batchnorm_eval_backward_dev, x.data(), x.data(), p.data(),
                            rm.data(), rv.data(), y.data(), nullptr, nullptr, C, T, NAN, nullptr),
                   "eps NaN", "batchnorm_eval_backward_dev");
    expect_invalid(DEV_CALL(b, batchnorm_train_jvp_dev, x.data(), nullptr, p.data(), sm.data(),
                            si.data(), y.data(), C, T, nullptr, nullptr),
                   "null xt", "batchnorm_train_jvp_dev");
    expect_invalid(DEV_CALL(b, batchnorm_train_jvp_backward_dev, x.data(), x.data(), x.data(),
                            p.data(), sm.data(), si.data(), nullptr, nullptr, nullptr, C, T,
                            nullptr, nullptr),
                   "jvp backward: no gradient asked", "batchnorm_train_jvp_backward_dev");
    // nothing was written: the outputs still hold their poison / start values
    const std::vector<float> got_y = y.download(), got_rm = rm.download();
    CHECK(std::isnan(got_y[0]) && std::isnan(got_y[C * T - 1]) && got_rm[0] == 0.0f);
}

struct test_batchnorm_dev_arguments : test_case {
    std::string name() const override { return "device argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    void        check_values(test_backend b) override { check_arguments(b); }
};

} // namespace

NN_TEST_CASES(batchnorm) {
    cases.add<test_batchnorm_dev_arguments>();
    // every mask at C = 1 and 3; C = 17 (not a multiple of a warp) at fewer lengths: the
    // simulator runs 17 blocks of 256 fibers per launch; two long channels for the wide block
    struct shape {
        size_t    C, T;
        mask_kind m;
    };
    const mask_kind none = mask_kind::none, some = mask_kind::some, one = mask_kind::one;
    const shape     shapes[] = {{1, 1, none},   {1, 2, none},   {1, 2, one},    {1, 17, none},
                                {1, 17, some},  {1, 17, one},   {1, 300, none}, {1, 300, some},
                                {1, 300, one},  {3, 1, none},   {3, 2, none},   {3, 2, some},
                                {3, 17, some},  {3, 17, one},   {3, 300, none}, {3, 300, some},
                                {17, 1, none},  {17, 17, some}, {17, 300, none},
                                // the wide block (cuda/batchnorm.cuh: T >= 4096)
                                {1, 4096, none}, {2, 4099, some}};
    uint64_t        seed     = 900;
    for (const shape & s : shapes) {
        cases.add<test_batchnorm_dev>(s.C, s.T, s.m, seed);
        seed += 11;
    }
}
