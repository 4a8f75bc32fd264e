// device.cu: CUDA device discovery for nn_cuda_device_count (see nn/nn.h).
// The runtime is linked statically and loads the driver (libcuda) lazily, so a machine with no
// NVIDIA driver gets an error code here, which becomes "0 devices" plus a sentence saying why.

#include <cstdio>

#include "cuda/common.cuh"

static void write_reason(char * reason, size_t reason_len, const char * text, cudaError_t err) {
    if (reason == nullptr || reason_len == 0) {
        return;
    }
    if (err == cudaSuccess) {
        std::snprintf(reason, reason_len, "%s", text);
    } else {
        std::snprintf(reason, reason_len, "%s (%s: %s)", text, cudaGetErrorName(err),
                      cudaGetErrorString(err));
    }
}

nn_status nn_cuda_device_count(int * count, char * reason, size_t reason_len) {
    if (count == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_cuda_device_count: count is null");
    }
    int               n   = 0;
    const cudaError_t err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
        // The runtime keeps this error sticky for the query only; clear it for later calls.
        (void) cudaGetLastError();
        *count = 0;
        switch (err) {
            case cudaErrorInsufficientDriver:
                write_reason(reason, reason_len,
                             "no usable NVIDIA driver: it is missing or older than this build's "
                             "CUDA runtime",
                             err);
                break;
            case cudaErrorNoDevice:
                write_reason(reason, reason_len, "no CUDA device found", err);
                break;
            default:
                write_reason(reason, reason_len, "the CUDA runtime could not list devices", err);
                break;
        }
        nn_clear_error();
        return NN_STATUS_OK;
    }
    *count = n;
    write_reason(reason, reason_len, n == 0 ? "no CUDA device found" : "", cudaSuccess);
    nn_clear_error();
    return NN_STATUS_OK;
}
