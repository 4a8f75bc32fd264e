// test-conv1d-bf16.cpp: conv1d's bf16 path (nn/conv1d.h, "Precision"; src/cpu/conv1d-bf16.cpp)
// and its precision switch. Cases of op conv1d, beside test-conv1d.cpp's.
//   bf16 (check_conv1d_bf16, run by test_conv1d on backend bf16 at every value shape the bf16
//        kernels take): forward, dx and dw through the entry points against
//        (1) the double reference of the bf16-ROUNDED inputs, rounded here with frexp/nearbyint
//            (independent of the kernels' VCVTNE2PS2BF16 and bit trick): every element within
//            the fp32 accumulation's bound n * 2^-23 * sum|w x|, so a wrong pair, tap, parity or
//            rounding mode fails;
//        (2) the double reference of the ORIGINAL inputs: every element within nn/conv1d.h's
//            worst-case bound (2^-7 + 2^-16 + n * 2^-23) * sum|w x|, and NMSE < 2^-16; NMSE above
//            1e-8 too, which an fp32 result (~1e-14) would not reach: the bf16 path really ran;
//        += into dw and dbias, dbias at fp32 accuracy, bitwise reruns and one thread.
//   test "precision switch" (CPU): thread-local, bf16 requested without the CPU feature falls
//        back to fp32 (bitwise the fp32 results), conv1d_cpu_kernel() follows it.
// Where the CPU has no AVX512_BF16 the runner prints "SKIP conv1d bf16 test: …" (exit 77).

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "cpu/conv1d-bf16.h"
#include "cpu/conv1d-impl.h"
#include "cpu/parallel.h"
#include "nn/conv1d.h"
#include "test-common.h"
#include "test-conv1d.h"
#include "test-registry.h"

