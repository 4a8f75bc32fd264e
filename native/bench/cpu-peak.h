// cpu-peak.h: this CPU's measured single-precision peak, the reference the compute benches
// (nn_bench_conv1d, nn_bench_epoch) report their "% of peak" against.
// defines: cpu_peak_gflops, cpu_peak_bf16_gflops
//
// A kernel of 12 (24 with AVX-512) independent vector multiply-add chains per thread, compiled
// for the baseline ISA and, on x86-64, for AVX2+FMA and AVX-512F, run on every nn_parallel_for
// thread (nn_cpu_threads()); the best one the CPU supports is "the peak". Measured rather than
// taken from a data sheet because the benches run on VMs whose model and clocks are hidden.
#pragma once

/**
 * Measures the peak in GFLOP/s (2 per multiply-add) on the current thread count, printing one
 * line per kernel measured ("peak AVX2+FMA (8-wide) ... GFLOP/s"), and returns the best; takes
 * well under a second. Returns 0 (and prints nothing) where the compiler has no vector
 * extensions (not GCC or Clang): callers then report plain GFLOP/s.
 */
double cpu_peak_gflops(void);

/**
 * The same for bf16 pair dot products (VDPBF16PS: 2 FLOP per multiply-add, 32 multiply-adds per
 * instruction) where the CPU has AVX512_BF16, printing one line; 0 (nothing printed) elsewhere.
 * The reference for conv1d's bf16 path (nn/conv1d.h, "Precision").
 */
double cpu_peak_bf16_gflops(void);
