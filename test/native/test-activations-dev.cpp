// test-activations-dev.cpp: the device activation kernels (cuda/activations.cu) on the simulator
// and on CUDA, against the CPU loops (cpu/activations-impl.h in float: what the *_cpu entry
// points compute).
//   test (cuda, sim)  per n: LeakyReLU forward / backward (bit-exact: the same compare and
//                     product), the gated unit forward / backward (NMSE: the target's tanhf and
//                     expf), each output alone (the other null), NaN-poisoned guarded outputs,
//                     bitwise-identical reruns, x = 0 on the slope side; argument checks

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/activations-impl.h"
#include "cuda/device-ops.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

/** The gated unit: CUDA's tanhf / expf are within 2 ulp of glibc's (the simulator runs glibc's
 * own: exact there). The forward is a product, a few ulp: NMSE ~1e-13. The backward's
 * 1 - tanh(a)^2 cancels for large |a|: a few ulp of tanh there are ~1e-7 absolute on a factor
 * down to 1e-3, which for a in [-4, 4] bounds the NMSE near 1e-12; 1e-10 leaves room, and a
 * wrong term still gives 1e-3 and above. */
constexpr double ACT_DEV_MAX_NMSE = 1e-10;
constexpr float  SLOPE            = 0.2f;

struct test_activations_dev : test_case {
    size_t   n;
    uint64_t seed;

    test_activations_dev(size_t count, uint64_t first_seed) : n(count), seed(first_seed) {}

    std::string name() const override { return "device n = " + std::to_string(n); }
    bool        supports(test_backend b) const override { return device_backend(b); }
    double      max_nmse_err() const override { return ACT_DEV_MAX_NMSE; }

    void check_values(test_backend b) override {
        std::vector<float> x = random_floats(n, seed, -4.0, 4.0);
        x[0]                 = 0.0f; // the kink: the slope side, as PyTorch
        if (n > 2) {
            x[2] = -0.0f;
        }
        const std::vector<float> a    = random_floats(n, seed + 1, -4.0, 4.0);
        const std::vector<float> bb   = random_floats(n, seed + 2, -6.0, 6.0);
        const std::vector<float> dout = random_floats(n, seed + 3);
        std::vector<float>       y(n), dx(n), out(n), da(n), db(n);
        leaky_relu_forward_span(x.data(), y.data(), n, SLOPE);
        leaky_relu_backward_span(dout.data(), x.data(), dx.data(), n, SLOPE);
        gated_unit_forward_span(a.data(), bb.data(), out.data(), n);
        gated_unit_backward_span(dout.data(), a.data(), bb.data(), da.data(), db.data(), n);

        dev_buffer d_x(b, x), d_a(b, a), d_b(b, bb), d_dout(b, dout);
        {
            dev_buffer d_y(b, n), d_y2(b, n), d_dx(b, n), d_dx2(b, n);
            for (dev_buffer * o : {&d_y, &d_y2}) {
                CHECK(DEV_CALL(b, leaky_relu_forward_dev, d_x.data(), o->data(), n, SLOPE,
                               nullptr) == NN_STATUS_OK);
            }
            for (dev_buffer * o : {&d_dx, &d_dx2}) {
                CHECK(DEV_CALL(b, leaky_relu_backward_dev, d_dout.data(), d_x.data(), o->data(), n,
                               SLOPE, nullptr) == NN_STATUS_OK);
            }
            const std::vector<float> got_y = d_y.download(), got_dx = d_dx.download();
            CHECK(same_bits(got_y, y));   // exact: one compare, one float product
            CHECK(same_bits(got_dx, dx));
            CHECK(same_bits(d_y2.download(), got_y) && same_bits(d_dx2.download(), got_dx));
            CHECK(d_y.guards_intact() && d_dx.guards_intact());
        }
        {
            dev_buffer d_out(b, n), d_out2(b, n);
            for (dev_buffer * o : {&d_out, &d_out2}) {
                CHECK(DEV_CALL(b, gated_unit_forward_dev, d_a.data(), d_b.data(), o->data(), n,
                               nullptr) == NN_STATUS_OK);
            }
            const std::vector<float> got = d_out.download();
            check_close("gated forward", got, out, ACT_DEV_MAX_NMSE);
            CHECK(same_bits(d_out2.download(), got) && d_out.guards_intact());

            dev_buffer d_da(b, n), d_db(b, n), d_da2(b, n), d_db2(b, n);
            CHECK(DEV_CALL(b, gated_unit_backward_dev, d_dout.data(), d_a.data(), d_b.data(),
                           d_da.data(), d_db.data(), n, nullptr) == NN_STATUS_OK);
            const std::vector<float> got_da = d_da.download(), got_db = d_db.download();
            check_close("gated backward da", got_da, da, ACT_DEV_MAX_NMSE);
            check_close("gated backward db", got_db, db, ACT_DEV_MAX_NMSE);
            CHECK(d_da.guards_intact() && d_db.guards_intact());
            CHECK(DEV_CALL(b, gated_unit_backward_dev, d_dout.data(), d_a.data(), d_b.data(),
                           d_da2.data(), nullptr, n, nullptr) == NN_STATUS_OK);
            CHECK(DEV_CALL(b, gated_unit_backward_dev, d_dout.data(), d_a.data(), d_b.data(),
                           nullptr, d_db2.data(), n, nullptr) == NN_STATUS_OK);
            CHECK(same_bits(d_da2.download(), got_da) && same_bits(d_db2.download(), got_db));
        }
    }
};

void expect_invalid(nn_status status, const char * what, const char * op) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

struct test_activations_dev_arguments : test_case {
    std::string name() const override { return "device argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    void        check_values(test_backend b) override {
        dev_buffer x(b, random_floats(8, 1)), y(b, 8);
        expect_invalid(DEV_CALL(b, leaky_relu_forward_dev, nullptr, y.data(), 8, SLOPE, nullptr),
                       "null x", "leaky_relu_forward_dev");
        expect_invalid(DEV_CALL(b, leaky_relu_forward_dev, x.data(), y.data(), 0, SLOPE, nullptr),
                       "n = 0", "leaky_relu_forward_dev");
        expect_invalid(DEV_CALL(b, leaky_relu_backward_dev, x.data(), x.data(), y.data(), 8, NAN,
                                nullptr),
                       "slope NaN", "leaky_relu_backward_dev");
        expect_invalid(DEV_CALL(b, gated_unit_forward_dev, x.data(), nullptr, y.data(), 8, nullptr),
                       "null b", "gated_unit_forward_dev");
        expect_invalid(DEV_CALL(b, gated_unit_backward_dev, x.data(), x.data(), x.data(), nullptr,
                                nullptr, 8, nullptr),
                       "da and db null", "gated_unit_backward_dev");
        const std::vector<float> got = y.download();
        CHECK(std::isnan(got[0]) && std::isnan(got[7])); // nothing written
    }
};

} // namespace

NN_TEST_CASES(activations) {
    cases.add<test_activations_dev_arguments>();
    uint64_t seed = 500;
    for (const size_t n : {1, 2, 17, 300, 4099}) {
        cases.add<test_activations_dev>(n, seed);
        seed += 7;
    }
}
