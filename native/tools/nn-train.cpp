// nn-train.cpp: `nn_train`, the Node-free trainer command: trains a WAV clip with the app's
// `studio` preset on the CPU or the GPU and prints each scale's epoch times and the device
// used. It is what scripts/gpu-check/run.sh times on a machine with a GPU but no Node.
//
// usage: nn_train --wav FILE [--seconds S] [--device auto|cpu|cuda] [--out DIR] [--seed N]
//                 [--epochs E] [--fine-epochs F] [--channels C] [--crop N] [--no-fallback]
//                 [--tsv FILE]
//        nn_train --synth-wav FILE [--seconds S]
//   --wav FILE      16/24/32-bit PCM or float WAV, any channel count (mixed to mono), any rate
//                   (resampled to the preset's 16 kHz when higher; a lower rate becomes the
//                   top rate, as the app caps it)
//   --seconds S     crop the clip to S seconds, or loop it up to S when shorter [the whole clip]
//   --device D      auto | cpu | cuda [auto]; the trainer says which it used and why
//   --out DIR       checkpoints and manifest.json (created) [a temp dir, removed afterwards]
//   --epochs E      epochs of a whole-level scale [the preset's 2000]; --fine-epochs F those of
//                   a cropped scale [the preset's 1000; E when --epochs is given alone]
//   --channels C    channels after the first scale [the preset's 96] (a small CPU check)
//   --crop N        crop length of the fine scales [the preset's 8192]; 0: every level whole,
//                   as the reference code trains (the check's like-for-like epoch comparison)
//   --no-fallback   with --device cuda: stop after the first epoch (exit 3) when the trainer
//                   fell back to the CPU, instead of training for hours there
//   --tsv FILE      per-scale figures as tab-separated lines (rate, N, trained samples,
//                   epochs, first epoch s, median epoch s, scale s) for the check's report
//   --synth-wav     write a deterministic music-like 16-bit 16 kHz WAV of S seconds [25], exit
//
// Exit status: 0 trained (or wrote the WAV), 1 a read or training failure (one line says
// why), 2 bad usage, 3 --no-fallback and the trainer chose the CPU.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "nn/caw-model.h"
#include "nn/caw-trainer.h"
#include "nn/mss-loss.h"
#include "nn/nn.h"
#include "nn/pyramid.h"
#include "nn/resample.h"
#include "nn/rng.h"
#include "wav-read.h"

