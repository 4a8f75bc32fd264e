// caw-generate.h: inference from a trained Catch-A-Waveform run (docs/caw-spec.md §4
// "Unconditional" / "Reconstruction"): the frozen pyramid loaded from the scale-<s>.ckpt files
// that caw_train (nn/caw-trainer.h) writes, unconditional generation and the reconstruction.
// defines: caw_trained, caw_trained_load, caw_trained_free, caw_generate_length, caw_generate,
//          caw_reconstruct
//
// Every generator runs in EVAL BN (running statistics), so the output depends only on the
// checkpoints, the seed and the length. Audio files are TypeScript's job: caw_generate and
// caw_reconstruct return float buffers in normalised units.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/caw-model.h"
#include "nn/caw-trainer.h"
#include "nn/nn.h"

/**
 * The frozen generators of a trained (possibly partial) run, loaded from its checkpoints:
 * per scale s < scales its rate, training length, noise amp (full precision) and G (EVAL BN);
 * z_rec0 the reconstruction noise of scale 0; z_rec[s] that of scale s >= 1 (null = zeros;
 * inpainting runs: N(0, 1) inside the holes). Inpainting runs also give their holes (at Fs).
 */
struct caw_trained {
    size_t      scales;
    uint32_t *  rates;   // (scales)
    size_t *    lengths; // (scales)
    double *    amps;    // (scales)
    caw_model * G;       // (scales)
    caw_acts *  acts;    // (scales), sized for the last length used
    float *     z_rec0;  // (lengths[0])
    float **    z_rec;   // (scales): z_rec[0] == z_rec0; z_rec[s] (lengths[s]) or null
    uint64_t    config_hash;
    bool        inpainting; // an inpainting run (its checkpoints are kind 2)
    uint32_t    Fs;         // inpainting: the training signal's rate (the holes' unit), else 0
    caw_hole    holes[CAW_MAX_HOLES];
    size_t      hole_count; // inpainting: 1..CAW_MAX_HOLES, else 0
};

/** Loads scale-0.ckpt .. scale-<n-1>.ckpt of out_dir (n = every consecutive complete scale).
 * Fails when there is none, a file is corrupt, or their config hashes differ. */
nn_status caw_trained_load(caw_trained * trained, const char * out_dir);

/** Frees everything; *trained becomes empty. Safe on a zeroed or freed one. */
void caw_trained_free(caw_trained * trained);

/** Output length of caw_generate for `seconds`: round(rate_last * seconds); 0 if invalid. */
size_t caw_generate_length(const caw_trained * trained, double seconds);

/**
 * Unconditional generation (docs/caw-spec.md §4): scale s has length round(rate_s * seconds);
 * scale 0 runs G_0 on randn * amp_0, each later scale cubic-upsamples, crops/pads, adds
 * randn * amp_s and runs G_s, all in EVAL BN. Noise from nn_rng_init(seed), drawn scale by
 * scale. out holds out_len == caw_generate_length(trained, seconds) floats at
 * rates[scales - 1], normalised units. seconds > 0, finite, with every scale's length >= 1
 * (G is fully convolutional).
 */
nn_status caw_generate(caw_trained * trained, uint64_t seed, double seconds, float * out,
                       size_t out_len);

/** The reconstruction (z_rec through the pyramid, EVAL BN) at the finest loaded scale; out
 * holds out_len == lengths[scales - 1] floats. */
nn_status caw_reconstruct(caw_trained * trained, float * out, size_t out_len);
