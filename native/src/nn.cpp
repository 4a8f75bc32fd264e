// nn.cpp: status strings, the per-thread last error, tensor views and build information.
// Everything here is device-independent; CUDA specifics live in cuda/device.cu (or no-cuda.cpp).

#include "common.h"

#include <cstdarg>
#include <cstdint>
#include <cstdio>

#ifndef NN_VERSION_STRING
#define NN_VERSION_STRING "0.0.0"
#endif

namespace {

constexpr size_t  ERROR_CAPACITY             = 512;
thread_local char last_error[ERROR_CAPACITY] = "";

} // namespace

// ----------------------------------------------------------------------------
// status

const char * nn_status_string(nn_status status) {
    switch (status) {
        case NN_STATUS_OK: return "ok";
        case NN_STATUS_INVALID_ARGUMENT: return "invalid argument";
        case NN_STATUS_OUT_OF_MEMORY: return "out of memory";
        case NN_STATUS_CUDA_ERROR: return "CUDA error";
        case NN_STATUS_UNSUPPORTED: return "unsupported";
        case NN_STATUS_INTERNAL: return "internal error";
    }
    return "unknown status";
}

const char * nn_last_error(void) {
    return last_error;
}

nn_status nn_fail(nn_status status, const char * format, ...) {
    va_list args;
    va_start(args, format);
    std::vsnprintf(last_error, ERROR_CAPACITY, format, args);
    va_end(args);
    return status;
}

void nn_clear_error(void) {
    last_error[0] = '\0';
}

// ----------------------------------------------------------------------------
// tensor views

nn_tensor_view nn_view_3d(float * data, size_t B, size_t C, size_t T) {
    nn_tensor_view view = {};
    view.data           = data;
    view.ndim           = 3;
    view.shape[0]       = B;
    view.shape[1]       = C;
    view.shape[2]       = T;
    view.shape[3]       = 1;
    view.strides[0]     = C * T;
    view.strides[1]     = T;
    view.strides[2]     = 1;
    view.strides[3]     = 0;
    return view;
}

bool nn_view_is_contiguous(const nn_tensor_view * view) {
    if (view == nullptr || view->ndim < 1 || view->ndim > NN_MAX_DIMS) {
        return false;
    }
    size_t expected = 1;
    for (int i = view->ndim - 1; i >= 0; i--) {
        if (view->shape[i] != 1 && view->strides[i] != expected) {
            return false;
        }
        expected *= view->shape[i];
    }
    return true;
}

size_t nn_view_numel(const nn_tensor_view * view) {
    if (view == nullptr || view->ndim < 1 || view->ndim > NN_MAX_DIMS) {
        return 0;
    }
    size_t n = 1;
    for (int i = 0; i < view->ndim; i++) {
        n *= view->shape[i];
    }
    return n;
}

nn_status nn_check_view(const char * op, const char * name, const nn_tensor_view * view, int ndim) {
    if (view == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op, name);
    }
    if (view->data == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s has no data", op, name);
    }
    if (view->ndim != ndim) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s has %d dimensions, expected %d", op,
                       name, view->ndim, ndim);
    }
    for (int d = 0; d < ndim; d++) {
        if (view->shape[d] == 0) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s has an empty dimension %d", op, name,
                           d);
        }
    }
    if (!nn_view_is_contiguous(view)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is not contiguous", op, name);
    }
    return NN_STATUS_OK;
}

bool nn_views_overlap(const nn_tensor_view * a, const nn_tensor_view * b) {
    if (a == nullptr || b == nullptr) {
        return false;
    }
    const std::uintptr_t a0 = reinterpret_cast<std::uintptr_t>(a->data);
    const std::uintptr_t b0 = reinterpret_cast<std::uintptr_t>(b->data);
    const std::uintptr_t a1 = a0 + nn_view_numel(a) * sizeof(float);
    const std::uintptr_t b1 = b0 + nn_view_numel(b) * sizeof(float);
    return a0 < b1 && b0 < a1;
}

nn_status nn_check_pair_3d(const char * op, const char * a_name, const nn_tensor_view * a,
                           const char * b_name, const nn_tensor_view * b, bool same_length) {
    if (a == nullptr || b == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op,
                       a == nullptr ? a_name : b_name);
    }
    const nn_tensor_view * views[2] = {a, b};
    const char *           names[2] = {a_name, b_name};
    for (int i = 0; i < 2; i++) {
        const nn_tensor_view * v = views[i];
        if (v->data == nullptr) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s has no data", op, names[i]);
        }
        if (v->ndim != 3) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: %s has %d dimensions, expected 3 (B, C, T)", op, names[i], v->ndim);
        }
        if (v->shape[0] == 0 || v->shape[1] == 0 || v->shape[2] == 0) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: %s is (%zu, %zu, %zu): every dimension must be > 0", op, names[i],
                           v->shape[0], v->shape[1], v->shape[2]);
        }
        if (!nn_view_is_contiguous(v)) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is not contiguous", op, names[i]);
        }
    }
    if (a->shape[0] != b->shape[0] || a->shape[1] != b->shape[1] ||
        (same_length && a->shape[2] != b->shape[2])) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: %s is (%zu, %zu, %zu) but %s is (%zu, %zu, %zu)%s", op, a_name,
                       a->shape[0], a->shape[1], a->shape[2], b_name, b->shape[0], b->shape[1],
                       b->shape[2], same_length ? "" : ": B and C must match");
    }
    if (nn_views_overlap(a, b)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s and %s overlap", op, a_name, b_name);
    }
    return NN_STATUS_OK;
}

nn_status nn_check_same_3d(const char * op, const char * a_name, const nn_tensor_view * a,
                           const char * b_name, const nn_tensor_view * b) {
    return nn_check_pair_3d(op, a_name, a, b_name, b, true);
}

// ----------------------------------------------------------------------------
// build information

const char * nn_version(void) {
    return NN_VERSION_STRING;
}

nn_status nn_get_build_info(nn_build_info * info) {
    if (info == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_get_build_info: info is null");
    }
    info->version = nn_version();
#if defined(NN_WITH_CUDA)
    info->cuda_compiled = true;
#if defined(NN_CUDA_COMPILER_VERSION)
    info->cuda_version = NN_CUDA_COMPILER_VERSION;
#else
    info->cuda_version = "unknown";
#endif
#else
    info->cuda_compiled = false;
    info->cuda_version  = "";
#endif
#if defined(__AVX512F__)
    info->simd = "avx512f";
#elif defined(__AVX2__)
    info->simd          = "avx2";
#elif defined(__AVX__)
    info->simd = "avx";
#elif defined(__SSE4_2__)
    info->simd = "sse4.2";
#elif defined(__SSE2__) || defined(_M_X64)
    info->simd = "sse2";
#elif defined(__ARM_NEON) || defined(_M_ARM64)
    info->simd = "neon";
#else
    info->simd = "none";
#endif
    nn_clear_error();
    return NN_STATUS_OK;
}
