// test-conv1d.cpp: the dilated 1-D convolution's cases (nn/conv1d.h) and its composition with
// weight norm.
//   test   the kernel in use; known values; per shape, the float entry points (fast path) against
//          the double reference and the float reference at odd and training-size shapes (C = 96,
//          D = 128, odd T, thin 1 -> 96 / 96 -> 1), NaN-poisoned outputs, += semantics, bitwise
//          determinism run to run and across thread counts; argument checks. The float checks run
//          whichever path the build has: our SIMD kernels, or cblas_sgemm with NN_BLAS=ON (checked
//          to be so)
//   grad   finite differences in double through weight norm composed with the convolution (dx,
//          dw, dbias, dv, dg); the bilinear tangent identity the GP relies on
//   perf   forward + backward (dx, dw, dbias) per shape, in FLOP/s (-b bf16: in bf16)
// Backend bf16 (ctest nn_conv1d_bf16): the same value shapes with the thread's precision at bf16;
// the shapes the bf16 kernels take are checked by test-conv1d-bf16.cpp's bounds, the thin ones
// (which keep the fp32 path) by the fp32 checks here. The device convolutions
// (cuda/conv1d.cu: implicit GEMM on tensor cores) are checked in test-conv1d-dev.cpp (op
// conv1d_dev: sim, cuda).

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cpu/conv1d-bf16.h"
#include "cpu/conv1d-impl.h"
#include "cpu/parallel.h"
#include "cpu/weight-norm-impl.h"
#include "nn/conv1d.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-conv1d.h"
#include "test-registry.h"

