// caw-trainer-impl.h: private pieces shared by caw-trainer.cpp (the training loop),
// caw-trainer-io.cpp (checkpoints, manifest) and caw-generate.cpp (the frozen pyramid,
// generation): the per-scale checkpoint image, the frozen-pyramid run (docs/caw-spec.md §3.2-3.3,
// §4) and file helpers.
// Invariant: every function returns nn_status and records a message; none throws except
// std::bad_alloc, which the public entry points turn into NN_STATUS_OUT_OF_MEMORY.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nn/caw-generate.h"
#include "nn/caw-trainer.h"
#include "nn/rng.h"

namespace caw_tr {

/** Indices into the "scale" u64 blob of a checkpoint. */
enum scale_info_index : size_t {
    INFO_SCALE = 0, // s
    INFO_SCALES,    // trained scales of the pyramid
    INFO_FIRST,     // pyramid level of scale 0
    INFO_LENGTH,    // N_s
    INFO_RATE,      // Hz
    INFO_CHANNELS,  // C
    INFO_KERNEL,    // K
    INFO_LAYERS,    // L
    INFO_EPOCHS,    // epochs trained
    INFO_COUNT,
};

/** Everything one scale-<s>.ckpt holds. */
struct scale_image {
    uint64_t            config_hash      = 0;
    uint64_t            info[INFO_COUNT] = {};
    std::vector<double> amps;   // (s + 1) amps of scales 0..s
    std::vector<float>  z_rec0; // (N_0)
    // inpainting runs only (checkpoint kind CAW_CHECKPOINT_FORMAT_INPAINTING):
    std::vector<uint64_t> holes; // [mode, Fs, count, start_0, end_0, ...] at Fs
    std::vector<float>    z_rec; // (N_s) this scale's fixed hole noise, s >= 1
    double              losses[7] = {};
    std::vector<float>  g_params, g_state, d_params, d_state;
};

// ---- configuration (caw-trainer-config.cpp) ----

/** Range checks of a config (mode, architecture, hyper-parameters, hole count, MSS plans). */
nn_status check_config(const caw_train_config * c);

/** The holes against the signal: ascending, each with audio on both sides (0 < start < end < N,
 * start > the previous end). */
nn_status check_holes(const caw_train_config * c, size_t N);

/** FNV-1a 64 of everything that shapes the checkpoints: config (holes when inpainting),
 * pyramid options, Fs and the signal's samples. Resume requires equality. */
uint64_t config_hash(const caw_train_config * c, const nn_pyramid_options * o, const float * x,
                     size_t N, uint32_t Fs);

/** The holes of config at a level of `rate` Hz (nn_hole_index of both ends). */
std::vector<caw_hole> level_holes(const caw_train_config * c, uint32_t rate, uint32_t Fs);

// ---- files (caw-trainer-io.cpp) ----

/** "<dir>/scale-<s>.ckpt" and "<dir>/manifest.json". */
std::string scale_path(const char * dir, size_t s);
std::string manifest_path(const char * dir);
bool        file_exists(const std::string & path);

/** Writes / reads one scale checkpoint (atomic write; validated read, s must match). */
nn_status save_scale(const std::string & path, const scale_image & image);
nn_status load_scale(const std::string & path, size_t s, scale_image * image);

/** Writes text to path atomically (path.tmp, fsync, rename). */
nn_status write_text_atomic(const std::string & path, const std::string & text);

/** One finished scale as manifest.json lists it (seconds NaN: trained by an earlier call). */
struct manifest_scale {
    uint32_t         rate;
    size_t           length;
    size_t           channels;
    double           amp;
    caw_epoch_losses losses;
    double           seconds;
};

/**
 * Writes <dir>/manifest.json atomically: format, config hash, seed, mode, Fs, first level,
 * every trained scale's rate and length, and per finished scale its channels, noise amp
 * (%.17g), last-epoch losses and seconds (null when unknown), and checkpoint file name.
 */
nn_status write_manifest(const char * dir, uint64_t hash, const caw_train_config * config,
                         uint32_t Fs, size_t first, const std::vector<uint32_t> & rates,
                         const std::vector<size_t> &         lengths,
                         const std::vector<manifest_scale> & done);

/** Puts losses into / out of the 7-double array order of caw_epoch_losses. */
void             losses_to_array(const caw_epoch_losses & l, double out[7]);
caw_epoch_losses losses_from_array(const double in[7]);

// ---- the frozen pyramid (caw-generate.cpp) ----

/** Grows trained to hold `capacity` scales (zeroed slots); keeps what is there. */
nn_status trained_reserve(caw_trained * trained, size_t capacity);

/** Appends scale image (its G) to trained at index trained->scales. */
nn_status trained_push(caw_trained * trained, const scale_image & image);

/**
 * Runs frozen G_0 .. G_{count-1} of trained in EVAL BN at lengths lens[0 .. count-1] and
 * writes G_{count-1}'s output into y (resized to lens[count-1]). Noise: with rng, randn(lens[j])
 * drawn scale by scale (times amp_j inside G); without rng, the reconstruction noise (z_rec0 at
 * scale 0, requiring lens[0] == lengths[0]; after it z_rec[j] (inpainting, also at the training
 * length) or zeros). Scale j > 0 gets prev = the cubic upsampling of scale j-1's output by
 * rates[j] / rates[j-1], cropped / padded to lens[j].
 */
nn_status frozen_run(caw_trained * trained, size_t count, const size_t * lens, nn_rng * rng,
                     std::vector<float> * y);

/**
 * The windows of a cropped scale's prev redraw (docs/caw-spec.md §8 "Crops"): wins[j] samples at
 * frozen scale j < count, such that G_j's exact interior (its window less P_j on each side, or the
 * whole level when the window would reach it), upsampled, covers n_out samples at rate_out plus a
 * cubic margin. Going down, once a window reaches its whole level every coarser one is whole too.
 */
std::vector<size_t> crop_windows(const caw_trained * trained, size_t count, uint32_t rate_out,
                                 size_t n_out);
/** The same from the frozen scales' rates, level lengths and pads P_j (the FLOP bench's). */
std::vector<size_t> crop_windows(const uint32_t * rates, const size_t * lengths,
                                 const size_t * pads, size_t count, uint32_t rate_out,
                                 size_t n_out);

/**
 * frozen_run on windows: G_0 .. G_{count-1} in EVAL BN with fresh noise from rng at lengths
 * wins (crop_windows); a windowed scale hands on only its exact interior, and the next scale's
 * prev is the middle of that interior's upsampling. Writes the middle n_out samples of
 * G_{count-1}'s interior upsampled by rate_out / rates[count-1] into out (n_out).
 */
nn_status frozen_run_window(caw_trained * trained, size_t count, const std::vector<size_t> & wins,
                            nn_rng * rng, uint32_t rate_out, float * out, size_t n_out);

/** out (n_out) = upsample_cubic(y (n_in), scale) cropped / zero-padded to n_out. */
nn_status upsample_to(const float * y, size_t n_in, double scale, float * out, size_t n_out);

} // namespace caw_tr
