// test-conv1d-dev.cpp: the device convolutions (cuda/conv1d.cu: conv1d_forward_dev,
// conv1d_backward_dev) on backends cuda and sim (the same kernel source in the CPU simulator,
// once per thread order), cases of op conv1d_dev.
//   test  per shape and precision: y (bias or none, epilogue none or LeakyReLU), dx, dw, dbias
//         against the double reference loops (cpu/conv1d-impl.h) and, in fp32, against the CPU
//         entry points (conv1d_forward_cpu / conv1d_backward_cpu); outputs NaN-poisoned and
//         guarded (an unwritten element or an out-of-bounds write fails); dw and dbias start at
//         0.25 (+=); null gradient pointers skip their gradient and leave the others bitwise
//         unchanged; a rerun is bitwise identical. Known values and argument checks.
//   perf  (cuda only) forward, dx and dw + dbias alone at the trainer's shapes, FLOP/s of one GEMM.
// Tolerances. fp32 (3xTF32): NMSE < 1e-9 against the double reference (measured ~1e-13 in the
// simulator); plain tf32 (hi·hi alone) measured 1e-8 .. 2e-7 here, so the split is checked.
// bf16: the double reference of the bf16-ROUNDED x, w, dy (rounded here with frexp/nearbyint,
// independently of kx::to_bf16) to NMSE < 1e-9: only the fp32 accumulation differs, so a wrong
// rounding, pair or tap fails; against the unrounded reference NMSE < 2^-16 (nn/conv1d.h's bound);
// dbias sums the fp32 dy in both precisions (NMSE < 1e-9). The epilogue's LeakyReLU is applied
// to the reference in double.
// Sizes stay small (T <= 131, C <= 70; a case well under a second per thread order): the
// simulator runs every thread of a block as a fiber.

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpu/conv1d-impl.h"
#include "cuda/device-ops.h"
#include "nn/conv1d.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

constexpr float  BASE        = 0.25f; // dw and dbias start here: backward adds (+=)
constexpr float  LEAKY_SLOPE = 0.2f;
constexpr double FP32_NMSE   = 1e-9;
constexpr double BF16_NMSE   = 1.0 / 65536.0; // 2^-16, against the unrounded reference

// f rounded to bf16: 8 significant bits, nearest even (nearbyint's default mode).
float round_bf16(float f) {
    if (!std::isfinite(f) || f == 0.0f) {
        return f;
    }
    int          e = 0;
    const double m = std::frexp(double(f), &e); // |m| in [0.5, 1)
    return static_cast<float>(std::ldexp(std::nearbyint(std::ldexp(m, 8)), e - 8));
}

struct dev_shape {
    size_t C_in, C_out, T_in, K, D, pad;
    size_t T_out() const { return conv1d_out_length(T_in, K, D, pad); }
    size_t n_x() const { return C_in * T_in; }
    size_t n_y() const { return C_out * T_out(); }
    size_t n_w() const { return C_out * C_in * K; }
};

/** The reference of one case in double: y (with bias, epilogue), dx, dw and dbias (+ BASE). */
struct dev_reference {
    std::vector<double> y, dx, dw, db;
};

dev_reference reference(const dev_shape & s, const std::vector<float> & x,
                        const std::vector<float> & w, const std::vector<float> * bias,
                        const std::vector<float> & dy, const std::vector<float> & dy_for_bias,
                        bool leaky) {
    const std::vector<double> xd(x.begin(), x.end()), wd(w.begin(), w.end());
    const std::vector<double> dyd(dy.begin(), dy.end());
    std::vector<double>       bd(s.C_out, 0.0);
    if (bias != nullptr) {
        bd.assign(bias->begin(), bias->end());
    }
    dev_reference r{std::vector<double>(s.n_y()), std::vector<double>(s.n_x()),
                    std::vector<double>(s.n_w(), 0.0), std::vector<double>(s.C_out, double(BASE))};
    conv1d_forward_ref(xd.data(), wd.data(), bd.data(), r.y.data(), 1, s.C_in, s.C_out, s.T_in, s.K,
                       s.D, s.pad);
    if (leaky) {
        for (double & v : r.y) {
            v = v > 0.0 ? v : double(LEAKY_SLOPE) * v;
        }
    }
    conv1d_backward_ref(xd.data(), wd.data(), dyd.data(), r.dx.data(), r.dw.data(),
                        static_cast<double *>(nullptr), 1, s.C_in, s.C_out, s.T_in, s.K, s.D,
                        s.pad);
    for (double & v : r.dw) {
        v += double(BASE);
    }
    for (size_t o = 0; o < s.C_out; o++) {
        for (size_t t = 0; t < s.T_out(); t++) {
            r.db[o] += double(dy_for_bias[o * s.T_out() + t]);
        }
    }
    return r;
}

