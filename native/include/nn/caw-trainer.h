// caw-trainer.h: the coarse-to-fine Catch-A-Waveform trainer (docs/caw-spec.md §3,
// "Ten details" #1, #5-#9) over the one-scale model of nn/caw-model.h. Generation from what it
// writes is nn/caw-generate.h.
// defines: caw_train_mode, caw_device, caw_train_config, caw_train_default_config,
//          caw_epoch_losses, caw_progress, caw_device_choice, caw_train_callbacks,
//          caw_train_result, caw_train,
//          CAW_CHECKPOINT_FORMAT, CAW_CHECKPOINT_FORMAT_INPAINTING, caw_hole, CAW_MAX_HOLES
//
// Randomness: every draw comes from the stream nn_rng_init_stream(seed, scale, purpose), so a
// scale's numbers depend only on (seed, scale index) and a run resumed at a scale boundary
// writes checkpoints byte-identical to an uninterrupted run. Files in the output directory:
// scale-<s>.ckpt (s = trained scale, 0 = coarsest; nn/checkpoint.h format, no timestamps) and
// manifest.json (progress for people and TypeScript; not needed to resume).
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/caw-model.h"
#include "nn/mss-loss.h"
#include "nn/nn.h"
#include "nn/pyramid.h"

/** The `kind` blob value of a trainer checkpoint, bumped when its blobs change. */
constexpr uint64_t CAW_CHECKPOINT_FORMAT = 1;
/** The `kind` of an inpainting run's checkpoints: format 1 plus the blobs "holes" (u64 [mode,
 * Fs, count, start_0, end_0, ...]) and, for scales >= 1, "z_rec" (f32, the fixed hole noise).
 * Other modes still write format 1, so their files are unchanged. */
constexpr uint64_t CAW_CHECKPOINT_FORMAT_INPAINTING = 2;

/** docs/caw-spec.md §3 "Loss choice by mode". */
enum caw_train_mode {
    CAW_TRAIN_NORMAL     = 0, // music: alpha1 0, alpha2 1e-4, add_cond_noise
    CAW_TRAIN_DENOISING  = 1, // alpha1 10, alpha2 0, no cond noise (also speech's choice)
    CAW_TRAIN_INPAINTING = 2, // alpha1 10, alpha2 0, add_cond_noise; needs holes (§4)
};

/**
 * Where caw_train runs (docs/cuda.md). CUDA and AUTO both try the GPU: a CUDA
 * build with a device, a passing self-test of the device ops against the CPU, and a mode the
 * device trainer has (not inpainting); otherwise training falls back to the CPU and
 * on_device says why. (AUTO and CUDA differ only in what the caller meant; both fall back.)
 */
enum caw_device {
    CAW_DEVICE_CPU  = 0,
    CAW_DEVICE_CUDA = 1,
    CAW_DEVICE_AUTO = 2,
};

/** An inpainting hole: samples [start, end) of the signal at its full rate Fs. */
using caw_hole = nn_hole;

/** Most holes of an inpainting run. */
constexpr size_t CAW_MAX_HOLES = NN_MAX_HOLES;

/** Everything that shapes training (defaults from caw_train_default_config in brackets). */
struct caw_train_config {
    size_t         channels_first;          // C at the first trained scale [16]
    size_t         channels_rest;           // C at every later scale [96]
    size_t         kernel;                  // K, odd [9]
    size_t         layers;                  // L, 2..CAW_MAX_LAYERS [8]
    size_t         epochs;                  // iterations per scale, >= 1 [2000]
    double         lr;                      // Adam learning rate [0.0015]
    double         beta1, beta2, eps;       // Adam [0.5, 0.999, 1e-8]
    double         milestone_fraction;      // LR milestone = (size_t)(fraction * epochs) [2/3]
    double         gamma;                   // LR factor at the milestone [0.1]
    double         lambda_grad;             // gradient-penalty weight [0.01]
    caw_train_mode mode;                    // [as passed]
    double         alpha1;                  // MSE weight of L_rec [by mode]
    double         alpha2;                  // MSS weight of L_rec [by mode]
    bool           add_cond_noise;          // std-matched amp at the second scale [by mode]
    nn_mss_config  mss[NN_MSS_MAX_CONFIGS]; // [NN_MSS_DEFAULT_CONFIGS]
    size_t         mss_count;               // [3]
    uint64_t       seed;                    // every stream derives from it [0]
    // the cheap fine scales (docs/caw-spec.md §8 "Crops"): a scale whose level has at least
    // crop + 2P + 1 samples trains every epoch on a random crop of `crop` samples (G runs on
    // crop + 2P so the crop is its exact interior; the prev redraw runs on windows,
    // frozen_run_window); coarser levels train whole. 0 = off; not with inpainting [0]
    size_t         crop;
    size_t         fine_epochs; // epochs of a cropped scale (they start warm); 0 = epochs [0]
    bool           bf16;        // bf16 convolutions where the CPU has AVX512_BF16 [false]
    // inpainting only (1..CAW_MAX_HOLES, else 0): ascending, non-overlapping, each with audio
    // on both sides (0 < start < end < N) [none]
    caw_hole       holes[CAW_MAX_HOLES];
    size_t         hole_count;
    // where to train [CAW_DEVICE_CPU]. Not part of the config hash: a run may resume on another
    // device. The device run draws its noise from Philox (nn/philox.h) instead of xoshiro, so
    // it is deterministic per seed but not equal to a CPU run of the same seed; bf16 there
    // means the convolutions' bf16 tensor-core tiles (else fp32 through 3xTF32).
    caw_device     device;
};

