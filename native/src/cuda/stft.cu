// stft.cu: the STFT magnitude on the device, stft_magnitude_*_cpu's definition (nn/stft.h:
// torch.stft centred, reflect padding, periodic Hann zero-padded centrally to n_fft, one-sided,
// un-normalised, then |.|), on one configuration of a device MSS plan (its tables and scratch).
//   forward:  x (T) -> S (F, N), S[k N + f] = |Z_f[k]|
//   backward: dS (F, N) -> dx (T) = sum over frames of the window times the transposed one-sided
//             DFT of dS Z / |Z| (0 where |Z| = 0), overlap-added, reflected samples folded back
// One block per frame for the transforms (stft.cuh's shared-memory FFT); the overlap-add is a
// gather, one thread per sample summing its frames in increasing order: no atomics, reruns are
// bitwise identical.

#include <cmath>

#include "cuda/common.cuh"
#include "cuda/device-ops.h"
#include "cuda/stft.cuh"

// ----------------------------------------------------------------------------
// CUDA kernels

// x is (T), S is (F, N); block f computes frame f.
KX_GLOBAL void stft_magnitude_kernel(stft_dev_config c, const float * x, float * S) {
    KX_SHARED(float, buf, STFT_BUF);
    const unsigned tid = kx::thread_idx().x, nt = kx::block_dim().x;
    const size_t   f   = kx::block_idx().x;
    stft_frame_spectrum_dev(buf, c, x, f);
    for (unsigned k = tid; k < c.bins; k += nt) {
        const float re = buf[2 * k], im = buf[2 * k + 1];
        S[k * c.frames + f] = sqrtf(re * re + im * im);
    }
}

// x is (T), dS is (F, N), frames is (N, n_fft + 2): block f leaves frame f's windowed gradient in
// frames[f][off, off + win).
KX_GLOBAL void stft_backward_frames_kernel(stft_dev_config c, const float * x, const float * dS,
                                           float * frames) {
    KX_SHARED(float, buf, STFT_BUF);
    const unsigned tid = kx::thread_idx().x, nt = kx::block_dim().x;
    const size_t   f   = kx::block_idx().x;
    stft_frame_spectrum_dev(buf, c, x, f);
    for (unsigned k = tid; k < c.bins; k += nt) { // stft_magnitude_cotangent, scale 1
        const float re = buf[2 * k], im = buf[2 * k + 1];
        const float mag = sqrtf(re * re + im * im);
        const float g   = mag > 0.0f ? 1.0f * dS[k * c.frames + f] / mag : 0.0f;
        buf[2 * k]      = g * re;
        buf[2 * k + 1]  = g * im;
    }
    kx::sync_threads();
    stft_frame_adjoint_dev(buf, c);
    float * row = frames + f * (c.n_fft + 2);
    for (unsigned i = tid; i < c.win; i += nt) {
        row[c.off + i] = buf[c.off + i] * c.window[i];
    }
}

// frames is (N, n_fft + 2), dx is (T): one thread per sample.
KX_GLOBAL void stft_overlap_add_kernel(stft_dev_config c, const float * frames, float * dx) {
    const size_t s = static_cast<size_t>(kx::block_idx().x) * kx::block_dim().x +
                     kx::thread_idx().x;
    if (s < c.T) {
        stft_overlap_add_fold_dev(c, frames, dx, s, false);
    }
}

// ----------------------------------------------------------------------------
// kernel launchers

static nn_status stft_frames_grid(const char * op, const stft_dev_config & c, unsigned * blocks) {
    if (c.frames > 0x7fffffffu) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu frames exceed one launch", op,
                       c.frames);
    }
    *blocks = static_cast<unsigned>(c.frames);
    return NN_STATUS_OK;
}

static nn_status stft_magnitude_launch(const char * op, const stft_dev_config & c,
                                       const float * x, float * S, nn_cuda_stream_t stream) {
    unsigned blocks = 0;
    NN_TRY(stft_frames_grid(op, c, &blocks));
    KX_LAUNCH(stft_magnitude_kernel, kx::dim3(blocks), kx::dim3(stft_frame_threads(c.n_fft)),
              stream, c, x, S);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status stft_backward_launch(const char * op, const stft_dev_config & c,
                                      const float * x, const float * dS, float * frames,
                                      float * dx, nn_cuda_stream_t stream) {
    unsigned blocks = 0;
    NN_TRY(stft_frames_grid(op, c, &blocks));
    KX_LAUNCH(stft_backward_frames_kernel, kx::dim3(blocks),
              kx::dim3(stft_frame_threads(c.n_fft)), stream, c, x, dS, frames);
    NN_CUDA_CHECK(cudaGetLastError());
    const unsigned sample_blocks =
        static_cast<unsigned>((c.T + STFT_SAMPLE_BLOCK - 1) / STFT_SAMPLE_BLOCK);
    KX_LAUNCH(stft_overlap_add_kernel, kx::dim3(sample_blocks), kx::dim3(STFT_SAMPLE_BLOCK),
              stream, c, static_cast<const float *>(frames), dx);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

static nn_status stft_check(const char * op, const nn_dev_mss_plan * plan, size_t config,
                            const float * x) {
    if (plan == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: plan is null", op);
    }
    if (config >= plan->n_configs) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: config %zu is not in [0, %zu)", op, config,
                       plan->n_configs);
    }
    if (x == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x is null", op);
    }
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(stft_magnitude_forward_dev)(nn_dev_mss_plan * plan, size_t config,
                                               const float * x, float * S,
                                               nn_cuda_stream_t stream) {
    const char * op = "stft_magnitude_forward_dev";
    NN_TRY(stft_check(op, plan, config, x));
    if (S == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: S is null", op);
    }
    const stft_dev_config & c = plan->configs[config];
    if (S < x + c.T && x < S + c.bins * c.frames) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x and S overlap", op);
    }
    NN_TRY(stft_magnitude_launch(op, c, x, S, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(stft_magnitude_backward_dev)(nn_dev_mss_plan * plan, size_t config,
                                                const float * x, const float * dS, float * dx,
                                                nn_cuda_stream_t stream) {
    const char * op = "stft_magnitude_backward_dev";
    NN_TRY(stft_check(op, plan, config, x));
    if (dS == nullptr || dx == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op,
                       dS == nullptr ? "dS" : "dx");
    }
    const stft_dev_config & c = plan->configs[config];
    if ((dx < x + c.T && x < dx + c.T) || (dx < dS + c.bins * c.frames && dS < dx + c.T)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dx overlaps %s", op,
                       dx < x + c.T && x < dx + c.T ? "x" : "dS");
    }
    NN_TRY(stft_backward_launch(op, c, x, dS, plan->spec, dx, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}
