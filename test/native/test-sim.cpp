// test-sim.cpp: the CPU simulator itself (native/src/sim/, docs/cuda.md "CPU simulator"): tests
// that show its checks work, on the test kernels of sim/testing/test-kernels.cpp (written against
// cuda/kernel.cuh like every kernel). Op `simulator`, backend sim only, so the runner runs each
// case in the three thread orders (forward, reverse, random):
//   - a shared-memory block reduction with its barriers is exact, and bitwise equal on reruns;
//   - the same with the barrier inside the tree loop, or after the loads, removed is caught;
//   - two threads writing one shared element, or one writing what another reads, are caught;
//   - a barrier inside `if (thread_idx().x < 16)` is a divergent barrier, so are two barrier
//     calls; a shuffle inside `if (lane < 16)` is a partial warp collective; a shuffle between
//     a write and another thread's read does not order them; out-of-bounds and never-written
//     shared reads are caught; after a failed launch the next one runs;
//   - shuffles (down, up, xor, indexed; float, int, double) and votes give CUDA's results;
//   - mma m16n8k16 bf16 and m16n8k8 tf32, fragments loaded with kernel.cuh's layout helpers,
//     equal a plain matmul of the rounded inputs;
//   - a captured stream records launches and copies, and the graph replays them;
//   - kernel.cuh's to_bf16 / to_tf32 round known values as cvt.rn.bf16 / cvt.rna.tf32.

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "sim/runtime.h"
#include "sim/testing/test-kernels.h"
#include "test-common.h"
#include "test-device.h"
#include "test-registry.h"

namespace {

constexpr test_backend SIM = test_backend::sim;

/** A case of op `simulator` that runs on the simulator only. */
struct test_sim_check : test_case {
    test_sim_check(std::string check_name, void (*fn)()) : name_(std::move(check_name)), fn_(fn) {}
    std::string name() const override { return name_; }
    bool        supports(test_backend b) const override { return b == SIM; }
    void        check_values(test_backend) override { fn_(); }

