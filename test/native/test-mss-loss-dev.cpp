// test-mss-loss-dev.cpp: the device MSS loss (cuda/mss-loss.cu) on the simulator and on CUDA,
// against mss_loss_forward_cpu / mss_loss_backward_cpu (and torch's golden values).
//   test (cuda, sim)  per configuration set and T (odd, just above the shortest allowed): the
//                     loss (a float in device memory) against the CPU's double, dy against
//                     mss_loss_backward_cpu by NMSE, the backward's loss equal to the forward's,
//                     MSS(x, x) = 0 with dy = 0, torch's golden loss and gradient (T = 41),
//                     NaN-poisoned guarded outputs, bitwise reruns; plan and call argument checks
//   perf (cuda)       the backward (loss and dy, what a training step runs) with the defaults at
//                     2 s and 25 s of 16 kHz audio
// Sim cases use small n_fft (each frame is a block of fibers); the defaults (2048/1024/512) run
// on CUDA only (the STFT's own sim cases cover n_fft 2048).

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cuda/device-ops.h"
#include "nn/mss-loss.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

/** dy: the CPU's steps on its tables, nvcc's FMA contractions aside (the simulator: none), plus
 * norms summed in another order (double): NMSE ~1e-14; bound 1e-9 (division by |Z| amplifies
 * near-zero bins). A wrong bin, frame or fold gives 1e-3 and above. */
constexpr double MSS_DEV_MAX_NMSE = 1e-9;
/** The loss: a float rounding of the same double sums, relative. */
constexpr double MSS_DEV_MAX_REL = 1e-6;

struct cpu_plan {
    nn_mss_plan * p = nullptr;
    ~cpu_plan() { nn_mss_plan_free(p); }
};

// torch 1.13 float64 values (test-mss-loss.cpp's golden case): configs, T, loss, dy[0..3]
const nn_mss_config GOLDEN_CONFIGS[3] = {{16, 3, 10}, {32, 5, 21}, {8, 2, 8}};
constexpr size_t    GOLDEN_T          = 41;
constexpr double    GOLDEN_LOSS       = 5.3731081663081932;
constexpr double    GOLDEN_DY[4]      = {0.096600695083996657, -0.27268571514314638,
                                         -1.1420220952785123, -0.12664537380615876};

double golden_x(size_t t) {
    const double s = static_cast<double>(t);
    return std::sin(0.37 * s) + 0.5 * std::cos(1.3 * s + 0.2) + 0.25 * std::sin(0.05 * s * s);
}
double golden_y(size_t t) {
    return 0.8 * golden_x(t) + 0.3 * std::sin(2.1 * static_cast<double>(t) + 1.0);
}

struct test_mss_dev : test_case {
    std::vector<nn_mss_config> configs;
    size_t                     T;
    bool                       golden;    // torch's signals (T = 41, GOLDEN_CONFIGS)
    bool                       cuda_only; // too large for the simulator

    test_mss_dev(std::vector<nn_mss_config> c, size_t length, bool gold = false,
                 bool large = false) :
        configs(std::move(c)), T(length), golden(gold), cuda_only(large) {}

    std::string name() const override {
        std::string s = golden ? "torch golden " : "";
        for (const nn_mss_config & c : configs) {
            char buf[64];
            std::snprintf(buf, sizeof(buf), "(%zu, %zu, %zu) ", c.n_fft, c.hop, c.win);
            s += buf;
        }
        return s + "T=" + std::to_string(T);
    }
    bool supports(test_backend b) const override {
        return b == test_backend::cuda || (b == test_backend::sim && !cuda_only);
    }
    double max_nmse_err() const override { return MSS_DEV_MAX_NMSE; }