namespace {

// ----------------------------------------------------------------------------
// double reference helpers

struct conv_double {
    conv_case           c;
    std::vector<double> x, v, g, bias, r; // r: the loss weights, L = sum(r * y)
    std::vector<double> w() const {
        std::vector<double> out(c.n_w());
        weight_norm_forward_ref(v.data(), g.data(), out.data(), c.C_out, c.C_in * c.K);
        return out;
    }
    double loss_with(const std::vector<double> & weight) const {
        std::vector<double> y(c.n_y());
        conv1d_forward_ref(x.data(), weight.data(), bias.data(), y.data(), c.B, c.C_in, c.C_out,
                           c.T_in, c.K, c.D, c.pad);
        double sum = 0.0;
        for (size_t j = 0; j < y.size(); j++)
            sum += r[j] * y[j];
        return sum;
    }
    double loss() const { return loss_with(w()); }
};

// The tangent of y along an input direction u is conv(u, w) without bias, along a weight
// direction U it is conv(x, U) without bias (y is bilinear): the GP's forward-mode pass needs no
// other kernel. Checked by central differences of the whole output in double.
void test_tangent_is_the_same_op() {
    const double        EPS = 1e-3; // exact up to rounding for a bilinear map
    const conv_case     c   = {2, 3, 4, 9, 3, 12, 80};
    std::vector<double> x(c.n_x()), u(c.n_x()), w(c.n_w()), U(c.n_w()), bias(c.C_out);
    fill_uniform(x, 11);
    fill_uniform(u, 12);
    fill_uniform(w, 13);
    fill_uniform(U, 14);
    fill_uniform(bias, 15);
    auto conv = [&](const std::vector<double> & in, const std::vector<double> & wt,
                    const double * b) {
        std::vector<double> y(c.n_y());
        conv1d_forward_ref(in.data(), wt.data(), b, y.data(), c.B, c.C_in, c.C_out, c.T_in, c.K,
                           c.D, c.pad);
        return y;
    };
    std::vector<double> xp(x), xm(x), wp(w), wm(w);
    for (size_t j = 0; j < x.size(); j++) {
        xp[j] += EPS * u[j];
        xm[j] -= EPS * u[j];
    }
    for (size_t j = 0; j < w.size(); j++) {
        wp[j] += EPS * U[j];
        wm[j] -= EPS * U[j];
    }
    const std::vector<double> yxp = conv(xp, w, bias.data()), yxm = conv(xm, w, bias.data());
    const std::vector<double> ywp = conv(x, wp, bias.data()), ywm = conv(x, wm, bias.data());
    const std::vector<double> jvp_x = conv(u, w, nullptr), jvp_w = conv(x, U, nullptr);
    std::vector<double>       num_x(c.n_y()), num_w(c.n_y());
    for (size_t j = 0; j < num_x.size(); j++) {
        num_x[j] = (yxp[j] - yxm[j]) / (2.0 * EPS);
        num_w[j] = (ywp[j] - ywm[j]) / (2.0 * EPS);
    }
    const double e_x = nmse(num_x.data(), jvp_x.data(), num_x.size());
    const double e_w = nmse(num_w.data(), jvp_w.data(), num_w.size());
    CHECK_MSG(e_x < 1e-20 && e_w < 1e-20,
              "tangent identity: nmse x-direction %.3g, w-direction %.3g", e_x, e_w);
}

void test_known_values() {
    float          x[4] = {1.0f, 2.0f, 3.0f, 4.0f}, w[2] = {1.0f, -1.0f}, b[1] = {0.5f};
    float          y[4] = {NAN, NAN, NAN, NAN};
    nn_tensor_view vx = nn_view_3d(x, 1, 1, 4), vw = nn_view_3d(w, 1, 1, 2);
    nn_tensor_view vb  = test_view_1d(b, 1);
    nn_tensor_view vy3 = nn_view_3d(y, 1, 1, 3), vy4 = nn_view_3d(y, 1, 1, 4);
    // valid, D = 1: y[t] = x[t] - x[t+1] + 0.5
    CHECK(conv1d_forward_cpu(&vx, &vw, &vb, &vy3, 1, 0) == NN_STATUS_OK);
    CHECK(y[0] == -0.5f && y[1] == -0.5f && y[2] == -0.5f && std::isnan(y[3]));
    // D = 2, pad 1: y[t] = x[t-1] - x[t+1] + 0.5 with zeros outside
    CHECK(conv1d_forward_cpu(&vx, &vw, &vb, &vy4, 2, 1) == NN_STATUS_OK);
    CHECK(y[0] == -1.5f && y[1] == -1.5f && y[2] == -1.5f && y[3] == 3.5f);
    // backward of the D = 2, pad 1 case with dy = 1: dx[s] = w0*[s+1 < 4] - w1*... by hand:
    // dx[s] = sum_k w[k] * dy[s - 2k + 1] = dy[s+1] - dy[s-1] over valid t in [0, 4)
    float          dy[4] = {1.0f, 1.0f, 1.0f, 1.0f}, dx[4] = {NAN, NAN, NAN, NAN};
    float          dw[2] = {10.0f, 20.0f}, db[1] = {1.0f};
    nn_tensor_view vdy = nn_view_3d(dy, 1, 1, 4), vdx = nn_view_3d(dx, 1, 1, 4);
    nn_tensor_view vdw = nn_view_3d(dw, 1, 1, 2), vdb = test_view_1d(db, 1);
    CHECK(conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, &vdw, &vdb, 2, 1) == NN_STATUS_OK);
    CHECK(dx[0] == 1.0f && dx[1] == 0.0f && dx[2] == 0.0f && dx[3] == -1.0f);
    // dw[0] += x[-1] + x[0] + x[1] + x[2] = 6, dw[1] += x[1] + x[2] + x[3] + x[4] = 9
    CHECK(dw[0] == 16.0f && dw[1] == 29.0f && db[0] == 5.0f);
    CHECK(std::strcmp(nn_last_error(), "") == 0);
}

// ----------------------------------------------------------------------------
// the op at one shape

/**
 * conv1d at one shape. test: the fast path against the double reference and the float
 * reference, outputs NaN-poisoned; parameter gradients pre-filled with 0.25 and run twice to
 * check +=; bitwise reruns, on all threads and on one. grad: see check_grad.
 */
struct test_conv1d : test_case {
    conv_case c;
    uint64_t  seed;
    unsigned  modes_;

