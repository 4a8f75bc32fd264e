// pyramid.cpp: the CAW scale pyramid (see nn/pyramid.h; docs/caw-spec.md §2 and "Noise
// amplitudes"). Mirrors train_main.py + utils.create_input_signals + training.train_single_scale's
// amp code: every level is resampled from the full-rate signal (never cascaded), the first trained
// level follows the energy / speech rules with the `scales[2:]` fallback, and the amps follow 0.01
// * sqrt(max(0, dE)) in float32 as torch computes them. Invariant: on failure the output pyramid is
// empty, on success every level has >= 1 sample and levels ascend in rate.

#include "nn/pyramid.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common.h"

namespace {

constexpr const char * OP = "nn_pyramid_init";

double mean_square(const float * x, size_t n) {
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += static_cast<double>(x[i]) * static_cast<double>(x[i]);
    }
    return sum / static_cast<double>(n);
}

// The index of the first kept level when the rules are applied from `start` on, or count.
size_t select_first(const nn_pyramid & p, size_t start, bool speech, bool energy_rule,
                    double min_energy) {
    for (size_t k = start; k < p.count; k++) {
        if (speech && p.levels[k].rate < NN_CAW_SPEECH_MIN_RATE) {
            continue;
        }
        if (energy_rule && !speech && p.levels[k].energy < min_energy) {
            continue;
        }
        return k;
    }
    return p.count;
}

nn_status check_options(const nn_pyramid_options & o) {
    if (o.fs_count > 0 && o.fs_list == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: fs_list is null but fs_count is %zu", OP,
                       o.fs_count);
    }
    for (size_t i = 0; i < o.fs_count; i++) {
        if (o.fs_list[i] == 0 || (i > 0 && o.fs_list[i] <= o.fs_list[i - 1])) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: fs_list[%zu] = %u: rates must be > 0 and strictly ascending", OP, i,
                           o.fs_list[i]);
        }
    }
    if (!std::isfinite(o.min_energy) || o.min_energy < 0.0 || !std::isfinite(o.initial_noise_amp) ||
        o.initial_noise_amp < 0.0 || !std::isfinite(o.noise_amp_factor) ||
        o.noise_amp_factor < 0.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: min_energy %g, initial_noise_amp %g and noise_amp_factor %g must be "
                       "finite and >= 0",
                       OP, o.min_energy, o.initial_noise_amp, o.noise_amp_factor);
    }
    if (o.sinc_mode != NN_SINC_MODE_LIBROSA && o.sinc_mode != NN_SINC_MODE_EXACT) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: unknown sinc mode %d", OP,
                       static_cast<int>(o.sinc_mode));
    }
    return NN_STATUS_OK;
}

// mean(y^2) over the samples of a level of `rate` Hz outside the holes (all when none).
double valid_mean_square(const float * y, size_t n, uint32_t rate, uint32_t Fs,
                         const nn_hole * holes, size_t hole_count) {
    double sum = 0.0;
    size_t count = 0, t = 0;
    for (size_t h = 0; h <= hole_count; h++) {
        const size_t stop =
            h < hole_count ? std::min(n, nn_hole_index(holes[h].start, rate, Fs)) : n;
        for (; t < stop; t++, count++) {
            sum += static_cast<double>(y[t]) * static_cast<double>(y[t]);
        }
        if (h < hole_count) {
            t = std::max(t, std::min(n, nn_hole_index(holes[h].end, rate, Fs)));
        }
    }
    return count > 0 ? sum / static_cast<double>(count) : NAN;
}

// Resamples every level from the (normalised) full-rate signal into p.samples.
nn_status build_levels(nn_pyramid & p, float * x, size_t N, nn_sinc_mode mode,
                       const nn_hole * holes, size_t hole_count) {
    nn_sinc_filter filter = {};
    nn_status      status = nn_sinc_filter_init(&filter);
    if (status != NN_STATUS_OK) {
        return nn_fail(status, "%s: cannot build the sinc filter table", OP);
    }
    nn_tensor_view vx = nn_view_3d(x, 1, 1, N);
    for (size_t k = 0; k < p.count && status == NN_STATUS_OK; k++) {
        nn_pyramid_level & level = p.levels[k];
        float *            y     = p.samples + level.offset;
        if (level.rate == p.Fs) {
            std::memcpy(y, x, N * sizeof(float)); // the reference uses the signal itself
        } else {
            nn_tensor_view vy    = nn_view_3d(y, 1, 1, level.length);
            const double   ratio = static_cast<double>(level.rate) / static_cast<double>(p.Fs);
            status               = resample_sinc_cpu(&filter, &vx, &vy, ratio, mode);
            if (status != NN_STATUS_OK) {
                char inner[256];
                std::snprintf(inner, sizeof(inner), "%s", nn_last_error());
                status = nn_fail(status, "%s: level %u Hz: %s", OP, level.rate, inner);
            }
        }
        level.energy =
            hole_count == 0
                ? mean_square(y, level.length)
                : valid_mean_square(y, level.length, level.rate, p.Fs, holes, hole_count);
    }
    nn_sinc_filter_free(&filter);
    return status;
}

} // namespace

