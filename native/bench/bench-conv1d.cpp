// bench-conv1d.cpp: throughput of the dilated 1-D convolution (nn/conv1d.h) against this CPU's
// measured single-precision peak.
// usage: nn_bench_conv1d [threads] [--small]
//   threads  nn_core threads (default: nn_core's default, every hardware thread)
//   --small  the few-channel shapes of a small-recipe epoch instead (C = 16, 24, 32, 48 on 10240
//            output samples: body, gate, head, tail, out_conv)
//
// Peak: cpu_peak_gflops (cpu-peak.h: FMA chains on every thread, the best ISA the CPU has). Then
// forward, backward-dx and backward-dw of the Catch-A-Waveform shapes (docs/caw-spec.md §1),
// best of several runs, GFLOP/s counting 2 per multiply-add (B*C_out*C_in*K*T_out MACs) and % of
// that peak; beside them, where the CPU has AVX512_BF16, the same pass with the precision at
// bf16 (nn/conv1d.h), % of the measured VDPBF16PS peak (cpu_peak_bf16_gflops) and bf16's
// throughput over fp32's (the median ratio of alternating runs, see best_fp32_bf16). Thin layers
// keep fp32 under bf16: no bf16 columns for them.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
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
double seconds_of(F && run) {
    const auto start = std::chrono::steady_clock::now();
    run();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Best seconds of fn in fp32 (t[0]) and, with bf16, at this thread's precision bf16 (t[1]), over
// 3 to 50 runs each (until 1.5 s per precision), and the median of the run-by-run ratios
// fp32 / bf16 (t[2]): the two alternate, so each pair sees the same load on a shared machine,
// where the best times alone may come from different quiet moments.
template <typename F>
void best_fp32_bf16(F && fn, bool bf16, double t[3]) {
    t[0] = t[1] = 1e30;
    std::vector<double> ratios;
    double              total = 0.0;
    for (int i = 0; i < 50 && (i < 3 || total < (bf16 ? 3.0 : 1.5)); i++) {
        double s[2] = {0.0, 0.0};
        for (int p = 0; p < (bf16 ? 2 : 1); p++) {
            conv1d_set_precision(p == 0 ? NN_CONV_FP32 : NN_CONV_BF16);
            s[p] = seconds_of(fn);
            t[p] = std::min(t[p], s[p]);
            total += s[p];
        }
        conv1d_set_precision(NN_CONV_FP32);
        ratios.push_back(bf16 ? s[0] / s[1] : 1.0);
    }
    std::sort(ratios.begin(), ratios.end());
    const size_t n = ratios.size();
    t[2]           = n % 2 == 1 ? ratios[n / 2] : 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]);
}

// bf16_peak: VDPBF16PS's measured peak, 0 where the CPU has no AVX512_BF16 (no bf16 columns).
int bench(const bench_case & c, double peak, double bf16_peak) {
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
    auto forward = [&] { conv1d_forward_cpu(&vx, &vw, &vb, &vy, c.D, c.pad); };
    auto dx_pass = [&] { conv1d_backward_cpu(&vx, &vw, &vdy, &vdx, nullptr, nullptr, c.D, c.pad); };
    auto dw_pass = [&] { conv1d_backward_cpu(&vx, &vw, &vdy, nullptr, &vdw, nullptr, c.D, c.pad); };
    const bool with_bf16 = bf16_peak > 0.0 && c.C_in > 1 && c.C_out > 1;
    double     both[3][3];
    best_fp32_bf16(forward, with_bf16, both[0]);
    best_fp32_bf16(dx_pass, with_bf16, both[1]);
    best_fp32_bf16(dw_pass, with_bf16, both[2]);
    const double t[3]  = {both[0][0], both[1][0], both[2][0]};
    const double tb[3] = {both[0][1], both[1][1], both[2][1]};
    const char * what[3] = {"forward", "backward dx", "backward dw"};
    for (int i = 0; i < 3; i++) {
        const double gflops = flop / t[i] / 1e9;
        std::printf("| %-26s | %-11s | %8.2f | %7.1f | %5.1f%% |", c.name, what[i], t[i] * 1e3,
                    gflops, 100.0 * gflops / peak);
        if (with_bf16) {
            const double bf16_gflops = flop / tb[i] / 1e9;
            std::printf(" %8.2f | %7.1f | %5.1f%% | %5.2fx |\n", tb[i] * 1e3, bf16_gflops,
                        100.0 * bf16_gflops / bf16_peak, both[i][2]);
        } else {
            std::printf(" - | - | - | - |\n");
        }
    }
    return 0;
}

} // namespace