/** One run of forward and backward on a device backend: the downloaded outputs. */
struct dev_run {
    std::vector<float> y, dx, dw, db;
    bool               guards = true, ok = true;
};

/**
 * conv1d on the device at one shape, precision, bias and epilogue (see the file comment).
 */
struct test_conv1d_dev : test_case {
    dev_shape         s;
    nn_conv_precision precision;
    bool              with_bias;
    nn_dev_epilogue   epilogue;
    uint64_t          seed;

    test_conv1d_dev(dev_shape shape, nn_conv_precision p, bool bias, nn_dev_epilogue epi,
                    uint64_t first_seed) :
        s(shape), precision(p), with_bias(bias), epilogue(epi), seed(first_seed) {}

    std::string name() const override {
        char buf[128];
        std::snprintf(buf, sizeof(buf), "C_in%zu C_out%zu T%zu K%zu D%zu pad%zu %s %s %s", s.C_in,
                      s.C_out, s.T_in, s.K, s.D, s.pad, with_bias ? "bias" : "no-bias",
                      epilogue == NN_DEV_EPILOGUE_LEAKY ? "leaky" : "linear",
                      precision == NN_CONV_BF16 ? "bf16" : "fp32");
        return buf;
    }
    bool   supports(test_backend b) const override { return device_backend(b); }
    double max_nmse_err() const override { return FP32_NMSE; }

    dev_run run(test_backend b, const std::vector<float> & x, const std::vector<float> & w,
                const std::vector<float> & bias, const std::vector<float> & dy) const {
        dev_run          out;
        dev_buffer       x_in(b, x), w_in(b, w), bias_in(b, bias), ddy(b, dy);
        dev_buffer       y(b, s.n_y()), dx(b, s.n_x());
        dev_buffer       dw(b, std::vector<float>(s.n_w(), BASE));
        dev_buffer       db(b, std::vector<float>(s.C_out, BASE));
        const nn_status  f = DEV_CALL(b, conv1d_forward_dev, x_in.data(), w_in.data(),
                                      with_bias ? bias_in.data() : nullptr, y.data(), s.C_in,
                                      s.C_out, s.T_in, s.K, s.D, s.pad, precision, epilogue,
                                      LEAKY_SLOPE, nullptr);
        const nn_status  g = DEV_CALL(b, conv1d_backward_dev, x_in.data(), w_in.data(),
                                      ddy.data(), dx.data(), dw.data(), db.data(), s.C_in, s.C_out,
                                      s.T_in, s.K, s.D, s.pad, precision, nullptr);
        CHECK_MSG(f == NN_STATUS_OK && g == NN_STATUS_OK, "%s: forward %s, backward %s: %s",
                  name().c_str(), nn_status_string(f), nn_status_string(g), nn_last_error());
        out.ok     = f == NN_STATUS_OK && g == NN_STATUS_OK;
        out.y      = y.download();
        out.dx     = dx.download();
        out.dw     = dw.download();
        out.db     = db.download();
        out.guards = y.guards_intact() && dx.guards_intact() && dw.guards_intact() &&
                     db.guards_intact();
        return out;
    }