// ----------------------------------------------------------------------------
// entry points

size_t nn_hole_index(size_t h, uint32_t rate, uint32_t Fs) {
    if (Fs == 0) {
        return 0;
    }
    // h = q Fs + r: floor(h rate / Fs) = q rate + floor(r rate / Fs), no overflow (r rate < 2^64)
    const uint64_t q = h / Fs, r = h % Fs;
    return static_cast<size_t>(q * rate + r * rate / Fs);
}

void nn_pyramid_default_options(nn_pyramid_options * options) {
    if (options == nullptr) {
        return;
    }
    options->fs_list           = NN_CAW_FS_LIST;
    options->fs_count          = NN_CAW_FS_LIST_LEN;
    options->speech            = false;
    options->energy_rule       = true;
    options->min_energy        = 0.0025;
    options->initial_noise_amp = 1.0;
    options->noise_amp_factor  = 0.01;
    options->peak_normalize    = true;
    options->sinc_mode         = NN_SINC_MODE_LIBROSA;
    options->holes             = nullptr;
    options->hole_count        = 0;
}

nn_status nn_pyramid_init(nn_pyramid * pyramid, const float * x, size_t N, uint32_t Fs,
                          const nn_pyramid_options * options) {
    if (pyramid == nullptr || x == nullptr || options == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: pyramid, x or options is null", OP);
    }
    *pyramid = nn_pyramid{};
    if (N == 0 || Fs == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: signal has %zu samples at %u Hz", OP, N,
                       Fs);
    }
    nn_status status = check_options(*options);
    if (status != NN_STATUS_OK) {
        return status;
    }

    if (options->hole_count > NN_MAX_HOLES ||
        (options->hole_count > 0 && options->holes == nullptr)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu holes (at most %zu, non-null)", OP,
                       options->hole_count, NN_MAX_HOLES);
    }
    for (size_t h = 0; h < options->hole_count; h++) {
        const nn_hole & hole = options->holes[h];
        if (hole.start >= hole.end || hole.end > N ||
            (h > 0 && hole.start < options->holes[h - 1].end)) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: hole %zu [%zu, %zu) is empty, past the signal's %zu samples, or "
                           "not after the previous one",
                           OP, h, hole.start, hole.end, N);
        }
    }

    // 1. peak normalisation (a private copy: the caller's signal is const).
    std::vector<float> xn(x, x + N);
    float              norm_factor = 1.0f;
    for (size_t i = 0; i < N; i++) {
        if (!std::isfinite(xn[i])) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: sample %zu is not finite", OP, i);
        }
    }
    if (options->peak_normalize) {
        status = nn_peak_normalize(xn.data(), N, &norm_factor);
        if (status != NN_STATUS_OK) {
            return nn_fail(status, "%s: the signal is silent (all zero): nothing to train on", OP);
        }
    }

    // 2. rates: entries <= Fs, then Fs; int(Fs / (Fs / f)) in double as Python does.
    std::vector<uint32_t> rates;
    for (size_t i = 0; i < options->fs_count; i++) {
        if (options->fs_list[i] <= Fs) {
            const double downsample = static_cast<double>(Fs) / options->fs_list[i];
            rates.push_back(static_cast<uint32_t>(static_cast<double>(Fs) / downsample));
        }
    }
    if (rates.empty() || rates.back() != Fs) {
        rates.push_back(Fs);
    }

    nn_pyramid p = {};
    p.Fs         = Fs;
    p.count      = rates.size();
    p.levels     = static_cast<nn_pyramid_level *>(std::calloc(p.count, sizeof(nn_pyramid_level)));
    if (p.levels == nullptr) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: cannot allocate %zu levels", OP, p.count);
    }
    for (size_t k = 0; k < p.count; k++) {
        nn_pyramid_level & level = p.levels[k];
        level.rate               = rates[k];
        level.length =
            rates[k] == Fs ? N : resample_sinc_length(N, static_cast<double>(rates[k]) / Fs);
        level.offset = p.total;
        if (level.length == 0) {
            nn_pyramid_free(&p);
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu samples give no sample at %u Hz",
                           OP, N, rates[k]);
        }
        p.total += level.length;
    }
    p.norm_factor = norm_factor;
    p.samples     = static_cast<float *>(std::malloc(p.total * sizeof(float)));
    if (p.samples == nullptr) {
        nn_pyramid_free(&p);
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: cannot allocate %zu samples", OP, p.total);
    }

    // 3. every level from the full-rate signal.
    for (size_t h = 0; h < options->hole_count; h++) { // the reference zeroes the holes here
        std::fill(xn.begin() + static_cast<std::ptrdiff_t>(options->holes[h].start),
                  xn.begin() + static_cast<std::ptrdiff_t>(options->holes[h].end), 0.0f);
    }
    status = build_levels(p, xn.data(), N, options->sinc_mode, options->holes, options->hole_count);
    if (status != NN_STATUS_OK) {
        nn_pyramid_free(&p);
        return status;
    }

    // 4. first trained level, with the reference's fallback (energy rule off, from entry 3).
    p.first = select_first(p, 0, options->speech, options->energy_rule, options->min_energy);
    if (p.first == p.count) {
        p.energy_fallback = true;
        p.first           = select_first(p, 2, options->speech, false, options->min_energy);
    }
    if (p.first == p.count) {
        nn_pyramid_free(&p);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: no level can be trained at %u Hz (%s, %zu candidate levels)", OP, Fs,
                       options->speech ? "speech needs >= 500 Hz" : "the fallback needs 3 levels",
                       rates.size());
    }

    // 5. noise amps: float32 like torch: factor * sqrt(Tensor([dE])), max(0, NaN) = 0.
    p.levels[p.first].noise_amp = options->initial_noise_amp;
    const float factor          = static_cast<float>(options->noise_amp_factor);
    for (size_t k = p.first + 1; k < p.count; k++) {
        const float diff      = static_cast<float>(p.levels[k].energy - p.levels[k - 1].energy);
        const float root      = std::sqrt(diff); // NaN for diff < 0
        const float amp       = root > 0.0f ? factor * root : 0.0f;
        p.levels[k].noise_amp = static_cast<double>(amp);
    }

    *pyramid = p;
    nn_clear_error();
    return NN_STATUS_OK;
}