    test_conv1d(conv_case shape, uint64_t first_seed, unsigned modes) :
        c(shape), seed(first_seed), modes_(modes) {}

    std::string name() const override {
        char buf[96];
        std::snprintf(buf, sizeof(buf), "B%zu C_in%zu C_out%zu K%zu D%zu pad%zu T%zu", c.B, c.C_in,
                      c.C_out, c.K, c.D, c.pad, c.T_in);
        return buf;
    }
    unsigned modes() const override { return modes_; }
    bool     supports(test_backend backend) const override {
        return backend == test_backend::cpu || backend == test_backend::bf16;
    }
    /** Float (fast path) against the double reference, and against the float reference loops. */
    double max_nmse_err() const override { return 1e-10; }

    void check_values(test_backend backend) override {
        if (backend == test_backend::bf16) {
            const precision_scope bf16(NN_CONV_BF16);
            CHECK_MSG(std::strcmp(conv1d_cpu_kernel(), "avx512bf16") == 0, "kernel %s",
                      conv1d_cpu_kernel());
            if (conv1d_bf16_handles(c.C_in, c.C_out, c.K, c.D)) {
                check_conv1d_bf16(c, seed);
            } else {
                check_fp32(); // a thin layer keeps the fp32 path under bf16: fp32 accuracy
            }
            return;
        }
        check_fp32();
    }

    void check_fp32() {
        conv_inputs in(c, seed); // the same inputs as the other precision's check
        std::vector<float> &x = in.x, &w = in.w, &bias = in.bias, &dy = in.dy;
        const float     base = 0.25f;
        const float_run got  = run_entry(c, x, w, bias, dy, base);

        // double reference on the same float inputs
        std::vector<double> xd(x.begin(), x.end()), wd(w.begin(), w.end());
        std::vector<double> bd(bias.begin(), bias.end()), dyd(dy.begin(), dy.end());
        std::vector<double> yd(c.n_y()), dxd(c.n_x()), dwd(c.n_w(), 0.0), dbd(c.C_out, 0.0);
        conv1d_forward_ref(xd.data(), wd.data(), bd.data(), yd.data(), c.B, c.C_in, c.C_out, c.T_in,
                           c.K, c.D, c.pad);
        conv1d_backward_ref(xd.data(), wd.data(), dyd.data(), dxd.data(), dwd.data(), dbd.data(),
                            c.B, c.C_in, c.C_out, c.T_in, c.K, c.D, c.pad);
        for (double & e : dwd)
            e += base;
        for (double & e : dbd)
            e += base;
        // float reference loops
        std::vector<float> yf(c.n_y()), dxf(c.n_x());
        conv1d_forward_ref(x.data(), w.data(), bias.data(), yf.data(), c.B, c.C_in, c.C_out, c.T_in,
                           c.K, c.D, c.pad);
        conv1d_backward_ref(x.data(), w.data(), dy.data(), dxf.data(),
                            static_cast<float *>(nullptr), static_cast<float *>(nullptr), c.B,
                            c.C_in, c.C_out, c.T_in, c.K, c.D, c.pad);

        const double e[6] = {
            nmse(got.y.data(), yd.data(), c.n_y()),   nmse(got.dx.data(), dxd.data(), c.n_x()),
            nmse(got.dw.data(), dwd.data(), c.n_w()), nmse(got.db.data(), dbd.data(), c.C_out),
            nmse(got.y.data(), yf.data(), c.n_y()),   nmse(got.dx.data(), dxf.data(), c.n_x())};
        bool ok = true;
        for (double v : e)
            ok = ok && v < max_nmse_err();
        CHECK_MSG(ok,
                  "B%zu C_in%zu C_out%zu K%zu D%zu pad%zu T%zu: nmse vs double y %.2g dx %.2g dw "
                  "%.2g db %.2g, vs float ref y %.2g dx %.2g (inf = NaN/unwritten)",
                  c.B, c.C_in, c.C_out, c.K, c.D, c.pad, c.T_in, e[0], e[1], e[2], e[3], e[4],
                  e[5]);

        // += semantics: a second backward on top of the first adds the same gradient again.
        float_run      twice = run_entry(c, x, w, bias, dy, base);
        nn_tensor_view vx    = nn_view_3d(x.data(), c.B, c.C_in, c.T_in);
        nn_tensor_view vw    = nn_view_3d(w.data(), c.C_out, c.C_in, c.K);
        nn_tensor_view vdy   = nn_view_3d(dy.data(), c.B, c.C_out, c.T_out());
        nn_tensor_view vdw   = nn_view_3d(twice.dw.data(), c.C_out, c.C_in, c.K);
        nn_tensor_view vdb   = test_view_1d(twice.db.data(), c.C_out);
        CHECK(conv1d_backward_cpu(&vx, &vw, &vdy, nullptr, &vdw, &vdb, c.D, c.pad) == NN_STATUS_OK);
        std::vector<double> dw2(dwd), db2(dbd);
        for (double & v : dw2)
            v = 2.0 * v - base;
        for (double & v : db2)
            v = 2.0 * v - base;
        CHECK_MSG(nmse(twice.dw.data(), dw2.data(), c.n_w()) < max_nmse_err() &&
                      nmse(twice.db.data(), db2.data(), c.C_out) < max_nmse_err(),
                  "C_in%zu C_out%zu: a second backward did not add to dw/dbias", c.C_in, c.C_out);

        // bitwise determinism: a rerun, and a rerun on one thread
        const float_run again = run_entry(c, x, w, bias, dy, base);
        nn_set_cpu_threads(1);
        const float_run single = run_entry(c, x, w, bias, dy, base);
        nn_set_cpu_threads(0);
        for (const float_run * other : {&again, &single}) {
            CHECK_MSG(
                std::memcmp(other->y.data(), got.y.data(), c.n_y() * sizeof(float)) == 0 &&
                    std::memcmp(other->dx.data(), got.dx.data(), c.n_x() * sizeof(float)) == 0 &&
                    std::memcmp(other->dw.data(), got.dw.data(), c.n_w() * sizeof(float)) == 0 &&
                    std::memcmp(other->db.data(), got.db.data(), c.C_out * sizeof(float)) == 0,
                "C_in%zu C_out%zu D%zu T%zu: %s run differs bitwise", c.C_in, c.C_out, c.D, c.T_in,
                other == &again ? "a second" : "a single-thread");
        }
    }