  private:
    std::string name_;
    void (*fn_)();
};

/** Checks that a launch failed with cudaErrorLaunchFailure and a message containing each of
 * the words; prints the message with -v. */
void expect_caught(int status, std::initializer_list<const char *> words, const char * what) {
    const std::string & msg = kx_sim::last_launch_error();
    CHECK_MSG(status == kx_sim::cudaErrorLaunchFailure, "%s: status %d, expected a launch failure",
              what, status);
    for (const char * w : words) {
        CHECK_MSG(msg.find(w) != std::string::npos, "%s: '%s' not in message '%s'", what, w,
                  msg.c_str());
    }
    if (test_verbose()) {
        std::printf("    %s: %s\n", what, msg.c_str());
    }
    kx_sim::clear_launch_error();
}

// ----------------------------------------------------------------------------
// shared memory: reduction, missing barriers, races

// x holds small integers, so every order of float sums is exact.
std::vector<float> reduce_input(size_t n) {
    std::vector<float> x(n);
    for (size_t i = 0; i < n; i++) {
        x[i] = static_cast<float>(static_cast<int>((i * 7919) % 201) - 100);
    }
    return x;
}

void test_block_reduce() {
    for (const size_t n : {size_t(1), size_t(128), size_t(1000)}) {
        const std::vector<float> x      = reduce_input(n);
        const size_t             blocks = (n + 127) / 128;
        dev_buffer               d_x(SIM, x), out(SIM, blocks), again(SIM, blocks);
        CHECK(sim_test_block_reduce(d_x.data(), out.data(), n, SIM_REDUCE_OK, nullptr) == 0);
        CHECK(sim_test_block_reduce(d_x.data(), again.data(), n, SIM_REDUCE_OK, nullptr) == 0);
        const std::vector<float> got = out.download(), got2 = again.download();
        CHECK(out.guards_intact());
        for (size_t b = 0; b < blocks && got.size() == blocks; b++) {
            double want = 0.0;
            for (size_t i = b * 128; i < std::min(n, (b + 1) * 128); i++) {
                want += x[i];
            }
            CHECK_MSG(got[b] == static_cast<float>(want), "n %zu block %zu: %g, want %g", n, b,
                      static_cast<double>(got[b]), want);
        }
        CHECK(got.size() == got2.size() &&
              std::memcmp(got.data(), got2.data(), got.size() * sizeof(float)) == 0);
    }
}

void test_missing_loop_barrier() {
    const std::vector<float> x = reduce_input(300);
    dev_buffer               d_x(SIM, x), out(SIM, 3);
    expect_caught(
        sim_test_block_reduce(d_x.data(), out.data(), 300, SIM_REDUCE_NO_LOOP_BARRIER, nullptr),
        {"block_reduce_kernel", "shared-memory race on partial["}, "no loop barrier");
    // the launch aborted cleanly: the next one runs
    CHECK(sim_test_block_reduce(d_x.data(), out.data(), 300, SIM_REDUCE_OK, nullptr) == 0);
}

void test_missing_load_barrier() {
    const std::vector<float> x = reduce_input(300);
    dev_buffer               d_x(SIM, x), out(SIM, 3);
    const int                status =
        sim_test_block_reduce(d_x.data(), out.data(), 300, SIM_REDUCE_NO_LOAD_BARRIER, nullptr);
    const std::string & msg = kx_sim::last_launch_error();
    // forward order reads partial[64] before thread 64 wrote it; other orders race on it
    CHECK_MSG(msg.find("race") != std::string::npos ||
                  msg.find("before any thread wrote it") != std::string::npos,
              "message '%s'", msg.c_str());
    expect_caught(status, {"partial["}, "no load barrier");
}

void test_write_write_race() {
    dev_buffer out(SIM, 1);
    expect_caught(sim_test_shared_race(out.data(), false),
                  {"shared_race_kernel", "race on cell[0]", "both wrote"}, "write-write race");
}

void test_read_write_race() {
    dev_buffer out(SIM, 1);
    expect_caught(sim_test_shared_race(out.data(), true), {"race on cell[0]"}, "read-write race");
}

// ----------------------------------------------------------------------------
// barriers and warp collectives

void test_divergent_barrier() {
    dev_buffer out(SIM, 64);
    expect_caught(sim_test_divergent_barrier(out.data()),
                  {"divergent_barrier_kernel", "divergent barrier", "16 of 64 threads"},
                  "barrier under if (tid < 16)");
}

void test_barrier_sites() {
    dev_buffer out(SIM, 64);
    expect_caught(sim_test_barrier_sites(out.data()),
                  {"barrier_sites_kernel", "different barrier calls", "test-kernels.cpp:"},
                  "two barrier calls");
}

void test_warp_op_not_barrier() {
    dev_buffer out(SIM, 1);
    expect_caught(sim_test_warp_op_not_barrier(out.data()), {"race on cell[0]"},
                  "a shuffle between a write and a read");
}

void test_shared_bounds() {
    dev_buffer out(SIM, 64);
    expect_caught(sim_test_shared_bounds(out.data()), {"small[", "out of bounds (size 32)"},
                  "shared index 32 of 32");
}

void test_uninitialised() {
    dev_buffer out(SIM, 64);
    expect_caught(sim_test_uninitialised(out.data()), {"half[", "before any thread wrote it"},
                  "uninitialised shared read");
}

void test_bad_config() {
    dev_buffer out(SIM, 64);
    CHECK(sim_test_bad_config(out.data()) == kx_sim::cudaErrorInvalidConfiguration);
    CHECK(std::strstr(kx_sim::cudaGetErrorString(kx_sim::cudaErrorInvalidConfiguration), "2048") !=
          nullptr);
}

void test_partial_warp() {
    dev_buffer out(SIM, 64);
    expect_caught(sim_test_partial_warp(out.data()),
                  {"partial_warp_kernel", "shfl_down reached by only part of warp 0"},
                  "shuffle under if (lane < 16)");
}

void test_warp_ops() {
    dev_buffer out(SIM, SIM_WARP_ROWS * 64);
    CHECK(sim_test_warp_ops(out.data()) == 0);
    const std::vector<float> got = out.download();
    if (got.size() != SIM_WARP_ROWS * 64) {
        return;
    }
    int bad = 0;
    for (unsigned tid = 0; tid < 64; tid++) {
        const unsigned lane = tid % 32, base = tid >= 32 ? 100 : 0;
        auto           v = [&](unsigned l) { return static_cast<float>(l + 1 + base); };
        // shfl_down tree: lane l holds the sum of v over lanes l, l+1, … as CUDA's partial sums
        // with own-value fallback; lane 0 must hold the warp's total
        const float total               = 528.0f + 32.0f * static_cast<float>(base);
        const float want[SIM_WARP_ROWS] = {
            lane == 0 ? total : got[0 * 64 + tid], // only lane 0 is defined by the tree
            total,
            v(5),
            lane >= 3 ? v(lane - 3) : v(lane),
            lane < 31 ? v(lane + 1) : v(lane),
            static_cast<float>((31 - lane) * 3),
            static_cast<float>(static_cast<double>(v(lane ^ 1)) * 0.5),
            static_cast<float>(0x9249u), // lanes 0, 3, 6, …, 15 of bits 0-15
            static_cast<float>(0x4924u), // lanes 18, 21, …, 30 in bits 16-31
            1.0f,
            1.0f,
            0.0f};
        for (int r = 0; r < SIM_WARP_ROWS; r++) {
            if (got[static_cast<size_t>(r) * 64 + tid] != want[r] && bad++ < 10) {
                std::printf("FAIL warp op row %d thread %u: %g, want %g\n", r, tid,
                            static_cast<double>(got[static_cast<size_t>(r) * 64 + tid]),
                            static_cast<double>(want[r]));
            }
        }
    }
    CHECK_MSG(bad == 0, "%d warp-op results differ from CUDA's", bad);
}

// ----------------------------------------------------------------------------
// tensor-core tiles

float round_bf16(float f) {
    const uint32_t bits = static_cast<uint32_t>(sim_test_to_bf16(f)) << 16;
    float          r;
    std::memcpy(&r, &bits, sizeof r);
    return r;
}

float round_tf32(float f) {
    const uint32_t bits = sim_test_to_tf32(f);
    float          r;
    std::memcpy(&r, &bits, sizeof r);
    return r;
}

// d = a (M×K) · b (K×8) + c, every term rounded by `round`; checks the simulator's tile against
// it within float accumulation error (sum of |terms| times a few ulp).
void check_mma(int K, bool bf16, uint64_t seed) {
    const int          M = 16, N = 8;
    std::vector<float> a(static_cast<size_t>(M * K)), b(static_cast<size_t>(K * N)), c(M * N);
    fill_uniform(a, seed);
    fill_uniform(b, seed + 1);
    fill_uniform(c, seed + 2);
    dev_buffer d_a(SIM, a), d_b(SIM, b), d_c(SIM, c), d_d(SIM, M * N);
    const int  status = bf16 ? sim_test_mma_bf16(d_a.data(), d_b.data(), d_c.data(), d_d.data())
                             : sim_test_mma_tf32(d_a.data(), d_b.data(), d_c.data(), d_d.data());
    CHECK_MSG(status == 0, "%s", kx_sim::last_launch_error().c_str());
    const std::vector<float> d = d_d.download();
    if (d.size() != static_cast<size_t>(M * N)) {
        return;
    }
    double worst = 0.0;
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < N; j++) {
            double want = c[i * N + j], mag = std::fabs(want);
            for (int k = 0; k < K; k++) {
                const double term =
                    bf16 ? static_cast<double>(round_bf16(a[i * K + k])) * round_bf16(b[k * N + j])
                         : static_cast<double>(round_tf32(a[i * K + k])) * round_tf32(b[k * N + j]);
                want += term;
                mag += std::fabs(term);
            }
            worst = std::fmax(worst, std::fabs(d[i * N + j] - want) / mag);
        }
    }
    CHECK_MSG(worst < 4.0 * K * 6e-8, "%s: worst error %.3g of the terms' magnitude",
              bf16 ? "bf16" : "tf32", worst);
    // and the rounding matters: without it (plain float inputs) the result would differ
    double unrounded_diff = 0.0;
    for (int j = 0; j < N; j++) {
        double plain = c[j];
        for (int k = 0; k < K; k++) {
            plain += static_cast<double>(a[k]) * b[k * N + j];
        }
        unrounded_diff = std::fmax(unrounded_diff, std::fabs(plain - d[j]));
    }
    CHECK_MSG(unrounded_diff > 1e-5, "%s: inputs were not rounded", bf16 ? "bf16" : "tf32");
}

