// sim.cpp: the simulator's scheduler: blocks, fibers, barriers, warp collectives and the checks
// of sim/sim.h. One OS thread runs everything; a launch holds sim_launch while it runs.
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

namespace {

constexpr unsigned WARP        = 32;
constexpr unsigned MAX_THREADS = 1024;
constexpr size_t   STACK_BYTES = 128 * 1024; // per fiber, plus one guard page below it

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

const char * warp_op_name(warp_op op) {
    switch (op) {
        case warp_op::shfl: return "shfl";
        case warp_op::shfl_xor: return "shfl_xor";
        case warp_op::shfl_down: return "shfl_down";
        case warp_op::shfl_up: return "shfl_up";
        case warp_op::vote_any: return "any";
        case warp_op::vote_all: return "all";
        case warp_op::ballot: return "ballot";
        case warp_op::mma_bf16: return "mma_m16n8k16_bf16";
        case warp_op::mma_tf32: return "mma_m16n8k8_tf32";
    }
    return "?";
}

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

thread_local sim_launch * g_launch = nullptr;
uint64_t                  g_epoch  = 1; // barrier intervals, never reused across blocks
uint64_t                  g_block  = 0; // block serial, for shared arrays' per-block poison
sched_order               g_order  = sched_order::forward;
std::mt19937_64           g_rng(1);
bool                      g_check_sites = true;

bool same_site(site a, site b) {
    return a.line == b.line && (a.file == b.file || (a.file != nullptr && b.file != nullptr &&
                                                     std::strcmp(a.file, b.file) == 0));
}

std::string site_text(site a) {
    return std::string(a.file != nullptr ? a.file : "?") + ":" + std::to_string(a.line);
}

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

// ---- helpers

sim_launch & current_launch(const char * what) {
    if (g_launch == nullptr || g_launch->current == nullptr) {
        std::fprintf(stderr, "kx_sim: %s called outside a kernel launch\n", what);
        std::abort();
    }
    return *g_launch;
}

std::string format(const char * fmt, ...) __attribute__((format(printf, 1, 2)));
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

/** Records the launch's error (the first one wins). */
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

/** From inside a thread: records the error and leaves the fiber for good. */
[[noreturn]] void fail_thread(const std::string & check) {
    sim_launch & L = *g_launch;
    fail_launch(L, check);
    sim_thread * t = L.current;
    fiber_switch(t->ctx, L.scheduler);
    std::fprintf(stderr, "kx_sim: an aborted fiber was resumed\n");
    std::abort();
}

void yield_thread(sim_launch & L) {
    sim_thread * t = L.current;
    fiber_switch(t->ctx, L.scheduler);
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

// ---- warp collectives

uint32_t lo_bf16(uint32_t r) {
    return (r & 0xffffu) << 16;
}
uint32_t hi_bf16(uint32_t r) {
    return r & 0xffff0000u;
}
float as_float(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

// The PTX ISA's fragment layouts, written here independently of kernel.cuh's helpers so that
// test-sim's matmul check compares two readings of the ISA ("Matrix Fragments for mma.m16n8k16
// with floating point type", "... mma.m16n8k8 ... .tf32"). g = lane / 4, q = lane % 4.
void mma_bf16(sim_thread * const * lanes) {
    float A[16][16], B[16][8], C[16][8];
    for (unsigned lane = 0; lane < WARP; lane++) {
        const warp_request & r = lanes[lane]->req;
        const unsigned       g = lane / 4, q = lane % 4;
        // A: a0,a1 (row g, cols 2q,2q+1), a2,a3 (row g+8), a4,a5 (row g, cols +8), a6,a7 (g+8, +8)
        for (unsigned reg = 0; reg < 4; reg++) {
            const unsigned row = g + ((reg & 1) ? 8 : 0);
            const unsigned col = 2 * q + ((reg & 2) ? 8 : 0);
            A[row][col]        = as_float(lo_bf16(r.a[reg]));
            A[row][col + 1]    = as_float(hi_bf16(r.a[reg]));
        }
        // B: b0,b1 (rows 2q,2q+1, col g), b2,b3 (rows 2q+8, 2q+9)
        for (unsigned reg = 0; reg < 2; reg++) {
            const unsigned k = 2 * q + (reg ? 8 : 0);
            B[k][g]          = as_float(lo_bf16(r.b[reg]));
            B[k + 1][g]      = as_float(hi_bf16(r.b[reg]));
        }
        // C: c0,c1 (row g, cols 2q,2q+1), c2,c3 (row g+8)
        for (unsigned e = 0; e < 4; e++) {
            C[g + (e >= 2 ? 8 : 0)][2 * q + (e & 1)] = r.c[e];
        }
    }
    for (unsigned lane = 0; lane < WARP; lane++) {
        const unsigned g = lane / 4, q = lane % 4;
        for (unsigned e = 0; e < 4; e++) {
            const unsigned row = g + (e >= 2 ? 8 : 0), col = 2 * q + (e & 1);
            float          acc = C[row][col];
            for (unsigned k = 0; k < 16; k++) {
                acc += A[row][k] * B[k][col]; // bf16 × bf16 is exact in float
            }
            lanes[lane]->req.d[e] = acc;
        }
    }
}

void mma_tf32(sim_thread * const * lanes) {
    float A[16][8], B[8][8], C[16][8];
    for (unsigned lane = 0; lane < WARP; lane++) {
        const warp_request & r = lanes[lane]->req;
        const unsigned       g = lane / 4, q = lane % 4;
        // A: a0 (g, q), a1 (g+8, q), a2 (g, q+4), a3 (g+8, q+4); the unit reads 19 bits of each
        for (unsigned reg = 0; reg < 4; reg++) {
            A[g + ((reg & 1) ? 8 : 0)][q + ((reg & 2) ? 4 : 0)] = as_float(r.a[reg] & 0xffffe000u);
        }
        // B: b0 (q, g), b1 (q+4, g)
        B[q][g]     = as_float(r.b[0] & 0xffffe000u);
        B[q + 4][g] = as_float(r.b[1] & 0xffffe000u);
        for (unsigned e = 0; e < 4; e++) {
            C[g + (e >= 2 ? 8 : 0)][2 * q + (e & 1)] = r.c[e];
        }
    }
    for (unsigned lane = 0; lane < WARP; lane++) {
        const unsigned g = lane / 4, q = lane % 4;
        for (unsigned e = 0; e < 4; e++) {
            const unsigned row = g + (e >= 2 ? 8 : 0), col = 2 * q + (e & 1);
            float          acc = C[row][col];
            for (unsigned k = 0; k < 8; k++) {
                acc += A[row][k] * B[k][col]; // tf32 × tf32 (11-bit significands) is exact
            }
            lanes[lane]->req.d[e] = acc;
        }
    }
}

/** Completes warp w's collective when all its lanes wait at it; false when not all arrived. */
bool resolve_warp(sim_launch & L, unsigned w) {
    const unsigned first = w * WARP;
    if (first + WARP > L.n_threads) {
        for (unsigned i = first; i < L.n_threads; i++) {
            if (L.threads[i].state == tstate::warp) {
                fail_launch(L, format("warp collective %s in warp %u, which has only %u threads "
                                      "(blocks must be whole warps)",
                                      warp_op_name(L.threads[i].req.op), w, L.n_threads - first));
                return false;
            }
        }
        return false;
    }
    sim_thread * lanes[WARP];
    for (unsigned l = 0; l < WARP; l++) {
        lanes[l] = &L.threads[first + l];
        if (lanes[l]->state != tstate::warp) {
            return false;
        }
    }
    const warp_request & r0 = lanes[0]->req;
    for (unsigned l = 1; l < WARP; l++) {
        const warp_request & r = lanes[l]->req;
        if (r.op != r0.op || r.type != r0.type || (g_check_sites && !same_site(r.at, r0.at))) {
            fail_launch(L, format("lanes of warp %u wait at different warp collectives: thread %s "
                                  "at %s (%s), thread %s at %s (%s)",
                                  w, thread_text(L, first).c_str(), warp_op_name(r0.op),
                                  site_text(r0.at).c_str(), thread_text(L, first + l).c_str(),
                                  warp_op_name(r.op), site_text(r.at).c_str()));
            return false;
        }
    }
    switch (r0.op) {
        case warp_op::shfl:
        case warp_op::shfl_xor:
        case warp_op::shfl_down:
        case warp_op::shfl_up:
            for (unsigned l = 0; l < WARP; l++) {
                const int p   = lanes[l]->req.param;
                const int ln  = static_cast<int>(l);
                int       src = ln;
                switch (r0.op) {
                    case warp_op::shfl: src = p & 31; break;
                    case warp_op::shfl_xor: src = ln ^ p; break;
                    case warp_op::shfl_down: src = ln + p; break;
                    default: src = ln - p; break;
                }
                if (src < 0 || src >= static_cast<int>(WARP)) {
                    src = ln; // outside the warp: the lane keeps its own value, as CUDA's
                }
                lanes[l]->req.result = lanes[src]->req.bits;
            }
            break;
        case warp_op::vote_any:
        case warp_op::vote_all:
        case warp_op::ballot: {
            uint32_t ballot = 0;
            for (unsigned l = 0; l < WARP; l++) {
                ballot |= (lanes[l]->req.bits != 0 ? 1u : 0u) << l;
            }
            const uint64_t v = r0.op == warp_op::ballot     ? ballot
                               : r0.op == warp_op::vote_any ? (ballot != 0)
                                                            : (ballot == 0xffffffffu);
            for (unsigned l = 0; l < WARP; l++) {
                lanes[l]->req.result = v;
            }
            break;
        }
        case warp_op::mma_bf16: mma_bf16(lanes); break;
        case warp_op::mma_tf32: mma_tf32(lanes); break;
    }
    for (unsigned l = 0; l < WARP; l++) {
        lanes[l]->state = tstate::ready;
    }
    return true;
}

/** Posts the current thread's part of a warp collective and waits for the warp. */
void warp_collective(warp_request & req) {
    sim_launch & L = current_launch(warp_op_name(req.op));
    sim_thread * t = L.current;
    t->req         = req;
    t->state       = tstate::warp;
    yield_thread(L);
    req.result = t->req.result;
}

template <typename V>
uint64_t to_bits(V v) {
    uint64_t u = 0;
    std::memcpy(&u, &v, sizeof v);
    return u;
}
template <typename V>
V from_bits(uint64_t u) {
    V v;
    std::memcpy(&v, &u, sizeof v);
    return v;
}
template <typename V>
int type_code() {
    return std::is_same<V, float>::value ? 0 : std::is_same<V, double>::value ? 1 : 2;
}

template <typename V>
V shuffle(warp_op op, V v, int param, site at) {
    warp_request req{};
    req.op    = op;
    req.type  = type_code<V>();
    req.bits  = to_bits(v);
    req.param = param;
    req.at    = at;
    warp_collective(req);
    return from_bits<V>(req.result);
}

uint64_t vote(warp_op op, bool p, site at) {
    warp_request req{};
    req.op   = op;
    req.type = 3;
    req.bits = p ? 1 : 0;
    req.at   = at;
    warp_collective(req);
    return req.result;
}

// ---- one block

void report_stuck(sim_launch & L) {
    // Nothing runnable, no warp complete: a partial warp collective or a barrier problem.
    for (unsigned i = 0; i < L.n_threads; i++) {
        if (L.threads[i].state != tstate::warp) {
            continue;
        }
        const unsigned w = i / WARP;
        for (unsigned j = w * WARP; j < std::min(L.n_threads, (w + 1) * WARP); j++) {
            if (L.threads[j].state != tstate::warp) {
                fail_launch(L, format("warp collective %s reached by only part of warp %u: thread "
                                      "%s waits at it, thread %s %s",
                                      warp_op_name(L.threads[i].req.op), w,
                                      thread_text(L, i).c_str(), thread_text(L, j).c_str(),
                                      L.threads[j].state == tstate::done ? "has finished"
                                                                         : "waits at a barrier"));
                return;
            }
        }
    }
}

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
            report_stuck(L);
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

#define KX_SIM_SHUFFLES(V)                                                                    \
    V shfl(V v, int src_lane, site at) {                                                      \
        return shuffle(warp_op::shfl, v, src_lane, at);                                       \
    }                                                                                         \
    V shfl_xor(V v, int lane_mask, site at) {                                                 \
        return shuffle(warp_op::shfl_xor, v, lane_mask, at);                                  \
    }                                                                                         \
    V shfl_down(V v, unsigned delta, site at) {                                               \
        return shuffle(warp_op::shfl_down, v, delta > 32 ? 32 : static_cast<int>(delta), at); \
    }                                                                                         \
    V shfl_up(V v, unsigned delta, site at) {                                                 \
        return shuffle(warp_op::shfl_up, v, delta > 32 ? 32 : static_cast<int>(delta), at);   \
    }
KX_SIM_SHUFFLES(float)
KX_SIM_SHUFFLES(double)
KX_SIM_SHUFFLES(int)
#undef KX_SIM_SHUFFLES

bool vote_any(bool p, site at) {
    return vote(warp_op::vote_any, p, at) != 0;
}
bool vote_all(bool p, site at) {
    return vote(warp_op::vote_all, p, at) != 0;
}
unsigned vote_ballot(bool p, site at) {
    return static_cast<unsigned>(vote(warp_op::ballot, p, at));
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

void mma_m16n8k16_bf16(float d[4], const uint32_t a[4], const uint32_t b[2], const float c[4],
                       site at) {
    warp_request req{};
    req.op = warp_op::mma_bf16;
    req.at = at;
    req.a  = a;
    req.b  = b;
    req.c  = c;
    float out[4];
    req.d = out;
    warp_collective(req);
    std::memcpy(d, out, sizeof out);
}

void mma_m16n8k8_tf32(float d[4], const uint32_t a[4], const uint32_t b[2], const float c[4],
                      site at) {
    warp_request req{};
    req.op = warp_op::mma_tf32;
    req.at = at;
    req.a  = a;
    req.b  = b;
    req.c  = c;
    float out[4];
    req.d = out;
    warp_collective(req);
    std::memcpy(d, out, sizeof out);
}

// ----------------------------------------------------------------------------
// shared memory checks

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
    if (c.epoch != g_epoch) {
        c.epoch  = g_epoch;
        c.writer = -1;
        c.reader = -1;
    }
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
    if (c.epoch != g_epoch) {
        c.epoch  = g_epoch;
        c.writer = -1;
        c.reader = -1;
    }
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
