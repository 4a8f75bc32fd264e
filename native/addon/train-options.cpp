// train-options.cpp: the argument readers of train / generate / reconstruct (train-options.h):
// integers, seeds, paths, and train's options object into caw_train_config and
// nn_pyramid_options, each throwing a coded TypeError (addon-common.h) on failure.

#include "train-options.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "addon-common.h"

namespace eureka_addon {

/** Reads value as an integer in [min, max]; `what` names it in the message ("train: layers"). */
bool read_integer(Napi::Env env, const Napi::Value & value, const std::string & what, double min,
                  double max, uint64_t * out) {
    if (!value.IsNumber()) {
        throw_invalid(env, what + " must be a number");
        return false;
    }
    const double number = value.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(number) || std::floor(number) != number || number < min || number > max) {
        throw_invalid(env, what + " must be an integer in [" + std::to_string(uint64_t(min)) +
                               ", " + std::to_string(uint64_t(max)) + "], got " +
                               value.ToString().Utf8Value());
        return false;
    }
    *out = static_cast<uint64_t>(number);
    return true;
}

/** Reads value as a seed: a number in [0, 2^53 - 1] or a bigint in [0, 2^64 - 1]. */
bool read_seed(Napi::Env env, const Napi::Value & value, const std::string & what, uint64_t * out) {
    if (value.IsBigInt()) {
        bool           lossless = false;
        const uint64_t seed     = value.As<Napi::BigInt>().Uint64Value(&lossless);
        if (!lossless) {
            throw_invalid(env, what + " must be a bigint in [0, 2^64 - 1]");
            return false;
        }
        *out = seed;
        return true;
    }
    if (!value.IsNumber()) {
        throw_invalid(env, what + " must be a number or a bigint");
        return false;
    }
    return read_integer(env, value, what, 0.0, MAX_SAFE_INTEGER, out);
}

/** Reads value as a non-empty string without NUL bytes (a path handed to C). */
bool read_path(Napi::Env env, const Napi::Value & value, const std::string & what,
               std::string * out) {
    if (!value.IsString()) {
        throw_invalid(env, what + " must be a string");
        return false;
    }
    *out = value.As<Napi::String>().Utf8Value();
    if (out->empty() || out->find('\0') != std::string::npos) {
        throw_invalid(env, what + " must be a non-empty path without NUL characters");
        return false;
    }
    return true;
}

namespace {

/** An optional field of an options object: absent or undefined leaves *out unchanged. */
bool read_optional_size(Napi::Env env, const Napi::Object & object, const char * key, double min,
                        double max, size_t * out) {
    const Napi::Value value = object.Get(key);
    if (env.IsExceptionPending()) {
        return false;
    }
    if (value.IsUndefined()) {
        return true;
    }
    uint64_t number = 0;
    if (!read_integer(env, value, std::string("train: options.") + key, min, max, &number)) {
        return false;
    }
    *out = static_cast<size_t>(number);
    return true;
}

/** An optional loss weight (alpha1, alpha2): absent leaves *out (the mode's default) alone. */
bool read_optional_weight(Napi::Env env, const Napi::Object & object, const char * key,
                          double * out) {
    const Napi::Value value = object.Get(key);
    if (env.IsExceptionPending()) {
        return false;
    }
    if (value.IsUndefined()) {
        return true;
    }
    const double weight = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
    if (!std::isfinite(weight) || weight < 0.0) {
        throw_invalid(env, std::string("train: options.") + key + " must be a finite number >= 0");
        return false;
    }
    *out = weight;
    return true;
}

/**
 * options.holes: required exactly when config->mode is inpainting; an array of 1 to
 * CAW_MAX_HOLES {start, end} sample indices at the signal's rate. Order, overlap and bounds are
 * caw_train's checks (they need N).
 */
bool read_holes(Napi::Env env, const Napi::Object & object, caw_train_config * config) {
    const Napi::Value holes = object.Get("holes");
    if (env.IsExceptionPending()) {
        return false;
    }
    const bool inpainting = config->mode == CAW_TRAIN_INPAINTING;
    if (holes.IsUndefined()) {
        if (inpainting) {
            throw_invalid(env, "train: options.holes is required when options.mode is "
                               "'inpainting'");
            return false;
        }
        return true;
    }
    if (!inpainting) {
        throw_invalid(env, "train: options.holes is only allowed when options.mode is "
                           "'inpainting'");
        return false;
    }
    const uint32_t count = holes.IsArray() ? holes.As<Napi::Array>().Length() : 0;
    if (count < 1 || count > CAW_MAX_HOLES) {
        throw_invalid(env, "train: options.holes must be an array of 1 to " +
                               std::to_string(CAW_MAX_HOLES) + " {start, end}");
        return false;
    }
    for (uint32_t i = 0; i < count; i++) {
        const Napi::Value entry = holes.As<Napi::Array>().Get(i);
        if (env.IsExceptionPending()) {
            return false;
        }
        const std::string base = "train: options.holes[" + std::to_string(i) + "]";
        if (!entry.IsObject() || entry.IsArray()) {
            throw_invalid(env, base + " must be an object {start, end}");
            return false;
        }
        const Napi::Object e     = entry.As<Napi::Object>();
        uint64_t           start = 0, end = 0;
        if (!read_integer(env, e.Get("start"), base + ".start", 0, MAX_SAFE_INTEGER, &start) ||
            !read_integer(env, e.Get("end"), base + ".end", 0, MAX_SAFE_INTEGER, &end)) {
            return false;
        }
        config->holes[i] = caw_hole{size_t(start), size_t(end)};
    }
    config->hole_count = count;
    return true;
}

} // namespace

