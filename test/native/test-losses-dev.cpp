// test-losses-dev.cpp: the device loss kernels (cuda/losses.cu) on the simulator and on CUDA,
// against the CPU: losses-impl.h's loops (what the *_cpu entry points compute), and for the
// masked variants caw_critic_mean_masked's and caw-trainer.cpp's inpainting-branch formulas.
//   test (cuda, sim)  per n and mask (none, some zeros, all zero but one): critic mean forward /
//                     backward (plain and masked), MSE forward / backward (plain and masked),
//                     the gradient penalty forward / backward (with zeros in g), axpy; scalars
//                     written to device memory, NaN-poisoned guarded outputs, bitwise-identical
//                     reruns; argument checks

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/losses-impl.h"
#include "cuda/device-ops.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

/** Sums in double on both sides in different orders (~1e-16 relative), one float rounding:
 * a scalar is within 1 ulp (NMSE ~1e-14); elementwise outputs are the same double formula
 * (FMA contraction on CUDA at most). */
constexpr double LOSS_DEV_MAX_NMSE = 1e-12;
constexpr float  LAMBDA            = 0.01f;

struct test_losses_dev : test_case {
    size_t    n;
    mask_kind mask;
    uint64_t  seed;

    test_losses_dev(size_t count, mask_kind m, uint64_t first_seed) :
        n(count), mask(m), seed(first_seed) {}

    std::string name() const override {
        return "device n = " + std::to_string(n) + mask_name(mask);
    }
    bool   supports(test_backend b) const override { return device_backend(b); }
    double max_nmse_err() const override { return LOSS_DEV_MAX_NMSE; }

    // Runs a scalar-output entry point twice: the scalar against ref, the two runs' bits equal.
    template <typename Call>
    void check_scalar(test_backend b, const char * what, float ref, const Call & call) {
        dev_buffer out(b, 1), again(b, 1);
        CHECK(call(out.data()) == NN_STATUS_OK);
        CHECK(call(again.data()) == NN_STATUS_OK);
        const std::vector<float> got = out.download();
        check_close(what, got, {ref}, LOSS_DEV_MAX_NMSE);
        CHECK(same_bits(got, again.download()) && out.guards_intact());
    }

    // Runs an (n)-output entry point twice: against ref, the two runs' bits equal.
    template <typename Call>
    void check_vector(test_backend b, const char * what, const std::vector<float> & ref,
                      const Call & call) {
        dev_buffer out(b, ref.size()), again(b, ref.size());
        CHECK(call(out.data()) == NN_STATUS_OK);
        CHECK(call(again.data()) == NN_STATUS_OK);
        const std::vector<float> got = out.download();
        check_close(what, got, ref, LOSS_DEV_MAX_NMSE);
        CHECK(same_bits(got, again.download()) && out.guards_intact());
    }

