// dense.h: the phrase models' dense layer (output projections, the VAE's latent heads) and token
// embedding. defines: dense_forward_cpu, dense_backward_cpu, embedding_forward_cpu,
//                     embedding_backward_cpu
//
// Row-major contiguous host float32; N rows (time x batch flattened: a (T, B, H) LSTM output is
// N = T*B rows of H), I inputs, O outputs, V vocabulary, E embedding width.
//   dense:     y (N, O) = x (N, I) W^T + b         W (O, I) as PyTorch's nn.Linear, b (O) or null
//   embedding: y (N, E) = table[ids[n], :]         table (V, E), ids int32 (N) in [0, V)
// The dense products run on conv1d's kernels like the LSTM's (src/cpu/matmul.h). Backward passes
// WRITE (=) the input gradient and ADD (+=) into the parameter gradients. Outputs must not
// overlap the inputs or each other.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/nn.h"

/** y = x W^T + b (written). */
nn_status dense_forward_cpu(const float * x, const float * W, const float * b, float * y, size_t N,
                            size_t I, size_t O);

/**
 * dx (N, I) = dy W (written; null = not wanted), dW (O, I) += dy^T x, db (O) += sum_n dy[n]
 * (null when the layer has no bias).
 */
nn_status dense_backward_cpu(const float * x, const float * W, const float * dy, float * dx,
                             float * dW, float * db, size_t N, size_t I, size_t O);

/** y[n] = table[ids[n]] (written). An id outside [0, V) is refused before anything is written. */
nn_status embedding_forward_cpu(const float * table, const int32_t * ids, float * y, size_t N,
                                size_t V, size_t E);

/** dtable[ids[n]] += dy[n] for n = 0..N-1 in order (repeated ids add up: a scatter-add). */
nn_status embedding_backward_cpu(const int32_t * ids, const float * dy, float * dtable, size_t N,
                                 size_t V, size_t E);
