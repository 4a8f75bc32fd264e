// sim.cpp: the simulator's scheduler: launches, blocks, fibers, barriers, and the shared-memory
// checks of sim/sim.h. One OS thread runs everything; a launch holds sim_launch while it runs.
// The warp collectives (shuffles, votes, mma tiles) are sim-warp.cpp's.
//
// A block's threads are fibers on stacks allocated once and reused: ucontext (makecontext /
// swapcontext from libc), or on x86-64 Linux a 12-instruction switch of the callee-saved
// registers (fiber.h), which skips swapcontext's signal-mask system call and halves the time of
// the tests (KX_SIM_UCONTEXT=1 forces ucontext). The scheduler runs
// each runnable thread (in the schedule's order) until it blocks at a barrier or warp collective
// or finishes; when none is runnable it completes the warp collectives whose 32 lanes all
// arrived, else releases a barrier that every thread reached at the same call, else reports
// what is stuck (a divergent barrier, a partial warp collective) and aborts the launch. A failed
// check inside a thread switches back to the scheduler at once and the block's fibers are
// abandoned (their stacks are reset by the next block).
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "sim/fiber.h"
#include "sim/sim-internal.h"
#include "sim/sim.h"

#if KX_SIM_FIBER_ASM
// kx_sim_fiber_swap(save_sp = rdi, next_sp = rsi): push the callee-saved registers, store rsp,
// load the next fiber's rsp, pop its registers, return into it (fiber_init's frame for a new one).
asm(R"(
    .pushsection .text
    .globl kx_sim_fiber_swap
    .type kx_sim_fiber_swap, @function
kx_sim_fiber_swap:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size kx_sim_fiber_swap, .-kx_sim_fiber_swap
    .popsection
)");
#endif