    void check_values(test_backend b) override {
        const std::vector<float>         d = random_floats(n, seed, -2.0, 3.0);
        const std::vector<float>         x = random_floats(n, seed + 1);
        const std::vector<float>         y = random_floats(n, seed + 2);
        const std::vector<unsigned char> valid = make_mask(mask, n);
        const bool                       masked = mask != mask_kind::none;
        dev_buffer                       d_d(b, d), d_x(b, x), d_y(b, y);
        dev_bytes                        d_valid_bytes(b, valid);
        const unsigned char * d_valid = masked ? d_valid_bytes.data() : nullptr;
        size_t                n_valid = 0;
        for (const unsigned char v : valid) {
            n_valid += v != 0 ? 1 : 0;
        }

        // ---- critic mean
        const float dout = -1.0f;
        if (!masked) {
            const float ref = static_cast<float>(loss_sum(d.data(), n) / static_cast<double>(n));
            check_scalar(b, "critic mean", ref, [&](float * out) {
                return DEV_CALL(b, critic_mean_forward_dev, d_d.data(), n, out, nullptr);
            });
            const std::vector<float> dd(
                n, static_cast<float>(static_cast<double>(dout) / static_cast<double>(n)));
            check_vector(b, "critic mean backward", dd, [&](float * out) {
                return DEV_CALL(b, critic_mean_backward_dev, dout, out, n, nullptr);
            });
        } else { // caw_critic_mean_masked
            double sum = 0.0;
            for (size_t i = 0; i < n; i++) {
                sum += valid[i] != 0 ? static_cast<double>(d[i]) : 0.0;
            }
            const float ref = static_cast<float>(sum / static_cast<double>(n_valid));
            check_scalar(b, "critic mean masked", ref, [&](float * out) {
                return DEV_CALL(b, critic_mean_masked_forward_dev, d_d.data(), d_valid, n, out,
                                nullptr);
            });
            const float value =
                static_cast<float>(static_cast<double>(dout) / static_cast<double>(n_valid));
            std::vector<float> dd(n);
            for (size_t i = 0; i < n; i++) {
                dd[i] = valid[i] != 0 ? value : 0.0f;
            }
            check_vector(b, "critic masked backward", dd, [&](float * out) {
                return DEV_CALL(b, critic_mean_masked_backward_dev, dout, d_valid, out, n,
                                nullptr);
            });
        }

        // ---- MSE (the trainer passes alpha1 as dloss)
        const float alpha1 = 10.0f;
        if (!masked) {
            const float ref =
                static_cast<float>(mse_sum_squares(x.data(), y.data(), n) / static_cast<double>(n));
            check_scalar(b, "mse", ref, [&](float * out) {
                return DEV_CALL(b, mse_forward_dev, d_x.data(), d_y.data(), nullptr, n, out,
                                nullptr);
            });
            std::vector<float> dx(n);
            mse_backward_values(x.data(), y.data(), dx.data(), static_cast<float *>(nullptr), n,
                                static_cast<double>(alpha1) * 2.0 / static_cast<double>(n));
            check_vector(b, "mse backward", dx, [&](float * out) {
                return DEV_CALL(b, mse_backward_dev, d_x.data(), d_y.data(), nullptr, n, alpha1,
                                out, nullptr);
            });
        } else { // caw-trainer.cpp's inpainting branch
            double sq = 0.0;
            for (size_t i = 0; i < n; i++) {
                const double e = static_cast<double>(x[i]) - static_cast<double>(y[i]);
                sq += valid[i] != 0 ? e * e : 0.0;
            }
            const float ref = static_cast<float>(sq / static_cast<double>(n_valid));
            check_scalar(b, "mse masked", ref, [&](float * out) {
                return DEV_CALL(b, mse_forward_dev, d_x.data(), d_y.data(), d_valid, n, out,
                                nullptr);
            });
            const float k2 = static_cast<float>(2.0 * alpha1 / static_cast<double>(n_valid));
            std::vector<float> dx(n);
            for (size_t i = 0; i < n; i++) {
                dx[i] = valid[i] != 0 ? k2 * (x[i] - y[i]) : 0.0f;
            }
            check_vector(b, "mse masked backward", dx, [&](float * out) {
                return DEV_CALL(b, mse_backward_dev, d_x.data(), d_y.data(), d_valid, n, alpha1,
                                out, nullptr);
            });
            dev_buffer out(b, n); // exact zeros outside the valid samples
            CHECK(DEV_CALL(b, mse_backward_dev, d_x.data(), d_y.data(), d_valid, n, alpha1,
                           out.data(), nullptr) == NN_STATUS_OK);
            const std::vector<float> got = out.download();
            bool                     zeros = true;
            for (size_t i = 0; i < n; i++) {
                zeros = zeros && (valid[i] != 0 || (got[i] == 0.0f && !std::signbit(got[i])));
            }
            CHECK(zeros);
        }

        if (masked) {
            return; // the penalty and axpy have no mask: once per n is enough
        }
        // ---- gradient penalty on one sample's input gradient, zeros included (|g| = 0)
        std::vector<float> g = random_floats(n, seed + 3, -2.0, 2.0);
        for (size_t i = 0; i < n; i += 7) {
            g[i] = 0.0f;
        }
        dev_buffer d_g(b, g);
        check_scalar(b, "gradient penalty",
                     static_cast<float>(
                         gradient_penalty_value(g.data(), 1, 1, n, static_cast<double>(LAMBDA))),
                     [&](float * out) {
                         return DEV_CALL(b, gradient_penalty_forward_dev, d_g.data(), n, LAMBDA,
                                         out, nullptr);
                     });
        std::vector<float> dg(n);
        gradient_penalty_backward_values(g.data(), dg.data(), 1, 1, n,
                                         static_cast<double>(LAMBDA) * 2.0 /
                                             static_cast<double>(n));
        check_vector(b, "gradient penalty backward", dg, [&](float * out) {
            return DEV_CALL(b, gradient_penalty_backward_dev, d_g.data(), out, n, LAMBDA, nullptr);
        });

        // ---- axpy: y += alpha x, onto a nonzero y
        const float        alpha = 0.37f;
        std::vector<float> sum   = y;
        for (size_t i = 0; i < n; i++) {
            sum[i] += alpha * x[i];
        }
        dev_buffer acc(b, y);
        CHECK(DEV_CALL(b, axpy_dev, alpha, d_x.data(), acc.data(), n, nullptr) == NN_STATUS_OK);
        check_close("axpy", acc.download(), sum, LOSS_DEV_MAX_NMSE);
        CHECK(acc.guards_intact());
    }
};

