// bench-epoch.cpp: per-scale epoch time of the REAL trainer (caw_train, nn/caw-trainer.h, studio
// defaults) on a deterministic music-like clip, against this CPU's measured single-precision
// peak (cpu-peak.h), and the forecast of full runs from it.
// usage: nn_bench_epoch [--seconds S] [--epochs E] [--channels C] [--top-rate R] [--threads T]
//                       [--recipe paper|studio] [--flops-only]
//   S  clip length in seconds [25, the paper's clip]
//   E  epochs per scale [3]; the median excludes the first epoch when E >= 3 (first-touch of
//      the activations, the MSS plan's allocation)
//   C  channels at every scale after the first (channels_rest) [96]
//   R  the clip's rate and the pyramid's top rate, in Hz [16000]
//   T  nn_core threads [every hardware thread]
//   --recipe  the scales, crops and epochs whose epochs are timed: paper (every level whole,
//             the reference's 16 rates) [paper] or studio (docs/caw-spec.md §8: no 10, 12 and
//             14.4 kHz scales, fine levels on 8192-sample crops)
//   --flops-only  no training: print both recipes' FLOPs per scale and in total for this clip
//             (per epoch, and per run: paper 3000 epochs everywhere; studio 2000 whole-clip,
//             1000 cropped) and their ratio
//
// What is timed: caw_train's own per-epoch wall time (caw_progress.seconds, from the on_epoch
// callback), so set-up (pyramid, prev_rec, warm start) and checkpoint writes are left out. The
// clip is synthesised directly at R (no resampling step) and candidate rates whose level would
// be too short to train (D needs 2P + 1 samples, the MSS loss n_fft/2 + 1) are dropped from the
// pyramid, as the app's planner does (src-main/services/training/planner.ts).
//
// FLOPs: as docs/caw-spec.md §5 counts them: a forward = 2 x the convolutions' MACs (elementwise
// ops not counted), a backward = 2 forwards, the gradient penalty = 6 D forwards, so per epoch
//   6 F_G + 15 F_D + sum over coarser scales j of F_G,j   (the prev redraw)
// with every convolution's MACs C_out*C_in*K*T_out read from the model nn_core builds
// (caw_model_init: head, L dilated trunk convs, G's two gates and out_conv) at this scale's exact
// lengths (G's trunk runs on N + 2P, D's shrinks to N - 2P). GFLOP/s = that / median epoch.

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

#include "cpu-peak.h"
#include "cpu/parallel.h"
#include "model/caw-trainer-impl.h"
#include "nn/caw-model.h"
#include "nn/caw-trainer.h"
#include "nn/conv1d.h"
#include "nn/mss-loss.h"
#include "nn/nn.h"
#include "nn/pyramid.h"
#include "nn/rng.h"

