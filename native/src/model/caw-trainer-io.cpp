// caw-trainer-io.cpp: the trainer's files (docs/caw-spec.md §3 "Saved per scale"):
// scale-<s>.ckpt images (nn/checkpoint.h format; byte-identical for identical state: no
// timestamps) and manifest.json through an atomic text write. Reading them back for generation
// is caw-generate.cpp.
// Invariant: a checkpoint holds only state that depends on (config, signal, seed), never time.

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "common.h"
#include "model/caw-trainer-impl.h"
#include "model/checkpoint-io.h"
#include "nn/checkpoint.h"

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
    NN_TRY(nn_checkpoint_get_u64(ck, "kind", &kind, 1));
    if (kind != CAW_CHECKPOINT_FORMAT && kind != CAW_CHECKPOINT_FORMAT_INPAINTING) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "'%s' is trainer checkpoint format %llu, this build reads %llu",
                       path.c_str(), static_cast<unsigned long long>(kind),
                       static_cast<unsigned long long>(CAW_CHECKPOINT_FORMAT));
    }
    NN_TRY(nn_checkpoint_get_u64(ck, "config_hash", &im->config_hash, 1));
    NN_TRY(nn_checkpoint_get_u64(ck, "scale", im->info, INFO_COUNT));
    if (im->info[INFO_SCALE] != s || im->info[INFO_SCALE] >= im->info[INFO_SCALES]) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "'%s' holds scale %llu, expected scale %zu",
                       path.c_str(), static_cast<unsigned long long>(im->info[INFO_SCALE]), s);
    }
    im->amps.assign(s + 1, 0.0);
    NN_TRY(nn_checkpoint_get_f64(ck, "amps", im->amps.data(), s + 1));
    NN_TRY(get_f32_vector(ck, path, "z_rec0", &im->z_rec0));
    NN_TRY(nn_checkpoint_get_f64(ck, "losses", im->losses, 7));
    NN_TRY(get_f32_vector(ck, path, "G.params", &im->g_params));
    NN_TRY(get_f32_vector(ck, path, "G.state", &im->g_state));
    NN_TRY(get_f32_vector(ck, path, "D.params", &im->d_params));
    NN_TRY(get_f32_vector(ck, path, "D.state", &im->d_state));
    im->holes.clear();
    im->z_rec.clear();
    if (kind == CAW_CHECKPOINT_FORMAT_INPAINTING) {
        const nn_checkpoint_entry * e = nn_checkpoint_find(ck, "holes");
        if (e == nullptr || e->count < 5 || e->count > 3 + 2 * CAW_MAX_HOLES) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "'%s': missing or bad 'holes'",
                           path.c_str());
        }
        im->holes.assign(e->count, 0);
        NN_TRY(nn_checkpoint_get_u64(ck, "holes", im->holes.data(), e->count));
        if (im->holes[2] * 2 + 3 != e->count) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "'%s': bad 'holes'", path.c_str());
        }
        if (s > 0) {
            NN_TRY(get_f32_vector(ck, path, "z_rec", &im->z_rec));
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

} // namespace caw_tr
