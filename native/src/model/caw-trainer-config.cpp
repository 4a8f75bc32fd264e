// caw-trainer-config.cpp: the trainer's configuration (docs/caw-spec.md §3 "Loss choice by
// mode", §6 defaults, §4 "Inpainting"): caw_train_default_config, the range checks, the holes'
// checks and per-level indices, and the config hash that resume compares.

#include <cmath>
#include <vector>

#include "common.h"
#include "model/caw-trainer-impl.h"

using namespace caw_tr;

void caw_train_default_config(caw_train_config * c, caw_train_mode mode) {
    if (c == nullptr) {
        return;
    }
    *c                    = caw_train_config{};
    c->channels_first     = 16;
    c->channels_rest      = 96;
    c->kernel             = 9;
    c->layers             = 8;
    c->epochs             = 2000;
    c->lr                 = 0.0015;
    c->beta1              = 0.5;
    c->beta2              = 0.999;
    c->eps                = 1e-8;
    c->milestone_fraction = 2.0 / 3.0;
    c->gamma              = 0.1;
    c->lambda_grad        = 0.01;
    c->mode               = mode;
    c->alpha1             = mode == CAW_TRAIN_NORMAL ? 0.0 : 10.0;
    c->alpha2             = mode == CAW_TRAIN_NORMAL ? 1e-4 : 0.0;
    c->add_cond_noise     = mode != CAW_TRAIN_DENOISING;
    for (size_t i = 0; i < 3; i++) {
        c->mss[i] = NN_MSS_DEFAULT_CONFIGS[i];
    }
    c->mss_count = 3;
    c->seed      = 0;
}

namespace caw_tr {

// ---- config checks and hash ----

nn_status check_config(const caw_train_config * c) {
    const char * op = "caw_train";
    auto ok = [](double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; };
    if (c->mode != CAW_TRAIN_NORMAL && c->mode != CAW_TRAIN_DENOISING &&
        c->mode != CAW_TRAIN_INPAINTING) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: unknown mode %d", op,
                       static_cast<int>(c->mode));
    }
    if (c->channels_first == 0 || c->channels_rest == 0 || c->epochs == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: channels and epochs must be >= 1", op);
    }
    const caw_config arch = {CAW_GENERATOR, c->channels_first, c->kernel, c->layers};
    if (caw_pad(&arch) == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: kernel %zu / layers %zu is not a valid "
                       "architecture (odd K, 2 <= L <= %zu)",
                       op, c->kernel, c->layers, CAW_MAX_LAYERS);
    }
    if (!ok(c->lr, 0.0, 1e3) || !ok(c->beta1, 0.0, 0.999999999) ||
        !ok(c->beta2, 0.0, 0.999999999) || !ok(c->eps, 0.0, 1.0) ||
        !ok(c->milestone_fraction, 0.0, 1e9) || !ok(c->gamma, 0.0, 1e3) ||
        !ok(c->lambda_grad, 0.0, 1e6) || !ok(c->alpha1, 0.0, 1e9) || !ok(c->alpha2, 0.0, 1e9)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: a hyper-parameter (lr, betas, eps, "
                       "milestone fraction, gamma, lambda, alpha1, alpha2) is out of range",
                       op);
    }
    if ((c->mode == CAW_TRAIN_INPAINTING) != (c->hole_count > 0) ||
        c->hole_count > CAW_MAX_HOLES) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: inpainting needs 1 to %zu holes and other modes none (got %zu)", op,
                       CAW_MAX_HOLES, c->hole_count);
    }
    if (c->crop > 0 && c->mode == CAW_TRAIN_INPAINTING) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: crops are not supported with inpainting (its masks need the whole "
                       "level)",
                       op);
    }
    if (c->crop > 0 && c->crop < 2 * caw_pad(&arch) + 1) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: a crop of %zu samples is shorter than the discriminator's %zu (2P + 1)",
                       op, c->crop, 2 * caw_pad(&arch) + 1);
    }
    if (c->mss_count == 0 || c->mss_count > NN_MSS_MAX_CONFIGS) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: mss_count %zu is not in [1, %zu]", op,
                       c->mss_count, NN_MSS_MAX_CONFIGS);
    }
    // the MSS configurations themselves (n_fft a power of two, 1 <= win <= n_fft, hop >= 1):
    // a plan at the shortest length they accept validates them before any file is touched
    nn_mss_plan *   plan = nullptr;
    const nn_status st =
        nn_mss_plan_init(&plan, c->mss, c->mss_count, nn_mss_min_length(c->mss, c->mss_count));
    nn_mss_plan_free(plan);
    return st;
}