    // L = sum(r * conv(x, weight_norm(v, g), bias)): every gradient by central differences in
    // double. EPS 1e-5: the loss is linear in x, w and bias (no truncation error, rounding ~1e-15 *
    // |L| / eps ~ 1e-9) and smooth in v, g (truncation ~eps^2 ~ 1e-10). 1e-7 leaves two orders of
    // margin while a wrong index or a missing term gives O(1) errors.
    void check_grad() override {
        const double EPS = 1e-5, MAX_REL_ERR = 1e-7;
        uint64_t     next = seed;
        conv_double  p{c, {}, {}, {}, {}, {}};
        p.x.resize(c.n_x());
        p.v.resize(c.n_w());
        p.g.resize(c.C_out);
        p.bias.resize(c.C_out);
        p.r.resize(c.n_y());
        fill_uniform(p.x, next++);
        fill_uniform(p.v, next++);
        fill_uniform(p.g, next++, 0.5, 2.0);
        fill_uniform(p.bias, next++);
        fill_uniform(p.r, next++);

        std::vector<double> w = p.w(), dx(c.n_x(), 0.0), dw(c.n_w(), 0.0), db(c.C_out, 0.0);
        std::vector<double> dv(c.n_w(), 0.0), dg(c.C_out, 0.0);
        conv1d_backward_ref(p.x.data(), w.data(), p.r.data(), dx.data(), dw.data(), db.data(), c.B,
                            c.C_in, c.C_out, c.T_in, c.K, c.D, c.pad);
        weight_norm_backward_ref(dw.data(), p.v.data(), p.g.data(), dv.data(), dg.data(), c.C_out,
                                 c.C_in * c.K);

        const double e_x   = fd_worst(p.x, dx, EPS, [&] { return p.loss(); });
        const double e_v   = fd_worst(p.v, dv, EPS, [&] { return p.loss(); });
        const double e_g   = fd_worst(p.g, dg, EPS, [&] { return p.loss(); });
        const double e_b   = fd_worst(p.bias, db, EPS, [&] { return p.loss(); });
        const double e_w   = fd_worst(w, dw, EPS, [&] { return p.loss_with(w); });
        const double worst = std::fmax(std::fmax(std::fmax(e_x, e_v), std::fmax(e_g, e_b)), e_w);
        CHECK_MSG(worst < MAX_REL_ERR,
                  "B%zu C_in%zu C_out%zu K%zu D%zu pad%zu T%zu: rel err dx %.2g dv %.2g dg %.2g "
                  "dbias %.2g dw %.2g",
                  c.B, c.C_in, c.C_out, c.K, c.D, c.pad, c.T_in, e_x, e_v, e_g, e_b, e_w);
    }

