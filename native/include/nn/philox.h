// philox.h: counter-based normal noise, the CPU reference of the device noise (cuda/noise.cu):
// Philox-4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC'11; the Random123 library's philox4x32 with 10 rounds), then Box-Muller. Every element is a
// pure function of (seed, stream_id, index), so a device thread computes any element on its own
// and a graph replay only moves the offset.
// defines: nn_philox_ctr, nn_philox_key, nn_philox4x32_10, nn_philox_element_counter,
//          nn_philox_normal_value, nn_philox_normal
//
// Element e of stream (seed, stream_id):
//   block b = e / 4, lane = e % 4
//   counter = {lo32(b), hi32(b), lo32(stream_id), hi32(stream_id)}, key = {lo32(seed), hi32(seed)}
//   r = philox4x32_10(counter, key); the lane's pair (ra, rb) = (r[2 (lane/2)], r[2 (lane/2) + 1])
//   u1 = (ra + 1) 2^-32 in (0, 1] (never 0: the log stays finite), u2 = rb 2^-32 in [0, 1)
//   rad = sqrt(-2 ln u1), theta = 2 pi u2 (all in double)
//   normal = rad cos(theta) for an even lane, rad sin(theta) for an odd one
// and a draw of std is (float)(std * normal). The device uses the same uint32 arithmetic, so its
// uniform bits are identical; its double log/sqrt/sin/cos are within 2 ulp of libm's, so normals
// agree to float rounding (almost always bitwise).
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/nn.h"

/** Philox's 128-bit counter as four 32-bit words (word 0 least significant). */
struct nn_philox_ctr {
    uint32_t w[4];
};

/** Philox-4x32's 64-bit key as two 32-bit words. */
struct nn_philox_key {
    uint32_t w[2];
};

/**
 * One Philox-4x32-10 block: 10 rounds of the bijection with multipliers 0xD2511F53 and
 * 0xCD9E8D57 and key increments 0x9E3779B9, 0xBB67AE85 (the key is bumped before rounds 2..10).
 * Random123's known-answer vectors hold (test/native/test-noise-dev.cpp).
 */
nn_philox_ctr nn_philox4x32_10(nn_philox_ctr counter, nn_philox_key key);

/** The counter and key of element block `block` of stream (seed, stream_id). */
nn_philox_ctr nn_philox_element_counter(uint64_t block, uint64_t stream_id);

/** The standard normal of element e of stream (seed, stream_id), in double. */
double nn_philox_normal_value(uint64_t seed, uint64_t stream_id, uint64_t e);

/**
 * out[i] = (float)(std * normal(seed, stream_id, offset + i)) for i in [0, n). out is (n) host
 * memory; null only when n == 0. std must be finite. Two calls (n at offset o, m at o + n) equal
 * one call of n + m at o.
 */
nn_status nn_philox_normal(float * out, size_t n, uint64_t seed, uint64_t stream_id,
                           uint64_t offset, float std);
