// losses.h: the scalar losses of Catch-A-Waveform training (docs/caw-spec.md §3): the MSE
// reconstruction term, the WGAN critic mean, and the gradient penalty of the D step (§3.5,
// "Ten details" #7). defines: mse_forward_cpu, mse_backward_cpu, critic_mean_forward_cpu,
// critic_mean_backward_cpu, gradient_penalty_forward_cpu, gradient_penalty_backward_cpu
//
// Forward functions write one float through a host pointer, summed in double in a fixed order.
// Backward functions take the upstream scalar (d total / d loss, e.g. alpha1 = 10 or -1) and
// write (=) their input gradients. Views are contiguous (B, C, T) float32 host memory; an output
// must not overlap any other argument. The inpainting variants (valid-sample masks) are not here.
#pragma once

#include "nn/nn.h"

// ----------------------------------------------------------------------------
// MSE: loss = mean((x - y)^2) over all N = B*C*T elements

// x is (B, C, T), y is (B, C, T); *loss written.
nn_status mse_forward_cpu(const nn_tensor_view * x, const nn_tensor_view * y, float * loss);

// x, y, dx, dy are (B, C, T). dx = dloss * 2 * (x - y) / N (=); dy = -dx (=), skipped when dy is
// null (the real signal needs no gradient).
nn_status mse_backward_cpu(const nn_tensor_view * x, const nn_tensor_view * y, float dloss,
                           nn_tensor_view * dx, nn_tensor_view * dy);

// ----------------------------------------------------------------------------
// WGAN critic term: out = mean(d) over D's whole output map (N = B*C*T values).
// The D step uses -mean(D(real)) + mean(D(fake)), the G step -mean(D(fake)): pass dout = -1 or 1.

// d is (B, C, T); *out written.
nn_status critic_mean_forward_cpu(const nn_tensor_view * d, float * out);

// dd is (B, C, T): every element written with dout / N.
nn_status critic_mean_backward_cpu(float dout, nn_tensor_view * dd);

// ----------------------------------------------------------------------------
// gradient penalty on g = dSum(D(x_hat))/dx_hat (the input gradient map, (B, C, T)):
//   n[b, t] = ||g[b, :, t]||_2               (the reference's norm over dim 1; CAW has C = 1,
//                                             so n = |g|: a per-sample penalty)
//   gp      = lambda * mean_{b,t} (n - 1)^2  (lambda = 0.01 in CAW)
//   dg[b, c, t] = dgp * lambda * 2 * (n - 1) / (B*T) * g[b, c, t] / n     (=)
// At n = 0 the norm has no derivative; like PyTorch's norm backward (which masks norm == 0 to
// 0) we write dg = 0 there, even though (n - 1)^2 pulls away from 0 from either side.

// g is (B, C, T); lambda finite; *gp written.
nn_status gradient_penalty_forward_cpu(const nn_tensor_view * g, float lambda, float * gp);

// g, dg are (B, C, T); lambda, dgp finite.
nn_status gradient_penalty_backward_cpu(const nn_tensor_view * g, float lambda, float dgp,
                                        nn_tensor_view * dg);
