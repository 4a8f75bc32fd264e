// nn.h: the public C++ API of nn_core, Eureka's compute core (no Node-API here).
// defines: nn_status, nn_status_string, nn_last_error, nn_tensor_view, nn_view_3d,
//          nn_view_is_contiguous, nn_version, nn_build_info, nn_get_build_info,
//          nn_cuda_device_count, nn_cuda_stream_t
//
// Invariants: no function here calls exit, abort or assert; every failure is an nn_status and,
// for anything but NN_STATUS_OK, a one-line message readable through nn_last_error().
//
// Dimension letters (fixed across the library, used in every shape comment):
//   B batch, C channels, T time (samples), K kernel taps, D dilation, H hidden.
// Tensors are channels-first and contiguous unless a comment says otherwise: a (B, C, T) tensor
// stores x[b][c][t] at data[b*C*T + c*T + t].
#pragma once

#include <cstddef>

// ----------------------------------------------------------------------------
// status

/** Every nn_core entry point returns one of these. */
enum nn_status {
    NN_STATUS_OK               = 0,
    NN_STATUS_INVALID_ARGUMENT = 1, // null pointer, zero or mismatched shape, bad stride
    NN_STATUS_OUT_OF_MEMORY    = 2, // host or device allocation failed
    NN_STATUS_CUDA_ERROR       = 3, // a CUDA runtime call or kernel launch failed
    NN_STATUS_UNSUPPORTED      = 4, // the build or the machine cannot run this (e.g. no CUDA)
    NN_STATUS_INTERNAL         = 5, // a bug in nn_core
};

/** A short constant name for a status ("invalid argument"); never null. */
const char * nn_status_string(nn_status status);

/**
 * The message of the last failure on this thread ("preemphasis_forward_cpu: x is (2, 3, 4) but y
 * is (2, 4, 3)"), or "" after a success. Valid until the next nn_* call on the same thread.
 */
const char * nn_last_error(void);

// ----------------------------------------------------------------------------
// tensor view

/** The most dimensions a view has. */
constexpr int NN_MAX_DIMS = 4;

/**
 * A non-owning view of float32 memory (host or device, the function says which).
 * shape[i] counts elements along dimension i; strides[i] is the distance, in elements (not bytes),
 * between neighbours along dimension i. Dimensions past ndim are shape 1, stride 0.
 */
struct nn_tensor_view {
    float * data;
    size_t  shape[NN_MAX_DIMS];
    size_t  strides[NN_MAX_DIMS];
    int     ndim;
};

/** A contiguous (B, C, T) view of data. */
nn_tensor_view nn_view_3d(float * data, size_t B, size_t C, size_t T);

/** True when view is laid out densely in row-major order (last dimension has stride 1). */
bool nn_view_is_contiguous(const nn_tensor_view * view);

// ----------------------------------------------------------------------------
// build and runtime information

/** nn_core's version: package.json's "version" when it was built ("0.1.0"). */
const char * nn_version(void);

/** What this build of nn_core was compiled with. Strings are static and never null. */
struct nn_build_info {
    const char * version;       // nn_version()
    bool         cuda_compiled; // the CUDA kernels are in this build
    const char * cuda_version;  // nvcc version ("13.0.88"), "" when !cuda_compiled
    const char * simd;          // widest CPU vector ISA the compiler targeted: "avx512f", "avx2",
                                // "avx", "sse4.2", "sse2", "neon" or "none"
};

/** Fills info. Never fails for a non-null info. */
nn_status nn_get_build_info(nn_build_info * info);

/**
 * CUDA devices usable by this process. Never aborts: with no CUDA in the build, no driver or no
 * device, *count is 0, the return is NN_STATUS_OK, and reason (when non-null) receives a sentence
 * saying why ("no NVIDIA driver found: CUDA driver version is insufficient…"). With devices,
 * reason is set to "". reason is always NUL-terminated when reason_len > 0.
 * Returns NN_STATUS_INVALID_ARGUMENT only for a null count.
 */
nn_status nn_cuda_device_count(int * count, char * reason, size_t reason_len);

/** A CUDA stream, the same type as cudaStream_t, so callers need no CUDA headers. */
typedef struct CUstream_st * nn_cuda_stream_t;
