// resample.cpp: CPU entry points of the scale-pyramid resamplers (see nn/resample.h and
// docs/caw-spec.md §2). The loops live in resample-impl.h (templated, so the tests run them in
// double); this file checks arguments, builds the kaiser_best table and splits rows x output
// samples over nn_parallel_for (each output written by one item: deterministic for any thread
// count). Written from the mathematics of resampy 0.2.2 / librosa 0.8.1 and ResizeRight (CAW's
// copy); where NN_SINC_MODE_LIBROSA follows resampy's integer stride, that is deliberate (see
// header). Known differences from resampy 0.2.2 at rounding level: it accumulates the output time
// as a running sum of 1/ratio (we use t * (1/ratio), like resampy >= 0.3) and, for float32 input,
// rounds its sum to float32 after every tap (we sum in double and round once).

#include "nn/resample.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "common.h"
#include "cpu/parallel.h"
#include "cpu/resample-impl.h"

namespace {

constexpr size_t    SINC_NUM_ZEROS            = 64;
constexpr size_t    SINC_PRECISION            = 512;
constexpr double    SINC_BETA                 = 14.769656459379492;
constexpr double    SINC_ROLLOFF              = 0.9475937167399596;
constexpr long long CUBIC_MAX_LENGTH_MISMATCH = 20;

/** Output samples per parallel chunk; a sinc output costs up to 2 * 64 / ratio taps. */
constexpr size_t SINC_GRAIN  = 64;
constexpr size_t CUBIC_GRAIN = 4096;

// The scale checks and the full ResizeRight length shared by forward and backward.
nn_status check_cubic(const char * op, size_t T_in, size_t T_out, double scale, size_t * T_full) {
    if (!std::isfinite(scale) || scale < 1.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: scale is %g, expected a finite upsampling factor >= 1", op, scale);
    }
    *T_full              = upsample_cubic_length(T_in, scale);
    const long long diff = static_cast<long long>(*T_full) - static_cast<long long>(T_out);
    if (*T_full == 0 || diff >= CUBIC_MAX_LENGTH_MISMATCH || -diff >= CUBIC_MAX_LENGTH_MISMATCH) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: the target length %zu is %lld samples from ceil(%g * %zu) = %zu "
                       "(at most 19 allowed)",
                       op, T_out, diff < 0 ? -diff : diff, scale, T_in, *T_full);
    }
    return NN_STATUS_OK;
}

} // namespace

// ----------------------------------------------------------------------------
// band-limited sinc

nn_status nn_sinc_filter_init(nn_sinc_filter * filter) {
    if (filter == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_sinc_filter_init: filter is null");
    }
    std::memset(filter, 0, sizeof(*filter));
    const size_t length = SINC_NUM_ZEROS * SINC_PRECISION + 1;
    double *     table  = static_cast<double *>(std::malloc(length * sizeof(double)));
    double *     delta  = static_cast<double *>(std::malloc(length * sizeof(double)));
    if (table == nullptr || delta == nullptr) {
        std::free(table);
        std::free(delta);
        return nn_fail(NN_STATUS_OUT_OF_MEMORY,
                       "nn_sinc_filter_init: cannot allocate the %zu-entry filter table", length);
    }
    const double zeros = static_cast<double>(SINC_NUM_ZEROS);
    for (size_t k = 0; k < length; k++) {
        const double u = static_cast<double>(k) / static_cast<double>(SINC_PRECISION);
        table[k]       = sinc_kaiser_value(u, zeros, SINC_BETA, SINC_ROLLOFF);
    }
    for (size_t k = 0; k + 1 < length; k++) {
        delta[k] = table[k + 1] - table[k];
    }
    delta[length - 1] = 0.0;
    filter->table     = table;
    filter->delta     = delta;
    filter->length    = length;
    filter->num_zeros = SINC_NUM_ZEROS;
    filter->precision = SINC_PRECISION;
    filter->beta      = SINC_BETA;
    filter->rolloff   = SINC_ROLLOFF;
    nn_clear_error();
    return NN_STATUS_OK;
}

void nn_sinc_filter_free(nn_sinc_filter * filter) {
    if (filter == nullptr) {
        return;
    }
    std::free(filter->table);
    std::free(filter->delta);
    std::memset(filter, 0, sizeof(*filter));
}

size_t resample_sinc_length(size_t T_in, double ratio) {
    if (T_in == 0 || !std::isfinite(ratio) || ratio <= 0.0) {
        return 0;
    }
    return static_cast<size_t>(std::ceil(static_cast<double>(T_in) * ratio));
}