namespace {

constexpr double   PI        = 3.14159265358979323846;
constexpr uint64_t CLIP_SEED = 20210611; // fixed: the same clip on every run and machine

struct options {
    double   seconds  = 25.0;
    size_t   epochs   = 3;
    size_t   channels = 0; // 0: the trainer's default channels_rest
    uint32_t top_rate = 16000;
    size_t   threads  = 0; // 0: nn_core's default
    bool     studio   = false;
    bool     flops_only = false;
};

// The studio recipe (docs/caw-spec.md §8; models/presets/studio.json says the same for the app).
constexpr size_t STUDIO_CROP = 8192, STUDIO_EPOCHS = 2000, STUDIO_FINE_EPOCHS = 1000;
constexpr size_t PAPER_EPOCHS = 3000;
bool studio_skips(uint64_t rate) {
    return rate == 10000 || rate == 12000 || rate == 14400;
}

// ----------------------------------------------------------------------------
// the clip

// One note of a sequence: frequency in Hz, start and length in seconds.
struct note {
    double hz, start, length;
};

// Adds sum_h amp/h * sin(phase_h) over the harmonics below 0.45 * rate (nothing aliases), with
// a 5.5 Hz, +-0.6 % vibrato integrated into the phase, under an attack/exponential-decay
// envelope (attack 10 ms, time constant `decay` s).
void add_note(std::vector<float> & x, uint32_t rate, const note & n, double amp, int harmonics,
              double decay) {
    const size_t begin = static_cast<size_t>(n.start * rate);
    const size_t end   = std::min(x.size(), static_cast<size_t>((n.start + n.length) * rate));
    for (int h = 1; h <= harmonics; h++) {
        if (n.hz * h >= 0.45 * rate) break;
        double phase = 0.0;
        for (size_t i = begin; i < end; i++) {
            const double t   = static_cast<double>(i - begin) / rate;
            const double f   = n.hz * h * (1.0 + 0.006 * std::sin(2.0 * PI * 5.5 * t));
            const double env = std::min(1.0, t / 0.010) * std::exp(-t / decay);
            x[i] += static_cast<float>(amp / h * env * std::sin(phase));
            phase += 2.0 * PI * f / rate;
        }
    }
}

// A deterministic music-like clip of `seconds` at `rate` Hz: a bass line (82-110 Hz, so even
// the 320 Hz level passes CAW's energy rule and all scales train), an arpeggiated melody with
// harmonics and vibrato, and hi-hat-like noise bursts (30 ms, every 0.4 s, seed CLIP_SEED).
// The trainer peak-normalises it; levels below are resampled from it by nn_pyramid_init.
std::vector<float> music_like_clip(double seconds, uint32_t rate) {
    std::vector<float> x(static_cast<size_t>(std::llround(seconds * rate)), 0.0f);
    const double       bass[]   = {110.00, 98.00, 87.31, 82.41};
    const double       melody[] = {220.00, 261.63, 329.63, 392.00, 440.00, 392.00, 329.63, 261.63};
    for (size_t k = 0; k * 1.6 < seconds; k++) { // a bass note every 1.6 s
        add_note(x, rate, {bass[k % 4], k * 1.6, 1.6}, 0.40, 2, 1.2);
    }
    for (size_t k = 0; k * 0.2 < seconds; k++) { // a melody note every 0.2 s
        add_note(x, rate, {melody[k % 8], k * 0.2, 0.2}, 0.30, 6, 0.15);
    }
    nn_rng rng;
    nn_rng_init(&rng, CLIP_SEED);
    for (double start = 0.1; start < seconds; start += 0.4) {
        const size_t begin = static_cast<size_t>(start * rate);
        const size_t end   = std::min(x.size(), begin + static_cast<size_t>(0.030 * rate));
        for (size_t i = begin; i < end; i++) {
            const double t = static_cast<double>(i - begin) / rate;
            x[i] += static_cast<float>(0.15 * std::exp(-t / 0.008) * nn_rng_normal(&rng));
        }
    }
    return x;
}

// ----------------------------------------------------------------------------
// FLOP model (docs/caw-spec.md §5)

// MACs of one forward of a `kind` network with C channels at signal length N (G: output N, D:
// input N), summed over the convolutions of the model nn_core builds, at their exact lengths:
// convs[0 .. L-1] are the trunk (each one's input is the previous one's output, starting from
// G's padded N + 2P or D's N); G's gates and out_conv run on the trunk's output (N samples).
double forward_macs(caw_kind kind, size_t C, size_t N, const caw_train_config & cfg) {
    const caw_config arch = {kind, C, cfg.kernel, cfg.layers};
    caw_model        m    = {};
    if (caw_model_init(&m, &arch) != NN_STATUS_OK) return NAN;
    size_t T     = kind == CAW_GENERATOR ? N + 2 * m.pad : N;
    double macs  = 0.0;
    for (size_t l = 0; l < m.n_convs; l++) {
        const caw_conv & c     = m.convs[l];
        const size_t     T_in  = l < cfg.layers ? T : N;
        const size_t     T_out = T_in + 2 * c.pad - c.D * (c.K - 1); // stride 1
        macs += static_cast<double>(c.C_out * c.C_in * c.K) * static_cast<double>(T_out);
        if (l < cfg.layers) T = T_out;
    }
    caw_model_free(&m);
    return macs;
}

// The trained levels of a recipe for clip x at R: the candidate rates (studio skips 10, 12 and
// 14.4 kHz) whose level is long enough (min_len), through the pyramid caw_train builds (its
// energy rule may drop more). fs_list must outlive popt.
struct level_set {
    std::vector<uint32_t> fs_list, rates;
    std::vector<size_t>   lengths;
    std::string           dropped;
    nn_pyramid_options    popt = {};
};

bool trained_levels(const std::vector<float> & x, uint32_t R, bool studio, size_t min_len,
                    level_set * out) {
    const size_t N = x.size();
    for (size_t k = 0; k < NN_CAW_FS_LIST_LEN && NN_CAW_FS_LIST[k] < R; k++) {
        const uint64_t f   = NN_CAW_FS_LIST[k];
        const uint64_t len = (static_cast<uint64_t>(N) * f + R - 1) / R; // ceil
        if (studio && studio_skips(f)) continue;
        if (len >= min_len) {
            out->fs_list.push_back(static_cast<uint32_t>(f));
        } else {
            out->dropped += " " + std::to_string(f);
        }
    }
    if (out->fs_list.empty()) out->fs_list.push_back(R); // a list of R alone is one level
    nn_pyramid_default_options(&out->popt);
    out->popt.fs_list  = out->fs_list.data();
    out->popt.fs_count = out->fs_list.size();
    nn_pyramid pyr     = {};
    if (nn_pyramid_init(&pyr, x.data(), N, R, &out->popt) != NN_STATUS_OK) {
        std::printf("nn_pyramid_init: %s\n", nn_last_error());
        return false;
    }
    for (size_t s = pyr.first; s < pyr.count; s++) {
        out->rates.push_back(pyr.levels[s].rate);
        out->lengths.push_back(pyr.levels[s].length);
    }
    nn_pyramid_free(&pyr);
    return true;
}

// One scale's FLOPs per epoch (docs/caw-spec.md §5's count) under a recipe: a cropped scale
// (crop > 0, N >= crop + 2P + 1) runs G on crop + 2P, D on crop, and the redraw on the windows
// of docs/caw-spec.md §8 (caw_tr::crop_windows, the trainer's own function); others whole.
struct scale_flops {
    size_t trained; // samples D sees per epoch
    size_t epochs;
    double F_G, F_D, redraw, epoch;
};

std::vector<scale_flops> recipe_flops(const level_set & lv, const caw_train_config & cfg) {
    const size_t             scales = lv.rates.size();
    std::vector<size_t>      chans(scales), pads(scales);
    std::vector<scale_flops> out(scales);
    for (size_t s = 0; s < scales; s++) {
        chans[s]              = s == 0 ? cfg.channels_first : cfg.channels_rest;
        const caw_config arch = {CAW_GENERATOR, chans[s], cfg.kernel, cfg.layers};
        pads[s]               = caw_pad(&arch);
    }
    for (size_t s = 0; s < scales; s++) {
        const size_t N = lv.lengths[s], P = pads[s];
        const bool   cropped = cfg.crop > 0 && N >= cfg.crop + 2 * P + 1;
        scale_flops & f      = out[s];
        f.trained            = cropped ? cfg.crop : N;
        f.epochs             = cropped && cfg.fine_epochs > 0 ? cfg.fine_epochs : cfg.epochs;
        f.F_G = 2.0 * forward_macs(CAW_GENERATOR, chans[s], cropped ? cfg.crop + 2 * P : N, cfg);
        f.F_D = 2.0 * forward_macs(CAW_DISCRIMINATOR, chans[s], f.trained, cfg);
        std::vector<size_t> wins(lv.lengths.begin(), lv.lengths.begin() + s);
        if (cropped && s > 0) {
            wins = caw_tr::crop_windows(lv.rates.data(), lv.lengths.data(), pads.data(), s,
                                        lv.rates[s], cfg.crop + 2 * P);
        }
        f.redraw = 0.0;
        for (size_t j = 0; j < s; j++) {
            f.redraw += 2.0 * forward_macs(CAW_GENERATOR, chans[j], wins[j], cfg);
        }
        f.epoch = 6.0 * f.F_G + 15.0 * f.F_D + f.redraw;
    }
    return out;
}

void set_recipe(caw_train_config * cfg, bool studio) {
    cfg->crop        = studio ? STUDIO_CROP : 0;
    cfg->fine_epochs = studio ? STUDIO_FINE_EPOCHS : 0;
    cfg->epochs      = studio ? STUDIO_EPOCHS : PAPER_EPOCHS;
}

// Both recipes' FLOPs per scale (by rate) and per run, and the paper's total over studio's.
int print_flops(const std::vector<float> & x, uint32_t R, caw_train_config cfg, size_t min_len) {
    level_set paper, studio;
    if (!trained_levels(x, R, false, min_len, &paper) || !trained_levels(x, R, true, min_len, &studio)) {
        return 1;
    }
    set_recipe(&cfg, false);
    const std::vector<scale_flops> fp = recipe_flops(paper, cfg);
    set_recipe(&cfg, true);
    const std::vector<scale_flops> fs = recipe_flops(studio, cfg);
    std::printf("| rate Hz | N | paper: epoch GF | paper: run PF (x %zu) | studio: samples per "
                "epoch | studio: epochs | studio: epoch GF | studio: run PF | paper / studio |\n",
                PAPER_EPOCHS);
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    double total_p = 0.0, total_s = 0.0;
    for (size_t s = 0; s < fp.size(); s++) {
        const double run_p = fp[s].epoch * static_cast<double>(fp[s].epochs);
        total_p += run_p;
        std::printf("| %u | %zu | %.1f | %.3f | ", paper.rates[s], paper.lengths[s],
                    fp[s].epoch / 1e9, run_p / 1e15);
        size_t k = 0;
        while (k < studio.rates.size() && studio.rates[k] != paper.rates[s]) k++;
        if (k == studio.rates.size()) {
            std::printf("- | - | - | - | (not a studio scale) |\n");
            continue;
        }
        const double run_s = fs[k].epoch * static_cast<double>(fs[k].epochs);
        std::printf("%zu | %zu | %.1f | %.3f | %.1fx |\n", fs[k].trained, fs[k].epochs,
                    fs[k].epoch / 1e9, run_s / 1e15, run_p / run_s);
    }
    for (const scale_flops & f : fs) total_s += f.epoch * static_cast<double>(f.epochs);
    std::printf("| **all** | | | **%.2f** | | | | **%.3f** | **%.1fx** |\n", total_p / 1e15,
                total_s / 1e15, total_p / total_s);
    std::printf("\npaper: %zu scales, %.3g FLOP; studio: %zu scales, %.3g FLOP (1/%.1f)\n",
                fp.size(), total_p, fs.size(), total_s, total_p / total_s);
    return 0;
}

// ----------------------------------------------------------------------------
// timing through on_epoch

struct epoch_log {
    std::vector<std::vector<double>> seconds; // [scale][epoch]
    std::vector<uint32_t>            rates;   // [scale], for the progress lines
};

bool on_epoch(void * ctx, const caw_progress * p) {
    epoch_log & log = *static_cast<epoch_log *>(ctx);
    if (log.seconds.size() < p->scales) log.seconds.resize(p->scales);
    log.seconds[p->scale].push_back(p->seconds);
    std::fprintf(stderr, "scale %2zu/%zu %5u Hz  epoch %zu/%zu  %8.3f s\n", p->scale + 1, p->scales,
                 p->scale < log.rates.size() ? log.rates[p->scale] : 0u, p->epoch + 1, p->epochs,
                 p->seconds);
    return true;
}

double median(std::vector<double> v) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// ----------------------------------------------------------------------------
// command line

bool parse(int argc, char ** argv, options * o) {
    for (int i = 1; i < argc; i++) {
        const std::string a = argv[i];
        if (a == "--flops-only") {
            o->flops_only = true;
            continue;
        }
        if (i + 1 >= argc) return false;
        char *       end = nullptr;
        const char * v   = argv[++i];
        if (a == "--recipe") {
            if (std::string(v) != "paper" && std::string(v) != "studio") return false;
            o->studio = std::string(v) == "studio";
            end       = const_cast<char *>(v) + std::strlen(v);
        } else if (a == "--seconds") {
            o->seconds = std::strtod(v, &end);
            if (!(o->seconds > 0.0 && o->seconds <= 3600.0)) return false;
        } else if (a == "--epochs" || a == "--channels" || a == "--threads" || a == "--top-rate") {
            const unsigned long long n = std::strtoull(v, &end, 10);
            if (n == 0 || n > 1000000) return false;
            if (a == "--epochs") o->epochs = n;
            if (a == "--channels") o->channels = n;
            if (a == "--threads") o->threads = n;
            if (a == "--top-rate") o->top_rate = static_cast<uint32_t>(n);
        } else {
            return false;
        }
        if (end == v || *end != '\0') return false;
    }
    return true;
}

} // namespace

