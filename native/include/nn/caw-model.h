// caw-model.h: the Catch-A-Waveform generator G and discriminator D of ONE scale
// (docs/caw-spec.md §1, §3.5; "Ten details" #2-#5, #7) as model code over the nn_core ops, llm.c
// style.
// defines: CAW_MAX_LAYERS, CAW_MAX_CONVS, caw_kind, caw_bn_mode, caw_config, caw_rng_source,
//          caw_conv, caw_model_t, caw_acts_t, caw_model, caw_acts, caw_pad, caw_model_init,
//          caw_model_free, caw_model_init_params, caw_acts_free, caw_generator_forward,
//          caw_generator_backward, caw_discriminator_forward, caw_discriminator_backward,
//          caw_gradient_penalty, caw_dmask, caw_dmask_init, caw_dmask_free,
//          caw_discriminator_forward_masked, caw_gradient_penalty_masked, caw_critic_mean_masked
//
// Buffers, one per role (llm.c): params, grads (same nn_param_layout, grads ADDED to (+=) by
// every backward), state (BN running mean/var, own layout: state, not parameters), and per
// forward graph a caw_acts (activations + scratch, allocated lazily by the first forward for a
// length N; every later call with that caw_acts must use the same N). A backward uses the acts
// of the last forward made with them, and the params must not change in between. Batch size 1.
// The structs are templates on the scalar type only so test/native can run the same code in
// double (native/src/model/caw-model-impl.h); nn_core's entry points below are float.
#pragma once

#include <cstddef>

#include "nn/adam.h"
#include "nn/nn.h"
#include "nn/pyramid.h"

/** Most trunk layers (L); the trunk's dilations are 1, 2, ..., 2^(L-1). */
constexpr size_t CAW_MAX_LAYERS = 12;
/** Trunk convolutions plus G's two gate convolutions and out_conv. */
constexpr size_t CAW_MAX_CONVS = CAW_MAX_LAYERS + 3;

enum caw_kind { CAW_GENERATOR = 0, CAW_DISCRIMINATOR = 1 };

/** How the BatchNorm layers run in a forward (docs/caw-spec.md "Ten details" #5). */
enum caw_bn_mode {
    CAW_BN_TRAIN =
        0, // batch statistics; running stats updated with momentum 0.1 (PyTorch .train())
    CAW_BN_TRAIN_KEEP =
        1, // batch statistics; running stats left alone (finite differences, recomputation)
    CAW_BN_EVAL = 2, // running statistics (frozen generators, inference: PyTorch .eval())
};

/**
 * The architecture: channels C (16 at the first scale, 96 after), kernel K (9, odd), trunk
 * layers L (8, 2..CAW_MAX_LAYERS). C_in = 1. P = (K-1)*(2^L - 1)/2 (1020 for K=9, L=8).
 */
struct caw_config {
    caw_kind kind;
    size_t   channels;
    size_t   kernel;
    size_t   layers;
};

/**
 * Where initialisation draws its random numbers: uniform() in [0, 1), normal() ~ N(0, 1).
 * A function-pointer interface so the model does not depend on a particular generator (the
 * trainer connects its seeded, serialisable one).
 */
struct caw_rng_source {
    void * ctx;
    double (*uniform)(void * ctx);
    double (*normal)(void * ctx);
};

/** One NormConv1d (w = g * v / ||v|| per output channel, + bias) and, for a ConvBlock, the
 * BatchNorm1d + LeakyReLU(0.2) that follow. Offsets are in elements. */
struct caw_conv {
    size_t C_in, C_out, K, D, pad;
    bool   bn;          // ConvBlock: BN (eps 1e-5, momentum 0.1) + LeakyReLU(0.2) follow
    size_t v, g, bias;  // into params / grads: v (C_out, C_in, K), g (C_out), bias (C_out)
    size_t gamma, beta; // into params / grads when bn: (C_out) each
    size_t rmean, rvar; // into state when bn: running mean / var (C_out) each
    size_t w;           // into weights / wgrads: the effective weight (C_out, C_in, K)
};

/**
 * One network. convs[0] head (1 -> C, D=1), convs[1 .. L-2] body (D = 2^l), convs[L-1] tail
 * (D = 2^(L-1), C -> C in G, C -> 1 in D, no BN); G adds convs[L] gate tanh, convs[L+1] gate
 * sigmoid (K, D=1, pad (K-1)/2) and convs[L+2] out_conv (C -> 1, K=1).
 */