    void check_values(test_backend b) override {
        std::vector<float> x(s.n_x()), w(s.n_w()), bias(s.C_out), dy(s.n_y());
        fill_uniform(x, seed);
        fill_uniform(w, seed + 1, -0.2, 0.2);
        fill_uniform(bias, seed + 2);
        fill_uniform(dy, seed + 3);
        const bool leaky = epilogue == NN_DEV_EPILOGUE_LEAKY;

        const dev_run got = run(b, x, w, bias, dy);
        if (!got.ok) {
            return;
        }
        CHECK_MSG(got.guards, "%s: a write outside an output spoiled its guard", name().c_str());

        // against the double reference of what the precision multiplies
        const bool         bf16 = precision == NN_CONV_BF16;
        std::vector<float> xr(x), wr(w), dyr(dy);
        if (bf16) {
            for (std::vector<float> * v : {&xr, &wr, &dyr}) {
                for (float & e : *v) {
                    e = round_bf16(e);
                }
            }
        }
        const dev_reference r = reference(s, xr, wr, with_bias ? &bias : nullptr, dyr, dy, leaky);
        const double        e[4] = {nmse(got.y.data(), r.y.data(), s.n_y()),
                                    nmse(got.dx.data(), r.dx.data(), s.n_x()),
                                    nmse(got.dw.data(), r.dw.data(), s.n_w()),
                                    nmse(got.db.data(), r.db.data(), s.C_out)};
        CHECK_MSG(e[0] < FP32_NMSE && e[1] < FP32_NMSE && e[2] < FP32_NMSE && e[3] < FP32_NMSE,
                  "%s on %s: nmse vs double%s y %.2g dx %.2g dw %.2g dbias %.2g (inf: NaN or "
                  "unwritten)",
                  name().c_str(), test_backend_name(b), bf16 ? " of bf16-rounded inputs" : "", e[0],
                  e[1], e[2], e[3]);
        if (test_verbose()) {
            std::printf("  %s: nmse y %.2g dx %.2g dw %.2g dbias %.2g\n", name().c_str(), e[0],
                        e[1], e[2], e[3]);
        }

        if (bf16) {
            // the unrounded reference: within bf16's error, and not at fp32 accuracy
            const dev_reference u = reference(s, x, w, with_bias ? &bias : nullptr, dy, dy, leaky);
            const double        y_err  = nmse(got.y.data(), u.y.data(), s.n_y());
            const double        dx_err = nmse(got.dx.data(), u.dx.data(), s.n_x());
            const double        dw_err = nmse(got.dw.data(), u.dw.data(), s.n_w());
            CHECK_MSG(y_err < BF16_NMSE && dx_err < BF16_NMSE && dw_err < BF16_NMSE,
                      "%s: bf16 nmse vs unrounded y %.2g dx %.2g dw %.2g", name().c_str(), y_err,
                      dx_err, dw_err);
        } else {
            check_against_cpu(got, x, w, bias, dy);
        }

        // a rerun is bitwise identical
        const dev_run again = run(b, x, w, bias, dy);
        CHECK_MSG(again.ok && same_bits(got.y, again.y) && same_bits(got.dx, again.dx) &&
                      same_bits(got.dw, again.dw) && same_bits(got.db, again.db),
                  "%s: a rerun differs bitwise", name().c_str());

        check_null_gradients(b, x, w, dy, got);
    }

