// test-trainer-dev.cpp: the trainer on the device (cuda/caw-train-device.cu), run on the CPU
// simulator through caw_train_sim (model/caw-device-train.h), against the CPU trainer
// (nn/caw-trainer.h) on a tiny clip: 200 samples at 400 Hz, fs_list [200] + 400 = two scales of
// 100 and 200 samples, C 4, K 3, L 3 (P 7), 12 epochs, the music mode with short MSS windows
// (MSE and MSS on the device). The simulator runs every GPU thread as a fiber: sizes stay tiny.
// What it pins: one G and D forward + backward + penalty on identical inputs equals the CPU
// backend's (the self-test, tight); the sim run finishes with finite losses of the CPU run's
// magnitude, replays its uncropped epochs as CUDA graphs, writes checkpoints the loader reads;
// it is deterministic and resumable (a run cancelled at scale 1 writes the straight run's scale-0
// bytes, and resumed on the sim, its scale-1 bytes); a CPU run resumes the sim's scale 0 (its
// first epoch at scale 1 sees the sim's inputs, so D(real) and the MSE agree closely); a cropped
// run (launched without graphs, the prev redraw on windows); out of device memory names the clip
// and scale and leaves the finished scale on disk; CUDA asked without a GPU falls back to the CPU
// with the reason, as inpainting does.
// Noise differs between the devices (Philox on the device, xoshiro on the CPU), so only epoch 0's
// noise-free terms are compared tightly.

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "model/caw-device-train.h"
#include "nn/caw-generate.h"
#include "nn/caw-trainer.h"
#include "sim/runtime.h"
#include "test-common.h"
#include "test-registry.h"
#include "trainer-test.h"

namespace {

constexpr uint32_t DEV_FS       = 400;
constexpr uint32_t DEV_RATES[1] = {200};
constexpr size_t   DEV_N        = 200;
constexpr size_t   DEV_EPOCHS   = 12;

std::vector<float> dev_signal() {
    std::vector<float> x(DEV_N);
    const double       pi = 3.14159265358979323846;
    for (size_t i = 0; i < DEV_N; i++) {
        const double t = static_cast<double>(i) / DEV_FS;
        x[i] = static_cast<float>(0.6 * std::sin(2 * pi * 31 * t) + 0.3 * std::sin(2 * pi * 67 * t) +
                                  0.1 * std::sin(2 * pi * 143 * t + 0.4));
    }
    return x;
}

nn_pyramid_options dev_options() {
    nn_pyramid_options o;
    nn_pyramid_default_options(&o);
    o.fs_list  = DEV_RATES;
    o.fs_count = 1;
    return o;
}

caw_train_config dev_config(caw_device device) {
    caw_train_config c = tiny_config(CAW_TRAIN_NORMAL, DEV_EPOCHS, 3);
    c.channels_first = c.channels_rest = 4;
    c.layers                           = 3;
    c.alpha2                           = 1e-2;
    c.mss[0]                           = nn_mss_config{128, 16, 64};
    c.mss[1]                           = nn_mss_config{64, 8, 32};
    c.mss_count                        = 2;
    c.device                           = device;
    return c;
}

// Every epoch's losses, the device choice; cancels at (cancel_scale, cancel_epoch).
struct log_run {
    std::vector<caw_epoch_losses> epochs[2];
    caw_device                    device = CAW_DEVICE_AUTO;
    std::string                   name, reason;
    double                        nmse         = NAN;
    size_t                        cancel_scale = 99, cancel_epoch = 0;
    size_t                        limit_scale = 99; // set the sim's memory limit after this scale
    size_t                        limit_bytes = 0;
    static bool                   on_epoch(void * ctx, const caw_progress * p) {
        log_run * r = static_cast<log_run *>(ctx);
        if (p->scale < 2) {
            r->epochs[p->scale].push_back(p->losses);
        }
        if (test_verbose() && (p->epoch % 5 == 0 || p->epoch + 1 == p->epochs)) {
            std::printf("  scale %zu epoch %2zu: D(real) %+.5f D(fake) %+.5f gp %.6f errG %+.5f "
                        "mse %.6f mss %.4f (%.3f s)\n",
                        p->scale, p->epoch, p->losses.d_real, p->losses.d_fake, p->losses.gp,
                        p->losses.err_g, p->losses.mse, p->losses.mss, p->seconds);
        }
        if (p->scale == r->limit_scale && p->epoch + 1 == p->epochs) {
            kx_sim::set_memory_limit(r->limit_bytes);
        }
        return !(p->scale == r->cancel_scale && p->epoch == r->cancel_epoch);
    }
    static void on_device(void * ctx, const caw_device_choice * c) {
        log_run * r = static_cast<log_run *>(ctx);
        r->device   = c->device;
        r->name     = c->name;
        r->reason   = c->reason;
        r->nmse     = c->self_test_nmse;
        if (test_verbose()) {
            std::printf("  device: %s (%s) nmse %.3g%s%s\n",
                        c->device == CAW_DEVICE_CUDA ? "cuda" : "cpu", c->name, c->self_test_nmse,
                        c->reason[0] != '\0' ? ", reason: " : "", c->reason);
        }
    }
    caw_train_callbacks callbacks() { return caw_train_callbacks{this, &on_epoch, &on_device}; }
};

nn_status run(bool sim, const caw_train_config & c, const std::string & dir, bool resume,
              log_run * log, caw_train_result * res) {
    const std::vector<float>  x  = dev_signal();
    const nn_pyramid_options  o  = dev_options();
    const caw_train_callbacks cb = log->callbacks();
    const nn_status           st =
        sim ? caw_train_sim(x.data(), x.size(), DEV_FS, &o, &c, dir.c_str(), resume, &cb, res)
                      : caw_train(x.data(), x.size(), DEV_FS, &o, &c, dir.c_str(), resume, &cb, res);
    if (test_verbose() && st != NN_STATUS_OK) {
        std::printf("  run %s: status %d: %s\n", dir.c_str(), static_cast<int>(st), nn_last_error());
    }
    return st;
}

bool finite(const caw_epoch_losses & l) {
    return std::isfinite(l.d_real) && std::isfinite(l.d_fake) && std::isfinite(l.gp) &&
           std::isfinite(l.err_g) && std::isfinite(l.mse) && std::isfinite(l.mss) &&
           std::isfinite(l.rec);
}

bool close(double a, double b, double rel) {
    return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b)) + 1e-7;
}

