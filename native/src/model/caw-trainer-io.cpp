// caw-trainer-io.cpp: the trainer's files and the frozen pyramid (docs caw-spec.md §3 "Saved per
// scale", §4 "Unconditional" and "Reconstruction"): scale-<s>.ckpt images (nn/checkpoint.h
// format; byte-identical for identical state: no timestamps), the atomic text write used for
// manifest.json, caw_trained loading, and generation / reconstruction in EVAL BN.
// Invariant: a checkpoint holds only state that depends on (config, signal, seed), never time.

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

#include "common.h"
#include "model/caw-trainer-impl.h"
#include "model/checkpoint-io.h"
#include "nn/checkpoint.h"
#include "nn/resample.h"

#if !defined(_WIN32)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace caw_tr {

std::string scale_path(const char * dir, size_t s) {
    return std::string(dir) + "/scale-" + std::to_string(s) + ".ckpt";
}

std::string manifest_path(const char * dir) {
    return std::string(dir) + "/manifest.json";
}

bool file_exists(const std::string & path) {
    FILE * f = nn_ck::open_file(path, false);
    if (f == nullptr) {
        return false;
    }
    std::fclose(f);
    return true;
}

void losses_to_array(const caw_epoch_losses & l, double out[7]) {
    const double v[7] = {l.d_real, l.d_fake, l.gp, l.err_g, l.rec, l.mse, l.mss};
    std::memcpy(out, v, sizeof(v));
}

caw_epoch_losses losses_from_array(const double in[7]) {
    return caw_epoch_losses{in[0], in[1], in[2], in[3], in[4], in[5], in[6]};
}

#define CAW_TR_TRY(expr)                     \
    do {                                     \
        const nn_status caw_tr_st_ = (expr); \
        if (caw_tr_st_ != NN_STATUS_OK) {    \
            return caw_tr_st_;               \
        }                                    \
    } while (0)

nn_status save_scale(const std::string & path, const scale_image & im) {
    nn_checkpoint_writer w    = {};
    nn_status            st   = nn_checkpoint_writer_init(&w);
    const bool           inpainting = !im.holes.empty();
    const uint64_t kind = inpainting ? CAW_CHECKPOINT_FORMAT_INPAINTING : CAW_CHECKPOINT_FORMAT;
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_add(&w, "kind", NN_CK_U64, &kind, 1);
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_add(&w, "config_hash", NN_CK_U64, &im.config_hash, 1);
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_add(&w, "scale", NN_CK_U64, im.info, INFO_COUNT);
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_add(&w, "amps", NN_CK_F64, im.amps.data(), im.amps.size());
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_add(&w, "z_rec0", NN_CK_F32, im.z_rec0.data(), im.z_rec0.size());
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_add(&w, "losses", NN_CK_F64, im.losses, 7);
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_add(&w, "G.params", NN_CK_F32, im.g_params.data(),
                                      im.g_params.size());
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_add(&w, "G.state", NN_CK_F32, im.g_state.data(),
                                      im.g_state.size());
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_add(&w, "D.params", NN_CK_F32, im.d_params.data(),
                                      im.d_params.size());
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_add(&w, "D.state", NN_CK_F32, im.d_state.data(),
                                      im.d_state.size());
    if (st == NN_STATUS_OK && inpainting)
        st = nn_checkpoint_writer_add(&w, "holes", NN_CK_U64, im.holes.data(), im.holes.size());
    if (st == NN_STATUS_OK && inpainting && !im.z_rec.empty())
        st = nn_checkpoint_writer_add(&w, "z_rec", NN_CK_F32, im.z_rec.data(), im.z_rec.size());
    if (st == NN_STATUS_OK)
        st = nn_checkpoint_writer_save(&w, path.c_str());
    nn_checkpoint_writer_free(&w);
    return st;
}

namespace {

// Copies blob `name` (f32) of any length into v.
nn_status get_f32_vector(const nn_checkpoint * ck, const std::string & path, const char * name,
                         std::vector<float> * v) {
    const nn_checkpoint_entry * e = nn_checkpoint_find(ck, name);
    if (e == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "'%s' has no '%s' (not a trainer checkpoint)",
                       path.c_str(), name);
    }
    v->assign(e->count, 0.0f);
    return nn_checkpoint_get_f32(ck, name, v->data(), e->count);
}

