// mss-loss.cu: the MSS reconstruction loss on the device, mss_loss_*_cpu's definition
// (nn/mss-loss.h, cpu/mss-loss-impl.h):
//   MSS(x, y) = (1 / C) sum_c || |STFT_c(y)| - |STFT_c(x)| ||_F
//   dMSS/dy   = sum_c STFT_c^T( E_c / (C ||E_c||) · Z_y / |Z_y| )   (0 where a norm or |Z| is 0)
// x is the real signal, y the model's (T each); the loss goes to *out (one float in device
// memory, never read back here), dy (T) is written (=). The plan (stft.cuh) holds each
// configuration's window and twiddle tables, built on the host by stft_plan_build exactly as
// the CPU's, and the scratch; the per-configuration norms stay in device memory between the
// kernels, so a training step needs no host round trip.

#include <cmath>
#include <new>
#include <vector>

#include "cpu/mss-loss-impl.h"
#include "cuda/common.cuh"
#include "cuda/device-ops.h"
#include "cuda/mss-loss.cuh"
#include "cuda/stft.cuh"

// ----------------------------------------------------------------------------
// CUDA kernels

// x, y are (T); spec is (N, n_fft + 2): row f gets y's spectrum (F, 2); err is (N, F): |Z_y| -
// |Z_x|; frame_sq is (N): sum_k err^2 in double (mss_config_norm's pass 1). Block f: frame f.
KX_GLOBAL void mss_frames_kernel(stft_dev_config c, const float * x, const float * y,
                                 float * spec, float * err, double * frame_sq) {
    KX_SHARED(float, buf, STFT_BUF);
    KX_SHARED(double, partial, STFT_MAX_THREADS);
    const unsigned tid = kx::thread_idx().x, nt = kx::block_dim().x;
    const size_t   f   = kx::block_idx().x;
    float *        e   = err + f * c.bins;
    float *        z   = spec + f * (c.n_fft + 2);
    stft_frame_spectrum_dev(buf, c, x, f);
    for (unsigned k = tid; k < c.bins; k += nt) {
        const float re = buf[2 * k], im = buf[2 * k + 1];
        e[k] = sqrtf(re * re + im * im);
    }
    kx::sync_threads(); // every |Z_x| read before y's frame overwrites buf
    stft_frame_spectrum_dev(buf, c, y, f);
    double sq = 0.0;
    for (unsigned k = tid; k < c.bins; k += nt) { // the same k as above: e[k] is this thread's
        const float re = buf[2 * k], im = buf[2 * k + 1];
        z[2 * k]       = re;
        z[2 * k + 1]   = im;
        const float ek = sqrtf(re * re + im * im) - e[k];
        e[k]           = ek;
        sq += static_cast<double>(ek) * static_cast<double>(ek);
    }
    partial[tid] = sq;
    kx::sync_threads();
    for (unsigned s = nt / 2; s > 0; s >>= 1) { // fixed tree order
        if (tid < s) {
            partial[tid] = partial[tid] + partial[tid + s];
        }
        kx::sync_threads();
    }
    if (tid == 0) {
        frame_sq[f] = partial[0];
    }
}

// frame_sq is (N); *norm = sqrt(sum_f frame_sq[f]): one block, strided partials then a tree.
KX_GLOBAL void mss_norm_kernel(const double * frame_sq, size_t N, double * norm) {
    KX_SHARED(double, partial, STFT_REDUCE_THREADS);
    const unsigned tid = kx::thread_idx().x, nt = kx::block_dim().x;
    double         sum = 0.0;
    for (size_t f = tid; f < N; f += nt) {
        sum += frame_sq[f];
    }
    partial[tid] = sum;
    kx::sync_threads();
    for (unsigned s = nt / 2; s > 0; s >>= 1) {
        if (tid < s) {
            partial[tid] = partial[tid] + partial[tid + s];
        }
        kx::sync_threads();
    }
    if (tid == 0) {
        *norm = sqrt(partial[0]);
    }
}

// spec is (N, n_fft + 2) with y's spectra, err is (N, F); norm is ||E_c||, C the configuration
// count. Block f turns row f into its windowed time-domain gradient in [off, off + win)
// (mss_backward's pass 2: stft_magnitude_cotangent with E / (C ||E||), then the adjoint).
KX_GLOBAL void mss_backward_frames_kernel(stft_dev_config c, float * spec, const float * err,
                                          const double * norm, size_t C) {
    KX_SHARED(float, buf, STFT_BUF);
    const unsigned tid   = kx::thread_idx().x, nt = kx::block_dim().x;
    const size_t   f     = kx::block_idx().x;
    const double   n     = *norm;
    const float    scale = n > 0.0 ? static_cast<float>(1.0 / (static_cast<double>(C) * n)) : 0.0f;
    float *        z     = spec + f * (c.n_fft + 2);
    const float *  e     = err + f * c.bins;
    for (unsigned k = tid; k < c.bins; k += nt) {
        const float re = z[2 * k], im = z[2 * k + 1];
        const float mag = sqrtf(re * re + im * im);
        const float g   = mag > 0.0f ? scale * e[k] / mag : 0.0f;
        buf[2 * k]      = g * re;
        buf[2 * k + 1]  = g * im;
    }
    kx::sync_threads();
    stft_frame_adjoint_dev(buf, c);
    for (unsigned i = tid; i < c.win; i += nt) {
        z[c.off + i] = buf[c.off + i] * c.window[i];
    }
}

