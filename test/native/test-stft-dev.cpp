// test-stft-dev.cpp: the device STFT magnitude (cuda/stft.cu, on a device MSS plan's tables) on
// the simulator and on CUDA, against stft_magnitude_forward_cpu / stft_magnitude_backward_cpu.
//   test (cuda, sim)  per configuration (n_fft 2 to 2048, odd hops and windows shorter than
//                     n_fft) and T (just above n_fft / 2, odd): S (F, N) and dx (T) by NMSE,
//                     NaN-poisoned guarded outputs, bitwise reruns; argument checks.
// Sim sizes stay small (one block per frame, every thread a fiber); CUDA adds the defaults at a
// few seconds of audio.

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cuda/device-ops.h"
#include "nn/mss-loss.h"
#include "nn/nn.h"
#include "nn/stft.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

/** The device runs the CPU's radix-2 steps on the CPU's float tables; only nvcc's FMA
 * contractions differ (the simulator has none), ~1e-7 relative per value: NMSE ~1e-14. The
 * backward divides by |Z|, which amplifies that for the few near-zero bins: bound 1e-9. A wrong
 * twiddle, tap or frame gives 1e-3 and above. */
constexpr double STFT_DEV_MAX_NMSE = 1e-9;

nn_tensor_view view_2d(float * data, size_t rows, size_t cols) {
    nn_tensor_view v = nn_view_3d(data, 1, rows, cols);
    v.ndim           = 2;
    v.shape[0]       = rows;
    v.shape[1]       = cols;
    v.shape[2]       = 1;
    v.strides[0]     = cols;
    v.strides[1]     = 1;
    v.strides[2]     = 0;
    return v;
}

struct test_stft_dev : test_case {
    nn_mss_config cfg;
    size_t        T;

    test_stft_dev(nn_mss_config c, size_t length) : cfg(c), T(length) {}

    std::string name() const override {
        char buf[96];
        std::snprintf(buf, sizeof(buf), "n_fft=%zu hop=%zu win=%zu T=%zu", cfg.n_fft, cfg.hop,
                      cfg.win, T);
        return buf;
    }
    bool   supports(test_backend b) const override { return device_backend(b); }
    double max_nmse_err() const override { return STFT_DEV_MAX_NMSE; }

    void check_values(test_backend b) override {
        const size_t       F = cfg.n_fft / 2 + 1, N = nn_stft_frames(T, cfg.hop);
        std::vector<float> x(T), dS(F * N), S_ref(F * N), dx_ref(T);
        fill_uniform(x, 31 + T);
        fill_uniform(dS, 37 + T);
        nn_tensor_view vx = nn_view_3d(x.data(), 1, 1, T), vdx = nn_view_3d(dx_ref.data(), 1, 1, T);
        nn_tensor_view vS = view_2d(S_ref.data(), F, N), vdS = view_2d(dS.data(), F, N);
        CHECK(stft_magnitude_forward_cpu(&vx, &vS, cfg.n_fft, cfg.hop, cfg.win) == NN_STATUS_OK);
        CHECK(stft_magnitude_backward_cpu(&vx, &vdS, &vdx, cfg.n_fft, cfg.hop, cfg.win) ==
              NN_STATUS_OK);

        // a plan with a second, unrelated configuration first: config indices must matter
        const nn_mss_config configs[2] = {{cfg.n_fft, cfg.hop + 1, cfg.win}, cfg};
        dev_mss_plan        plan(b);
        CHECK_MSG(DEV_CALL(b, mss_plan_create_dev, &plan.p, configs, 2, T) == NN_STATUS_OK, "%s",
                  nn_last_error());
        if (plan.p == nullptr) {
            return;
        }
        dev_buffer dx_in(b, x), ddS(b, dS);
        dev_buffer S1(b, F * N), S2(b, F * N), dx1(b, T), dx2(b, T);
        for (dev_buffer * S : {&S1, &S2}) {
            CHECK_MSG(DEV_CALL(b, stft_magnitude_forward_dev, plan.p, 1, dx_in.data(), S->data(),
                               nullptr) == NN_STATUS_OK,
                      "%s", nn_last_error());
        }
        for (dev_buffer * dx : {&dx1, &dx2}) {
            CHECK_MSG(DEV_CALL(b, stft_magnitude_backward_dev, plan.p, 1, dx_in.data(),
                               ddS.data(), dx->data(), nullptr) == NN_STATUS_OK,
                      "%s", nn_last_error());
        }
        const std::vector<float> gS = S1.download(), gS2 = S2.download();
        const std::vector<float> gdx = dx1.download(), gdx2 = dx2.download();
        const double eS  = gS.size() == F * N ? nmse(gS.data(), S_ref.data(), F * N) : INFINITY;
        const double edx = gdx.size() == T ? nmse(gdx.data(), dx_ref.data(), T) : INFINITY;
        CHECK_MSG(eS <= max_nmse_err(), "forward %s: NMSE %.3g (inf: unwritten / NaN)",
                  name().c_str(), eS);
        CHECK_MSG(edx <= max_nmse_err(), "backward %s: NMSE %.3g (inf: unwritten / NaN)",
                  name().c_str(), edx);
        if (test_verbose()) {
            std::printf("    %s: S NMSE %.3g (%s), dx NMSE %.3g (%s)\n", name().c_str(), eS,
                        same_bits(gS, S_ref) ? "bitwise" : "not bitwise", edx,
                        same_bits(gdx, dx_ref) ? "bitwise" : "not bitwise");
        }
        CHECK(S1.guards_intact() && dx1.guards_intact());
        CHECK_MSG(same_bits(gS, gS2) && same_bits(gdx, gdx2), "%s: reruns differ", name().c_str());
    }
};