nn_status load_scale_from(const nn_checkpoint * ck, const std::string & path, size_t s,
                          scale_image * im) {
    uint64_t kind = 0;
    CAW_TR_TRY(nn_checkpoint_get_u64(ck, "kind", &kind, 1));
    if (kind != CAW_CHECKPOINT_FORMAT && kind != CAW_CHECKPOINT_FORMAT_INPAINTING) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "'%s' is trainer checkpoint format %llu, this build reads %llu",
                       path.c_str(), static_cast<unsigned long long>(kind),
                       static_cast<unsigned long long>(CAW_CHECKPOINT_FORMAT));
    }
    CAW_TR_TRY(nn_checkpoint_get_u64(ck, "config_hash", &im->config_hash, 1));
    CAW_TR_TRY(nn_checkpoint_get_u64(ck, "scale", im->info, INFO_COUNT));
    if (im->info[INFO_SCALE] != s || im->info[INFO_SCALE] >= im->info[INFO_SCALES]) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "'%s' holds scale %llu, expected scale %zu",
                       path.c_str(), static_cast<unsigned long long>(im->info[INFO_SCALE]), s);
    }
    im->amps.assign(s + 1, 0.0);
    CAW_TR_TRY(nn_checkpoint_get_f64(ck, "amps", im->amps.data(), s + 1));
    CAW_TR_TRY(get_f32_vector(ck, path, "z_rec0", &im->z_rec0));
    CAW_TR_TRY(nn_checkpoint_get_f64(ck, "losses", im->losses, 7));
    CAW_TR_TRY(get_f32_vector(ck, path, "G.params", &im->g_params));
    CAW_TR_TRY(get_f32_vector(ck, path, "G.state", &im->g_state));
    CAW_TR_TRY(get_f32_vector(ck, path, "D.params", &im->d_params));
    CAW_TR_TRY(get_f32_vector(ck, path, "D.state", &im->d_state));
    im->holes.clear();
    im->z_rec.clear();
    if (kind == CAW_CHECKPOINT_FORMAT_INPAINTING) {
        const nn_checkpoint_entry * e = nn_checkpoint_find(ck, "holes");
        if (e == nullptr || e->count < 5 || e->count > 3 + 2 * CAW_MAX_HOLES) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "'%s': missing or bad 'holes'",
                           path.c_str());
        }
        im->holes.assign(e->count, 0);
        CAW_TR_TRY(nn_checkpoint_get_u64(ck, "holes", im->holes.data(), e->count));
        if (im->holes[2] * 2 + 3 != e->count) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "'%s': bad 'holes'", path.c_str());
        }
        if (s > 0) {
            CAW_TR_TRY(get_f32_vector(ck, path, "z_rec", &im->z_rec));
            if (im->z_rec.size() != im->info[INFO_LENGTH]) {
                return nn_fail(NN_STATUS_INVALID_ARGUMENT, "'%s': 'z_rec' has %zu samples",
                               path.c_str(), im->z_rec.size());
            }
        }
    }
    return NN_STATUS_OK;
}

} // namespace

nn_status load_scale(const std::string & path, size_t s, scale_image * im) {
    nn_checkpoint ck = {};
    nn_status     st = nn_checkpoint_load(&ck, path.c_str());
    if (st == NN_STATUS_OK) {
        st = load_scale_from(&ck, path, s, im);
    }
    nn_checkpoint_free(&ck);
    return st;
}

nn_status write_text_atomic(const std::string & path, const std::string & text) {
    const std::string tmp = path + ".tmp";
    FILE *            f   = nn_ck::open_file(tmp, true);
    if (f == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "cannot write '%s': %s", tmp.c_str(),
                       nn_ck::system_error_text(errno).c_str());
    }
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    ok      = ok && std::fflush(f) == 0;
#if defined(_WIN32)
    ok = ok && _commit(_fileno(f)) == 0;
#else
    ok = ok && fsync(fileno(f)) == 0;
#endif
    const int err = errno;
    ok            = (std::fclose(f) == 0) && ok;
    if (!ok) {
        nn_ck::remove_file(tmp);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "cannot write '%s': %s", tmp.c_str(),
                       nn_ck::system_error_text(err).c_str());
    }
#if defined(_WIN32)
    if (!MoveFileExW(nn_ck::widen(tmp).c_str(), nn_ck::widen(path).c_str(),
                     MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        const unsigned long code = GetLastError();
        nn_ck::remove_file(tmp);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "cannot replace '%s' (MoveFileExW error %lu)",
                       path.c_str(), code);
    }
#else
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int rerr = errno;
        nn_ck::remove_file(tmp);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "cannot replace '%s': %s", path.c_str(),
                       nn_ck::system_error_text(rerr).c_str());
    }
