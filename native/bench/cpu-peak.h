// cpu-peak.h: this CPU's measured single-precision peak, the reference the compute benches
// (nn_bench_conv1d, nn_bench_epoch) report their "% of peak" against.
// defines: cpu_peak_gflops
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