namespace {

constexpr double U = 1.0 / 256.0; // bf16's unit roundoff, 2^-8 (8-bit significand)

// f rounded to bf16: 8 significant bits, nearest even (the default rounding mode of nearbyint),
// fp32 subnormals to signed zero (as VCVTNE2PS2BF16).
double round_bf16(float f) {
    if (std::fabs(f) < FLT_MIN) {
        return std::copysign(0.0, double(f));
    }
    int          e = 0;
    const double m = std::frexp(double(f), &e); // |m| in [0.5, 1)
    return std::ldexp(std::nearbyint(std::ldexp(m, 8)), e - 8);
}

template <typename F>
std::vector<double> map(const std::vector<float> & v, F && f) {
    std::vector<double> out(v.size());
    for (size_t j = 0; j < v.size(); j++)
        out[j] = f(v[j]);
    return out;
}

// y (with bias), dx and dw of the double reference loops; dw without the += base.
struct ref_run {
    std::vector<double> y, dx, dw;
};
ref_run reference(const conv_case & c, const std::vector<double> & x, const std::vector<double> & w,
                  const std::vector<double> & bias, const std::vector<double> & dy) {
    ref_run r{std::vector<double>(c.n_y()), std::vector<double>(c.n_x()),
              std::vector<double>(c.n_w(), 0.0)};
    conv1d_forward_ref(x.data(), w.data(), bias.data(), r.y.data(), c.B, c.C_in, c.C_out, c.T_in,
                       c.K, c.D, c.pad);
    conv1d_backward_ref(x.data(), w.data(), dy.data(), r.dx.data(), r.dw.data(),
                        static_cast<double *>(nullptr), c.B, c.C_in, c.C_out, c.T_in, c.K, c.D,
                        c.pad);
    return r;
}

// The worst element of |got - base - ref| / (slope * mag + 2^-23 |ref| + 1e-30) (<= 1 passes);
// the 2^-23 |ref| term covers the one rounding of the += into dw.
double worst_ratio(const std::vector<float> & got, float base, const std::vector<double> & ref,
                   const std::vector<double> & mag, double slope) {
    double worst = 0.0;
    for (size_t j = 0; j < got.size(); j++) {
        const double err = std::fabs(double(got[j]) - double(base) - ref[j]);
        const double tol = slope * mag[j] + std::ldexp(std::fabs(ref[j]), -23) + 1e-30;
        worst            = std::isfinite(err) ? std::fmax(worst, err / tol) : INFINITY;
    }
    return worst;
}

double nmse_minus(const std::vector<float> & got, float base, const std::vector<double> & ref) {
    std::vector<double> g(got.size());
    for (size_t j = 0; j < got.size(); j++)
        g[j] = double(got[j]) - double(base);
    return nmse(g.data(), ref.data(), ref.size());
}

void test_precision_switch() {
    CHECK(conv1d_get_precision() == NN_CONV_FP32); // every thread starts in fp32
    const char * const fp32_kernel = conv1d_cpu_kernel();
    const conv_case    c           = {1, 8, 8, 9, 2, 0, 300};
    std::vector<float> x(c.n_x()), w(c.n_w()), bias(c.C_out), dy(c.n_y());
    fill_uniform(x, 71);
    fill_uniform(w, 72, -0.2, 0.2);
    fill_uniform(bias, 73);
    fill_uniform(dy, 74);
    const float_run fp32 = run_entry(c, x, w, bias, dy);

    // Without the CPU feature (simulated, whatever this CPU has) bf16 falls back to fp32.
    CHECK(conv1d_set_precision_on(NN_CONV_BF16, false) == NN_CONV_FP32);
    CHECK(conv1d_get_precision() == NN_CONV_FP32);
    CHECK(std::strcmp(conv1d_cpu_kernel(), fp32_kernel) == 0);
    CHECK(same_bits(run_entry(c, x, w, bias, dy), fp32));
    if (!conv1d_bf16_available()) {
        CHECK(conv1d_set_precision(NN_CONV_BF16) == NN_CONV_FP32);
        CHECK(conv1d_get_precision() == NN_CONV_FP32);
        std::printf("  (no AVX512_BF16 here: the fallback is what there is to check)\n");
        return;
    }

    CHECK(conv1d_set_precision(NN_CONV_BF16) == NN_CONV_FP32);
    CHECK(conv1d_get_precision() == NN_CONV_BF16);
    CHECK(std::strcmp(conv1d_cpu_kernel(), "avx512bf16") == 0);
    const float_run bf16 = run_entry(c, x, w, bias, dy);
    CHECK_MSG(!same_bits(bf16, fp32), "bf16 precision gave the fp32 results");

    // Another thread starts in fp32 and computes in fp32 while this one is in bf16 ...
    nn_conv_precision other_start  = NN_CONV_BF16;
    const char *      other_kernel = "";
    float_run         other;
    std::thread([&] {
        other_start  = conv1d_get_precision();
        other_kernel = conv1d_cpu_kernel();
        other        = run_entry(c, x, w, bias, dy);
    }).join();
    CHECK(other_start == NN_CONV_FP32 && std::strcmp(other_kernel, fp32_kernel) == 0);
    CHECK_MSG(same_bits(other, fp32), "a thread that never switched did not compute in fp32");
    CHECK(conv1d_get_precision() == NN_CONV_BF16);

    // ... and its switch to bf16 does not reach this thread, back in fp32.
    CHECK(conv1d_set_precision(NN_CONV_FP32) == NN_CONV_BF16);
    std::thread([&] {
        conv1d_set_precision(NN_CONV_BF16);
        other = run_entry(c, x, w, bias, dy);
    }).join();
    CHECK(same_bits(other, bf16));
    CHECK(conv1d_get_precision() == NN_CONV_FP32);
    CHECK(same_bits(run_entry(c, x, w, bias, dy), fp32));
}

} // namespace