// One G forward + backward and one D forward + backward + penalty on identical inputs: the
// device backend through the model templates against caw_cpu_backend (float accuracy: fp32
// convolutions are 3xTF32), and bf16 within its own tolerance.
void test_step_against_cpu() {
    double nmse = NAN;
    CHECK_MSG(caw_tr::dev_runner_sim()->self_test(NN_CONV_FP32, &nmse) == NN_STATUS_OK, "%s",
              nn_last_error());
    CHECK_MSG(nmse <= 1e-9, "fp32 step NMSE %g", nmse);
    double nmse16 = NAN;
    CHECK_MSG(caw_tr::dev_runner_sim()->self_test(NN_CONV_BF16, &nmse16) == NN_STATUS_OK, "%s",
              nn_last_error());
    CHECK_MSG(nmse16 <= 1e-3, "bf16 step NMSE %g", nmse16);
    if (test_verbose()) {
        std::printf("  one G + D step against the CPU: NMSE fp32 %.3g, bf16 %.3g\n", nmse, nmse16);
    }
}

// The sim run against the CPU run, determinism, resume, a CPU run resuming the sim's checkpoint.
void test_train_sim() {
    const caw_train_config c_dev = dev_config(CAW_DEVICE_CUDA);
    const caw_train_config c_cpu = dev_config(CAW_DEVICE_CPU);
    const std::string      d_sim = fresh_dir("dev-sim");
    const std::string      d_cpu = fresh_dir("dev-cpu"), d_res = fresh_dir("dev-resume");
    const std::string      d_mix = fresh_dir("dev-cpu-resumes-sim");
    log_run                sim, cpu;
    caw_train_result       res     = {};
    const size_t           replays = caw_tr::dev_runner_sim()->graph_replays();
    CHECK(run(true, c_dev, d_sim, false, &sim, &res) == NN_STATUS_OK);
    // both scales train whole: epoch 0 launched, epochs 1.. replayed as a graph
    CHECK_MSG(caw_tr::dev_runner_sim()->graph_replays() - replays == 2 * (DEV_EPOCHS - 1),
              "%zu epochs replayed", caw_tr::dev_runner_sim()->graph_replays() - replays);
    CHECK(res.scales_total == 2 && res.scales_done == 2 && !res.cancelled);
    CHECK(sim.device == CAW_DEVICE_CUDA && sim.name == "CPU simulator" && sim.reason.empty());
    CHECK_MSG(sim.nmse <= 1e-9, "self-test NMSE %g", sim.nmse);
    CHECK(run(false, c_cpu, d_cpu, false, &cpu, &res) == NN_STATUS_OK);
    CHECK(cpu.device == CAW_DEVICE_CPU && cpu.reason.empty() && cpu.name == "CPU");
    for (size_t s = 0; s < 2; s++) {
        CHECK(sim.epochs[s].size() == DEV_EPOCHS && cpu.epochs[s].size() == DEV_EPOCHS);
        if (sim.epochs[s].size() != DEV_EPOCHS || cpu.epochs[s].size() != DEV_EPOCHS) {
            return;
        }
        for (const caw_epoch_losses & l : sim.epochs[s]) {
            CHECK(finite(l));
        }
        // epoch 0 before any step: D(real) (initial D, real level) is noise-free
        const caw_epoch_losses &a0 = sim.epochs[s][0], &b0 = cpu.epochs[s][0];
        if (s == 0) {
            CHECK_MSG(close(a0.d_real, b0.d_real, 1e-4), "scale 0 D(real) %g vs %g", a0.d_real,
                      b0.d_real);
            // the reconstruction at epoch 0: initial G on z_rec (the CPU's draw on both)
            CHECK_MSG(close(a0.mse, b0.mse, 1e-4), "scale 0 mse %g vs %g", a0.mse, b0.mse);
            CHECK_MSG(close(a0.mss, b0.mss, 1e-3), "scale 0 mss %g vs %g", a0.mss, b0.mss);
        }
        // the last epochs: the same magnitudes (the noise differs)
        const caw_epoch_losses &a = sim.epochs[s].back(), &b = cpu.epochs[s].back();
        CHECK_MSG(a.mse < 10.0 * b.mse + 1e-3 && b.mse < 10.0 * a.mse + 1e-3,
                  "scale %zu final mse sim %g cpu %g", s, a.mse, b.mse);
        CHECK_MSG(a.mss < 3.0 * b.mss && b.mss < 3.0 * a.mss, "scale %zu final mss sim %g cpu %g", s,
                  a.mss, b.mss);
        if (test_verbose()) {
            std::printf("  scale %zu final: sim mse %.5f mss %.4f gp %.5f | cpu mse %.5f mss %.4f "
                        "gp %.5f\n",
                        s, a.mse, a.mss, a.gp, b.mse, b.mss, b.gp);
        }
    }
    // the loader reads what the sim wrote, and reconstructs
    caw_trained t = {};
    CHECK(caw_trained_load(&t, d_sim.c_str()) == NN_STATUS_OK);
    CHECK(t.scales == 2);
    if (t.scales == 2) {
        std::vector<float> r(t.lengths[1], NAN);
        CHECK(caw_reconstruct(&t, r.data(), r.size()) == NN_STATUS_OK);
        bool ok = true;
        for (float v : r) {
            ok = ok && std::isfinite(v);
        }
        CHECK(ok);
    }
    caw_trained_free(&t);
    // deterministic and resumable: a second run cancelled at scale 1 wrote the same scale 0, and
    // resumed on the sim, the same scale 1
    log_run cut;
    cut.cancel_scale = 1;
    CHECK(run(true, c_dev, d_res, false, &cut, &res) == NN_STATUS_OK);
    CHECK(res.cancelled && res.scales_done == 1);
    CHECK(!read_bytes(ckpt(d_res, 0)).empty() &&
          read_bytes(ckpt(d_res, 0)) == read_bytes(ckpt(d_sim, 0)));
    log_run again;
    CHECK(run(true, c_dev, d_res, true, &again, &res) == NN_STATUS_OK);
    CHECK(res.resumed_at == 1 && res.scales_done == 2);
    CHECK(read_bytes(ckpt(d_res, 1)) == read_bytes(ckpt(d_sim, 1)));
    // a CPU run resumes the sim's scale 0: at scale 1's epoch 0 it sees the sim's inputs
    fs::copy_file(ckpt(d_sim, 0), ckpt(d_mix, 0));
    log_run mix;
    CHECK(run(false, c_cpu, d_mix, true, &mix, &res) == NN_STATUS_OK);
    CHECK(res.resumed_at == 1 && res.scales_done == 2);
    if (mix.epochs[1].size() == DEV_EPOCHS && sim.epochs[1].size() == DEV_EPOCHS) {
        const caw_epoch_losses &a = sim.epochs[1][0], &b = mix.epochs[1][0];
        CHECK_MSG(close(a.d_real, b.d_real, 1e-4), "scale 1 D(real) sim %g cpu %g", a.d_real,
                  b.d_real);
        CHECK_MSG(close(a.mse, b.mse, 1e-4), "scale 1 mse sim %g cpu %g", a.mse, b.mse);
    }
    caw_trained t2 = {};
    CHECK(caw_trained_load(&t2, d_mix.c_str()) == NN_STATUS_OK && t2.scales == 2);
    caw_trained_free(&t2);
}

