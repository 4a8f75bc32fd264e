// caw-train-device.cu: the epochs of one Catch-A-Waveform scale on the device (docs/caw-spec.md §3,
// §8 "Crops"): the CPU loop of model/caw-trainer.cpp, op for op, on caw_dev_backend, with one
// memory plan per scale (caw-train-device.cuh) and no host round trip inside an epoch: the
// losses are written to device memory and read back once per epoch for the progress callback.
// Per epoch: z and the prev redraw (Philox noise through the frozen generators in EVAL BN, cubic
// upsampling, on windows around the crop when cropped), the D step (real, fake, penalty, Adam),
// the G step (adversarial through the updated D, MSE + MSS reconstruction, Adam).
// CUDA graphs: everything an epoch varies (lr and step, alpha, the noise offsets) lives in device
// memory and is set by caw_epoch_advance_dev, the epoch's first kernel. A scale trained on the
// whole level (the coarse, launch-bound scales) runs epoch 0 as plain launches, captures epoch 1
// as a graph and replays it for every later epoch; a cropped scale moves its pointers with each
// epoch's crop, so it launches normally (the same calls, uncaptured).
// Nothing here launches a kernel itself: it calls entry points (device-ops.h), so it needs no
// "CUDA kernels" section.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <vector>

#include "cuda/caw-train-device.cuh"
#include "cuda/common.cuh"
#include "model/caw-gp-impl.h"
#include "model/caw-model-impl.h"
#include "nn/adam.h"
#include "nn/resample.h"

