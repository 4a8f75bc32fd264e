// activations.h: the elementwise nonlinearities of Catch-A-Waveform (docs/caw-spec.md §1):
// LeakyReLU(0.2) closing every ConvBlock of G and D, and G's gated unit tanh(a) * sigmoid(b).
// defines: leaky_relu_forward_cpu, leaky_relu_backward_cpu, gated_unit_forward_cpu,
//          gated_unit_backward_cpu
//
// No parameters: backward only writes (=) activation gradients. All views are contiguous
// (B, C, T) float32 host memory of one shape; an output must not overlap any other argument.
#pragma once

#include "nn/nn.h"

// ----------------------------------------------------------------------------
// leaky ReLU: y = x > 0 ? x : slope * x   (slope 0.2 in CAW; any finite slope accepted)
//
// dx = dy * (x > 0 ? 1 : slope), PyTorch's convention at x == 0 (the slope side).
// For the gradient penalty (docs/caw-spec.md §3.5, nn/batchnorm.h): the JVP is the same mask
// applied to the tangent, y_dot = x_dot * (x > 0 ? 1 : slope), i.e. leaky_relu_backward_cpu(dy =
// x_dot, x). Its reverse, for a cotangent q of y_dot, is d/dx_dot = q * mask
// (leaky_relu_backward_cpu(q, x)) and d/dx = 0: the second derivative is zero everywhere except at
// the kink x = 0 (measure zero; we take 0 there too), so only the primal path contributes to d/dx.

// x is (B, C, T), y is (B, C, T).
nn_status leaky_relu_forward_cpu(const nn_tensor_view * x, nn_tensor_view * y, float slope);

// dy, x, dx are (B, C, T).
nn_status leaky_relu_backward_cpu(const nn_tensor_view * dy, const nn_tensor_view * x,
                                  nn_tensor_view * dx, float slope);

// ----------------------------------------------------------------------------
// gated unit: out = tanh(a) * sigmoid(b), sigmoid(b) = 1 / (1 + exp(-b))
//
// da = dout * sigmoid(b) * (1 - tanh(a)^2)                (=)
// db = dout * tanh(a) * sigmoid(b) * (1 - sigmoid(b))     (=)
// Only in G, which the penalty never differentiates twice: no JVP here.

// a, b, out are (B, C, T): a is the tanh branch's convolution output, b the sigmoid branch's.
nn_status gated_unit_forward_cpu(const nn_tensor_view * a, const nn_tensor_view * b,
                                 nn_tensor_view * out);

// dout, a, b, da, db are (B, C, T).
nn_status gated_unit_backward_cpu(const nn_tensor_view * dout, const nn_tensor_view * a,
                                  const nn_tensor_view * b, nn_tensor_view * da,
                                  nn_tensor_view * db);
