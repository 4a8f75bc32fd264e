// rng.h: the one random-number generator of the Catch-A-Waveform trainer (docs/caw-spec.md §1,
// §3: weight/BN init, the per-epoch noise z, z_rec, the gradient-penalty alpha per epoch).
// defines: nn_rng, NN_RNG_STATE_BYTES, NN_RNG_MAX_STREAM, nn_rng_purpose, nn_splitmix64_next,
//          nn_rng_init, nn_rng_init_stream, nn_rng_next_u64, nn_rng_uniform_double,
//          nn_rng_uniform_float, nn_rng_normal, nn_rng_jump, nn_rng_long_jump,
//          nn_rng_fill_normal, nn_rng_fill_uniform, nn_rng_serialize, nn_rng_deserialize
//
// xoshiro256** 1.0 (Blackman & Vigna, public domain algorithm), seeded with splitmix64. The whole
// state is nn_rng (4 words + one cached normal); it serialises to 48 bytes, so a resumed run
// continues the exact sequence. Deterministic on a given platform; normals go through libm's
// log/sin/cos, so two different C libraries may differ in the last bit of a normal.
#pragma once

#include <cstdint>

#include "nn/nn.h"

// ----------------------------------------------------------------------------
// state

/**
 * The generator state. s must never be all zero (xoshiro's one fixed point); every init and
 * nn_rng_deserialize guarantee it. has_normal is 1 when `normal` holds the second value of the
 * last Box-Muller pair (returned by the next nn_rng_normal), else 0 and `normal` is 0.
 * A plain struct: copy it to fork a generator, compare it field by field.
 */
struct nn_rng {
    uint64_t s[4];
    uint64_t has_normal; // 0 or 1
    double   normal;     // the cached second Box-Muller value when has_normal == 1
};

/** nn_rng_serialize's size: s[0..3], has_normal, normal (IEEE bits), each u64 little-endian. */
constexpr size_t NN_RNG_STATE_BYTES = 48;

/** The largest `major` and `minor` that nn_rng_init_stream accepts. */
constexpr uint32_t NN_RNG_MAX_STREAM = 4096;

/**
 * Suggested `minor` stream ids, one per purpose, so changing how many numbers one purpose draws
 * never shifts another purpose's numbers. `major` is the scale index.
 */
enum nn_rng_purpose {
    NN_RNG_PURPOSE_INIT  = 0, // G and D parameters (v, bias, BN gamma) of a scale
    NN_RNG_PURPOSE_NOISE = 1, // the per-epoch z and the prev redraw through frozen generators
    NN_RNG_PURPOSE_ALPHA = 2, // the gradient penalty's alpha, one per epoch
    NN_RNG_PURPOSE_REC   = 3, // z_rec, drawn once: scale 0, and inpainting's hole noise at s >= 1
    NN_RNG_PURPOSE_CROP  = 4, // the per-epoch crop position of a cropped scale
};

// ----------------------------------------------------------------------------
// seeding and streams

/**
 * One splitmix64 step: *state += 0x9E3779B97F4A7C15, then returns the mixed value
 *   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
 *   z ^ (z >> 31).
 * From state 0 the first output is 0xE220A8397B1DCDAF.
 */
uint64_t nn_splitmix64_next(uint64_t * state);

/**
 * Seeds rng: s[i] = the i-th output of splitmix64 started at `seed` (any value, 0 included; four
 * consecutive splitmix64 outputs are distinct, so the state is never all zero). No cached normal.
 */
nn_status nn_rng_init(nn_rng * rng, uint64_t seed);

/**
 * The independent stream (major, minor) of a seed:
 *   nn_rng_init(seed), then nn_rng_long_jump `major` times, then nn_rng_jump `minor` times.
 * A long jump advances 2^192 steps and a jump 2^128, so stream (a, b) starts at step
 * a * 2^192 + b * 2^128 of the seed's sequence: streams with minor < 2^64 never overlap unless
 * one draws 2^128 numbers. Convention: major = scale index, minor = nn_rng_purpose. Both must be
 * <= NN_RNG_MAX_STREAM (each jump is 256 steps, ~0.5 us: stream (4096, 4096) takes ~4 ms).
 */
nn_status nn_rng_init_stream(nn_rng * rng, uint64_t seed, uint32_t major, uint32_t minor);

/** Advances the state by 2^128 steps (xoshiro256's jump polynomial). Drops a cached normal. */
void nn_rng_jump(nn_rng * rng);

/** Advances the state by 2^192 steps (xoshiro256's long-jump polynomial). Drops a cached normal. */
void nn_rng_long_jump(nn_rng * rng);

// ----------------------------------------------------------------------------
// draws (hot paths: rng is not checked for null)

/**
 * xoshiro256**: result = rotl(s[1] * 5, 7) * 9; t = s[1] << 17; s[2] ^= s[0]; s[3] ^= s[1];
 * s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45). Does not touch the cached normal.
 */
uint64_t nn_rng_next_u64(nn_rng * rng);

/** (next >> 11) * 2^-53: uniform on the 2^53 doubles k / 2^53 of [0, 1). One u64 draw. */
double nn_rng_uniform_double(nn_rng * rng);

/** (next >> 40) * 2^-24: uniform on the 2^24 floats k / 2^24 of [0, 1). One u64 draw. */
float nn_rng_uniform_float(nn_rng * rng);

/**
 * A standard normal, Box-Muller in double. With a cached value: returns it and clears the cache
 * (no draw). Otherwise: u1 = 1 - uniform_double (in (0, 1], so the log is finite),
 * u2 = uniform_double, r = sqrt(-2 ln u1); returns r cos(2 pi u2) and caches r sin(2 pi u2).
 */
double nn_rng_normal(nn_rng * rng);

/**
 * x[i] = (float)(scale * nn_rng_normal(rng)) for i = 0 .. n-1, in order (so two calls of n and m
 * equal one call of n + m). x is (n). scale finite. n == 0 is a no-op; x may be null only then.
 */
nn_status nn_rng_fill_normal(nn_rng * rng, float * x, size_t n, double scale);

/**
 * x[i] = (float)(lo + (hi - lo) * nn_rng_uniform_double(rng)), lowered to the float below hi
 * when rounding reaches hi, so every value lies in [lo, hi) (the float grid). x is (n).
 * lo < hi, both finite, and the float range must be non-empty ((float)lo < (float)hi).
 */
nn_status nn_rng_fill_uniform(nn_rng * rng, float * x, size_t n, double lo, double hi);

// ----------------------------------------------------------------------------
// serialisation

/** Writes the 48-byte little-endian image of rng (layout at NN_RNG_STATE_BYTES) to out. */
nn_status nn_rng_serialize(const nn_rng * rng, uint8_t out[NN_RNG_STATE_BYTES]);

/**
 * Reads a 48-byte image. Refuses (NN_STATUS_INVALID_ARGUMENT, rng untouched) an all-zero s,
 * has_normal not 0 or 1, a non-finite cached normal, or a non-zero `normal` without has_normal.
 */
nn_status nn_rng_deserialize(nn_rng * rng, const uint8_t in[NN_RNG_STATE_BYTES]);
