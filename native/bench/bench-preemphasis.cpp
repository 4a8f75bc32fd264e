// bench-preemphasis.cpp: pre-emphasis throughput against a memcpy of the same bytes, which is the
// bound for a streaming op (read T floats, write T floats).
// usage: nn_bench_preemphasis [B C T]   (default 8 96 65536: 8 clips, 96 channels, 4 s at 16 kHz)
// Checks first (the op returns OK), then times; prints GB/s counting bytes read + written.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "nn/nn.h"
#include "nn/preemphasis.h"

#if defined(NN_WITH_CUDA)
#include <cuda_runtime.h>
#endif

namespace {

constexpr int REPEATS = 20;

template <typename F>
double best_seconds(F && run) {
    double best = 1e30;
    for (int i = 0; i < REPEATS; i++) {
        const auto start = std::chrono::steady_clock::now();
        run();
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = s < best ? s : best;
    }
    return best;
}

void report(const char * name, size_t bytes_moved, double seconds) {
    std::printf("%-28s %8.3f ms  %8.2f GB/s\n", name, seconds * 1e3,
                static_cast<double>(bytes_moved) / seconds / 1e9);
}

#if defined(NN_WITH_CUDA)
int bench_cuda(const std::vector<float> & x, size_t B, size_t C, size_t T) {
    const size_t n = B * C * T, bytes = n * sizeof(float);
    float *      d_x = nullptr;
    float *      d_y = nullptr;
    if (cudaMalloc(&d_x, bytes) != cudaSuccess || cudaMalloc(&d_y, bytes) != cudaSuccess) {
        std::printf("cuda: allocation of 2 x %zu bytes failed\n", bytes);
        return 1;
    }
    cudaMemcpy(d_x, x.data(), bytes, cudaMemcpyHostToDevice);
    nn_tensor_view vx = nn_view_3d(d_x, B, C, T), vy = nn_view_3d(d_y, B, C, T);
    if (preemphasis_forward_cuda(&vx, &vy, 0.97f, nullptr) != NN_STATUS_OK) {
        std::printf("cuda: %s\n", nn_last_error());
        return 1;
    }
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    auto time_gpu = [&](auto && launch) {
        float best = 1e30f;
        for (int i = 0; i < REPEATS; i++) {
            cudaEventRecord(start);
            launch();
            cudaEventRecord(stop);
            cudaEventSynchronize(stop);
            float ms = 0.0f;
            cudaEventElapsedTime(&ms, start, stop);
            best = ms < best ? ms : best;
        }
        return static_cast<double>(best) / 1e3;
    };
    report("cuda memcpy (d2d)", 2 * bytes,
           time_gpu([&] { cudaMemcpyAsync(d_y, d_x, bytes, cudaMemcpyDeviceToDevice); }));
    report("preemphasis_forward_cuda", 2 * bytes,
           time_gpu([&] { preemphasis_forward_cuda(&vx, &vy, 0.97f, nullptr); }));
    report("preemphasis_backward_cuda", 2 * bytes,
           time_gpu([&] { preemphasis_backward_cuda(&vx, &vy, 0.97f, nullptr); }));
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    cudaFree(d_x);
    cudaFree(d_y);
    return 0;
}
#endif

} // namespace

int main(int argc, char ** argv) {
    size_t B = 8, C = 96, T = 65536;
    if (argc == 4) {
        B = std::strtoull(argv[1], nullptr, 10);
        C = std::strtoull(argv[2], nullptr, 10);
        T = std::strtoull(argv[3], nullptr, 10);
    } else if (argc != 1) {
        std::printf("usage: %s [B C T]\n", argv[0]);
        return 2;
    }
    const size_t       n = B * C * T, bytes = n * sizeof(float);
    std::vector<float> x(n), y(n);
    for (size_t i = 0; i < n; i++) {
        x[i] = static_cast<float>(i % 1000) * 1e-3f - 0.5f;
    }
    nn_tensor_view vx = nn_view_3d(x.data(), B, C, T), vy = nn_view_3d(y.data(), B, C, T);
    if (preemphasis_forward_cpu(&vx, &vy, 0.97f) != NN_STATUS_OK) {
        std::printf("cpu: %s\n", nn_last_error());
        return 1;
    }
    std::printf("pre-emphasis (B, C, T) = (%zu, %zu, %zu), %.1f MB per tensor\n", B, C, T,
                static_cast<double>(bytes) / 1e6);
    report("cpu memcpy", 2 * bytes, best_seconds([&] { std::memcpy(y.data(), x.data(), bytes); }));
    report("preemphasis_forward_cpu", 2 * bytes,
           best_seconds([&] { preemphasis_forward_cpu(&vx, &vy, 0.97f); }));
    report("preemphasis_backward_cpu", 2 * bytes,
           best_seconds([&] { preemphasis_backward_cpu(&vx, &vy, 0.97f); }));

    int  count       = 0;
    char reason[256] = "";
    nn_cuda_device_count(&count, reason, sizeof(reason));
    if (count == 0) {
        std::printf("SKIP cuda: no CUDA device (%s)\n", reason);
        return 0;
    }
#if defined(NN_WITH_CUDA)
    return bench_cuda(x, B, C, T);
#else
    return 0;
#endif
}
