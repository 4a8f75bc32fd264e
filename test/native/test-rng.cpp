// test-rng.cpp: the trainer's random-number generator (nn/rng.h); host only, so CPU only.
//   test   xoshiro256** outputs from the state {1, 2, 3, 4} (the reference sequence),
//          splitmix64's published values, jump / long jump against T^(2^128) and T^(2^192) of
//          the GF(2) transition matrix computed here, save/restore mid-stream with and without a
//          cached normal, normal and uniform moments over 1e6 draws, stream independence, fill
//          ranges, argument checks

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "nn/nn.h"
#include "nn/rng.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

nn_rng state_of(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    nn_rng rng = {};
    rng.s[0]   = a;
    rng.s[1]   = b;
    rng.s[2]   = c;
    rng.s[3]   = d;
    return rng;
}

bool same_state(const nn_rng & a, const nn_rng & b) {
    return std::memcmp(a.s, b.s, sizeof(a.s)) == 0 && a.has_normal == b.has_normal &&
           std::memcmp(&a.normal, &b.normal, sizeof(double)) == 0;
}

// ----------------------------------------------------------------------------
// known values

void test_known_outputs() {
    // xoshiro256** from {1, 2, 3, 4}, as the reference C code prints them.
    nn_rng         rng        = state_of(1, 2, 3, 4);
    const uint64_t expected[] = {11520ull,
                                 0ull,
                                 1509978240ull,
                                 1215971899390074240ull,
                                 1216172134540287360ull,
                                 607988272756665600ull};
    for (uint64_t e : expected) {
        const uint64_t got = nn_rng_next_u64(&rng);
        CHECK_MSG(got == e, "got %llu expected %llu", static_cast<unsigned long long>(got),
                  static_cast<unsigned long long>(e));
    }

    // splitmix64: from 0, and the widely published sequence from 1234567.
    uint64_t sm = 0;
    CHECK(nn_splitmix64_next(&sm) == 0xE220A8397B1DCDAFull);
    sm                                 = 1234567;
    const uint64_t splitmix_expected[] = {6457827717110365317ull, 3203168211198807973ull,
                                          9817491932198370423ull, 4593380528125082431ull,
                                          16408922859458223821ull};
    for (uint64_t e : splitmix_expected) {
        CHECK(nn_splitmix64_next(&sm) == e);
    }

    // nn_rng_init(seed) = four splitmix64 outputs.
    nn_rng seeded = {};
    CHECK(nn_rng_init(&seeded, 1234567) == NN_STATUS_OK);
    for (int i = 0; i < 4; i++) {
        CHECK(seeded.s[i] == splitmix_expected[i]);
    }
    CHECK(seeded.has_normal == 0 && seeded.normal == 0.0);
    nn_rng zero_seed = {};
    CHECK(nn_rng_init(&zero_seed, 0) == NN_STATUS_OK);
    CHECK(zero_seed.s[0] == 0xE220A8397B1DCDAFull);

    // uniform conversions use the top bits.
    nn_rng a = state_of(1, 2, 3, 4), b = state_of(1, 2, 3, 4), c = state_of(1, 2, 3, 4);
    for (int i = 0; i < 8; i++) {
        const uint64_t u = nn_rng_next_u64(&a);
        CHECK(nn_rng_uniform_double(&b) == static_cast<double>(u >> 11) / 9007199254740992.0);
        CHECK(nn_rng_uniform_float(&c) ==
              static_cast<float>(static_cast<double>(u >> 40) / 16777216.0));
    }
}

// ----------------------------------------------------------------------------
// jumps: an independent derivation over GF(2)

// A 256-bit vector (the state s[0..3]) and a 256x256 matrix stored as its 256 columns.
struct bits256 {
    uint64_t w[4];
};
using matrix256 = std::vector<bits256>;

