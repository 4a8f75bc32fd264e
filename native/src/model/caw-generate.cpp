// caw-generate.cpp: inference from a trained run (nn/caw-generate.h; docs/caw-spec.md §4
// "Unconditional" and "Reconstruction"): the frozen pyramid (caw_trained, grown scale by scale
// from checkpoint images) and its run in EVAL BN, which the trainer also uses to draw prev for
// the scale it trains, then caw_trained_load, caw_generate and caw_reconstruct.
// Invariant: generation reads the checkpoints only; the same files, seed and length give the
// same samples.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <vector>

#include "common.h"
#include "model/caw-trainer-impl.h"
#include "nn/caw-generate.h"
#include "nn/resample.h"
#include "nn/rng.h"

namespace caw_tr {

nn_status trained_reserve(caw_trained * t, size_t capacity) {
    auto grow = [capacity, t](auto ** p) -> bool {
        using T   = std::remove_pointer_t<std::remove_reference_t<decltype(*p)>>;
        T * fresh = static_cast<T *>(std::calloc(capacity, sizeof(T)));
        if (fresh == nullptr) {
            return false;
        }
        if (*p != nullptr) {
            std::memcpy(static_cast<void *>(fresh), static_cast<const void *>(*p),
                        t->scales * sizeof(T));
            std::free(*p);
        }
        *p = fresh;
        return true;
    };
    if (capacity < t->scales) {
        return nn_fail(NN_STATUS_INTERNAL, "trained_reserve: capacity below the scale count");
    }
    if (!grow(&t->rates) || !grow(&t->lengths) || !grow(&t->amps) || !grow(&t->G) ||
        !grow(&t->acts) || !grow(&t->z_rec)) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "caw trainer: out of memory for %zu scales",
                       capacity);
    }
    return NN_STATUS_OK;
}

nn_status trained_push(caw_trained * t, const scale_image & im) {
    const size_t s = t->scales;
    if (s != im.info[INFO_SCALE]) {
        return nn_fail(NN_STATUS_INTERNAL, "trained_push: scale %zu pushed at %zu",
                       static_cast<size_t>(im.info[INFO_SCALE]), s);
    }
    caw_config cfg = {CAW_GENERATOR, static_cast<size_t>(im.info[INFO_CHANNELS]),
                      static_cast<size_t>(im.info[INFO_KERNEL]),
                      static_cast<size_t>(im.info[INFO_LAYERS])};
    caw_model  G   = {};
    NN_TRY(caw_model_init(&G, &cfg));
    if (G.param_layout.total != im.g_params.size() || G.state_layout.total != im.g_state.size()) {
        caw_model_free(&G);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "scale %zu checkpoint: G holds %zu params / %zu state, the architecture "
                       "needs %zu / %zu",
                       s, im.g_params.size(), im.g_state.size(), G.param_layout.total,
                       G.state_layout.total);
    }
    if (s == 0) {
        float * z = static_cast<float *>(std::malloc(im.z_rec0.size() * sizeof(float)));
        if (z == nullptr) {
            caw_model_free(&G);
            return nn_fail(NN_STATUS_OUT_OF_MEMORY, "caw trainer: out of memory for z_rec");
        }
        std::memcpy(z, im.z_rec0.data(), im.z_rec0.size() * sizeof(float));
        std::free(t->z_rec0);
        t->z_rec0 = z;
        // the run's mode and holes, from scale 0 (every later scale has the same config hash)
        t->inpainting = !im.holes.empty();
        t->Fs         = im.holes.empty() ? 0 : static_cast<uint32_t>(im.holes[1]);
        t->hole_count = im.holes.empty() ? 0 : static_cast<size_t>(im.holes[2]);
        for (size_t h = 0; h < t->hole_count; h++) {
            t->holes[h] = caw_hole{static_cast<size_t>(im.holes[3 + 2 * h]),
                                   static_cast<size_t>(im.holes[4 + 2 * h])};
        }
    } else if (!im.z_rec.empty()) {
        float * z = static_cast<float *>(std::malloc(im.z_rec.size() * sizeof(float)));
        if (z == nullptr) {
            caw_model_free(&G);
            return nn_fail(NN_STATUS_OUT_OF_MEMORY, "caw trainer: out of memory for z_rec");
        }
        std::memcpy(z, im.z_rec.data(), im.z_rec.size() * sizeof(float));
        t->z_rec[s] = z;
    }
    if (t->z_rec != nullptr) {
        t->z_rec[0] = t->z_rec0;
    }
    std::memcpy(G.params, im.g_params.data(), im.g_params.size() * sizeof(float));
    std::memcpy(G.state, im.g_state.data(), im.g_state.size() * sizeof(float));
    t->G[s]        = G;
    t->acts[s]     = caw_acts{};
    t->rates[s]    = static_cast<uint32_t>(im.info[INFO_RATE]);
    t->lengths[s]  = static_cast<size_t>(im.info[INFO_LENGTH]);
    t->amps[s]     = im.amps[s];
    t->config_hash = im.config_hash;
    t->scales      = s + 1;
    return NN_STATUS_OK;
}