nn_status resample_sinc_cpu(const nn_sinc_filter * filter, const nn_tensor_view * x,
                            nn_tensor_view * y, double ratio, nn_sinc_mode mode) {
    const char * op     = "resample_sinc_cpu";
    NN_TRY(nn_check_pair_3d(op, "x", x, "y", y, false));
    if (filter == nullptr || filter->table == nullptr || filter->delta == nullptr ||
        filter->length < 2 || filter->precision == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: filter is null or not built (call nn_sinc_filter_init)", op);
    }
    if (mode != NN_SINC_MODE_LIBROSA && mode != NN_SINC_MODE_EXACT) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: unknown mode %d", op,
                       static_cast<int>(mode));
    }
    if (!std::isfinite(ratio) || ratio <= 0.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: ratio is %g, expected f_out / f_in > 0", op,
                       ratio);
    }
    if (mode == NN_SINC_MODE_LIBROSA && ratio * static_cast<double>(filter->precision) < 1.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: ratio %g is below 1/%zu, which resampy's integer stride cannot "
                       "represent (use NN_SINC_MODE_EXACT)",
                       op, ratio, filter->precision);
    }
    const size_t T_in     = x->shape[2];
    const size_t T_out    = y->shape[2];
    const size_t expected = resample_sinc_length(T_in, ratio);
    if (T_out != expected) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: y has %zu samples, expected ceil(%zu * %.17g) = %zu", op, T_out, T_in,
                       ratio, expected);
    }
    const size_t T_filtered = mode == NN_SINC_MODE_LIBROSA
                                  ? static_cast<size_t>(static_cast<double>(T_in) * ratio)
                                  : T_out;
    if (T_filtered == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: %zu input samples are too few for ratio %g (floor(T_in * ratio) = 0)",
                       op, T_in, ratio);
    }
    const size_t  rows = x->shape[0] * x->shape[1]; // B * C
    const float * xd   = x->data;
    float *       yd   = y->data;
    if (ratio == 1.0) {
        std::memcpy(yd, xd, rows * T_in * sizeof(float));
        nn_clear_error();
        return NN_STATUS_OK;
    }
    const nn_sinc_filter & f = *filter;
    nn_parallel_for(rows * T_out, SINC_GRAIN, [&](size_t begin, size_t end) {
        while (begin < end) {
            const size_t  row   = begin / T_out;
            const size_t  t0    = begin % T_out;
            const size_t  t1    = (end - row * T_out) < T_out ? end - row * T_out : T_out;
            const float * x_row = xd + row * T_in;
            float *       y_row = yd + row * T_out;
            const size_t  f1    = t1 < T_filtered ? t1 : T_filtered;
            if (t0 < f1) {
                resample_sinc_row(f, x_row, T_in, y_row, t0, f1, ratio, mode);
            }
            for (size_t t = t0 > f1 ? t0 : f1; t < t1; t++) {
                y_row[t] = 0.0f; // librosa's fix_length padding
            }
            begin = row * T_out + t1;
        }
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// Keys cubic upsampling

size_t upsample_cubic_length(size_t T_in, double scale) {
    if (T_in == 0 || !std::isfinite(scale) || scale <= 0.0) {
        return 0;
    }
    return static_cast<size_t>(std::ceil(scale * static_cast<double>(T_in)));
}

nn_status upsample_cubic_forward_cpu(const nn_tensor_view * x, nn_tensor_view * y, double scale) {
    const char * op     = "upsample_cubic_forward_cpu";
    nn_status    status = nn_check_pair_3d(op, "x", x, "y", y, false);
    if (status != NN_STATUS_OK) {
        return status;
    }
    const size_t T_in   = x->shape[2];
    const size_t T_out  = y->shape[2];
    size_t       T_full = 0;
    status              = check_cubic(op, T_in, T_out, scale, &T_full);
    if (status != NN_STATUS_OK) {
        return status;
    }
    const size_t  rows = x->shape[0] * x->shape[1]; // B * C
    const float * xd   = x->data;
    float *       yd   = y->data;
    nn_parallel_for(rows * T_out, CUBIC_GRAIN, [&](size_t begin, size_t end) {
        while (begin < end) {
            const size_t row = begin / T_out;
            const size_t j0  = begin % T_out;
            const size_t j1  = (end - row * T_out) < T_out ? end - row * T_out : T_out;
            upsample_cubic_forward_row(xd + row * T_in, T_in, yd + row * T_out, T_full, j0, j1,
                                       scale);
            begin = row * T_out + j1;
        }
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status upsample_cubic_backward_cpu(const nn_tensor_view * dy, nn_tensor_view * dx,
                                      double scale) {
    const char * op     = "upsample_cubic_backward_cpu";
    nn_status    status = nn_check_pair_3d(op, "dy", dy, "dx", dx, false);
    if (status != NN_STATUS_OK) {
        return status;
    }
    const size_t T_in   = dx->shape[2];
    const size_t T_out  = dy->shape[2];
    size_t       T_full = 0;
    status              = check_cubic(op, T_in, T_out, scale, &T_full);
    if (status != NN_STATUS_OK) {
        return status;
    }
    double * work = static_cast<double *>(std::malloc(T_in * sizeof(double)));
    if (work == nullptr) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: cannot allocate %zu doubles of scratch", op,
                       T_in);
    }
    const size_t rows = dy->shape[0] * dy->shape[1]; // B * C
    for (size_t row = 0; row < rows; row++) {
        upsample_cubic_backward_row(dy->data + row * T_out, T_out, dx->data + row * T_in, T_in,
                                    T_full, scale, work);
    }
    std::free(work);
    nn_clear_error();
    return NN_STATUS_OK;
}
