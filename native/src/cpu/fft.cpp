// fft.cpp: the entry points of nn/fft.h over the templated loops of cpu/fft-impl.h.
// A plan wraps fft_plan_impl<float>; every routine works in place on a buffer of n + 2 floats,
// so out-of-place calls copy their input into the output first (x may equal X).

#include "nn/fft.h"

#include <cstring>
#include <new>

#include "common.h"
#include "cpu/fft-impl.h"

struct nn_fft_plan {
    fft_plan_impl<float> impl;
};

namespace {

constexpr size_t FFT_MAX_SIZE = size_t(1) << 24;

nn_status check_call(const char * op, const nn_fft_plan * plan, const float * in,
                     const float * out) {
    if (plan == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: plan is null", op);
    }
    if (in == nullptr || out == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op,
                       in == nullptr ? "input" : "output");
    }
    return NN_STATUS_OK;
}

} // namespace

// ----------------------------------------------------------------------------
// plan

nn_status nn_fft_plan_init(nn_fft_plan ** plan, size_t n) {
    if (plan == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_fft_plan_init: plan is null");
    }
    *plan = nullptr;
    if (n < 2 || n > FFT_MAX_SIZE || !fft_is_power_of_two(n)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "nn_fft_plan_init: n = %zu is not a power of two in [2, %zu]", n,
                       FFT_MAX_SIZE);
    }
    nn_fft_plan * made = new (std::nothrow) nn_fft_plan();
    if (made == nullptr) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "nn_fft_plan_init: out of memory (n = %zu)", n);
    }
    try {
        fft_plan_build(made->impl, n);
    } catch (const std::bad_alloc &) {
        delete made;
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "nn_fft_plan_init: out of memory (n = %zu)", n);
    }
    *plan = made;
    nn_clear_error();
    return NN_STATUS_OK;
}

void nn_fft_plan_free(nn_fft_plan * plan) {
    delete plan;
}

size_t nn_fft_plan_size(const nn_fft_plan * plan) {
    return plan == nullptr ? 0 : plan->impl.n;
}

// ----------------------------------------------------------------------------
// transforms

nn_status rfft_forward_cpu(const nn_fft_plan * plan, const float * x, float * X) {
    NN_TRY(check_call("rfft_forward_cpu", plan, x, X));
    if (x != X) {
        std::memmove(X, x, plan->impl.n * sizeof(float));
    }
    rfft_forward_inplace(plan->impl, X);
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status rfft_inverse_cpu(const nn_fft_plan * plan, const float * X, float * x) {
    NN_TRY(check_call("rfft_inverse_cpu", plan, X, x));
    // The in-place routine needs n + 2 floats and x holds only n: run it on a copy when apart.
    if (X == x) {
        rfft_inverse_inplace(plan->impl, x);
    } else {
        float * buf = new (std::nothrow) float[plan->impl.n + 2];
        if (buf == nullptr) {
            return nn_fail(NN_STATUS_OUT_OF_MEMORY, "rfft_inverse_cpu: out of memory");
        }
        std::memcpy(buf, X, (plan->impl.n + 2) * sizeof(float));
        rfft_inverse_inplace(plan->impl, buf);
        std::memcpy(x, buf, plan->impl.n * sizeof(float));
        delete[] buf;
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status rfft_adjoint_cpu(const nn_fft_plan * plan, const float * g, float * dx) {
    NN_TRY(check_call("rfft_adjoint_cpu", plan, g, dx));
    if (g == dx) {
        rfft_adjoint_inplace(plan->impl, dx);
    } else {
        float * buf = new (std::nothrow) float[plan->impl.n + 2];
        if (buf == nullptr) {
            return nn_fail(NN_STATUS_OUT_OF_MEMORY, "rfft_adjoint_cpu: out of memory");
        }
        std::memcpy(buf, g, (plan->impl.n + 2) * sizeof(float));
        rfft_adjoint_inplace(plan->impl, buf);
        std::memcpy(dx, buf, plan->impl.n * sizeof(float));
        delete[] buf;
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