struct test_stft_dev_arguments : test_case {
    std::string name() const override { return "argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    void        check_values(test_backend b) override {
        const nn_mss_config cfg = {32, 8, 32};
        dev_mss_plan        plan(b);
        CHECK(DEV_CALL(b, mss_plan_create_dev, &plan.p, &cfg, 1, 40) == NN_STATUS_OK);
        if (plan.p == nullptr) {
            return;
        }
        dev_buffer buf(b, 256);
        float *    x = buf.data();
        float *    S = x + 40; // (17, 6)
        CHECK(DEV_CALL(b, stft_magnitude_forward_dev, nullptr, 0, x, S, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(std::strstr(nn_last_error(), "stft_magnitude_forward_dev") != nullptr);
        CHECK(DEV_CALL(b, stft_magnitude_forward_dev, plan.p, 1, x, S, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT); // config out of range
        CHECK(DEV_CALL(b, stft_magnitude_forward_dev, plan.p, 0, x, x + 8, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT); // overlap
        CHECK(DEV_CALL(b, stft_magnitude_backward_dev, plan.p, 0, x, S, nullptr, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, stft_magnitude_backward_dev, plan.p, 0, x, S, S + 3, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT); // dx overlaps dS
        CHECK(std::strstr(nn_last_error(), "stft_magnitude_backward_dev") != nullptr);
        const std::vector<float> host = buf.download();
        bool                     all_nan = host.size() == 256;
        for (float v : host) {
            all_nan = all_nan && std::isnan(v);
        }
        CHECK(all_nan); // nothing launched
    }
};

} // namespace

NN_TEST_CASES(stft) {
    cases.add<test_stft_dev_arguments>();
    const struct {
        nn_mss_config cfg;
        size_t        T;
    } small[] = {
        {{2, 1, 1}, 2},        {{4, 3, 3}, 3},       {{32, 7, 20}, 17},
        {{64, 16, 48}, 33},    {{64, 16, 48}, 301},  {{128, 30, 128}, 65},
        {{128, 50, 101}, 257}, {{256, 64, 200}, 500},
    };
    for (const auto & s : small) {
        cases.add<test_stft_dev>(s.cfg, s.T);
    }
    cases.add<test_stft_dev>(nn_mss_config{2048, 240, 1200}, 1025); // 256-thread blocks
}