namespace kx_sim {

using namespace internal;

namespace {

constexpr unsigned MAX_THREADS = 1024;
constexpr size_t   STACK_BYTES = 128 * 1024; // per fiber, plus one guard page below it

thread_local sim_launch * g_launch = nullptr;
uint64_t                  g_epoch  = 1; // barrier intervals, never reused across blocks
uint64_t                  g_block  = 0; // block serial, for shared arrays' per-block poison
sched_order               g_order  = sched_order::forward;
std::mt19937_64           g_rng(1);
bool                      g_check_sites = true;

} // namespace

// ----------------------------------------------------------------------------
// what sim-warp.cpp shares (sim-internal.h)

namespace internal {

bool same_site(site a, site b) {
    return a.line == b.line && (a.file == b.file || (a.file != nullptr && b.file != nullptr &&
                                                     std::strcmp(a.file, b.file) == 0));
}

std::string site_text(site a) {
    return std::string(a.file != nullptr ? a.file : "?") + ":" + std::to_string(a.line);
}

sim_launch & current_launch(const char * what) {
    if (g_launch == nullptr || g_launch->current == nullptr) {
        std::fprintf(stderr, "kx_sim: %s called outside a kernel launch\n", what);
        std::abort();
    }
    return *g_launch;
}

std::string format(const char * fmt, ...) {
    char    buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

std::string thread_text(const sim_launch & L, unsigned linear) {
    const dim3 t = L.threads[linear].idx;
    if (L.block.y == 1 && L.block.z == 1) {
        return format("%u", t.x);
    }
    return format("(%u,%u,%u)", t.x, t.y, t.z);
}

void fail_launch(sim_launch & L, const std::string & check) {
    if (L.failed) {
        return;
    }
    L.failed = true;
    L.error = format("kernel %s, block (%u,%u,%u) of grid (%u,%u,%u), block (%u,%u,%u), order %s: ",
                     L.name, L.block_index.x, L.block_index.y, L.block_index.z, L.grid.x, L.grid.y,
                     L.grid.z, L.block.x, L.block.y, L.block.z, schedule_name(g_order)) +
              check;
}

void yield_thread(sim_launch & L) {
    sim_thread * t = L.current;
    fiber_switch(t->ctx, L.scheduler);
}

bool checking_sites() {
    return g_check_sites;
}

} // namespace internal

namespace {

// ---- fiber stacks: allocated once, reused by every block

std::vector<char *> g_stacks;

char * stack_for(unsigned i) {
    while (g_stacks.size() <= i) {
        const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        void *       mem  = mmap(nullptr, STACK_BYTES + page, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (mem == MAP_FAILED) {
            std::fprintf(stderr, "kx_sim: cannot map a fiber stack\n");
            std::abort();
        }
        mprotect(mem, page, PROT_NONE); // an overflow faults instead of corrupting a neighbour
        g_stacks.push_back(static_cast<char *>(mem) + page);
    }
    return g_stacks[i];
}

/** From inside a thread: records the error and leaves the fiber for good. */
[[noreturn]] void fail_thread(const std::string & check) {
    sim_launch & L = *g_launch;
    fail_launch(L, check);
    sim_thread * t = L.current;
    fiber_switch(t->ctx, L.scheduler);
    std::fprintf(stderr, "kx_sim: an aborted fiber was resumed\n");
    std::abort();
}

void fiber_main() {
    sim_launch & L = *g_launch;
    (*L.kernel)();
    L.current->state = tstate::done;
    fiber_switch(L.current->ctx, L.scheduler);
}

/** The order of 0..n-1 the scheduler walks this round. */
void round_order(std::vector<unsigned> & order, unsigned n) {
    order.resize(n);
    for (unsigned i = 0; i < n; i++) {
        order[i] = g_order == sched_order::reverse ? n - 1 - i : i;
    }
    if (g_order == sched_order::random) {
        std::shuffle(order.begin(), order.end(), g_rng);
    }
}

// ---- one block

void run_block(sim_launch & L) {
    g_block++;
    g_epoch++;
    for (unsigned i = 0; i < L.n_threads; i++) {
        sim_thread & t = L.threads[i];
        t.state        = tstate::ready;
        t.at           = site{nullptr, 0};
        fiber_init(t.ctx, stack_for(i), STACK_BYTES, fiber_main);
    }
    std::vector<unsigned> order;
    for (;;) {
        round_order(order, L.n_threads);
        bool ran = false;
        for (unsigned i : order) {
            sim_thread & t = L.threads[i];
            if (t.state != tstate::ready) {
                continue;
            }
            L.current = &t;
            fiber_switch(L.scheduler, t.ctx);
            L.current = nullptr;
            ran       = true;
            if (L.failed) {
                return;
            }
        }
        // Everyone waits or has finished: warp collectives first.
        bool resolved = false;
        for (unsigned w = 0; w * WARP < L.n_threads; w++) {
            resolved = resolve_warp(L, w) || resolved;
            if (L.failed) {
                return;
            }
        }
        if (resolved) {
            continue;
        }
        unsigned n_done = 0, n_barrier = 0, first_done = 0, first_barrier = 0;
        for (unsigned i = 0; i < L.n_threads; i++) {
            const tstate s = L.threads[i].state;
            if (s == tstate::done && n_done++ == 0) {
                first_done = i;
            }
            if (s == tstate::barrier && n_barrier++ == 0) {
                first_barrier = i;
            }
        }
        if (n_done == L.n_threads) {
            return;
        }
        if (n_done + n_barrier < L.n_threads) {
            report_partial_warp(L);
            if (!L.failed) {
                fail_launch(L, "the scheduler found no runnable thread (internal error)");
            }
            return;
        }
        if (n_done > 0) {
            fail_launch(L, format("divergent barrier: %u of %u threads wait at a barrier (thread "
                                  "%s first) while %u have finished (thread %s first)",
                                  n_barrier, L.n_threads, thread_text(L, first_barrier).c_str(),
                                  n_done, thread_text(L, first_done).c_str()));
            return;
        }
        const site at = L.threads[first_barrier].at;
        for (unsigned i = 0; i < L.n_threads; i++) {
            if (g_check_sites && !same_site(L.threads[i].at, at)) {
                fail_launch(L,
                            format("divergent barrier: threads wait at different barrier calls: "
                                   "thread %s at %s, thread %s at %s",
                                   thread_text(L, first_barrier).c_str(), site_text(at).c_str(),
                                   thread_text(L, i).c_str(), site_text(L.threads[i].at).c_str()));
                return;
            }
        }
        g_epoch++; // a new interval for the race check
        for (unsigned i = 0; i < L.n_threads; i++) {
            L.threads[i].state = tstate::ready;
        }
        (void) ran;
    }
}

unsigned block_count(dim3 g) {
    return g.x * g.y * g.z;
}

} // namespace

// ----------------------------------------------------------------------------
// launch

cudaError_t run_kernel(const char * name, dim3 grid, dim3 block, std::function<void()> & kernel,
                       std::string & error) {
    const unsigned long long n_threads =
        static_cast<unsigned long long>(block.x) * block.y * block.z;
    if (n_threads == 0 || n_threads > MAX_THREADS || block.z > 64 || grid.x == 0 || grid.y == 0 ||
        grid.z == 0 || grid.y > 65535 || grid.z > 65535) {
        error = format("kernel %s: invalid configuration: grid (%u,%u,%u), block (%u,%u,%u)", name,
                       grid.x, grid.y, grid.z, block.x, block.y, block.z);
        return cudaErrorInvalidConfiguration;
    }
    if (g_launch != nullptr) {
        error = format("kernel %s launched from inside kernel %s", name, g_launch->name);
        return cudaErrorNotSupported;
    }
    // One launch at a time in the process: the scheduler's state (epochs, stacks, shared
    // arrays) is global; host threads that launch concurrently take turns.
    static std::mutex           launch_mutex;
    std::lock_guard<std::mutex> lock(launch_mutex);
    sim_launch                  L;
    L.name      = name;
    L.grid      = grid;
    L.block     = block;
    L.kernel    = &kernel;
    L.n_threads = static_cast<unsigned>(n_threads);
    L.threads.resize(L.n_threads);
    for (unsigned z = 0, i = 0; z < block.z; z++) {
        for (unsigned y = 0; y < block.y; y++) {
            for (unsigned x = 0; x < block.x; x++, i++) {
                L.threads[i].idx    = dim3(x, y, z);
                L.threads[i].linear = i;
            }
        }
    }
    stack_for(L.n_threads - 1);
    g_launch = &L;
    std::vector<unsigned> blocks;
    round_order(blocks, block_count(grid));
    for (unsigned b : blocks) {
        L.block_index = dim3(b % grid.x, (b / grid.x) % grid.y, b / (grid.x * grid.y));
        run_block(L);
        if (L.failed) {
            break;
        }
    }
    g_launch = nullptr;
    if (L.failed) {
        error = L.error;
        return cudaErrorLaunchFailure;
    }
    return cudaSuccess;
}

void set_schedule(sched_order order, uint64_t seed) {
    g_order = order;
    g_rng.seed(seed);
}
sched_order schedule() {
    return g_order;
}
const char * schedule_name(sched_order order) {
    return order == sched_order::forward   ? "forward"
           : order == sched_order::reverse ? "reverse"
                                           : "random";
}
void set_site_checks(bool on) {
    g_check_sites = on;
}

// ----------------------------------------------------------------------------
// the kernel-side API

dim3 thread_idx() {
    return current_launch("thread_idx").current->idx;
}
dim3 block_idx() {
    return current_launch("block_idx").block_index;
}
dim3 block_dim() {
    return current_launch("block_dim").block;
}
dim3 grid_dim() {
    return current_launch("grid_dim").grid;
}

void sync_threads(site at) {
    sim_launch & L   = current_launch("sync_threads");
    L.current->at    = at;
    L.current->state = tstate::barrier;
    yield_thread(L);
}

float atomic_add(float * address, float v) {
    const float old = *address;
    *address        = old + v;
    return old;
}
double atomic_add(double * address, double v) {
    const double old = *address;
    *address         = old + v;
    return old;
}
unsigned atomic_add(unsigned * address, unsigned v) {
    const unsigned old = *address;
    *address           = old + v;
    return old;
}

// ----------------------------------------------------------------------------
// shared memory checks

namespace {

/** Forgets the cell's writer and reader when they date from before the last barrier. */
void enter_interval(shadow_cell & c) {
    if (c.epoch != g_epoch) {
        c.epoch  = g_epoch;
        c.writer = -1;
        c.reader = -1;
    }
}

} // namespace

namespace detail {

bool claim_for_block(shared_tag * tag) {
    current_launch("KX_SHARED");
    if (tag->block == g_block) {
        return false;
    }
    tag->block = g_block;
    return true;
}

void on_read(const shared_tag * tag, shadow_cell * shadow, size_t i, size_t n) {
    sim_launch & L = current_launch("a shared read");
    const int    t = static_cast<int>(L.current->linear);
    if (i >= n) {
        fail_thread(format("shared %s[%zu] read out of bounds (size %zu) by thread %s", tag->name,
                           i, n, thread_text(L, L.current->linear).c_str()));
    }
    shadow_cell & c = shadow[i];
    if (c.written == 0) {
        fail_thread(format("shared %s[%zu] read by thread %s before any thread wrote it", tag->name,
                           i, thread_text(L, L.current->linear).c_str()));
    }
    enter_interval(c);
    if (c.writer >= 0 && c.writer != t) {
        fail_thread(format("shared-memory race on %s[%zu]: thread %s wrote it and thread %s read "
                           "it with no barrier between",
                           tag->name, i, thread_text(L, static_cast<unsigned>(c.writer)).c_str(),
                           thread_text(L, L.current->linear).c_str()));
    }
    c.reader = c.reader == -1 || c.reader == t ? t : -2;
}

void on_write(const shared_tag * tag, shadow_cell * shadow, size_t i, size_t n) {
    sim_launch & L = current_launch("a shared write");
    const int    t = static_cast<int>(L.current->linear);
    if (i >= n) {
        fail_thread(format("shared %s[%zu] written out of bounds (size %zu) by thread %s",
                           tag->name, i, n, thread_text(L, L.current->linear).c_str()));
    }
    shadow_cell & c = shadow[i];
    enter_interval(c);
    if (c.writer >= 0 && c.writer != t) {
        fail_thread(format("shared-memory race on %s[%zu]: threads %s and %s both wrote it with "
                           "no barrier between",
                           tag->name, i, thread_text(L, static_cast<unsigned>(c.writer)).c_str(),
                           thread_text(L, L.current->linear).c_str()));
    }
    if (c.reader == -2 || (c.reader >= 0 && c.reader != t)) {
        fail_thread(format("shared-memory race on %s[%zu]: thread %s read it and thread %s wrote "
                           "it with no barrier between",
                           tag->name, i,
                           c.reader == -2 ? "(several)"
                                          : thread_text(L, static_cast<unsigned>(c.reader)).c_str(),
                           thread_text(L, L.current->linear).c_str()));
    }
    c.writer  = t;
    c.written = 1;
}

} // namespace detail

} // namespace kx_sim
