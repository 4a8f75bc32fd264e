// test-runner.cpp: the one main() of the native test executables (nn_test_ops, nn_test_model):
// runs the registry's cases (test-registry.h) filtered by op, backend, mode and name, and writes
// the ctest file that registers them per op.
//
//   nn_test_ops [-o OP] [-b cpu|bf16|cuda|sim] [-m test|grad|perf] [-n TEXT] [-l] [-v]
//       -o OP      only this op (conv1d, weight_norm, …); default every op of the executable
//       -b BACKEND only this backend; default cpu, bf16 (the CPU with the conv precision at
//                  bf16, for the ops with bf16 kernels), cuda, then sim (the CUDA kernels on the
//                  CPU simulator, each case three times: thread orders forward, reverse and
//                  random with seed 1, reported as sim/forward, sim/reverse, sim/random)
//       -m MODE    test (values), grad (finite differences), perf (timings); default test, grad
//       -n TEXT    only cases whose name contains TEXT
//       -l         list the cases (op, backends, modes, name) and exit
//       -v         cases print more of what they measure
//   nn_test_ops --write-ctest FILE EXE   the build's step: add_test() lines for EXE into FILE
//
// Output: one line per case ("  ok    <name> (N checks, T s)" or "  FAIL  …"), a verdict per
// op, backend and mode ("PASS conv1d cpu test: 24 cases, 250 checks", "PASS conv1d sim/reverse
// test: …"), and "SKIP <op> cuda: <why>" where a backend cannot run here (no CUDA device; a CPU
// without AVX512_BF16). The simulator always runs: sim is never skipped, and it is not timed
// (mode perf has no sim runs). Exit 0 =
// passed, 1 = a check failed, 2 = bad usage or nothing matched, 77 (ctest's SKIP_RETURN_CODE) =
// everything selected was skipped.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "cpu/parallel.h"
#include "nn/conv1d.h"
#include "nn/nn.h"
#include "sim/runtime.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
    std::string  op;          // "" = all
    std::string  name_filter; // "" = all
    bool         backend_set = false;
    test_backend backend     = test_backend::cpu;
    unsigned     modes       = TEST_VALUES | TEST_GRAD;
    bool         list        = false;
};

/** Every registered op with its cases, sorted by op (cases in their listed order). */
std::vector<test_cases> collect() {
    std::vector<test_registration::entry> entries = test_registration::all();
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto & a, const auto & b) { return std::strcmp(a.op, b.op) < 0; });
    std::vector<test_cases> ops;
    for (const auto & e : entries) {
        if (ops.empty() || ops.back().op() != e.op) {
            ops.emplace_back(e.op);
        }
        e.fill(ops.back());
    }
    return ops;
}

/** "" when CUDA can run here, else why not. */
const std::string & cuda_unavailable() {
    static const std::string why = [] {
        int  count       = 0;
        char reason[512] = "";
        if (nn_cuda_device_count(&count, reason, sizeof(reason)) != NN_STATUS_OK) {
            return std::string("no CUDA device (") + nn_last_error() + ")";
        }
        if (count == 0) {
            return std::string("no CUDA device (") + reason + ")";
        }
        std::printf("CUDA devices: %d\n", count);
        return std::string();
    }();
    return why;
}

/** "" when the bf16 kernels can run here, else why not. */
std::string bf16_unavailable() {
    return conv1d_bf16_available() ? std::string()
                                   : "the CPU (or this build) has no AVX512_BF16 (see nn/conv1d.h)";
}

/** "" when backend can run here, else why not (the CPU always can). */
std::string backend_unavailable(test_backend backend) {
    return backend == test_backend::cuda   ? cuda_unavailable()
           : backend == test_backend::bf16 ? bf16_unavailable()
                                           : std::string();
}

const char * mode_name(unsigned mode) {
    return mode == TEST_VALUES ? "test" : mode == TEST_GRAD ? "grad" : "perf";
}

