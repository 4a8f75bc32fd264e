// test-adam-dev.cpp: the device Adam step (cuda/adam.cu) on the simulator and on CUDA, against
// adam_step_cpu.
//   test (cuda, sim)  per n (odd sizes): three steps with fresh gradients (step 1, 2, 3; lr
//                     dropping at a milestone), params / m / v after each step bitwise equal to
//                     the CPU's (each product and sum rounded once, IEEE sqrt and division, the
//                     scalars formed on the host as the CPU does); the scheduled variant
//                     (lr and step read from device memory) within pow's last-ulp difference;
//                     guarded, NaN-poisoned buffers around every array, bitwise reruns; argument
//                     checks; the scheduled step captured in a CUDA graph and replayed per step
//   perf (cuda)       one step over 4 Mi parameters, plain and scheduled

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cuda/device-ops.h"
#include "nn/adam.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

constexpr double BETA1 = 0.5, BETA2 = 0.999, EPS = 1e-8; // CAW's (docs/caw-spec.md §3)

/** The scheduled variant forms its scalars with the device's double pow (within 1-2 ulp of
 * libm's), rounded to float: equal but for a rare last-bit flip of a scalar. */
constexpr double ADAM_SCHED_MAX_NMSE = 1e-12;

nn_tensor_view flat(std::vector<float> & v) {
    return test_view_1d(v.data(), v.size());
}

struct test_adam_dev : test_case {
    size_t n;
    bool   sched; // adam_step_sched_dev instead of adam_step_dev

    test_adam_dev(size_t count, bool scheduled) : n(count), sched(scheduled) {}

    std::string name() const override {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "n=%zu%s", n, sched ? " scheduled" : "");
        return buf;
    }
    bool   supports(test_backend b) const override { return device_backend(b); }
    double max_nmse_err() const override { return ADAM_SCHED_MAX_NMSE; }

    void check_values(test_backend b) override {
        std::vector<float> p(n), m(n, 0.0f), v(n, 0.0f);
        fill_uniform(p, 10 + n);
        dev_buffer dp(b, p), dm(b, m), dv(b, v);
        const double lrs[3] = {0.0015, 0.0015, 0.00015}; // MultiStepLR's drop before step 3
        for (size_t step = 1; step <= 3; step++) {
            std::vector<float> g(n);
            fill_uniform(g, 100 * step + n, -2.0, 2.0);
            if (n > 3) {
                g[1] = 0.0f; // a zero gradient on a moving state
            }
            dev_buffer           dg(b, g);
            const nn_tensor_view vg = flat(g);
            nn_tensor_view       vp = flat(p), vm = flat(m), vv = flat(v);
            CHECK(adam_step_cpu(&vp, &vg, &vm, &vv, step, lrs[step - 1], BETA1, BETA2, EPS) ==
                  NN_STATUS_OK);
            nn_status status = NN_STATUS_OK;
            if (sched) {
                const double       lr_step[2] = {lrs[step - 1], static_cast<double>(step)};
                std::vector<float> host(4);
                std::memcpy(host.data(), lr_step, sizeof lr_step);
                dev_buffer dls(b, host);
                status = DEV_CALL(b, adam_step_sched_dev, dp.data(), dg.data(), dm.data(),
                                  dv.data(), n, reinterpret_cast<const double *>(dls.data()),
                                  BETA1, BETA2, EPS, nullptr);
                dev_synchronize(b); // dls is freed at the end of this scope
            } else {
                status = DEV_CALL(b, adam_step_dev, dp.data(), dg.data(), dm.data(), dv.data(), n,
                                  step, lrs[step - 1], BETA1, BETA2, EPS, nullptr);
            }
            CHECK_MSG(status == NN_STATUS_OK, "%s", nn_last_error());
            const std::vector<float> gp = dp.download(), gm = dm.download(), gv = dv.download();
            if (sched) {
                const double e = gp.size() == n ? nmse(gp.data(), p.data(), n) : INFINITY;
                CHECK_MSG(e <= max_nmse_err(), "%s step %zu: params NMSE %.3g", name().c_str(),
                          step, e);
                CHECK(gm.size() == n && nmse(gm.data(), m.data(), n) <= max_nmse_err());
                CHECK(gv.size() == n && nmse(gv.data(), v.data(), n) <= max_nmse_err());
                if (test_verbose()) {
                    std::printf("    %s step %zu: params NMSE %.3g, %s\n", name().c_str(), step, e,
                                same_bits(gp, p) ? "bitwise equal" : "not bitwise equal");
                }
            } else {
                CHECK_MSG(same_bits(gp, p), "%s step %zu: params differ from the CPU's (NMSE %.3g)",
                          name().c_str(), step,
                          gp.size() == n ? nmse(gp.data(), p.data(), n) : INFINITY);
                CHECK_MSG(same_bits(gm, m) && same_bits(gv, v), "%s step %zu: m or v differ",
                          name().c_str(), step);
            }
            CHECK(dg.guards_intact());
        }
        CHECK(dp.guards_intact() && dm.guards_intact() && dv.guards_intact());

        // rerun: the same three steps from the same start give the same bits
        std::vector<float> p2(n), zeros(n, 0.0f);
        fill_uniform(p2, 10 + n);
        dev_buffer rp(b, p2), rm(b, zeros), rv(b, zeros);
        for (size_t step = 1; step <= 3; step++) {
            std::vector<float> g(n);
            fill_uniform(g, 100 * step + n, -2.0, 2.0);
            if (n > 3) {
                g[1] = 0.0f;
            }
            dev_buffer dg(b, g);
            if (sched) {
                const double       lr_step[2] = {lrs[step - 1], static_cast<double>(step)};
                std::vector<float> host(4);
                std::memcpy(host.data(), lr_step, sizeof lr_step);
                dev_buffer dls(b, host);
                CHECK(DEV_CALL(b, adam_step_sched_dev, rp.data(), dg.data(), rm.data(), rv.data(),
                               n, reinterpret_cast<const double *>(dls.data()), BETA1, BETA2, EPS,
                               nullptr) == NN_STATUS_OK);
                dev_synchronize(b);
            } else {
                CHECK(DEV_CALL(b, adam_step_dev, rp.data(), dg.data(), rm.data(), rv.data(), n,
                               step, lrs[step - 1], BETA1, BETA2, EPS, nullptr) == NN_STATUS_OK);
                dev_synchronize(b);
            }
        }
        CHECK_MSG(same_bits(rp.download(), dp.download()) &&
                      same_bits(rm.download(), dm.download()),
                  "%s: reruns differ", name().c_str());
    }
};

