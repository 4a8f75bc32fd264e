// sequence-losses.h: the phrase models' losses and the VAE's sampling step: softmax
// cross-entropy over token logits, KL(N(mu, sigma^2) || N(0, 1)), and the reparameterisation.
// defines: cross_entropy_forward_cpu, cross_entropy_backward_cpu, kl_normal_forward_cpu,
//          kl_normal_backward_cpu, reparam_forward_cpu, reparam_backward_cpu
//
// Row-major contiguous host float32; N rows (time x batch flattened), V classes (the vocabulary),
// Z latent dimensions. Scalars are summed in double in a fixed order and rounded once. Backward
// passes take the upstream scalar (d total / d loss, e.g. a KL weight) and WRITE (=) their
// gradients; where two terms meet on one tensor (mu and logvar get the KL's and the sample's
// gradients) the caller adds them. Outputs must not overlap the inputs or each other.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/nn.h"

// ----------------------------------------------------------------------------
// softmax cross-entropy with integer targets (PyTorch's F.cross_entropy, reduction 'mean')
//   kept = { n : targets[n] != ignore_index }, M = |kept|
//   loss = (1/M) sum_{n in kept} ( logsumexp(logits[n, :]) - logits[n, targets[n]] )
//   dlogits[n, v] = dloss/M * (softmax(logits[n])[v] - [v == targets[n]]) on kept rows, 0 on others
// M = 0 (every row padding) gives loss 0 and zero gradients (PyTorch gives NaN; a batch of
// padding should not poison a training run). Kept targets must lie in [0, V).

/** logits (N, V), targets int32 (N); *loss written, *kept (nullable) receives M. */
nn_status cross_entropy_forward_cpu(const float * logits, const int32_t * targets, size_t N,
                                    size_t V, int32_t ignore_index, float * loss, size_t * kept);

/** dlogits (N, V) written. dloss finite. */
nn_status cross_entropy_backward_cpu(const float * logits, const int32_t * targets, size_t N,
                                     size_t V, int32_t ignore_index, float dloss, float * dlogits);

// ----------------------------------------------------------------------------
// KL(N(mu, exp(logvar)) || N(0, 1)), summed over Z and averaged over the N rows:
//   kl = (1/N) sum_{n, z} -0.5 (1 + logvar - mu^2 - exp(logvar))
//   dmu = dkl/N * mu,  dlogvar = dkl/N * 0.5 (exp(logvar) - 1)

/** mu, logvar (N, Z); *kl written. */
nn_status kl_normal_forward_cpu(const float * mu, const float * logvar, size_t N, size_t Z,
                                float * kl);

/** dmu, dlogvar (N, Z) written. dkl finite. */
nn_status kl_normal_backward_cpu(const float * mu, const float * logvar, size_t N, size_t Z,
                                 float dkl, float * dmu, float * dlogvar);

// ----------------------------------------------------------------------------
// reparameterisation: z = mu + exp(0.5 logvar) * eps, eps ~ N(0, 1)
// eps is drawn from nn_rng seeded with `seed` (nn_rng_init, nn/rng.h), in (n, z) order, and
// written out, so the backward (and a rerun) sees the same sample:
//   dmu = dz,  dlogvar = dz * 0.5 exp(0.5 logvar) * eps

/** mu, logvar (N, Z); eps and z (N, Z) written. */
nn_status reparam_forward_cpu(const float * mu, const float * logvar, size_t N, size_t Z,
                              uint64_t seed, float * eps, float * z);

/** logvar, eps, dz (N, Z); dmu and dlogvar (N, Z) written (dmu null = not wanted). */
nn_status reparam_backward_cpu(const float * logvar, const float * eps, const float * dz, size_t N,
                               size_t Z, float * dmu, float * dlogvar);
