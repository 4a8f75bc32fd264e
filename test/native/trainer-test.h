// trainer-test.h: the synthetic clip, pyramid options, tiny configuration and file helpers
// shared by test-trainer.cpp and test-trainer-inpainting.cpp (nn/caw-trainer.h).
// defines: FS, RATES, N_SIGNAL, N_SCALES, make_signal, tiny_options, tiny_config, fresh_dir,
//          read_bytes, ckpt
#pragma once

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "nn/caw-trainer.h"
#include "nn/pyramid.h"
#include "test-common.h"

namespace fs = std::filesystem;

namespace {

constexpr uint32_t FS       = 2000;
constexpr uint32_t RATES[3] = {250, 500, 1000};
constexpr size_t   N_SIGNAL = 3000; // 1.5 s
constexpr size_t   N_SCALES = 4;    // 250, 500, 1000, 2000 Hz

std::vector<float> make_signal() {
    std::vector<float> x(N_SIGNAL);
    test_rng           rng(7);
    const double       pi = 3.14159265358979323846;
    for (size_t i = 0; i < N_SIGNAL; i++) {
        const double t = static_cast<double>(i) / FS;
        double       v = 0.5 * std::sin(2 * pi * 55 * t) + 0.3 * std::sin(2 * pi * 110 * t + 0.3) +
                   0.2 * std::sin(2 * pi * 330 * t) * (0.5 + 0.5 * std::sin(2 * pi * 1.5 * t)) +
                   0.1 * std::sin(2 * pi * 700 * t);
        // noise bursts: 80 ms every 0.4 s
        if (std::fmod(t, 0.4) < 0.08) {
            v += 0.25 * rng.uniform(-1.0, 1.0);
        }
        x[i] = static_cast<float>(v);
    }
    return x;
}

nn_pyramid_options tiny_options() {
    nn_pyramid_options o;
    nn_pyramid_default_options(&o);
    o.fs_list  = RATES;
    o.fs_count = 3;
    return o;
}

caw_train_config tiny_config(caw_train_mode mode, size_t epochs, uint64_t seed) {
    caw_train_config c;
    caw_train_default_config(&c, mode);
    c.channels_first = 4;
    c.channels_rest  = 6;
    c.kernel         = 3;
    c.layers         = 4;
    c.epochs         = epochs;
    c.mss[0]         = nn_mss_config{256, 32, 128};
    c.mss[1]         = nn_mss_config{128, 16, 64};
    c.mss[2]         = nn_mss_config{64, 8, 32};
    c.mss_count      = 3;
    c.seed           = seed;
    return c;
}

std::string fresh_dir(const char * name) {
    const fs::path p = fs::temp_directory_path() / ("eureka-test-trainer-" + std::string(name));
    fs::remove_all(p);
    fs::create_directories(p);
    return p.string();
}

std::vector<char> read_bytes(const std::string & path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::string ckpt(const std::string & dir, size_t s) {
    return dir + "/scale-" + std::to_string(s) + ".ckpt";
}

} // namespace