// A crop shorter than scale 1's level: scale 1 trains on crops, its prev redrawn on windows.
void test_train_sim_cropped() {
    caw_train_config c = dev_config(CAW_DEVICE_CUDA);
    c.crop             = 96; // scale 0 (100 samples) whole, scale 1 (200) on crops of 96
    c.fine_epochs      = 4;
    const std::string d = fresh_dir("dev-crop");
    log_run           a;
    caw_train_result  res     = {};
    const size_t      replays = caw_tr::dev_runner_sim()->graph_replays();
    CHECK(run(true, c, d, false, &a, &res) == NN_STATUS_OK);
    CHECK(res.scales_done == 2 && a.epochs[1].size() == 4);
    for (const caw_epoch_losses & l : a.epochs[1]) {
        CHECK(finite(l));
    }
    // scale 0 replays its epochs, the cropped scale 1 launches every epoch
    CHECK(caw_tr::dev_runner_sim()->graph_replays() - replays == DEV_EPOCHS - 1);
    caw_trained t = {};
    CHECK(caw_trained_load(&t, d.c_str()) == NN_STATUS_OK && t.scales == 2);
    caw_trained_free(&t);
}

// Out of device memory at scale 1 (a limit set as scale 0 ends): the error names the scale and
// the clip; the finished scale 0 stays on disk for a resume.
void test_out_of_memory() {
    const caw_train_config c = dev_config(CAW_DEVICE_CUDA);
    const std::string      d = fresh_dir("dev-oom");
    log_run                a;
    a.limit_scale          = 0;
    a.limit_bytes          = 4096; // scale 0's arena is freed; scale 1's cannot be had
    caw_train_result  res  = {};
    const nn_status   st   = run(true, c, d, false, &a, &res);
    const std::string msg  = nn_last_error();
    kx_sim::set_memory_limit(0);
    CHECK(a.device == CAW_DEVICE_CUDA);
    CHECK(st == NN_STATUS_OUT_OF_MEMORY);
    CHECK_MSG(msg.find("scale 1") != std::string::npos &&
                  msg.find("200 samples") != std::string::npos &&
                  msg.find("0.50 s") != std::string::npos,
              "message: %s", msg.c_str());
    CHECK(res.scales_done == 1 && fs::exists(ckpt(d, 0)) && !fs::exists(ckpt(d, 1)));
    caw_trained t = {};
    CHECK(caw_trained_load(&t, d.c_str()) == NN_STATUS_OK && t.scales == 1);
    caw_trained_free(&t);
}

