// resample.cu: Keys cubic upsampling (a = -0.5, ResizeRight as CAW vendors it) on the device:
// y (T_out) = upsample_cubic(x (T_in), scale) cropped or zero-padded to T_out, as
// caw_tr::upsample_to over upsample_cubic_forward_cpu (nn/resample.h documents the grid, the
// mirrored taps and the weight normalisation), and its adjoint. Grid and weights in double, sums
// in double, one rounding to float at the end, as the CPU.
//
// The backward is a gather: input i receives w · dy[j] from every output j < min(T_full, T_out)
// one of whose taps mirrors onto i. Its unmirrored tap positions u are i and -1 - i modulo
// 2 T_in; the reachable ones lie in [left_0, left_{J-1} + 3] (a few samples past each end), so
// the outputs to visit form one short range of j (about 4 · scale outputs, or the whole signal
// when T_in is tiny). Visiting them in increasing j and each tap k in order reproduces the CPU's
// accumulation order exactly.

#include <cmath>

#include "cuda/common.cuh"
#include "cuda/device-ops.h"
#include "cuda/resample.cuh"
#include "nn/resample.h"

// ----------------------------------------------------------------------------
// CUDA kernels

// Keys' cubic kernel, a = -0.5 (keys_cubic in cpu/resample-impl.h)
KX_DEVICE double keys_cubic_dev(double d) {
    const double t  = fabs(d);
    const double t2 = t * t;
    const double t3 = t2 * t;
    if (t <= 1.0) {
        return 1.5 * t3 - 2.5 * t2 + 1.0;
    }
    if (t <= 2.0) {
        return -0.5 * t3 + 2.5 * t2 - 4.0 * t + 2.0;
    }
    return 0.0;
}

// i reflected into [0, n) with period 2n (cubic_mirror)
KX_DEVICE long long cubic_mirror_dev(long long i, long long n) {
    const long long period = 2 * n;
    long long       m      = i % period;
    if (m < 0) {
        m += period;
    }
    return m < n ? m : period - 1 - m;
}

// The grid position of output j (upsample_cubic_taps' x_j).
KX_DEVICE double cubic_grid_dev(long long j, long long T_in, long long T_full, double scale) {
    return static_cast<double>(j) / scale + (static_cast<double>(T_in) - 1.0) / 2.0 -
           (static_cast<double>(T_full) - 1.0) / (2.0 * scale);
}

// The first unmirrored tap of output j: ceil(x_j - 2 - float32 epsilon).
KX_DEVICE long long cubic_left_dev(long long j, long long T_in, long long T_full, double scale) {
    const double eps = 1.1920928955078125e-07;
    return static_cast<long long>(ceil(cubic_grid_dev(j, T_in, T_full, scale) - 2.0 - eps));
}

// Output j's mirrored taps and normalised weights (upsample_cubic_taps).
KX_DEVICE void cubic_taps_dev(long long j, long long T_in, long long T_full, double scale,
                              long long index[4], double weight[4]) {
    const double    grid = cubic_grid_dev(j, T_in, T_full, scale);
    const long long left = cubic_left_dev(j, T_in, T_full, scale);
    double          sum  = 0.0;
    for (int k = 0; k < 4; k++) {
        index[k]  = cubic_mirror_dev(left + k, T_in);
        weight[k] = keys_cubic_dev(grid - static_cast<double>(index[k]));
        sum += weight[k];
    }
    if (sum == 0.0) {
        sum = 1.0;
    }
    for (int k = 0; k < 4; k++) {
        weight[k] /= sum;
    }
}

// x is (T_in), y is (T_out): y[j] interpolated for j < T_full, 0 past it.
KX_GLOBAL void upsample_cubic_forward_kernel(const float * x, long long T_in, float * y,
                                             long long T_out, long long T_full, double scale) {
    const long long j = static_cast<long long>(kx::block_idx().x) * kx::block_dim().x +
                        kx::thread_idx().x;
    if (j >= T_out) {
        return;
    }
    if (j >= T_full) {
        y[j] = 0.0f;
        return;
    }
    long long index[4];
    double    weight[4];
    cubic_taps_dev(j, T_in, T_full, scale, index, weight);
    double acc = 0.0;
    for (int k = 0; k < 4; k++) {
        acc += weight[k] * static_cast<double>(x[index[k]]);
    }
    y[j] = static_cast<float>(acc);
}

// dy is (T_out), dx is (T_in): dx[i] = sum of w · dy[j] over the taps of outputs j < J that
// mirror onto i (J = min(T_full, T_out)), in increasing (j, k).
KX_GLOBAL void upsample_cubic_backward_kernel(const float * dy, long long J, float * dx,
                                              long long T_in, long long T_full, double scale) {
    const long long i = static_cast<long long>(kx::block_idx().x) * kx::block_dim().x +
                        kx::thread_idx().x;
    if (i >= T_in) {
        return;
    }
    // the unmirrored positions every output can reach, and i's preimages among them
    const long long u_min = cubic_left_dev(0, T_in, T_full, scale);
    const long long u_max = cubic_left_dev(J - 1, T_in, T_full, scale) + 3;
    const long long period = 2 * T_in;
    long long       lo = u_max + 1, hi = u_min - 1;
    const long long bases[2] = {i, -1 - i};
    for (int b = 0; b < 2; b++) {
        // the first u >= u_min with u = bases[b] (mod period)
        long long r = (bases[b] - u_min) % period;
        if (r < 0) {
            r += period;
        }
        for (long long u = u_min + r; u <= u_max; u += period) {
            lo = u < lo ? u : lo;
            hi = u > hi ? u : hi;
        }
    }
    double acc = 0.0;
    if (lo <= hi) {
        // outputs whose taps [left_j, left_j + 3] meet [lo, hi]: x_j in (lo - 2, hi + 2 + eps],
        // widened by one output each side for rounding; taps are checked exactly below
        const double    c0   = cubic_grid_dev(0, T_in, T_full, scale);
        long long       j_lo = static_cast<long long>(floor((static_cast<double>(lo) - 2.0 - c0) *
                                                      scale)) - 1;
        long long       j_hi = static_cast<long long>(ceil((static_cast<double>(hi) + 2.0 - c0) *
                                                     scale)) + 1;
        j_lo = j_lo < 0 ? 0 : j_lo;
        j_hi = j_hi > J - 1 ? J - 1 : j_hi;
        for (long long j = j_lo; j <= j_hi; j++) {
            long long index[4];
            double    weight[4];
            cubic_taps_dev(j, T_in, T_full, scale, index, weight);
            for (int k = 0; k < 4; k++) {
                if (index[k] == i) {
                    acc += weight[k] * static_cast<double>(dy[j]);
                }
            }
        }
    }
    dx[i] = static_cast<float>(acc);
}