// The layers of a C-channel G and D (docs/caw-spec.md §1) at N = 10240 output samples: a body
// convolution (D = 8), a gate ("same", pad 4), the 1 -> C head, D's C -> 1 tail at D = 128 and
// G's C -> 1, K = 1 out_conv. Names live in `names` (bench_case holds a pointer).
std::vector<bench_case> small_cases(std::vector<std::string> & names) {
    const size_t T = 10240;
    names.clear();
    names.reserve(20);
    std::vector<bench_case> cases;
    for (size_t C : {16, 24, 32, 48}) {
        const std::string c = std::to_string(C);
        const struct {
            std::string name;
            size_t      C_in, C_out, K, D, pad;
        } layers[] = {{c + "->" + c + " K9 D8 valid", C, C, 9, 8, 0},
                      {c + "->" + c + " K9 D1 same(4)", C, C, 9, 1, 4},
                      {"1->" + c + " K9 D1 (head)", 1, C, 9, 1, 0},
                      {c + "->1 K9 D128 (D's tail)", C, 1, 9, 128, 0},
                      {c + "->1 K1 (G's out_conv)", C, 1, 1, 1, 0}};
        for (const auto & l : layers) {
            names.push_back(l.name + " " + std::to_string(T));
            cases.push_back({nullptr, l.C_in, l.C_out, l.K, l.D, l.pad, T});
        }
    }
    for (size_t i = 0; i < cases.size(); i++) cases[i].name = names[i].c_str();
    return cases;
}

int main(int argc, char ** argv) {
    bool small = false;
    int  threads_arg = 0;
    for (int i = 1; i < argc; i++) {
        char * end = nullptr;
        if (std::strcmp(argv[i], "--small") == 0) {
            small = true;
        } else if (threads_arg == 0 && std::strtoull(argv[i], &end, 10) > 0 && *end == '\0') {
            threads_arg = i;
        } else {
            std::printf("usage: %s [threads] [--small]\n", argv[0]);
            return 2;
        }
    }
    if (threads_arg > 0) {
        nn_set_cpu_threads(std::strtoull(argv[threads_arg], nullptr, 10));
    }
    std::printf("conv1d kernel: %s, threads: %zu\n", conv1d_cpu_kernel(), nn_cpu_threads());
    double peak = cpu_peak_gflops();
    if (peak <= 0.0) {
        peak = 1.0;
        std::printf("peak: not measured with this compiler; %% columns are GFLOP/s\n");
    }
    std::printf("peak used for %%: %.1f GFLOP/s\n", peak);
    const double bf16_peak = conv1d_bf16_available() ? cpu_peak_bf16_gflops() : 0.0;
    std::printf("bf16 columns: %s\n\n", bf16_peak > 0.0
                                             ? "avx512bf16 (precision NN_CONV_BF16), % of its peak"
                                             : "none, this CPU or build has no AVX512_BF16");
    std::printf("| shape (C_in->C_out, K, D, pad, T_out) | pass | fp32 ms | GFLOP/s | %% peak |"
                " bf16 ms | GFLOP/s | %% bf16 peak | bf16/fp32 |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    std::vector<std::string> small_names;
    const std::vector<bench_case> chosen = small ? small_cases(small_names) : std::vector<bench_case>{
        {"96->96 K9 D1 valid 32000", 96, 96, 9, 1, 0, 32000},
        {"96->96 K9 D8 valid 32000", 96, 96, 9, 8, 0, 32000},
        {"96->96 K9 D128 valid 32000", 96, 96, 9, 128, 0, 32000},
        {"96->96 K9 D1 same(4) 32000", 96, 96, 9, 1, 4, 32000},
        {"32->32 K9 D8 valid 32000", 32, 32, 9, 8, 0, 32000},
        {"16->16 K9 D8 valid 32000", 16, 16, 9, 8, 0, 32000},
        {"1->96 K9 D1 valid 32000", 1, 96, 9, 1, 0, 32000},
        {"96->1 K9 D128 valid 32000", 96, 1, 9, 128, 0, 32000},
        {"96->1 K1 valid 32000", 96, 1, 1, 1, 0, 32000},
    };
    for (const bench_case & c : chosen) {
        if (bench(c, peak, bf16_peak) != 0) return 1;
    }
    return 0;
}
