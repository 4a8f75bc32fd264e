// no-cuda.cpp: the CUDA entry points of a build without CUDA (NN_CUDA=OFF or no nvcc).
// They report, never fail hard: device count 0 with the reason, ops NN_STATUS_UNSUPPORTED.

#include <cstdio>

#include "common.h"
#include "nn/preemphasis.h"

static const char * const NO_CUDA_REASON =
    "this build has no CUDA support (built with NN_CUDA=OFF or without nvcc)";

nn_status nn_cuda_device_count(int * count, char * reason, size_t reason_len) {
    if (count == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_cuda_device_count: count is null");
    }
    *count = 0;
    if (reason != nullptr && reason_len > 0) {
        std::snprintf(reason, reason_len, "%s", NO_CUDA_REASON);
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status preemphasis_forward_cuda(const nn_tensor_view *, nn_tensor_view *, float,
                                   nn_cuda_stream_t) {
    return nn_fail(NN_STATUS_UNSUPPORTED, "preemphasis_forward_cuda: %s", NO_CUDA_REASON);
}

nn_status preemphasis_backward_cuda(const nn_tensor_view *, nn_tensor_view *, float,
                                    nn_cuda_stream_t) {
    return nn_fail(NN_STATUS_UNSUPPORTED, "preemphasis_backward_cuda: %s", NO_CUDA_REASON);
}