nn_status upsample_to(const float * y, size_t n_in, double scale, float * out, size_t n_out) {
    nn_tensor_view x = nn_view_3d(const_cast<float *>(y), 1, 1, n_in);
    nn_tensor_view o = nn_view_3d(out, 1, 1, n_out);
    return upsample_cubic_forward_cpu(&x, &o, scale);
}

namespace {

// Samples kept beyond the needed span on each side of an upsampled interior: the cubic kernel's
// taps mirror at the interior's ends, so its outermost outputs are not those of the whole signal.
constexpr size_t CUBIC_MARGIN = 8;

// out (n) = the middle n samples of upsample_cubic(in (m), scale) (zero-padded if it is shorter).
nn_status upsample_middle(const float * in, size_t m, double scale, float * out, size_t n,
                          std::vector<float> * scratch) {
    const size_t full = upsample_cubic_length(m, scale);
    scratch->assign(std::max(full, n), 0.0f);
    NN_TRY(upsample_to(in, m, scale, scratch->data(), full));
    const size_t offset = full > n ? (full - n) / 2 : 0;
    std::memcpy(out, scratch->data() + offset, n * sizeof(float));
    return NN_STATUS_OK;
}

} // namespace

std::vector<size_t> crop_windows(const caw_trained * t, size_t count, uint32_t rate_out,
                                 size_t n_out) {
    std::vector<size_t> pads(count);
    for (size_t j = 0; j < count; j++) {
        pads[j] = t->G[j].pad;
    }
    return crop_windows(t->rates, t->lengths, pads.data(), count, rate_out, n_out);
}

std::vector<size_t> crop_windows(const uint32_t * rates, const size_t * lengths,
                                 const size_t * pads, size_t count, uint32_t rate_out,
                                 size_t n_out) {
    std::vector<size_t> wins(count);
    size_t              need  = n_out;    // samples the scale above needs as prev
    double              above = rate_out; // its rate
    bool                whole = false;
    for (size_t j = count; j-- > 0;) {
        if (whole) {
            wins[j] = lengths[j];
            continue;
        }
        const double ratio = above / static_cast<double>(rates[j]);
        const size_t interior =
            static_cast<size_t>(std::ceil(static_cast<double>(need + 2 * CUBIC_MARGIN) / ratio)) + 1;
        const size_t win = interior + 2 * pads[j];
        if (win >= lengths[j]) {
            wins[j] = lengths[j];
            whole   = true;
        } else {
            wins[j] = win;
            need    = win;
            above   = rates[j];
        }
    }
    return wins;
}

