// test-noise-dev.cpp: the counter-based noise: its CPU reference (nn/philox.h) and the device
// kernels (cuda/noise.cu) on the simulator and on CUDA.
//   test (cpu)        Philox-4x32-10 against Random123's known-answer vectors (kat_vectors),
//                     the element -> counter mapping, chunked calls equal one call, the normals'
//                     moments, argument checks
//   test (cuda, sim)  the raw Philox words equal the CPU's bit for bit; normals at odd n and
//                     offsets (not multiples of 4) against nn_philox_normal, NaN-poisoned guarded
//                     outputs, the device-memory offset variant equal to the plain one, bitwise
//                     reruns, argument checks; that variant captured in a CUDA graph and
//                     replayed with new offsets
//   perf (cuda)       one draw of 96 x 400000 normals

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cuda/device-ops.h"
#include "nn/nn.h"
#include "nn/philox.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

/** Device normals against the CPU's: the same uniform bits; double log/sqrt/sin/cos within
 * 2 ulp of libm's, rounded to float, so almost every value is bitwise equal and the rest differ
 * in the last float bit (NMSE ~1e-15 at worst). A wrong lane or pair gives NMSE ~2. */
constexpr double NOISE_DEV_MAX_NMSE = 1e-12;

bool same_bits(const void * a, const void * b, size_t bytes) {
    return std::memcmp(a, b, bytes) == 0;
}

// ----------------------------------------------------------------------------
// CPU

void test_philox_known_answers() {
    // Random123 1.14 examples/kat_vectors, the three "philox4x32 10" lines: counter, key, result.
    const struct {
        nn_philox_ctr ctr;
        nn_philox_key key;
        nn_philox_ctr want;
    } kat[] = {
        {{{0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u}},
         {{0x00000000u, 0x00000000u}},
         {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}}},
        {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
         {{0xffffffffu, 0xffffffffu}},
         {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}}},
        {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
         {{0xa4093822u, 0x299f31d0u}},
         {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}},
    };
    for (const auto & k : kat) {
        const nn_philox_ctr got = nn_philox4x32_10(k.ctr, k.key);
        for (int w = 0; w < 4; w++) {
            CHECK_MSG(got.w[w] == k.want.w[w], "KAT word %d: %08x, expected %08x", w, got.w[w],
                      k.want.w[w]);
        }
    }
    const nn_philox_ctr c = nn_philox_element_counter(0x0123456789abcdefull, 0xfedcba9876543210ull);
    CHECK(c.w[0] == 0x89abcdefu && c.w[1] == 0x01234567u && c.w[2] == 0x76543210u &&
          c.w[3] == 0xfedcba98u);
}

void test_philox_normal_cpu() {
    const uint64_t     seed = 20240607, stream = 3;
    const size_t       n    = 40003;
    std::vector<float> all(n, NAN);
    CHECK(nn_philox_normal(all.data(), n, seed, stream, 5, 1.0f) == NN_STATUS_OK);
    // chunks at odd boundaries equal one call
    std::vector<float> parts(n, NAN);
    size_t             at = 0;
    for (size_t len : {size_t(1), size_t(2), size_t(3), size_t(7), size_t(4097), size_t(0)}) {
        CHECK(nn_philox_normal(parts.data() + at, len, seed, stream, 5 + at, 1.0f) == NN_STATUS_OK);
        at += len;
    }
    CHECK(nn_philox_normal(parts.data() + at, n - at, seed, stream, 5 + at, 1.0f) == NN_STATUS_OK);
    CHECK(same_bits(all.data(), parts.data(), n * sizeof(float)));
    // each element is nn_philox_normal_value rounded; std scales
    for (size_t i = 0; i < 64; i++) {
        CHECK(all[i] == static_cast<float>(nn_philox_normal_value(seed, stream, 5 + i)));
    }
    std::vector<float> scaled(16);
    CHECK(nn_philox_normal(scaled.data(), 16, seed, stream, 5, 0.25f) == NN_STATUS_OK);
    for (size_t i = 0; i < 16; i++) {
        CHECK(scaled[i] == static_cast<float>(0.25 * nn_philox_normal_value(seed, stream, 5 + i)));
    }
    // moments of N(0, 1): mean within 5 sigma / sqrt(n), variance within 5 sqrt(2 / n)
    double sum = 0.0, sq = 0.0;
    for (float v : all) {
        CHECK(std::isfinite(v));
        sum += v;
        sq += static_cast<double>(v) * v;
    }
    const double mean = sum / n, var = sq / n - mean * mean;
    CHECK_MSG(std::fabs(mean) < 5.0 / std::sqrt(double(n)), "mean %g", mean);
    CHECK_MSG(std::fabs(var - 1.0) < 5.0 * std::sqrt(2.0 / n), "variance %g", var);
    // other streams and seeds differ
    std::vector<float> other(8);
    CHECK(nn_philox_normal(other.data(), 8, seed, stream + 1, 5, 1.0f) == NN_STATUS_OK);
    CHECK(!same_bits(other.data(), all.data(), 8 * sizeof(float)));
    CHECK(nn_philox_normal(other.data(), 8, seed + 1, stream, 5, 1.0f) == NN_STATUS_OK);
    CHECK(!same_bits(other.data(), all.data(), 8 * sizeof(float)));
    // argument checks
    CHECK(nn_philox_normal(nullptr, 0, seed, stream, 0, 1.0f) == NN_STATUS_OK);
    CHECK(nn_philox_normal(nullptr, 3, seed, stream, 0, 1.0f) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_philox_normal(other.data(), 3, seed, stream, 0, NAN) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::strstr(nn_last_error(), "nn_philox_normal") != nullptr);
}

