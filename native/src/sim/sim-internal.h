// sim-internal.h: what the simulator's runtime (runtime.cpp) asks of its scheduler (sim.cpp).
// defines: kx_sim::run_kernel
#pragma once

#include <functional>
#include <string>

#include "sim/runtime.h"

namespace kx_sim {

/** Runs the kernel over grid × block now: cudaSuccess, or cudaErrorInvalidConfiguration /
 * cudaErrorLaunchFailure with the message in error. */
cudaError_t run_kernel(const char * name, dim3 grid, dim3 block, std::function<void()> & kernel,
                       std::string & error);

} // namespace kx_sim