bits256 step_linear(bits256 v) {
    nn_rng rng = state_of(v.w[0], v.w[1], v.w[2], v.w[3]);
    nn_rng_next_u64(&rng); // the scrambled output is discarded: only the state update is linear
    return {{rng.s[0], rng.s[1], rng.s[2], rng.s[3]}};
}

bits256 apply(const matrix256 & m, const bits256 & v) {
    bits256 r = {{0, 0, 0, 0}};
    for (size_t j = 0; j < 256; j++) {
        if ((v.w[j / 64] >> (j % 64)) & 1u) {
            for (int k = 0; k < 4; k++) {
                r.w[k] ^= m[j].w[k];
            }
        }
    }
    return r;
}

matrix256 square(const matrix256 & m) {
    matrix256 r(256);
    for (size_t j = 0; j < 256; j++) {
        r[j] = apply(m, m[j]);
    }
    return r;
}

void test_jumps() {
    matrix256 t(256);
    for (size_t j = 0; j < 256; j++) {
        bits256 e   = {{0, 0, 0, 0}};
        e.w[j / 64] = 1ull << (j % 64);
        t[j]        = step_linear(e);
    }
    for (int i = 0; i < 128; i++) {
        t = square(t); // T^(2^(i+1))
    }
    const matrix256 t128 = t;
    for (int i = 0; i < 64; i++) {
        t = square(t);
    }
    const matrix256 t192 = t;

    const bits256 starts[] = {{{1, 2, 3, 4}},
                              {{0x0123456789ABCDEFull, 0xFEDCBA9876543210ull, 7ull, 0ull}}};
    for (const bits256 & s : starts) {
        const bits256 j128 = apply(t128, s);
        const bits256 j192 = apply(t192, s);
        nn_rng        rng  = state_of(s.w[0], s.w[1], s.w[2], s.w[3]);
        rng.has_normal     = 1;
        rng.normal         = 0.5;
        nn_rng_jump(&rng);
        CHECK(std::memcmp(rng.s, j128.w, sizeof(rng.s)) == 0);
        CHECK(rng.has_normal == 0 && rng.normal == 0.0); // a jump drops the cached normal
        nn_rng lj = state_of(s.w[0], s.w[1], s.w[2], s.w[3]);
        nn_rng_long_jump(&lj);
        CHECK(std::memcmp(lj.s, j192.w, sizeof(lj.s)) == 0);
    }
    // Pinned values (also from a Python GF(2) computation) for {1, 2, 3, 4}.
    nn_rng rng = state_of(1, 2, 3, 4);
    nn_rng_jump(&rng);
    CHECK(rng.s[0] == 0x8c7a153956b5f3d1ull && rng.s[1] == 0x701f1a713401d85eull &&
          rng.s[2] == 0x6527f66a65469085ull && rng.s[3] == 0x8386b786c4408050ull);
    rng = state_of(1, 2, 3, 4);
    nn_rng_long_jump(&rng);
    CHECK(rng.s[0] == 0x096a8eb71295a400ull && rng.s[1] == 0xdbf84991e50f4516ull &&
          rng.s[2] == 0x534ee745810d2a0eull && rng.s[3] == 0x31655ca1a2215bf1ull);
}

// ----------------------------------------------------------------------------
// streams