std::string modes_text(unsigned modes) {
    std::string s;
    for (unsigned m : {TEST_VALUES, TEST_GRAD, TEST_PERF}) {
        if ((modes & m) != 0) {
            s += (s.empty() ? "" : ",") + std::string(mode_name(m));
        }
    }
    return s;
}

/** Totals of one run; ran == 0 and skipped > 0 means exit 77. */
struct tally {
    size_t ran = 0, skipped = 0, failed_cases = 0;
};

bool selected(const test_case & c, const options & o, unsigned mode) {
    return (c.modes() & mode) != 0 &&
           (o.name_filter.empty() || c.name().find(o.name_filter) != std::string::npos);
}

// Times one perf entry: a warm-up, then runs until 0.3 s and at least 3 runs have passed.
void time_case(test_case & c, test_backend backend) {
    const int       failures_before = test_failures();
    const test_perf p               = c.perf(backend);
    if (!p.run || test_failures() != failures_before) {
        std::printf("  FAIL  %s: no run to time\n", c.name().c_str());
        test_failures()++;
        return;
    }
    p.run();
    size_t     runs = 0;
    const auto t0   = clock_type::now();
    double     secs = 0.0;
    while (runs < 3 || secs < 0.3) {
        p.run();
        runs++;
        secs = std::chrono::duration<double>(clock_type::now() - t0).count();
    }
    const double per_run = secs / static_cast<double>(runs);
    std::printf("  %-60s %10.3f ms/run  %10.3f G%s/s\n", c.name().c_str(), per_run * 1e3,
                p.work / per_run * 1e-9, p.unit);
}

/** The simulator's thread orders: each sim case runs once per order (seed 1 for random). */
constexpr kx_sim::sched_order SIM_ORDERS[] = {
    kx_sim::sched_order::forward, kx_sim::sched_order::reverse, kx_sim::sched_order::random};
constexpr uint64_t SIM_SEED = 1;