    test_perf perf(test_backend backend) override {
        auto x = std::make_shared<std::vector<float>>(c.n_x()),
             w = std::make_shared<std::vector<float>>(c.n_w());
        fill_uniform(*x, seed);
        fill_uniform(*w, seed + 1, -0.2, 0.2);
        test_perf p;
        // forward, dx and dw: 2 FLOP per multiply-add each
        p.work = 3.0 * 2.0 * static_cast<double>(c.B * c.C_out * c.T_out() * c.C_in * c.K);
        p.unit = "FLOP";
        p.run  = [this, x, w, backend] {
            const precision_scope    precision(backend == test_backend::bf16 ? NN_CONV_BF16
                                                                              : NN_CONV_FP32);
            const std::vector<float> bias(c.C_out, 0.0f), dy(c.n_y(), 0.5f);
            (void) run_entry(c, *x, *w, bias, dy);
        };
        return p;
    }
};

// ----------------------------------------------------------------------------
// argument checks

void expect_invalid(nn_status status, const char * what) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), "conv1d_") != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    // x (1, 2, 10), w (3, 2, 3), D 2, pad 0 -> y (1, 3, 6)
    std::vector<float> x(20, 0.0f), w(18, 1.0f), b(3, 0.0f), y(18, 7.0f), dy(18, 0.0f);
    std::vector<float> dx(20, 0.0f), dw(18, 0.0f), db(3, 0.0f);
    nn_tensor_view     vx = nn_view_3d(x.data(), 1, 2, 10), vw = nn_view_3d(w.data(), 3, 2, 3);
    nn_tensor_view     vb = test_view_1d(b.data(), 3), vy = nn_view_3d(y.data(), 1, 3, 6);
    nn_tensor_view     vdy = nn_view_3d(dy.data(), 1, 3, 6), vdx = nn_view_3d(dx.data(), 1, 2, 10);
    nn_tensor_view     vdw = nn_view_3d(dw.data(), 3, 2, 3), vdb = test_view_1d(db.data(), 3);
    CHECK(conv1d_forward_cpu(&vx, &vw, &vb, &vy, 2, 0) == NN_STATUS_OK);
    CHECK(conv1d_forward_cpu(&vx, &vw, nullptr, &vy, 2, 0) == NN_STATUS_OK);

    expect_invalid(conv1d_forward_cpu(nullptr, &vw, &vb, &vy, 2, 0), "null x");
    expect_invalid(conv1d_forward_cpu(&vx, nullptr, &vb, &vy, 2, 0), "null w");
    expect_invalid(conv1d_forward_cpu(&vx, &vw, &vb, nullptr, 2, 0), "null y");
    expect_invalid(conv1d_forward_cpu(&vx, &vw, &vb, &vy, 0, 0), "dilation 0");
    expect_invalid(conv1d_forward_cpu(&vx, &vw, &vb, &vy, size_t(1) << 31, 0), "huge dilation");
    expect_invalid(conv1d_forward_cpu(&vx, &vw, &vb, &vy, 5, 0), "too short for the kernel");
    expect_invalid(conv1d_forward_cpu(&vx, &vw, &vb, &vy, 1, 0), "y length mismatch");
    CHECK(std::strstr(nn_last_error(), "(1, 3, 8)") != nullptr);
    nn_tensor_view w_other_cin = nn_view_3d(w.data(), 3, 3, 2);
    expect_invalid(conv1d_forward_cpu(&vx, &w_other_cin, &vb, &vy, 2, 0), "C_in mismatch");
    nn_tensor_view short_bias = test_view_1d(b.data(), 2);
    expect_invalid(conv1d_forward_cpu(&vx, &vw, &short_bias, &vy, 2, 0), "bias length");
    nn_tensor_view bias_3d = nn_view_3d(b.data(), 1, 1, 3);
    expect_invalid(conv1d_forward_cpu(&vx, &vw, &bias_3d, &vy, 2, 0), "3-D bias");
    nn_tensor_view strided = vy;
    strided.strides[2]     = 2;
    expect_invalid(conv1d_forward_cpu(&vx, &vw, &vb, &strided, 2, 0), "non-contiguous y");
    nn_tensor_view y_on_x = nn_view_3d(x.data() + 2, 1, 3, 6);
    expect_invalid(conv1d_forward_cpu(&vx, &vw, &vb, &y_on_x, 2, 0), "y overlaps x");
    nn_tensor_view empty = nn_view_3d(x.data(), 1, 2, 0);
    expect_invalid(conv1d_forward_cpu(&empty, &vw, &vb, &vy, 2, 0), "T_in = 0");
    nn_tensor_view no_data = nn_view_3d(nullptr, 1, 2, 10);
    expect_invalid(conv1d_forward_cpu(&no_data, &vw, &vb, &vy, 2, 0), "x without data");
    // A failure leaves y untouched.
    std::fill(y.begin(), y.end(), 7.0f);
    expect_invalid(conv1d_forward_cpu(&vx, &vw, &short_bias, &vy, 2, 0), "untouched on failure");
    CHECK(y[0] == 7.0f && y[17] == 7.0f);

    CHECK(conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, &vdw, &vdb, 2, 0) == NN_STATUS_OK);
    CHECK(conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, nullptr, nullptr, 2, 0) == NN_STATUS_OK);
    expect_invalid(conv1d_backward_cpu(&vx, &vw, &vdy, nullptr, nullptr, nullptr, 2, 0),
                   "no outputs");
    expect_invalid(conv1d_backward_cpu(&vx, &vw, nullptr, &vdx, &vdw, &vdb, 2, 0), "null dy");
    expect_invalid(conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, &vdw, &vdb, 1, 0), "dy length");
    nn_tensor_view dx_short = nn_view_3d(dx.data(), 1, 2, 9);
    expect_invalid(conv1d_backward_cpu(&vx, &vw, &vdy, &dx_short, &vdw, &vdb, 2, 0), "dx shape");
    nn_tensor_view dw_wrong = nn_view_3d(dw.data(), 3, 3, 2);
    expect_invalid(conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, &dw_wrong, &vdb, 2, 0), "dw shape");
    nn_tensor_view db_short = test_view_1d(db.data(), 2);
    expect_invalid(conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, &vdw, &db_short, 2, 0), "db shape");
    std::vector<float> big(40, 0.0f);
    nn_tensor_view     dx_big   = nn_view_3d(big.data(), 1, 2, 10);
    nn_tensor_view     dw_in_dx = nn_view_3d(big.data() + 2, 3, 2, 3);
    expect_invalid(conv1d_backward_cpu(&vx, &vw, &vdy, &dx_big, &dw_in_dx, &vdb, 2, 0),
                   "dx and dw overlap");
    nn_tensor_view dw_on_w = nn_view_3d(w.data(), 3, 2, 3);
    expect_invalid(conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, &dw_on_w, &vdb, 2, 0),
                   "dw overlaps w");
}