void test_streams() {
    const uint64_t seed = 20240611;
    nn_rng         base = {}, s00 = {};
    CHECK(nn_rng_init(&base, seed) == NN_STATUS_OK);
    CHECK(nn_rng_init_stream(&s00, seed, 0, 0) == NN_STATUS_OK);
    CHECK(same_state(base, s00));

    // (major, minor) = long_jump^major then jump^minor.
    nn_rng manual = base;
    nn_rng_long_jump(&manual);
    nn_rng_long_jump(&manual);
    nn_rng_jump(&manual);
    nn_rng s21 = {};
    CHECK(nn_rng_init_stream(&s21, seed, 2, 1) == NN_STATUS_OK);
    CHECK(same_state(manual, s21));

    // Distinct (seed, major, minor) give distinct first outputs; the same give the same.
    std::vector<uint64_t> firsts;
    for (uint64_t sd : {seed, seed + 1}) {
        for (uint32_t major = 0; major < 4; major++) {
            for (uint32_t minor = 0; minor < 4; minor++) {
                nn_rng r = {};
                CHECK(nn_rng_init_stream(&r, sd, major, minor) == NN_STATUS_OK);
                firsts.push_back(nn_rng_next_u64(&r));
            }
        }
    }
    for (size_t i = 0; i < firsts.size(); i++) {
        for (size_t j = i + 1; j < firsts.size(); j++) {
            CHECK_MSG(firsts[i] != firsts[j], "streams %zu and %zu start alike", i, j);
        }
    }
    nn_rng again = {};
    CHECK(nn_rng_init_stream(&again, seed, 3, 2) == NN_STATUS_OK);
    CHECK(nn_rng_next_u64(&again) == firsts[3 * 4 + 2]);

    // Streams are uncorrelated in practice: sample correlation of two noise streams ~ 0.
    nn_rng             na = {}, nb = {};
    const size_t       n = 200000;
    std::vector<float> xa(n), xb(n);
    nn_rng_init_stream(&na, seed, 1, NN_RNG_PURPOSE_NOISE);
    nn_rng_init_stream(&nb, seed, 2, NN_RNG_PURPOSE_NOISE);
    nn_rng_fill_normal(&na, xa.data(), n, 1.0);
    nn_rng_fill_normal(&nb, xb.data(), n, 1.0);
    double cross = 0.0;
    for (size_t i = 0; i < n; i++) {
        cross += static_cast<double>(xa[i]) * static_cast<double>(xb[i]);
    }
    CHECK_MSG(std::fabs(cross / static_cast<double>(n)) < 0.01, "correlation %g",
              cross / static_cast<double>(n));

    nn_rng r = {};
    CHECK(nn_rng_init_stream(&r, seed, NN_RNG_MAX_STREAM + 1, 0) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("limit") != std::string::npos);
    CHECK(nn_rng_init_stream(&r, seed, 0, NN_RNG_MAX_STREAM + 1) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_rng_init_stream(nullptr, seed, 0, 0) == NN_STATUS_INVALID_ARGUMENT);
}

// ----------------------------------------------------------------------------
// serialisation