void test_mma_bf16() {
    check_mma(16, true, 11);
    check_mma(16, true, 12);
}

void test_mma_tf32() {
    check_mma(8, false, 21);
    check_mma(8, false, 22);
}

float from_bits(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

void test_rounding() {
    const struct {
        uint32_t in;
        uint16_t bf16;
    } bf[] = {
        {0x3f800000u, 0x3f80u}, // 1
        {0x3f808000u, 0x3f80u}, // 1 + 2^-8: a tie, to even (down)
        {0x3f818000u, 0x3f82u}, // a tie, to even (up)
        {0x3f808001u, 0x3f81u}, // just above the tie
        {0x3f807fffu, 0x3f80u}, // just below
        {0x80000000u, 0x8000u}, // -0
        {0xbf818000u, 0xbf82u}, // negative tie, to even
        {0x7f7fffffu, 0x7f80u}, // FLT_MAX rounds to inf
        {0x7f800000u, 0x7f80u}, // inf
        {0xff800000u, 0xff80u}, // -inf
        {0x00000001u, 0x0000u}, // the smallest subnormal rounds to 0
    };
    for (const auto & t : bf) {
        CHECK_MSG(sim_test_to_bf16(from_bits(t.in)) == t.bf16, "to_bf16(%08x) = %04x, want %04x",
                  t.in, sim_test_to_bf16(from_bits(t.in)), t.bf16);
    }
    const uint16_t nan = sim_test_to_bf16(from_bits(0x7f800001u)); // a NaN with low bits only
    CHECK((nan & 0x7f80u) == 0x7f80u && (nan & 0x7fu) != 0);       // still NaN, not inf
    const struct {
        uint32_t in, tf32;
    } tf[] = {
        {0x3f800000u, 0x3f800000u}, {0x3f800fffu, 0x3f800000u}, // below half: down
        {0x3f801000u, 0x3f802000u},                             // a tie: away from zero
        {0xbf801000u, 0xbf802000u},                             // negative tie: away
        {0x3f803000u, 0x3f804000u},                             // a tie above an odd: away
        {0x7f800000u, 0x7f800000u}, {0x7fc00001u, 0x7fc00001u}, // inf, NaN kept
    };
    for (const auto & t : tf) {
        CHECK_MSG(sim_test_to_tf32(from_bits(t.in)) == t.tf32, "to_tf32(%08x) = %08x, want %08x",
                  t.in, sim_test_to_tf32(from_bits(t.in)), t.tf32);
    }
}

// ----------------------------------------------------------------------------
// streams and graphs

void test_graph_capture() {
    const size_t       n = 100;
    std::vector<float> x(n), x2(n);
    fill_uniform(x, 31);
    fill_uniform(x2, 32);
    dev_buffer d_x(SIM, x), d_y(SIM, n), d_z(SIM, n);

    kx_sim::cudaStream_t stream = nullptr;
    CHECK(kx_sim::cudaStreamCreate(&stream) == kx_sim::cudaSuccess);
    CHECK(kx_sim::cudaStreamBeginCapture(stream, kx_sim::cudaStreamCaptureModeGlobal) ==
          kx_sim::cudaSuccess);
    CHECK(sim_test_scale(d_x.data(), d_y.data(), n, 2.0f, stream) == 0);
    CHECK(kx_sim::cudaMemcpyAsync(d_z.data(), d_y.data(), n * sizeof(float),
                                  kx_sim::cudaMemcpyDeviceToDevice, stream) == kx_sim::cudaSuccess);
    CHECK(sim_test_scale(d_z.data(), d_z.data(), n, 0.5f, stream) == 0);
    kx_sim::cudaGraph_t graph = nullptr;
    CHECK(kx_sim::cudaStreamEndCapture(stream, &graph) == kx_sim::cudaSuccess);
    // nothing ran during the capture: the outputs still hold their poison
    const std::vector<float> before = d_y.download();
    CHECK(before.size() == n && std::isnan(before[0]) && std::isnan(before[n - 1]));

    kx_sim::cudaGraphExec_t exec = nullptr;
    CHECK(kx_sim::cudaGraphInstantiate(&exec, graph, 0) == kx_sim::cudaSuccess);
    for (int replay = 0; replay < 2; replay++) {
        const std::vector<float> & in = replay == 0 ? x : x2;
        d_x.upload(in);
        CHECK(kx_sim::cudaGraphLaunch(exec, stream) == kx_sim::cudaSuccess);
        CHECK(kx_sim::cudaStreamSynchronize(stream) == kx_sim::cudaSuccess);
        const std::vector<float> y = d_y.download(), z = d_z.download();
        bool                     same = y.size() == n && z.size() == n;
        for (size_t i = 0; same && i < n; i++) {
            same = y[i] == 2.0f * in[i] && z[i] == in[i];
        }
        CHECK_MSG(same, "replay %d: the graph's results differ", replay);
    }
    CHECK(kx_sim::cudaGraphExecDestroy(exec) == kx_sim::cudaSuccess);
    CHECK(kx_sim::cudaGraphDestroy(graph) == kx_sim::cudaSuccess);

    // as on the device: the legacy stream cannot be captured, and a synchronous copy during a
    // capture invalidates it
    CHECK(kx_sim::cudaStreamBeginCapture(nullptr, kx_sim::cudaStreamCaptureModeGlobal) ==
          kx_sim::cudaErrorStreamCaptureUnsupported);
    CHECK(kx_sim::cudaStreamBeginCapture(stream, kx_sim::cudaStreamCaptureModeGlobal) ==
          kx_sim::cudaSuccess);
    float host = 0.0f;
    CHECK(kx_sim::cudaMemcpy(&host, d_y.data(), sizeof host, kx_sim::cudaMemcpyDeviceToHost) ==
          kx_sim::cudaErrorStreamCaptureUnsupported);
    CHECK(kx_sim::cudaStreamEndCapture(stream, &graph) ==
          kx_sim::cudaErrorStreamCaptureInvalidated);
    (void) kx_sim::cudaGetLastError();
    CHECK(kx_sim::cudaStreamDestroy(stream) == kx_sim::cudaSuccess);
}

void test_memory() {
    // copies must stay inside allocations; the limit turns into cudaErrorMemoryAllocation
    dev_buffer d(SIM, 16);
    float      host[32] = {};
    CHECK(kx_sim::cudaMemcpy(d.data(), host, 32 * sizeof(float), kx_sim::cudaMemcpyHostToDevice) ==
          kx_sim::cudaSuccess); // 16 floats + the guard: still inside the allocation
    CHECK(kx_sim::cudaMemcpy(host, host + 1, 4, kx_sim::cudaMemcpyDeviceToHost) ==
          kx_sim::cudaErrorInvalidValue);
    (void) kx_sim::cudaGetLastError();
    kx_sim::set_memory_limit(kx_sim::allocated_bytes() + 1000);
    void * p = nullptr;
    CHECK(kx_sim::cudaMalloc(&p, 2000) == kx_sim::cudaErrorMemoryAllocation && p == nullptr);
    CHECK(kx_sim::cudaGetLastError() == kx_sim::cudaErrorMemoryAllocation);
    CHECK(kx_sim::cudaMalloc(&p, 500) == kx_sim::cudaSuccess);
    CHECK(kx_sim::cudaFree(p) == kx_sim::cudaSuccess);
    kx_sim::set_memory_limit(0);
}

} // namespace