template <typename Real>
struct caw_model_t {
    caw_config      config;
    size_t          n_convs;
    size_t          pad;      // P
    size_t          n_params; // parameters (sum of tensor sizes, alignment gaps excluded)
    caw_conv        convs[CAW_MAX_CONVS];
    nn_param_layout param_layout; // params and grads: "head.conv.v", "body.0.bn.gamma", ...
    nn_param_layout state_layout; // state: "head.bn.running_mean", ...
    Real *          params;       // (param_layout.total)
    Real *          grads;        // (param_layout.total)
    Real *          state;        // (state_layout.total)
    Real *          weights;      // (weights_total): effective weights of the last forward
    Real *          wgrads;       // (weights_total): d/dw scratch of a backward
    size_t          weights_total;
};

/**
 * Inpainting's discriminator mask for one input length N (docs/caw-spec.md §4 "Inpainting"; the
 * reference's ConvBlock mask_out and not_valid_idx). With R_l = (K-1)(2^(l+1) - 1) the receptive
 * field after ConvBlock l, the BN statistics of ConvBlock l skip its output positions
 * [h0 - R_l, h1] (inclusive, clamped to the map) of every hole [h0, h1) at this level, and the
 * critic means (and the penalty's sum) drop D outputs [h0 - 2P, h1 + 1] (inclusive, clamped;
 * +1 for the pre-emphasis). Kept outputs then depend on valid positions only. Overlapping grown
 * holes simply merge (the reference's slicing gives the same union; a negative start, which
 * Python's slicing would wrap around, is clamped to 0 here).
 */
struct caw_dmask {
    size_t          N;                      // D input length
    size_t          total;                  // N - 2P: D outputs
    size_t          kept;                   // D outputs in the means, >= 1
    unsigned char * valid[CAW_MAX_LAYERS];  // ConvBlock l: (N - R_l) flags, 1 = in the stats
    unsigned char * keep;                   // (N - 2P) flags, 1 = in the means
    unsigned char * mem;
};

/** Builds the mask of a D (config: K, L) for length N and holes (ascending, at this level's
 * rate, [start, end) with start <= end <= N). Fails when a ConvBlock keeps fewer than 2
 * positions or D keeps no output. *mask must be zeroed or freed. */
nn_status caw_dmask_init(caw_dmask * mask, const caw_config * config, size_t N,
                         const nn_hole * holes, size_t hole_count);

/** Frees a mask; safe on a zeroed or freed one. */
void caw_dmask_free(caw_dmask * mask);

/** The activations of one forward graph (and the GP's tangents), one allocation each. */
template <typename Real>
struct caw_acts_t {
    caw_config  config; // of the model whose first forward allocated these
    size_t      N;      // G: output length; D: input length; 0 before the first forward
    size_t      T[CAW_MAX_CONVS + 1]; // T[l]: input length of convs[l]; T[n_convs] unused in G
    caw_bn_mode mode;                 // of the last forward
    bool        ready;                // a forward filled these
    float       amp;                  // G: the noise amplitude of the last forward
    const caw_dmask * mask;           // D: the mask of the last forward (null: unmasked)
    Real *      mem;                  // everything below but the tangents
    size_t      mem_total;
    Real *      x;                      // (1, T[0]) the network input (G: padded noise*amp + prev)
    Real *      z[CAW_MAX_CONVS];       // conv outputs (C_out, T_out)
    Real *      a[CAW_MAX_LAYERS];      // LeakyReLU outputs of ConvBlocks (C, T_out)
    Real *      mean[CAW_MAX_LAYERS];   // BN saved batch mean (C)
    Real *      invstd[CAW_MAX_LAYERS]; // BN saved 1/sqrt(var + eps) (C)
    Real *      q;                      // G: gated unit output (C, N)
    Real *      scratch[5];             // (scratch_size) each
    size_t      scratch_size;
    Real *      dummy; // (2 * C) sink for dgamma/dbeta when no param grads are wanted
    Real *      tmem;  // D's gradient-penalty tangents, allocated by its first call
    Real *      xt;    // (1, T[0])
    Real *      zt[CAW_MAX_LAYERS];
    Real *      at[CAW_MAX_LAYERS];
};

using caw_model = caw_model_t<float>;
using caw_acts  = caw_acts_t<float>;

/** P = (K-1)*(2^L - 1)/2: the zero padding of G's input on each side, and half the length D
 * loses. 0 for an invalid config (K even, L out of range). */
size_t caw_pad(const caw_config * config);

/** Builds the layouts and allocates params, grads, state (zeroed; running var 1) and the weight
 * buffers. *model must be zero-initialised or freed. Checks: C >= 1, K odd >= 1, 2 <= L <=
 * CAW_MAX_LAYERS. */
nn_status caw_model_init(caw_model * model, const caw_config * config);

/** Frees everything; safe on a zeroed or freed model. */
void caw_model_free(caw_model * model);

