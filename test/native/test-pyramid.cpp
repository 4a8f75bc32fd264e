// test-pyramid.cpp: the CAW scale pyramid (nn/pyramid.h, docs/caw-spec.md §2 and "Ten details"
// #6, #10); built on the host only, so CPU only.
//   test   candidate rates for 16 / 44.1 / 8 / 15 / 22.05 kHz, librosa's level lengths (double
//          ceil, incl. a case where it exceeds the exact ceil), levels resampled directly from the
//          full-rate signal (bitwise), the energy rule on a 3 kHz tone, the speech rule, the
//          scales[2:] fallback and its failure, the amp formula incl. a decreasing-energy level
//          (0), peak normalisation, nn_std_unbiased, inpainting's holes (zeroed after
//          normalisation, energies over valid samples, nn_hole_index), argument checks

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "nn/nn.h"
#include "nn/pyramid.h"
#include "nn/resample.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

constexpr double PI = 3.14159265358979323846;

std::vector<float> tone(size_t N, double freq, double Fs, double amp) {
    std::vector<float> x(N);
    for (size_t i = 0; i < N; i++) {
        x[i] = static_cast<float>(amp * std::sin(2.0 * PI * freq * static_cast<double>(i) / Fs));
    }
    return x;
}

nn_pyramid_options defaults() {
    nn_pyramid_options o;
    nn_pyramid_default_options(&o);
    return o;
}

std::vector<uint32_t> rates_of(const nn_pyramid & p) {
    std::vector<uint32_t> r;
    for (size_t k = 0; k < p.count; k++) {
        r.push_back(p.levels[k].rate);
    }
    return r;
}

// The reference's amp from two energies: float32 sqrt of the float32 difference, max(0, NaN) = 0.
double expected_amp(double e_prev, double e_cur, double factor) {
    const float diff = static_cast<float>(e_cur - e_prev);
    const float root = std::sqrt(diff);
    return root > 0.0f ? static_cast<double>(static_cast<float>(factor) * root) : 0.0;
}

// ----------------------------------------------------------------------------

void test_rates_and_lengths() {
    const nn_pyramid_options o = defaults();
    struct rate_case {
        uint32_t              Fs;
        std::vector<uint32_t> rates;
    };
    const std::vector<uint32_t> base(NN_CAW_FS_LIST, NN_CAW_FS_LIST + NN_CAW_FS_LIST_LEN);
    std::vector<uint32_t>       r44 = base, r8, r15, r22 = base;
    r44.push_back(44100); // no upsampling: 16000 stays, then the file's own rate
    r22.push_back(22050);
    for (uint32_t f : base) {
        if (f <= 8000) {
            r8.push_back(f);
        }
        if (f <= 15000) {
            r15.push_back(f == 14400 ? 14399 : f); // Python: int(15000 / (15000 / 14400))
        }
    }
    r15.push_back(15000);
    const rate_case cases[] = {{16000, base}, {44100, r44}, {8000, r8}, {15000, r15}, {22050, r22}};
    for (const rate_case & c : cases) {
        const size_t       N = static_cast<size_t>(c.Fs) * 2 + 7; // 2 s and a few samples
        std::vector<float> x = tone(N, 150.0, c.Fs, 0.8);
        nn_pyramid         p = {};
        CHECK(nn_pyramid_init(&p, x.data(), N, c.Fs, &o) == NN_STATUS_OK);
        CHECK_MSG(rates_of(p) == c.rates, "rates for Fs %u", c.Fs);
        CHECK(p.Fs == c.Fs && p.count == c.rates.size());
        size_t offset = 0;
        for (size_t k = 0; k < p.count; k++) {
            const nn_pyramid_level & l   = p.levels[k];
            const double             rat = static_cast<double>(l.rate) / c.Fs;
            const size_t             expected =
                l.rate == c.Fs ? N : static_cast<size_t>(std::ceil(static_cast<double>(N) * rat));
            CHECK_MSG(l.length == expected, "Fs %u level %u: %zu samples, expected %zu", c.Fs,
                      l.rate, l.length, expected);
            CHECK(l.offset == offset);
            CHECK(nn_pyramid_samples(&p, k) == p.samples + offset);
            offset += l.length;
        }
        CHECK(p.total == offset);
        CHECK(nn_pyramid_samples(&p, p.count) == nullptr);
        nn_pyramid_free(&p);
        CHECK(p.levels == nullptr && p.samples == nullptr && p.count == 0);
    }

    // librosa's ceil(N * (f / Fs)) in double, not the exact ceil: 735 samples at 44.1 kHz give
    // 201 samples at 12 kHz (exact: 200).
    std::vector<float> x = tone(735, 100.0, 44100, 1.0);
    nn_pyramid         p = {};
    CHECK(nn_pyramid_init(&p, x.data(), x.size(), 44100, &o) == NN_STATUS_OK);
    CHECK(p.count == 17 && p.levels[13].rate == 12000 && p.levels[13].length == 201);
    nn_pyramid_free(&p);
}