namespace {

// ----------------------------------------------------------------------------
// the studio preset: models/presets/studio.json (the app's preset table, read by
// src-main/services/training/presets.ts). Change them together.

constexpr uint32_t STUDIO_TOP_RATE       = 16000;
constexpr uint32_t STUDIO_FS_LIST[]      = {320,  400,  500,  640,  800,  1000,
                                            1280, 1600, 2000, 2500, 4000, 8000};
constexpr size_t   STUDIO_CHANNELS_FIRST = 16, STUDIO_CHANNELS_REST = 96;
constexpr size_t   STUDIO_KERNEL = 9, STUDIO_LAYERS = 8;
constexpr size_t   STUDIO_EPOCHS = 2000, STUDIO_FINE_EPOCHS = 1000, STUDIO_CROP = 8192;
constexpr double   STUDIO_LR = 0.0015; // precision fp32; mode normal; alpha1/2, MSS: the mode's

struct options {
    std::string  wav, out, tsv, synth;
    double       seconds    = 0.0; // 0: the whole clip
    caw_device   device     = CAW_DEVICE_AUTO;
    const char * device_arg = "auto";
    uint64_t     seed       = 0;
    size_t       epochs = 0, fine_epochs = 0, channels = 0; // 0: the preset's
    size_t       crop        = STUDIO_CROP;
    bool         no_fallback = false;
};

// ----------------------------------------------------------------------------
// the synthetic clip (--synth-wav): a bass line low enough that the 320 Hz level passes CAW's
// energy rule, an arpeggio with harmonics, and noise bursts; fixed seed, so every machine
// trains the same samples.

std::vector<float> synth_clip(double seconds, uint32_t rate) {
    constexpr double   PI = 3.14159265358979323846;
    std::vector<float> x(static_cast<size_t>(std::llround(seconds * rate)), 0.0f);
    const double       bass[]   = {110.00, 98.00, 87.31, 82.41};
    const double       melody[] = {220.00, 261.63, 329.63, 392.00, 440.00, 392.00, 329.63, 261.63};
    auto               note = [&](double hz, double start, double length, double amp, int harmonics,
                    double decay) {
        const size_t begin = static_cast<size_t>(start * rate);
        const size_t end = std::min(x.size(), static_cast<size_t>((start + length) * rate));
        for (int h = 1; h <= harmonics && hz * h < 0.45 * rate; h++) {
            for (size_t i = begin; i < end; i++) {
                const double t = static_cast<double>(i - begin) / rate;
                x[i] += static_cast<float>(amp / h * std::min(1.0, t / 0.01) *
                                           std::exp(-t / decay) * std::sin(2.0 * PI * hz * h * t));
            }
        }
    };
    for (size_t k = 0; k * 1.6 < seconds; k++)
        note(bass[k % 4], k * 1.6, 1.6, 0.40, 2, 1.2);
    for (size_t k = 0; k * 0.2 < seconds; k++)
        note(melody[k % 8], k * 0.2, 0.2, 0.30, 6, 0.15);
    nn_rng rng;
    nn_rng_init(&rng, 20210611);
    for (double start = 0.1; start < seconds; start += 0.4) {
        const size_t begin = static_cast<size_t>(start * rate);
        const size_t end   = std::min(x.size(), begin + static_cast<size_t>(0.030 * rate));
        for (size_t i = begin; i < end; i++) {
            x[i] +=
                static_cast<float>(0.15 * std::exp(-static_cast<double>(i - begin) / rate / 0.008) *
                                   nn_rng_normal(&rng));
        }
    }
    return x;
}

bool write_wav16(const std::string & path, const std::vector<float> & x, uint32_t rate) {
    FILE * f = std::fopen(path.c_str(), "wb");
    if (f == nullptr)
        return false;
    float peak = 0.0f;
    for (float v : x)
        peak = std::max(peak, std::fabs(v));
    const float    scale = peak > 0.0f ? 0.9f / peak : 0.0f;
    const uint32_t bytes = static_cast<uint32_t>(x.size() * 2);
    auto           put32 = [&](uint32_t v) {
        for (int i = 0; i < 4; i++)
            std::fputc(static_cast<int>((v >> (8 * i)) & 0xff), f);
    };
    auto put16 = [&](uint32_t v) {
        for (int i = 0; i < 2; i++)
            std::fputc(static_cast<int>((v >> (8 * i)) & 0xff), f);
    };
    std::fputs("RIFF", f);
    put32(36 + bytes);
    std::fputs("WAVEfmt ", f);
    put32(16);
    put16(1); // PCM
    put16(1); // mono
    put32(rate);
    put32(rate * 2);
    put16(2);
    put16(16);
    std::fputs("data", f);
    put32(bytes);
    for (float v : x) {
        const long s = std::lround(static_cast<double>(v * scale) * 32767.0);
        put16(static_cast<uint32_t>(
            static_cast<uint16_t>(static_cast<int16_t>(std::clamp(s, -32768L, 32767L)))));
    }
    return std::fclose(f) == 0;
}

// ----------------------------------------------------------------------------
// progress

struct run_log {
    std::vector<std::vector<double>> seconds; // [scale][epoch]
    std::vector<uint32_t>            rates;
    bool                             device_seen = false;
    bool                             on_cpu      = false; // the trainer chose the CPU
    bool                             stop_on_cpu = false; // --no-fallback
};

bool on_epoch(void * ctx, const caw_progress * p) {
    run_log & log = *static_cast<run_log *>(ctx);
    if (log.seconds.size() < p->scales)
        log.seconds.resize(p->scales);
    log.seconds[p->scale].push_back(p->seconds);
    if (log.stop_on_cpu && log.on_cpu)
        return false; // --no-fallback: cancel after this epoch
    if (p->epoch == 0 || p->epoch + 1 == p->epochs || (p->epoch + 1) % 100 == 0) {
        std::fprintf(stderr, "scale %2zu/%zu %5u Hz  epoch %4zu/%zu  %.4f s\n", p->scale + 1,
                     p->scales, p->scale < log.rates.size() ? log.rates[p->scale] : 0u,
                     p->epoch + 1, p->epochs, p->seconds);
    }
    return true;
}

void on_device(void * ctx, const caw_device_choice * choice) {
    run_log & log   = *static_cast<run_log *>(ctx);
    log.device_seen = true;
    log.on_cpu      = choice->device != CAW_DEVICE_CUDA;
    std::printf("device: %s (%s)", choice->device == CAW_DEVICE_CUDA ? "cuda" : "cpu",
                choice->name != nullptr ? choice->name : "?");
    if (choice->device == CAW_DEVICE_CUDA)
        std::printf(", self-test NMSE %.3g", choice->self_test_nmse);
    if (choice->reason != nullptr && choice->reason[0] != '\0')
        std::printf(", reason: %s", choice->reason);
    std::printf("\n");
    std::fflush(stdout);
}

double median_after_first(const std::vector<double> & t) {
    if (t.empty())
        return NAN;
    std::vector<double> v(t.size() >= 3 ? t.begin() + 1 : t.begin(), t.end());
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// ----------------------------------------------------------------------------
// command line

bool parse_size(const char * v, size_t * out) {
    char *                   end = nullptr;
    const unsigned long long n   = std::strtoull(v, &end, 10);
    if (end == v || *end != '\0' || n == 0 || n > 100000000ULL)
        return false;
    *out = static_cast<size_t>(n);
    return true;
}

bool parse(int argc, char ** argv, options * o) {
    for (int i = 1; i < argc; i++) {
        const std::string a = argv[i];
        if (a == "--no-fallback") {
            o->no_fallback = true;
            continue;
        }
        if (i + 1 >= argc)
            return false;
        const char * v = argv[++i];
        if (a == "--wav") {
            o->wav = v;
        } else if (a == "--synth-wav") {
            o->synth = v;
        } else if (a == "--out") {
            o->out = v;
        } else if (a == "--tsv") {
            o->tsv = v;
        } else if (a == "--seconds") {
            char * end = nullptr;
            o->seconds = std::strtod(v, &end);
            if (end == v || *end != '\0' || !(o->seconds > 0.0 && o->seconds <= 3600.0))
                return false;
        } else if (a == "--device") {
            const std::string d = v;
            if (d == "auto")
                o->device = CAW_DEVICE_AUTO;
            else if (d == "cpu")
                o->device = CAW_DEVICE_CPU;
            else if (d == "cuda")
                o->device = CAW_DEVICE_CUDA;
            else
                return false;
            o->device_arg = v;
        } else if (a == "--seed") {
            char * end = nullptr;
            o->seed    = std::strtoull(v, &end, 10);
            if (end == v || *end != '\0')
                return false;
        } else if (a == "--epochs") {
            if (!parse_size(v, &o->epochs))
                return false;
        } else if (a == "--fine-epochs") {
            if (!parse_size(v, &o->fine_epochs))
                return false;
        } else if (a == "--channels") {
            if (!parse_size(v, &o->channels))
                return false;
        } else if (a == "--crop") {
            if (std::strcmp(v, "0") == 0) {
                o->crop = 0;
            } else if (!parse_size(v, &o->crop)) {
                return false;
            }
        } else {
            return false;
        }
    }
    return !o->wav.empty() != !o->synth.empty();
}

// The clip at `rate` as the app trains it: resampled down to the preset's top rate (a lower rate
// stays and becomes the top rate), then cropped or looped to `seconds`.
bool prepare_clip(const options & o, std::vector<float> * x, uint32_t * rate) {
    wav_mono    wav;
    std::string error;
    if (!wav_read_mono(o.wav, &wav, &error)) {
        std::printf("nn_train: %s\n", error.c_str());
        return false;
    }
    std::printf("clip: %s, %u Hz, %u channel(s), %u-bit %s, %.2f s\n", o.wav.c_str(), wav.rate,
                wav.channels, wav.bits, wav.is_float ? "float" : "PCM",
                static_cast<double>(wav.samples.size()) / wav.rate);
    *rate = wav.rate;
    *x    = std::move(wav.samples);
    if (*rate > STUDIO_TOP_RATE) {
        nn_sinc_filter     filter = {};
        const double       ratio  = static_cast<double>(STUDIO_TOP_RATE) / *rate;
        std::vector<float> y(resample_sinc_length(x->size(), ratio));
        nn_tensor_view     xv = nn_view_3d(x->data(), 1, 1, x->size());
        nn_tensor_view     yv = nn_view_3d(y.data(), 1, 1, y.size());
        const nn_status    st = nn_sinc_filter_init(&filter);
        const nn_status    rs = st == NN_STATUS_OK
                                    ? resample_sinc_cpu(&filter, &xv, &yv, ratio, NN_SINC_MODE_EXACT)
                                    : st;
        nn_sinc_filter_free(&filter);
        if (rs != NN_STATUS_OK) {
            std::printf("nn_train: resampling to %u Hz: %s\n", STUDIO_TOP_RATE, nn_last_error());
            return false;
        }
        *x    = std::move(y);
        *rate = STUDIO_TOP_RATE;
    }
    if (o.seconds > 0.0) {
        const size_t want = static_cast<size_t>(std::llround(o.seconds * *rate));
        const size_t have = x->size();
        x->resize(want);
        for (size_t i = have; i < want; i++) { // loop a short clip
            (*x)[i] = (*x)[i % have];
        }
    }
    return true;
}

} // namespace

int main(int argc, char ** argv) {
    options o;
    if (!parse(argc, argv, &o)) {
        std::printf("usage: %s --wav FILE [--seconds S] [--device auto|cpu|cuda] [--out DIR] "
                    "[--seed N] [--epochs E] [--fine-epochs F] [--channels C] [--crop N] "
                    "[--no-fallback] [--tsv FILE]\n"
                    "       %s --synth-wav FILE [--seconds S]\n",
                    argv[0], argv[0]);
        return 2;
    }
    if (!o.synth.empty()) {
        const double seconds = o.seconds > 0.0 ? o.seconds : 25.0;
        if (!write_wav16(o.synth, synth_clip(seconds, STUDIO_TOP_RATE), STUDIO_TOP_RATE)) {
            std::printf("nn_train: cannot write %s\n", o.synth.c_str());
            return 1;
        }
        std::printf("wrote %s: %.2f s music-like clip, 16-bit mono, %u Hz\n", o.synth.c_str(),
                    seconds, STUDIO_TOP_RATE);
        return 0;
    }

    std::vector<float> x;
    uint32_t           R = 0;
    if (!prepare_clip(o, &x, &R))
        return 1;
    const size_t N = x.size();

    // the studio preset's config (normal mode: alpha1 0, alpha2 1e-4, cond noise, MSS defaults)
    caw_train_config cfg;
    caw_train_default_config(&cfg, CAW_TRAIN_NORMAL);
    cfg.channels_first = STUDIO_CHANNELS_FIRST;
    cfg.channels_rest  = o.channels > 0 ? o.channels : STUDIO_CHANNELS_REST;
    cfg.kernel         = STUDIO_KERNEL;
    cfg.layers         = STUDIO_LAYERS;
    cfg.epochs         = o.epochs > 0 ? o.epochs : STUDIO_EPOCHS;
    cfg.fine_epochs    = o.fine_epochs > 0 ? o.fine_epochs
                         : o.epochs > 0    ? o.epochs
                                           : STUDIO_FINE_EPOCHS;
    cfg.crop           = o.crop;
    cfg.lr             = STUDIO_LR;
    cfg.bf16           = false;
    cfg.seed           = o.seed;
    cfg.device         = o.device;

    // the levels the app's planner keeps (planner.ts trainableLevels): candidate rates below the
    // top rate whose level is long enough to train (D needs 2P + 1 samples, the MSS loss
    // n_fft/2 + 1); the pyramid's energy rule may drop more at the bottom
    const caw_config arch0 = {CAW_GENERATOR, cfg.channels_first, cfg.kernel, cfg.layers};
    const size_t     P     = caw_pad(&arch0);
    const size_t     min_len =
        std::max(2 * P + 1, cfg.alpha2 > 0.0 ? nn_mss_min_length(cfg.mss, cfg.mss_count) : 0);
    if (N < min_len) {
        std::printf("nn_train: the clip has %zu samples at %u Hz; training needs at least %zu\n", N,
                    R, min_len);
        return 1;
    }
    std::vector<uint32_t> fs_list;
    for (uint32_t f : STUDIO_FS_LIST) {
        if (f < R && (static_cast<uint64_t>(N) * f + R - 1) / R >= min_len)
            fs_list.push_back(f);
    }
    if (fs_list.empty())
        fs_list.push_back(R);
    nn_pyramid_options popt;
    nn_pyramid_default_options(&popt);
    popt.fs_list   = fs_list.data();
    popt.fs_count  = fs_list.size();
    nn_pyramid pyr = {};
    if (nn_pyramid_init(&pyr, x.data(), N, R, &popt) != NN_STATUS_OK) {
        std::printf("nn_train: pyramid: %s\n", nn_last_error());
        return 1;
    }
    run_log log;
    log.stop_on_cpu = o.no_fallback;
    std::vector<size_t> lengths;
    for (size_t s = pyr.first; s < pyr.count; s++) {
        log.rates.push_back(pyr.levels[s].rate);
        lengths.push_back(pyr.levels[s].length);
    }
    nn_pyramid_free(&pyr);
    const size_t scales = log.rates.size();

    namespace fs = std::filesystem;
    std::error_code ec;
    const bool      temp = o.out.empty();
    const fs::path  dir =
        temp ? fs::temp_directory_path(ec) /
                   ("nn_train-" +
                    std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))
              : fs::path(o.out);
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir, ec)) {
        std::printf("nn_train: cannot create %s\n", dir.string().c_str());
        return 1;
    }
    std::printf("studio preset (models/presets/studio.json): %.2f s at %u Hz (%zu samples), %zu "
                "scales %u..%u Hz, C %zu then %zu, K %zu, L %zu, crop %zu, epochs %zu whole / %zu "
                "cropped, fp32, seed %llu, --device %s, out %s\n",
                static_cast<double>(N) / R, R, N, scales, log.rates.front(), log.rates.back(),
                cfg.channels_first, cfg.channels_rest, cfg.kernel, cfg.layers, cfg.crop, cfg.epochs,
                cfg.fine_epochs, static_cast<unsigned long long>(cfg.seed), o.device_arg,
                temp ? "(temp, removed)" : dir.string().c_str());
    std::fflush(stdout);

    caw_train_callbacks cb  = {};
    cb.ctx                  = &log;
    cb.on_epoch             = &on_epoch;
    cb.on_device            = &on_device;
    caw_train_result result = {};
    const auto       start  = std::chrono::steady_clock::now();
    const nn_status  st =
        caw_train(x.data(), N, R, &popt, &cfg, dir.string().c_str(), false, &cb, &result);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (temp)
        fs::remove_all(dir, ec);
    if (st != NN_STATUS_OK) {
        std::printf("nn_train: caw_train: %s: %s\n", nn_status_string(st), nn_last_error());
        return 1;
    }
    if (!log.device_seen)
        std::printf("device: (the trainer did not report one)\n");
    if (o.no_fallback && log.on_cpu) {
        std::printf("nn_train: stopped: the trainer chose the CPU and --no-fallback was given\n");
        return 3;
    }

    FILE * tsv = o.tsv.empty() ? nullptr : std::fopen(o.tsv.c_str(), "w");
    if (!o.tsv.empty() && tsv == nullptr)
        std::printf("nn_train: cannot write %s\n", o.tsv.c_str());
    if (tsv != nullptr)
        std::fprintf(tsv, "rate\tN\ttrained\tepochs\tfirst_s\tmedian_s\tscale_s\n");
    std::printf("\n| scale | rate Hz | N | trained samples | epochs | 1st epoch s | median epoch s "
                "| scale s |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    double epochs_total = 0.0;
    for (size_t s = 0; s < scales && s < log.seconds.size(); s++) {
        const std::vector<double> & t   = log.seconds[s];
        double                      sum = 0.0;
        for (double v : t)
            sum += v;
        epochs_total += sum;
        // P depends on K and L only: the same at every scale
        const bool   cropped = cfg.crop > 0 && lengths[s] >= cfg.crop + 2 * P + 1;
        const size_t trained = cropped ? cfg.crop : lengths[s];
        const double med     = median_after_first(t);
        std::printf("| %zu | %u | %zu | %zu | %zu | %.4f | %.5f | %.2f |\n", s, log.rates[s],
                    lengths[s], trained, t.size(), t.empty() ? NAN : t.front(), med, sum);
        if (tsv != nullptr) {
            std::fprintf(tsv, "%u\t%zu\t%zu\t%zu\t%.6f\t%.6f\t%.4f\n", log.rates[s], lengths[s],
                         trained, t.size(), t.empty() ? NAN : t.front(), med, sum);
        }
    }
    if (tsv != nullptr)
        std::fclose(tsv);
    std::printf(
        "\nscales trained: %zu of %zu; epochs %.1f s; caw_train wall time %.1f s (set-up and "
        "checkpoints included)\n",
        result.scales_done, result.scales_total, epochs_total, wall);
    std::printf("total: %.1f s\n", wall);
    return result.scales_done == result.scales_total ? 0 : 1;
}
