// test-conv1d.h: what the conv1d cases share between test-conv1d.cpp (the fp32 path, finite
// differences, argument checks) and test-conv1d-bf16.cpp (the bf16 path and the precision switch).
// defines: conv_case, float_run, conv_inputs, run_entry, same_bits, precision_scope, check_conv1d_bf16
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu/conv1d-impl.h"
#include "nn/conv1d.h"
#include "nn/nn.h"
#include "test-common.h"

struct conv_case {
    size_t B, C_in, C_out, K, D, pad, T_in;
    size_t T_out() const { return conv1d_out_length(T_in, K, D, pad); }
    size_t n_x() const { return B * C_in * T_in; }
    size_t n_y() const { return B * C_out * T_out(); }
    size_t n_w() const { return C_out * C_in * K; }
};

struct float_run {
    std::vector<float> y, dx, dw, db;
};

// The inputs of a case for a seed (x, w in [-0.2, 0.2], bias, dy), drawn in this order: the fp32
// and bf16 checks of one case see the same numbers.
struct conv_inputs {
    std::vector<float> x, w, bias, dy;
    conv_inputs(const conv_case & c, uint64_t seed)
        : x(c.n_x()), w(c.n_w()), bias(c.C_out), dy(c.n_y()) {
        fill_uniform(x, seed);
        fill_uniform(w, seed + 1, -0.2, 0.2);
        fill_uniform(bias, seed + 2);
        fill_uniform(dy, seed + 3);
    }
};

// Runs forward and backward (dw, db pre-filled with `base`) through the entry points.
inline float_run run_entry(const conv_case & c, const std::vector<float> & x,
                           const std::vector<float> & w, const std::vector<float> & bias,
                           const std::vector<float> & dy, float base = 0.0f) {
    float_run          out{std::vector<float>(c.n_y(), NAN), std::vector<float>(c.n_x(), NAN),
                  std::vector<float>(c.n_w(), base), std::vector<float>(c.C_out, base)};
    std::vector<float> xc(x), wc(w), bc(bias), dyc(dy); // the API takes non-const views
    nn_tensor_view     vx  = nn_view_3d(xc.data(), c.B, c.C_in, c.T_in);
    nn_tensor_view     vw  = nn_view_3d(wc.data(), c.C_out, c.C_in, c.K);
    nn_tensor_view     vb  = test_view_1d(bc.data(), c.C_out);
    nn_tensor_view     vy  = nn_view_3d(out.y.data(), c.B, c.C_out, c.T_out());
    nn_tensor_view     vdy = nn_view_3d(dyc.data(), c.B, c.C_out, c.T_out());
    nn_tensor_view     vdx = nn_view_3d(out.dx.data(), c.B, c.C_in, c.T_in);
    nn_tensor_view     vdw = nn_view_3d(out.dw.data(), c.C_out, c.C_in, c.K);
    nn_tensor_view     vdb = test_view_1d(out.db.data(), c.C_out);
    CHECK_MSG(conv1d_forward_cpu(&vx, &vw, &vb, &vy, c.D, c.pad) == NN_STATUS_OK, "%s",
              nn_last_error());
    CHECK_MSG(conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, &vdw, &vdb, c.D, c.pad) == NN_STATUS_OK,
              "%s", nn_last_error());
    return out;
}

/** Whether two runs agree bit for bit in y, dx, dw and dbias. */
inline bool same_bits(const float_run & a, const float_run & b) {
    auto eq = [](const std::vector<float> & u, const std::vector<float> & v) {
        return u.size() == v.size() &&
               std::memcmp(u.data(), v.data(), u.size() * sizeof(float)) == 0;
    };
    return eq(a.y, b.y) && eq(a.dx, b.dx) && eq(a.dw, b.dw) && eq(a.db, b.db);
}

/** Sets the calling thread's conv precision for a scope and restores the previous one. */
struct precision_scope {
    nn_conv_precision previous;
    explicit precision_scope(nn_conv_precision p) : previous(conv1d_set_precision(p)) {}
    ~precision_scope() { conv1d_set_precision(previous); }
    precision_scope(const precision_scope &)             = delete;
    precision_scope & operator=(const precision_scope &) = delete;
};

/**
 * The bf16 checks of one shape the bf16 kernels take (test-conv1d-bf16.cpp), on the calling
 * thread with its precision already at bf16; the inputs are test_conv1d's for that seed.
 */
void check_conv1d_bf16(const conv_case & c, uint64_t seed);