// ----------------------------------------------------------------------------
// kernel launchers

static nn_status resample_grid(const char * op, size_t n, unsigned * blocks) {
    const size_t count = (n + RESAMPLE_BLOCK_SIZE - 1) / RESAMPLE_BLOCK_SIZE;
    if (count > 0x7fffffffu) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu samples exceed one launch", op, n);
    }
    *blocks = static_cast<unsigned>(count);
    return NN_STATUS_OK;
}

static nn_status upsample_cubic_forward_launch(const char * op, const float * x, size_t T_in,
                                               float * y, size_t T_out, size_t T_full,
                                               double scale, nn_cuda_stream_t stream) {
    unsigned blocks = 0;
    NN_TRY(resample_grid(op, T_out, &blocks));
    KX_LAUNCH(upsample_cubic_forward_kernel, kx::dim3(blocks), kx::dim3(RESAMPLE_BLOCK_SIZE),
              stream, x, static_cast<long long>(T_in), y, static_cast<long long>(T_out),
              static_cast<long long>(T_full), scale);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

static nn_status upsample_cubic_backward_launch(const char * op, const float * dy, size_t T_out,
                                                float * dx, size_t T_in, size_t T_full,
                                                double scale, nn_cuda_stream_t stream) {
    unsigned blocks = 0;
    NN_TRY(resample_grid(op, T_in, &blocks));
    const size_t J = T_full < T_out ? T_full : T_out;
    KX_LAUNCH(upsample_cubic_backward_kernel, kx::dim3(blocks), kx::dim3(RESAMPLE_BLOCK_SIZE),
              stream, dy, static_cast<long long>(J), dx, static_cast<long long>(T_in),
              static_cast<long long>(T_full), scale);
    NN_CUDA_CHECK(cudaGetLastError());
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// entry points

// upsample_cubic_*_cpu's checks on raw device pointers: T_full = ceil(scale T_in) within 19 of
// T_out (CUBIC_MAX_LENGTH_MISMATCH in cpu/resample.cpp), non-overlapping buffers.
static nn_status cubic_check(const char * op, const float * in, size_t n_in, const float * out,
                             size_t n_out, size_t T_in, size_t T_out, double scale,
                             size_t * T_full) {
    if (in == nullptr || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op,
                       in == nullptr ? "the input" : "the output");
    }
    if (T_in == 0 || T_out == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: T_in = %zu and T_out = %zu must be > 0",
                       op, T_in, T_out);
    }
    if (T_in > (static_cast<size_t>(1) << 40) || T_out > (static_cast<size_t>(1) << 40)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu -> %zu samples is too long", op, T_in,
                       T_out);
    }
    if (!std::isfinite(scale) || scale < 1.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: scale is %g, expected a finite upsampling factor >= 1", op, scale);
    }
    *T_full              = upsample_cubic_length(T_in, scale);
    const long long diff = static_cast<long long>(*T_full) - static_cast<long long>(T_out);
    if (*T_full == 0 || diff >= 20 || -diff >= 20) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: the target length %zu is %lld samples from ceil(%g * %zu) = %zu "
                       "(at most 19 allowed)",
                       op, T_out, diff < 0 ? -diff : diff, scale, T_in, *T_full);
    }
    if (in < out + n_out && out < in + n_in) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: input and output overlap", op);
    }
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(upsample_cubic_forward_dev)(const float * x, size_t T_in, double scale,
                                               float * y, size_t T_out, nn_cuda_stream_t stream) {
    const char * op     = "upsample_cubic_forward_dev";
    size_t       T_full = 0;
    NN_TRY(cubic_check(op, x, T_in, y, T_out, T_in, T_out, scale, &T_full));
    NN_TRY(upsample_cubic_forward_launch(op, x, T_in, y, T_out, T_full, scale, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status KX_ENTRY(upsample_cubic_backward_dev)(const float * dy, size_t T_out, double scale,
                                                float * dx, size_t T_in,
                                                nn_cuda_stream_t stream) {
    const char * op     = "upsample_cubic_backward_dev";
    size_t       T_full = 0;
    NN_TRY(cubic_check(op, dy, T_out, dx, T_in, T_in, T_out, scale, &T_full));
    NN_TRY(upsample_cubic_backward_launch(op, dy, T_out, dx, T_in, T_full, scale, stream));
    nn_clear_error();
    return NN_STATUS_OK;
}
