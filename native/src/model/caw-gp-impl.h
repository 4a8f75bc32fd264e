// caw-gp-impl.h: the WGAN-GP term of the Catch-A-Waveform D step and its exact parameter
// gradient by reverse-over-forward differentiation (docs/caw-spec.md §3.5, "Ten details" #7),
// templated on the op backend like caw-model-impl.h. defines: caw_gradient_penalty_impl
//
// Derivation. x = x_hat is a constant (detached). D maps x to the map y (T_out = N - 2P) with
// parameters theta, J(theta) = dy/dx at x. Then
//   F = sum_t y_t,  g(theta) = dF/dx = J^T 1,  GP(theta) = Phi(g) = lambda mean_t (|g_t| - 1)^2.
// Chain rule: dGP/dtheta = (dg/dtheta)^T u with u = dPhi/dg (gradient_penalty_backward, dgp = 1).
// Claim: (dg/dtheta)^T u = grad_theta S, S(theta) = u . g(theta) with u HELD CONSTANT.
//   Proof: dS/dtheta_k = u . dg/dtheta_k because u does not vary. QED.
// And u . g = u . J^T 1 = 1 . (J u) = sum_t ydot_t, where ydot = J u is the forward-mode
// derivative (JVP) of D at x along u. So S is computed by running D's forward with a tangent
// beside every primal value, layer by layer (primal; tangent):
//   conv  z = W * x + b          zdot = W * xdot            (bilinear: the bias drops out)
//   BN    y = BN(z; gamma, beta) ydot = BN_jvp(z, zdot; gamma) (batch stats move with z; beta
//   drops) LReLU a = phi(y)             adot = phi'(y) ydot        (phi' the 1 / 0.2 mask) PE    o
//   = PE(z_tail)         odot = PE(zdot_tail)       (linear) S = sum_t odot_t,  with xdot_0 = u at
//   the head.
// grad_theta S is reverse mode through that graph, with a cotangent r on every tangent and p on
// every primal. Start: r_odot = 1, p_o = 0 (S does not read the primal output).
//   PE:    r_zdot = PE^T r_odot;   p_z = PE^T p_o = 0 at the tail.
//   conv, tangent equation:  r_xdot  = W^T (*) r_zdot;   dS/dW += r_zdot (*) xdot;   no bias term.
//   conv, primal equation:   p_x     = W^T (*) p_z;      dS/dW += p_z (*) x;  dS/db += sum_t p_z.
//                            (both are conv1d_backward; at the tail p_z = 0: nothing.)
//   LReLU: r_ydot = phi'(y) r_adot;  p_y = phi'(y) p_a + phi''(y) ydot r_adot = phi'(y) p_a,
//          since phi'' = 0 away from the kink (measure zero; 0 there too, as PyTorch).
//   BN, tangent equation: (dS/dz, r_zdot, dS/dgamma) = batchnorm_train_jvp_backward(r = r_ydot);
//                         it gives nothing to beta (ydot does not depend on beta).
//   BN, primal equation:  (dS/dz, dS/dgamma, dS/dbeta) += batchnorm_train_backward(dy = p_y).
//          p_z = the sum of the two dS/dz.
//   weight norm: (dS/dv, dS/dg) = weight_norm_backward(dS/dW), dS/dW summed over both equations.
//   head: x and xdot = u are constants: neither p_x nor r_xdot is needed there.
// Consequences the tests pin: the tail's primal terms vanish (tail bias gets 0 from the GP); the
// first non-zero primal cotangent appears at the last ConvBlock, out of its BN's JVP reverse; a
// conv bias feeding a train-mode BN gets 0 in exact arithmetic (BN ignores per-channel shifts,
// so both BN dx's sum to zero per channel) -- float rounding leaves ~1e-9 noise, as in PyTorch.
// Also S = sum(odot) must equal u . g (checked). Cost ~ 7 D forwards: forward, input-gradient
// backward (no dW), tangent forward, reverse (two conv backwards with dx and dw per layer).
//
// Buffers: primal z[l], a[l] and batch stats from the forward; tangents zt[l], at[l], xt (= u);
// five scratch buffers hold (r_a, r_y | p_a, p_y, p_z) and rotate. LReLU masks come from a[l].
#pragma once

