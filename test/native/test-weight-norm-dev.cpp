// test-weight-norm-dev.cpp: the device weight-norm kernels (cuda/weight-norm.cu) on the
// simulator and on CUDA, against the CPU loops (cpu/weight-norm-impl.h in float: what
// weight_norm_*_cpu run).
//   test (cuda, sim)  per (C_out, C_in, K): forward w, backward dv and dg accumulated (+=) onto
//                     nonzero starts, either one alone (the other null), NaN-poisoned guarded
//                     outputs, bitwise-identical reruns; argument checks
// Sizes stay small: the simulator runs every thread of a block as a fiber.

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/weight-norm-impl.h"
#include "cuda/device-ops.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

/** Device vs CPU float loops: norms and dot products in double on both sides, a different
 * summation order (~1e-16 relative) before the float rounding: NMSE ~1e-15 at most. */
constexpr double WN_DEV_MAX_NMSE = 1e-12;

struct test_weight_norm_dev : test_case {
    size_t   C_out, C_in, K;
    uint64_t seed;

    test_weight_norm_dev(size_t c_out, size_t c_in, size_t k, uint64_t first_seed) :
        C_out(c_out), C_in(c_in), K(k), seed(first_seed) {}

    std::string name() const override {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "device (C_out%zu, C_in%zu, K%zu)", C_out, C_in, K);
        return buf;
    }
    bool   supports(test_backend b) const override { return device_backend(b); }
    double max_nmse_err() const override { return WN_DEV_MAX_NMSE; }

    void check_values(test_backend b) override {
        const size_t             row = C_in * K, n = C_out * row;
        const std::vector<float> v   = random_floats(n, seed);
        const std::vector<float> g   = random_floats(C_out, seed + 1, 0.5, 2.0);
        const std::vector<float> dw  = random_floats(n, seed + 2);
        const std::vector<float> dv0 = random_floats(n, seed + 3); // nonzero += starts
        const std::vector<float> dg0 = random_floats(C_out, seed + 4);
        std::vector<float>       w(n), dv = dv0, dg = dg0;
        weight_norm_forward_ref(v.data(), g.data(), w.data(), C_out, row);
        weight_norm_backward_ref(dw.data(), v.data(), g.data(), dv.data(), dg.data(), C_out, row);

        dev_buffer d_v(b, v), d_g(b, g), d_dw(b, dw);
        dev_buffer d_w(b, n), d_w2(b, n);
        for (dev_buffer * out : {&d_w, &d_w2}) {
            CHECK(DEV_CALL(b, weight_norm_forward_dev, d_v.data(), d_g.data(), out->data(), C_out,
                           row, nullptr) == NN_STATUS_OK);
        }
        const std::vector<float> got_w = d_w.download();
        check_close("forward w", got_w, w, WN_DEV_MAX_NMSE);
        CHECK(same_bits(got_w, d_w2.download()) && d_w.guards_intact());

        dev_buffer d_dv(b, dv0), d_dg(b, dg0);
        CHECK(DEV_CALL(b, weight_norm_backward_dev, d_dw.data(), d_v.data(), d_g.data(),
                       d_dv.data(), d_dg.data(), C_out, row, nullptr) == NN_STATUS_OK);
        const std::vector<float> got_dv = d_dv.download(), got_dg = d_dg.download();
        check_close("backward dv +=", got_dv, dv, WN_DEV_MAX_NMSE);
        check_close("backward dg +=", got_dg, dg, WN_DEV_MAX_NMSE);
        CHECK(d_dv.guards_intact() && d_dg.guards_intact());
        // one gradient at a time: the same bits as together (rerun included)
        dev_buffer d_dv2(b, dv0), d_dg2(b, dg0);
        CHECK(DEV_CALL(b, weight_norm_backward_dev, d_dw.data(), d_v.data(), d_g.data(),
                       d_dv2.data(), nullptr, C_out, row, nullptr) == NN_STATUS_OK);
        CHECK(DEV_CALL(b, weight_norm_backward_dev, d_dw.data(), d_v.data(), d_g.data(), nullptr,
                       d_dg2.data(), C_out, row, nullptr) == NN_STATUS_OK);
        CHECK(same_bits(d_dv2.download(), got_dv) && same_bits(d_dg2.download(), got_dg));
    }
};

void expect_invalid(nn_status status, const char * what, const char * op) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

struct test_weight_norm_dev_arguments : test_case {
    std::string name() const override { return "device argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    void        check_values(test_backend b) override {
        dev_buffer v(b, random_floats(6, 1)), g(b, std::vector<float>(2, 1.0f)), w(b, 6);
        const char * fwd = "weight_norm_forward_dev", * bwd = "weight_norm_backward_dev";
        expect_invalid(DEV_CALL(b, weight_norm_forward_dev, nullptr, g.data(), w.data(), 2, 3,
                                nullptr),
                       "null v", fwd);
        expect_invalid(DEV_CALL(b, weight_norm_forward_dev, v.data(), g.data(), w.data(), 0, 3,
                                nullptr),
                       "C_out = 0", fwd);
        expect_invalid(DEV_CALL(b, weight_norm_forward_dev, v.data(), g.data(), w.data(), 2, 0,
                                nullptr),
                       "row = 0", fwd);
        expect_invalid(DEV_CALL(b, weight_norm_backward_dev, v.data(), v.data(), g.data(), nullptr,
                                nullptr, 2, 3, nullptr),
                       "dv and dg null", bwd);
        expect_invalid(DEV_CALL(b, weight_norm_backward_dev, nullptr, v.data(), g.data(), w.data(),
                                nullptr, 2, 3, nullptr),
                       "null dw", bwd);
        const std::vector<float> got = w.download();
        CHECK(std::isnan(got[0]) && std::isnan(got[5])); // nothing written
    }
};

} // namespace

NN_TEST_CASES(weight_norm) {
    cases.add<test_weight_norm_dev_arguments>();
    cases.add<test_weight_norm_dev>(1, 1, 1, 700);   // one element
    cases.add<test_weight_norm_dev>(3, 1, 3, 710);   // rows shorter than a warp
    cases.add<test_weight_norm_dev>(17, 5, 9, 720);  // 45 a row: a partial second warp
    cases.add<test_weight_norm_dev>(2, 17, 9, 730);  // 153: more than one block stride
    cases.add<test_weight_norm_dev>(5, 96, 9, 740);  // 864: a C = 96, K = 9 NormConv1d row
}