// spec is (N, n_fft + 2) with the frames' gradients, dy is (T): one thread per sample; the
// first configuration writes, the others add (in configuration order, as the CPU).
KX_GLOBAL void mss_overlap_add_kernel(stft_dev_config c, const float * spec, float * dy,
                                      bool accumulate) {
    const size_t s = static_cast<size_t>(kx::block_idx().x) * kx::block_dim().x +
                     kx::thread_idx().x;
    if (s < c.T) {
        stft_overlap_add_fold_dev(c, spec, dy, s, accumulate);
    }
}

// norms is (C); *out = (float)(sum_c norms[c] / C), summed in configuration order.
KX_GLOBAL void mss_loss_kernel(const double * norms, size_t C, float * out) {
    if (kx::thread_idx().x != 0) {
        return;
    }
    double sum = 0.0;
    for (size_t c = 0; c < C; c++) {
        sum += norms[c];
    }
    *out = static_cast<float>(sum / static_cast<double>(C));
}

// ----------------------------------------------------------------------------
// kernel launchers

// Pass 1 and the norm of configuration ci: spec, err, frame_sq, norms[ci].
static nn_status mss_config_norm_launch(const nn_dev_mss_plan * p, size_t ci, const float * x,
                                        const float * y, nn_cuda_stream_t stream) {
    const stft_dev_config & c = p->configs[ci];
    KX_LAUNCH(mss_frames_kernel, kx::dim3(static_cast<unsigned>(c.frames)),
              kx::dim3(stft_frame_threads(c.n_fft)), stream, c, x, y, p->spec, p->err,
              p->frame_sq);
    NN_CUDA_CHECK(cudaGetLastError());
    KX_LAUNCH(mss_norm_kernel, kx::dim3(1), kx::dim3(STFT_REDUCE_THREADS), stream,
              static_cast<const double *>(p->frame_sq), c.frames, p->norms + ci);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// Pass 2 of configuration ci: the frames' gradients, overlap-added into dy (= for ci 0, +=).
static nn_status mss_config_backward_launch(const nn_dev_mss_plan * p, size_t ci, float * dy,
                                            nn_cuda_stream_t stream) {
    const stft_dev_config & c = p->configs[ci];
    KX_LAUNCH(mss_backward_frames_kernel, kx::dim3(static_cast<unsigned>(c.frames)),
              kx::dim3(stft_frame_threads(c.n_fft)), stream, c, p->spec,
              static_cast<const float *>(p->err), static_cast<const double *>(p->norms + ci),
              p->n_configs);
    NN_CUDA_CHECK(cudaGetLastError());
    const unsigned blocks =
        static_cast<unsigned>((c.T + STFT_SAMPLE_BLOCK - 1) / STFT_SAMPLE_BLOCK);
    KX_LAUNCH(mss_overlap_add_kernel, kx::dim3(blocks), kx::dim3(STFT_SAMPLE_BLOCK), stream, c,
              static_cast<const float *>(p->spec), dy, ci > 0);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status mss_loss_launch(const nn_dev_mss_plan * p, float * out, nn_cuda_stream_t stream) {
    KX_LAUNCH(mss_loss_kernel, kx::dim3(1), kx::dim3(MSS_LOSS_THREADS), stream,
              static_cast<const double *>(p->norms), p->n_configs, out);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// plan

static void mss_plan_release(nn_dev_mss_plan * p) {
    if (p == nullptr) {
        return;
    }
    cudaFree(p->tables);
    cudaFree(p->spec);
    cudaFree(p->err);
    cudaFree(p->frame_sq);
    cudaFree(p->norms);
    delete p;
}

// Builds the host tables (stft_plan_build, as the CPU plan), allocates the device buffers and
// uploads the tables. p's pointers stay null until allocated, so release frees what exists.
static nn_status mss_plan_fill(nn_dev_mss_plan * p, const nn_mss_config * configs,
                               size_t n_configs, size_t T) {
    std::vector<stft_plan_impl<float>> host(n_configs);
    size_t table_floats = 0, spec_size = 0, err_size = 0, frames_max = 0;
    for (size_t c = 0; c < n_configs; c++) {
        stft_plan_build(host[c], configs[c].n_fft, configs[c].hop, configs[c].win, T);
        table_floats += host[c].win + host[c].n_fft;
        spec_size  = std::max(spec_size, host[c].frames * (host[c].n_fft + 2));
        err_size   = std::max(err_size, host[c].frames * host[c].bins);
        frames_max = std::max(frames_max, host[c].frames);
    }
    std::vector<float> tables(table_floats);
    NN_CUDA_CHECK(cudaMalloc(&p->tables, table_floats * sizeof(float)));
    NN_CUDA_CHECK(cudaMalloc(&p->spec, spec_size * sizeof(float)));
    NN_CUDA_CHECK(cudaMalloc(&p->err, err_size * sizeof(float)));
    NN_CUDA_CHECK(cudaMalloc(&p->frame_sq, frames_max * sizeof(double)));
    NN_CUDA_CHECK(cudaMalloc(&p->norms, NN_MSS_MAX_CONFIGS * sizeof(double)));
    size_t at = 0;
    p->T         = T;
    p->n_configs = n_configs;
    for (size_t c = 0; c < n_configs; c++) {
        const stft_plan_impl<float> & h = host[c];
        stft_dev_config &             d = p->configs[c];
        d.n_fft                         = static_cast<unsigned>(h.n_fft);
        d.hop                           = static_cast<unsigned>(h.hop);
        d.win                           = static_cast<unsigned>(h.win);
        d.off                           = static_cast<unsigned>(h.off);
        d.pad                           = static_cast<unsigned>(h.pad);
        d.bins                          = static_cast<unsigned>(h.bins);
        d.frames                        = h.frames;
        d.T                             = T;
        std::copy(h.window.begin(), h.window.end(), tables.begin() + static_cast<long>(at));
        d.window = p->tables + at;
        at += h.win;
        std::copy(h.fft.twiddle.begin(), h.fft.twiddle.end(),
                  tables.begin() + static_cast<long>(at));
        d.twiddle = p->tables + at;
        at += h.n_fft;
    }
    NN_CUDA_CHECK(
        cudaMemcpy(p->tables, tables.data(), table_floats * sizeof(float), cudaMemcpyHostToDevice));
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

nn_status KX_ENTRY(mss_plan_create_dev)(nn_dev_mss_plan ** plan, const nn_mss_config * configs,
                                        size_t n_configs, size_t T) {
    const char * op = "mss_plan_create_dev";
    if (plan == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: plan is null", op);
    }
    *plan = nullptr;
    NN_TRY(mss_check_configs(op, configs, n_configs, T));
    for (size_t c = 0; c < n_configs; c++) {
        if (configs[c].n_fft > STFT_DEV_MAX_N_FFT) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: configuration %zu has n_fft = %zu; the device takes n_fft <= %u",
                           op, c, configs[c].n_fft, STFT_DEV_MAX_N_FFT);
        }
        if (T / configs[c].hop > 0x7ffffffeu || configs[c].hop > 0xffffffffu) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: T = %zu at hop %zu gives too many frames for one launch", op, T,
                           configs[c].hop);
        }
    }
    nn_dev_mss_plan * made = new (std::nothrow) nn_dev_mss_plan();
    if (made == nullptr) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of memory (T = %zu)", op, T);
    }
    nn_status status = NN_STATUS_OK;
    try {
        status = mss_plan_fill(made, configs, n_configs, T);
    } catch (const std::bad_alloc &) {
        status = nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of host memory (T = %zu)", op, T);
    }
    if (status != NN_STATUS_OK) {
        mss_plan_release(made);
        return status;
    }
    *plan = made;
    nn_clear_error();
    return NN_STATUS_OK;
}