    /** fp32: the device against the CPU entry points (float), as the trainer's parity check. */
    void check_against_cpu(const dev_run & got, std::vector<float> x, std::vector<float> w,
                           std::vector<float> bias, std::vector<float> dy) const {
        std::vector<float> y(s.n_y(), NAN), dx(s.n_x(), NAN), dw(s.n_w(), BASE), db(s.C_out, BASE);
        nn_tensor_view     vx  = nn_view_3d(x.data(), 1, s.C_in, s.T_in);
        nn_tensor_view     vw  = nn_view_3d(w.data(), s.C_out, s.C_in, s.K);
        nn_tensor_view     vb  = test_view_1d(bias.data(), s.C_out);
        nn_tensor_view     vy  = nn_view_3d(y.data(), 1, s.C_out, s.T_out());
        nn_tensor_view     vdy = nn_view_3d(dy.data(), 1, s.C_out, s.T_out());
        nn_tensor_view     vdx = nn_view_3d(dx.data(), 1, s.C_in, s.T_in);
        nn_tensor_view     vdw = nn_view_3d(dw.data(), s.C_out, s.C_in, s.K);
        nn_tensor_view     vdb = test_view_1d(db.data(), s.C_out);
        CHECK(conv1d_forward_cpu(&vx, &vw, with_bias ? &vb : nullptr, &vy, s.D, s.pad) ==
              NN_STATUS_OK);
        CHECK(conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, &vdw, &vdb, s.D, s.pad) == NN_STATUS_OK);
        if (epilogue == NN_DEV_EPILOGUE_LEAKY) {
            for (float & v : y) {
                v = v > 0.0f ? v : LEAKY_SLOPE * v;
            }
        }
        const double e[4] = {nmse(got.y.data(), y.data(), s.n_y()),
                             nmse(got.dx.data(), dx.data(), s.n_x()),
                             nmse(got.dw.data(), dw.data(), s.n_w()),
                             nmse(got.db.data(), db.data(), s.C_out)};
        CHECK_MSG(e[0] < FP32_NMSE && e[1] < FP32_NMSE && e[2] < FP32_NMSE && e[3] < FP32_NMSE,
                  "%s: nmse vs conv1d_*_cpu y %.2g dx %.2g dw %.2g dbias %.2g", name().c_str(),
                  e[0], e[1], e[2], e[3]);
    }

    /** Null gradients skip: dx alone (x null), dw alone, dbias alone: each bitwise as before. */
    void check_null_gradients(test_backend b, const std::vector<float> & x,
                              const std::vector<float> & w, const std::vector<float> & dy,
                              const dev_run & got) const {
        dev_buffer x_in(b, x), w_in(b, w), ddy(b, dy);
        dev_buffer dx(b, s.n_x());
        dev_buffer dw(b, std::vector<float>(s.n_w(), BASE));
        dev_buffer db(b, std::vector<float>(s.C_out, BASE));
        const nn_status a = DEV_CALL(b, conv1d_backward_dev, nullptr, w_in.data(), ddy.data(),
                                     dx.data(), nullptr, nullptr, s.C_in, s.C_out, s.T_in, s.K,
                                     s.D, s.pad, precision, nullptr);
        const nn_status c = DEV_CALL(b, conv1d_backward_dev, x_in.data(), nullptr, ddy.data(),
                                     nullptr, dw.data(), nullptr, s.C_in, s.C_out, s.T_in, s.K,
                                     s.D, s.pad, precision, nullptr);
        const nn_status d = DEV_CALL(b, conv1d_backward_dev, nullptr, nullptr, ddy.data(), nullptr,
                                     nullptr, db.data(), s.C_in, s.C_out, s.T_in, s.K, s.D, s.pad,
                                     precision, nullptr);
        CHECK_MSG(a == NN_STATUS_OK && c == NN_STATUS_OK && d == NN_STATUS_OK,
                  "%s: backward with one gradient: %s", name().c_str(), nn_last_error());
        CHECK_MSG(same_bits(dx.download(), got.dx) && same_bits(dw.download(), got.dw) &&
                      same_bits(db.download(), got.db),
                  "%s: a gradient computed alone differs from the full backward's",
                  name().c_str());
        CHECK(dx.guards_intact() && dw.guards_intact() && db.guards_intact());
    }
};

// ----------------------------------------------------------------------------
// known values and argument checks (on the device backends: the checks run before any launch)

void expect_invalid(nn_status status, const char * what) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), "conv1d_") != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