/**
 * Reads train's options object into config and options (defaults from caw_train_default_config
 * and nn_pyramid_default_options for absent fields). rates receives fsList; options.fs_list
 * points into it when given.
 */
bool read_train_options(Napi::Env env, const Napi::Value & value, caw_train_config * config,
                        nn_pyramid_options * options, std::vector<uint32_t> * rates) {
    if (!value.IsObject() || value.IsArray()) {
        throw_invalid(env, "train: options must be an object");
        return false;
    }
    const Napi::Object object = value.As<Napi::Object>();
    const Napi::Value  mode   = object.Get("mode");
    if (env.IsExceptionPending()) {
        return false;
    }
    const std::string mode_name = mode.IsString() ? mode.As<Napi::String>().Utf8Value() : "";
    if (mode_name != "normal" && mode_name != "denoising" && mode_name != "inpainting") {
        throw_invalid(env, "train: options.mode must be 'normal', 'denoising' or 'inpainting'");
        return false;
    }
    caw_train_default_config(config, mode_name == "normal"      ? CAW_TRAIN_NORMAL
                                     : mode_name == "denoising" ? CAW_TRAIN_DENOISING
                                                                : CAW_TRAIN_INPAINTING);
    nn_pyramid_default_options(options);
    if (!read_holes(env, object, config)) {
        return false;
    }

    const double max_u32 = 4294967295.0;
    if (!read_optional_size(env, object, "channelsFirst", 1, 4096, &config->channels_first) ||
        !read_optional_size(env, object, "channelsRest", 1, 4096, &config->channels_rest) ||
        !read_optional_size(env, object, "kernelSize", 1, 4095, &config->kernel) ||
        !read_optional_size(env, object, "layers", 2, CAW_MAX_LAYERS, &config->layers) ||
        !read_optional_size(env, object, "epochsPerScale", 1, max_u32, &config->epochs) ||
        !read_optional_size(env, object, "cropSamples", 0, max_u32, &config->crop) ||
        !read_optional_size(env, object, "fineEpochs", 1, max_u32, &config->fine_epochs)) {
        return false;
    }
    const Napi::Value precision = object.Get("precision");
    if (env.IsExceptionPending()) {
        return false;
    }
    if (!precision.IsUndefined()) {
        const std::string name = precision.IsString() ? precision.As<Napi::String>().Utf8Value() : "";
        if (name != "fp32" && name != "bf16") {
            throw_invalid(env, "train: options.precision must be 'fp32' or 'bf16'");
            return false;
        }
        config->bf16 = name == "bf16";
    }
    const Napi::Value lr = object.Get("learningRate");
    if (env.IsExceptionPending()) {
        return false;
    }
    if (!lr.IsUndefined()) {
        const double rate = lr.IsNumber() ? lr.As<Napi::Number>().DoubleValue() : NAN;
        if (!std::isfinite(rate) || rate <= 0.0) {
            throw_invalid(env, "train: options.learningRate must be a finite number > 0");
            return false;
        }
        config->lr = rate;
    }
    if (!read_optional_weight(env, object, "alpha1", &config->alpha1) ||
        !read_optional_weight(env, object, "alpha2", &config->alpha2)) {
        return false;
    }
    const Napi::Value seed = object.Get("seed");
    if (env.IsExceptionPending()) {
        return false;
    }
    if (!seed.IsUndefined() && !read_seed(env, seed, "train: options.seed", &config->seed)) {
        return false;
    }
    const Napi::Value mss = object.Get("mssConfigs");
    if (env.IsExceptionPending()) {
        return false;
    }
    if (!mss.IsUndefined()) {
        const uint32_t count = mss.IsArray() ? mss.As<Napi::Array>().Length() : 0;
        if (count < 1 || count > NN_MSS_MAX_CONFIGS) {
            throw_invalid(env, "train: options.mssConfigs must be an array of 1 to " +
                                   std::to_string(NN_MSS_MAX_CONFIGS) + " {nFft, hop, win}");
            return false;
        }
        for (uint32_t i = 0; i < count; i++) {
            const Napi::Value entry = mss.As<Napi::Array>().Get(i);
            if (env.IsExceptionPending()) {
                return false;
            }
            if (!entry.IsObject()) {
                throw_invalid(env, "train: options.mssConfigs[" + std::to_string(i) +
                                       "] must be an object {nFft, hop, win}");
                return false;
            }
            const Napi::Object e     = entry.As<Napi::Object>();
            const std::string  base  = "train: options.mssConfigs[" + std::to_string(i) + "].";
            uint64_t           n_fft = 0, hop = 0, win = 0;
            if (!read_integer(env, e.Get("nFft"), base + "nFft", 1, 1 << 20, &n_fft) ||
                !read_integer(env, e.Get("hop"), base + "hop", 1, 1 << 20, &hop) ||
                !read_integer(env, e.Get("win"), base + "win", 1, 1 << 20, &win)) {
                return false;
            }
            config->mss[i] = nn_mss_config{size_t(n_fft), size_t(hop), size_t(win)};
        }
        config->mss_count = count;
    }
    const Napi::Value fs_list = object.Get("fsList");
    if (env.IsExceptionPending()) {
        return false;
    }
    if (!fs_list.IsUndefined()) {
        const uint32_t count = fs_list.IsArray() ? fs_list.As<Napi::Array>().Length() : 0;
        if (count < 1 || count > 64) {
            throw_invalid(env, "train: options.fsList must be an array of 1 to 64 rates in Hz");
            return false;
        }
        rates->resize(count);
        for (uint32_t i = 0; i < count; i++) {
            uint64_t rate = 0;
            if (!read_integer(env, fs_list.As<Napi::Array>().Get(i),
                              "train: options.fsList[" + std::to_string(i) + "]", 1, max_u32,
                              &rate)) {
                return false;
            }
            (*rates)[i] = static_cast<uint32_t>(rate);
        }
        options->fs_list  = rates->data();
        options->fs_count = rates->size();
    }
    const Napi::Value device = object.Get("device");
    if (env.IsExceptionPending()) {
        return false;
    }
    if (!device.IsUndefined()) {
        // 'auto' and 'cuda' both fall back to the CPU with a reason (the device event says so);
        // the difference is only what was asked.
        const std::string name = device.IsString() ? device.As<Napi::String>().Utf8Value() : "";
        if (name != "auto" && name != "cpu" && name != "cuda") {
            throw_invalid(env, "train: options.device must be 'auto', 'cpu' or 'cuda'");
            return false;
        }
        config->device = name == "cpu"    ? CAW_DEVICE_CPU
                         : name == "cuda" ? CAW_DEVICE_CUDA
                                          : CAW_DEVICE_AUTO;
    }
    const Napi::Value speech = object.Get("speech");
    if (env.IsExceptionPending()) {
        return false;
    }
    if (!speech.IsUndefined()) {
        if (!speech.IsBoolean()) {
            throw_invalid(env, "train: options.speech must be a boolean");
            return false;
        }
        options->speech = speech.As<Napi::Boolean>().Value();
    }
    return true;
}

} // namespace eureka_addon
