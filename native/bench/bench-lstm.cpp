// bench-lstm.cpp: throughput of the LSTM's forward + backward (nn/lstm.h) against this CPU's
// measured single-precision peak, beside the convolution's ratio measured in the same process.
// usage: nn_bench_lstm [threads] [--quick]
//   threads  nn_core threads (default: nn_core's default, every hardware thread)
//   --quick  fewer repetitions (a smoke run)
//
// Peak: cpu_peak_gflops (cpu-peak.h, the reference nn_bench_conv1d divides by). Shapes: one layer,
// T = 64, X = H, batch 32 and 64, hidden 256 and 512, no dropout. FLOPs are the matmuls' only
// (2 per multiply-add): forward F = 2 T B 4H (X + H) (the input GEMM over all steps plus one
// recurrent GEMM per step), backward 2F (dh per step, dW_ih, dW_hh, dx), so forward + backward
// 3F; the gates' pointwise work (~30 flops per unit and step, exp and tanh) is left out of the
// count but not out of the time. Each row also times the two GEMM shapes alone on matmul_cpu:
// the input GEMM ((T*B) x X by X x 4H) and the per-step recurrent GEMM (B x H by H x 4H, T
// times), so the table shows where the time goes. The convolution row is nn_bench_conv1d's first
// shape (96->96 K9 D1 valid, T_out 32000, forward), the efficiency the LSTM's matmuls aim at;
// "vs conv" is the LSTM's GFLOP/s over the convolution's, the median of paired runs (robust to
// a shared machine's changing load, unlike two best times taken at different moments).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cpu-peak.h"
#include "cpu/matmul.h"
#include "cpu/parallel.h"
#include "nn/conv1d.h"
#include "nn/lstm.h"
#include "nn/nn.h"

namespace {

int g_min_runs = 3;
double g_min_seconds = 1.0;

// Best seconds of fn over at least g_min_runs runs and g_min_seconds in all.
template <typename F>
double best_seconds(F && fn) {
    double best = 1e30, total = 0.0;
    for (int i = 0; i < 200 && (i < g_min_runs || total < g_min_seconds); i++) {
        const auto start = std::chrono::steady_clock::now();
        fn();
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::min(best, s);
        total += s;
    }
    return best;
}

void fill(std::vector<float> & v, size_t mod, float scale, float shift) {
    for (size_t i = 0; i < v.size(); i++) v[i] = float(i % mod) * scale - shift;
}

// nn_bench_conv1d's first shape: 96 -> 96 channels, K 9, D 1, valid, T_out 32000, forward.
struct conv_reference {
    static constexpr size_t C = 96, K = 9, T_out = 32000, T_in = T_out + K - 1;
    std::vector<float>      x, w, y;
    nn_tensor_view          vx, vw, vy;
    double                  flop = 2.0 * double(C * C * K * T_out);

    conv_reference() : x(C * T_in), w(C * C * K), y(C * T_out) {
        fill(x, 1013, 1e-3f, 0.5f);
        fill(w, 97, 1e-3f, 0.05f);
        vx = nn_view_3d(x.data(), 1, C, T_in);
        vw = nn_view_3d(w.data(), C, C, K);
        vy = nn_view_3d(y.data(), 1, C, T_out);
    }
    void run() { conv1d_forward_cpu(&vx, &vw, nullptr, &vy, 1, 0); }
};

template <typename F>
double seconds_of(F && fn) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The LSTM's GFLOP/s over the convolution's, as the median of paired runs (conv, then LSTM
// forward + backward, at least 5 pairs and 2 s): each pair sees the same load on a shared
// machine, where the best times alone may come from different quiet moments.
template <typename F>
double median_ratio_to_conv(conv_reference & conv, double lstm_flop, F && lstm) {
    std::vector<double> ratios;
    double              total = 0.0;
    for (int i = 0; i < 100 && (i < (g_min_runs > 1 ? 5 : 1) || total < 2.0 * g_min_seconds); i++) {
        const double tc = seconds_of([&] { conv.run(); }), tl = seconds_of(lstm);
        ratios.push_back((lstm_flop / tl) / (conv.flop / tc));
        total += tc + tl;
    }
    std::sort(ratios.begin(), ratios.end());
    const size_t n = ratios.size();
    return n % 2 == 1 ? ratios[n / 2] : 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]);
}