void KX_ENTRY(mss_plan_free_dev)(nn_dev_mss_plan * plan) {
    mss_plan_release(plan);
}

static nn_status mss_check_call(const char * op, const nn_dev_mss_plan * plan, const float * x,
                                const float * y, const float * out) {
    if (plan == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: plan is null", op);
    }
    if (x == nullptr || y == nullptr || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op,
                       x == nullptr   ? "x"
                       : y == nullptr ? "y"
                                      : "out");
    }
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(mss_loss_forward_dev)(nn_dev_mss_plan * plan, const float * x, const float * y,
                                         float * out, nn_cuda_stream_t stream) {
    const char * op = "mss_loss_forward_dev";
    NN_TRY(mss_check_call(op, plan, x, y, out));
    for (size_t c = 0; c < plan->n_configs; c++) {
        NN_TRY(mss_config_norm_launch(plan, c, x, y, stream));
    }
    NN_TRY(mss_loss_launch(plan, out, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(mss_loss_backward_dev)(nn_dev_mss_plan * plan, const float * x,
                                          const float * y, float * dy, float * out,
                                          nn_cuda_stream_t stream) {
    const char * op = "mss_loss_backward_dev";
    NN_TRY(mss_check_call(op, plan, x, y, out));
    if (dy == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dy is null", op);
    }
    const size_t T = plan->T;
    if ((dy < x + T && x < dy + T) || (dy < y + T && y < dy + T)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dy overlaps %s", op,
                       dy < x + T && x < dy + T ? "x" : "y");
    }
    for (size_t c = 0; c < plan->n_configs; c++) {
        NN_TRY(mss_config_norm_launch(plan, c, x, y, stream));
        NN_TRY(mss_config_backward_launch(plan, c, dy, stream));
    }
    NN_TRY(mss_loss_launch(plan, out, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}
