// test-dense.cpp: the dense layer's and the embedding's cases (nn/dense.h).
//   test   known values, float entry points (dense: conv1d's kernels) against the double loops
//          with NaN-poisoned outputs, repeated ids adding up, argument checks
//   grad   the double reference's backward against fourth-order finite differences of
//          sum(w * y), on x, W, b and the table, at small odd sizes

#include <cmath>
#include <cstring>
#include <vector>

#include "cpu/dense-impl.h"
#include "cpu/matmul.h"
#include "nn/dense.h"
#include "test-common.h"
#include "test-registry.h"
#include "test-sequence.h"

namespace {

/** Float vs double: sums of I (or N) products rounded in float; seen ~1e-15 .. 1e-14. */
constexpr double DENSE_MAX_NMSE = 1e-12;

const auto ref_mm = [](const double * A, const double * B, double * C, size_t M, size_t N,
                       size_t K) { matmul_ref(A, B, C, M, N, K); };

void test_known_values() {
    // x (2, 3), W (2, 3), b (2): y = x W^T + b
    const std::vector<float> x = {1, 2, 3, -1, 0, 2}, W = {1, 0, -1, 0.5f, 0.5f, 0.5f};
    const std::vector<float> b = {10, 20};
    std::vector<float>       y(4, NAN), dx(6, NAN), dW(6, 1.0f), db(2, 1.0f);
    CHECK(dense_forward_cpu(x.data(), W.data(), b.data(), y.data(), 2, 3, 2) == NN_STATUS_OK);
    CHECK(y[0] == 8.0f && y[1] == 23.0f && y[2] == 7.0f && y[3] == 20.5f);
    CHECK(dense_forward_cpu(x.data(), W.data(), nullptr, y.data(), 2, 3, 2) == NN_STATUS_OK);
    CHECK(y[0] == -2.0f && y[3] == 0.5f);
    const std::vector<float> dy = {1, 0, 0, 2}; // dx = dy W; dW += dy^T x; db += column sums
    CHECK(dense_backward_cpu(x.data(), W.data(), dy.data(), dx.data(), dW.data(), db.data(), 2, 3,
                             2) == NN_STATUS_OK);
    CHECK(dx[0] == 1.0f && dx[2] == -1.0f && dx[3] == 1.0f && dx[5] == 1.0f);
    CHECK(dW[0] == 2.0f && dW[2] == 4.0f && dW[3] == -1.0f && dW[5] == 5.0f); // 1 + ...
    CHECK(db[0] == 2.0f && db[1] == 3.0f);

    const std::vector<float>   table = {0, 1, 10, 11, 20, 21}; // V 3, E 2
    const std::vector<int32_t> ids   = {2, 0, 2};
    std::vector<float>         e(6, NAN), dt(6, 0.0f);
    CHECK(embedding_forward_cpu(table.data(), ids.data(), e.data(), 3, 3, 2) == NN_STATUS_OK);
    CHECK(e[0] == 20.0f && e[1] == 21.0f && e[2] == 0.0f && e[5] == 21.0f);
    const std::vector<float> de = {1, 2, 3, 4, 5, 6};
    CHECK(embedding_backward_cpu(ids.data(), de.data(), dt.data(), 3, 3, 2) == NN_STATUS_OK);
    CHECK(dt[0] == 3.0f && dt[1] == 4.0f && dt[2] == 0.0f && dt[4] == 6.0f && dt[5] == 8.0f);
}

void check_dense_float(size_t N, size_t I, size_t O, uint64_t seed) {
    const seq_vec x = seq_random(N * I, seed), W = seq_random(O * I, seed + 1);
    const seq_vec b = seq_random(O, seed + 2), dy = seq_random(N * O, seed + 3);
    seq_vec       y(N * O), dx(N * I), dW(O * I, 0.0), db(O, 0.0);
    dense_forward_impl<double>(x.data(), W.data(), b.data(), y.data(), N, I, O, ref_mm);
    dense_backward_impl<double>(x.data(), W.data(), dy.data(), dx.data(), dW.data(), db.data(), N,
                                I, O, ref_mm);
    const std::vector<float> fx(x.begin(), x.end()), fW(W.begin(), W.end()), fb(b.begin(), b.end());
    const std::vector<float> fdy(dy.begin(), dy.end());
    std::vector<float>       fy(N * O, NAN), fdx(N * I, NAN), fdW(O * I, 0.0f), fdb(O, 0.0f);
    CHECK(dense_forward_cpu(fx.data(), fW.data(), fb.data(), fy.data(), N, I, O) == NN_STATUS_OK);
    CHECK(dense_backward_cpu(fx.data(), fW.data(), fdy.data(), fdx.data(), fdW.data(), fdb.data(),
                             N, I, O) == NN_STATUS_OK);
    const double e[4] = {nmse(fy.data(), y.data(), N * O), nmse(fdx.data(), dx.data(), N * I),
                         nmse(fdW.data(), dW.data(), O * I), nmse(fdb.data(), db.data(), O)};
    for (int k = 0; k < 4; k++) {
        CHECK_MSG(e[k] < DENSE_MAX_NMSE, "dense N%zu I%zu O%zu: output %d nmse %.3g", N, I, O, k,
                  e[k]);
    }
}

void test_float_vs_double() {
    check_dense_float(1, 1, 1, 1);
    check_dense_float(15, 7, 6, 2);
    check_dense_float(64, 33, 70, 3);
    check_dense_float(300, 256, 130, 4);
}

void expect_invalid(nn_status status, const char * what, const char * op) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), op) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    std::vector<float>   x(6, 1.0f), W(6, 1.0f), y(4, 7.0f), dW(6, 0.0f);
    std::vector<int32_t> ids = {0, 3};
    expect_invalid(dense_forward_cpu(x.data(), W.data(), nullptr, y.data(), 0, 3, 2), "N 0",
                   "dense_forward_cpu");
    expect_invalid(dense_forward_cpu(x.data(), nullptr, nullptr, y.data(), 2, 3, 2), "null W",
                   "dense_forward_cpu");
    expect_invalid(dense_forward_cpu(x.data(), W.data(), nullptr, x.data(), 2, 3, 2), "y is x",
                   "dense_forward_cpu");
    expect_invalid(dense_backward_cpu(x.data(), W.data(), y.data(), nullptr, W.data(), nullptr, 2,
                                      3, 2), "dW is W", "dense_backward_cpu");
    expect_invalid(embedding_forward_cpu(W.data(), ids.data(), y.data(), 2, 3, 2), "id 3 of V 3",
                   "embedding_forward_cpu");
    CHECK(std::strstr(nn_last_error(), "ids[1] = 3") != nullptr);
    ids[1] = -1;
    expect_invalid(embedding_backward_cpu(ids.data(), y.data(), dW.data(), 2, 3, 2), "id -1",
                   "embedding_backward_cpu");
    CHECK(y[0] == 7.0f && dW[0] == 0.0f); // nothing written on failure
}