void nn_pyramid_free(nn_pyramid * pyramid) {
    if (pyramid == nullptr) {
        return;
    }
    std::free(pyramid->levels);
    std::free(pyramid->samples);
    *pyramid = nn_pyramid{};
}

const float * nn_pyramid_samples(const nn_pyramid * pyramid, size_t k) {
    if (pyramid == nullptr || pyramid->samples == nullptr || k >= pyramid->count) {
        return nullptr;
    }
    return pyramid->samples + pyramid->levels[k].offset;
}

// ----------------------------------------------------------------------------
// helpers

nn_status nn_peak_normalize(float * x, size_t N, float * norm_factor) {
    const char * op = "nn_peak_normalize";
    if (x == nullptr || N == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x is null or empty", op);
    }
    float peak = 0.0f;
    for (size_t i = 0; i < N; i++) {
        if (!std::isfinite(x[i])) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: sample %zu is not finite", op, i);
        }
        const float a = std::fabs(x[i]);
        peak          = a > peak ? a : peak;
    }
    if (peak == 0.0f) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: the signal is all zero", op);
    }
    for (size_t i = 0; i < N; i++) {
        x[i] = x[i] / peak;
    }
    if (norm_factor != nullptr) {
        *norm_factor = peak;
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

double nn_std_unbiased(const float * x, size_t n) {
    if (x == nullptr || n < 2) {
        return NAN;
    }
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += static_cast<double>(x[i]);
    }
    const double mean = sum / static_cast<double>(n);
    double       ss   = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double d = static_cast<double>(x[i]) - mean;
        ss += d * d;
    }
    return std::sqrt(ss / static_cast<double>(n - 1));
}