namespace CAW_DEV_NS {

using B = caw_dev_backend;

namespace {

// ----------------------------------------------------------------------------
// the arena: sizes first (a dry run with base null), then one cudaMalloc, then the same carving

struct arena {
    char * base = nullptr; // null: sizing pass
    size_t used = 0;
    float * take(size_t n) {
        const size_t bytes = (n * sizeof(float) + CAW_ARENA_ALIGN - 1) / CAW_ARENA_ALIGN *
                             CAW_ARENA_ALIGN;
        float * p = base != nullptr ? reinterpret_cast<float *>(base + used) : nullptr;
        used += bytes;
        return p;
    }
};

// A model's device buffers in the arena (grads, wgrads and Adam only when training it).
struct dev_net {
    caw_model m  = {}; // layouts on the host, buffers in the arena
    float *   am = nullptr, *av = nullptr;
    dev_net() = default;
    ~dev_net() {
        nn_param_layout_free(&m.param_layout);
        nn_param_layout_free(&m.state_layout);
    }
    dev_net(const dev_net &)             = delete; // owns its layouts
    dev_net & operator=(const dev_net &) = delete;
    nn_status layout(const caw_config & cfg) { return caw_model_layout(&m, &cfg); }
    void      carve(arena & a, bool train) {
        m.params  = a.take(m.param_layout.total);
        m.state   = a.take(m.state_layout.total);
        m.weights = a.take(m.weights_total);
        if (train) {
            m.grads  = a.take(m.param_layout.total);
            m.wgrads = a.take(m.weights_total);
            am       = a.take(m.param_layout.total);
            av       = a.take(m.param_layout.total);
        }
    }
    nn_status upload(const caw_model & host) {
        NN_TRY(B::upload(m.params, host.params, m.param_layout.total));
        return B::upload(m.state, host.state, m.state_layout.total);
    }
    nn_status download(caw_model * host) {
        NN_TRY(B::download(host->params, m.params, m.param_layout.total));
        return B::download(host->state, m.state, m.state_layout.total);
    }
    nn_status adam(const double * lr_step, const caw_train_config * c) {
        return KX_ENTRY(adam_step_sched_dev)(m.params, m.grads, am, av, m.param_layout.total,
                                             lr_step, c->beta1, c->beta2, c->eps, B::st());
    }
};

enum loss_index : size_t { L_DREAL = 0, L_DFAKE, L_GP, L_DFAKE_G, L_MSE, L_MSS, L_COUNT };

// Everything of one scale on the device.
struct scale_plan {
    const caw_tr::dev_scale_job * job = nullptr;
    size_t                        s = 0, M = 0;
    dev_net                       G, D;
    std::vector<dev_net>          frozen; // G_0 .. G_{s-1}
    std::vector<size_t>           flen;   // the frozen scales' run lengths (levels or windows)
    caw_acts   fake_acts = {}, rec_acts = {}, d_acts = {}, f_acts = {};
    float *    f_mem = nullptr; // the frozen generators' shared activations
    float *    real = nullptr, *z = nullptr, *prev = nullptr, *fake = nullptr, *rec = nullptr;
    float *    dfake = nullptr, *drec = nullptr, *dmss = nullptr, *map = nullptr, *dmap = nullptr;
    float *    zrec = nullptr, *prev_rec = nullptr, *alphas = nullptr, *losses = nullptr;
    float *    fnoise = nullptr, *fprev = nullptr, *fy[2] = {nullptr, nullptr}, *fscratch = nullptr;
    // the epoch's values on the device (caw_epoch_advance_dev): counter, lr table, [lr, step],
    // alpha, the noise offsets of z and each frozen scale and their lengths
    uint64_t *        epoch = nullptr, *offsets = nullptr, *off_len = nullptr;
    double *          lr_table = nullptr, *lr_step = nullptr;
    float *           alpha = nullptr;
    cudaGraphExec_t   graph = nullptr;
    nn_dev_mss_plan * mss = nullptr;
    void *            mem = nullptr;
    size_t            bytes = 0;
    ~scale_plan() {
        if (graph != nullptr) {
            cudaGraphExecDestroy(graph);
        }
        if (mss != nullptr) {
            KX_ENTRY(mss_plan_free_dev)(mss);
        }
        if (mem != nullptr) {
            cudaFree(mem);
        }
    }
};

// The length of upsample_middle's scratch for m samples by scale into n: max(full, n).
size_t middle_len(size_t m, double scale, size_t n) {
    return std::max(upsample_cubic_length(m, scale), n);
}

// Lays out (a.base null) or carves the whole plan.
void carve(scale_plan & p, arena & a) {
    const caw_tr::dev_scale_job & j = *p.job;
    p.G.carve(a, true);
    p.D.carve(a, true);
    for (dev_net & f : p.frozen) {
        f.carve(a, false);
    }
    auto acts = [&](const caw_model & m, caw_acts * acts, size_t n, bool tangents) {
        float * mem = a.take(caw_acts_bind<float>(&m, acts, n, nullptr));
        if (a.base != nullptr) {
            caw_acts_bind<float>(&m, acts, n, mem);
        }
        if (tangents) {
            float * t = a.take(caw_tangents_bind<float>(&m, acts, nullptr));
            if (a.base != nullptr) {
                caw_tangents_bind<float>(&m, acts, t);
            }
        }
    };
    acts(p.G.m, &p.fake_acts, j.Lg, false);
    acts(p.G.m, &p.rec_acts, j.Lg, false);
    acts(p.D.m, &p.d_acts, j.Lc, true);
    size_t f_total = 0, f_max = 1, f_scratch = j.Lg;
    for (size_t k = 0; k < p.frozen.size(); k++) {
        caw_acts probe = {};
        f_total        = std::max(f_total, caw_acts_bind<float>(&p.frozen[k].m, &probe, p.flen[k],
                                                                nullptr));
        f_max          = std::max(f_max, p.flen[k]);
    }
    if (!p.frozen.empty() && j.cropped) { // upsample_middle scratch of every step
        const caw_trained & t     = *j.frozen;
        size_t              kept  = 0;
        for (size_t k = 0; k < p.frozen.size(); k++) {
            if (k > 0 && p.flen[k] != t.lengths[k]) {
                f_scratch = std::max(f_scratch, middle_len(kept, double(t.rates[k]) / t.rates[k - 1],
                                                           p.flen[k]));
            }
            kept = p.flen[k] == t.lengths[k] ? p.flen[k] : p.flen[k] - 2 * p.frozen[k].m.pad;
        }
        f_scratch = std::max(f_scratch, middle_len(kept, double(j.rate) / t.rates[p.s - 1], j.Lg));
    }
    p.f_mem    = a.take(f_total);
    p.fnoise   = a.take(f_max);
    p.fprev    = a.take(f_max);
    p.fy[0]    = a.take(f_max);
    p.fy[1]    = a.take(f_max);
    p.fscratch = a.take(f_scratch);
    p.real     = a.take(j.N);
    p.z        = a.take(j.Lg);
    p.prev     = a.take(j.Lg);
    p.fake     = a.take(j.Lg);
    p.rec      = a.take(j.Lg);
    p.dfake    = a.take(j.Lg);
    p.drec     = a.take(j.Lg);
    p.dmss     = a.take(j.Lc);
    p.map      = a.take(p.M);
    p.dmap     = a.take(p.M);
    p.zrec     = a.take(p.s == 0 ? j.N : 1);
    p.prev_rec = a.take(j.N);
    p.alphas   = a.take(j.epochs);
    p.losses   = a.take(L_COUNT);
    p.epoch    = reinterpret_cast<uint64_t *>(a.take(2));
    p.offsets  = reinterpret_cast<uint64_t *>(a.take(2 * (p.s + 1)));
    p.off_len  = reinterpret_cast<uint64_t *>(a.take(2 * (p.s + 1)));
    p.lr_table = reinterpret_cast<double *>(a.take(2 * j.epochs));
    p.lr_step  = reinterpret_cast<double *>(a.take(4));
    p.alpha    = a.take(1);
}

nn_status out_of_memory(const caw_tr::dev_scale_job & j, size_t bytes, const char * what) {
    return nn_fail(NN_STATUS_OUT_OF_MEMORY,
                   "caw_train: the device is out of memory at scale %zu of %zu (%u Hz, a clip of "
                   "%zu samples = %.2f s at that rate, %s): it needs %.1f MiB; the scales before "
                   "it are saved, so the run resumes there (on the CPU, or with a shorter clip)",
                   j.s, j.scales, j.rate, j.N, static_cast<double>(j.N) / j.rate, what,
                   static_cast<double>(bytes) / (1024.0 * 1024.0));
}

// Builds the plan: layouts, one arena, uploads (params, state, level, prev_rec, z_rec, alphas).
nn_status plan_scale(scale_plan & p, const caw_model & Gh, const caw_model & Dh) {
    const caw_tr::dev_scale_job & j = *p.job;
    p.M                             = j.Lc - 2 * j.P;
    NN_TRY(p.G.layout(Gh.config));
    NN_TRY(p.D.layout(Dh.config));
    p.frozen = std::vector<dev_net>(p.s);
    p.flen.assign(p.s, 0);
    for (size_t k = 0; k < p.s; k++) {
        NN_TRY(p.frozen[k].layout(j.frozen->G[k].config));
        p.flen[k] = j.cropped ? j.windows[k] : j.frozen->lengths[k];
    }
    arena sizing;
    carve(p, sizing);
    p.bytes               = sizing.used;
    const cudaError_t err = cudaMalloc(&p.mem, p.bytes);
    if (err != cudaSuccess) {
        (void) cudaGetLastError();
        p.mem = nullptr;
        return err == cudaErrorMemoryAllocation
                   ? out_of_memory(j, p.bytes, "one allocation for the scale")
                   : nn_fail(NN_STATUS_CUDA_ERROR, "caw_train: cudaMalloc of %zu bytes: %s",
                             p.bytes, cudaGetErrorString(err));
    }
    arena a;
    a.base = static_cast<char *>(p.mem);
    carve(p, a);
    NN_CUDA_CHECK(cudaMemsetAsync(p.mem, 0, p.bytes, B::st())); // grads, Adam, dfake/drec margins
    NN_TRY(p.G.upload(Gh));
    NN_TRY(p.D.upload(Dh));
    for (size_t k = 0; k < p.s; k++) {
        NN_TRY(p.frozen[k].upload(j.frozen->G[k]));
    }
    NN_TRY(B::upload(p.real, j.real, j.N));
    NN_TRY(B::upload(p.prev_rec, j.prev_rec, j.N));
    if (p.s == 0) {
        NN_TRY(B::upload(p.zrec, j.z_rec0, j.N));
    }
    NN_TRY(B::upload(p.alphas, j.alphas, j.epochs));
    std::vector<double>   lr(j.epochs);
    std::vector<uint64_t> len(p.s + 1, j.Lg);
    for (size_t e = 0; e < j.epochs; e++) { // MultiStepLR (docs/caw-spec.md §3.7)
        lr[e] = nn_lr_multistep(j.cfg->lr, j.cfg->gamma, &j.milestone, 1, e);
    }
    for (size_t k = 0; k < p.s; k++) {
        len[k + 1] = p.flen[k];
    }
    NN_CUDA_CHECK(cudaMemcpyAsync(p.lr_table, lr.data(), lr.size() * sizeof(double),
                                  cudaMemcpyHostToDevice, B::st()));
    NN_CUDA_CHECK(cudaMemcpyAsync(p.off_len, len.data(), len.size() * sizeof(uint64_t),
                                  cudaMemcpyHostToDevice, B::st()));
    NN_CUDA_CHECK(cudaStreamSynchronize(B::st())); // lr and len leave scope
    if (j.mss) {
        const nn_status st = KX_ENTRY(mss_plan_create_dev)(&p.mss, j.cfg->mss, j.cfg->mss_count,
                                                           j.Lc);
        if (st == NN_STATUS_OUT_OF_MEMORY) {
            return out_of_memory(j, p.bytes, "the MSS loss's plan");
        }
        NN_TRY(st);
    }
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// one epoch

// Frozen G_k in EVAL BN on n samples with this epoch's noise: out (n) = G_k(noise, prev).
nn_status frozen_forward(scale_plan & p, size_t k, const float * prev, float * out, size_t n) {
    const caw_tr::dev_scale_job & j  = *p.job;
    caw_model &                   Gk = p.frozen[k].m;
    NN_TRY(KX_ENTRY(noise_normal_at_dev)(p.fnoise, n, j.cfg->seed, noise_stream(p.s, k + 1),
                                         p.offsets + 1 + k, 1.0f, B::st()));
    p.f_acts = caw_acts{}; // the shared region, laid out for this scale and length
    caw_acts_bind<float>(&Gk, &p.f_acts, n, p.f_mem);
    return caw_generator_forward_impl<B, float>(&Gk, &p.f_acts, p.fnoise,
                                                static_cast<float>(j.frozen->amps[k]), prev, out,
                                                CAW_BN_EVAL);
}

// out (n) = the middle n samples of upsample_cubic(in (m), scale), zero-padded if shorter
// (caw-generate.cpp's upsample_middle); the scratch holds the full upsampling.
nn_status upsample_middle(scale_plan & p, const float * in, size_t m, double scale, float * out,
                          size_t n) {
    const size_t full = upsample_cubic_length(m, scale), len = std::max(full, n);
    NN_TRY(KX_ENTRY(upsample_cubic_forward_dev)(in, m, scale, p.fscratch, len, B::st()));
    return B::copy(out, p.fscratch + (full > n ? (full - n) / 2 : 0), n);
}

// prev (Lg) for epoch e: a fresh sample through every frozen generator (docs/caw-spec.md §3.2),
// on windows around the crop when cropped (§8; caw-generate.cpp frozen_run_window).
nn_status redraw_prev(scale_plan & p) {
    const caw_tr::dev_scale_job & j = *p.job;
    const caw_trained &           t = *j.frozen;
    size_t                        kept_from = 0, kept = 0, cur = 0;
    for (size_t k = 0; k < p.s; k++) {
        const size_t n = p.flen[k];
        if (k > 0) {
            const double scale = static_cast<double>(t.rates[k]) / t.rates[k - 1];
            if (n == t.lengths[k]) { // whole below whole: frozen_run's prev
                NN_TRY(KX_ENTRY(upsample_cubic_forward_dev)(p.fy[cur], p.flen[k - 1], scale,
                                                            p.fprev, n, B::st()));
            } else {
                NN_TRY(upsample_middle(p, p.fy[cur] + kept_from, kept, scale, p.fprev, n));
            }
        }
        NN_TRY(frozen_forward(p, k, k > 0 ? p.fprev : nullptr, p.fy[1 - cur], n));
        cur              = 1 - cur;
        const bool whole = n == t.lengths[k];
        kept_from        = whole ? 0 : p.frozen[k].m.pad;
        kept             = whole ? n : n - 2 * p.frozen[k].m.pad;
    }
    const double scale = static_cast<double>(j.rate) / t.rates[p.s - 1];
    if (!j.cropped) { // upsample_to: cropped or zero-padded to N
        return KX_ENTRY(upsample_cubic_forward_dev)(p.fy[cur], p.flen[p.s - 1], scale, p.prev, j.N,
                                                    B::st());
    }
    return upsample_middle(p, p.fy[cur] + kept_from, kept, scale, p.prev, j.Lg);
}

// One epoch: model/caw-trainer.cpp's loop body, step for step; losses into p.losses. Reads the
// epoch's lr, alpha and noise offsets from the device (caw_epoch_advance_dev), so a capture
// replays; only a crop (the host's e) moves pointers.
nn_status run_epoch(scale_plan & p, size_t e) {
    const caw_tr::dev_scale_job & j = *p.job;
    const caw_train_config *      c = j.cfg;
    NN_TRY(KX_ENTRY(caw_epoch_advance_dev)(p.epoch, p.lr_table, p.alphas, p.lr_step, p.alpha,
                                           p.offsets, p.off_len, p.s + 1, B::st()));
    const size_t a  = j.cropped ? j.crops[e] : 0; // real[a, a + Lc), G's window from a - P
    const float * real     = p.real + a;
    const float * prev_rec = p.prev_rec + (j.cropped ? a - j.P : 0);
    const float * zrec     = p.s == 0 ? p.zrec + (j.cropped ? a - j.P : 0) : nullptr;
    float *       fake_c = p.fake + j.inner, *rec_c = p.rec + j.inner;
    float *       L      = p.losses;
    // 1-2. z, then prev redrawn through the frozen generators
    NN_TRY(KX_ENTRY(noise_normal_at_dev)(p.z, j.Lg, c->seed, noise_stream(p.s, NOISE_Z),
                                         p.offsets, 1.0f, B::st()));
    if (p.s > 0) {
        NN_TRY(redraw_prev(p));
    }
    // 4. D step: -mean D(real), mean D(fake.detach()), GP, Adam
    caw_model * D = &p.D.m, *G = &p.G.m;
    NN_TRY(B::zero(D->grads, D->param_layout.total));
    NN_TRY((caw_discriminator_forward_impl<B, float>(D, &p.d_acts, real, p.map, CAW_BN_TRAIN)));
    NN_TRY(KX_ENTRY(critic_mean_forward_dev)(p.map, p.M, L + L_DREAL, B::st()));
    NN_TRY(KX_ENTRY(critic_mean_backward_dev)(-1.0f, p.dmap, p.M, B::st()));
    NN_TRY((caw_discriminator_backward_impl<B, float>(D, &p.d_acts, p.dmap, nullptr)));
    NN_TRY((caw_generator_forward_impl<B, float>(G, &p.fake_acts, p.z, j.amp,
                                                 p.s > 0 ? p.prev : nullptr, p.fake,
                                                 CAW_BN_TRAIN)));
    NN_TRY((caw_discriminator_forward_impl<B, float>(D, &p.d_acts, fake_c, p.map, CAW_BN_TRAIN)));
    NN_TRY(KX_ENTRY(critic_mean_forward_dev)(p.map, p.M, L + L_DFAKE, B::st()));
    NN_TRY(KX_ENTRY(critic_mean_backward_dev)(1.0f, p.dmap, p.M, B::st()));
    NN_TRY((caw_discriminator_backward_impl<B, float>(D, &p.d_acts, p.dmap, nullptr)));
    NN_TRY((caw_gradient_penalty_impl<B, float>(D, &p.d_acts, real, fake_c, p.alpha,
                                                static_cast<float>(c->lambda_grad), true, true,
                                                L + L_GP, nullptr, nullptr)));
    NN_TRY(p.D.adam(p.lr_step, c));
    // 6. G step: -mean D(fake) through the updated D, the reconstruction loss; Adam
    NN_TRY(B::zero(G->grads, G->param_layout.total));
    NN_TRY((caw_discriminator_forward_impl<B, float>(D, &p.d_acts, fake_c, p.map, CAW_BN_TRAIN)));
    NN_TRY(KX_ENTRY(critic_mean_forward_dev)(p.map, p.M, L + L_DFAKE_G, B::st()));
    NN_TRY(KX_ENTRY(critic_mean_backward_dev)(-1.0f, p.dmap, p.M, B::st()));
    NN_TRY((caw_discriminator_backward_impl<B, float>(D, &p.d_acts, p.dmap, p.dfake + j.inner)));
    NN_TRY((caw_generator_forward_impl<B, float>(G, &p.rec_acts, zrec, j.amp,
                                                 p.s > 0 ? prev_rec : nullptr, p.rec,
                                                 CAW_BN_TRAIN)));
    NN_TRY(KX_ENTRY(mse_forward_dev)(rec_c, real, nullptr, j.Lc, L + L_MSE, B::st()));
    NN_TRY(KX_ENTRY(mse_backward_dev)(rec_c, real, nullptr, j.Lc, static_cast<float>(c->alpha1),
                                      p.drec + j.inner, B::st()));
    if (p.mss != nullptr && c->alpha2 > 0.0) {
        NN_TRY(KX_ENTRY(mss_loss_backward_dev)(p.mss, real, rec_c, p.dmss, L + L_MSS, B::st()));
        NN_TRY(KX_ENTRY(axpy_dev)(static_cast<float>(c->alpha2), p.dmss, p.drec + j.inner, j.Lc,
                                  B::st()));
    } else if (p.mss != nullptr) {
        NN_TRY(KX_ENTRY(mss_loss_forward_dev)(p.mss, real, rec_c, L + L_MSS, B::st()));
    }
    NN_TRY((caw_generator_backward_impl<B, float>(G, &p.rec_acts, p.drec, nullptr, nullptr)));
    NN_TRY((caw_generator_backward_impl<B, float>(G, &p.fake_acts, p.dfake, nullptr, nullptr)));
    return p.G.adam(p.lr_step, c);
}

// Records epoch e's launches into p.graph (cropped scales never come here). False when the
// stream cannot be captured: the caller then launches every epoch (the capture ran nothing).
bool capture_epoch(scale_plan & p, size_t e) {
    cudaGraph_t graph = nullptr;
    if (cudaStreamBeginCapture(B::st(), cudaStreamCaptureModeThreadLocal) != cudaSuccess) {
        (void) cudaGetLastError();
        return false;
    }
    const nn_status st  = run_epoch(p, e);
    const cudaError_t end = cudaStreamEndCapture(B::st(), &graph);
    bool              ok  = st == NN_STATUS_OK && end == cudaSuccess && graph != nullptr &&
              cudaGraphInstantiate(&p.graph, graph, 0) == cudaSuccess;
    if (graph != nullptr) {
        cudaGraphDestroy(graph);
    }
    if (!ok) {
        (void) cudaGetLastError();
        nn_clear_error();
        p.graph = nullptr;
    }
    return ok;
}

caw_epoch_losses host_losses(const float * v, const caw_train_config * c, bool mss) {
    caw_epoch_losses L = {};
    L.d_real           = v[L_DREAL];
    L.d_fake           = v[L_DFAKE];
    L.gp               = v[L_GP];
    L.err_g            = -static_cast<double>(v[L_DFAKE_G]);
    L.mse              = v[L_MSE];
    L.mss              = mss ? static_cast<double>(v[L_MSS]) : NAN;
    L.rec              = c->alpha1 * L.mse + (c->alpha2 > 0.0 ? c->alpha2 * L.mss : 0.0);
    return L;
}

std::atomic<size_t> & replays() {
    static std::atomic<size_t> count{0};
    return count;
}

} // namespace

size_t graph_replays() {
    return replays().load();
}

nn_status train_scale_dev(const caw_tr::dev_scale_job * job, caw_model * Gh, caw_model * Dh,
                          caw_epoch_losses * last, bool * cancelled) {
    using clock = std::chrono::steady_clock;
    scale_plan p;
    p.job = job;
    p.s   = job->s;
    NN_TRY(plan_scale(p, *Gh, *Dh));
    float v[L_COUNT] = {};
    bool  graphs     = !job->cropped && CAW_DEVICE_GRAPHS;
    for (size_t e = 0; e < job->epochs; e++) {
        const auto te = clock::now();
        if (graphs && e == 1) { // capture once, after a plain epoch 0
            graphs = capture_epoch(p, e);
        }
        if (p.graph != nullptr) {
            NN_CUDA_CHECK(cudaGraphLaunch(p.graph, B::st()));
            replays()++;
        } else {
            NN_TRY(run_epoch(p, e));
        }
        NN_TRY(B::download(v, p.losses, L_COUNT)); // the epoch's one read back
        *last = host_losses(v, job->cfg, p.mss != nullptr);
        if (job->cb != nullptr && job->cb->on_epoch != nullptr) {
            const caw_progress pr = {job->s, job->scales, e, job->epochs, *last,
                                     std::chrono::duration<double>(clock::now() - te).count()};
            if (!job->cb->on_epoch(job->cb->ctx, &pr)) {
                *cancelled = true;
                return NN_STATUS_OK;
            }
        }
    }
    NN_TRY(p.G.download(Gh));
    return p.D.download(Dh);
}

} // namespace CAW_DEV_NS