    void check_values(test_backend b) override {
        std::vector<float> x(T), y(T), dy_ref(T);
        if (golden) {
            for (size_t t = 0; t < T; t++) {
                x[t] = static_cast<float>(golden_x(t));
                y[t] = static_cast<float>(golden_y(t));
            }
        } else {
            fill_uniform(x, 51 + T);
            fill_uniform(y, 53 + T);
            for (size_t t = 0; t < T; t++) {
                y[t] = 0.7f * x[t] + 0.3f * y[t]; // related, as a reconstruction is
            }
        }
        cpu_plan cp;
        CHECK(nn_mss_plan_init(&cp.p, configs.data(), configs.size(), T) == NN_STATUS_OK);
        nn_tensor_view vx = nn_view_3d(x.data(), 1, 1, T), vy = nn_view_3d(y.data(), 1, 1, T);
        nn_tensor_view vdy  = nn_view_3d(dy_ref.data(), 1, 1, T);
        double         loss = 0.0;
        CHECK(mss_loss_backward_cpu(cp.p, &vx, &vy, &vdy, &loss) == NN_STATUS_OK);

        dev_mss_plan plan(b);
        CHECK_MSG(DEV_CALL(b, mss_plan_create_dev, &plan.p, configs.data(), configs.size(), T) ==
                      NN_STATUS_OK,
                  "%s", nn_last_error());
        if (plan.p == nullptr) {
            return;
        }
        dev_buffer dx(b, x), dyv(b, y);
        dev_buffer out_f(b, 1), out_b(b, 1), out_b2(b, 1), g1(b, T), g2(b, T);
        CHECK_MSG(DEV_CALL(b, mss_loss_forward_dev, plan.p, dx.data(), dyv.data(), out_f.data(),
                           nullptr) == NN_STATUS_OK,
                  "%s", nn_last_error());
        CHECK_MSG(DEV_CALL(b, mss_loss_backward_dev, plan.p, dx.data(), dyv.data(), g1.data(),
                           out_b.data(), nullptr) == NN_STATUS_OK,
                  "%s", nn_last_error());
        CHECK(DEV_CALL(b, mss_loss_backward_dev, plan.p, dx.data(), dyv.data(), g2.data(),
                       out_b2.data(), nullptr) == NN_STATUS_OK);
        const std::vector<float> lf = out_f.download(), lb = out_b.download(),
                                 lb2 = out_b2.download();
        const std::vector<float> gd = g1.download(), gd2 = g2.download();
        const double l   = lf.size() == 1 ? static_cast<double>(lf[0]) : NAN;
        const double rel = std::fabs(l - loss) / loss;
        CHECK_MSG(rel <= MSS_DEV_MAX_REL, "%s: loss %.9g, CPU %.9g (relative %.3g)",
                  name().c_str(), l, loss, rel);
        CHECK_MSG(same_bits(lf, lb) && same_bits(lb, lb2), "%s: the backward's loss differs",
                  name().c_str());
        const double e = gd.size() == T ? nmse(gd.data(), dy_ref.data(), T) : INFINITY;
        CHECK_MSG(e <= max_nmse_err(), "%s: dy NMSE %.3g (inf: unwritten / NaN)", name().c_str(),
                  e);
        if (golden) {
            CHECK_MSG(std::fabs(l - GOLDEN_LOSS) <= 1e-5 * GOLDEN_LOSS, "golden loss %.9g", l);
            for (size_t t = 0; t < 4 && gd.size() == T; t++) {
                CHECK_MSG(std::fabs(gd[t] - GOLDEN_DY[t]) <= 1e-5, "golden dy[%zu] %.9g vs %.9g",
                          t, static_cast<double>(gd[t]), GOLDEN_DY[t]);
            }
        }
        if (test_verbose()) {
            std::printf("    %s: loss relative error %.3g, dy NMSE %.3g (%s)\n", name().c_str(),
                        rel, e, same_bits(gd, dy_ref) ? "bitwise" : "not bitwise");
        }
        CHECK(g1.guards_intact() && out_f.guards_intact() && out_b.guards_intact());
        CHECK_MSG(same_bits(gd, gd2), "%s: reruns differ", name().c_str());

        // MSS(x, x) = 0 and dy = 0 (every norm 0: the gradient is masked, not NaN)
        dev_buffer zero_out(b, 1), zero_dy(b, T);
        CHECK(DEV_CALL(b, mss_loss_backward_dev, plan.p, dx.data(), dx.data(), zero_dy.data(),
                       zero_out.data(), nullptr) == NN_STATUS_OK);
        const std::vector<float> z = zero_dy.download(), zl = zero_out.download();
        bool                     zeros = z.size() == T && zl.size() == 1 && zl[0] == 0.0f;
        for (float v : z) {
            zeros = zeros && v == 0.0f;
        }
        CHECK_MSG(zeros, "%s: MSS(x, x) is not 0 with dy = 0", name().c_str());
    }
};

