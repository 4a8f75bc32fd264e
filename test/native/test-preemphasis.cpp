// test-preemphasis.cpp: the pre-emphasis op's cases (nn/preemphasis.h).
//   test (cpu)   known values, float entry points vs double, argument checks
//   test (cuda, sim)  the device entry points (cuda/device-ops.h) vs CPU: NMSE per direction,
//                NaN-poisoned outputs (an unwritten element fails), guard zones (an out-of-bounds
//                write fails), odd sizes, bitwise-identical reruns, argument checks; sim runs the
//                same kernels on the CPU simulator (three thread orders), at the small shapes;
//                the runner prints "SKIP preemphasis cuda: …" where CUDA cannot run
//   grad         finite differences in double on the CPU reference's own row loops
//   perf         forward + backward on either backend

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpu/preemphasis-rows.h"
#include "nn/nn.h"
#include "nn/preemphasis.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

const shape_3d SHAPES[]       = {{1, 1, 1}, {1, 1, 2}, {2, 3, 17}, {3, 5, 64}, {1, 2, 4099}};
const float    COEFFICIENTS[] = {0.97f, -0.5f, 0.0f};
// The simulator runs one fiber per thread: it takes the shapes up to this many elements.
constexpr size_t SIM_MAX_ELEMENTS = 20000;

// x is (B, C, T), y is (B, C, T), in double: the reference of the reference.
void forward_double(const std::vector<double> & x, std::vector<double> & y, shape_3d s, double a) {
    for (size_t row = 0; row < s.B * s.C; row++) {
        preemphasis_forward_row(x.data() + row * s.T, y.data() + row * s.T, s.T, a);
    }
}

// dy is (B, C, T), dx is (B, C, T)
void backward_double(const std::vector<double> & dy, std::vector<double> & dx, shape_3d s,
                     double a) {
    for (size_t row = 0; row < s.B * s.C; row++) {
        preemphasis_backward_row(dy.data() + row * s.T, dx.data() + row * s.T, s.T, a);
    }
}

// ----------------------------------------------------------------------------
// CPU

void test_known_values() {
    float          x[3]  = {1.0f, 2.0f, 3.0f};
    float          y[3]  = {NAN, NAN, NAN};
    float          dy[3] = {1.0f, 1.0f, 1.0f};
    float          dx[3] = {NAN, NAN, NAN};
    nn_tensor_view vx    = nn_view_3d(x, 1, 1, 3);
    nn_tensor_view vy    = nn_view_3d(y, 1, 1, 3);
    nn_tensor_view vdy   = nn_view_3d(dy, 1, 1, 3);
    nn_tensor_view vdx   = nn_view_3d(dx, 1, 1, 3);
    CHECK(preemphasis_forward_cpu(&vx, &vy, 0.5f) == NN_STATUS_OK);
    CHECK(y[0] == 1.0f && y[1] == 1.5f && y[2] == 2.0f);
    CHECK(preemphasis_backward_cpu(&vdy, &vdx, 0.5f) == NN_STATUS_OK);
    CHECK(dx[0] == 0.5f && dx[1] == 0.5f && dx[2] == 1.0f);
    CHECK(std::strcmp(nn_last_error(), "") == 0);
}

// ----------------------------------------------------------------------------
// the op at one shape and coefficient

/**
 * Pre-emphasis at (B, C, T) and a. test: the float entry points against the double loops
 * (outputs NaN-poisoned); on CUDA against the CPU, with guarded outputs and a bitwise rerun.
 * grad: L(x) = sum(w * forward(x)); backward(w) must equal dL/dx by central differences.
 */
struct test_preemphasis : test_case {
    shape_3d s;
    float    a;
    unsigned modes_;
    uint64_t seed; // the CPU's; CUDA's is seed + 900

    test_preemphasis(shape_3d shape, float coefficient, unsigned modes, uint64_t first_seed) :
        s(shape), a(coefficient), modes_(modes), seed(first_seed) {}

    std::string name() const override {
        char buf[80];
        std::snprintf(buf, sizeof(buf), "(%zu, %zu, %zu) a=%g", s.B, s.C, s.T, a);
        return buf;
    }
    unsigned modes() const override { return modes_; }
    bool     supports(test_backend backend) const override { // CPU, CUDA, sim (small sizes)
        return backend == test_backend::cpu || backend == test_backend::cuda ||
               (backend == test_backend::sim && s.numel() <= SIM_MAX_ELEMENTS);
    }
    /** Float results against the double reference (CPU) or the CPU (CUDA). */
    double max_nmse_err() const override { return 1e-10; }