// The kernel the float checks run; with NN_BLAS=ON it must be the BLAS path.
void test_kernel() {
    std::printf("conv1d kernel: %s, threads %zu\n", conv1d_cpu_kernel(), nn_cpu_threads());
    CHECK(conv1d_cpu_kernel() != nullptr && conv1d_cpu_kernel()[0] != '\0');
#if defined(NN_WITH_BLAS)
    // NN_BLAS=ON: every float check must run the BLAS path (blas/conv1d-blas.cpp).
    CHECK_MSG(std::strncmp(conv1d_cpu_kernel(), "blas(", 5) == 0,
              "built with NN_WITH_BLAS but the kernel is %s", conv1d_cpu_kernel());
#endif
}

} // namespace

NN_TEST_CASES(conv1d) {
    cases.values("kernel", test_kernel);
    cases.values("known values", test_known_values);
    cases.values("argument checks", test_argument_checks);
    const conv_case value_shapes[] = {
        {2, 3, 5, 3, 1, 0, 50},
        {2, 3, 5, 9, 2, 8, 61},
        {1, 3, 5, 9, 7, 28, 250},
        {2, 3, 5, 3, 3, 0, 300},
        {1, 16, 16, 9, 4, 0, 1031},
        {1, 16, 16, 9, 1, 4, 777},
        {1, 96, 96, 9, 1, 0, 1001},
        {1, 96, 96, 9, 1, 4, 613},
        {1, 96, 96, 9, 128, 0, 1500},
        {1, 1, 96, 9, 1, 0, 999},
        {1, 96, 1, 9, 128, 0, 1203},
        {1, 96, 1, 1, 1, 0, 517},
        {3, 7, 9, 5, 2, 3, 129},
        {1, 5, 2, 9, 16, 64, 100},
        {2, 8, 8, 9, 64, 0, 600},
        // T_out > 8192: the dw path's several transposed windows, with batch and padding
        {2, 8, 12, 9, 64, 0, 17000},
        {1, 6, 4, 9, 2, 8, 8500},
        // many batch items: the BLAS path's dw groups then sum several blocks each
        {40, 3, 4, 5, 2, 3, 100},
        // a small recipe's few-channel layers (dw along time: several 2048-time segments, ragged
        // ends, a batch): body convolutions, gates ("same"), the thin head, D's tail, out_conv
        {1, 16, 16, 9, 8, 0, 4200},
        {1, 24, 24, 9, 1, 4, 4099},
        {2, 32, 32, 9, 32, 0, 2600},
        {1, 48, 48, 9, 4, 0, 2300},
        {1, 1, 24, 9, 1, 0, 4500},
        {2, 32, 1, 9, 128, 0, 5200},
        {1, 24, 1, 1, 1, 0, 4103},
        // more dw segments than one pass keeps (35 > 32), and padding wider than a segment (every
        // segment reads a zero-padded window)
        {1, 2, 3, 3, 1, 1, 70001},
        {1, 3, 2, 9, 600, 2400, 5000},
    };
    uint64_t seed = 100;
    for (const conv_case & c : value_shapes) {
        cases.add<test_conv1d>(c, seed, TEST_VALUES | TEST_PERF);
        seed += 4;
    }
    const conv_case fd_shapes[] = {
        {2, 3, 5, 3, 1, 0, 50},  {2, 3, 5, 9, 2, 0, 61}, {1, 3, 5, 9, 3, 12, 53},
        {2, 3, 5, 3, 7, 7, 57},  {1, 4, 2, 9, 1, 4, 97}, {2, 2, 3, 1, 1, 0, 31},
        {1, 3, 5, 9, 7, 0, 300}, {2, 1, 3, 9, 2, 8, 40},
    };
    seed = 1;
    for (const conv_case & c : fd_shapes) {
        cases.add<test_conv1d>(c, seed, TEST_GRAD);
        seed += 5;
    }
    cases.grad("tangent = the same op (bilinear)", test_tangent_is_the_same_op);
}