NN_TEST_CASES(simulator) {
    auto add = [&](const char * name, void (*fn)()) { cases.add<test_sim_check>(name, fn); };
    add("block reduction in shared memory, with its barriers", test_block_reduce);
    add("a removed barrier in the reduction's loop is caught", test_missing_loop_barrier);
    add("a removed barrier after the loads is caught", test_missing_load_barrier);
    add("two threads writing one shared element is caught", test_write_write_race);
    add("a write and a read of one element by two threads is caught", test_read_write_race);
    add("a barrier under if (tid < 16) is caught", test_divergent_barrier);
    add("a shuffle under if (lane < 16) is caught", test_partial_warp);
    add("threads at two different barrier calls are caught", test_barrier_sites);
    add("a warp collective is not a barrier for the race check", test_warp_op_not_barrier);
    add("a shared index out of bounds is caught", test_shared_bounds);
    add("a read of never-written shared memory is caught", test_uninitialised);
    add("a block of 2048 threads is an invalid configuration", test_bad_config);
    add("shuffles and votes give CUDA's results", test_warp_ops);
    add("mma m16n8k16 bf16 equals a matmul of the rounded inputs", test_mma_bf16);
    add("mma m16n8k8 tf32 equals a matmul of the rounded inputs", test_mma_tf32);
    add("to_bf16 and to_tf32 known values", test_rounding);
    add("stream capture and graph replay", test_graph_capture);
    add("device memory: bounds of copies, memory limit", test_memory);
}
