// stft.cuh: the STFT-magnitude building blocks shared by cuda/stft.cu and cuda/mss-loss.cu: the
// device MSS plan (nn_dev_mss_plan: per-configuration windows, twiddles and scratch), block
// sizes, and the block-cooperative per-frame FFT as device functions.
// defines: STFT_DEV_MAX_N_FFT, STFT_BUF, STFT_MAX_THREADS, STFT_REDUCE_THREADS, STFT_SAMPLE_BLOCK,
//          stft_dev_config, nn_dev_mss_plan, stft_frame_threads, stft_bit_reverse,
//          stft_reflect_dev, stft_fft_passes, stft_frame_spectrum_dev, stft_frame_adjoint_dev,
//          stft_overlap_add_fold_dev
//
// Why a radix-2 FFT per frame in shared memory (and not cuFFT, nor a DFT as a GEMM): the
// simulator must run every kernel, so no library FFT; the sizes are powers of two (nn/stft.h
// requires it; the defaults are 2048/1024/512), so radix-2 covers them; and a DFT-GEMM costs
// n_fft/(2 log2 n_fft) ≈ 90x the FLOPs at n_fft 2048 against a transform that is memory-light
// once a frame sits in shared memory. One block per frame: the frame (n_fft + 2 floats) lives in
// shared memory, log2(n_fft/2) butterfly passes separated by barriers.
//
// The arithmetic is cpu/fft-impl.h's step for step (the real transform as a complex one of size
// m = n_fft/2 on packed samples plus a split step; the same float twiddle tables, built on the
// host by stft_plan_build), so the device differs from the CPU only by nvcc's FMA contractions.
// Every butterfly, split pair and bit-reversal swap touches its own elements: no two threads
// meet between barriers (the simulator's race check holds us to it).
#pragma once

#include <cstddef>
#include <cstdint>

#include "cuda/kernel.cuh"
#include "nn/mss-loss.h"

/** The largest n_fft on the device: a frame's spectrum fits one block's shared memory. */
constexpr unsigned STFT_DEV_MAX_N_FFT = 2048;
/** Floats of a frame buffer: n_fft samples, or (n_fft/2 + 1, 2) spectrum values, in place. */
constexpr size_t STFT_BUF = STFT_DEV_MAX_N_FFT + 2;
/** The most threads of a per-frame block (a power of two). */
constexpr unsigned STFT_MAX_THREADS = 256;
/** Threads of the single-block sums over frames (a power of two). */
constexpr unsigned STFT_REDUCE_THREADS = 256;
/** Threads per block of the per-sample overlap-add. */
constexpr unsigned STFT_SAMPLE_BLOCK = 256;

/** One STFT configuration on the device (stft_plan_impl's sizes, device tables). */
struct stft_dev_config {
    unsigned      n_fft;   // a power of two <= STFT_DEV_MAX_N_FFT
    unsigned      hop;     // frame step
    unsigned      win;     // window length, <= n_fft
    unsigned      off;     // (n_fft - win) / 2: the window's first tap in the frame
    unsigned      pad;     // n_fft / 2 reflected samples each side
    unsigned      bins;    // F = n_fft / 2 + 1
    size_t        frames;  // N = 1 + T / hop
    size_t        T;       // signal length
    const float * window;  // (win) periodic Hann
    const float * twiddle; // (n_fft / 2, 2): exp(-2 pi i k / n_fft)
};

/**
 * The device MSS plan (device-ops.h): configurations and device buffers for signals of T samples.
 * spec (max_c N_c (n_fft_c + 2)): y's spectra, then the frames' windowed gradients; err
 * (max_c N_c F_c): |Z_y| - |Z_x|; frame_sq (max_c N_c): per-frame sums of err^2; norms
 * (NN_MSS_MAX_CONFIGS): ||E_c||; tables: every window and twiddle table.
 */
struct nn_dev_mss_plan {
    size_t          T         = 0;
    size_t          n_configs = 0;
    stft_dev_config configs[NN_MSS_MAX_CONFIGS];
    float *         tables   = nullptr;
    float *         spec     = nullptr;
    float *         err      = nullptr;
    double *        frame_sq = nullptr;
    double *        norms    = nullptr;
};

/** Threads of a per-frame block: one per butterfly up to STFT_MAX_THREADS, at least a warp. */
inline unsigned stft_frame_threads(unsigned n_fft) {
    unsigned t = n_fft / 4; // butterflies per pass: m / 2
    t          = t < 32 ? 32 : t;
    return t > STFT_MAX_THREADS ? STFT_MAX_THREADS : t;
}