void test_levels_from_full_rate() {
    const uint32_t     Fs = 16000;
    const size_t       N  = 12345;
    std::vector<float> x  = tone(N, 440.0, Fs, 0.5);
    for (size_t i = 0; i < N; i++) {
        x[i] += static_cast<float>(0.1 * std::sin(0.37 * static_cast<double>(i) * i / N));
    }
    nn_pyramid_options o = defaults();
    nn_pyramid         p = {};
    CHECK(nn_pyramid_init(&p, x.data(), N, Fs, &o) == NN_STATUS_OK);

    std::vector<float> xn   = x;
    float              peak = 0.0f;
    CHECK(nn_peak_normalize(xn.data(), N, &peak) == NN_STATUS_OK);
    CHECK(p.norm_factor == peak);
    nn_sinc_filter filter = {};
    CHECK(nn_sinc_filter_init(&filter) == NN_STATUS_OK);
    nn_tensor_view vx = nn_view_3d(xn.data(), 1, 1, N);
    for (size_t k = 0; k < p.count; k++) {
        const nn_pyramid_level & l = p.levels[k];
        std::vector<float>       y(l.length);
        if (l.rate == Fs) {
            y = xn;
        } else {
            nn_tensor_view vy = nn_view_3d(y.data(), 1, 1, l.length);
            CHECK(resample_sinc_cpu(&filter, &vx, &vy, static_cast<double>(l.rate) / Fs,
                                    NN_SINC_MODE_LIBROSA) == NN_STATUS_OK);
        }
        CHECK_MSG(std::memcmp(y.data(), nn_pyramid_samples(&p, k), l.length * sizeof(float)) == 0,
                  "level %u Hz is not resample(full-rate signal)", l.rate);
        double e = 0.0;
        for (float v : y) {
            e += static_cast<double>(v) * v;
        }
        CHECK(std::fabs(l.energy - e / static_cast<double>(l.length)) <= 1e-15);
    }
    nn_sinc_filter_free(&filter);
    nn_pyramid_free(&p);

    // Peak normalisation: a 4x louder input (exact in float) gives the identical pyramid.
    std::vector<float> loud = x;
    for (float & v : loud) {
        v *= 4.0f;
    }
    nn_pyramid a = {}, b = {};
    CHECK(nn_pyramid_init(&a, x.data(), N, Fs, &o) == NN_STATUS_OK);
    CHECK(nn_pyramid_init(&b, loud.data(), N, Fs, &o) == NN_STATUS_OK);
    CHECK(a.total == b.total && b.norm_factor == 4.0f * a.norm_factor);
    CHECK(std::memcmp(a.samples, b.samples, a.total * sizeof(float)) == 0);
    nn_pyramid_free(&a);
    nn_pyramid_free(&b);

    // Without normalisation the levels keep the input's scale.
    o.peak_normalize = false;
    CHECK(nn_pyramid_init(&b, loud.data(), N, Fs, &o) == NN_STATUS_OK);
    CHECK(b.norm_factor == 1.0f);
    CHECK(std::memcmp(nn_pyramid_samples(&b, b.count - 1), loud.data(), N * sizeof(float)) == 0);
    nn_pyramid_free(&b);
}