int bench(size_t B, size_t H, double peak, conv_reference & conv) {
    const size_t   T = 64, X = H;
    nn_lstm_config cfg = {T, B, X, H, 1, 0.0f, 1};
    const size_t   P = lstm_param_count(&cfg), G = 4 * H;
    std::vector<float> params(P), x(T * B * X), y(T * B * H), dy(T * B * H), dx(x.size());
    std::vector<float> dp(P, 0.0f), cache(lstm_cache_count(&cfg));
    fill(params, 97, 2e-3f, 0.09f);
    fill(x, 1013, 2e-3f, 1.0f);
    fill(dy, 101, 2e-2f, 1.0f);
    auto forward = [&] {
        return lstm_forward_cpu(&cfg, params.data(), x.data(), nullptr, nullptr, y.data(), nullptr,
                                nullptr, cache.data());
    };
    auto backward = [&] {
        return lstm_backward_cpu(&cfg, params.data(), x.data(), cache.data(), dy.data(), nullptr,
                                 nullptr, dp.data(), dx.data(), nullptr, nullptr);
    };
    if (forward() != NN_STATUS_OK || backward() != NN_STATUS_OK) {
        std::printf("B%zu H%zu: %s\n", B, H, nn_last_error());
        return 1;
    }
    const double F  = 2.0 * double(T * B * G) * double(X + H);
    const double tf = best_seconds(forward), tb = best_seconds(backward);
    // the GEMM shapes alone
    std::vector<float> a(T * B * X), w(X * G), c(T * B * G), ha(B * H), wh(H * G), hc(B * G);
    fill(a, 1013, 2e-3f, 1.0f);
    fill(w, 97, 2e-3f, 0.09f);
    fill(ha, 1013, 2e-3f, 1.0f);
    fill(wh, 97, 2e-3f, 0.09f);
    const double t_in =
        best_seconds([&] { matmul_cpu(a.data(), w.data(), c.data(), T * B, G, X); });
    const double t_rec = best_seconds([&] {
        for (size_t t = 0; t < T; t++) matmul_cpu(ha.data(), wh.data(), hc.data(), B, G, H);
    });
    const double f_in = 2.0 * double(T * B * X * G), f_rec = 2.0 * double(T * B * H * G);
    const auto   pct  = [&](double flop, double s) { return 100.0 * flop / s / 1e9 / peak; };
    const double vs_conv = median_ratio_to_conv(conv, 3.0 * F, [&] {
        forward();
        backward();
    });
    std::printf("| B%zu H%zu T%zu | %.2f | %.2f | %.2f | %.1f | **%.1f%%** | %.1f%% | %.1f%% |"
                " %.1f%% | %.1f%% | **%.2f** |\n",
                B, H, T, tf * 1e3, tb * 1e3, (tf + tb) * 1e3, 3.0 * F / (tf + tb) / 1e9,
                pct(3.0 * F, tf + tb), pct(F, tf), pct(2.0 * F, tb), pct(f_in, t_in),
                pct(f_rec, t_rec), vs_conv);
    return 0;
}

} // namespace

int main(int argc, char ** argv) {
    int threads_arg = 0;
    for (int i = 1; i < argc; i++) {
        char * end = nullptr;
        if (std::strcmp(argv[i], "--quick") == 0) {
            g_min_runs    = 1;
            g_min_seconds = 0.0;
        } else if (threads_arg == 0 && std::strtoull(argv[i], &end, 10) > 0 && *end == '\0') {
            threads_arg = i;
        } else {
            std::printf("usage: %s [threads] [--quick]\n", argv[0]);
            return 2;
        }
    }
    if (threads_arg > 0) nn_set_cpu_threads(std::strtoull(argv[threads_arg], nullptr, 10));
    std::printf("matmul kernel (conv1d's): %s, threads: %zu\n", conv1d_cpu_kernel(),
                nn_cpu_threads());
    double peak = cpu_peak_gflops();
    if (peak <= 0.0) {
        peak = 1.0;
        std::printf("peak: not measured with this compiler; %% columns are GFLOP/s\n");
    }
    std::printf("peak used for %%: %.1f GFLOP/s\n\n", peak);
    conv_reference conv;
    const double   tc = best_seconds([&] { conv.run(); });
    std::printf("| convolution (reference) | ms | GFLOP/s | %% peak |\n|---|---|---|---|\n");
    std::printf("| conv1d 96->96 K9 D1 valid 32000, forward | %.2f | %.1f | %.1f%% |\n\n",
                tc * 1e3, conv.flop / tc / 1e9, 100.0 * conv.flop / tc / 1e9 / peak);
    std::printf("| LSTM (1 layer, X = H) | fwd ms | bwd ms | fwd+bwd ms | GFLOP/s | %% peak |"
                " fwd %% | bwd %% | input GEMM %% | step GEMM %% | vs conv |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const size_t B : {32, 64}) {
        for (const size_t H : {256, 512}) {
            if (bench(B, H, peak, conv) != 0) return 1;
        }
    }
    // On a shared machine the load may change during the run: the peak again, so a reader sees
    // whether the percentages above still hold.
    std::printf("\npeak measured again after the rows:\n");
    const double after = cpu_peak_gflops();
    std::printf("peak after / before: %.2f%s\n", after / peak,
                after < 0.9 * peak || after > 1.1 * peak ? " (the load changed: rerun)" : "");
    return 0;
}