void check_conv1d_bf16(const conv_case & c, uint64_t seed) {
    conv_inputs in(c, seed); // the same inputs as the other precision's check
    std::vector<float> &x = in.x, &w = in.w, &bias = in.bias, &dy = in.dy;
    const float     base = 0.25f;
    const float_run got  = run_entry(c, x, w, bias, dy, base);

    auto          same  = [](float v) { return double(v); };
    auto          mag   = [](float v) { return std::fabs(double(v)); };
    const ref_run exact = reference(c, map(x, same), map(w, same), map(bias, same), map(dy, same));
    const ref_run rounded =
        reference(c, map(x, round_bf16), map(w, round_bf16), map(bias, same), map(dy, round_bf16));
    const ref_run sums = reference(c, map(x, mag), map(w, mag), map(bias, mag), map(dy, mag));

    // products per output: y sums C_in*K, dx C_out*K, dw B*T_out
    const double n[3] = {double(c.C_in * c.K), double(c.C_out * c.K), double(c.B * c.T_out())};
    const std::vector<float> *  out[3]   = {&got.y, &got.dx, &got.dw};
    const float                 bases[3] = {0.0f, 0.0f, base};
    const std::vector<double> * ex[3]    = {&exact.y, &exact.dx, &exact.dw};
    const std::vector<double> * rd[3]    = {&rounded.y, &rounded.dx, &rounded.dw};
    const std::vector<double> * sm[3]    = {&sums.y, &sums.dx, &sums.dw};
    const char *                what[3]  = {"y", "dx", "dw"};
    for (int i = 0; i < 3; i++) {
        const double acc_slope = n[i] * std::ldexp(1.0, -23);
        const double fp32_sums =
            worst_ratio(*out[i], bases[i], *rd[i], *sm[i], acc_slope * (1.0 + U) * (1.0 + U));
        const double whole_bound =
            worst_ratio(*out[i], bases[i], *ex[i], *sm[i], 2.0 * U + U * U + acc_slope);
        const double e = nmse_minus(*out[i], bases[i], *ex[i]);
        if (test_verbose()) {
            std::printf("    %s: nmse %.3g (u^2 = %.3g), worst |err| / bound: %.3g vs rounded "
                        "inputs, %.3g vs exact\n",
                        what[i], e, U * U, fp32_sums, whole_bound);
        }
        CHECK_MSG(
            fp32_sums <= 1.0 && whole_bound <= 1.0 && e < U * U && e > 1e-8,
            "B%zu C_in%zu C_out%zu K%zu D%zu pad%zu T%zu %s: worst |err|/bound %.3g vs the "
            "bf16-rounded inputs, %.3g vs the exact ones; nmse %.3g (need 1e-8 < nmse < %.3g)",
            c.B, c.C_in, c.C_out, c.K, c.D, c.pad, c.T_in, what[i], fp32_sums, whole_bound, e,
            U * U);
    }
    std::vector<double> db(c.C_out, 0.0);
    for (size_t b = 0; b < c.B; b++) {
        for (size_t o = 0; o < c.C_out; o++) {
            for (size_t t = 0; t < c.T_out(); t++)
                db[o] += double(dy[(b * c.C_out + o) * c.T_out() + t]);
        }
    }
    CHECK_MSG(nmse_minus(got.db, base, db) < 1e-10, "dbias is not at fp32 accuracy: nmse %.3g",
              nmse_minus(got.db, base, db));

    // += semantics: a second backward on top of the first adds the gradients again.
    float_run      twice = run_entry(c, x, w, bias, dy, base);
    nn_tensor_view vx    = nn_view_3d(x.data(), c.B, c.C_in, c.T_in);
    nn_tensor_view vw    = nn_view_3d(w.data(), c.C_out, c.C_in, c.K);
    nn_tensor_view vdy   = nn_view_3d(dy.data(), c.B, c.C_out, c.T_out());
    nn_tensor_view vdw   = nn_view_3d(twice.dw.data(), c.C_out, c.C_in, c.K);
    nn_tensor_view vdb   = test_view_1d(twice.db.data(), c.C_out);
    CHECK(conv1d_backward_cpu(&vx, &vw, &vdy, nullptr, &vdw, &vdb, c.D, c.pad) == NN_STATUS_OK);
    std::vector<double> dw2(exact.dw), db2(db);
    for (double & v : dw2)
        v *= 2.0;
    for (double & v : db2)
        v *= 2.0;
    CHECK_MSG(nmse_minus(twice.dw, base, dw2) < U * U && nmse_minus(twice.db, base, db2) < 1e-10,
              "C_in%zu C_out%zu: a second backward did not add to dw/dbias", c.C_in, c.C_out);

    // bitwise determinism: a rerun, and a rerun on one thread
    const float_run again = run_entry(c, x, w, bias, dy, base);
    nn_set_cpu_threads(1);
    const float_run single = run_entry(c, x, w, bias, dy, base);
    nn_set_cpu_threads(0);
    CHECK_MSG(same_bits(again, got) && same_bits(single, got),
              "C_in%zu C_out%zu D%zu T%zu: a %s run differs bitwise", c.C_in, c.C_out, c.D, c.T_in,
              same_bits(again, got) ? "single-thread" : "second");
}

NN_TEST_CASES(conv1d) {
    cases.values("precision switch", test_precision_switch);
}
