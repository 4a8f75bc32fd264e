// test-trainer-crops.cpp: the trainer's cheap fine scales (nn/caw-trainer.h `crop`,
// `fine_epochs`; docs/caw-spec.md §8 "Crops") on the synthetic clip of trainer-test.h. With
// crop = 400 and the tiny model (P = 15), the 250 Hz level (375 samples) trains whole and the
// 500, 1000 and 2000 Hz levels (750, 1500, 3000) on random 400-sample crops. Checked: the epoch
// schedule (fine_epochs at cropped scales, in the progress and the checkpoints), determinism
// and resume byte-identity, that learning still works on crops (the reconstruction's MSS
// distance on the crop halves at every scale: a crop misaligned with its real samples would not
// learn), the prev-redraw windows' invariants, and the argument checks.

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "model/caw-trainer-impl.h"
#include "nn/caw-generate.h"
#include "nn/caw-trainer.h"
#include "nn/resample.h"
#include "test-common.h"
#include "test-registry.h"
#include "trainer-test.h"

namespace {

constexpr size_t CROP = 400;

struct epochs_seen {
    size_t epochs[N_SCALES] = {}, count[N_SCALES] = {};
    double first_mse[N_SCALES] = {}, last_mse[N_SCALES] = {}; // means of the first / last 10
    size_t cancel_scale = N_SCALES;
    static bool on_epoch(void * ctx, const caw_progress * p) {
        epochs_seen * e = static_cast<epochs_seen *>(ctx);
        if (p->scale < N_SCALES) {
            e->epochs[p->scale] = p->epochs;
            e->count[p->scale]++;
            if (p->epoch < 10) {
                e->first_mse[p->scale] += p->losses.mse / 10.0;
            }
            if (p->epoch + 10 >= p->epochs) {
                e->last_mse[p->scale] += p->losses.mse / 10.0;
            }
        }
        return !(p->scale == e->cancel_scale && p->epoch == 1);
    }
};

caw_train_config crop_config(size_t epochs, size_t fine_epochs) {
    caw_train_config c = tiny_config(CAW_TRAIN_NORMAL, epochs, 3);
    c.crop             = CROP;
    c.fine_epochs      = fine_epochs;
    return c;
}

nn_status run(const std::vector<float> & x, const caw_train_config & c, const std::string & dir,
              bool resume, epochs_seen * seen) {
    const nn_pyramid_options  o  = tiny_options();
    const caw_train_callbacks cb = {seen, &epochs_seen::on_epoch};
    caw_train_result          res = {};
    return caw_train(x.data(), x.size(), FS, &o, &c, dir.c_str(), resume, &cb, &res);
}

void test_schedule_determinism_resume(const std::vector<float> & x) {
    const caw_train_config c = crop_config(8, 5);
    const std::string      a = fresh_dir("crop-a"), b = fresh_dir("crop-b");
    epochs_seen            ea, eb;
    CHECK(run(x, c, a, false, &ea) == NN_STATUS_OK);
    CHECK(ea.epochs[0] == 8 && ea.count[0] == 8); // whole level: epochs
    for (size_t s = 1; s < N_SCALES; s++) {
        CHECK_MSG(ea.epochs[s] == 5 && ea.count[s] == 5, "scale %zu: %zu epochs", s, ea.epochs[s]);
    }
    // same seed: identical bytes; cancelled at scale 2 and resumed: identical bytes too
    eb.cancel_scale = 2;
    CHECK(run(x, c, b, false, &eb) == NN_STATUS_OK);
    epochs_seen more;
    CHECK(run(x, c, b, true, &more) == NN_STATUS_OK);
    for (size_t s = 0; s < N_SCALES; s++) {
        const std::vector<char> fa = read_bytes(ckpt(a, s)), fb = read_bytes(ckpt(b, s));
        CHECK_MSG(!fa.empty() && fa == fb, "scale %zu differs after resume", s);
    }
    // the crop shapes the checkpoints (and their hash): a run without it differs at scale 1
    caw_train_config whole = c;
    whole.crop             = 0;
    const std::string w    = fresh_dir("crop-whole");
    epochs_seen       ew;
    CHECK(run(x, whole, w, false, &ew) == NN_STATUS_OK);
    CHECK(ew.epochs[1] == 8); // fine_epochs applies to cropped scales only
    CHECK(read_bytes(ckpt(w, 1)) != read_bytes(ckpt(a, 1)));
    // resuming a cropped run with another crop is refused
    caw_train_config other = c;
    other.crop             = CROP + 2;
    epochs_seen eo;
    CHECK(run(x, other, a, true, &eo) != NN_STATUS_OK);
    CHECK(std::strstr(nn_last_error(), "another configuration") != nullptr);
    fs::remove_all(a), fs::remove_all(b), fs::remove_all(w);
}

// Learning on crops, in the denoising mode (alpha1 10: a waveform MSE, so a crop whose G window
// or reconstruction were misaligned with its real samples could not reach the whole-clip run's
// error): C 8/12, K 5, L 5 (P = 62, 400 >= 2P + 1; the 500 Hz level of 750 samples is cropped
// too). Per scale, the mean MSE of the last 10 epochs is at most 2x the whole-clip run's
// (measured, seed 1: 1.0, 0.92, 1.21, 1.67 at scales 0-3; the top scale's 400-sample crops see
// 13 % of its level per epoch). Moving G's reconstruction window by 3 samples made scale 1's
// error 42x the whole-clip run's.
void test_learning_on_crops(const std::vector<float> & x) {
    caw_train_config c = tiny_config(CAW_TRAIN_DENOISING, 150, 1);
    c.channels_first   = 8;
    c.channels_rest    = 12;
    c.kernel           = 5;
    c.layers           = 5;
    c.crop             = CROP;
    const std::string dir = fresh_dir("crop-learn"), whole_dir = fresh_dir("crop-learn-whole");
    epochs_seen       seen, whole;
    CHECK(run(x, c, dir, false, &seen) == NN_STATUS_OK);
    caw_train_config w = c;
    w.crop             = 0;
    CHECK(run(x, w, whole_dir, false, &whole) == NN_STATUS_OK);
    for (size_t s = 0; s < N_SCALES; s++) {
        if (test_verbose()) {
            std::printf("  scale %zu: mse %.6f -> %.6f on crops, %.6f -> %.6f whole\n", s,
                        seen.first_mse[s], seen.last_mse[s], whole.first_mse[s], whole.last_mse[s]);
        }
        CHECK_MSG(std::isfinite(seen.last_mse[s]) && seen.last_mse[s] <= 2.0 * whole.last_mse[s],
                  "scale %zu: mse %g on crops, %g whole", s, seen.last_mse[s], whole.last_mse[s]);
    }
    fs::remove_all(whole_dir);
    // the windows of the 2000 Hz scale's prev redraw: a windowed scale's interior (window less
    // 2P), upsampled, covers what the scale above needs; below a whole level all are whole
    caw_trained t = {};
    CHECK(caw_trained_load(&t, dir.c_str()) == NN_STATUS_OK);
    if (t.scales == N_SCALES) {
        const size_t              P    = t.G[N_SCALES - 2].pad;
        const size_t              need = CROP + 2 * P;
        const std::vector<size_t> wins =
            caw_tr::crop_windows(&t, N_SCALES - 1, t.rates[N_SCALES - 1], need);
        size_t above = need;
        bool   whole = false;
        for (size_t j = N_SCALES - 1; j-- > 0;) {
            const double ratio = static_cast<double>(j + 1 < N_SCALES - 1 ? t.rates[j + 1]
                                                                           : t.rates[N_SCALES - 1]) /
                                 t.rates[j];
            if (whole) {
                CHECK(wins[j] == t.lengths[j]);
            } else if (wins[j] == t.lengths[j]) {
                whole = true;
            } else {
                CHECK_MSG(upsample_cubic_length(wins[j] - 2 * t.G[j].pad, ratio) >= above + 16,
                          "scale %zu: window %zu too short for %zu", j, wins[j], above);
                above = wins[j];
            }
        }
        // the redraw runs and is deterministic per rng state
        std::vector<float> p1(need), p2(need);
        nn_rng             r1, r2;
        CHECK(nn_rng_init_stream(&r1, 9, 0, NN_RNG_PURPOSE_NOISE) == NN_STATUS_OK);
        CHECK(nn_rng_init_stream(&r2, 9, 0, NN_RNG_PURPOSE_NOISE) == NN_STATUS_OK);
        CHECK(caw_tr::frozen_run_window(&t, N_SCALES - 1, wins, &r1, t.rates[N_SCALES - 1],
                                        p1.data(), need) == NN_STATUS_OK);
        CHECK(caw_tr::frozen_run_window(&t, N_SCALES - 1, wins, &r2, t.rates[N_SCALES - 1],
                                        p2.data(), need) == NN_STATUS_OK);
        CHECK(p1 == p2);
        double energy = 0.0;
        for (const float v : p1) {
            energy += static_cast<double>(v) * v;
        }
        CHECK(std::isfinite(energy) && energy > 0.0);
    }
    caw_trained_free(&t);
    fs::remove_all(dir);
}

void test_crop_arguments(const std::vector<float> & x) {
    const nn_pyramid_options o   = tiny_options();
    const std::string        dir = fresh_dir("crop-args");
    caw_train_result         res = {};
    caw_train_config         c   = crop_config(2, 1);
    c.crop                       = 30; // < 2P + 1 = 31
    CHECK(caw_train(x.data(), x.size(), FS, &o, &c, dir.c_str(), false, nullptr, &res) !=
          NN_STATUS_OK);
    CHECK(std::strstr(nn_last_error(), "crop") != nullptr);
    c      = crop_config(2, 1);
    c.crop = 100; // >= 2P + 1 but shorter than the MSS loss's 129 samples
    CHECK(caw_train(x.data(), x.size(), FS, &o, &c, dir.c_str(), false, nullptr, &res) !=
          NN_STATUS_OK);
    CHECK(std::strstr(nn_last_error(), "MSS") != nullptr);
    c            = crop_config(2, 1);
    c.mode       = CAW_TRAIN_INPAINTING;
    c.hole_count = 1;
    c.holes[0]   = caw_hole{1000, 1200};
    CHECK(caw_train(x.data(), x.size(), FS, &o, &c, dir.c_str(), false, nullptr, &res) !=
          NN_STATUS_OK);
    CHECK(std::strstr(nn_last_error(), "inpainting") != nullptr);
    fs::remove_all(dir);
}

} // namespace

NN_TEST_CASES(trainer_crops) {
    cases.values("crops: epoch schedule, determinism, resume",
                 [] { test_schedule_determinism_resume(make_signal()); });
    cases.values("crops: learning and the redraw windows",
                 [] { test_learning_on_crops(make_signal()); });
    cases.values("crops: argument checks", [] { test_crop_arguments(make_signal()); });
}