/** i's low `bits` bits reversed. */
KX_HOST_DEVICE unsigned stft_bit_reverse(unsigned i, unsigned bits) {
    unsigned r = 0;
    for (unsigned b = 0; b < bits; b++) {
        r |= ((i >> b) & 1u) << (bits - 1 - b);
    }
    return r;
}

/** The sample of x (T) that padded index p in [0, T + 2 pad) reads (stft_reflect). */
KX_HOST_DEVICE size_t stft_reflect_dev(size_t p, size_t pad, size_t T) {
    if (p < pad) {
        return pad - p;
    }
    const size_t s = p - pad;
    return s < T ? s : 2 * (T - 1) - s;
}

/**
 * buf holds m complex values (interleaved) in bit-reversed order: runs fft_complex_inplace's
 * log2(m) passes (sign 1 forward, -1 inverse); each thread takes butterflies tid, tid + nt, …
 * Ends after a barrier.
 */
KX_DEVICE void stft_fft_passes(kx::shared_array<float, STFT_BUF> & buf, unsigned m, unsigned n,
                               const float * twiddle, float sign) {
    const unsigned tid = kx::thread_idx().x, nt = kx::block_dim().x;
    for (unsigned len = 2; len <= m; len <<= 1) {
        const unsigned half = len / 2, stride = n / len;
        for (unsigned b = tid; b < m / 2; b += nt) {
            const unsigned j = b % half;
            const unsigned a = (b / half) * len + j, c = a + half;
            const float    wr = twiddle[2 * j * stride];
            const float    wi = sign * twiddle[2 * j * stride + 1];
            const float    br = buf[2 * c], bi = buf[2 * c + 1];
            const float    ar = buf[2 * a], ai = buf[2 * a + 1];
            const float    tr = br * wr - bi * wi;
            const float    ti = br * wi + bi * wr;
            buf[2 * c]        = ar - tr;
            buf[2 * c + 1]    = ai - ti;
            buf[2 * a]        = ar + tr;
            buf[2 * a + 1]    = ai + ti;
        }
        kx::sync_threads();
    }
}

/**
 * x is (T). Frame f's one-sided spectrum (F, 2) into buf (stft_frame_spectrum): window times the
 * reflect-padded samples, zeros outside the window, loaded straight into bit-reversed order, then
 * the complex passes and rfft_forward_inplace's split step. Ends after a barrier. The caller must
 * have passed a barrier since its last read of buf.
 */
KX_DEVICE void stft_frame_spectrum_dev(kx::shared_array<float, STFT_BUF> & buf,
                                       const stft_dev_config & c, const float * x, size_t f) {
    const unsigned tid = kx::thread_idx().x, nt = kx::block_dim().x;
    const unsigned m = c.n_fft / 2;
    unsigned       bits = 0;
    while ((1u << bits) < m) {
        bits++;
    }
    const size_t start = f * c.hop; // padded index of the frame's sample 0
    for (unsigned j = tid; j < m; j += nt) {
        const unsigned r = stft_bit_reverse(j, bits);
        for (unsigned q = 0; q < 2; q++) {
            const unsigned p = 2 * j + q;
            float          v = 0.0f;
            if (p >= c.off && p < c.off + c.win) {
                v = c.window[p - c.off] * x[stft_reflect_dev(start + p, c.pad, c.T)];
            }
            buf[2 * r + q] = v;
        }
    }
    kx::sync_threads();
    stft_fft_passes(buf, m, c.n_fft, c.twiddle, 1.0f);
    // split step: thread k owns the pair (k, m - k); k = 0 also writes bin m
    for (unsigned k = tid; 2 * k <= m; k += nt) {
        if (k == 0) {
            const float z0r = buf[0], z0i = buf[1];
            buf[0]         = z0r + z0i;
            buf[1]         = 0.0f;
            buf[2 * m]     = z0r - z0i;
            buf[2 * m + 1] = 0.0f;
            continue;
        }
        const unsigned cc = m - k;
        const float    ar = buf[2 * k], ai = buf[2 * k + 1];
        const float    br = buf[2 * cc], bi = -buf[2 * cc + 1];
        const float    er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
        const float    odr = 0.5f * (ai - bi), odi = -0.5f * (ar - br);
        const float    wr = c.twiddle[2 * k], wi = c.twiddle[2 * k + 1];
        const float    tr = wr * odr - wi * odi, ti = wr * odi + wi * odr;
        buf[2 * k]     = er + tr;
        buf[2 * k + 1] = ei + ti;
        if (cc != k) {
            buf[2 * cc]     = er - tr;
            buf[2 * cc + 1] = -(ei - ti);
        }
    }
    kx::sync_threads();
}

