// noise.cu: counter-based normal noise on the device, out[i] = std · N(seed, stream_id,
// offset + i): Philox-4x32-10 and Box-Muller exactly as nn_philox_normal (nn/philox.h, the CPU
// reference, which documents the element -> counter mapping). The uniform bits are the CPU's
// bit for bit (32-bit integer arithmetic); the normals use double log/sqrt/sin/cos, within 2 ulp
// of libm's, then rounded to float, so they agree with the CPU to float rounding.
// noise_normal_at_dev reads the offset from device memory inside the kernel, so a captured CUDA
// graph replays with a per-epoch offset (the trainer advances the counter in device memory).

#include <cmath>

#include "cuda/common.cuh"
#include "cuda/device-ops.h"
#include "cuda/noise.cuh"

// ----------------------------------------------------------------------------
// CUDA kernels

// c is the 128-bit counter (4 words), (k0, k1) the key; c becomes philox4x32_10(c, k).
KX_DEVICE void philox4x32_10_dev(uint32_t c[4], uint32_t k0, uint32_t k1) {
    for (int pass = 0; pass < 10; pass++) {
        if (pass > 0) { // the key schedule: bumped before rounds 2..10
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        const uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * c[0];
        const uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * c[2];
        const uint32_t w0 = static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k0;
        const uint32_t w2 = static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k1;
        c[0]              = w0;
        c[1]              = static_cast<uint32_t>(p1);
        c[2]              = w2;
        c[3]              = static_cast<uint32_t>(p0);
    }
}

// The random words of element block `block` of stream (seed, stream_id) into r (4 words).
KX_DEVICE void philox_block_dev(uint64_t seed, uint64_t stream_id, uint64_t block, uint32_t r[4]) {
    r[0] = static_cast<uint32_t>(block);
    r[1] = static_cast<uint32_t>(block >> 32);
    r[2] = static_cast<uint32_t>(stream_id);
    r[3] = static_cast<uint32_t>(stream_id >> 32);
    philox4x32_10_dev(r, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// out is (n). Thread t handles element block offset / 4 + t, i.e. elements [4b, 4b + 4) ∩
// [offset, offset + n), each written once. The offset comes from offset_dev when non-null (then
// the grid covers n + 3 elements past any block boundary), else from offset.
KX_GLOBAL void noise_normal_kernel(float * out, size_t n, uint64_t seed, uint64_t stream_id,
                                   uint64_t offset, const uint64_t * offset_dev, double stddev) {
    const uint64_t off   = offset_dev != nullptr ? *offset_dev : offset;
    const uint64_t t     = static_cast<uint64_t>(kx::block_idx().x) * kx::block_dim().x +
                       kx::thread_idx().x;
    const uint64_t block = off / 4 + t;
    const uint64_t first = block * 4; // element index of lane 0
    if (first >= off + n) {
        return;
    }
    uint32_t r[4];
    philox_block_dev(seed, stream_id, block, r);
    const double two_pi = 6.283185307179586476925286766559;
    const double scale  = 2.3283064365386962890625e-10; // 2^-32
    for (int p = 0; p < 2; p++) {
        const uint64_t e0 = first + 2 * static_cast<uint64_t>(p); // the pair's even element
        if (e0 + 1 < off || e0 >= off + n) {
            continue; // neither element of this pair is in the output
        }
        const double u1    = (static_cast<double>(r[2 * p]) + 1.0) * scale; // (0, 1]
        const double u2    = static_cast<double>(r[2 * p + 1]) * scale;     // [0, 1)
        const double rad   = sqrt(-2.0 * log(u1));
        const double theta = two_pi * u2;
        if (e0 >= off) {
            out[e0 - off] = static_cast<float>(stddev * (rad * cos(theta)));
        }
        if (e0 + 1 >= off && e0 + 1 < off + n) {
            out[e0 + 1 - off] = static_cast<float>(stddev * (rad * sin(theta)));
        }
    }
}

// out is (n_blocks, 4): the raw Philox words of element blocks first_block .. + n_blocks.
KX_GLOBAL void philox_bits_kernel(uint32_t * out, size_t n_blocks, uint64_t seed,
                                  uint64_t stream_id, uint64_t first_block) {
    const size_t t = static_cast<size_t>(kx::block_idx().x) * kx::block_dim().x +
                     kx::thread_idx().x;
    if (t >= n_blocks) {
        return;
    }
    uint32_t r[4];
    philox_block_dev(seed, stream_id, first_block + t, r);
    for (int w = 0; w < 4; w++) {
        out[4 * t + w] = r[w];
    }
}

// ----------------------------------------------------------------------------
// kernel launchers

static nn_status noise_grid(const char * op, size_t threads, unsigned * blocks) {
    const size_t count = (threads + NOISE_BLOCK_SIZE - 1) / NOISE_BLOCK_SIZE;
    if (count == 0 || count > 0x7fffffffu) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu threads do not fit one launch", op,
                       threads);
    }
    *blocks = static_cast<unsigned>(count);
    return NN_STATUS_OK;
}

static nn_status noise_normal_launch(const char * op, float * out, size_t n, uint64_t seed,
                                     uint64_t stream_id, uint64_t offset,
                                     const uint64_t * offset_dev, float stddev,
                                     nn_cuda_stream_t stream) {
    // a known offset: exactly the blocks that meet [offset, offset + n); an offset in device
    // memory: (n + 3) / 4 + 1 blocks cover [offset, offset + n) for any offset % 4
    const size_t threads = offset_dev != nullptr
                               ? (n + 3) / 4 + 1
                               : static_cast<size_t>((offset + n - 1) / 4 - offset / 4 + 1);
    unsigned blocks = 0;
    NN_TRY(noise_grid(op, threads, &blocks));
    KX_LAUNCH(noise_normal_kernel, kx::dim3(blocks), kx::dim3(NOISE_BLOCK_SIZE), stream, out, n,
              seed, stream_id, offset, offset_dev, static_cast<double>(stddev));
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status philox_bits_launch(uint32_t * out, size_t n_blocks, uint64_t seed,
                                    uint64_t stream_id, uint64_t first_block,
                                    nn_cuda_stream_t stream) {
    unsigned blocks = 0;
    NN_TRY(noise_grid("philox_bits_dev", n_blocks, &blocks));
    KX_LAUNCH(philox_bits_kernel, kx::dim3(blocks), kx::dim3(NOISE_BLOCK_SIZE), stream, out,
              n_blocks, seed, stream_id, first_block);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

static nn_status noise_check(const char * op, const float * out, size_t n, float stddev) {
    if (out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: out is null", op);
    }
    if (!std::isfinite(stddev)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: std is %g, expected finite", op,
                       static_cast<double>(stddev));
    }
    if (n > (static_cast<size_t>(1) << 40)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: n = %zu is too large", op, n);
    }
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(noise_normal_dev)(float * out, size_t n, uint64_t seed, uint64_t stream_id,
                                     uint64_t offset, float std, nn_cuda_stream_t stream) {
    const char * op = "noise_normal_dev";
    if (n == 0) {
        nn_clear_error();
        return NN_STATUS_OK;
    }
    NN_TRY(noise_check(op, out, n, std));
    if (offset > UINT64_MAX - n) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: offset %llu + n %zu overflows", op,
                       static_cast<unsigned long long>(offset), n);
    }
    NN_TRY(noise_normal_launch(op, out, n, seed, stream_id, offset, nullptr, std, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(noise_normal_at_dev)(float * out, size_t n, uint64_t seed, uint64_t stream_id,
                                        const uint64_t * offset_dev, float std,
                                        nn_cuda_stream_t stream) {
    const char * op = "noise_normal_at_dev";
    if (n == 0) {
        nn_clear_error();
        return NN_STATUS_OK;
    }
    NN_TRY(noise_check(op, out, n, std));
    if (offset_dev == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: offset_dev is null", op);
    }
    NN_TRY(noise_normal_launch(op, out, n, seed, stream_id, 0, offset_dev, std, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(philox_bits_dev)(uint32_t * out, size_t n_blocks, uint64_t seed,
                                    uint64_t stream_id, uint64_t first_block,
                                    nn_cuda_stream_t stream) {
    if (n_blocks == 0) {
        nn_clear_error();
        return NN_STATUS_OK;
    }
    if (out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "philox_bits_dev: out is null");
    }
    NN_TRY(philox_bits_launch(out, n_blocks, seed, stream_id, first_block, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}
