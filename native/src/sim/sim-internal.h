// sim-internal.h: what the simulator's runtime (runtime.cpp) asks of its scheduler (sim.cpp), and
// what the scheduler and the warp collectives (sim-warp.cpp) share: a launch's threads and the
// states they wait in.
// defines: kx_sim::run_kernel; in kx_sim::internal: WARP, tstate, warp_op, warp_request,
//          sim_thread, sim_launch, current_launch, yield_thread, fail_launch, format,
//          thread_text, same_site, site_text, checking_sites, warp_op_name, resolve_warp,
//          report_partial_warp
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/fiber.h"
#include "sim/runtime.h"
#include "sim/sim.h"

namespace kx_sim {

/** Runs the kernel over grid × block now: cudaSuccess, or cudaErrorInvalidConfiguration /
 * cudaErrorLaunchFailure with the message in error. */
cudaError_t run_kernel(const char * name, dim3 grid, dim3 block, std::function<void()> & kernel,
                       std::string & error);

namespace internal {

constexpr unsigned WARP = 32;

/** Where a thread is: runnable, at a barrier, at a warp collective, or finished. */
enum class tstate { ready, barrier, warp, done };

enum class warp_op {
    shfl,
    shfl_xor,
    shfl_down,
    shfl_up,
    vote_any,
    vote_all,
    ballot,
    mma_bf16,
    mma_tf32
};

/** What a lane brings to a warp collective, and where its result goes. */
struct warp_request {
    warp_op          op;
    int              type; // 0 float, 1 double, 2 int (shuffles)
    uint64_t         bits; // the value (shuffles) or predicate (votes)
    int              param;
    uint64_t         result;
    site             at;
    const uint32_t * a;
    const uint32_t * b;
    const float *    c;
    float *          d;
};

struct sim_thread {
    fiber        ctx;
    dim3         idx;
    unsigned     linear;
    tstate       state;
    site         at; // barrier call site
    warp_request req;
};

struct sim_launch {
    const char *            name;
    dim3                    grid, block, block_index;
    std::function<void()> * kernel;
    std::vector<sim_thread> threads;
    unsigned                n_threads;
    sim_thread *            current = nullptr;
    fiber                   scheduler;
    bool                    failed = false;
    std::string             error;
};

// ---- the scheduler's (sim.cpp)

/** The running launch; aborts when called outside a kernel (what: the caller, for the message). */
sim_launch & current_launch(const char * what);
/** From inside a thread: back to the scheduler until the thread is runnable again. */
void yield_thread(sim_launch & L);
/** Records the launch's error (the first one wins). */
void fail_launch(sim_launch & L, const std::string & check);
std::string format(const char * fmt, ...) __attribute__((format(printf, 1, 2)));
/** Thread `linear`'s index as a message shows it: x, or (x,y,z) in a 2-D or 3-D block. */
std::string thread_text(const sim_launch & L, unsigned linear);
bool        same_site(site a, site b);
std::string site_text(site a);
/** Whether lanes and threads must wait at the same call site (set_site_checks). */
bool checking_sites();

// ---- the warp collectives' (sim-warp.cpp)

const char * warp_op_name(warp_op op);
/** Completes warp w's collective when all its lanes wait at it; false when not all arrived. */
bool resolve_warp(sim_launch & L, unsigned w);
/** Nothing runnable and no warp complete: records the first warp collective that only part of
 * its warp reached (nothing when the cause is a barrier). */
void report_partial_warp(sim_launch & L);

} // namespace internal

} // namespace kx_sim