void test_first_scale_rules() {
    const uint32_t     Fs = 16000;
    const size_t       N  = 2 * Fs;
    nn_pyramid_options o  = defaults();

    // A 3 kHz tone: levels whose Nyquist * rolloff is below 3 kHz (rate <= 4000) are nearly
    // silent, so the first trained level is 8000 Hz (index 11); all later ones are kept.
    std::vector<float> x = tone(N, 3000.0, Fs, 1.0);
    nn_pyramid         p = {};
    CHECK(nn_pyramid_init(&p, x.data(), N, Fs, &o) == NN_STATUS_OK);
    CHECK_MSG(p.first == 11 && p.levels[p.first].rate == 8000, "first = %zu", p.first);
    CHECK(!p.energy_fallback);
    for (size_t k = 0; k < 11; k++) {
        CHECK_MSG(p.levels[k].energy < 1e-5, "level %u energy %g", p.levels[k].rate,
                  p.levels[k].energy);
        CHECK(p.levels[k].noise_amp == 0.0); // not trained
    }
    for (size_t k = 11; k < p.count; k++) {
        CHECK(std::fabs(p.levels[k].energy - 0.5) < 0.01); // a full-scale sine: 1/2
    }
    CHECK(p.levels[11].noise_amp == 1.0);
    for (size_t k = 12; k < p.count; k++) {
        CHECK(p.levels[k].noise_amp ==
              expected_amp(p.levels[k - 1].energy, p.levels[k].energy, 0.01));
    }
    nn_pyramid_free(&p);

    // A threshold above every level's energy but energy_rule off: everything is trained.
    o.energy_rule = false;
    CHECK(nn_pyramid_init(&p, x.data(), N, Fs, &o) == NN_STATUS_OK);
    CHECK(p.first == 0 && !p.energy_fallback);
    nn_pyramid_free(&p);

    // Speech: skip < 500 Hz, no energy test (the 500 Hz level is silent but trained).
    o        = defaults();
    o.speech = true;
    CHECK(nn_pyramid_init(&p, x.data(), N, Fs, &o) == NN_STATUS_OK);
    CHECK(p.first == 2 && p.levels[2].rate == 500 && !p.energy_fallback);
    CHECK(p.levels[2].noise_amp == 1.0);
    nn_pyramid_free(&p);

    // Fallback: a lone click has energy 1/N < 0.0025 at every level -> energy rule off,
    // start at the third entry (500 Hz).
    std::vector<float> click(N, 0.0f);
    click[N / 2] = -0.3f;
    o            = defaults();
    CHECK(nn_pyramid_init(&p, click.data(), N, Fs, &o) == NN_STATUS_OK);
    CHECK(p.energy_fallback && p.first == 2 && p.levels[2].rate == 500);
    for (size_t k = 0; k < p.count; k++) {
        CHECK(p.levels[k].energy < 0.0025);
    }
    nn_pyramid_free(&p);

    // The fallback's "third entry" is positional: at Fs = 450 it is 450 Hz itself.
    std::vector<float> quiet(900, 0.0f);
    quiet[10] = 1.0f;
    CHECK(nn_pyramid_init(&p, quiet.data(), quiet.size(), 450, &o) == NN_STATUS_OK);
    CHECK(p.count == 3 && p.energy_fallback && p.first == 2 && p.levels[2].rate == 450);
    nn_pyramid_free(&p);
    // ... and with only two levels there is none: an error, not a crash.
    CHECK(nn_pyramid_init(&p, quiet.data(), quiet.size(), 400, &o) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("no level") != std::string::npos);
    CHECK(p.levels == nullptr && p.count == 0);
    // Speech below 500 Hz has nothing to train either.
    o.speech                      = true;
    std::vector<float> loud_quiet = tone(900, 50.0, 450, 1.0);
    CHECK(nn_pyramid_init(&p, loud_quiet.data(), 900, 450, &o) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("speech") != std::string::npos);
}

void test_noise_amps() {
    // A 50 Hz tone sits below every Nyquist, so each level's energy is ~1/2 times the square of
    // resampy's DC gain in LIBROSA mode: 320 Hz +2.4 %, 400 Hz +6.6 %, 500 Hz exact. The energy
    // therefore DROPS from 400 to 500 Hz: that amp must be exactly 0 (sqrt of a negative is NaN
    // and max(0, NaN) is 0), while 320 -> 400 rises and gets 0.01 * sqrt(dE).
    const uint32_t     Fs = 16000;
    const size_t       N  = 3 * Fs;
    std::vector<float> x  = tone(N, 50.0, Fs, 1.0);
    nn_pyramid_options o  = defaults();
    o.noise_amp_factor    = 0.01;
    o.initial_noise_amp   = 1.0;
    nn_pyramid p          = {};
    CHECK(nn_pyramid_init(&p, x.data(), N, Fs, &o) == NN_STATUS_OK);
    CHECK(p.first == 0 && p.levels[0].noise_amp == 1.0);
    CHECK(p.levels[2].energy < p.levels[1].energy); // the decreasing case is really exercised
    CHECK(p.levels[2].noise_amp == 0.0);
    CHECK(p.levels[1].energy > p.levels[0].energy);
    const double amp1 = 0.01 * std::sqrt(p.levels[1].energy - p.levels[0].energy);
    CHECK_MSG(p.levels[1].noise_amp > 0.0 &&
                  std::fabs(p.levels[1].noise_amp - amp1) < 1e-6 * amp1 + 1e-9,
              "amp %g vs %g", p.levels[1].noise_amp, amp1);
    size_t zeros = 0;
    for (size_t k = 1; k < p.count; k++) {
        const double e = expected_amp(p.levels[k - 1].energy, p.levels[k].energy, 0.01);
        CHECK(p.levels[k].noise_amp == e);
        zeros += p.levels[k].noise_amp == 0.0 ? 1 : 0;
    }
    CHECK(zeros >= 1);
    nn_pyramid_free(&p);

    // Other factors and initial amps are honoured.
    o.noise_amp_factor  = 0.5;
    o.initial_noise_amp = 0.25;
    CHECK(nn_pyramid_init(&p, x.data(), N, Fs, &o) == NN_STATUS_OK);
    CHECK(p.levels[0].noise_amp == 0.25);
    CHECK(p.levels[1].noise_amp == expected_amp(p.levels[0].energy, p.levels[1].energy, 0.5));
    nn_pyramid_free(&p);
}

