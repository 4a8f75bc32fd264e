// caw-train-device.cuh: the device trainer of one Catch-A-Waveform scale (caw-train-device.cu)
// and its self-test (caw-device-check.cu), for the runners of model/caw-device-train.h.
// defines: CAW_DEV_NS::train_scale_dev, CAW_DEV_NS::self_test_dev, CAW_DEV_NS::NOISE_Z,
//          CAW_DEV_NS::noise_stream, CAW_ARENA_ALIGN, CAW_DEVICE_GRAPHS
//
// Memory plan: ONE device allocation per scale (the arena) holds G's and D's params, grads,
// BN state, effective weights and d/dw, both Adam moments, the frozen generators' params and
// state, every activation (G's fake and reconstruction graphs, D's with the penalty's tangents,
// one region the frozen generators share in turn), the level, z, prev, prev_rec, z_rec, the
// alphas and the losses; only the MSS plan (mss_plan_create_dev) allocates its own tables.
//
// Randomness: the noise of epoch e comes from Philox (noise_normal_dev) with stream
// noise_stream(s, j) (j = NOISE_Z for z, j + 1 for frozen scale j's redraw) at offset e * n, so
// the device run is deterministic per seed but not equal to the CPU run (xoshiro streams,
// nn/rng.h). Everything else a scale draws (init, alphas, crops, z_rec) is the CPU run's.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cuda/caw-dev-backend.cuh"
#include "model/caw-device-train.h"

/** Alignment of every buffer in the arena, in bytes. */
constexpr size_t CAW_ARENA_ALIGN = 256;

/** Whether uncropped scales replay a captured epoch as a CUDA graph (false: plain launches). */
constexpr bool CAW_DEVICE_GRAPHS = true;

namespace CAW_DEV_NS {

/** Philox stream index j of z (frozen scale j's redraw noise uses j + 1). */
constexpr uint64_t NOISE_Z = 0;

/** The Philox stream of noise j at scale s: distinct for every (s, j). */
inline uint64_t noise_stream(size_t s, uint64_t j) {
    return (static_cast<uint64_t>(s + 1) << 32) | j;
}

/** Trains job's epochs on the device (see dev_runner::train_scale). */
nn_status train_scale_dev(const caw_tr::dev_scale_job * job, caw_model * G, caw_model * D,
                          caw_epoch_losses * last, bool * cancelled);

/** Epochs replayed as a CUDA graph since the process started. */
size_t graph_replays();

/** A tiny G's forward and backward on the device against caw_cpu_backend: worst NMSE. */
nn_status self_test_dev(nn_conv_precision precision, double * nmse);

} // namespace CAW_DEV_NS