/** Fills config with the defaults above for mode. */
void caw_train_default_config(caw_train_config * config, caw_train_mode mode);

/**
 * One epoch's numbers (means over D's output map, docs/caw-spec.md §3.4-§3.6): d_real = mean
 * D(real), d_fake = mean D(fake) in the D step, gp the penalty, err_g = -mean D(fake) through the
 * updated D, rec = alpha1 * mse + alpha2 * mss, mse and mss the reconstruction's distances to the
 * real level (mss is NaN when the level is shorter than nn_mss_min_length and alpha2 == 0).
 */
struct caw_epoch_losses {
    double d_real, d_fake, gp, err_g, rec, mse, mss;
};

/** What on_epoch receives after every epoch. scale counts trained scales (0 = coarsest). */
struct caw_progress {
    size_t           scale, scales; // this scale, trained scales in total
    size_t           epoch, epochs; // 0-based epoch just finished, epochs per scale
    caw_epoch_losses losses;
    double           seconds; // wall time of this epoch
};

/** Where training runs, reported once before the first epoch (on_device). */
struct caw_device_choice {
    caw_device   device;         // used: CAW_DEVICE_CPU or CAW_DEVICE_CUDA
    const char * name;           // "NVIDIA H100 80GB HBM3" or "CPU" (the simulator: "simulator")
    const char * reason;         // why the CPU when CUDA / AUTO was asked, else ""
    double       self_test_nmse; // the device self-test's worst NMSE; NaN when none ran
};

/**
 * Progress and cancellation. on_epoch (may be null) returns true to go on, false to cancel:
 * training then stops after this epoch, the current scale is discarded (no checkpoint), and
 * caw_train returns NN_STATUS_OK with result->cancelled set. on_device (may be null) is called
 * once, before training, with the device chosen (the strings live until it returns).
 */
struct caw_train_callbacks {
    void * ctx;
    bool (*on_epoch)(void * ctx, const caw_progress * progress);
    void (*on_device)(void * ctx, const caw_device_choice * choice) = nullptr;
};

struct caw_train_result {
    size_t scales_total; // trained scales of the pyramid
    size_t scales_done;  // complete scales on disk after this call
    size_t resumed_at;   // the first scale this call trained (0 for a fresh run)
    bool   cancelled;    // the callback asked to stop
};

/**
 * Inpainting (mode CAW_TRAIN_INPAINTING, docs/caw-spec.md §4 "Inpainting", as the reference's code
 * does it): the holes are zeroed in the (normalised) signal and scaled to each level by
 * nn_hole_index; level energies (first scale, noise amps) and the reconstruction MSE use valid
 * samples only (the MSS loss, off by default, sees the whole signal, as the reference's);
 * z_rec at scales >= 1 is N(0, 1) inside the level's holes (stream (s, REC), drawn once, kept
 * in the checkpoint) and 0 elsewhere; the D step's real and GP passes use the masked D
 * (caw_dmask: BN statistics without the grown holes, means over kept outputs, GP gradient times
 * total / kept), the fake passes the unmasked one. options->holes is set from config.
 *
 * Trains x (N mono samples at Fs Hz, finite) coarse to fine, following docs/caw-spec.md §3 exactly:
 * per scale s, fresh G and D (C = channels_first at s = 0, channels_rest after), warm-started
 * from scale s-1 (params + BN state) when s >= 2, otherwise initialised from stream (s, INIT);
 * coarser G frozen (EVAL BN); one D step then one G step per epoch; LR multistep. After each
 * scale, scale-<s>.ckpt and manifest.json are written atomically into out_dir (which must
 * exist). resume: continue after the last complete scale found in out_dir (its config hash
 * must match this call's config, pyramid options and signal; none found = fresh start);
 * otherwise start at scale 0 and overwrite. callbacks may be null. Needs every trained level
 * longer than 2P (P = caw_pad) and, when alpha2 > 0, at least nn_mss_min_length samples.
 *
 * config->device CUDA / AUTO: the scales train on the GPU when it passes the self-test (else on
 * the CPU, with the reason in on_device). Out of device memory: NN_STATUS_OUT_OF_MEMORY with a
 * message naming the scale and its clip length (samples and seconds at the level's rate); the
 * scales finished before it are on disk, so resume continues there (on either device).
 */
nn_status caw_train(const float * x, size_t N, uint32_t Fs, const nn_pyramid_options * options,
                    const caw_train_config * config, const char * out_dir, bool resume,
                    const caw_train_callbacks * callbacks, caw_train_result * result);