void test_helpers() {
    const float four[] = {1.0f, 2.0f, 3.0f, 4.0f};
    CHECK(std::fabs(nn_std_unbiased(four, 4) - std::sqrt(5.0 / 3.0)) < 1e-15);
    CHECK(std::isnan(nn_std_unbiased(four, 1)));
    CHECK(std::isnan(nn_std_unbiased(nullptr, 4)));
    // A padded reconstruction: zeros on both sides count (CAW's prev_reconstructed.std()).
    std::vector<float> padded(2040 + 100, 0.0f);
    for (size_t i = 0; i < 100; i++) {
        padded[1020 + i] = (i % 2) ? 0.5f : -0.5f;
    }
    const double n   = static_cast<double>(padded.size());
    const double var = (100 * 0.25 - 0.0) / (n - 1.0); // mean is 0
    CHECK(std::fabs(nn_std_unbiased(padded.data(), padded.size()) - std::sqrt(var)) < 1e-15);
    const float constant[] = {0.3f, 0.3f, 0.3f};
    CHECK(nn_std_unbiased(constant, 3) == 0.0);

    float x[] = {0.5f, -2.0f, 1.0f};
    float nf  = 0.0f;
    CHECK(nn_peak_normalize(x, 3, &nf) == NN_STATUS_OK);
    CHECK(nf == 2.0f && x[0] == 0.25f && x[1] == -1.0f && x[2] == 0.5f);
    float zeros[] = {0.0f, -0.0f};
    CHECK(nn_peak_normalize(zeros, 2, &nf) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("all zero") != std::string::npos);
    float bad[] = {1.0f, NAN};
    CHECK(nn_peak_normalize(bad, 2, nullptr) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_peak_normalize(nullptr, 2, nullptr) == NN_STATUS_INVALID_ARGUMENT);
}

void test_argument_checks() {
    nn_pyramid_options o = defaults();
    nn_pyramid         p = {};
    std::vector<float> x = tone(32000, 200.0, 16000, 1.0);
    std::vector<float> z(32000, 0.0f);
    CHECK(nn_pyramid_init(nullptr, x.data(), x.size(), 16000, &o) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_pyramid_init(&p, nullptr, x.size(), 16000, &o) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_pyramid_init(&p, x.data(), x.size(), 16000, nullptr) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_pyramid_init(&p, x.data(), 0, 16000, &o) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_pyramid_init(&p, x.data(), x.size(), 0, &o) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_pyramid_init(&p, z.data(), z.size(), 16000, &o) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("silent") != std::string::npos);
    std::vector<float> with_inf = x;
    with_inf[5]                 = INFINITY;
    CHECK(nn_pyramid_init(&p, with_inf.data(), x.size(), 16000, &o) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("sample 5") != std::string::npos);

    const uint32_t unsorted[] = {320, 640, 500};
    o.fs_list                 = unsorted;
    o.fs_count                = 3;
    CHECK(nn_pyramid_init(&p, x.data(), x.size(), 16000, &o) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("ascending") != std::string::npos);
    o         = defaults();
    o.fs_list = nullptr;
    CHECK(nn_pyramid_init(&p, x.data(), x.size(), 16000, &o) == NN_STATUS_INVALID_ARGUMENT);
    o            = defaults();
    o.min_energy = NAN;
    CHECK(nn_pyramid_init(&p, x.data(), x.size(), 16000, &o) == NN_STATUS_INVALID_ARGUMENT);
    o                  = defaults();
    o.noise_amp_factor = -0.01;
    CHECK(nn_pyramid_init(&p, x.data(), x.size(), 16000, &o) == NN_STATUS_INVALID_ARGUMENT);
    o           = defaults();
    o.sinc_mode = static_cast<nn_sinc_mode>(7);
    CHECK(nn_pyramid_init(&p, x.data(), x.size(), 16000, &o) == NN_STATUS_INVALID_ARGUMENT);

    // Too short for the coarsest level: resampy computes floor(10 * 0.02) = 0 samples.
    o = defaults();
    CHECK(nn_pyramid_init(&p, x.data(), 10, 16000, &o) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("320 Hz") != std::string::npos);
    CHECK(p.levels == nullptr && p.samples == nullptr);
    nn_pyramid_free(&p); // safe on an empty pyramid
    nn_pyramid_free(nullptr);

    // Success clears the last error; an empty fs_list means a single level at Fs.
    o.fs_list     = nullptr;
    o.fs_count    = 0;
    o.energy_rule = false;
    CHECK(nn_pyramid_init(&p, x.data(), x.size(), 16000, &o) == NN_STATUS_OK);
    CHECK(nn_last_error()[0] == '\0');
    CHECK(p.count == 1 && p.first == 0 && p.levels[0].rate == 16000);
    nn_pyramid_free(&p);
}