    void check_values(test_backend backend) override {
        if (device_backend(backend)) {
            check_device(backend);
            return;
        }
        const size_t       n = s.numel();
        std::vector<float> x(n), dy(n), y(n, NAN), dx(n, NAN);
        fill_uniform(x, seed);
        fill_uniform(dy, seed + 1);
        std::vector<double> xd(x.begin(), x.end()), dyd(dy.begin(), dy.end()), yd(n), dxd(n);
        forward_double(xd, yd, s, a);
        backward_double(dyd, dxd, s, a);

        nn_tensor_view vx  = nn_view_3d(x.data(), s.B, s.C, s.T);
        nn_tensor_view vy  = nn_view_3d(y.data(), s.B, s.C, s.T);
        nn_tensor_view vdy = nn_view_3d(dy.data(), s.B, s.C, s.T);
        nn_tensor_view vdx = nn_view_3d(dx.data(), s.B, s.C, s.T);
        CHECK(preemphasis_forward_cpu(&vx, &vy, a) == NN_STATUS_OK);
        CHECK(preemphasis_backward_cpu(&vdy, &vdx, a) == NN_STATUS_OK);
        const double e_fwd = nmse(y.data(), yd.data(), n);
        const double e_bwd = nmse(dx.data(), dxd.data(), n);
        CHECK_MSG(e_fwd < max_nmse_err(), "forward %s: nmse %.3g", name().c_str(), e_fwd);
        CHECK_MSG(e_bwd < max_nmse_err(), "backward %s: nmse %.3g", name().c_str(), e_bwd);
    }

    void check_grad() override {
        const double        EPS         = 1e-5;
        const double        MAX_REL_ERR = 1e-8;
        const double        ad          = a;
        const size_t        n           = s.numel();
        std::vector<double> x(n), w(n), y(n), dx(n);
        fill_uniform(x, seed);
        fill_uniform(w, seed + 1);
        backward_double(w, dx, s, ad);
        double worst = 0.0;
        for (size_t i = 0; i < n; i++) {
            const double saved = x[i];
            double       loss[2];
            for (int side = 0; side < 2; side++) {
                x[i] = saved + (side == 0 ? EPS : -EPS);
                forward_double(x, y, s, ad);
                loss[side] = 0.0;
                for (size_t j = 0; j < n; j++) {
                    loss[side] += w[j] * y[j];
                }
            }
            x[i]                 = saved;
            const double numeric = (loss[0] - loss[1]) / (2.0 * EPS);
            const double err     = std::fabs(numeric - dx[i]) / std::fmax(1.0, std::fabs(dx[i]));
            worst                = std::fmax(worst, err);
        }
        CHECK_MSG(worst < MAX_REL_ERR, "%s: worst relative error %.3g", name().c_str(), worst);
    }

    test_perf perf(test_backend backend) override {
        auto x = std::make_shared<std::vector<float>>(s.numel());
        fill_uniform(*x, seed);
        auto      y = std::make_shared<std::vector<float>>(s.numel());
        test_perf p;
        p.work = 2.0 * static_cast<double>(s.numel()); // forward + backward elements
        if (backend == test_backend::cpu) {
            p.run = [this, x, y] {
                nn_tensor_view vx = nn_view_3d(x->data(), s.B, s.C, s.T);
                nn_tensor_view vy = nn_view_3d(y->data(), s.B, s.C, s.T);
                preemphasis_forward_cpu(&vx, &vy, a);
                preemphasis_backward_cpu(&vx, &vy, a);
            };
        }
        if (device_backend(backend)) {
            auto d_x = std::make_shared<dev_buffer>(backend, *x);
            auto d_y = std::make_shared<dev_buffer>(backend, *y);
            if (d_x->data() == nullptr || d_y->data() == nullptr) {
                return {};
            }
            p.run = [this, backend, d_x, d_y] {
                DEV_CALL(backend, preemphasis_forward_dev, d_x->data(), d_y->data(), s.B * s.C, s.T,
                         a, nullptr);
                DEV_CALL(backend, preemphasis_backward_dev, d_x->data(), d_y->data(), s.B * s.C,
                         s.T, a, nullptr);
                dev_synchronize(backend);
            };
        }
        return p;
    }

  private:
    void check_device(test_backend b);
};

