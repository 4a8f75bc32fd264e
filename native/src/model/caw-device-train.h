// caw-device-train.h: the seam between caw_train's host driver (caw-trainer.cpp: pyramid, resume,
// per-scale setup, checkpoints, manifest) and the device trainer that runs a scale's epochs
// (cuda/caw-train-device.cu, compiled for CUDA into nn_core and for the simulator into nn_sim).
// defines: caw_tr::dev_scale_job, caw_tr::dev_runner, caw_tr::dev_runner_cuda,
//          caw_tr::dev_runner_sim, caw_tr::choose_device, caw_tr::train_on, caw_train_sim
//
// The host prepares everything of a scale that is not drawn per epoch exactly as the CPU run
// does (fresh or warm-started G and D, amp, z_rec, prev_rec, the alphas, the crop starts), so
// only the per-epoch noise differs between the devices (Philox on the device, xoshiro on the
// CPU). The runner writes the trained params and BN state back into the host models, and the
// host saves them with the same save_scale / manifest code: checkpoints are the same format on
// both devices, and either device resumes the other's run.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/caw-trainer-impl.h"
#include "nn/caw-model.h"
#include "nn/conv1d.h"
#include "nn/caw-trainer.h"

namespace caw_tr {

/** One scale, prepared on the host (caw-trainer.cpp train_scale), for a device run of its epochs. */
struct dev_scale_job {
    const caw_train_config *    cfg;
    const caw_train_callbacks * cb;
    size_t                      s, scales; // this scale, trained scales in total
    const float *               real;      // (N) the level
    size_t                      N;
    uint32_t                    rate;
    size_t                      C, P;
    bool                        cropped;
    size_t                      Lc, Lg, inner; // D's length, G's length, offset of D's in G's
    size_t                      epochs, milestone;
    const float *               z_rec0;   // (N at s == 0) scale 0's reconstruction noise
    const float *               prev_rec; // (N) the frozen pyramid's reconstruction, upsampled
    float                       amp;
    const float *               alphas; // (epochs) the penalty's alpha per epoch
    const size_t *              crops;  // (epochs) the crop start a per epoch (cropped only)
    caw_trained *               frozen; // G_0 .. G_{s-1} on the host
    const size_t *              windows; // (s) the prev redraw's windows (cropped only)
    bool                        mss;     // Lc is long enough for the MSS loss
};

/** A device the trainer can run scales on. */
struct dev_runner {
    const char * backend; // "cuda" or "sim"
    /** The device's name for caw_device_choice (after a successful device count). */
    nn_status (*device_name)(char * name, size_t len);
    /** Device ops at small sizes against the CPU: *nmse the worst NMSE (fails on an error). */
    nn_status (*self_test)(nn_conv_precision precision, double * nmse);
    /** Trains job's epochs on the device from G's and D's host params and state, and writes
     * them back; *last the last epoch's losses; *cancelled when on_epoch said stop. */
    nn_status (*train_scale)(const dev_scale_job * job, caw_model * G, caw_model * D,
                             caw_epoch_losses * last, bool * cancelled);
    /** Epochs this process ran as a replayed CUDA graph (tests: the graph path is taken). */
    size_t (*graph_replays)();
};

/** The CUDA runner (nn_core with NN_WITH_CUDA; callers check NN_WITH_CUDA). */
const dev_runner * dev_runner_cuda();
/** The simulator runner (library nn_sim). */
const dev_runner * dev_runner_sim();

/**
 * Picks where caw_train runs (caw-device-select.cpp): *dev = candidate when config->device is
 * CUDA or AUTO, the mode has a device trainer (not inpainting), candidate's device exists
 * (nn_cuda_device_count for "cuda") and passes its self-test; else *dev = null (the CPU). Calls
 * callbacks->on_device with the choice and, for a fallback, the reason. Fails only on errors
 * outside the device (a failing self-test is a fallback, not an error).
 */
nn_status choose_device(const dev_runner * candidate, const caw_train_config * config,
                        const caw_train_callbacks * callbacks, const dev_runner ** dev);

/** caw_train with the device runner dev (null: as caw_train, CUDA when built with it). */
nn_status train_on(const dev_runner * dev, const float * x, size_t N, uint32_t Fs,
                   const nn_pyramid_options * options, const caw_train_config * config,
                   const char * out_dir, bool resume, const caw_train_callbacks * callbacks,
                   caw_train_result * result);

} // namespace caw_tr

/**
 * Tests only (library nn_sim): caw_train with the device path on the CPU simulator. A config
 * asking for CUDA or AUTO trains on the simulator (after its self-test); CPU trains on the CPU.
 */
nn_status caw_train_sim(const float * x, size_t N, uint32_t Fs, const nn_pyramid_options * options,
                        const caw_train_config * config, const char * out_dir, bool resume,
                        const caw_train_callbacks * callbacks, caw_train_result * result);
