// test-resample-dev.cpp: the device Keys cubic upsampling (cuda/resample.cu) on the simulator and
// on CUDA, against upsample_cubic_forward_cpu / upsample_cubic_backward_cpu (one row).
//   test (cuda, sim)  T_in from 1 to 301, scales 4/3, 1.5, 2 and 1 (CAW's f_{k+1} / f_k), the
//                     output exactly ceil(scale T_in), cropped, and zero-padded
//                     (caw_tr::upsample_to);
//                     NMSE against the CPU per direction, NaN-poisoned guarded outputs, bitwise
//                     reruns; argument checks
//   perf (cuda)       forward + backward from 300000 samples by 4/3

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cuda/device-ops.h"
#include "nn/nn.h"
#include "nn/resample.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

/** Both sides compute the grid, weights and sums in double and round once to float; the
 * device's FMA contractions move the double result by ~1e-16, so a float rarely differs in its
 * last bit (NMSE ~1e-15 at worst). A wrong tap or weight gives 1e-3 and above. */
constexpr double RESAMPLE_DEV_MAX_NMSE = 1e-12;

struct test_resample_dev : test_case {
    size_t T_in;
    double scale;
    long   delta; // T_out - ceil(scale T_in): 0, cropped (< 0) or zero-padded (> 0)

    test_resample_dev(size_t t_in, double s, long d) : T_in(t_in), scale(s), delta(d) {}

    size_t T_out() const {
        return static_cast<size_t>(static_cast<long>(upsample_cubic_length(T_in, scale)) + delta);
    }
    std::string name() const override {
        char buf[96];
        std::snprintf(buf, sizeof(buf), "T_in=%zu scale=%.6g T_out=%zu", T_in, scale, T_out());
        return buf;
    }
    bool   supports(test_backend b) const override { return device_backend(b); }
    double max_nmse_err() const override { return RESAMPLE_DEV_MAX_NMSE; }

    void check_values(test_backend b) override {
        const size_t       To = T_out();
        std::vector<float> x(T_in), dy(To), y_ref(To), dx_ref(T_in);
        fill_uniform(x, 7 + T_in);
        fill_uniform(dy, 9 + To);
        nn_tensor_view vx = nn_view_3d(x.data(), 1, 1, T_in);
        nn_tensor_view vy = nn_view_3d(y_ref.data(), 1, 1, To);
        nn_tensor_view vdy = nn_view_3d(dy.data(), 1, 1, To),
                       vdx = nn_view_3d(dx_ref.data(), 1, 1, T_in);
        CHECK(upsample_cubic_forward_cpu(&vx, &vy, scale) == NN_STATUS_OK);
        CHECK(upsample_cubic_backward_cpu(&vdy, &vdx, scale) == NN_STATUS_OK);

        dev_buffer dx_in(b, x), ddy(b, dy);
        dev_buffer y1(b, To), y2(b, To), dx1(b, T_in), dx2(b, T_in);
        CHECK(DEV_CALL(b, upsample_cubic_forward_dev, dx_in.data(), T_in, scale, y1.data(), To,
                       nullptr) == NN_STATUS_OK);
        CHECK(DEV_CALL(b, upsample_cubic_forward_dev, dx_in.data(), T_in, scale, y2.data(), To,
                       nullptr) == NN_STATUS_OK);
        CHECK(DEV_CALL(b, upsample_cubic_backward_dev, ddy.data(), To, scale, dx1.data(), T_in,
                       nullptr) == NN_STATUS_OK);
        CHECK(DEV_CALL(b, upsample_cubic_backward_dev, ddy.data(), To, scale, dx2.data(), T_in,
                       nullptr) == NN_STATUS_OK);
        const std::vector<float> gy = y1.download(), gy2 = y2.download();
        const std::vector<float> gdx = dx1.download(), gdx2 = dx2.download();
        const double ey  = gy.size() == To ? nmse(gy.data(), y_ref.data(), To) : INFINITY;
        const double edx = gdx.size() == T_in ? nmse(gdx.data(), dx_ref.data(), T_in) : INFINITY;
        CHECK_MSG(ey <= max_nmse_err(), "forward %s: NMSE %.3g (inf: unwritten / NaN)",
                  name().c_str(), ey);
        CHECK_MSG(edx <= max_nmse_err(), "backward %s: NMSE %.3g (inf: unwritten / NaN)",
                  name().c_str(), edx);
        if (test_verbose()) {
            std::printf("    %s: forward NMSE %.3g (%s), backward NMSE %.3g (%s)\n",
                        name().c_str(), ey, same_bits(gy, y_ref) ? "bitwise" : "not bitwise", edx,
                        same_bits(gdx, dx_ref) ? "bitwise" : "not bitwise");
        }
        CHECK(y1.guards_intact() && dx1.guards_intact());
        CHECK_MSG(same_bits(gy, gy2) && same_bits(gdx, gdx2), "%s: reruns differ", name().c_str());
    }
};