#include <algorithm>
#include <cstring>

#include "model/caw-model-impl.h"

// real, fake (N = acts->N, acts prepared, tangents allocated). *gp written (B::loss_t: a host
// double, or a float in device memory). alpha: B::alpha_t (the value, or a device pointer to it).
// add_grads: grads += dgp/dtheta. s_check (nullable) receives S = sum(odot) and udotg (nullable)
// u . g: equal in exact arithmetic (only computed when add_grads; the device backend reads them
// back, a test-only diagnostic).
template <typename B, typename Real>
nn_status caw_gradient_penalty_impl(caw_model_t<Real> * m, caw_acts_t<Real> * acts,
                                    const Real * real, const Real * fake,
                                    typename B::alpha_t alpha, float lambda, bool update_running,
                                    bool add_grads, typename B::loss_t * gp,
                                    double * s_check, double * udotg,
                                    const caw_dmask * mask = nullptr) {
    const size_t      N = acts->N, L = m->config.layers, T_out = acts->T[L];
    Real **           s    = acts->scratch;
    const Real *      p    = m->params;
    const caw_bn_mode mode = update_running ? CAW_BN_TRAIN : CAW_BN_TRAIN_KEEP;
    // inpainting (docs/caw-spec.md §4): F sums the kept outputs only (the weights k_t replace the
    // ones of the derivation above; S = sum_t k_t odot_t), the masked BN statistics everywhere, and
    // the penalty reads rho * g, rho = total / kept, so u = rho * Phi'(rho g)
    const unsigned char * keep = mask != nullptr ? mask->keep : nullptr;
    const Real            rho =
        mask != nullptr ? static_cast<Real>(static_cast<double>(mask->total) /
                                            static_cast<double>(mask->kept))
                                   : Real(1);

    // (i) forward at x_hat = alpha * real + (1 - alpha) * fake, train-mode BN
    acts->ready = false;
    acts->mode  = mode;
    acts->mask  = mask;
    NN_TRY(B::mix(acts->x, real, fake, alpha, N));
    NN_TRY((caw_weights_forward<B, Real>(m)));
    NN_TRY((caw_trunk_forward<B, Real>(m, acts, mode)));
    acts->ready = true;

    // (ii) g = d sum(D(x_hat)) / dx_hat: backward of ones (kept flags), activation gradients
    NN_TRY(B::fill_keep(s[1], keep, T_out));
    NN_TRY(B::pe_backward(s[1], s[0], T_out));
    size_t ig = 0;
    NN_TRY((caw_trunk_backward<B, Real>(m, acts, 0, false, true, &ig)));
    if (mask != nullptr) { // s[ig] = rho * g from here on
        NN_TRY(B::scale(s[ig], N, rho));
    }
    NN_TRY(B::gp_forward(s[ig], N, lambda, gp));
    if (!add_grads) {
        return NN_STATUS_OK;
    }

    // (iii) u = dGP/dg, the tangent fed to the head
    NN_TRY(B::gp_backward(s[ig], acts->xt, N, lambda));
    if (mask != nullptr) {
        NN_TRY(B::scale(acts->xt, N, rho));
    }
    if (udotg != nullptr) { // u . g, with g = s[ig] / rho
        double dot = 0.0;
        NN_TRY(B::dot(acts->xt, s[ig], N, &dot));
        *udotg = dot / static_cast<double>(rho);
    }

    // (iv) tangent forward: zdot = W * xdot, ydot = BN_jvp, adot = mask(a) * ydot
    for (size_t l = 0; l < L; l++) {
        const caw_conv & c    = m->convs[l];
        const Real *     in_dot = l == 0 ? acts->xt : acts->at[l - 1];
        const size_t     T    = acts->T[l + 1];
        NN_TRY(B::conv_forward(in_dot, m->weights + c.w, nullptr, acts->zt[l], c.C_in, c.C_out,
                               acts->T[l], c.K, c.D, c.pad));
        if (c.bn) {
            NN_TRY(B::bn_jvp(acts->z[l], acts->zt[l], p + c.gamma, acts->mean[l], acts->invstd[l],
                             s[0], c.C_out, T, caw_valid(acts, l)));
            NN_TRY(B::leaky_backward(s[0], acts->a[l], acts->at[l], c.C_out * T));
        }
    }
    if (s_check != nullptr) {
        NN_TRY(B::pe_forward(acts->zt[L - 1], s[0], T_out));
        NN_TRY(B::sum_kept(s[0], keep, T_out, s_check));
    }

    // (v) reverse of S = sum(k * odot)
    NN_TRY(B::zero(m->wgrads, m->weights_total));
    NN_TRY(B::fill_keep(s[1], keep, T_out));
    NN_TRY(B::pe_backward(s[1], s[0], T_out)); // r_zdot of the tail
    const caw_conv & tail = m->convs[L - 1];
    size_t           R = 1, Yr = 0;         // r_a and the next r_a (rotate)
    const size_t     P = 3, Yp = 4, PZ = 2; // p_a, p_y, p_z
    NN_TRY(B::conv_backward(acts->at[L - 2], m->weights + tail.w, s[0], s[R], m->wgrads + tail.w,
                            nullptr, tail.C_in, tail.C_out, acts->T[L - 1], tail.K, tail.D,
                            tail.pad));
    bool p_zero = true; // p_a = 0 above the last ConvBlock
    for (size_t l = L - 1; l-- > 0;) {
        const caw_conv & c = m->convs[l];
        const size_t     T = acts->T[l + 1], n = c.C_out * T;
        NN_TRY(B::leaky_backward(s[R], acts->a[l], s[Yr], n)); // r_ydot
        if (!p_zero) {
            NN_TRY(B::leaky_backward(s[P], acts->a[l], s[Yp], n)); // p_y
        }
        // tangent equation of BN: p_z (its part) into s[PZ], r_zdot into s[R], gamma +=
        NN_TRY(B::bn_jvp_backward(s[Yr], acts->z[l], acts->zt[l], p + c.gamma, acts->mean[l],
                                  acts->invstd[l], s[PZ], s[R], m->grads + c.gamma, c.C_out, T,
                                  caw_valid(acts, l)));
        if (!p_zero) { // primal equation of BN: + ordinary backward of p_y; gamma, beta +=
            NN_TRY(B::bn_train_backward(s[Yp], acts->z[l], p + c.gamma, acts->mean[l],
                                        acts->invstd[l], s[P], m->grads + c.gamma,
                                        m->grads + c.beta, c.C_out, T, caw_valid(acts, l)));
            NN_TRY(B::add_to(s[PZ], s[P], n));
        }
        const bool   below = l > 0;
        const Real * in_dot = below ? acts->at[l - 1] : acts->xt;
        const Real * in    = below ? acts->a[l - 1] : acts->x;
        NN_TRY(B::conv_backward(in_dot, m->weights + c.w, s[R], below ? s[Yr] : nullptr,
                                m->wgrads + c.w, nullptr, c.C_in, c.C_out, acts->T[l], c.K, c.D,
                                c.pad));
        NN_TRY(B::conv_backward(in, m->weights + c.w, s[PZ], below ? s[P] : nullptr,
                                m->wgrads + c.w, m->grads + c.bias, c.C_in, c.C_out, acts->T[l],
                                c.K, c.D, c.pad));
        std::swap(R, Yr);
        p_zero = false;
    }
    return caw_weights_backward<B, Real>(m, L);
}
