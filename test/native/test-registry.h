// test-registry.h: the one registry of native test cases, after ggml's tests/test-backend-ops.cpp.
// defines: test_backend, TEST_VALUES, TEST_GRAD, TEST_PERF, test_perf, test_case, test_check,
//          test_cases, test_registration, NN_TEST_CASES, test_verbose, test_backend_name
//
// A case is one op (or one host-side unit) at one configuration. It says which modes it has:
//   test  check_values(backend): float results against the reference (the double loops on the
//         CPU, the CPU on CUDA) within max_nmse_err(), plus exact values, argument checks and
//         bitwise reruns; every failure is a CHECK (test-common.h)
//   grad  check_grad(): the backward against central finite differences of the reference, in
//         double (always on the CPU: the GPU's gradients are checked against the CPU's in test)
//   perf  perf(backend): one run of the op to time, and the work it does
// and which backends it supports (the CPU always; CUDA and sim, the same kernel on the CPU
// simulator, where a kernel exists (test-device.h); bf16, the CPU with the calling thread's conv
// precision at bf16, where a bf16 kernel exists). A new kernel or
// backend joins by adding a case or a supports() branch, never by a new main(). Each test-<op>.cpp
// lists its cases in one NN_TEST_CASES(<op>) block; test-runner.cpp holds the only main().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "test-common.h"

/** cpu, bf16 (the CPU at bf16 conv precision), cuda (the GPU), sim (the CUDA kernels on the CPU
 * simulator, run by the runner once per thread order: forward, reverse, random). */
enum class test_backend { cpu, bf16, cuda, sim };

/** "cpu" / "bf16" / "cuda" / "sim", as -b and the ctest names spell them. */
inline const char * test_backend_name(test_backend backend) {
    return backend == test_backend::cpu    ? "cpu"
           : backend == test_backend::bf16 ? "bf16"
           : backend == test_backend::cuda ? "cuda"
                                           : "sim";
}

/** Mode bits of test_case::modes(). */
constexpr unsigned TEST_VALUES = 1u; // mode test
constexpr unsigned TEST_GRAD   = 2u; // mode grad
constexpr unsigned TEST_PERF   = 4u; // mode perf

/** What perf() hands the runner: a run of the op (synchronised on a device) and its work. */
struct test_perf {
    std::function<void()> run;
    double                work = 0.0;        // per run, in `unit`
    const char *          unit = "elements"; // "FLOP", "elements", "samples"
};

/** Set by the runner's -v: cases may print more of what they measure. */
inline bool & test_verbose() {
    static bool verbose = false;
    return verbose;
}

struct test_case {
    virtual ~test_case() = default;

    /** The op family (set by NN_TEST_CASES): -o's argument and ctest's nn_<op>_<backend>. */
    std::string op;

    /** What this case checks and at which configuration ("(B2, C3, T17) a=0.97"). */
    virtual std::string name() const = 0;

    /** TEST_VALUES | TEST_GRAD | TEST_PERF: the modes this case has. */
    virtual unsigned modes() const { return TEST_VALUES; }

    /** The backends it runs on; CUDA / bf16 only where the op has such a kernel. */
    virtual bool supports(test_backend backend) const { return backend == test_backend::cpu; }

    /** The NMSE a float result may have against its reference (ggml's default). */
    virtual double max_nmse_err() const { return 1e-7; }

    /** Mode test on backend; CHECK every value. */
    virtual void check_values(test_backend /*backend*/) {}

    /** Mode grad: finite differences in double on the CPU reference. */
    virtual void check_grad() {}

    /** Mode perf: the run to time on backend. */
    virtual test_perf perf(test_backend /*backend*/) { return {}; }
};

/**
 * A case at one (B, C, T) shape with a first seed and its modes, named "(B, C, T)": the
 * elementwise and per-channel ops (activations, batch norm) share this much.
 */
struct test_shape_case : test_case {
    shape_3d s;
    uint64_t seed;
    unsigned modes_;

    test_shape_case(shape_3d shape, uint64_t first_seed, unsigned modes) :
        s(shape), seed(first_seed), modes_(modes) {}

    std::string name() const override {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "(%zu, %zu, %zu)", s.B, s.C, s.T);
        return buf;
    }
    unsigned modes() const override { return modes_; }
};

/**
 * A case that is one named check function on the CPU: known values, argument checks, layouts,
 * file formats, determinism. `mode` is TEST_VALUES or TEST_GRAD (a finite-difference check).
 */
struct test_check : test_case {
    test_check(std::string check_name, unsigned mode, std::function<void()> fn) :
        check_name_(std::move(check_name)), mode_(mode), fn_(std::move(fn)) {}

    std::string name() const override { return check_name_; }
    unsigned    modes() const override { return mode_; }
    void        check_values(test_backend) override { fn_(); }
    void        check_grad() override { fn_(); }

  private:
    std::string           check_name_;
    unsigned              mode_;
    std::function<void()> fn_;
};

/** What an NN_TEST_CASES block fills: the cases of one op, in the order they run. */
class test_cases {
  public:
    explicit test_cases(std::string op) : op_(std::move(op)) {}

    /** Adds a case of type T built from args. */
    template <typename T, typename... Args>
    void add(Args &&... args) {
        std::unique_ptr<test_case> c = std::make_unique<T>(std::forward<Args>(args)...);
        c->op                        = op_;
        cases_.push_back(std::move(c));
    }

    /** Adds a test-mode check function. */
    void values(std::string name, std::function<void()> fn) {
        add<test_check>(std::move(name), TEST_VALUES, std::move(fn));
    }

    /** Adds a grad-mode (finite differences in double) check function. */
    void grad(std::string name, std::function<void()> fn) {
        add<test_check>(std::move(name), TEST_GRAD, std::move(fn));
    }

    const std::string &                             op() const { return op_; }
    std::vector<std::unique_ptr<test_case>> &       cases() { return cases_; }
    const std::vector<std::unique_ptr<test_case>> & cases() const { return cases_; }

  private:
    std::string                             op_;
    std::vector<std::unique_ptr<test_case>> cases_;
};

/** One op's case list, registered before main() runs (see NN_TEST_CASES). */
struct test_registration {
    using fill_fn = void (*)(test_cases &);
    test_registration(const char * op, fill_fn fill) { all().push_back({op, fill}); }

    struct entry {
        const char * op;
        fill_fn      fill;
    };
    static std::vector<entry> & all() {
        static std::vector<entry> entries;
        return entries;
    }
};

/**
 * Lists the cases of op `op_id` (an identifier: conv1d, weight_norm):
 *     NN_TEST_CASES(preemphasis) {
 *         cases.values("known values", test_known_values);
 *         for (const shape_3d s : SHAPES) cases.add<test_preemphasis>(s, 0.97f, TEST_VALUES, 1);
 *     }
 */
#define NN_TEST_CASES(op_id)                                                                    \
    static void                    nn_test_cases_##op_id(test_cases & cases);                   \
    static const test_registration nn_test_registration_##op_id(#op_id, nn_test_cases_##op_id); \
    static void                    nn_test_cases_##op_id(test_cases & cases)
