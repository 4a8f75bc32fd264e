// test-caw-steps-dev.cpp: the device trainer's elementwise steps (cuda/caw-steps.cu) on the
// simulator and on CUDA, against their host twins (caw_host_mem, model/caw-backend.h), which are
// the loops the model templates run on the CPU.
//   test (cuda, sim)  per n: gen_input (noise and prev, each null), gen_output, gen_input_grads
//                     (each output alone), mix (alpha from device memory), fill_keep (with and
//                     without flags), scale: bit-exact (the same float expressions), NaN-poisoned
//                     guarded outputs, bitwise reruns; epoch_advance's values; argument checks

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cuda/device-ops.h"
#include "model/caw-backend.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

using host = caw_host_mem<float>;

struct test_caw_steps_dev : test_case {
    size_t   n;
    uint64_t seed;

    test_caw_steps_dev(size_t count, uint64_t first_seed) : n(count), seed(first_seed) {}

    std::string name() const override { return "device n = " + std::to_string(n); }
    bool        supports(test_backend b) const override { return device_backend(b); }

    void check_values(test_backend b) override {
        const size_t             P     = 7, T0 = n + 2 * P;
        const float              amp   = 0.37f;
        const std::vector<float> noise = random_floats(n, seed, -2.0, 2.0);
        const std::vector<float> prev  = random_floats(n, seed + 1, -2.0, 2.0);
        const std::vector<float> dx    = random_floats(n, seed + 2, -2.0, 2.0);
        const std::vector<float> dout  = random_floats(n, seed + 3, -2.0, 2.0);
        dev_buffer               d_noise(b, noise), d_prev(b, prev), d_dx(b, dx), d_dout(b, dout);
        // gen_input, with each input present or null
        for (int mode = 0; mode < 3; mode++) {
            const float * hn = mode == 2 ? nullptr : noise.data();
            const float * hp = mode == 1 ? nullptr : prev.data();
            std::vector<float> want(T0);
            host::gen_input(want.data(), T0, P, hn, amp, hp, n);
            dev_buffer x(b, T0), x2(b, T0);
            for (dev_buffer * o : {&x, &x2}) {
                CHECK(DEV_CALL(b, caw_gen_input_dev, o->data(), T0, P,
                               hn != nullptr ? d_noise.data() : nullptr, amp,
                               hp != nullptr ? d_prev.data() : nullptr, n,
                               nullptr) == NN_STATUS_OK);
            }
            const std::vector<float> got = x.download();
            CHECK_MSG(same_bits(got, want), "gen_input mode %d", mode);
            CHECK(same_bits(x2.download(), got) && x.guards_intact());
        }
        // gen_output with and without prev
        for (int with_prev = 0; with_prev < 2; with_prev++) {
            std::vector<float> want(n);
            host::gen_output(want.data(), dx.data(), with_prev ? prev.data() : nullptr, n);
            dev_buffer out(b, n);
            CHECK(DEV_CALL(b, caw_gen_output_dev, out.data(), d_dx.data(),
                           with_prev ? d_prev.data() : nullptr, n, nullptr) == NN_STATUS_OK);
            CHECK(same_bits(out.download(), want) && out.guards_intact());
        }
        // gen_input_grads: both outputs, then each alone
        {
            std::vector<float> wn(n), wp(n);
            host::gen_input_grads(dx.data(), dout.data(), amp, wn.data(), wp.data(), n);
            dev_buffer dn(b, n), dp(b, n), dn2(b, n), dp2(b, n);
            CHECK(DEV_CALL(b, caw_gen_input_grads_dev, d_dx.data(), d_dout.data(), amp, dn.data(),
                           dp.data(), n, nullptr) == NN_STATUS_OK);
            CHECK(same_bits(dn.download(), wn) && same_bits(dp.download(), wp));
            CHECK(DEV_CALL(b, caw_gen_input_grads_dev, d_dx.data(), d_dout.data(), amp, dn2.data(),
                           nullptr, n, nullptr) == NN_STATUS_OK);
            CHECK(DEV_CALL(b, caw_gen_input_grads_dev, d_dx.data(), d_dout.data(), amp, nullptr,
                           dp2.data(), n, nullptr) == NN_STATUS_OK);
            CHECK(same_bits(dn2.download(), wn) && same_bits(dp2.download(), wp));
            CHECK(dn.guards_intact() && dp.guards_intact());
        }
        // mix, alpha read from device memory
        {
            const float        alpha = 0.731f;
            std::vector<float> want(n);
            host::mix(want.data(), noise.data(), prev.data(), alpha, n);
            dev_buffer d_alpha(b, std::vector<float>{alpha}), x(b, n);
            CHECK(DEV_CALL(b, caw_mix_dev, x.data(), d_noise.data(), d_prev.data(), d_alpha.data(),
                           n, nullptr) == NN_STATUS_OK);
            CHECK(same_bits(x.download(), want) && x.guards_intact());
        }
        // fill_keep with flags and without
        {
            std::vector<unsigned char> keep(n);
            for (size_t i = 0; i < n; i++) {
                keep[i] = static_cast<unsigned char>((i * 7 + seed) % 3 != 0);
            }
            std::vector<float> w1(n), w0(n);
            host::fill_keep(w1.data(), keep.data(), n);
            host::fill_keep(w0.data(), nullptr, n);
            dev_bytes  d_keep(b, keep);
            dev_buffer s1(b, n), s0(b, n);
            CHECK(DEV_CALL(b, caw_fill_keep_dev, s1.data(), d_keep.data(), n, nullptr) ==
                  NN_STATUS_OK);
            CHECK(DEV_CALL(b, caw_fill_keep_dev, s0.data(), nullptr, n, nullptr) == NN_STATUS_OK);
            CHECK(same_bits(s1.download(), w1) && same_bits(s0.download(), w0));
            CHECK(s1.guards_intact() && s0.guards_intact());
        }
        // scale in place
        {
            std::vector<float> want = noise;
            host::scale(want.data(), n, 1.7f);
            dev_buffer x(b, noise);
            CHECK(DEV_CALL(b, caw_scale_dev, x.data(), n, 1.7f, nullptr) == NN_STATUS_OK);
            CHECK(same_bits(x.download(), want) && x.guards_intact());
        }
    }
};

