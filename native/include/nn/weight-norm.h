// weight-norm.h: PyTorch's weight_norm(dim=0) reparameterisation of every Catch-A-Waveform
// NormConv1d weight (docs/caw-spec.md §1): per output channel o,
//   w[o, :, :] = g[o] * v[o, :, :] / ||v[o, :, :]||_2      (the norm over in-channels and taps)
// defines: weight_norm_forward_cpu, weight_norm_backward_cpu
//
// Zero norm: PyTorch returns NaN for a row of v that is all zeros (0/0). We refuse it instead:
// both entry points return NN_STATUS_INVALID_ARGUMENT naming the row and write nothing, so a
// dead row is reported where it happens rather than as NaN losses later. NaN or Inf inside v or
// g is not checked and propagates as in PyTorch. Norms and dot products accumulate in double.
//
// Gradient conventions: backward ADDS (+=) into dv and dg (parameter gradients).
#pragma once

#include "nn/nn.h"

// v is (C_out, C_in, K), g is (C_out), w is (C_out, C_in, K); host memory; w overlaps neither.
nn_status weight_norm_forward_cpu(const nn_tensor_view * v, const nn_tensor_view * g,
                                  nn_tensor_view * w);

// dw is (C_out, C_in, K) (the gradient of the effective weight), v and g as in the forward;
// dv (C_out, C_in, K) and dg (C_out) are added to (+=), either may be null (not both). With
// n = ||v[o]|| and s = sum(dw[o] * v[o]):
//   dg[o] += s / n
//   dv[o] += (g[o] / n) * dw[o] - (g[o] * s / n^3) * v[o]
nn_status weight_norm_backward_cpu(const nn_tensor_view * dw, const nn_tensor_view * v,
                                   const nn_tensor_view * g, nn_tensor_view * dv,
                                   nn_tensor_view * dg);