void test_gradients_fd() {
    const size_t N = 5 * 3, I = 7, O = 6, V = 9;
    seq_vec      x = seq_random(N * I, 300), W = seq_random(O * I, 301), b = seq_random(O, 302);
    const seq_vec w = seq_random(N * O, 303);
    seq_vec       dx(N * I), dW(O * I, 0.0), db(O, 0.0);
    dense_backward_impl<double>(x.data(), W.data(), w.data(), dx.data(), dW.data(), db.data(), N, I,
                                O, ref_mm);
    const auto dense_loss = [&] {
        seq_vec y(N * O);
        dense_forward_impl<double>(x.data(), W.data(), b.data(), y.data(), N, I, O, ref_mm);
        double l = 0.0;
        for (size_t e = 0; e < y.size(); e++) l += w[e] * y[e];
        return l;
    };
    const double ex = seq_fd4_worst(x, dx, dense_loss), eW = seq_fd4_worst(W, dW, dense_loss);
    const double eb = seq_fd4_worst(b, db, dense_loss);
    CHECK_MSG(ex < SEQ_FD_MAX_REL_ERR && eW < SEQ_FD_MAX_REL_ERR && eb < SEQ_FD_MAX_REL_ERR,
              "dense: x %.3g W %.3g b %.3g", ex, eW, eb);

    // embedding, with repeated ids (their gradients add) and an unused row (gradient 0)
    const std::vector<int32_t> ids = {1, 4, 4, 0, 8, 2, 4, 5, 6, 1, 0, 3, 2, 6, 8};
    seq_vec                    table = seq_random(V * O, 304), dt(V * O, 0.0);
    embedding_backward_impl<double>(ids.data(), w.data(), dt.data(), N, O);
    const auto emb_loss = [&] {
        seq_vec y(N * O);
        embedding_forward_impl<double>(table.data(), ids.data(), y.data(), N, O);
        double l = 0.0;
        for (size_t e = 0; e < y.size(); e++) l += w[e] * y[e];
        return l;
    };
    const double et = seq_fd4_worst(table, dt, emb_loss);
    CHECK_MSG(et < SEQ_FD_MAX_REL_ERR, "embedding: table %.3g", et);
    CHECK(dt[7 * O] == 0.0); // id 7 never appears
    if (test_verbose()) {
        std::printf("    dense x %.3g W %.3g b %.3g; embedding %.3g\n", ex, eW, eb, et);
    }
}

} // namespace

NN_TEST_CASES(dense) {
    cases.values("known values (dense, embedding)", test_known_values);
    cases.values("float (conv1d kernels) vs double loops", test_float_vs_double);
    cases.values("argument checks", test_argument_checks);
    cases.grad("dense N15 I7 O6, embedding V9 E6", test_gradients_fd);
}