// Inpainting: the holes are zeroed after peak normalisation (levels are resampled from that
// signal) and each level's energy skips [nn_hole_index(start), nn_hole_index(end)).
void test_holes() {
    CHECK(nn_hole_index(1400, 250, 2000) == 175 && nn_hole_index(1401, 250, 2000) == 175);
    CHECK(nn_hole_index(1407, 250, 2000) == 175 && nn_hole_index(1408, 250, 2000) == 176);
    CHECK(nn_hole_index(size_t(1) << 50, 44100, 48000) == ((size_t(1) << 50) / 48000) * 44100 +
                                                             ((size_t(1) << 50) % 48000) * 44100 /
                                                                 48000);
    const uint32_t     Fs = 16000;
    const size_t       N  = 12000;
    std::vector<float> x  = tone(N, 440.0, Fs, 0.5);
    x[5000]               = 2.0f; // the peak sits in the hole: normalisation still sees it
    const nn_hole      holes[2] = {{4000, 6000}, {9000, 9500}};
    nn_pyramid_options o        = defaults();
    o.holes                     = holes;
    o.hole_count                = 2;
    nn_pyramid p                = {};
    CHECK(nn_pyramid_init(&p, x.data(), N, Fs, &o) == NN_STATUS_OK);
    CHECK(p.norm_factor == 2.0f);
    for (size_t k = 0; k < p.count; k++) {
        const nn_pyramid_level & l = p.levels[k];
        const float *            y = nn_pyramid_samples(&p, k);
        double                   sum = 0.0;
        size_t                   n   = 0;
        for (size_t t = 0; t < l.length; t++) {
            bool in = false;
            for (const nn_hole & h : holes) {
                in = in || (t >= nn_hole_index(h.start, l.rate, Fs) &&
                            t < nn_hole_index(h.end, l.rate, Fs));
            }
            if (!in) {
                sum += static_cast<double>(y[t]) * y[t];
                n++;
            }
            if (l.rate == Fs && in) {
                CHECK(y[t] == 0.0f);
            }
        }
        CHECK_MSG(std::fabs(l.energy - sum / static_cast<double>(n)) <= 1e-12 * l.energy,
                  "level %u Hz: energy %.12g, valid-sample mean %.12g", l.rate, l.energy,
                  sum / static_cast<double>(n));
    }
    nn_pyramid_free(&p);
    const nn_hole bad[2] = {{4000, 6000}, {5000, 7000}}; // overlapping
    o.holes              = bad;
    CHECK(nn_pyramid_init(&p, x.data(), N, Fs, &o) == NN_STATUS_INVALID_ARGUMENT);
    o.hole_count = NN_MAX_HOLES + 1;
    CHECK(nn_pyramid_init(&p, x.data(), N, Fs, &o) == NN_STATUS_INVALID_ARGUMENT);
}

} // namespace

NN_TEST_CASES(pyramid) {
    cases.values("rates and lengths", test_rates_and_lengths);
    cases.values("levels from the full-rate signal", test_levels_from_full_rate);
    cases.values("first-scale rules", test_first_scale_rules);
    cases.values("noise amps", test_noise_amps);
    cases.values("helpers", test_helpers);
    cases.values("inpainting holes", test_holes);
    cases.values("argument checks", test_argument_checks);
}