void test_serialisation() {
    nn_rng rng = {};
    nn_rng_init(&rng, 99);
    for (int i = 0; i < 37; i++) {
        nn_rng_next_u64(&rng);
    }
    for (int cached = 0; cached < 2; cached++) {
        if (cached) {
            nn_rng_normal(&rng); // leaves the pair's second value in the cache
            CHECK(rng.has_normal == 1);
        } else {
            CHECK(rng.has_normal == 0);
        }
        uint8_t image[NN_RNG_STATE_BYTES];
        std::memset(image, 0xAB, sizeof(image));
        CHECK(nn_rng_serialize(&rng, image) == NN_STATUS_OK);
        // little-endian layout: s[0]'s low byte first, flag at byte 32.
        CHECK(image[0] == static_cast<uint8_t>(rng.s[0] & 0xFF));
        CHECK(image[7] == static_cast<uint8_t>(rng.s[0] >> 56));
        CHECK(image[32] == static_cast<uint8_t>(cached) && image[33] == 0);

        nn_rng restored = {};
        CHECK(nn_rng_deserialize(&restored, image) == NN_STATUS_OK);
        CHECK(same_state(rng, restored));
        // Identical continuation: normals (starting with the cached one), uniforms, raw words.
        for (int i = 0; i < 101; i++) {
            const double za = nn_rng_normal(&rng), zb = nn_rng_normal(&restored);
            CHECK(std::memcmp(&za, &zb, sizeof(double)) == 0);
        }
        std::vector<float> fa(33), fb(33);
        nn_rng_fill_normal(&rng, fa.data(), fa.size(), 0.25);
        nn_rng_fill_normal(&restored, fb.data(), fb.size(), 0.25);
        CHECK(std::memcmp(fa.data(), fb.data(), fa.size() * sizeof(float)) == 0);
        CHECK(nn_rng_uniform_double(&rng) == nn_rng_uniform_double(&restored));
        CHECK(same_state(rng, restored));
    }

    // A cached normal is part of the state: dropping it changes the continuation.
    nn_rng a = {};
    nn_rng_init(&a, 5);
    nn_rng_normal(&a);
    nn_rng b     = a;
    b.has_normal = 0;
    b.normal     = 0.0;
    CHECK(nn_rng_normal(&a) != nn_rng_normal(&b));

    // fill_normal(n) then fill_normal(m) == fill_normal(n + m), for odd n (cache crossing).
    nn_rng             c = {}, d = {};
    std::vector<float> one(11), two(11);
    nn_rng_init(&c, 77);
    nn_rng_init(&d, 77);
    nn_rng_fill_normal(&c, one.data(), 5, 1.0);
    nn_rng_fill_normal(&c, one.data() + 5, 6, 1.0);
    nn_rng_fill_normal(&d, two.data(), 11, 1.0);
    CHECK(std::memcmp(one.data(), two.data(), sizeof(float) * 11) == 0);

    // Corrupt images are refused and leave the target untouched.
    uint8_t image[NN_RNG_STATE_BYTES];
    nn_rng_serialize(&a, image);
    nn_rng keep = {};
    nn_rng_init(&keep, 1);
    const nn_rng before                         = keep;
    uint8_t      zero_state[NN_RNG_STATE_BYTES] = {};
    CHECK(nn_rng_deserialize(&keep, zero_state) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("all zero") != std::string::npos);
    uint8_t bad_flag[NN_RNG_STATE_BYTES];
    std::memcpy(bad_flag, image, sizeof(image));
    bad_flag[32] = 2;
    CHECK(nn_rng_deserialize(&keep, bad_flag) == NN_STATUS_INVALID_ARGUMENT);
    uint8_t bad_normal[NN_RNG_STATE_BYTES];
    std::memcpy(bad_normal, image, sizeof(image));
    bad_normal[32]       = 1;
    const double nan_val = NAN;
    uint64_t     nan_bits;
    std::memcpy(&nan_bits, &nan_val, 8);
    for (int i = 0; i < 8; i++) {
        bad_normal[40 + i] = static_cast<uint8_t>(nan_bits >> (8 * i));
    }
    CHECK(nn_rng_deserialize(&keep, bad_normal) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(same_state(keep, before));
    CHECK(nn_rng_serialize(nullptr, image) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_rng_deserialize(&keep, nullptr) == NN_STATUS_INVALID_ARGUMENT);
}

// ----------------------------------------------------------------------------
// distributions

void test_moments() {
    const size_t n   = 1000000;
    nn_rng       rng = {};
    nn_rng_init_stream(&rng, 42, 0, NN_RNG_PURPOSE_NOISE);
    std::vector<float> x(n);
    CHECK(nn_rng_fill_normal(&rng, x.data(), n, 1.0) == NN_STATUS_OK);
    double m1 = 0.0, m2 = 0.0, m4 = 0.0;
    size_t beyond3 = 0;
    for (float v : x) {
        const double d = v;
        m1 += d;
        m2 += d * d;
        m4 += d * d * d * d;
        beyond3 += std::fabs(d) > 3.0 ? 1 : 0;
    }
    const double mean = m1 / static_cast<double>(n);
    const double var  = m2 / static_cast<double>(n) - mean * mean;
    const double kurt = m4 / static_cast<double>(n);
    CHECK_MSG(std::fabs(mean) < 0.005, "mean %g", mean);
    CHECK_MSG(std::fabs(var - 1.0) < 0.01, "var %g", var);
    CHECK_MSG(std::fabs(kurt - 3.0) < 0.05, "fourth moment %g", kurt);
    // P(|z| > 3) = 0.0026998: 2700 +- ~52 expected.
    CHECK_MSG(beyond3 > 2500 && beyond3 < 2900, "%zu beyond 3 sigma", beyond3);

    // scale multiplies: same stream at scale 0.5 gives exactly (float)(0.5 * z).
    nn_rng a = {}, b = {};
    nn_rng_init(&a, 3);
    nn_rng_init(&b, 3);
    std::vector<float> s(9);
    nn_rng_fill_normal(&a, s.data(), s.size(), 0.5);
    for (float v : s) {
        CHECK(v == static_cast<float>(0.5 * nn_rng_normal(&b)));
    }

    // Uniform [lo, hi): moments and range.
    std::vector<float> u(n);
    CHECK(nn_rng_fill_uniform(&rng, u.data(), n, -0.25, 0.75) == NN_STATUS_OK);
    double um = 0.0, uv = 0.0;
    bool   in_range = true;
    for (float v : u) {
        um += v;
        uv += static_cast<double>(v) * v;
        in_range = in_range && v >= -0.25f && v < 0.75f;
    }
    um /= static_cast<double>(n);
    uv = uv / static_cast<double>(n) - um * um;
    CHECK(in_range);
    CHECK_MSG(std::fabs(um - 0.25) < 0.002, "uniform mean %g", um);
    CHECK_MSG(std::fabs(uv - 1.0 / 12.0) < 0.002, "uniform var %g", uv);
    float fmin = 1.0f, fmax = 0.0f;
    for (size_t i = 0; i < n; i++) {
        const float f = nn_rng_uniform_float(&rng);
        fmin          = f < fmin ? f : fmin;
        fmax          = f > fmax ? f : fmax;
    }
    CHECK(fmin >= 0.0f && fmin < 1e-4f && fmax < 1.0f && fmax > 0.9999f);

    // A range one float wide: anything that rounds up to hi must come back as lo.
    std::vector<float> narrow(1000);
    const double       one_up = static_cast<double>(std::nextafter(1.0f, 2.0f));
    CHECK(nn_rng_fill_uniform(&rng, narrow.data(), narrow.size(), 1.0, one_up) == NN_STATUS_OK);
    bool all_one = true;
    for (float v : narrow) {
        all_one = all_one && v == 1.0f;
    }
    CHECK(all_one);
}

void test_argument_checks() {
    nn_rng rng = {};
    nn_rng_init(&rng, 1);
    float x[4];
    CHECK(nn_rng_init(nullptr, 1) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_rng_fill_normal(nullptr, x, 4, 1.0) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_rng_fill_normal(&rng, nullptr, 4, 1.0) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_rng_fill_normal(&rng, nullptr, 0, 1.0) == NN_STATUS_OK);
    CHECK(nn_rng_fill_normal(&rng, x, 4, NAN) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("scale") != std::string::npos);
    CHECK(nn_rng_fill_uniform(&rng, x, 4, 1.0, 1.0) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_rng_fill_uniform(&rng, x, 4, 2.0, 1.0) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_rng_fill_uniform(&rng, x, 4, 0.0, INFINITY) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_rng_fill_uniform(&rng, x, 4, 1.0, 1.0 + 1e-12) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::string(nn_last_error()).find("range") != std::string::npos);
    CHECK(nn_rng_fill_uniform(&rng, x, 4, -1.0, 1.0) == NN_STATUS_OK);
    CHECK(nn_last_error()[0] == '\0');
}

} // namespace

NN_TEST_CASES(rng) {
    cases.values("known outputs", test_known_outputs);
    cases.values("jump and long jump", test_jumps);
    cases.values("streams", test_streams);
    cases.values("save and restore", test_serialisation);
    cases.values("moments", test_moments);
    cases.values("argument checks", test_argument_checks);
}