namespace {

struct hasher {
    uint64_t h = 0xcbf29ce484222325ull; // FNV-1a 64
    void     bytes(const void * p, size_t n) {
            const unsigned char * b = static_cast<const unsigned char *>(p);
            for (size_t i = 0; i < n; i++) {
                h = (h ^ b[i]) * 0x100000001b3ull;
        }
    }
    void u64(uint64_t v) { bytes(&v, sizeof(v)); }
    void f64(double v) { bytes(&v, sizeof(v)); }
};

} // namespace

uint64_t config_hash(const caw_train_config * c, const nn_pyramid_options * o, const float * x,
                     size_t N, uint32_t Fs) {
    hasher h;
    h.bytes("eureka-caw-train-v1", 19);
    h.u64(c->channels_first), h.u64(c->channels_rest), h.u64(c->kernel), h.u64(c->layers);
    h.u64(c->epochs), h.f64(c->lr), h.f64(c->beta1), h.f64(c->beta2), h.f64(c->eps);
    h.f64(c->milestone_fraction), h.f64(c->gamma), h.f64(c->lambda_grad);
    h.u64(static_cast<uint64_t>(c->mode)), h.f64(c->alpha1), h.f64(c->alpha2);
    h.u64(c->add_cond_noise ? 1 : 0), h.u64(c->mss_count);
    for (size_t i = 0; i < c->mss_count; i++) {
        h.u64(c->mss[i].n_fft), h.u64(c->mss[i].hop), h.u64(c->mss[i].win);
    }
    h.u64(c->seed);
    if (c->crop > 0 || c->fine_epochs > 0) { // only then, so runs without keep their hashes
        h.u64(c->crop), h.u64(c->fine_epochs);
    }
    if (c->bf16) {
        h.u64(1);
    }
    if (c->mode == CAW_TRAIN_INPAINTING) { // only then, so other runs keep their hashes
        h.u64(c->hole_count);
        for (size_t i = 0; i < c->hole_count; i++) {
            h.u64(c->holes[i].start), h.u64(c->holes[i].end);
        }
    }
    h.u64(o->fs_count);
    for (size_t i = 0; i < o->fs_count; i++) {
        h.u64(o->fs_list[i]);
    }
    h.u64(o->speech ? 1 : 0), h.u64(o->energy_rule ? 1 : 0), h.f64(o->min_energy);
    h.f64(o->initial_noise_amp), h.f64(o->noise_amp_factor), h.u64(o->peak_normalize ? 1 : 0);
    h.u64(static_cast<uint64_t>(o->sinc_mode)), h.u64(Fs), h.u64(N);
    h.bytes(x, N * sizeof(float));
    return h.h;
}

nn_status check_holes(const caw_train_config * c, size_t N) {
    for (size_t i = 0; i < c->hole_count; i++) {
        const caw_hole & h = c->holes[i];
        if (h.start == 0 || h.start >= h.end || h.end >= N ||
            (i > 0 && h.start <= c->holes[i - 1].end)) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "caw_train: hole %zu [%zu, %zu) must satisfy 0 < start < end < N = %zu "
                           "and start after the previous hole's end (audio on both sides)",
                           i, h.start, h.end, N);
        }
    }
    return NN_STATUS_OK;
}

std::vector<caw_hole> level_holes(const caw_train_config * c, uint32_t rate, uint32_t Fs) {
    std::vector<caw_hole> out;
    for (size_t i = 0; i < c->hole_count; i++) {
        out.push_back(caw_hole{nn_hole_index(c->holes[i].start, rate, Fs),
                               nn_hole_index(c->holes[i].end, rate, Fs)});
    }
    return out;
}

} // namespace caw_tr
