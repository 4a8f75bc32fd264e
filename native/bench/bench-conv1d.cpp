// bench-conv1d.cpp: throughput of the dilated 1-D convolution (nn/conv1d.h) against this CPU's
// measured single-precision peak.
// usage: nn_bench_conv1d [threads]   (default: nn_core's default, every hardware thread)
//
// Peak: cpu_peak_gflops (cpu-peak.h: FMA chains on every thread, the best ISA the CPU has). Then
// forward, backward-dx and backward-dw of the Catch-A-Waveform shapes (docs/caw-spec.md §1),
// best of several runs, GFLOP/s counting 2 per multiply-add (B*C_out*C_in*K*T_out MACs) and % of
// that peak.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "cpu-peak.h"
#include "cpu/parallel.h"
#include "nn/conv1d.h"
#include "nn/nn.h"

namespace {

// ----------------------------------------------------------------------------
// convolution

struct bench_case {
    const char * name;
    size_t       C_in, C_out, K, D, pad, T_out;
};

template <typename F>
double best_seconds(F && run) {
    double best = 1e30, total = 0.0;
    for (int i = 0; i < 50 && (i < 3 || total < 1.5); i++) {
        const auto start = std::chrono::steady_clock::now();
        run();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::min(best, s);
        total += s;
    }
    return best;
}

int bench(const bench_case & c, double peak) {
    const size_t       span = c.D * (c.K - 1), T_in = c.T_out + span - 2 * c.pad;
    std::vector<float> x(c.C_in * T_in), w(c.C_out * c.C_in * c.K), bias(c.C_out);
    std::vector<float> y(c.C_out * c.T_out), dy(c.C_out * c.T_out), dx(x.size()), dw(w.size(), 0.0f);
    for (size_t i = 0; i < x.size(); i++) x[i] = float(i % 1013) * 1e-3f - 0.5f;
    for (size_t i = 0; i < w.size(); i++) w[i] = float(i % 97) * 1e-3f - 0.05f;
    for (size_t i = 0; i < dy.size(); i++) dy[i] = float(i % 101) * 1e-2f - 0.5f;
    nn_tensor_view vx = nn_view_3d(x.data(), 1, c.C_in, T_in), vw = nn_view_3d(w.data(), c.C_out, c.C_in, c.K);
    nn_tensor_view vb = nn_view_3d(bias.data(), c.C_out, 1, 1);
    vb.ndim           = 1;
    nn_tensor_view vy = nn_view_3d(y.data(), 1, c.C_out, c.T_out), vdy = nn_view_3d(dy.data(), 1, c.C_out, c.T_out);
    nn_tensor_view vdx = nn_view_3d(dx.data(), 1, c.C_in, T_in), vdw = nn_view_3d(dw.data(), c.C_out, c.C_in, c.K);
    if (conv1d_forward_cpu(&vx, &vw, &vb, &vy, c.D, c.pad) != NN_STATUS_OK ||
        conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, &vdw, nullptr, c.D, c.pad) != NN_STATUS_OK) {
        std::printf("%s: %s\n", c.name, nn_last_error());
        return 1;
    }
    const double flop = 2.0 * double(c.C_out * c.C_in * c.K) * double(c.T_out);
    const double t[3] = {
        best_seconds([&] { conv1d_forward_cpu(&vx, &vw, &vb, &vy, c.D, c.pad); }),
        best_seconds([&] { conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, nullptr, nullptr, c.D, c.pad); }),
        best_seconds([&] { conv1d_backward_cpu(&vx, &vw, &vdy, nullptr, &vdw, nullptr, c.D, c.pad); })};
    const char * what[3] = {"forward", "backward dx", "backward dw"};
    for (int i = 0; i < 3; i++) {
        const double gflops = flop / t[i] / 1e9;
        std::printf("| %-26s | %-11s | %8.2f | %7.1f | %5.1f%% |\n", c.name, what[i], t[i] * 1e3,
                    gflops, 100.0 * gflops / peak);
    }
    return 0;
}

} // namespace

int main(int argc, char ** argv) {
    if (argc == 2) {
        nn_set_cpu_threads(std::strtoull(argv[1], nullptr, 10));
    } else if (argc != 1) {
        std::printf("usage: %s [threads]\n", argv[0]);
        return 2;
    }
    std::printf("conv1d kernel: %s, threads: %zu\n", conv1d_cpu_kernel(), nn_cpu_threads());
    double peak = cpu_peak_gflops();
    if (peak <= 0.0) {
        peak = 1.0;
        std::printf("peak: not measured with this compiler; %% columns are GFLOP/s\n");
    }
    std::printf("peak used for %%: %.1f GFLOP/s\n\n", peak);
    std::printf("| shape (C_in->C_out, K, D, pad, T_out) | pass | ms | GFLOP/s | %% peak |\n");
    std::printf("|---|---|---|---|---|\n");
    const bench_case cases[] = {
        {"96->96 K9 D1 valid 32000", 96, 96, 9, 1, 0, 32000},
        {"96->96 K9 D8 valid 32000", 96, 96, 9, 8, 0, 32000},
        {"96->96 K9 D128 valid 32000", 96, 96, 9, 128, 0, 32000},
        {"96->96 K9 D1 same(4) 32000", 96, 96, 9, 1, 4, 32000},
        {"16->16 K9 D8 valid 32000", 16, 16, 9, 8, 0, 32000},
        {"1->96 K9 D1 valid 32000", 1, 96, 9, 1, 0, 32000},
        {"96->1 K9 D128 valid 32000", 96, 1, 9, 128, 0, 32000},
        {"96->1 K1 valid 32000", 96, 1, 1, 1, 0, 32000},
    };
    for (const bench_case & c : cases) {
        if (bench(c, peak) != 0) return 1;
    }
    return 0;
}
