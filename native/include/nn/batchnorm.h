// batchnorm.h: BatchNorm1d over (B, C, T), the normalisation inside every Catch-A-Waveform
// ConvBlock of G and D (docs/caw-spec.md §1, "Ten details" #5, and the gradient penalty, §3.5 /
// #7). defines: batchnorm_train_forward_cpu, batchnorm_train_backward_cpu,
// batchnorm_eval_forward_cpu,
//          batchnorm_eval_backward_cpu, batchnorm_train_jvp_cpu, batchnorm_train_jvp_backward_cpu
//
// Statistics are per channel c over the N = B*T values x[:, c, :]. Per-channel vectors (gamma,
// beta, running and saved statistics, their gradients) are contiguous 1-D views of shape (C).
// Backward writes (=) activation gradients (dx, dx_dot) and adds (+=) into dgamma and dbeta.
// Every output must not overlap any other argument. All memory is host memory.
#pragma once

#include "nn/nn.h"

// ----------------------------------------------------------------------------
// training mode (batch statistics), PyTorch semantics
//
//   mu     = mean(x)                       over (B, T), per channel
//   var    = mean((x - mu)^2)              biased: this one normalises
//   s      = 1 / sqrt(var + eps)           saved as save_invstd, mu as save_mean
//   xhat   = (x - mu) * s
//   y      = gamma * xhat + beta
//   running_mean = (1 - momentum) * running_mean + momentum * mu
//   running_var  = (1 - momentum) * running_var  + momentum * var * N / (N - 1)   (unbiased)
//
// N = B*T = 1 is rejected with NN_STATUS_INVALID_ARGUMENT by every training-mode function
// (PyTorch raises "Expected more than 1 value per channel when training"; the unbiased variance
// would divide by zero). CAW uses momentum 0.1 and eps 1e-5.

// x is (B, C, T), y is (B, C, T); gamma, beta are (C).
// running_mean, running_var are (C), updated in place; pass both null to leave running statistics
// alone (e.g. when a forward is recomputed for the gradient penalty's JVP).
// save_mean, save_invstd are (C), written (mu and s above): what the backward and JVP functions
// take. momentum in [0, 1], eps > 0, both finite.
nn_status batchnorm_train_forward_cpu(const nn_tensor_view * x, const nn_tensor_view * gamma,
                                      const nn_tensor_view * beta, nn_tensor_view * running_mean,
                                      nn_tensor_view * running_var, nn_tensor_view * save_mean,
                                      nn_tensor_view * save_invstd, nn_tensor_view * y,
                                      float momentum, float eps);

// dy, x, dx are (B, C, T); gamma, save_mean, save_invstd, dgamma, dbeta are (C).
// With m(.) the per-channel mean over (B, T):
//   dx      = gamma * s * (dy - m(dy) - xhat * m(dy * xhat))   (=)
//   dgamma += sum(dy * xhat),  dbeta += sum(dy)
nn_status batchnorm_train_backward_cpu(const nn_tensor_view * dy, const nn_tensor_view * x,
                                       const nn_tensor_view * gamma,
                                       const nn_tensor_view * save_mean,
                                       const nn_tensor_view * save_invstd, nn_tensor_view * dx,
                                       nn_tensor_view * dgamma, nn_tensor_view * dbeta);

// ----------------------------------------------------------------------------
// eval / frozen mode (running statistics): an affine map per channel, any N >= 1
//
//   s = 1 / sqrt(running_var + eps),  y = gamma * (x - running_mean) * s + beta
//   dx = gamma * s * dy (=),  dgamma += sum(dy * (x - running_mean) * s),  dbeta += sum(dy)

// x is (B, C, T), y is (B, C, T); gamma, beta, running_mean, running_var are (C); eps > 0.
nn_status batchnorm_eval_forward_cpu(const nn_tensor_view * x, const nn_tensor_view * gamma,
                                     const nn_tensor_view * beta,
                                     const nn_tensor_view * running_mean,
                                     const nn_tensor_view * running_var, nn_tensor_view * y,
                                     float eps);

// dy, x, dx are (B, C, T); gamma, running_mean, running_var, dgamma, dbeta are (C); eps > 0.
nn_status batchnorm_eval_backward_cpu(const nn_tensor_view * dy, const nn_tensor_view * x,
                                      const nn_tensor_view * gamma,
                                      const nn_tensor_view * running_mean,
                                      const nn_tensor_view * running_var, nn_tensor_view * dx,
                                      nn_tensor_view * dgamma, nn_tensor_view * dbeta, float eps);

// ----------------------------------------------------------------------------
// training mode, forward-mode derivative (JVP) and its reverse: the gradient penalty
//
// The penalty needs d/dtheta of w . g with g = dD/dx and w = dGP/dg held fixed; that equals
// d/dtheta sum(J_D(x) w), so the trainer pushes the tangent x_dot = w through D's forward (JVP)
// and backpropagates sum(output tangent) through the (primal, tangent) pairs. For this layer,
// with the batch statistics depending on x (tangent of mu, var and s included):
//
//   A     = m(xhat * x_dot)
//   y_dot = gamma * s * (x_dot - m(x_dot) - xhat * A)                                    (JVP)
//
// Reverse of L = sum(r * y_dot) for a given cotangent r (= dL/dy_dot), with
//   u = x_dot - m(x_dot),  Q = m(r * xhat),  M = m(r * u):
//   dL/dx_dot = gamma * s * (r - m(r) - xhat * Q)             (the train backward with dy = r)
//   dL/dx     = gamma * s^2 * ((3*A*Q - M) * xhat - Q * u - A * (r - m(r)))
//   dL/dgamma = sum(r * s * (x_dot - m(x_dot) - xhat * A))      (= sum(r * y_dot) / gamma)
//   dL/dbeta  = 0: beta only shifts y, so y_dot does not depend on it (it still reaches the
//               penalty through the primal y, whose cotangent goes to the ordinary backward).
// Derivation: d mu = m(x_dot); d var = 2 m((x - mu) x_dot); d s = -s^3 m((x - mu) x_dot); then
// differentiate L = gamma * (s * sum(r u) - s^3 * m((x - mu) x_dot) * sum(r (x - mu))) in x.
// Both are checked against finite differences in test/native/test-batchnorm.cpp.
// Eval-mode BN is linear in x (y_dot = gamma * s * x_dot); CAW never differentiates a frozen one.

// x, x_dot, y_dot are (B, C, T); gamma, save_mean, save_invstd are (C): the statistics that
// batchnorm_train_forward_cpu saved for this same x.
nn_status batchnorm_train_jvp_cpu(const nn_tensor_view * x, const nn_tensor_view * x_dot,
                                  const nn_tensor_view * gamma, const nn_tensor_view * save_mean,
                                  const nn_tensor_view * save_invstd, nn_tensor_view * y_dot);

// r, x, x_dot, dx, dx_dot are (B, C, T); gamma, save_mean, save_invstd, dgamma are (C).
// dx (=) and dx_dot (=) are dL/dx and dL/dx_dot above; dgamma += dL/dgamma. Add the ordinary
// batchnorm_train_backward_cpu contribution of the primal path separately (dx is written, so sum
// the two dx buffers in the caller).
nn_status batchnorm_train_jvp_backward_cpu(const nn_tensor_view * r, const nn_tensor_view * x,
                                           const nn_tensor_view * x_dot,
                                           const nn_tensor_view * gamma,
                                           const nn_tensor_view * save_mean,
                                           const nn_tensor_view * save_invstd, nn_tensor_view * dx,
                                           nn_tensor_view * dx_dot, nn_tensor_view * dgamma);