struct test_mss_dev_arguments : test_case {
    std::string name() const override { return "argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    void        check_values(test_backend b) override {
        const nn_mss_config good = {32, 8, 32}, big = {4096, 512, 4096}, bad = {48, 8, 32};
        dev_mss_plan        plan(b);
        nn_dev_mss_plan *   none = reinterpret_cast<nn_dev_mss_plan *>(1);
        CHECK(DEV_CALL(b, mss_plan_create_dev, nullptr, &good, 1, 40) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, mss_plan_create_dev, &none, nullptr, 1, 40) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(none == nullptr);
        CHECK(DEV_CALL(b, mss_plan_create_dev, &none, &good, 0, 40) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, mss_plan_create_dev, &none, &bad, 1, 40) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, mss_plan_create_dev, &none, &good, 1, 16) ==
              NN_STATUS_INVALID_ARGUMENT); // T <= n_fft / 2
        CHECK(DEV_CALL(b, mss_plan_create_dev, &none, &big, 1, 5000) ==
              NN_STATUS_INVALID_ARGUMENT); // beyond the device's n_fft
        CHECK(std::strstr(nn_last_error(), "mss_plan_create_dev") != nullptr);
        CHECK(DEV_CALL(b, mss_plan_create_dev, &plan.p, &good, 1, 40) == NN_STATUS_OK);
        if (plan.p == nullptr) {
            return;
        }
        dev_buffer buf(b, 128);
        float *    x = buf.data();
        float *    y = x + 40;
        float *    o = x + 80;
        CHECK(DEV_CALL(b, mss_loss_forward_dev, nullptr, x, y, o, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, mss_loss_forward_dev, plan.p, x, nullptr, o, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, mss_loss_forward_dev, plan.p, x, y, nullptr, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(std::strstr(nn_last_error(), "mss_loss_forward_dev") != nullptr);
        CHECK(DEV_CALL(b, mss_loss_backward_dev, plan.p, x, y, nullptr, o, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, mss_loss_backward_dev, plan.p, x, y, y + 5, o, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT); // dy overlaps y
        CHECK(std::strstr(nn_last_error(), "mss_loss_backward_dev") != nullptr);
        const std::vector<float> host = buf.download();
        bool                     all_nan = host.size() == 128;
        for (float v : host) {
            all_nan = all_nan && std::isnan(v);
        }
        CHECK(all_nan); // nothing launched
    }
};

/** The backward (loss and dy) at a training length with the default configurations. */
struct test_mss_dev_perf : test_case {
    size_t T;
    explicit test_mss_dev_perf(size_t length) : T(length) {}

    std::string name() const override { return "backward defaults T=" + std::to_string(T); }
    unsigned    modes() const override { return TEST_PERF; }
    bool        supports(test_backend b) const override { return device_backend(b); }

    struct state {
        dev_mss_plan plan;
        dev_buffer   x, y, dy, out;
        state(test_backend b, const std::vector<float> & hx, const std::vector<float> & hy) :
            plan(b), x(b, hx), y(b, hy), dy(b, hx.size()), out(b, 1) {}
    };

    test_perf perf(test_backend b) override {
        std::vector<float> hx(T), hy(T);
        fill_uniform(hx, 61);
        fill_uniform(hy, 62);
        auto st = std::make_shared<state>(b, hx, hy);
        if (DEV_CALL(b, mss_plan_create_dev, &st->plan.p, NN_MSS_DEFAULT_CONFIGS, 3, T) !=
                NN_STATUS_OK ||
            st->x.data() == nullptr || st->y.data() == nullptr || st->dy.data() == nullptr) {
            CHECK_MSG(false, "%s: %s", name().c_str(), nn_last_error());
            return {};
        }
        test_perf p;
        p.work = static_cast<double>(T);
        p.unit = "samples";
        p.run  = [this, b, st] {
            CHECK_MSG(DEV_CALL(b, mss_loss_backward_dev, st->plan.p, st->x.data(), st->y.data(),
                               st->dy.data(), st->out.data(), nullptr) == NN_STATUS_OK,
                      "%s: %s", name().c_str(), nn_last_error());
            dev_synchronize(b);
        };
        return p;
    }
};

} // namespace

NN_TEST_CASES(mss_loss) {
    cases.add<test_mss_dev_arguments>();
    const std::vector<nn_mss_config> golden(GOLDEN_CONFIGS, GOLDEN_CONFIGS + 3);
    const std::vector<nn_mss_config> small   = {{64, 16, 48}, {128, 30, 128}};
    const std::vector<nn_mss_config> odd     = {{32, 7, 20}};
    const std::vector<nn_mss_config> defaults(NN_MSS_DEFAULT_CONFIGS, NN_MSS_DEFAULT_CONFIGS + 3);
    cases.add<test_mss_dev>(golden, GOLDEN_T, true);
    cases.add<test_mss_dev>(odd, 17);
    cases.add<test_mss_dev>(small, 65);
    cases.add<test_mss_dev>(small, 301);
    cases.add<test_mss_dev>(std::vector<nn_mss_config>{{256, 64, 200}, {64, 10, 64}}, 257);
    cases.add<test_mss_dev>(defaults, 1025, false, true);
    cases.add<test_mss_dev>(defaults, 24001, false, true);
    cases.add<test_mss_dev>(defaults, 96001, false, true);
    cases.add<test_mss_dev_perf>(32000);
    cases.add<test_mss_dev_perf>(400000);
}
