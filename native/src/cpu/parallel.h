// parallel.h: the CPU kernels' one way to use several cores.
// defines: nn_parallel_for, nn_cpu_threads, nn_set_cpu_threads
//
// A fixed pool of worker threads runs the half-open range [0, n) split into contiguous chunks.
// Determinism: a kernel passes ranges whose items are independent (each output element is
// computed by exactly one item, with its own fixed-order loops), so the result is bitwise the
// same whatever the thread count or the scheduling. Never use it for a reduction across items.
#pragma once

#include <cstddef>
#include <functional>

/**
 * Calls body(begin, end) on chunks covering [0, n) and returns when all are done. Chunks hold at
 * least `grain` items (small ranges run inline on the caller). Bodies must not throw and must
 * not call nn_parallel_for themselves.
 */
void nn_parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)> & body);

/** Threads used by nn_parallel_for (the caller included); defaults to the hardware's count. */
size_t nn_cpu_threads(void);

/** Sets the thread count (>= 1); 0 restores the default. Call between ops, not during one. */
void nn_set_cpu_threads(size_t threads);