int main(int argc, char ** argv) {
    options o;
    if (!parse(argc, argv, &o)) {
        std::printf("usage: %s [--seconds S] [--epochs E] [--channels C] [--top-rate R] "
                    "[--threads T]\n",
                    argv[0]);
        return 2;
    }
    if (o.threads > 0) nn_set_cpu_threads(o.threads);

    // the studio configuration (normal mode), only epochs and optionally channels_rest changed
    caw_train_config cfg;
    caw_train_default_config(&cfg, CAW_TRAIN_NORMAL);
    const size_t default_epochs = cfg.epochs; // the reference's 2000
    cfg.epochs                  = o.epochs;
    if (o.channels > 0) cfg.channels_rest = o.channels;

    const std::vector<float> x = music_like_clip(o.seconds, o.top_rate);
    const size_t             N = x.size();

    // the trained levels (candidate rates below R whose level is long enough; the pyramid
    // appends R), from the same pyramid caw_train builds
    const caw_config arch0 = {CAW_GENERATOR, cfg.channels_first, cfg.kernel, cfg.layers};
    const size_t     P     = caw_pad(&arch0);
    const size_t     min_len =
        std::max(2 * P + 1, cfg.alpha2 > 0.0 ? nn_mss_min_length(cfg.mss, cfg.mss_count) : 0);
    if (N < min_len) {
        std::printf("a %.2f s clip at %u Hz has %zu samples; training needs at least %zu\n",
                    o.seconds, o.top_rate, N, min_len);
        return 1;
    }
    if (o.flops_only) {
        std::printf("nn_bench_epoch --flops-only: %.2f s clip at %u Hz (%zu samples), C %zu then "
                    "%zu, K %zu, L %zu\n\n",
                    o.seconds, o.top_rate, N, cfg.channels_first, cfg.channels_rest, cfg.kernel,
                    cfg.layers);
        return print_flops(x, o.top_rate, cfg, min_len);
    }
    level_set lv;
    if (!trained_levels(x, o.top_rate, o.studio, min_len, &lv)) {
        return 1;
    }
    cfg.crop                             = o.studio ? STUDIO_CROP : 0;
    const nn_pyramid_options &    popt   = lv.popt;
    const std::string &           dropped = lv.dropped;
    const size_t                  scales = lv.rates.size();
    const std::vector<uint32_t> & rates  = lv.rates;
    const std::vector<size_t> &   lengths = lv.lengths;
    std::vector<size_t>           chans(scales);
    for (size_t s = 0; s < scales; s++) {
        chans[s] = s == 0 ? cfg.channels_first : cfg.channels_rest;
    }
    const std::vector<scale_flops> flops = recipe_flops(lv, cfg);

    std::printf("nn_bench_epoch: %.2f s music-like clip at %u Hz (%zu samples), %zu epochs per "
                "scale, C %zu then %zu, K %zu, L %zu, mode normal (alpha2 %g), threads %zu\n",
                o.seconds, o.top_rate, N, o.epochs, cfg.channels_first, cfg.channels_rest,
                cfg.kernel, cfg.layers, cfg.alpha2, nn_cpu_threads());
    std::printf("conv1d kernel: %s\n", conv1d_cpu_kernel());
    const double peak = cpu_peak_gflops();
    if (peak > 0.0) {
        std::printf("peak used for %%: %.1f GFLOP/s\n", peak);
    } else {
        std::printf("peak: not measured with this compiler; %% columns are empty\n");
    }
    // the FLOP model's slope, to check against docs/caw-spec.md §5 (G 1.50, D 1.0 MFLOP per sample
    // at C = 96): forward MACs are affine in N, so the difference over 1000 samples is exact
    const size_t C1     = cfg.channels_rest;
    const double g_per  = 2.0 * (forward_macs(CAW_GENERATOR, C1, 11000, cfg) -
                                forward_macs(CAW_GENERATOR, C1, 10000, cfg)) / 1000.0;
    const double d_per  = 2.0 * (forward_macs(CAW_DISCRIMINATOR, C1, 11000, cfg) -
                                forward_macs(CAW_DISCRIMINATOR, C1, 10000, cfg)) / 1000.0;
    std::printf("forward FLOP per sample at C %zu: G %.4f M, D %.4f M (2 x conv MACs)\n", C1,
                g_per / 1e6, d_per / 1e6);
    if (!dropped.empty()) {
        std::printf("rates dropped, their level would be shorter than %zu samples:%s Hz\n",
                    min_len, dropped.c_str());
    }

    // train into a fresh temp dir, removed afterwards
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path  dir = fs::temp_directory_path(ec) /
                         ("nn_bench_epoch-" +
                          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    if (ec || !fs::create_directories(dir, ec)) {
        std::printf("cannot create a temp dir %s\n", dir.string().c_str());
        return 1;
    }
    std::printf("training %zu scales (%u .. %u Hz) into %s\n\n", scales, rates.front(),
                rates.back(), dir.string().c_str());
    std::fflush(stdout);
    epoch_log log;
    log.rates                        = rates;
    const caw_train_callbacks cb     = {&log, &on_epoch};
    caw_train_result          result = {};
    const auto                start  = std::chrono::steady_clock::now();
    const nn_status st = caw_train(x.data(), N, o.top_rate, &popt, &cfg, dir.string().c_str(),
                                   false, &cb, &result);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fs::remove_all(dir, ec);
    if (st != NN_STATUS_OK) {
        std::printf("caw_train: %s\n", nn_last_error());
        return 1;
    }
    if (result.scales_done != scales || log.seconds.size() != scales) {
        std::printf("caw_train trained %zu scales, the pyramid has %zu\n", result.scales_done,
                    scales);
        return 1;
    }

    // per scale: FLOPs (forward GFLOP of G and D, the redraw through the coarser Gs) and time
    std::printf("| scale | rate Hz | N | C | G fwd GF | D fwd GF | redraw GF | epoch GF | "
                "1st epoch s | median epoch s | GFLOP/s | %% peak |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    double recipe_run = 0.0; // the recipe's full run at these medians
    double redraw = 0.0, sum_seconds = 0.0, sum_flop = 0.0; // redraw: this scale's prev redraw
    for (size_t s = 0; s < scales; s++) {
        const double F_G        = flops[s].F_G;
        const double F_D        = flops[s].F_D;
        const double epoch_flop = flops[s].epoch;
        redraw                  = flops[s].redraw;
        const std::vector<double> & t = log.seconds[s];
        const double med = median(t.size() >= 3 ? std::vector<double>(t.begin() + 1, t.end()) : t);
        const double gflops = epoch_flop / med / 1e9;
        sum_seconds += med;
        const bool cropped = flops[s].trained < lengths[s];
        recipe_run += med * static_cast<double>(o.studio ? (cropped ? STUDIO_FINE_EPOCHS
                                                                    : STUDIO_EPOCHS)
                                                         : PAPER_EPOCHS);
        sum_flop += epoch_flop;
        std::printf("| %zu | %u | %zu | %zu | %.2f | %.2f | %.2f | %.1f | %.3f | %.3f | %.1f | ", s,
                    rates[s], lengths[s], chans[s], F_G / 1e9, F_D / 1e9, redraw / 1e9,
                    epoch_flop / 1e9, t.front(), med, gflops);
        if (peak > 0.0) {
            std::printf("%.1f%% |\n", 100.0 * gflops / peak);
        } else {
            std::printf("- |\n");
        }
    }
    const double all_gflops = sum_flop / sum_seconds / 1e9;
    std::printf("| all | | | | | | | %.1f | | %.3f | %.1f | ", sum_flop / 1e9, sum_seconds,
                all_gflops);
    if (peak > 0.0) {
        std::printf("%.1f%% |\n", 100.0 * all_gflops / peak);
    } else {
        std::printf("- |\n");
    }

    // totals: one epoch of every scale (medians), and full runs forecast from it (set-up and
    // checkpoints are seconds in all, left out)
    std::printf("\none epoch of every scale: %.2f s (%.1f GFLOP)\n", sum_seconds, sum_flop / 1e9);
    std::printf("full run forecast, the %s recipe's epochs (%s): %.0f s = %.2f h\n",
                o.studio ? "studio" : "paper",
                o.studio ? "2000 whole-clip, 1000 cropped" : "3000 per scale", recipe_run,
                recipe_run / 3600.0);
    std::printf("full run forecast, %zu epochs per scale (reference default): %.0f s = %.2f h\n",
                default_epochs, double(default_epochs) * sum_seconds,
                double(default_epochs) * sum_seconds / 3600.0);
    std::printf("this run's caw_train wall time: %.1f s (%zu epochs per scale + set-up + "
                "checkpoints)\n",
                wall, o.epochs);
    return 0;
}
