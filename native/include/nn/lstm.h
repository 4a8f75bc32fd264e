// lstm.h: the multi-layer LSTM of the phrase models (continuation and the VAE's encoder and
// decoder), and gradient clipping by global norm for their training steps.
// defines: nn_lstm_config, NN_LSTM_GATES, lstm_param_count, lstm_param_offset, lstm_cache_count,
//          lstm_forward_cpu, lstm_backward_cpu, grad_clip_norm_cpu
//
// Shapes (time-major, row-major, contiguous host float32; letters as in nn.h, X = input features,
// L = layers):
//   x  (T, B, X)      input sequence              y   (T, B, H)   last layer's h_t, t = 0..T-1
//   h0, c0 (L, B, H)  initial states (null = 0)   hT, cT (L, B, H) final states (null = not wanted)
//
// One layer, per time step (sigma the logistic function, * elementwise):
//   [a_i a_f a_g a_o] = x_t W_ih^T + h_{t-1} W_hh^T + b      (4H pre-activations, one GEMM each)
//   i = sigma(a_i), f = sigma(a_f), g = tanh(a_g), o = sigma(a_o)
//   c_t = f * c_{t-1} + i * g,  h_t = o * tanh(c_t)
// Gate order i, f, g, o: PyTorch's nn.LSTM and cuDNN's, so their weights load without a
// permutation and the references we check against read the same. ONNX's LSTM orders the blocks
// i, o, f, c: an ONNX export takes blocks (0, 3, 1, 2) of W_ih, W_hh and b, puts b in ONNX's Wb and
// zeros in its Rb (ONNX, like PyTorch, has two biases; one is enough: a PyTorch import sums
// b_ih + b_hh).
//
// Parameters: one flat buffer (llm.c's layout, so Adam and the clipping see one buffer); layer l
// at lstm_param_offset(cfg, l) holds, contiguous and in this order,
//   W_ih (4H, X_l)   W_hh (4H, H)   b (4H)          with X_0 = X and X_l = H for l >= 1
// (PyTorch's weight_ih_l{l} / weight_hh_l{l} layouts).
//
// Dropout (training only; cfg.dropout = 0 at inference): layer l >= 1 reads layer l-1's outputs
// times a mask m_l (T, B, H), m = 1 / (1 - p) where the draw keeps the element and 0 elsewhere
// (inverted dropout: PyTorch's nn.LSTM(dropout = p)); the last layer's y is not dropped. Layer l's
// mask comes from nn_rng stream (cfg.seed, l, 0) (nn/rng.h), drawn in (t, b, h) order: keep when
// nn_rng_uniform_float < 1 - p. The forward stores it in the cache and the backward reads it
// there, so both passes use the same mask, and the same seed gives the same mask again.
//
// Matmuls: per layer one GEMM for the input part of all four gates over all T steps at once
// ((T*B) x X_l by X_l x 4H), and one per step for the recurrent part (B x H by H x 4H); the
// backward has one per step for dh_{t-1} and the step's input gradient together (da_t [W_hh |
// W_ih], da the pre-activations' gradient) and one per weight over all steps. They run on
// conv1d's CPU path as one-tap convolutions (src/cpu/matmul.h): the same vector kernels, the
// system BLAS under NN_BLAS=ON, and the calling thread's conv precision (nn/conv1d.h: bf16 where
// set). Results are bitwise identical for any thread count.
//
// Gradient conventions as elsewhere: the backward ADDS (+=) into dparams and WRITES (=) dx,
// dh0, dc0.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/nn.h"

/** Gates per hidden unit: i, f, g, o. */
constexpr size_t NN_LSTM_GATES = 4;

struct nn_lstm_config {
    size_t   T, B, X, H; // time steps, batch, input features, hidden units (all >= 1)
    size_t   layers;     // L >= 1
    float    dropout;    // p in [0, 1) between layers
    uint64_t seed;       // the dropout masks' seed (any value)
};

/** Floats of the flat parameter buffer: sum over layers of 4H * (X_l + H + 1). 0 for a bad cfg. */
size_t lstm_param_count(const nn_lstm_config * cfg);

/** Where layer `layer`'s W_ih starts in the parameter buffer (its W_hh and b follow). */
size_t lstm_param_offset(const nn_lstm_config * cfg, size_t layer);

/**
 * Floats of the cache the forward fills for the backward: per layer h_t and c_t for t = -1..T-1
 * (2 (T+1) B H), the activated gates (T B (4H + 16): rows padded so they are not a multiple of
 * 4 KiB apart), and for layers >= 1 the dropout mask and the masked input (2 T B H). 0 for a bad
 * cfg.
 */
size_t lstm_cache_count(const nn_lstm_config * cfg);

/**
 * The forward pass. params (lstm_param_count), x (T, B, X), h0 and c0 (L, B, H) or null,
 * y (T, B, H) written, hT and cT (L, B, H) or null, cache (lstm_cache_count) written. Outputs
 * must not overlap the inputs or each other.
 */
nn_status lstm_forward_cpu(const nn_lstm_config * cfg, const float * params, const float * x,
                           const float * h0, const float * c0, float * y, float * hT, float * cT,
                           float * cache);

/**
 * The backward pass through time, after lstm_forward_cpu with the same cfg, params and x (its
 * cache). Upstream gradients: dy (T, B, H), dhT and dcT (L, B, H) or null (= 0). Outputs: dparams
 * (lstm_param_count) added; dx (T, B, X), dh0 and dc0 (L, B, H) written, each null when not
 * wanted.
 */
nn_status lstm_backward_cpu(const nn_lstm_config * cfg, const float * params, const float * x,
                            const float * cache, const float * dy, const float * dhT,
                            const float * dcT, float * dparams, float * dx, float * dh0,
                            float * dc0);

/**
 * Gradient clipping by global norm, over n buffers (grads[k] holds counts[k] floats):
 *   norm = sqrt(sum_k sum_i grads[k][i]^2)   (in double, buffers and elements in order)
 *   when norm > max_norm: every element *= max_norm / (norm + 1e-6)      (torch's
 *   clip_grad_norm_, which also leaves the gradients alone when the coefficient would be >= 1)
 * *norm_out (nullable) receives the norm before clipping. max_norm > 0 and finite; a non-finite
 * norm is reported and leaves the gradients untouched (the caller skips the step).
 */
nn_status grad_clip_norm_cpu(float * const * grads, const size_t * counts, size_t n,
                             float max_norm, float * norm_out);