// Runs the selected cases of one op on one backend in one mode (sim: in the order set).
void run_op(test_cases & op, const options & o, test_backend backend, unsigned mode, tally & t,
            kx_sim::sched_order order = kx_sim::sched_order::forward) {
    const std::string        label = backend == test_backend::sim
                                         ? std::string("sim/") + kx_sim::schedule_name(order)
                                         : std::string(test_backend_name(backend));
    const char *             bname = label.c_str();
    std::vector<test_case *> chosen;
    for (auto & c : op.cases()) {
        // grad runs on the CPU only; the simulator is never timed
        const bool runs_here = mode == TEST_GRAD ? backend == test_backend::cpu
                               : mode == TEST_PERF
                                   ? backend != test_backend::sim && c->supports(backend)
                                   : c->supports(backend);
        if (selected(*c, o, mode) && runs_here) {
            chosen.push_back(c.get());
        }
    }
    if (chosen.empty()) {
        // Only a backend asked for by name, or CUDA, earns a SKIP line; an empty CPU mode is
        // simply absent (an op without finite differences, a host-only unit without perf), and
        // so is bf16 for the many ops without bf16 kernels unless -o and -b named both.
        if (backend == test_backend::bf16 && o.backend_set && !o.op.empty()) {
            std::printf("SKIP %s bf16 %s: %s\n", op.op().c_str(), mode_name(mode),
                        mode == TEST_GRAD ? "gradients are checked in double on the CPU"
                                          : ("no bf16 kernel for " + op.op()).c_str());
            t.skipped++;
        }
        if (backend == test_backend::cuda && (o.backend_set || mode == TEST_VALUES)) {
            std::printf("SKIP %s cuda %s: %s\n", op.op().c_str(), mode_name(mode),
                        mode == TEST_GRAD ? "gradients are checked in double on the CPU"
                                          : ("no CUDA kernel for " + op.op()).c_str());
            t.skipped++;
        }
        return;
    }
    const std::string why_not = backend_unavailable(backend);
    if (!why_not.empty()) {
        std::printf("SKIP %s %s %s: %s\n", op.op().c_str(), bname, mode_name(mode),
                    why_not.c_str());
        t.skipped++;
        return;
    }
    std::printf("%s %s %s\n", op.op().c_str(), bname, mode_name(mode));
    size_t     failed_cases = 0;
    const long checks0      = test_checks();
    const int  failures0    = test_failures();
    for (test_case * c : chosen) {
        if (mode == TEST_PERF) {
            time_case(*c, backend);
            nn_set_cpu_threads(0);
            conv1d_set_precision(NN_CONV_FP32);
            continue;
        }
        const long checks   = test_checks();
        const int  failures = test_failures();
        const auto t0       = clock_type::now();
        if (backend == test_backend::sim) {
            kx_sim::set_schedule(order, SIM_SEED); // each case replays alike, filtered or not
            kx_sim::clear_launch_error();
        }
        if (mode == TEST_VALUES) {
            c->check_values(backend);
        } else {
            c->check_grad();
        }
        nn_set_cpu_threads(0); // a case that changed the thread count leaves the default behind
        conv1d_set_precision(NN_CONV_FP32); // and one that failed inside bf16, fp32
        const double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
        const long   n    = test_checks() - checks;
        const int    bad  = test_failures() - failures;
        if (n == 0) {
            std::printf("  FAIL  %s: no check ran\n", c->name().c_str());
            test_failures()++;
        }
        std::printf("  %-5s %s (%ld checks, %.2f s)\n", bad == 0 && n > 0 ? "ok" : "FAIL",
                    c->name().c_str(), n, secs);
        failed_cases += bad != 0 || n == 0;
    }
    t.ran++;
    t.failed_cases += failed_cases;
    const long checks = test_checks() - checks0;
    if (mode == TEST_PERF) {
        t.failed_cases += test_failures() != failures0;
        return;
    }
    if (failed_cases == 0) {
        std::printf("PASS %s %s %s: %zu cases, %ld checks\n", op.op().c_str(), bname,
                    mode_name(mode), chosen.size(), checks);
    } else {
        std::printf("FAILED %s %s %s: %zu of %zu cases, %d of %ld checks\n", op.op().c_str(), bname,
                    mode_name(mode), failed_cases, chosen.size(), test_failures() - failures0,
                    checks);
    }
}

// add_test() lines per op: nn_<op>_cpu (test), nn_<op>_grad, nn_<op>_bf16, nn_<op>_cuda (these
// two exit with SKIP code 77 where they cannot run) and nn_<op>_sim (always runs).
int write_ctest(const char * file, const char * exe, std::vector<test_cases> & ops) {
    std::ofstream out(file, std::ios::trunc);
    for (auto & op : ops) {
        bool cpu = false, grad = false, bf16 = false, cuda = false, sim = false;
        for (auto & c : op.cases()) {
            const bool values = (c->modes() & TEST_VALUES) != 0;
            cpu               = cpu || (values && c->supports(test_backend::cpu));
            bf16              = bf16 || (values && c->supports(test_backend::bf16));
            cuda              = cuda || (values && c->supports(test_backend::cuda));
            sim               = sim || (values && c->supports(test_backend::sim));
            grad              = grad || (c->modes() & TEST_GRAD) != 0;
        }
        const struct {
            bool         on;
            const char * suffix;
            const char * args;
        } tests[] = {{cpu, "cpu", "-b cpu -m test"},
                     {grad, "grad", "-b cpu -m grad"},
                     {bf16, "bf16", "-b bf16 -m test"},
                     {cuda, "cuda", "-b cuda -m test"},
                     {sim, "sim", "-b sim -m test"}};
        for (const auto & t : tests) {
            if (!t.on) {
                continue;
            }
            const std::string name = "nn_" + op.op() + "_" + t.suffix;
            out << "add_test([=[" << name << "]=] [=[" << exe << "]=] -o " << op.op() << " "
                << t.args << ")\n"
                << "set_tests_properties([=[" << name << "]=] PROPERTIES SKIP_RETURN_CODE "
                << TEST_SKIP_CODE << " LABELS [=[" << t.suffix << "]=])\n";
        }
    }
    out.close();
    if (!out) {
        std::fprintf(stderr, "cannot write %s\n", file);
        return 1;
    }
    return 0;
}

