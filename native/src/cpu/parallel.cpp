// parallel.cpp: a small fixed thread pool for nn_parallel_for (see parallel.h).
//
// Hand-written rather than OpenMP: the addon must build with any toolchain cmake-js finds
// (OpenMP is missing from Apple clang), and training runs in a worker process where we want
// one predictable pool, not a runtime's defaults.
#include "cpu/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {

// One call's work: stale workers that wake late hold an exhausted job and do nothing.
struct pool_job {
    const std::function<void(size_t)> * chunk = nullptr;
    size_t chunks = 0;
    std::atomic<size_t> next{0};
    std::atomic<size_t> pending{0};
};

// How long a thread polls before it sleeps on a condition variable: a training step is hundreds of
// ops a few hundred microseconds long with a little serial work between them, and a futex sleep
// and wake-up costs ~10 us each time; polling this long covers those gaps, and an idle pool still
// sleeps soon after the last op.
constexpr std::chrono::microseconds SPIN_FOR{200};

// A polite busy-wait step: lets the sibling hyper-thread run and saves power.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

// Polls ready() for up to SPIN_FOR; true as soon as it holds. A few microseconds of pure spinning
// catch the common short gap; after that each poll yields the core, so on a machine with more
// runnable threads than cores (another program busy) a waiting thread hands its core to one that
// has work, ours included, instead of burning its time slice.
template <typename Ready>
bool spin_until(const Ready & ready) {
    for (int i = 0; i < 256; i++) {
        if (ready()) return true;
        cpu_relax();
    }
    const auto until = std::chrono::steady_clock::now() + SPIN_FOR;
    while (std::chrono::steady_clock::now() < until) {
        if (ready()) return true;
        std::this_thread::yield();
    }
    return ready();
}

class thread_pool {
  public:
    explicit thread_pool(size_t threads) {
        for (size_t i = 1; i < threads; i++) {
            workers_.emplace_back([this] { work(); });
        }
    }

    ~thread_pool() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_.store(true);
        }
        wake_.notify_all();
        for (std::thread & worker : workers_) worker.join();
    }

    size_t size() const { return workers_.size() + 1; }

    // Runs chunk(i) for i in [0, chunks) on the pool and the caller; returns when all are done.
    // Calls from several threads are served one at a time.
    void run(size_t chunks, const std::function<void(size_t)> & chunk) {
        std::lock_guard<std::mutex> serial(run_mutex_);
        auto job = std::make_shared<pool_job>();
        job->chunk = &chunk;
        job->chunks = chunks;
        job->pending.store(chunks);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            current_ = job;
            generation_.fetch_add(1);
        }
        wake_.notify_all();
        drain(*job);
        if (!spin_until([&] { return job->pending.load() == 0; })) {
            std::unique_lock<std::mutex> lock(mutex_);
            done_.wait(lock, [&] { return job->pending.load() == 0; });
        }
        std::lock_guard<std::mutex> lock(mutex_);
        current_.reset();
    }

  private:
    void work() {
        size_t seen = 0;
        for (;;) {
            std::shared_ptr<pool_job> job;
            spin_until([&] { return stopping_.load() || generation_.load() != seen; });
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return stopping_.load() || generation_.load() != seen; });
                if (stopping_.load()) return;
                seen = generation_.load();
                job = current_;
            }
            if (job) drain(*job);
        }
    }

    void drain(pool_job & job) {
        size_t finished = 0;
        for (size_t i = job.next.fetch_add(1); i < job.chunks; i = job.next.fetch_add(1)) {
            (*job.chunk)(i);
            finished++;
        }
        // The last one out wakes a caller that went to sleep; taking the mutex first means the
        // caller is either still before its predicate check or already waiting.
        if (finished > 0 && job.pending.fetch_sub(finished) == finished) {
            std::lock_guard<std::mutex> lock(mutex_);
            done_.notify_all();
        }
    }

    std::vector<std::thread> workers_;
    std::mutex run_mutex_;
    std::mutex mutex_; // guards current_ and the sleeps; generation_ and stopping_ are also polled
    std::condition_variable wake_;
    std::condition_variable done_;
    std::shared_ptr<pool_job> current_;
    std::atomic<size_t> generation_{0};
    std::atomic<bool> stopping_{false};
};

size_t default_threads() {
    const unsigned hardware = std::thread::hardware_concurrency();
    return hardware == 0 ? 1 : hardware;
}

std::mutex g_pool_mutex;
size_t g_threads = 0; // 0: default
thread_pool * g_pool = nullptr;

thread_pool & pool() {
    std::lock_guard<std::mutex> lock(g_pool_mutex);
    const size_t wanted = g_threads == 0 ? default_threads() : g_threads;
    if (g_pool == nullptr || g_pool->size() != wanted) {
        delete g_pool;
        g_pool = new thread_pool(wanted);
    }
    return *g_pool;
}

} // namespace

void nn_parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)> & body) {
    if (n == 0) return;
    grain = std::max<size_t>(grain, 1);
    thread_pool & workers = pool();
    const size_t threads = workers.size();
    if (threads == 1 || n <= grain) {
        body(0, n);
        return;
    }
    // A few chunks per thread balances uneven work; never smaller than grain.
    const size_t chunks = std::min((n + grain - 1) / grain, threads * 4);
    const size_t per_chunk = (n + chunks - 1) / chunks;
    workers.run(chunks, [&](size_t chunk) {
        const size_t begin = chunk * per_chunk;
        const size_t end = std::min(n, begin + per_chunk);
        if (begin < end) body(begin, end);
    });
}

size_t nn_cpu_threads(void) { return pool().size(); }

void nn_set_cpu_threads(size_t threads) {
    std::lock_guard<std::mutex> lock(g_pool_mutex);
    g_threads = threads;
}