void expect_invalid(nn_status status, const char * what, const char * op) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

struct test_losses_dev_arguments : test_case {
    std::string name() const override { return "device argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    void        check_values(test_backend b) override {
        dev_buffer x(b, random_floats(8, 1)), out(b, 8);
        dev_bytes  valid(b, std::vector<unsigned char>(8, 1));
        expect_invalid(DEV_CALL(b, critic_mean_forward_dev, x.data(), 0, out.data(), nullptr),
                       "n = 0", "critic_mean_forward_dev");
        expect_invalid(DEV_CALL(b, critic_mean_forward_dev, x.data(), 8, nullptr, nullptr),
                       "null out", "critic_mean_forward_dev");
        expect_invalid(DEV_CALL(b, critic_mean_backward_dev, NAN, out.data(), 8, nullptr),
                       "dout NaN", "critic_mean_backward_dev");
        expect_invalid(DEV_CALL(b, critic_mean_masked_forward_dev, x.data(), nullptr, 8,
                                out.data(), nullptr),
                       "null valid", "critic_mean_masked_forward_dev");
        expect_invalid(DEV_CALL(b, critic_mean_masked_backward_dev, 1.0f, valid.data(), nullptr, 8,
                                nullptr),
                       "null dd", "critic_mean_masked_backward_dev");
        expect_invalid(DEV_CALL(b, mse_forward_dev, x.data(), nullptr, nullptr, 8, out.data(),
                                nullptr),
                       "null y", "mse_forward_dev");
        expect_invalid(DEV_CALL(b, mse_backward_dev, x.data(), x.data(), nullptr, 8, INFINITY,
                                out.data(), nullptr),
                       "dloss inf", "mse_backward_dev");
        expect_invalid(DEV_CALL(b, gradient_penalty_forward_dev, x.data(), 0, LAMBDA, out.data(),
                                nullptr),
                       "T = 0", "gradient_penalty_forward_dev");
        expect_invalid(DEV_CALL(b, gradient_penalty_backward_dev, x.data(), out.data(), 8, NAN,
                                nullptr),
                       "lambda NaN", "gradient_penalty_backward_dev");
        expect_invalid(DEV_CALL(b, axpy_dev, 1.0f, nullptr, out.data(), 8, nullptr), "null x",
                       "axpy_dev");
        const std::vector<float> got = out.download();
        CHECK(std::isnan(got[0]) && std::isnan(got[7])); // nothing written
    }
};

} // namespace

NN_TEST_CASES(losses) {
    cases.add<test_losses_dev_arguments>();
    uint64_t seed = 800;
    for (const size_t n : {1, 2, 17, 300, 4099}) {
        for (const mask_kind m : {mask_kind::none, mask_kind::some, mask_kind::one}) {
            if (m != mask_kind::none && n < 2) {
                continue;
            }
            cases.add<test_losses_dev>(n, m, seed);
            seed += 13;
        }
    }
}
