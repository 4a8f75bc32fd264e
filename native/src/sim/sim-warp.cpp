// sim-warp.cpp: the simulator's warp collectives: shuffles, votes and the tensor-core tiles
// (mma). A lane posts its part and yields; when no thread is runnable the scheduler (sim.cpp)
// calls resolve_warp, which completes a collective once all 32 lanes of the warp wait at the same
// one, and report_partial_warp, which names one that only part of a warp reached. The tiles
// follow the PTX ISA's fragment layouts, read independently of kernel.cuh.

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>

#include "sim/sim-internal.h"
#include "sim/sim.h"

namespace kx_sim {

using namespace internal;

namespace {

// ---- the tiles

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

/** Row and column in the 16×8 tile of element e (0..3) of a lane's C or D fragment. */
unsigned cd_row(unsigned lane, unsigned e) {
    return lane / 4 + (e >= 2 ? 8 : 0);
}
unsigned cd_col(unsigned lane, unsigned e) {
    return 2 * (lane % 4) + (e & 1);
}

/** D = A·B + C over the warp's 16×8 tile, written to each lane's d; A and B hold values that
 * multiply exactly in float (bf16 or tf32), so only the sums round. */
template <unsigned K>
void mma_tile(sim_thread * const * lanes, const float (&A)[16][K], const float (&B)[K][8]) {
    float C[16][8];
    for (unsigned lane = 0; lane < WARP; lane++) {
        for (unsigned e = 0; e < 4; e++) {
            C[cd_row(lane, e)][cd_col(lane, e)] = lanes[lane]->req.c[e];
        }
    }
    for (unsigned lane = 0; lane < WARP; lane++) {
        for (unsigned e = 0; e < 4; e++) {
            const unsigned row = cd_row(lane, e), col = cd_col(lane, e);
            float          acc = C[row][col];
            for (unsigned k = 0; k < K; k++) {
                acc += A[row][k] * B[k][col];
            }
            lanes[lane]->req.d[e] = acc;
        }
    }
}

// The PTX ISA's fragment layouts, written here independently of kernel.cuh's helpers so that
// test-sim's matmul check compares two readings of the ISA ("Matrix Fragments for mma.m16n8k16
// with floating point type", "... mma.m16n8k8 ... .tf32"). g = lane / 4, q = lane % 4.
void mma_bf16(sim_thread * const * lanes) {
    float A[16][16], B[16][8];
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
    }
    mma_tile(lanes, A, B); // bf16 × bf16 is exact in float
}

void mma_tf32(sim_thread * const * lanes) {
    float A[16][8], B[8][8];
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
    }
    mma_tile(lanes, A, B); // tf32 × tf32 (11-bit significands) is exact in float
}

// ---- a lane's side

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

/** One lane's part of an mma tile op (op: mma_bf16 or mma_tf32). */
void mma(warp_op op, float d[4], const uint32_t a[4], const uint32_t b[2], const float c[4],
         site at) {
    warp_request req{};
    req.op = op;
    req.at = at;
    req.a  = a;
    req.b  = b;
    req.c  = c;
    float out[4];
    req.d = out;
    warp_collective(req);
    std::memcpy(d, out, sizeof out);
}

} // namespace

// ----------------------------------------------------------------------------
// the scheduler's side

namespace internal {

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
        if (r.op != r0.op || r.type != r0.type || (checking_sites() && !same_site(r.at, r0.at))) {
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

void report_partial_warp(sim_launch & L) {
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

} // namespace internal

// ----------------------------------------------------------------------------
// the kernel-side API (sim.h)

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

void mma_m16n8k16_bf16(float d[4], const uint32_t a[4], const uint32_t b[2], const float c[4],
                       site at) {
    mma(warp_op::mma_bf16, d, a, b, c, at);
}

void mma_m16n8k8_tf32(float d[4], const uint32_t a[4], const uint32_t b[2], const float c[4],
                      site at) {
    mma(warp_op::mma_tf32, d, a, b, c, at);
}

} // namespace kx_sim