nn_status frozen_run_window(caw_trained * t, size_t count, const std::vector<size_t> & wins,
                            nn_rng * rng, uint32_t rate_out, float * out, size_t n_out) {
    if (count == 0 || count > t->scales || wins.size() != count || rng == nullptr) {
        return nn_fail(NN_STATUS_INTERNAL, "frozen_run_window: %zu of %zu scales", count,
                       t->scales);
    }
    std::vector<float> noise, prev, y, scratch;
    size_t             kept_from = 0, kept = 0; // the exact part of y
    for (size_t j = 0; j < count; j++) {
        const size_t n = wins[j];
        prev.assign(n, 0.0f);
        if (j > 0) {
            const double scale =
                static_cast<double>(t->rates[j]) / static_cast<double>(t->rates[j - 1]);
            if (n == t->lengths[j]) { // whole below whole: exactly frozen_run's prev
                NN_TRY(upsample_to(y.data(), y.size(), scale, prev.data(), n));
            } else {
                NN_TRY(upsample_middle(y.data() + kept_from, kept, scale, prev.data(), n, &scratch));
            }
        }
        noise.assign(n, 0.0f);
        NN_TRY(nn_rng_fill_normal(rng, noise.data(), n, 1.0));
        if (t->acts[j].N != 0 && t->acts[j].N != n) {
            caw_acts_free(&t->acts[j]);
            t->acts[j] = caw_acts{};
        }
        y.assign(n, 0.0f);
        nn_tensor_view zv = nn_view_3d(noise.data(), 1, 1, n);
        nn_tensor_view pv = nn_view_3d(prev.data(), 1, 1, n);
        nn_tensor_view ov = nn_view_3d(y.data(), 1, 1, n);
        NN_TRY(caw_generator_forward(&t->G[j], &t->acts[j], &zv, static_cast<float>(t->amps[j]),
                                     j > 0 ? &pv : nullptr, &ov, CAW_BN_EVAL));
        const bool whole = n == t->lengths[j];
        kept_from        = whole ? 0 : t->G[j].pad;
        kept             = whole ? n : n - 2 * t->G[j].pad;
    }
    const double scale =
        static_cast<double>(rate_out) / static_cast<double>(t->rates[count - 1]);
    return upsample_middle(y.data() + kept_from, kept, scale, out, n_out, &scratch);
}

nn_status frozen_run(caw_trained * t, size_t count, const size_t * lens, nn_rng * rng,
                     std::vector<float> * y) {
    if (count == 0 || count > t->scales) {
        return nn_fail(NN_STATUS_INTERNAL, "frozen_run: %zu of %zu scales", count, t->scales);
    }
    std::vector<float> noise, prev, out;
    for (size_t j = 0; j < count; j++) {
        const size_t n = lens[j];
        if (j > 0) {
            prev.assign(n, 0.0f);
            const double scale =
                static_cast<double>(t->rates[j]) / static_cast<double>(t->rates[j - 1]);
            NN_TRY(upsample_to(out.data(), out.size(), scale, prev.data(), n));
        }
        const float * z = nullptr;
        if (rng != nullptr) {
            noise.assign(n, 0.0f);
            NN_TRY(nn_rng_fill_normal(rng, noise.data(), n, 1.0));
            z = noise.data();
        } else if (j == 0) {
            if (n != t->lengths[0] || t->z_rec0 == nullptr) {
                return nn_fail(NN_STATUS_INTERNAL, "frozen_run: z_rec needs the training length");
            }
            z = t->z_rec0;
        } else if (t->z_rec != nullptr && t->z_rec[j] != nullptr) { // inpainting's hole noise
            if (n != t->lengths[j]) {
                return nn_fail(NN_STATUS_INTERNAL, "frozen_run: z_rec needs the training length");
            }
            z = t->z_rec[j];
        }
        if (t->acts[j].N != 0 && t->acts[j].N != n) {
            caw_acts_free(&t->acts[j]);
            t->acts[j] = caw_acts{};
        }
        out.assign(n, 0.0f);
        nn_tensor_view zv = nn_view_3d(const_cast<float *>(z), 1, 1, n);
        nn_tensor_view pv = nn_view_3d(prev.data(), 1, 1, n);
        nn_tensor_view ov = nn_view_3d(out.data(), 1, 1, n);
        NN_TRY(caw_generator_forward(&t->G[j], &t->acts[j], z != nullptr ? &zv : nullptr,
                                     static_cast<float>(t->amps[j]), j > 0 ? &pv : nullptr, &ov,
                                     CAW_BN_EVAL));
    }
    y->swap(out);
    return NN_STATUS_OK;
}

} // namespace caw_tr

using namespace caw_tr;

// ----------------------------------------------------------------------------
// public: trained pyramid, generation