/**
 * buf holds a frame's spectrum cotangent (F, 2); leaves dL/d(frame sample t) in buf[t], t <
 * n_fft (rfft_adjoint_inplace: the inverse split step with the middle bins halved, the
 * bit-reversal permutation, the inverse passes). Ends after a barrier; the caller must have
 * passed one since writing the cotangent.
 */
KX_DEVICE void stft_frame_adjoint_dev(kx::shared_array<float, STFT_BUF> & buf,
                                      const stft_dev_config & c) {
    const unsigned tid = kx::thread_idx().x, nt = kx::block_dim().x;
    const unsigned m = c.n_fft / 2;
    unsigned       bits = 0;
    while ((1u << bits) < m) {
        bits++;
    }
    const float s = 0.5f; // middle_scale of the adjoint
    for (unsigned k = tid; 2 * k <= m; k += nt) {
        if (k == 0) {
            const float x0 = buf[0], xm = buf[2 * m];
            buf[0] = x0 + xm;
            buf[1] = x0 - xm;
            continue;
        }
        const unsigned cc = m - k;
        const float    ar = s * buf[2 * k], ai = s * buf[2 * k + 1];
        const float    br = s * buf[2 * cc], bi = -s * buf[2 * cc + 1];
        const float    wr = c.twiddle[2 * k], wi = -c.twiddle[2 * k + 1];
        const float    sr = ar + br, si = ai + bi;
        const float    dr = ar - br, di = ai - bi;
        const float    pr = dr * wr - di * wi, pi = dr * wi + di * wr;
        buf[2 * k]     = sr - pi;
        buf[2 * k + 1] = si + pr;
        if (cc != k) {
            buf[2 * cc]     = sr + pi;
            buf[2 * cc + 1] = -si + pr;
        }
    }
    kx::sync_threads();
    // bit-reversal permutation: the smaller index of each pair swaps
    for (unsigned i = tid; i < m; i += nt) {
        const unsigned j = stft_bit_reverse(i, bits);
        if (i < j) {
            const float re = buf[2 * i], im = buf[2 * i + 1];
            buf[2 * i]     = buf[2 * j];
            buf[2 * i + 1] = buf[2 * j + 1];
            buf[2 * j]     = re;
            buf[2 * j + 1] = im;
        }
    }
    kx::sync_threads();
    stft_fft_passes(buf, m, c.n_fft, c.twiddle, -1.0f);
}

/** Padded sample p's gradient: the frames covering it, in increasing frame order. frames is
 * (N, n_fft + 2), each row's [off, off + win) a frame's windowed gradient. */
KX_DEVICE float stft_dpad_dev(const stft_dev_config & c, const float * frames, size_t p) {
    float sum = 0.0f;
    if (p < c.off) {
        return sum;
    }
    const size_t stride = c.n_fft + 2;
    const size_t q      = p - c.off; // = f * hop + i with i in [0, win)
    const size_t first  = q + 1 > c.win ? (q + 1 - c.win + c.hop - 1) / c.hop : 0;
    size_t       last   = q / c.hop;
    if (last >= c.frames) {
        last = c.frames - 1;
    }
    for (size_t f = first; f <= last && first < c.frames; f++) {
        sum += frames[f * stride + c.off + (q - f * c.hop)];
    }
    return sum;
}

/**
 * dx[s] (=, or += when accumulate) for sample s of T: stft_overlap_add_fold's overlap-add of the
 * frames and the fold of the reflected samples onto their sources, in the CPU's order.
 */
KX_DEVICE void stft_overlap_add_fold_dev(const stft_dev_config & c, const float * frames,
                                         float * dx, size_t s, bool accumulate) {
    const size_t P = c.pad, T = c.T;
    float        g = stft_dpad_dev(c, frames, P + s);
    if (s >= 1 && s <= P) {
        g += stft_dpad_dev(c, frames, P - s);
    }
    if (s + 2 <= T && s + 1 + P >= T) {
        g += stft_dpad_dev(c, frames, P + 2 * (T - 1) - s);
    }
    dx[s] = accumulate ? dx[s] + g : g;
}
