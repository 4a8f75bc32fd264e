// conv1d-impl.h: the reference loops of the dilated 1-D convolution (see nn/conv1d.h), templated
// on the scalar type so nn_core can run them in float and test/native runs the very same code in
// double for its finite-difference checks. Plain loops in the order of the formula, no blocking:
// the oracle the fast path in conv1d.cpp is compared against.
// defines: conv1d_out_length, conv1d_forward_ref, conv1d_backward_ref
//
// Shapes (contiguous): x (B, C_in, T_in), w (C_out, C_in, K), bias (C_out), y (B, C_out, T_out).
#pragma once

#include <cstddef>

// T_out = T_in + 2*pad - D*(K-1), or 0 when that is < 1 (no output).
inline size_t conv1d_out_length(size_t T_in, size_t K, size_t D, size_t pad) {
    const size_t span = D * (K - 1);
    return T_in + 2 * pad > span ? T_in + 2 * pad - span : 0;
}

// y[b, o, t] = bias[o] + sum_{i, k} w[o, i, k] * x[b, i, t + k*D - pad] (x is 0 outside
// [0, T_in)); bias may be null. Writes all of y.
template <typename Real>
void conv1d_forward_ref(const Real * x, const Real * w, const Real * bias, Real * y, size_t B,
                        size_t C_in, size_t C_out, size_t T_in, size_t K, size_t D, size_t pad) {
    const size_t T_out = conv1d_out_length(T_in, K, D, pad);
    for (size_t b = 0; b < B; b++) {
        for (size_t o = 0; o < C_out; o++) {
            Real * y_bo = y + (b * C_out + o) * T_out;
            for (size_t t = 0; t < T_out; t++) {
                Real sum = bias != nullptr ? bias[o] : Real(0);
                for (size_t i = 0; i < C_in; i++) {
                    const Real * x_bi = x + (b * C_in + i) * T_in;
                    const Real * w_oi = w + (o * C_in + i) * K;
                    for (size_t k = 0; k < K; k++) {
                        const size_t src = t + k * D; // index into x shifted right by pad
                        if (src >= pad && src - pad < T_in) {
                            sum += w_oi[k] * x_bi[src - pad];
                        }
                    }
                }
                y_bo[t] = sum;
            }
        }
    }
}

// dy is (B, C_out, T_out). dx (= written), dw (+= added) and dbias (+= added) may each be null.
//   dx[b, i, s]  = sum_{o, k} w[o, i, k] * dy[b, o, s - k*D + pad]
//   dw[o, i, k] += sum_{b, t} dy[b, o, t] * x[b, i, t + k*D - pad]
//   dbias[o]    += sum_{b, t} dy[b, o, t]
template <typename Real>
void conv1d_backward_ref(const Real * x, const Real * w, const Real * dy, Real * dx, Real * dw,
                         Real * dbias, size_t B, size_t C_in, size_t C_out, size_t T_in, size_t K,
                         size_t D, size_t pad) {
    const size_t T_out = conv1d_out_length(T_in, K, D, pad);
    if (dx != nullptr) {
        for (size_t b = 0; b < B; b++) {
            for (size_t i = 0; i < C_in; i++) {
                Real * dx_bi = dx + (b * C_in + i) * T_in;
                for (size_t s = 0; s < T_in; s++) {
                    Real sum = Real(0);
                    for (size_t o = 0; o < C_out; o++) {
                        const Real * dy_bo = dy + (b * C_out + o) * T_out;
                        const Real * w_oi  = w + (o * C_in + i) * K;
                        for (size_t k = 0; k < K; k++) {
                            const size_t t_pad = s + pad; // t = s + pad - k*D
                            if (t_pad >= k * D && t_pad - k * D < T_out) {
                                sum += w_oi[k] * dy_bo[t_pad - k * D];
                            }
                        }
                    }
                    dx_bi[s] = sum;
                }
            }
        }
    }
    if (dw != nullptr) {
        for (size_t o = 0; o < C_out; o++) {
            for (size_t i = 0; i < C_in; i++) {
                for (size_t k = 0; k < K; k++) {
                    Real sum = Real(0);
                    for (size_t b = 0; b < B; b++) {
                        const Real * dy_bo = dy + (b * C_out + o) * T_out;
                        const Real * x_bi  = x + (b * C_in + i) * T_in;
                        for (size_t t = 0; t < T_out; t++) {
                            const size_t src = t + k * D;
                            if (src >= pad && src - pad < T_in) {
                                sum += dy_bo[t] * x_bi[src - pad];
                            }
                        }
                    }
                    dw[(o * C_in + i) * K + k] += sum;
                }
            }
        }
    }
    if (dbias != nullptr) {
        for (size_t o = 0; o < C_out; o++) {
            Real sum = Real(0);
            for (size_t b = 0; b < B; b++) {
                const Real * dy_bo = dy + (b * C_out + o) * T_out;
                for (size_t t = 0; t < T_out; t++) {
                    sum += dy_bo[t];
                }
            }
            dbias[o] += sum;
        }
    }
}