void caw_trained_free(caw_trained * t) {
    if (t == nullptr) {
        return;
    }
    for (size_t s = 0; s < t->scales; s++) {
        caw_acts_free(&t->acts[s]);
        caw_model_free(&t->G[s]);
        if (s > 0 && t->z_rec != nullptr) {
            std::free(t->z_rec[s]);
        }
    }
    std::free(t->z_rec);
    std::free(t->rates);
    std::free(t->lengths);
    std::free(t->amps);
    std::free(t->G);
    std::free(t->acts);
    std::free(t->z_rec0);
    *t = caw_trained{};
}

nn_status caw_trained_load(caw_trained * t, const char * out_dir) {
    if (t == nullptr || out_dir == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "caw_trained_load: trained or out_dir is null");
    }
    *t = caw_trained{};
    try {
        nn_status   st = NN_STATUS_OK;
        scale_image im;
        for (size_t s = 0; st == NN_STATUS_OK && file_exists(scale_path(out_dir, s)); s++) {
            st = load_scale(scale_path(out_dir, s), s, &im);
            if (st == NN_STATUS_OK && s > 0 && im.config_hash != t->config_hash) {
                st = nn_fail(NN_STATUS_INVALID_ARGUMENT,
                             "'%s' belongs to another training run than scale-0.ckpt",
                             scale_path(out_dir, s).c_str());
            }
            if (st == NN_STATUS_OK && s == 0) {
                st = trained_reserve(t, static_cast<size_t>(im.info[INFO_SCALES]));
            }
            if (st == NN_STATUS_OK && s >= im.info[INFO_SCALES]) {
                st = nn_fail(NN_STATUS_INVALID_ARGUMENT, "'%s': more scales than the run has",
                             scale_path(out_dir, s).c_str());
            }
            if (st == NN_STATUS_OK) {
                st = trained_push(t, im);
            }
        }
        if (st == NN_STATUS_OK && t->scales == 0) {
            st = nn_fail(NN_STATUS_INVALID_ARGUMENT, "'%s' holds no trained scale (scale-0.ckpt)",
                         out_dir);
        }
        if (st != NN_STATUS_OK) {
            caw_trained_free(t);
            return st;
        }
    } catch (const std::bad_alloc &) {
        caw_trained_free(t);
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "caw_trained_load: out of memory");
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

size_t caw_generate_length(const caw_trained * t, double seconds) {
    if (t == nullptr || t->scales == 0 || !std::isfinite(seconds) || seconds <= 0.0) {
        return 0;
    }
    return static_cast<size_t>(std::llround(t->rates[t->scales - 1] * seconds));
}

nn_status caw_generate(caw_trained * t, uint64_t seed, double seconds, float * out,
                       size_t out_len) {
    const char * op = "caw_generate";
    if (t == nullptr || t->scales == 0 || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: trained is empty or out is null", op);
    }
    if (!std::isfinite(seconds) || seconds <= 0.0 || seconds > 1e6) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: seconds %g is not a positive length", op,
                       seconds);
    }
    try {
        std::vector<size_t> lens(t->scales);
        for (size_t s = 0; s < t->scales; s++) {
            lens[s] = static_cast<size_t>(std::llround(t->rates[s] * seconds));
            if (lens[s] == 0) {
                return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                               "%s: %g s is less than one sample at %u Hz", op, seconds,
                               t->rates[s]);
            }
        }
        if (out_len != lens[t->scales - 1]) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: out holds %zu samples, %g s needs %zu",
                           op, out_len, seconds, lens[t->scales - 1]);
        }
        nn_rng rng;
        NN_TRY(nn_rng_init(&rng, seed));
        std::vector<float> y;
        NN_TRY(frozen_run(t, t->scales, lens.data(), &rng, &y));
        std::memcpy(out, y.data(), out_len * sizeof(float));
    } catch (const std::bad_alloc &) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of memory", op);
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status caw_reconstruct(caw_trained * t, float * out, size_t out_len) {
    const char * op = "caw_reconstruct";
    if (t == nullptr || t->scales == 0 || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: trained is empty or out is null", op);
    }
    if (out_len != t->lengths[t->scales - 1]) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: out holds %zu samples, the scale has %zu",
                       op, out_len, t->lengths[t->scales - 1]);
    }
    try {
        std::vector<float> y;
        NN_TRY(frozen_run(t, t->scales, t->lengths, nullptr, &y));
        std::memcpy(out, y.data(), out_len * sizeof(float));
    } catch (const std::bad_alloc &) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of memory", op);
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