// The epoch counter: two advances give epoch 1's values (doubles and counters, in float buffers).
void test_epoch_advance(test_backend b) {
    const std::vector<double>   lr     = {0.5, 0.25, 0.125};
    const std::vector<float>    alphas = {0.1f, 0.2f, 0.3f};
    const std::vector<uint64_t> lens   = {17, 1000};
    auto as_floats = [](const void * p, size_t bytes) {
        std::vector<float> v(bytes / sizeof(float));
        std::memcpy(v.data(), p, bytes);
        return v;
    };
    dev_buffer d_lr(b, as_floats(lr.data(), 3 * sizeof(double))), d_alphas(b, alphas);
    dev_buffer d_lens(b, as_floats(lens.data(), 2 * sizeof(uint64_t)));
    dev_buffer d_epoch(b, std::vector<float>(2, 0.0f)), d_step(b, 4), d_alpha(b, 1), d_off(b, 4);
    for (int i = 0; i < 2; i++) {
        CHECK(DEV_CALL(b, caw_epoch_advance_dev, reinterpret_cast<uint64_t *>(d_epoch.data()),
                       reinterpret_cast<const double *>(d_lr.data()), d_alphas.data(),
                       reinterpret_cast<double *>(d_step.data()), d_alpha.data(),
                       reinterpret_cast<uint64_t *>(d_off.data()),
                       reinterpret_cast<const uint64_t *>(d_lens.data()), 2,
                       nullptr) == NN_STATUS_OK);
    }
    const std::vector<float> e = d_epoch.download(), st = d_step.download();
    const std::vector<float> a = d_alpha.download(), off = d_off.download();
    uint64_t                 epoch = 0, offsets[2] = {};
    double                   step[2] = {};
    std::memcpy(&epoch, e.data(), sizeof epoch);
    std::memcpy(step, st.data(), sizeof step);
    std::memcpy(offsets, off.data(), sizeof offsets);
    CHECK(epoch == 2 && step[0] == 0.25 && step[1] == 2.0 && a[0] == 0.2f);
    CHECK(offsets[0] == 17 && offsets[1] == 1000);
    CHECK(DEV_CALL(b, caw_epoch_advance_dev, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                   nullptr, 0, nullptr) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(DEV_CALL(b, caw_gen_input_dev, d_alpha.data(), 3, 2, nullptr, 1.0f, nullptr, 1,
                   nullptr) == NN_STATUS_INVALID_ARGUMENT); // T0 < N + 2P
}

struct test_caw_epoch_dev : test_case {
    std::string name() const override { return "epoch advance, argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    void        check_values(test_backend b) override { test_epoch_advance(b); }
};

} // namespace

NN_TEST_CASES(caw_steps) {
    for (const size_t n : {size_t(1), size_t(17), size_t(300), size_t(4099)}) {
        cases.add<test_caw_steps_dev>(n, 11 + n);
    }
    cases.add<test_caw_epoch_dev>();
}