#endif
    return NN_STATUS_OK;
}

namespace {

// %.17g, or null for NaN / inf (JSON has neither).
std::string json_num(double v) {
    if (!std::isfinite(v)) {
        return "null";
    }
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.17g", v);
    return buf;
}

} // namespace

nn_status write_manifest(const char * dir, uint64_t hash, const caw_train_config * c, uint32_t Fs,
                         size_t first, const std::vector<uint32_t> & rates,
                         const std::vector<size_t> &         lengths,
                         const std::vector<manifest_scale> & done) {
    char        buf[256];
    std::string j = "{\n  \"format\": \"eureka-caw-manifest\",\n  \"version\": 1,\n";
    std::snprintf(buf, sizeof(buf),
                  "  \"config_hash\": \"%016llx\",\n  \"seed\": \"%llu\",\n  \"mode\": \"%s\",\n"
                  "  \"fs\": %u,\n  \"first_level\": %zu,\n  \"epochs\": %zu,\n"
                  "  \"scales_total\": %zu,\n  \"scales_done\": %zu,\n",
                  static_cast<unsigned long long>(hash), static_cast<unsigned long long>(c->seed),
                  c->mode == CAW_TRAIN_DENOISING    ? "denoising"
                  : c->mode == CAW_TRAIN_INPAINTING ? "inpainting"
                                                    : "normal",
                  Fs, first, c->epochs, rates.size(), done.size());
    j += buf;
    if (c->mode == CAW_TRAIN_INPAINTING) { // [start, end) in samples at fs, and in seconds
        j += "  \"holes\": [";
        for (size_t h = 0; h < c->hole_count; h++) {
            std::snprintf(buf, sizeof(buf), "%s{\"start\": %zu, \"end\": %zu, ", h ? ", " : "",
                          c->holes[h].start, c->holes[h].end);
            j += buf;
            j += "\"start_seconds\": " + json_num(double(c->holes[h].start) / Fs) +
                 ", \"end_seconds\": " + json_num(double(c->holes[h].end) / Fs) + "}";
        }
        j += "],\n";
    }
    j += "  \"levels\": [";
    for (size_t s = 0; s < rates.size(); s++) {
        std::snprintf(buf, sizeof(buf), "%s{\"rate\": %u, \"length\": %zu}", s ? ", " : "",
                      rates[s], lengths[s]);
        j += buf;
    }
    j += "],\n  \"scales\": [";
    for (size_t s = 0; s < done.size(); s++) {
        const manifest_scale & d = done[s];
        std::snprintf(buf, sizeof(buf),
                      "%s\n    {\"scale\": %zu, \"rate\": %u, \"length\": %zu, \"channels\": %zu, ",
                      s ? "," : "", s, d.rate, d.length, d.channels);
        j += buf;
        j += "\"noise_amp\": " + json_num(d.amp) + ", \"seconds\": " + json_num(d.seconds);
        j += ", \"checkpoint\": \"scale-" + std::to_string(s) + ".ckpt\",\n     \"losses\": {";
        j += "\"d_real\": " + json_num(d.losses.d_real) +
             ", \"d_fake\": " + json_num(d.losses.d_fake);
        j += ", \"gp\": " + json_num(d.losses.gp) + ", \"err_g\": " + json_num(d.losses.err_g);
        j += ", \"rec\": " + json_num(d.losses.rec) + ", \"mse\": " + json_num(d.losses.mse);
        j += ", \"mss\": " + json_num(d.losses.mss) + "}}";
    }
    j += done.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return write_text_atomic(manifest_path(dir), j);
}

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
    CAW_TR_TRY(caw_model_init(&G, &cfg));
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
            CAW_TR_TRY(upsample_to(out.data(), out.size(), scale, prev.data(), n));
        }
        const float * z = nullptr;
        if (rng != nullptr) {
            noise.assign(n, 0.0f);
            CAW_TR_TRY(nn_rng_fill_normal(rng, noise.data(), n, 1.0));
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
        CAW_TR_TRY(caw_generator_forward(&t->G[j], &t->acts[j], z != nullptr ? &zv : nullptr,
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
        CAW_TR_TRY(nn_rng_init(&rng, seed));
        std::vector<float> y;
        CAW_TR_TRY(frozen_run(t, t->scales, lens.data(), &rng, &y));
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
        CAW_TR_TRY(frozen_run(t, t->scales, t->lengths, nullptr, &y));
        std::memcpy(out, y.data(), out_len * sizeof(float));
    } catch (const std::bad_alloc &) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of memory", op);
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