struct test_conv1d_dev_checks : test_case {
    std::string name() const override { return "known values, argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }

    void check_values(test_backend b) override {
        for (nn_conv_precision p : {NN_CONV_FP32, NN_CONV_BF16}) {
            // the CPU test's hand-computed case: small integers are exact in either precision
            dev_buffer x(b, std::vector<float>{1.0f, 2.0f, 3.0f, 4.0f});
            dev_buffer w(b, std::vector<float>{1.0f, -1.0f}), bias(b, std::vector<float>{0.5f});
            dev_buffer y3(b, 3), y4(b, 4), dy(b, std::vector<float>{1.0f, 1.0f, 1.0f, 1.0f});
            dev_buffer dx(b, 4), dw(b, std::vector<float>{10.0f, 20.0f});
            dev_buffer db(b, std::vector<float>{1.0f});
            // valid, D = 1: y[t] = x[t] - x[t+1] + 0.5 = -0.5, LeakyReLU at slope 0.5: -0.25
            CHECK(DEV_CALL(b, conv1d_forward_dev, x.data(), w.data(), bias.data(), y3.data(), 1, 1,
                           4, 2, 1, 0, p, NN_DEV_EPILOGUE_LEAKY, 0.5f, nullptr) == NN_STATUS_OK);
            // D = 2, pad 1: y[t] = x[t-1] - x[t+1] + 0.5 with zeros outside
            CHECK(DEV_CALL(b, conv1d_forward_dev, x.data(), w.data(), bias.data(), y4.data(), 1, 1,
                           4, 2, 2, 1, p, NN_DEV_EPILOGUE_NONE, 0.0f, nullptr) == NN_STATUS_OK);
            CHECK(DEV_CALL(b, conv1d_backward_dev, x.data(), w.data(), dy.data(), dx.data(),
                           dw.data(), db.data(), 1, 1, 4, 2, 2, 1, p, nullptr) == NN_STATUS_OK);
            const std::vector<float> hy3 = y3.download(), hy4 = y4.download();
            const std::vector<float> hdx = dx.download(), hdw = dw.download(), hdb = db.download();
            CHECK_MSG(hy3 == (std::vector<float>{-0.25f, -0.25f, -0.25f}), "leaky y %g %g %g",
                      hy3[0], hy3[1], hy3[2]);
            CHECK(hy4 == (std::vector<float>{-1.5f, -1.5f, -1.5f, 3.5f}));
            CHECK(hdx == (std::vector<float>{1.0f, 0.0f, 0.0f, -1.0f}));
            CHECK(hdw == (std::vector<float>{16.0f, 29.0f}) && hdb == (std::vector<float>{5.0f}));
            CHECK(y3.guards_intact() && y4.guards_intact() && dx.guards_intact() &&
                  dw.guards_intact() && db.guards_intact());
        }

        // argument checks: nothing is launched, so any non-null pointer will do
        float             p[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        const auto        FP   = NN_CONV_FP32;
        const auto        NONE = NN_DEV_EPILOGUE_NONE;
        expect_invalid(DEV_CALL(b, conv1d_forward_dev, nullptr, p, p, p, 1, 1, 4, 2, 1, 0, FP,
                                NONE, 0.0f, nullptr),
                       "null x");
        expect_invalid(DEV_CALL(b, conv1d_forward_dev, p, p, p, nullptr, 1, 1, 4, 2, 1, 0, FP,
                                NONE, 0.0f, nullptr),
                       "null y");
        expect_invalid(DEV_CALL(b, conv1d_forward_dev, p, p, p, p, 0, 1, 4, 2, 1, 0, FP, NONE,
                                0.0f, nullptr),
                       "C_in 0");
        expect_invalid(DEV_CALL(b, conv1d_forward_dev, p, p, p, p, 1, 1, 4, 2, 0, 0, FP, NONE,
                                0.0f, nullptr),
                       "dilation 0");
        expect_invalid(DEV_CALL(b, conv1d_forward_dev, p, p, p, p, 1, 1, 4, 3, 2, 0, FP, NONE,
                                0.0f, nullptr),
                       "too short for the kernel");
        expect_invalid(DEV_CALL(b, conv1d_forward_dev, p, p, p, p, 1, 1, size_t(1) << 40, 2, 1, 0,
                                FP, NONE, 0.0f, nullptr),
                       "T beyond 32-bit indices");
        expect_invalid(DEV_CALL(b, conv1d_forward_dev, p, p, p, p, 1, 1, 4, 2, 1, 0,
                                static_cast<nn_conv_precision>(7), NONE, 0.0f, nullptr),
                       "unknown precision");
        expect_invalid(DEV_CALL(b, conv1d_forward_dev, p, p, p, p, 1, 1, 4, 2, 1, 0, FP,
                                static_cast<nn_dev_epilogue>(9), 0.0f, nullptr),
                       "unknown epilogue");
        expect_invalid(DEV_CALL(b, conv1d_backward_dev, p, p, nullptr, p, p, p, 1, 1, 4, 2, 1, 0,
                                FP, nullptr),
                       "null dy");
        expect_invalid(DEV_CALL(b, conv1d_backward_dev, p, p, p, nullptr, nullptr, nullptr, 1, 1,
                                4, 2, 1, 0, FP, nullptr),
                       "no outputs");
        expect_invalid(DEV_CALL(b, conv1d_backward_dev, p, nullptr, p, p, nullptr, nullptr, 1, 1,
                                4, 2, 1, 0, FP, nullptr),
                       "dx without w");
        expect_invalid(DEV_CALL(b, conv1d_backward_dev, nullptr, p, p, nullptr, p, nullptr, 1, 1,
                                4, 2, 1, 0, FP, nullptr),
                       "dw without x");
        CHECK(p[0] == 0.0f && p[3] == 0.0f); // nothing written on a failure
    }
};


// ----------------------------------------------------------------------------
// timings (backend cuda, mode perf; the simulator is never timed)

enum class conv_pass { forward, dx, dw };

/** One pass (forward; dx; dw with dbias) at a training shape, for nn_test_ops -m perf -b cuda. */
struct test_conv1d_dev_perf : test_case {
    dev_shape         s;
    nn_conv_precision precision;
    conv_pass         pass;

    test_conv1d_dev_perf(dev_shape shape, nn_conv_precision p, conv_pass which) :
        s(shape), precision(p), pass(which) {}

    std::string name() const override {
        char buf[128];
        std::snprintf(buf, sizeof(buf), "%s C_in%zu C_out%zu T%zu K%zu D%zu pad%zu %s",
                      pass == conv_pass::forward ? "forward" : pass == conv_pass::dx ? "dx" : "dw",
                      s.C_in, s.C_out, s.T_in, s.K, s.D, s.pad,
                      precision == NN_CONV_BF16 ? "bf16" : "fp32");
        return buf;
    }
    unsigned modes() const override { return TEST_PERF; }
    bool     supports(test_backend b) const override { return device_backend(b); }

    test_perf perf(test_backend b) override {
        std::vector<float> host_x(s.n_x()), host_w(s.n_w()), host_dy(s.n_y());
        fill_uniform(host_x, 5);
        fill_uniform(host_w, 6, -0.2, 0.2);
        fill_uniform(host_dy, 7);
        auto x  = std::make_shared<dev_buffer>(b, host_x);
        auto w  = std::make_shared<dev_buffer>(b, host_w);
        auto dy = std::make_shared<dev_buffer>(b, host_dy);
        auto y  = std::make_shared<dev_buffer>(b, s.n_y());
        auto dx = std::make_shared<dev_buffer>(b, s.n_x());
        auto dw = std::make_shared<dev_buffer>(b, std::vector<float>(s.n_w(), 0.0f));
        auto db = std::make_shared<dev_buffer>(b, std::vector<float>(s.C_out, 0.0f));
        if (x->data() == nullptr || w->data() == nullptr || dy->data() == nullptr ||
            y->data() == nullptr || dx->data() == nullptr || dw->data() == nullptr ||
            db->data() == nullptr) {
            return {};
        }
        test_perf p;
        p.work = 2.0 * static_cast<double>(s.C_out * s.T_out() * s.C_in * s.K); // one GEMM
        p.unit = "FLOP";
        p.run  = [this, b, x, w, dy, y, dx, dw, db] {
            nn_status st = NN_STATUS_OK;
            if (pass == conv_pass::forward) {
                st = DEV_CALL(b, conv1d_forward_dev, x->data(), w->data(), nullptr, y->data(),
                              s.C_in, s.C_out, s.T_in, s.K, s.D, s.pad, precision,
                              NN_DEV_EPILOGUE_NONE, 0.0f, nullptr);
            } else {
                const bool want_dx = pass == conv_pass::dx;
                st = DEV_CALL(b, conv1d_backward_dev, x->data(), w->data(), dy->data(),
                              want_dx ? dx->data() : nullptr, want_dx ? nullptr : dw->data(),
                              want_dx ? nullptr : db->data(), s.C_in, s.C_out, s.T_in, s.K, s.D,
                              s.pad, precision, nullptr);
            }
            CHECK_MSG(st == NN_STATUS_OK, "%s: %s", name().c_str(), nn_last_error());
            dev_synchronize(b);
        };
        return p;
    }
};

} // namespace

NN_TEST_CASES(conv1d_dev) {
    cases.add<test_conv1d_dev_checks>();
    // (C_in, C_out, T_in, K, D, pad): G's head (C_in 1), D's tail (C_out 1), out_conv (K 1),
    // C not a multiple of 16, T = 1 and odd, "same" padding (K-1)·D/2, dilations 1, 2, 8, more
    // rows than one 64-row tile (dx of C_in 70), several column tiles of dw (C_in·K 210).
    const dev_shape shapes[] = {
        {1, 16, 17, 9, 1, 0},  {16, 1, 64, 9, 2, 0},  {24, 1, 17, 1, 1, 0},
        {5, 17, 131, 9, 8, 0}, {17, 5, 131, 9, 2, 8}, {16, 16, 64, 3, 1, 1},
        {32, 32, 40, 9, 1, 4}, {3, 4, 1, 1, 1, 0},    {5, 3, 1, 3, 1, 1},
        {70, 20, 24, 3, 1, 1}, {2, 3, 33, 9, 2, 8},   {17, 33, 70, 3, 8, 8},
    };
    uint64_t seed = 700;
    size_t   i    = 0;
    for (const dev_shape & s : shapes) {
        for (nn_conv_precision p : {NN_CONV_FP32, NN_CONV_BF16}) {
            // bias and epilogue vary so each precision sees every combination over the shapes
            const bool            bias = ((i / 2) % 2 == 0) == (p == NN_CONV_FP32);
            const nn_dev_epilogue epi =
                (i % 3) != 1 ? NN_DEV_EPILOGUE_LEAKY : NN_DEV_EPILOGUE_NONE;
            cases.add<test_conv1d_dev>(s, p, bias, epi, seed);
            seed += 4;
            i++;
        }
    }
    // timings at the trainer's shapes (docs/caw-spec.md: C 16 at the first scale, 96 later, K 9,
    // dilations 1..128; the head 1 -> C, D's tail C -> 1; 400000 samples: 25 s at 16 kHz)
    const dev_shape perf_shapes[] = {
        {96, 96, 32000, 9, 1, 0},  {96, 96, 32000, 9, 128, 0}, {96, 96, 32000, 9, 1, 4},
        {1, 96, 32000, 9, 1, 0},   {96, 1, 32000, 9, 1, 0},    {16, 16, 32000, 9, 8, 0},
        {96, 96, 400000, 9, 8, 0},
    };
    for (const dev_shape & s : perf_shapes) {
        for (nn_conv_precision p : {NN_CONV_FP32, NN_CONV_BF16}) {
            for (conv_pass pass : {conv_pass::forward, conv_pass::dx, conv_pass::dw}) {
                cases.add<test_conv1d_dev_perf>(s, p, pass);
            }
        }
    }
}