int usage(const char * exe) {
    std::printf("usage: %s [-o OP] [-b cpu|bf16|cuda|sim] [-m test|grad|perf] [-n TEXT] [-l] "
                "[-v]\n"
                "       %s --write-ctest FILE EXE\n",
                exe, exe);
    return 2;
}

} // namespace

int main(int argc, char ** argv) {
    std::vector<test_cases> ops = collect();
    options                 o;
    for (int i = 1; i < argc; i++) {
        const std::string a    = argv[i];
        const bool        more = i + 1 < argc;
        if (a == "--write-ctest" && i + 2 < argc) {
            return write_ctest(argv[i + 1], argv[i + 2], ops);
        } else if (a == "-o" && more) {
            o.op = argv[++i];
        } else if (a == "-b" && more) {
            const std::string b = argv[++i];
            if (b != "cpu" && b != "bf16" && b != "cuda" && b != "sim") {
                return usage(argv[0]);
            }
            o.backend_set = true;
            o.backend     = b == "cpu"    ? test_backend::cpu
                            : b == "bf16" ? test_backend::bf16
                            : b == "cuda" ? test_backend::cuda
                                          : test_backend::sim;
        } else if (a == "-m" && more) {
            const std::string m = argv[++i];
            o.modes             = m == "test"   ? TEST_VALUES
                                  : m == "grad" ? TEST_GRAD
                                  : m == "perf" ? TEST_PERF
                                                : 0;
            if (o.modes == 0) {
                return usage(argv[0]);
            }
        } else if (a == "-n" && more) {
            o.name_filter = argv[++i];
        } else if (a == "-l") {
            o.list = true;
        } else if (a == "-v") {
            test_verbose() = true;
        } else {
            return usage(argv[0]);
        }
    }

    bool matched = false;
    for (auto & op : ops) {
        if (!o.op.empty() && op.op() != o.op) {
            continue;
        }
        matched = true;
        if (o.list) {
            for (auto & c : op.cases()) {
                std::string backends;
                for (test_backend b : {test_backend::cpu, test_backend::bf16, test_backend::cuda,
                                       test_backend::sim}) {
                    if (c->supports(b)) {
                        backends +=
                            (backends.empty() ? "" : ",") + std::string(test_backend_name(b));
                    }
                }
                std::printf("%-20s %-14s %-15s %s\n", op.op().c_str(), backends.c_str(),
                            modes_text(c->modes()).c_str(), c->name().c_str());
            }
        }
    }
    if (!matched) {
        std::printf("no op '%s' in %s\n", o.op.c_str(), argv[0]);
        return 2;
    }
    if (o.list) {
        return 0;
    }

    tally t;
    for (auto & op : ops) {
        if (!o.op.empty() && op.op() != o.op) {
            continue;
        }
        for (unsigned mode : {TEST_VALUES, TEST_GRAD, TEST_PERF}) {
            if ((o.modes & mode) == 0) {
                continue;
            }
            for (test_backend b :
                 {test_backend::cpu, test_backend::bf16, test_backend::cuda, test_backend::sim}) {
                if (o.backend_set && o.backend != b) {
                    continue;
                }
                if (b != test_backend::sim) {
                    run_op(op, o, b, mode, t);
                    continue;
                }
                for (kx_sim::sched_order order : SIM_ORDERS) {
                    run_op(op, o, b, mode, t, order);
                }
            }
        }
    }
    if (t.failed_cases > 0) {
        return 1;
    }
    if (t.ran == 0) {
        if (t.skipped > 0) {
            return TEST_SKIP_CODE;
        }
        std::printf("no case matches the filters\n");
        return 2;
    }
    return 0;
}