void expect_invalid(nn_status status, const char * what) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), "preemphasis_") != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    std::vector<float> a(24, 0.0f), b(24, 0.0f);
    nn_tensor_view     va = nn_view_3d(a.data(), 2, 3, 4);
    nn_tensor_view     vb = nn_view_3d(b.data(), 2, 3, 4);

    expect_invalid(preemphasis_forward_cpu(nullptr, &vb, 0.97f), "null x");
    expect_invalid(preemphasis_backward_cpu(&va, nullptr, 0.97f), "null dx");

    nn_tensor_view no_data = nn_view_3d(nullptr, 2, 3, 4);
    expect_invalid(preemphasis_forward_cpu(&no_data, &vb, 0.97f), "null data");

    nn_tensor_view other_shape = nn_view_3d(b.data(), 2, 4, 3);
    expect_invalid(preemphasis_forward_cpu(&va, &other_shape, 0.97f), "shape mismatch");
    CHECK(std::strstr(nn_last_error(), "(2, 3, 4)") != nullptr);

    nn_tensor_view empty   = nn_view_3d(b.data(), 2, 3, 0);
    nn_tensor_view empty_x = nn_view_3d(a.data(), 2, 3, 0);
    expect_invalid(preemphasis_forward_cpu(&empty_x, &empty, 0.97f), "T = 0");

    nn_tensor_view two_d = va;
    two_d.ndim           = 2;
    expect_invalid(preemphasis_forward_cpu(&two_d, &vb, 0.97f), "2-D view");

    nn_tensor_view strided = vb;
    strided.strides[2]     = 2;
    expect_invalid(preemphasis_forward_cpu(&va, &strided, 0.97f), "non-contiguous");

    nn_tensor_view overlapping = nn_view_3d(a.data() + 1, 1, 1, 4);
    nn_tensor_view head        = nn_view_3d(a.data(), 1, 1, 4);
    expect_invalid(preemphasis_forward_cpu(&head, &overlapping, 0.97f), "overlap");

    // A failure must not leave the output partly written.
    std::fill(b.begin(), b.end(), 7.0f);
    nn_tensor_view small = nn_view_3d(b.data(), 2, 3, 3);
    CHECK(preemphasis_forward_cpu(&va, &small, 0.97f) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(b[0] == 7.0f && b[23] == 7.0f);
}

// ----------------------------------------------------------------------------
// device (cuda, sim)

// One direction on the device into a guarded output: its n values, and whether the guards held.
std::vector<float> run_device_once(test_backend b, bool forward, const float * d_in, shape_3d s,
                                   float a, bool * guards_ok) {
    dev_buffer      out(b, s.numel());
    const nn_status status =
        forward
            ? DEV_CALL(b, preemphasis_forward_dev, d_in, out.data(), s.B * s.C, s.T, a, nullptr)
            : DEV_CALL(b, preemphasis_backward_dev, d_in, out.data(), s.B * s.C, s.T, a, nullptr);
    CHECK_MSG(status == NN_STATUS_OK, "%s", nn_last_error());
    *guards_ok = out.guards_intact();
    return out.download();
}

