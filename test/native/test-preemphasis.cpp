// test-preemphasis.cpp: the pre-emphasis op's test case.
//   nn_test_preemphasis cpu   known values, finite differences in double on the CPU reference's
//                             own row loops, float entry points vs double, argument checks
//   nn_test_preemphasis cuda  CUDA vs CPU: NMSE per op, NaN-poisoned outputs (an unwritten
//                             element fails), guard zones (an out-of-bounds write fails), odd
//                             sizes, bitwise-identical reruns. Prints "SKIP: no CUDA device
//                             (<reason>)" and exits 77 when it cannot run.

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/preemphasis-rows.h"
#include "nn/nn.h"
#include "nn/preemphasis.h"
#include "test-common.h"

#if defined(NN_WITH_CUDA)
#include <cuda_runtime.h>
#endif

namespace {

/** Per-op NMSE limit for float results against the double reference (CPU) or CPU (CUDA). */
constexpr double PREEMPHASIS_MAX_NMSE = 1e-10;

const shape_3d SHAPES[]       = {{1, 1, 1}, {1, 1, 2}, {2, 3, 17}, {3, 5, 64}, {1, 2, 4099}};
const float    COEFFICIENTS[] = {0.97f, -0.5f, 0.0f};

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

// L(x) = sum(w * forward(x)); backward(w) must equal dL/dx by central differences, in double.
void test_gradient_finite_differences() {
    const double EPS         = 1e-5;
    const double MAX_REL_ERR = 1e-8;
    uint64_t     seed        = 1;
    for (const shape_3d s : {shape_3d{1, 1, 1}, shape_3d{2, 3, 17}, shape_3d{1, 2, 40}}) {
        for (const float a_f : COEFFICIENTS) {
            const double        a = a_f;
            const size_t        n = s.numel();
            std::vector<double> x(n), w(n), y(n), dx(n);
            fill_uniform(x, seed++);
            fill_uniform(w, seed++);
            backward_double(w, dx, s, a);
            double worst = 0.0;
            for (size_t i = 0; i < n; i++) {
                const double saved = x[i];
                double       loss[2];
                for (int side = 0; side < 2; side++) {
                    x[i] = saved + (side == 0 ? EPS : -EPS);
                    forward_double(x, y, s, a);
                    loss[side] = 0.0;
                    for (size_t j = 0; j < n; j++) {
                        loss[side] += w[j] * y[j];
                    }
                }
                x[i]                 = saved;
                const double numeric = (loss[0] - loss[1]) / (2.0 * EPS);
                const double err = std::fabs(numeric - dx[i]) / std::fmax(1.0, std::fabs(dx[i]));
                worst            = std::fmax(worst, err);
            }
            CHECK_MSG(worst < MAX_REL_ERR, "shape (%zu, %zu, %zu) a=%g: worst relative error %.3g",
                      s.B, s.C, s.T, a, worst);
        }
    }
}

// The float entry points against the double loops, outputs poisoned with NaN beforehand.
void test_float_matches_double() {
    uint64_t seed = 100;
    for (const shape_3d s : SHAPES) {
        for (const float a : COEFFICIENTS) {
            const size_t       n = s.numel();
            std::vector<float> x(n), dy(n), y(n, NAN), dx(n, NAN);
            fill_uniform(x, seed++);
            fill_uniform(dy, seed++);
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
            CHECK_MSG(e_fwd < PREEMPHASIS_MAX_NMSE, "forward (%zu, %zu, %zu) a=%g: nmse %.3g", s.B,
                      s.C, s.T, a, e_fwd);
            CHECK_MSG(e_bwd < PREEMPHASIS_MAX_NMSE, "backward (%zu, %zu, %zu) a=%g: nmse %.3g", s.B,
                      s.C, s.T, a, e_bwd);
        }
    }
}

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

int run_cpu() {
    test_known_values();
    test_gradient_finite_differences();
    test_float_matches_double();
    test_argument_checks();
    return test_exit_code("nn_preemphasis_cpu");
}

// ----------------------------------------------------------------------------
// CUDA

#if defined(NN_WITH_CUDA)

#define CUDA_OK(call)                                                      \
    do {                                                                   \
        const cudaError_t err_ = (call);                                   \
        if (err_ != cudaSuccess) {                                         \
            std::printf("FAIL %s:%d: %s: %s\n", __FILE__, __LINE__, #call, \
                        cudaGetErrorString(err_));                         \
            test_failures()++;                                             \
            return;                                                        \
        }                                                                  \
    } while (0)

/** Elements of poison on each side of a device output, to catch out-of-bounds writes. */
constexpr size_t GUARD = 1024;

/** A device buffer [guard | n | guard] filled with 0xFF bytes (NaN as float). */
struct poisoned_buffer {
    float * base = nullptr;
    size_t  n    = 0;
    float * data() const { return base + GUARD; }
    size_t  total() const { return n + 2 * GUARD; }
};

enum class direction { forward, backward };

// Runs one direction on the GPU into a poisoned buffer; returns the host copy of [guard|n|guard].
void run_cuda_once(direction dir, const float * d_in, shape_3d s, float a,
                   std::vector<float> & host_out) {
    poisoned_buffer out;
    out.n = s.numel();
    CUDA_OK(cudaMalloc(&out.base, out.total() * sizeof(float)));
    CUDA_OK(cudaMemset(out.base, 0xFF, out.total() * sizeof(float)));
    nn_tensor_view  vin    = nn_view_3d(const_cast<float *>(d_in), s.B, s.C, s.T);
    nn_tensor_view  vout   = nn_view_3d(out.data(), s.B, s.C, s.T);
    const nn_status status = dir == direction::forward
                                 ? preemphasis_forward_cuda(&vin, &vout, a, nullptr)
                                 : preemphasis_backward_cuda(&vin, &vout, a, nullptr);
    CHECK_MSG(status == NN_STATUS_OK, "%s", nn_last_error());
    CUDA_OK(cudaDeviceSynchronize());
    host_out.assign(out.total(), 0.0f);
    CUDA_OK(
        cudaMemcpy(host_out.data(), out.base, out.total() * sizeof(float), cudaMemcpyDeviceToHost));
    CUDA_OK(cudaFree(out.base));
}

bool guards_intact(const std::vector<float> & buffer, size_t n) {
    const unsigned char * bytes = reinterpret_cast<const unsigned char *>(buffer.data());
    for (size_t i = 0; i < GUARD * sizeof(float); i++) {
        if (bytes[i] != 0xFF || bytes[(GUARD + n) * sizeof(float) + i] != 0xFF) {
            return false;
        }
    }
    return true;
}

void test_cuda_parity(shape_3d s, float a, uint64_t seed) {
    const size_t       n = s.numel();
    std::vector<float> x(n), dy(n), y_cpu(n), dx_cpu(n);
    fill_uniform(x, seed);
    fill_uniform(dy, seed + 1);
    nn_tensor_view vx  = nn_view_3d(x.data(), s.B, s.C, s.T),
                   vy  = nn_view_3d(y_cpu.data(), s.B, s.C, s.T);
    nn_tensor_view vdy = nn_view_3d(dy.data(), s.B, s.C, s.T),
                   vdx = nn_view_3d(dx_cpu.data(), s.B, s.C, s.T);
    CHECK(preemphasis_forward_cpu(&vx, &vy, a) == NN_STATUS_OK);
    CHECK(preemphasis_backward_cpu(&vdy, &vdx, a) == NN_STATUS_OK);

    float * d_x  = nullptr;
    float * d_dy = nullptr;
    CUDA_OK(cudaMalloc(&d_x, n * sizeof(float)));
    CUDA_OK(cudaMalloc(&d_dy, n * sizeof(float)));
    CUDA_OK(cudaMemcpy(d_x, x.data(), n * sizeof(float), cudaMemcpyHostToDevice));
    CUDA_OK(cudaMemcpy(d_dy, dy.data(), n * sizeof(float), cudaMemcpyHostToDevice));

    const struct {
        direction            dir;
        const char *         name;
        const float *        d_in;
        std::vector<float> * ref;
    } cases[] = {{direction::forward, "forward", d_x, &y_cpu},
                 {direction::backward, "backward", d_dy, &dx_cpu}};
    for (const auto & c : cases) {
        std::vector<float> first, second;
        run_cuda_once(c.dir, c.d_in, s, a, first);
        run_cuda_once(c.dir, c.d_in, s, a, second);
        if (first.size() != n + 2 * GUARD || second.size() != first.size()) {
            continue; // a CUDA call failed and was reported
        }
        const double e = nmse(first.data() + GUARD, c.ref->data(), n);
        CHECK_MSG(e < PREEMPHASIS_MAX_NMSE,
                  "%s (%zu, %zu, %zu) a=%g: nmse %.3g (inf = unwritten/NaN element)", c.name, s.B,
                  s.C, s.T, a, e);
        CHECK_MSG(guards_intact(first, n), "%s (%zu, %zu, %zu): write outside the output", c.name,
                  s.B, s.C, s.T);
        CHECK_MSG(std::memcmp(first.data(), second.data(), first.size() * sizeof(float)) == 0,
                  "%s (%zu, %zu, %zu): reruns differ", c.name, s.B, s.C, s.T);
    }
    CUDA_OK(cudaFree(d_x));
    CUDA_OK(cudaFree(d_dy));
}

void test_cuda_argument_checks() {
    float * d = nullptr;
    CUDA_OK(cudaMalloc(&d, 8 * sizeof(float)));
    nn_tensor_view a = nn_view_3d(d, 1, 1, 4), b = nn_view_3d(d + 4, 1, 2, 2);
    CHECK(preemphasis_forward_cuda(&a, &b, 0.97f, nullptr) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(preemphasis_backward_cuda(&a, nullptr, 0.97f, nullptr) == NN_STATUS_INVALID_ARGUMENT);
    CUDA_OK(cudaFree(d));
}

#endif // NN_WITH_CUDA

int run_cuda() {
    int  count       = 0;
    char reason[512] = "";
    if (nn_cuda_device_count(&count, reason, sizeof(reason)) != NN_STATUS_OK || count == 0) {
        std::printf("SKIP: no CUDA device (%s)\n", reason[0] != '\0' ? reason : nn_last_error());
        return TEST_SKIP_CODE;
    }
#if defined(NN_WITH_CUDA)
    std::printf("CUDA devices: %d\n", count);
    uint64_t seed = 1000;
    for (const shape_3d s : SHAPES) {
        for (const float a : COEFFICIENTS) {
            test_cuda_parity(s, a, seed);
            seed += 2;
        }
    }
    test_cuda_parity({7, 3, 100003}, 0.97f, seed); // > 2 million elements, odd row length
    test_cuda_argument_checks();
#endif
    return test_exit_code("nn_preemphasis_cuda");
}

} // namespace

int main(int argc, char ** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "cpu") {
        return run_cpu();
    }
    if (mode == "cuda") {
        return run_cuda();
    }
    std::printf("usage: %s cpu|cuda\n", argv[0]);
    return 2;
}