/** adam_step_sched_dev captured once in a graph and replayed for steps 1..3 with [lr, step] and
 * the gradients written to device memory between replays, against adam_step_cpu. */
struct test_adam_dev_graph : test_case {
    std::string name() const override { return "graph replay, lr and step in device memory"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    double      max_nmse_err() const override { return ADAM_SCHED_MAX_NMSE; }
    void        check_values(test_backend b) override {
        const size_t       n = 301;
        std::vector<float> p(n), m(n, 0.0f), v(n, 0.0f), g(n);
        fill_uniform(p, 5);
        dev_buffer     dp(b, p), dm(b, m), dv(b, v), dg(b, g);
        dev_buffer     dls(b, std::vector<float>(4, 0.0f));
        captured_graph graph(b);
        const bool     captured = graph.capture([&](nn_cuda_stream_t s) {
            return DEV_CALL(b, adam_step_sched_dev, dp.data(), dg.data(), dm.data(), dv.data(), n,
                            reinterpret_cast<const double *>(dls.data()), BETA1, BETA2, EPS,
                            s) == NN_STATUS_OK;
        });
        if (!captured) {
            return;
        }
        const double lrs[3] = {0.0015, 0.0015, 0.00015};
        for (size_t step = 1; step <= 3; step++) {
            fill_uniform(g, 40 + step, -2.0, 2.0);
            dg.upload(g);
            const double       lr_step[2] = {lrs[step - 1], static_cast<double>(step)};
            std::vector<float> host(4);
            std::memcpy(host.data(), lr_step, sizeof lr_step);
            dls.upload(host);
            CHECK(graph.replay());
            nn_tensor_view vp = flat(p), vg = flat(g), vm = flat(m), vv = flat(v);
            CHECK(adam_step_cpu(&vp, &vg, &vm, &vv, step, lrs[step - 1], BETA1, BETA2, EPS) ==
                  NN_STATUS_OK);
            const std::vector<float> got = dp.download();
            const double e = got.size() == n ? nmse(got.data(), p.data(), n) : INFINITY;
            CHECK_MSG(e <= max_nmse_err(), "step %zu: params NMSE %.3g", step, e);
        }
        CHECK(dp.guards_intact() && dm.guards_intact() && dv.guards_intact());
    }
};

struct test_adam_dev_arguments : test_case {
    std::string name() const override { return "argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    void        check_values(test_backend b) override {
        dev_buffer buf(b, 64);
        float *    p = buf.data();
        float *    g = p + 16;
        float *    m = p + 32;
        float *    v = p + 48;
        auto       plain = [&](float * pp, float * mm, size_t n, size_t step, double lr, double b1,
                         double e) {
            return DEV_CALL(b, adam_step_dev, pp, g, mm, v, n, step, lr, b1, BETA2, e, nullptr);
        };
        CHECK(plain(nullptr, m, 16, 1, 0.1, BETA1, EPS) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(std::strstr(nn_last_error(), "adam_step_dev") != nullptr);
        CHECK(plain(p, m, 0, 1, 0.1, BETA1, EPS) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(plain(p, m, 17, 1, 0.1, BETA1, EPS) == NN_STATUS_INVALID_ARGUMENT); // p overlaps g
        CHECK(plain(p, p + 4, 8, 1, 0.1, BETA1, EPS) == NN_STATUS_INVALID_ARGUMENT); // p overlaps m
        CHECK(plain(p, m, 16, 0, 0.1, BETA1, EPS) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(plain(p, m, 16, 1, -0.1, BETA1, EPS) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(plain(p, m, 16, 1, NAN, BETA1, EPS) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(plain(p, m, 16, 1, 0.1, 1.0, EPS) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(plain(p, m, 16, 1, 0.1, BETA1, -1.0) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, adam_step_sched_dev, p, g, m, v, 16, nullptr, BETA1, BETA2, EPS,
                       nullptr) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(std::strstr(nn_last_error(), "adam_step_sched_dev") != nullptr);
        // nothing was launched: the buffer is still all poison
        const std::vector<float> host = buf.download();
        bool                     all_nan = host.size() == 64;
        for (float x : host) {
            all_nan = all_nan && std::isnan(x);
        }
        CHECK(all_nan);
    }
};

/** One step over n parameters (the trainer's one-buffer layout), plain and scheduled. */
struct test_adam_dev_perf : test_case {
    size_t n;
    bool   sched;
    test_adam_dev_perf(size_t count, bool scheduled) : n(count), sched(scheduled) {}

    std::string name() const override {
        return "step n=" + std::to_string(n) + (sched ? " scheduled" : "");
    }
    unsigned modes() const override { return TEST_PERF; }
    bool     supports(test_backend b) const override { return device_backend(b); }

    test_perf perf(test_backend b) override {
        std::vector<float> host(n);
        fill_uniform(host, 71);
        auto p  = std::make_shared<dev_buffer>(b, host);
        auto g  = std::make_shared<dev_buffer>(b, host);
        auto m  = std::make_shared<dev_buffer>(b, std::vector<float>(n, 0.0f));
        auto v  = std::make_shared<dev_buffer>(b, std::vector<float>(n, 0.0f));
        const double       lr_step[2] = {0.0015, 1.0};
        std::vector<float> ls(4);
        std::memcpy(ls.data(), lr_step, sizeof lr_step);
        auto dls = std::make_shared<dev_buffer>(b, ls);
        if (p->data() == nullptr || g->data() == nullptr || m->data() == nullptr ||
            v->data() == nullptr || dls->data() == nullptr) {
            return {};
        }
        test_perf t;
        t.work = static_cast<double>(n);
        t.unit = "elements";
        t.run  = [this, b, p, g, m, v, dls] {
            const nn_status st =
                sched ? DEV_CALL(b, adam_step_sched_dev, p->data(), g->data(), m->data(),
                                 v->data(), n, reinterpret_cast<const double *>(dls->data()),
                                 BETA1, BETA2, EPS, nullptr)
                      : DEV_CALL(b, adam_step_dev, p->data(), g->data(), m->data(), v->data(), n,
                                 1, 0.0015, BETA1, BETA2, EPS, nullptr);
            CHECK_MSG(st == NN_STATUS_OK, "%s: %s", name().c_str(), nn_last_error());
            dev_synchronize(b);
        };
        return t;
    }
};

} // namespace

NN_TEST_CASES(adam) {
    cases.add<test_adam_dev_arguments>();
    cases.add<test_adam_dev_graph>();
    for (const size_t n : {size_t(1), size_t(17), size_t(1031), size_t(4099)}) {
        cases.add<test_adam_dev>(n, false);
        cases.add<test_adam_dev>(n, true);
    }
    cases.add<test_adam_dev_perf>(size_t(4) << 20, false);
    cases.add<test_adam_dev_perf>(size_t(4) << 20, true);
}