/**
 * docs/caw-spec.md §1 "Initialisation (inferred)": per conv in order v ~ U(±1/sqrt(C_in*K)), bias ~
 * same, g = ||v|| per output channel; per BN gamma ~ N(1, 0.02), beta = 0; running mean 0, var 1.
 * Zeroes grads.
 */
nn_status caw_model_init_params(caw_model * model, const caw_rng_source * rng);

/** Frees the activations; the struct is then reusable for another N. Safe on a zeroed one. */
void caw_acts_free(caw_acts * acts);

// noise, prev, out are (1, 1, N), N >= 1; noise or prev may be null (zeros). Computes
//   x_in = pad0(noise*amp + prev) by P each side, out = PE(out_conv(gate(trunk(x_in)))) + prev.
// out must not overlap noise or prev.
nn_status caw_generator_forward(caw_model * G, caw_acts * acts, const nn_tensor_view * noise,
                                float amp, const nn_tensor_view * prev, nn_tensor_view * out,
                                caw_bn_mode mode);

// dout is (1, 1, N) (dLoss/dout); adds (+=) dLoss/dtheta into G->grads. d_noise and d_prev
// (1, 1, N, each optional) are written (=): d_noise = amp * dx_in, d_prev = dx_in + dout.
nn_status caw_generator_backward(caw_model * G, caw_acts * acts, const nn_tensor_view * dout,
                                 nn_tensor_view * d_noise, nn_tensor_view * d_prev);

// x is (1, 1, N), out is (1, 1, N - 2P); N >= 2P + 1. out = PE(tail(body(head(x)))).
nn_status caw_discriminator_forward(caw_model * D, caw_acts * acts, const nn_tensor_view * x,
                                    nn_tensor_view * out, caw_bn_mode mode);

// dout is (1, 1, N - 2P); adds (+=) into D->grads; dx (1, 1, N, optional) is written (=).
nn_status caw_discriminator_backward(caw_model * D, caw_acts * acts, const nn_tensor_view * dout,
                                     nn_tensor_view * dx);

/**
 * The WGAN-GP term of the D step (docs/caw-spec.md §3.5): x_hat = alpha*real + (1-alpha)*fake
 * (both constants), g = d/dx_hat sum_t D(x_hat)_t with train-mode BN,
 * *gp = lambda * mean_t (|g_t| - 1)^2, and, when add_grads, dgp/dtheta_D added (+=) into D->grads
 * (exact reverse-over-forward; the derivation is in native/src/model/caw-gp-impl.h).
 * update_running: whether this forward updates the running statistics (PyTorch's does). real, fake
 * are (1, 1, N); alpha in [0, 1]; lambda finite (0.01 in CAW). Overwrites acts (it is a forward of
 * D).
 */
nn_status caw_gradient_penalty(caw_model * D, caw_acts * acts, const nn_tensor_view * real,
                               const nn_tensor_view * fake, float alpha, float lambda,
                               bool update_running, bool add_grads, float * gp);

/**
 * Inpainting's masked D (docs/caw-spec.md §4): caw_discriminator_forward with the BN statistics of
 * every ConvBlock taken over mask's valid positions (train modes; EVAL ignores the mask). out
 * is the whole (1, 1, N - 2P) map; caw_discriminator_backward then differentiates the masked
 * forward. mask must outlive the backward and match N and D's config.
 */
nn_status caw_discriminator_forward_masked(caw_model * D, caw_acts * acts,
                                           const nn_tensor_view * x, nn_tensor_view * out,
                                           caw_bn_mode mode, const caw_dmask * mask);

/**
 * Inpainting's penalty (the reference's calc_gradient_penalty with a mask): D masked as above,
 * g = d/dx_hat sum_{t kept} D(x_hat)_t, *gp = lambda * mean over ALL N of (rho |g_t| - 1)^2 with
 * rho = total / kept, and its exact parameter gradient. Otherwise as caw_gradient_penalty.
 */
nn_status caw_gradient_penalty_masked(caw_model * D, caw_acts * acts, const nn_tensor_view * real,
                                      const nn_tensor_view * fake, float alpha, float lambda,
                                      bool update_running, bool add_grads, const caw_dmask * mask,
                                      float * gp);

/**
 * The masked critic mean: *value = mean of map over mask's kept outputs (sum in double), and,
 * when dmap is non-null, dmap = scale / kept at kept outputs, 0 elsewhere (written). map, dmap
 * are (1, 1, mask->total).
 */
nn_status caw_critic_mean_masked(const nn_tensor_view * map, const caw_dmask * mask, float scale,
                                 float * value, nn_tensor_view * dmap);
