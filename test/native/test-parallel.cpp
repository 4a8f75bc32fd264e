// test-parallel.cpp: nn_parallel_for covers every item exactly once, whatever the thread count,
// and is usable from several threads at once (the addon runs ops on libuv's pool).
#include "cpu/parallel.h"
#include "test-common.h"
#include "test-registry.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

static void covers_every_item_once(size_t threads, size_t n, size_t grain) {
    nn_set_cpu_threads(threads);
    std::vector<std::atomic<int>> hits(n);
    for (auto & h : hits) h.store(0);
    nn_parallel_for(n, grain, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; i++) hits[i].fetch_add(1);
    });
    size_t wrong = 0;
    for (auto & h : hits) wrong += h.load() != 1;
    CHECK_MSG(wrong == 0, "threads=%zu n=%zu grain=%zu: %zu items not run exactly once", threads, n, grain, wrong);
}

// Many rounds back to back: a late worker from one round must never run the next round's work.
static void test_rounds_back_to_back() {
    nn_set_cpu_threads(4);
    for (int round = 0; round < 2000; round++) covers_every_item_once(4, 97, 1);
}

// Concurrent callers are served one at a time, each completely.
static void test_concurrent_callers() {
    nn_set_cpu_threads(3);
    std::vector<std::thread> callers;
    std::atomic<size_t> total{0};
    for (int c = 0; c < 4; c++) {
        callers.emplace_back([&] {
            for (int r = 0; r < 50; r++) {
                nn_parallel_for(1000, 10, [&](size_t begin, size_t end) { total.fetch_add(end - begin); });
            }
        });
    }
    for (auto & t : callers) t.join();
    CHECK(total.load() == 4u * 50u * 1000u);
    nn_set_cpu_threads(0);
    CHECK(nn_cpu_threads() >= 1);
}

NN_TEST_CASES(parallel) {
    for (size_t threads : {1u, 2u, 3u, 8u}) {
        char name[48];
        std::snprintf(name, sizeof(name), "every item once, %zu threads", threads);
        cases.values(name, [threads] {
            for (size_t n : {0u, 1u, 7u, 1000u, 100003u}) {
                for (size_t grain : {1u, 64u, 5000u})
                    covers_every_item_once(threads, n, grain);
            }
        });
    }
    cases.values("rounds back to back", test_rounds_back_to_back);
    cases.values("concurrent callers", test_concurrent_callers);
}
