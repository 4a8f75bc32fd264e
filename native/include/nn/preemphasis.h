// preemphasis.h: the pre-emphasis filter that ends the Catch-A-Waveform generator and
// discriminator (docs/caw-spec.md): y[b, c, 0] = x[b, c, 0], y[b, c, t] = x[b, c, t] - a * x[b, c,
// t-1]. defines: preemphasis_forward_cpu, preemphasis_backward_cpu,
//          preemphasis_forward_cuda, preemphasis_backward_cuda
//
// The coefficient a is a constant (0.97 in the model), not a parameter: backward produces only
// the activation gradient, which it writes (=), never accumulates. All views are contiguous
// (B, C, T) float32; x and y (dy and dx) must not overlap.
#pragma once

#include "nn/nn.h"

// x is (B, C, T), y is (B, C, T); host memory.
nn_status preemphasis_forward_cpu(const nn_tensor_view * x, nn_tensor_view * y, float a);

// dy is (B, C, T), dx is (B, C, T); host memory. dx[t] = dy[t] - a * dy[t+1], dx[T-1] = dy[T-1].
nn_status preemphasis_backward_cpu(const nn_tensor_view * dy, nn_tensor_view * dx, float a);

// Same contracts with device memory, queued on stream (0 = the legacy default stream). They
// return once the kernel is queued; NN_STATUS_UNSUPPORTED when the build has no CUDA.
nn_status preemphasis_forward_cuda(const nn_tensor_view * x, nn_tensor_view * y, float a,
                                   nn_cuda_stream_t stream);
nn_status preemphasis_backward_cuda(const nn_tensor_view * dy, nn_tensor_view * dx, float a,
                                    nn_cuda_stream_t stream);