// CUDA asked where there is none (this machine; a build without CUDA): the CPU, with the reason.
// Inpainting on the sim: the CPU, with the reason.
void test_fallback() {
    int  count = 0;
    char why[256];
    CHECK(nn_cuda_device_count(&count, why, sizeof why) == NN_STATUS_OK);
    caw_train_config c = dev_config(CAW_DEVICE_CUDA);
    log_run          a;
    a.cancel_scale       = 0; // the choice is all this wants
    caw_train_result res = {};
    CHECK(run(false, c, fresh_dir("dev-fallback"), false, &a, &res) == NN_STATUS_OK);
    if (count == 0) {
        CHECK(a.device == CAW_DEVICE_CPU && a.name == "CPU" && !a.reason.empty());
    } else {
        CHECK(a.device == CAW_DEVICE_CUDA || !a.reason.empty());
    }
    if (test_verbose()) {
        std::printf("  CUDA asked: %s, reason \"%s\"\n", a.name.c_str(), a.reason.c_str());
    }
    caw_train_config ci = dev_config(CAW_DEVICE_AUTO);
    ci.mode             = CAW_TRAIN_INPAINTING;
    ci.alpha1           = 10.0;
    ci.alpha2           = 0.0;
    ci.hole_count       = 1;
    ci.holes[0]         = caw_hole{90, 100};
    log_run b;
    b.cancel_scale = 0;
    CHECK(run(true, ci, fresh_dir("dev-fallback-inpaint"), false, &b, &res) == NN_STATUS_OK);
    CHECK(b.device == CAW_DEVICE_CPU && b.reason.find("inpainting") != std::string::npos);
}

// trainer-test.h's clip and pyramid options are the CPU tests'; this file has its own
[[maybe_unused]] auto * const unused_make_signal  = &make_signal;
[[maybe_unused]] auto * const unused_tiny_options = &tiny_options;

} // namespace

NN_TEST_CASES(trainer_dev) {
    cases.values("one G + D step on the device = CPU", test_step_against_cpu);
    cases.values("sim trainer vs CPU, determinism, resume, CPU resumes sim", test_train_sim);
    cases.values("sim trainer on crops", test_train_sim_cropped);
    cases.values("out of device memory: message, resumable", test_out_of_memory);
    cases.values("fallback to the CPU with the reason", test_fallback);
}
