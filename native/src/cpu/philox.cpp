// philox.cpp: Philox-4x32-10 and its Box-Muller normals (nn/philox.h), the CPU reference of
// cuda/noise.cu. Plain integer arithmetic; each Philox block yields four normals (two
// Box-Muller pairs), computed once per block here as the device does per thread.

#include "nn/philox.h"

#include <cmath>

#include "common.h"

namespace {

constexpr uint32_t PHILOX_M0 = 0xD2511F53u;
constexpr uint32_t PHILOX_M1 = 0xCD9E8D57u;
constexpr uint32_t PHILOX_W0 = 0x9E3779B9u; // golden ratio
constexpr uint32_t PHILOX_W1 = 0xBB67AE85u; // sqrt(3) - 1

// One round: two 32x32 -> 64 multiplies, the high halves xored with the other words and the key.
nn_philox_ctr philox_round(nn_philox_ctr c, nn_philox_key k) {
    const uint64_t p0 = static_cast<uint64_t>(PHILOX_M0) * c.w[0];
    const uint64_t p1 = static_cast<uint64_t>(PHILOX_M1) * c.w[2];
    nn_philox_ctr  r;
    r.w[0] = static_cast<uint32_t>(p1 >> 32) ^ c.w[1] ^ k.w[0];
    r.w[1] = static_cast<uint32_t>(p1);
    r.w[2] = static_cast<uint32_t>(p0 >> 32) ^ c.w[3] ^ k.w[1];
    r.w[3] = static_cast<uint32_t>(p0);
    return r;
}

// The four normals of one block (see nn/philox.h).
void philox_block_normals(uint64_t seed, uint64_t stream_id, uint64_t block, double z[4]) {
    const nn_philox_key key = {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};
    const nn_philox_ctr r   = nn_philox4x32_10(nn_philox_element_counter(block, stream_id), key);
    const double        two_pi = 6.283185307179586476925286766559;
    const double        scale  = 2.3283064365386962890625e-10; // 2^-32
    for (int p = 0; p < 2; p++) {
        const double u1    = (static_cast<double>(r.w[2 * p]) + 1.0) * scale;
        const double u2    = static_cast<double>(r.w[2 * p + 1]) * scale;
        const double rad   = std::sqrt(-2.0 * std::log(u1));
        const double theta = two_pi * u2;
        z[2 * p]           = rad * std::cos(theta);
        z[2 * p + 1]       = rad * std::sin(theta);
    }
}

} // namespace

nn_philox_ctr nn_philox4x32_10(nn_philox_ctr counter, nn_philox_key key) {
    counter = philox_round(counter, key);
    for (int round = 1; round < 10; round++) {
        key.w[0] += PHILOX_W0;
        key.w[1] += PHILOX_W1;
        counter = philox_round(counter, key);
    }
    return counter;
}

nn_philox_ctr nn_philox_element_counter(uint64_t block, uint64_t stream_id) {
    return {{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32),
             static_cast<uint32_t>(stream_id), static_cast<uint32_t>(stream_id >> 32)}};
}

double nn_philox_normal_value(uint64_t seed, uint64_t stream_id, uint64_t e) {
    double z[4];
    philox_block_normals(seed, stream_id, e / 4, z);
    return z[e % 4];
}

nn_status nn_philox_normal(float * out, size_t n, uint64_t seed, uint64_t stream_id,
                           uint64_t offset, float stddev) {
    if (n == 0) {
        nn_clear_error();
        return NN_STATUS_OK;
    }
    if (out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_philox_normal: out is null");
    }
    if (!std::isfinite(stddev)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_philox_normal: std is %g, expected finite",
                       static_cast<double>(stddev));
    }
    const double s = static_cast<double>(stddev);
    size_t       i = 0;
    while (i < n) {
        const uint64_t e     = offset + i;
        const uint64_t block = e / 4;
        double         z[4];
        philox_block_normals(seed, stream_id, block, z);
        for (uint64_t lane = e % 4; lane < 4 && i < n; lane++, i++) {
            out[i] = static_cast<float>(s * z[lane]);
        }
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