// ----------------------------------------------------------------------------
// device

struct test_noise_dev : test_case {
    size_t   n;
    uint64_t offset;
    float    stddev;

    test_noise_dev(size_t count, uint64_t first, float s) : n(count), offset(first), stddev(s) {}

    std::string name() const override {
        char buf[96];
        std::snprintf(buf, sizeof(buf), "n=%zu offset=%llu std=%g", n,
                      static_cast<unsigned long long>(offset), static_cast<double>(stddev));
        return buf;
    }
    bool supports(test_backend b) const override { return device_backend(b); }
    double max_nmse_err() const override { return NOISE_DEV_MAX_NMSE; }

    void check_values(test_backend b) override {
        const uint64_t seed = 0x5eed0000ull + n, stream = 7;
        // raw words: the blocks covering [offset, offset + n)
        const size_t          first_block = offset / 4;
        const size_t          blocks      = (offset + n + 3) / 4 - first_block;
        std::vector<uint32_t> want(4 * blocks);
        const nn_philox_key key = {
            {static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};
        for (size_t k = 0; k < blocks; k++) {
            const nn_philox_ctr r =
                nn_philox4x32_10(nn_philox_element_counter(first_block + k, stream), key);
            std::memcpy(&want[4 * k], r.w, sizeof r.w);
        }
        dev_buffer bits(b, 4 * blocks);
        CHECK(DEV_CALL(b, philox_bits_dev, reinterpret_cast<uint32_t *>(bits.data()), blocks, seed,
                       stream, first_block, nullptr) == NN_STATUS_OK);
        const std::vector<float> got_bits = bits.download();
        CHECK_MSG(got_bits.size() == want.size() &&
                      same_bits(got_bits.data(), want.data(), want.size() * sizeof(uint32_t)),
                  "%s: device Philox words differ from the CPU's", name().c_str());
        CHECK(bits.guards_intact());

        std::vector<float> ref(n);
        CHECK(nn_philox_normal(ref.data(), n, seed, stream, offset, stddev) == NN_STATUS_OK);
        dev_buffer out(b, n), again(b, n), at(b, n);
        CHECK(DEV_CALL(b, noise_normal_dev, out.data(), n, seed, stream, offset, stddev, nullptr) ==
              NN_STATUS_OK);
        CHECK(DEV_CALL(b, noise_normal_dev, again.data(), n, seed, stream, offset, stddev,
                       nullptr) == NN_STATUS_OK);
        // the offset in device memory (8 bytes in a float buffer)
        std::vector<float> off_host(2);
        std::memcpy(off_host.data(), &offset, sizeof offset);
        dev_buffer off_dev(b, off_host);
        CHECK(DEV_CALL(b, noise_normal_at_dev, at.data(), n, seed, stream,
                       reinterpret_cast<const uint64_t *>(off_dev.data()), stddev,
                       nullptr) == NN_STATUS_OK);
        const std::vector<float> got = out.download(), got2 = again.download(),
                                 got_at = at.download();
        const double e = got.size() == n ? nmse(got.data(), ref.data(), n) : INFINITY;
        CHECK_MSG(e <= max_nmse_err(), "%s: NMSE %.3g (inf: unwritten / NaN)", name().c_str(), e);
        size_t exact = 0;
        for (size_t i = 0; i < got.size(); i++) {
            exact += std::memcmp(&got[i], &ref[i], sizeof(float)) == 0;
        }
        if (test_verbose()) {
            std::printf("    %s: NMSE %.3g, %zu of %zu bitwise equal to the CPU\n", name().c_str(),
                        e, exact, n);
        }
        CHECK(out.guards_intact() && at.guards_intact());
        CHECK_MSG(got2.size() == n && same_bits(got.data(), got2.data(), n * sizeof(float)),
                  "%s: reruns differ", name().c_str());
        CHECK_MSG(got_at.size() == n && same_bits(got.data(), got_at.data(), n * sizeof(float)),
                  "%s: the device-offset variant differs", name().c_str());
    }
};

/** noise_normal_at_dev captured once in a graph, replayed with three offsets written to device
 * memory between replays: each replay draws the offset's normals. */
struct test_noise_dev_graph : test_case {
    std::string name() const override { return "graph replay, offset in device memory"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    double      max_nmse_err() const override { return NOISE_DEV_MAX_NMSE; }
    void        check_values(test_backend b) override {
        const size_t       n = 37;
        const uint64_t     seed = 99, stream_id = 4;
        dev_buffer         out(b, n);
        dev_buffer         off(b, std::vector<float>(2, 0.0f));
        captured_graph     graph(b);
        const bool         captured = graph.capture([&](nn_cuda_stream_t s) {
            return DEV_CALL(b, noise_normal_at_dev, out.data(), n, seed, stream_id,
                            reinterpret_cast<const uint64_t *>(off.data()), 0.5f,
                            s) == NN_STATUS_OK;
        });
        if (!captured) {
            return;
        }
        for (const uint64_t offset : {uint64_t(0), uint64_t(37), uint64_t(1) << 33 | 3}) {
            std::vector<float> bytes(2);
            std::memcpy(bytes.data(), &offset, sizeof offset);
            off.upload(bytes);
            CHECK(graph.replay());
            std::vector<float> ref(n);
            CHECK(nn_philox_normal(ref.data(), n, seed, stream_id, offset, 0.5f) == NN_STATUS_OK);
            const std::vector<float> got = out.download();
            const double e = got.size() == n ? nmse(got.data(), ref.data(), n) : INFINITY;
            CHECK_MSG(e <= max_nmse_err(), "offset %llu: NMSE %.3g",
                      static_cast<unsigned long long>(offset), e);
        }
        CHECK(out.guards_intact());
    }
};

/** The entry points' argument checks (nothing launched, one-line messages). */
struct test_noise_dev_arguments : test_case {
    std::string name() const override { return "argument checks"; }
    bool        supports(test_backend b) const override { return device_backend(b); }
    void        check_values(test_backend b) override {
        dev_buffer out(b, 8);
        CHECK(DEV_CALL(b, noise_normal_dev, nullptr, 8, 1, 2, 0, 1.0f, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(std::strstr(nn_last_error(), "noise_normal_dev") != nullptr);
        CHECK(DEV_CALL(b, noise_normal_dev, out.data(), 8, 1, 2, 0, INFINITY, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, noise_normal_dev, out.data(), 8, 1, 2, UINT64_MAX - 3, 1.0f, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, noise_normal_at_dev, out.data(), 8, 1, 2, nullptr, 1.0f, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        CHECK(DEV_CALL(b, philox_bits_dev, nullptr, 2, 1, 2, 0, nullptr) ==
              NN_STATUS_INVALID_ARGUMENT);
        // n = 0 launches nothing and leaves the output alone
        CHECK(DEV_CALL(b, noise_normal_dev, out.data(), 0, 1, 2, 0, 1.0f, nullptr) == NN_STATUS_OK);
        const std::vector<float> untouched = out.download();
        CHECK(untouched.size() == 8 && std::isnan(untouched[0]) && std::isnan(untouched[7]));
    }
};

/** One draw of n normals (a scale's noise map: channels x samples), offset in device memory. */
struct test_noise_dev_perf : test_case {
    size_t n;
    explicit test_noise_dev_perf(size_t count) : n(count) {}

    std::string name() const override { return "normals n=" + std::to_string(n); }
    unsigned    modes() const override { return TEST_PERF; }
    bool        supports(test_backend b) const override { return device_backend(b); }

    test_perf perf(test_backend b) override {
        auto               out = std::make_shared<dev_buffer>(b, n);
        std::vector<float> off(2, 0.0f);
        auto               off_dev = std::make_shared<dev_buffer>(b, off);
        if (out->data() == nullptr || off_dev->data() == nullptr) {
            return {};
        }
        test_perf p;
        p.work = static_cast<double>(n);
        p.unit = "elements";
        p.run  = [this, b, out, off_dev] {
            CHECK_MSG(DEV_CALL(b, noise_normal_at_dev, out->data(), n, 1, 2,
                               reinterpret_cast<const uint64_t *>(off_dev->data()), 1.0f,
                               nullptr) == NN_STATUS_OK,
                      "%s: %s", name().c_str(), nn_last_error());
            dev_synchronize(b);
        };
        return p;
    }
};

} // namespace

NN_TEST_CASES(noise) {
    cases.values("Philox-4x32-10 known answers (Random123)", test_philox_known_answers);
    cases.values("nn_philox_normal: chunks, moments, arguments", test_philox_normal_cpu);
    cases.add<test_noise_dev_arguments>();
    cases.add<test_noise_dev_graph>();
    // n = 1, odd n at offsets 0..3 mod 4, a large counter (high word of the block set)
    cases.add<test_noise_dev>(1, 0, 1.0f);
    cases.add<test_noise_dev>(1, 3, 1.0f);
    cases.add<test_noise_dev>(2, 3, 0.5f);
    cases.add<test_noise_dev>(17, 1, 1.0f);
    cases.add<test_noise_dev>(1031, 2, 0.1f);
    cases.add<test_noise_dev>(4099, 0, 1.0f);
    cases.add<test_noise_dev>(33, (uint64_t(1) << 34) + 1, 2.0f);
    cases.add<test_noise_dev_perf>(size_t(96) * 400000);
}
