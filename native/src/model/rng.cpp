// rng.cpp: xoshiro256** seeded by splitmix64, jumps, uniform/normal draws and the 48-byte
// serialisation (see nn/rng.h). Written from the published algorithm descriptions; the jump
// polynomials are the published ones, and test-rng.cpp re-derives them as T^(2^128) and
// T^(2^192) of the GF(2) state-transition matrix. Everything is sequential: one generator is one
// ordered sequence, which is what makes a run reproducible and a resumed run identical.

#include "nn/rng.h"

#include <cmath>
#include <cstring>

#include "common.h"

namespace {

constexpr double TWO_PI = 6.283185307179586476925286766559;

constexpr uint64_t JUMP[4] = {0x180ec6d33cfd0abaull, 0xd5a61266f0c9392cull, 0xa9582618e03fc9aaull,
                              0x39abdc4529b1661cull};
constexpr uint64_t LONG_JUMP[4] = {0x76e15d3efefdcbbfull, 0xc5004e441c522fb3ull,
                                   0x77710069854ee241ull, 0x39109bb02acbe635ull};

inline uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

// The state update without the output scrambler (linear over GF(2)).
inline void advance(uint64_t * s) {
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
}

// s <- P(T) s for the polynomial P given by its 256 coefficient bits (Vigna's jump scheme).
void apply_jump(nn_rng * rng, const uint64_t * poly) {
    uint64_t acc[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        for (int b = 0; b < 64; b++) {
            if ((poly[i] >> b) & 1u) {
                acc[0] ^= rng->s[0];
                acc[1] ^= rng->s[1];
                acc[2] ^= rng->s[2];
                acc[3] ^= rng->s[3];
            }
            advance(rng->s);
        }
    }
    std::memcpy(rng->s, acc, sizeof(acc));
    rng->has_normal = 0;
    rng->normal     = 0.0;
}

void put_u64(uint8_t * out, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        out[i] = static_cast<uint8_t>(v >> (8 * i));
    }
}

uint64_t get_u64(const uint8_t * in) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= static_cast<uint64_t>(in[i]) << (8 * i);
    }
    return v;
}

} // namespace

// ----------------------------------------------------------------------------
// seeding and streams

uint64_t nn_splitmix64_next(uint64_t * state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z          = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z          = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

nn_status nn_rng_init(nn_rng * rng, uint64_t seed) {
    if (rng == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_rng_init: rng is null");
    }
    uint64_t sm = seed;
    for (uint64_t & word : rng->s) {
        word = nn_splitmix64_next(&sm);
    }
    rng->has_normal = 0;
    rng->normal     = 0.0;
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status nn_rng_init_stream(nn_rng * rng, uint64_t seed, uint32_t major, uint32_t minor) {
    if (rng == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_rng_init_stream: rng is null");
    }
    if (major > NN_RNG_MAX_STREAM || minor > NN_RNG_MAX_STREAM) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "nn_rng_init_stream: stream (%u, %u) is past the limit %u", major, minor,
                       NN_RNG_MAX_STREAM);
    }
    nn_rng_init(rng, seed);
    for (uint32_t i = 0; i < major; i++) {
        nn_rng_long_jump(rng);
    }
    for (uint32_t i = 0; i < minor; i++) {
        nn_rng_jump(rng);
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

void nn_rng_jump(nn_rng * rng) {
    apply_jump(rng, JUMP);
}

void nn_rng_long_jump(nn_rng * rng) {
    apply_jump(rng, LONG_JUMP);
}

// ----------------------------------------------------------------------------
// draws

uint64_t nn_rng_next_u64(nn_rng * rng) {
    const uint64_t result = rotl(rng->s[1] * 5, 7) * 9;
    advance(rng->s);
    return result;
}

double nn_rng_uniform_double(nn_rng * rng) {
    return static_cast<double>(nn_rng_next_u64(rng) >> 11) * 0x1.0p-53;
}

float nn_rng_uniform_float(nn_rng * rng) {
    return static_cast<float>(nn_rng_next_u64(rng) >> 40) * 0x1.0p-24f;
}

double nn_rng_normal(nn_rng * rng) {
    if (rng->has_normal) {
        const double z  = rng->normal;
        rng->has_normal = 0;
        rng->normal     = 0.0;
        return z;
    }
    const double u1 = 1.0 - nn_rng_uniform_double(rng); // (0, 1]
    const double u2 = nn_rng_uniform_double(rng);       // [0, 1)
    const double r  = std::sqrt(-2.0 * std::log(u1));
    const double th = TWO_PI * u2;
    rng->normal     = r * std::sin(th);
    rng->has_normal = 1;
    return r * std::cos(th);
}

nn_status nn_rng_fill_normal(nn_rng * rng, float * x, size_t n, double scale) {
    const char * op = "nn_rng_fill_normal";
    if (rng == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: rng is null", op);
    }
    if (x == nullptr && n > 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x is null but n is %zu", op, n);
    }
    if (!std::isfinite(scale)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: scale is %g, expected finite", op, scale);
    }
    for (size_t i = 0; i < n; i++) {
        x[i] = static_cast<float>(scale * nn_rng_normal(rng));
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status nn_rng_fill_uniform(nn_rng * rng, float * x, size_t n, double lo, double hi) {
    const char * op = "nn_rng_fill_uniform";
    if (rng == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: rng is null", op);
    }
    if (x == nullptr && n > 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x is null but n is %zu", op, n);
    }
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi) ||
        !(static_cast<float>(lo) < static_cast<float>(hi))) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: range [%g, %g) is not a finite, non-empty float range", op, lo, hi);
    }
    const float hi_f  = static_cast<float>(hi);
    const float below = std::nextafter(hi_f, -INFINITY); // the largest float < (float)hi
    for (size_t i = 0; i < n; i++) {
        float v = static_cast<float>(lo + (hi - lo) * nn_rng_uniform_double(rng));
        if (v >= hi_f) {
            v = below;
        }
        x[i] = v;
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// serialisation

nn_status nn_rng_serialize(const nn_rng * rng, uint8_t out[NN_RNG_STATE_BYTES]) {
    if (rng == nullptr || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_rng_serialize: rng or out is null");
    }
    uint64_t normal_bits = 0;
    std::memcpy(&normal_bits, &rng->normal, sizeof(normal_bits));
    for (int i = 0; i < 4; i++) {
        put_u64(out + 8 * i, rng->s[i]);
    }
    put_u64(out + 32, rng->has_normal);
    put_u64(out + 40, normal_bits);
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status nn_rng_deserialize(nn_rng * rng, const uint8_t in[NN_RNG_STATE_BYTES]) {
    const char * op = "nn_rng_deserialize";
    if (rng == nullptr || in == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: rng or in is null", op);
    }
    nn_rng tmp = {};
    for (int i = 0; i < 4; i++) {
        tmp.s[i] = get_u64(in + 8 * i);
    }
    tmp.has_normal             = get_u64(in + 32);
    const uint64_t normal_bits = get_u64(in + 40);
    std::memcpy(&tmp.normal, &normal_bits, sizeof(normal_bits));
    if ((tmp.s[0] | tmp.s[1] | tmp.s[2] | tmp.s[3]) == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: the state words are all zero", op);
    }
    if (tmp.has_normal > 1) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: cached-normal flag is %llu, expected 0 or 1", op,
                       static_cast<unsigned long long>(tmp.has_normal));
    }
    if (!std::isfinite(tmp.normal) || (tmp.has_normal == 0 && normal_bits != 0)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: cached normal is not finite or is set without its flag", op);
    }
    *rng = tmp;
    nn_clear_error();
    return NN_STATUS_OK;
}