struct test_resample_dev_arguments : test_case {
    std::string name() const override { return "argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    void        check_values(test_backend b) override {
        dev_buffer buf(b, 64);
        float *    x = buf.data();
        float *    y = x + 16;
        CHECK(DEV_CALL(b, upsample_cubic_forward_dev, nullptr, 8, 2.0, y, 16, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(std::strstr(nn_last_error(), "upsample_cubic_forward_dev") != nullptr);
        CHECK(DEV_CALL(b, upsample_cubic_forward_dev, x, 8, 0.5, y, 4, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT); // a downsampling scale
        CHECK(DEV_CALL(b, upsample_cubic_forward_dev, x, 8, NAN, y, 16, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, upsample_cubic_forward_dev, x, 8, 2.0, y, 40, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT); // 24 samples from ceil(2 * 8)
        CHECK(DEV_CALL(b, upsample_cubic_forward_dev, x, 0, 2.0, y, 16, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, upsample_cubic_forward_dev, x, 8, 2.0, x + 4, 16, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT); // overlap
        CHECK(DEV_CALL(b, upsample_cubic_backward_dev, y, 16, 2.0, nullptr, 8, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(std::strstr(nn_last_error(), "upsample_cubic_backward_dev") != nullptr);
        const std::vector<float> host = buf.download();
        bool                     all_nan = host.size() == 64;
        for (float v : host) {
            all_nan = all_nan && std::isnan(v);
        }
        CHECK(all_nan); // nothing launched
    }
};

/** Forward and backward from T_in samples by 4/3 (CAW's 16 -> 21.3 kHz step). */
struct test_resample_dev_perf : test_case {
    size_t T_in;
    explicit test_resample_dev_perf(size_t t) : T_in(t) {}

    std::string name() const override { return "forward+backward T_in=" + std::to_string(T_in); }
    unsigned    modes() const override { return TEST_PERF; }
    bool        supports(test_backend b) const override { return device_backend(b); }

    test_perf perf(test_backend b) override {
        const double       scale = 4.0 / 3.0;
        const size_t       T_out = upsample_cubic_length(T_in, scale);
        std::vector<float> hx(T_in), hdy(T_out);
        fill_uniform(hx, 81);
        fill_uniform(hdy, 82);
        auto x  = std::make_shared<dev_buffer>(b, hx);
        auto dy = std::make_shared<dev_buffer>(b, hdy);
        auto y  = std::make_shared<dev_buffer>(b, T_out);
        auto dx = std::make_shared<dev_buffer>(b, T_in);
        if (x->data() == nullptr || dy->data() == nullptr || y->data() == nullptr ||
            dx->data() == nullptr) {
            return {};
        }
        test_perf p;
        p.work = static_cast<double>(T_in + T_out);
        p.unit = "samples";
        p.run  = [this, b, x, dy, y, dx, scale, T_out] {
            CHECK(DEV_CALL(b, upsample_cubic_forward_dev, x->data(), T_in, scale, y->data(), T_out,
                           nullptr) == NN_STATUS_OK);
            CHECK(DEV_CALL(b, upsample_cubic_backward_dev, dy->data(), T_out, scale, dx->data(),
                           T_in, nullptr) == NN_STATUS_OK);
            dev_synchronize(b);
        };
        return p;
    }
};

} // namespace

NN_TEST_CASES(resample) {
    cases.add<test_resample_dev_arguments>();
    for (const size_t T_in : {size_t(1), size_t(2), size_t(5), size_t(17), size_t(301)}) {
        for (const double scale : {4.0 / 3.0, 1.5, 2.0, 1.0}) {
            cases.add<test_resample_dev>(T_in, scale, 0);
            cases.add<test_resample_dev>(T_in, scale, 7); // zero-padded
            if (upsample_cubic_length(T_in, scale) > 3) {
                cases.add<test_resample_dev>(T_in, scale, -3); // cropped
            }
        }
    }
    cases.add<test_resample_dev>(4099, 4.0 / 3.0, 2);
    cases.add<test_resample_dev_perf>(300000);
}