// Device vs CPU: NMSE per direction, NaN-poisoned outputs (an unwritten element fails), guard
// zones (an out-of-bounds write fails), bitwise-identical reruns; on CUDA the view entry points
// (nn/preemphasis.h) give the raw entries' bits.
void test_preemphasis::check_device(test_backend b) {
    const size_t       n = s.numel();
    std::vector<float> x(n), dy(n), y_cpu(n), dx_cpu(n);
    fill_uniform(x, seed + 900);
    fill_uniform(dy, seed + 901);
    nn_tensor_view vx  = nn_view_3d(x.data(), s.B, s.C, s.T),
                   vy  = nn_view_3d(y_cpu.data(), s.B, s.C, s.T);
    nn_tensor_view vdy = nn_view_3d(dy.data(), s.B, s.C, s.T),
                   vdx = nn_view_3d(dx_cpu.data(), s.B, s.C, s.T);
    CHECK(preemphasis_forward_cpu(&vx, &vy, a) == NN_STATUS_OK);
    CHECK(preemphasis_backward_cpu(&vdy, &vdx, a) == NN_STATUS_OK);

    const dev_buffer d_x(b, x), d_dy(b, dy);
    if (d_x.data() == nullptr || d_dy.data() == nullptr) {
        return;
    }
    const struct {
        bool                       forward;
        const char *               what;
        const float *              d_in;
        const std::vector<float> * ref;
    } directions[] = {{true, "forward", d_x.data(), &y_cpu},
                      {false, "backward", d_dy.data(), &dx_cpu}};
    for (const auto & d : directions) {
        bool                     guards_first = false, guards_second = false;
        const std::vector<float> first = run_device_once(b, d.forward, d.d_in, s, a, &guards_first);
        const std::vector<float> second =
            run_device_once(b, d.forward, d.d_in, s, a, &guards_second);
        if (first.size() != n || second.size() != n) {
            continue; // a device call failed and was reported
        }
        const double e = nmse(first.data(), d.ref->data(), n);
        CHECK_MSG(e < max_nmse_err(), "%s %s: nmse %.3g (inf = unwritten/NaN element)", d.what,
                  name().c_str(), e);
        CHECK_MSG(guards_first && guards_second, "%s %s: write outside the output", d.what,
                  name().c_str());
        CHECK_MSG(std::memcmp(first.data(), second.data(), n * sizeof(float)) == 0,
                  "%s %s: reruns differ", d.what, name().c_str());
#if defined(NN_WITH_CUDA)
        if (b == test_backend::cuda) {
            dev_buffer     out(b, n);
            nn_tensor_view vin  = nn_view_3d(const_cast<float *>(d.d_in), s.B, s.C, s.T);
            nn_tensor_view vout = nn_view_3d(out.data(), s.B, s.C, s.T);
            CHECK(d.forward ? preemphasis_forward_cuda(&vin, &vout, a, nullptr) == NN_STATUS_OK
                            : preemphasis_backward_cuda(&vin, &vout, a, nullptr) == NN_STATUS_OK);
            const std::vector<float> view = out.download();
            CHECK_MSG(
                view.size() == n && std::memcmp(view.data(), first.data(), n * sizeof(float)) == 0,
                "%s %s: the view entry point differs from the raw one", d.what, name().c_str());
        }
#endif
    }
}

void test_device_argument_checks(test_backend b) {
    dev_buffer d(b, std::vector<float>(8, 0.0f));
    if (d.data() == nullptr) {
        return;
    }
    float * p = d.data();
    CHECK(DEV_CALL(b, preemphasis_forward_dev, nullptr, p, 1, 4, 0.97f, nullptr) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(DEV_CALL(b, preemphasis_backward_dev, p, nullptr, 1, 4, 0.97f, nullptr) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(DEV_CALL(b, preemphasis_forward_dev, p, p + 4, 0, 4, 0.97f, nullptr) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(DEV_CALL(b, preemphasis_forward_dev, p, p + 4, 1, 0, 0.97f, nullptr) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(DEV_CALL(b, preemphasis_forward_dev, p, p + 2, 1, 4, 0.97f, nullptr) ==
          NN_STATUS_INVALID_ARGUMENT); // overlap
    CHECK(std::strstr(nn_last_error(), "preemphasis_forward_dev") != nullptr);
#if defined(NN_WITH_CUDA)
    if (b == test_backend::cuda) {
        nn_tensor_view va = nn_view_3d(p, 1, 1, 4), vb = nn_view_3d(p + 4, 1, 2, 2);
        CHECK(preemphasis_forward_cuda(&va, &vb, 0.97f, nullptr) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(preemphasis_backward_cuda(&va, nullptr, 0.97f, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
    }
#endif
}

/** The device entry points' own argument checks (the CPU's are test_argument_checks). */
struct test_device_arguments : test_case {
    std::string name() const override { return "argument checks (device)"; }
    bool        supports(test_backend backend) const override { return device_backend(backend); }
    void check_values(test_backend backend) override { test_device_argument_checks(backend); }
};

} // namespace

NN_TEST_CASES(preemphasis) {
    cases.values("known values", test_known_values);
    cases.values("argument checks", test_argument_checks);
    cases.add<test_device_arguments>();
    // Values (CPU: against double; CUDA: against the CPU) at odd and one-sample shapes.
    uint64_t seed = 100;
    for (const shape_3d s : SHAPES) {
        for (const float a : COEFFICIENTS) {
            cases.add<test_preemphasis>(s, a, TEST_VALUES, seed);
            seed += 2;
        }
    }
    // > 2 million elements, odd row length: the GPU grid's edge cases.
    cases.add<test_preemphasis>(shape_3d{7, 3, 100003}, 0.97f, TEST_VALUES | TEST_PERF, seed);
    // Finite differences on shapes small enough for O(T^2) double loops.
    seed = 1;
    for (const shape_3d s : {shape_3d{1, 1, 1}, shape_3d{2, 3, 17}, shape_3d{1, 2, 40}}) {
        for (const float a : COEFFICIENTS) {
            cases.add<test_preemphasis>(s, a, TEST_GRAD, seed);
            seed += 2;
        }
    }
}
