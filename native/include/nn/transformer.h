// transformer.h: the Transformer block's own ops for the phrase models (the VAE-Transformer
// variant of `vary`): multi-head scaled dot-product attention, layer norm and GELU. The block's
// projections (Q, K, V, the output, the feed-forward layers) are nn/dense.h's dense layer.
// defines: attention_forward_cpu, attention_backward_cpu, layer_norm_forward_cpu,
//          layer_norm_backward_cpu, gelu_forward_cpu, gelu_backward_cpu
//
// Row-major contiguous host float32, time-major as the LSTM's sequences (row n of a (T*B, ...)
// matrix is time n / B, lane n % B). T time steps, B lanes, H heads, D dims per head, C = H*D
// model width, N rows (T*B flattened). Backward passes WRITE (=) activation gradients and ADD
// (+=) into parameter gradients (layer norm's gamma and beta). Outputs must not overlap inputs or
// each other. Every reduction runs in a fixed order: results are bitwise the same for any thread
// count.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/nn.h"

// ----------------------------------------------------------------------------
// attention (Vaswani et al. 2017), per lane b and head h, over that head's D columns:
//   s[t, u]   = q[t] . k[u] / sqrt(D)               for keys u allowed to query t, else -inf
//   att[t, :] = softmax(s[t, :]);  y[t] = sum_u att[t, u] v[u]
// Key u is allowed to query t when u < lengths[b] (padding masked) and, when causal, u <= t.
// Queries at t >= lengths[b] are computed too (their rows are the padding's: the caller ignores
// them); every query has key 0, so lengths[b] >= 1.
//   dv[u]     = sum_t att[t, u] dy[t]
//   datt[t,u] = dy[t] . v[u];  ds[t, u] = att[t, u] (datt[t, u] - sum_u' att[t, u'] datt[t, u'])
//   dq[t]     = sum_u ds[t, u] k[u] / sqrt(D);  dk[u] = sum_t ds[t, u] q[t] / sqrt(D)

/** The attention's dimensions and masks. */
struct nn_attention_config {
    size_t T;      // time steps
    size_t B;      // lanes
    size_t H;      // heads
    size_t D;      // dims per head (C = H * D)
    bool   causal; // a query sees only keys at its own time and before
};

/** Floats of the probabilities att that the forward writes and the backward reads: B*H*T*T. */
size_t attention_cache_count(const nn_attention_config * cfg);

/**
 * q, k, v (T, B, C); lengths int32 (B) in [1, T]; y (T, B, C) and att (B, H, T, T) written
 * (masked probabilities are 0).
 */
nn_status attention_forward_cpu(const nn_attention_config * cfg, const float * q, const float * k,
                                const float * v, const int32_t * lengths, float * y, float * att);

/** q, k, v, att as the forward had and wrote; dy (T, B, C); dq, dk, dv (T, B, C) written. */
nn_status attention_backward_cpu(const nn_attention_config * cfg, const float * q,
                                 const float * k, const float * v, const float * att,
                                 const float * dy, float * dq, float * dk, float * dv);

// ----------------------------------------------------------------------------
// layer norm over each row's C features (Ba et al. 2016; PyTorch's nn.LayerNorm(C, eps)):
//   mean = sum_c x / C,  rstd = 1 / sqrt(sum_c (x - mean)^2 / C + eps)
//   y = (x - mean) rstd gamma + beta
//   xhat = (x - mean) rstd;  dxhat = dy gamma
//   dx = rstd (dxhat - mean_c(dxhat) - xhat mean_c(dxhat xhat))
//   dgamma += sum_n dy xhat;  dbeta += sum_n dy

/** x (N, C), gamma, beta (C); y (N, C), mean and rstd (N) written. eps > 0. */
nn_status layer_norm_forward_cpu(const float * x, const float * gamma, const float * beta,
                                 float * y, float * mean, float * rstd, size_t N, size_t C,
                                 float eps);

/** x, gamma, mean, rstd as the forward had and wrote; dy (N, C); dx (N, C) written; dgamma and
 *  dbeta (C) added to. */
nn_status layer_norm_backward_cpu(const float * x, const float * gamma, const float * mean,
                                  const float * rstd, const float * dy, float * dx, float * dgamma,
                                  float * dbeta, size_t N, size_t C);

// ----------------------------------------------------------------------------
// GELU, the tanh form (Hendrycks & Gimpel 2016; GPT-2's, PyTorch's approximate='tanh'):
//   y = 0.5 x (1 + tanh(a)),  a = sqrt(2/pi) (x + 0.044715 x^3)
//   dx = dy (0.5 (1 + tanh(a)) + 0.5 x (1 - tanh(a)^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2))

/** x, y (N) elementwise; y written. */
nn_status gelu_forward_cpu(const float * x, float * y, size_t N);

/** x, dy (N); dx (N) written. */
nn_status gelu_backward_cpu(const float * x, const float * dy, float * dx, size_t N);
