// activations-impl.h: the elementwise activation loops (see nn/activations.h), templated on the
// scalar type so nn_core runs them in float and test/native runs the very same code in double
// for its finite-difference checks. Each call handles a flat run of n elements; entry points
// split (B, C, T) tensors into whole (b, c) rows.
// defines: leaky_relu_forward_span, leaky_relu_backward_span, gated_unit_forward_span,
//          gated_unit_backward_span
#pragma once

#include <cmath>
#include <cstddef>

// x, y are (n). y = x > 0 ? x : slope * x.
template <typename Real>
void leaky_relu_forward_span(const Real * x, Real * y, size_t n, Real slope) {
    for (size_t i = 0; i < n; i++) {
        y[i] = x[i] > Real(0) ? x[i] : slope * x[i];
    }
}

// dy, x, dx are (n). dx = dy * (x > 0 ? 1 : slope) (written, =). Also the JVP (dy = tangent).
template <typename Real>
void leaky_relu_backward_span(const Real * dy, const Real * x, Real * dx, size_t n, Real slope) {
    for (size_t i = 0; i < n; i++) {
        dx[i] = x[i] > Real(0) ? dy[i] : slope * dy[i];
    }
}

template <typename Real>
Real gated_sigmoid(Real b) {
    return Real(1) / (Real(1) + std::exp(-b));
}

// a, b, out are (n). out = tanh(a) * sigmoid(b).
template <typename Real>
void gated_unit_forward_span(const Real * a, const Real * b, Real * out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        out[i] = std::tanh(a[i]) * gated_sigmoid(b[i]);
    }
}

// dout, a, b, da, db are (n). da = dout * sig(b) * (1 - tanh(a)^2),
// db = dout * tanh(a) * sig(b) * (1 - sig(b)) (both written, =).
template <typename Real>
void gated_unit_backward_span(const Real * dout, const Real * a, const Real * b, Real * da,
                              Real * db, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const Real th = std::tanh(a[i]);
        const Real sg = gated_sigmoid(b[i]);
        da[i]         = dout[i] * sg * (Real(1) - th * th);
        db[i]         = dout[i] * th * sg * (Real(1) - sg);
    }
}
