// caw-trainer.cpp: caw_train, the coarse-to-fine loop of docs/caw-spec.md §3 ("Ten details" #1,
// #5-#9): per scale fresh G/D (warm start from s-1 when s >= 2), noise amps (std-matched at the
// second scale with add_cond_noise), z_rec, then per epoch z, the prev redraw through the frozen
// generators, one D step (real, fake, GP) and one G step (adversarial through the updated D +
// reconstruction), Adam, MultiStepLR. Streams: (seed, s, INIT / NOISE / ALPHA / REC), so each
// scale's numbers depend only on (seed, s) and resuming at a scale boundary is bit-exact.
// Inpainting (§4): holes zeroed and skipped by energies and the MSE, hole noise in z_rec at
// s >= 1, the masked D (caw_dmask) in the real and GP passes; see nn/caw-trainer.h.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "common.h"
#include "model/caw-device-train.h"
#include "model/caw-trainer-impl.h"
#include "nn/adam.h"
#include "nn/conv1d.h"
#include "nn/losses.h"
#include "nn/rng.h"

using namespace caw_tr;

namespace {

struct dmask_holder {
    caw_dmask m = {};
    ~dmask_holder() { caw_dmask_free(&m); }
};

// ---- rng as a caw_rng_source ----

double rng_uniform(void * ctx) {
    return nn_rng_uniform_double(static_cast<nn_rng *>(ctx));
}
double rng_normal(void * ctx) {
    return nn_rng_normal(static_cast<nn_rng *>(ctx));
}

// ---- one scale ----

struct run_ctx {
    const caw_train_config *      cfg    = nullptr;
    const caw_train_callbacks *   cb     = nullptr;
    uint32_t                      Fs     = 0;
    uint64_t                      hash   = 0;
    size_t                        scales = 0;  // trained scales in total
    size_t                        first  = 0;  // pyramid level of scale 0
    caw_trained                   frozen = {}; // G_0 .. G_{s-1}
    scale_image                   last;        // the last finished scale (warm start source)
    std::vector<caw_epoch_losses> losses;      // per finished scale
    std::vector<double>           seconds;     // per finished scale, NaN when trained earlier
    std::vector<size_t>           channels;
};

// Model + Adam buffers of one network.
struct net {
    caw_model          m = {};
    std::vector<float> am, av; // Adam m, v
    ~net() { caw_model_free(&m); }
    nn_status init(caw_kind kind, size_t C, const caw_train_config * c) {
        const caw_config arch = {kind, C, c->kernel, c->layers};
        NN_TRY(caw_model_init(&m, &arch));
        am.assign(m.param_layout.total, 0.0f);
        av.assign(m.param_layout.total, 0.0f);
        return NN_STATUS_OK;
    }
    nn_status load(const std::vector<float> & params, const std::vector<float> & state) {
        if (params.size() != m.param_layout.total || state.size() != m.state_layout.total) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "caw_train: warm start from a scale with "
                           "another architecture (%zu params, model needs %zu)",
                           params.size(), m.param_layout.total);
        }
        std::memcpy(m.params, params.data(), params.size() * sizeof(float));
        std::memcpy(m.state, state.data(), state.size() * sizeof(float));
        return NN_STATUS_OK;
    }
    void      zero_grad() { std::memset(m.grads, 0, m.param_layout.total * sizeof(float)); }
    nn_status adam(size_t step, double lr, const caw_train_config * c) {
        const size_t   n = m.param_layout.total;
        nn_tensor_view p = nn_view_3d(m.params, 1, 1, n), g = nn_view_3d(m.grads, 1, 1, n);
        nn_tensor_view mv = nn_view_3d(am.data(), 1, 1, n), vv = nn_view_3d(av.data(), 1, 1, n);
        return adam_step_cpu(&p, &g, &mv, &vv, step, lr, c->beta1, c->beta2, c->eps);
    }
};

struct mss_holder {
    nn_mss_plan * plan = nullptr;
    ~mss_holder() { nn_mss_plan_free(plan); }
};

struct acts_holder {
    caw_acts a = {};
    ~acts_holder() { caw_acts_free(&a); }
};

nn_tensor_view view(const float * p, size_t n) {
    return nn_view_3d(const_cast<float *>(p), 1, 1, n);
}

// Trains scale s (its epochs on dev when not null: cuda/caw-train-device.cu); on success fills
// *im (unless cancelled) and *seconds.
nn_status train_scale(run_ctx & r, const nn_pyramid & pyr, size_t s, const dev_runner * dev,
                      bool * cancelled, scale_image * im, caw_epoch_losses * final_losses,
                      double * seconds) {
    using clock                    = std::chrono::steady_clock;
    const auto               t0    = clock::now();
    const caw_train_config * c     = r.cfg;
    const size_t             level = r.first + s;
    const size_t             N     = pyr.levels[level].length;
    const uint32_t           rate  = pyr.levels[level].rate;
    const float *            real  = nn_pyramid_samples(&pyr, level);
    const size_t             C     = s == 0 ? c->channels_first : c->channels_rest;
    const caw_config         arch  = {CAW_GENERATOR, C, c->kernel, c->layers};
    const size_t             P     = caw_pad(&arch);
    // crops (docs/caw-spec.md §8 "Crops"): D and the losses see Lc samples at real[a, a + Lc),
    // G runs on Lg = Lc + 2P from a - P so that its outputs [P, P + Lc) are exact
    const bool   cropped = c->crop > 0 && N >= c->crop + 2 * P + 1;
    const size_t Lc      = cropped ? c->crop : N;
    const size_t Lg      = cropped ? Lc + 2 * P : N;
    const size_t inner   = cropped ? P : 0; // offset of the crop in G's output
    const size_t epochs  = cropped && c->fine_epochs > 0 ? c->fine_epochs : c->epochs;
    const size_t M       = Lc - 2 * P; // D's output map

    // networks: warm start ("Ten details" #1) or fresh init from stream (s, INIT)
    net G, D;
    NN_TRY(G.init(CAW_GENERATOR, C, c));
    NN_TRY(D.init(CAW_DISCRIMINATOR, C, c));
    if (s >= 2) {
        NN_TRY(G.load(r.last.g_params, r.last.g_state));
        NN_TRY(D.load(r.last.d_params, r.last.d_state));
    } else {
        nn_rng init;
        NN_TRY(nn_rng_init_stream(&init, c->seed, static_cast<uint32_t>(s), NN_RNG_PURPOSE_INIT));
        const caw_rng_source src = {&init, &rng_uniform, &rng_normal};
        NN_TRY(caw_model_init_params(&G.m, &src));
        NN_TRY(caw_model_init_params(&D.m, &src));
    }
    G.zero_grad();
    D.zero_grad();

    // inpainting: this level's holes, valid flags (MSE) and D mask (real and GP passes)
    const bool            inpaint = c->mode == CAW_TRAIN_INPAINTING;
    std::vector<caw_hole> holes   = level_holes(c, rate, r.Fs);
    std::vector<unsigned char> valid(N, 1);
    size_t                     n_valid = N;
    dmask_holder               dmask;
    if (inpaint) {
        for (const caw_hole & h : holes) {
            for (size_t t = h.start; t < std::min(h.end, N); t++) {
                n_valid -= valid[t];
                valid[t] = 0;
            }
        }
        const caw_config darch = {CAW_DISCRIMINATOR, C, c->kernel, c->layers};
        NN_TRY(caw_dmask_init(&dmask.m, &darch, N, holes.data(), holes.size()));
    }

    // reconstruction noise: randn(N_0) at scale 0 (stream (0, REC)), zeros after; inpainting
    // scales >= 1: N(0, 1) inside the level's holes from stream (s, REC), drawn once here (the
    // paper redraws it every iteration, the reference code does not; its inpaint.py --new redraw
    // puts full-rate hole indices at every scale, a bug not reproduced: level indices here)
    std::vector<float> z_rec0, z_rec_s;
    if (inpaint && s > 0) {
        nn_rng rec;
        NN_TRY(nn_rng_init_stream(&rec, c->seed, static_cast<uint32_t>(s), NN_RNG_PURPOSE_REC));
        z_rec_s.assign(N, 0.0f);
        std::vector<float> draw(N - n_valid); // empty when a short hole vanishes at this rate
        if (!draw.empty()) {
            NN_TRY(nn_rng_fill_normal(&rec, draw.data(), draw.size(), 1.0));
        }
        for (size_t t = 0, k = 0; t < N; t++) {
            if (valid[t] == 0) {
                z_rec_s[t] = draw[k++];
            }
        }
    }
    if (s == 0) {
        nn_rng rec;
        NN_TRY(nn_rng_init_stream(&rec, c->seed, 0, NN_RNG_PURPOSE_REC));
        z_rec0.assign(N, 0.0f);
        NN_TRY(nn_rng_fill_normal(&rec, z_rec0.data(), N, 1.0));
    } else {
        z_rec0.assign(r.frozen.z_rec0, r.frozen.z_rec0 + r.frozen.lengths[0]);
    }

    // prev_rec (computed once: it depends on nothing drawn per epoch) and the noise amp
    std::vector<float> prev_rec(N, 0.0f), y;
    const double       scale_up = s > 0 ? static_cast<double>(rate) / r.frozen.rates[s - 1] : 1.0;
    if (s > 0) {
        NN_TRY(frozen_run(&r.frozen, s, r.frozen.lengths, nullptr, &y));
        NN_TRY(upsample_to(y.data(), y.size(), scale_up, prev_rec.data(), N));
    }
    double amp = pyr.levels[level].noise_amp;
    if (s == 1 && c->add_cond_noise) {
        // docs/caw-spec.md §1: the unbiased std of the PADDED upsampled reconstruction, zeros
        // included
        std::vector<float> padded(N + 2 * P, 0.0f);
        std::memcpy(padded.data() + P, prev_rec.data(), N * sizeof(float));
        amp = nn_std_unbiased(padded.data(), padded.size());
    }
    if (!std::isfinite(amp)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "caw_train: scale %zu noise amp is not finite",
                       s);
    }
    const float amp_f = static_cast<float>(amp);

    // per-scale streams and schedule
    std::vector<float> alphas(epochs);
    nn_rng             alpha_rng, noise_rng, crop_rng;
    NN_TRY(nn_rng_init_stream(&alpha_rng, c->seed, static_cast<uint32_t>(s), NN_RNG_PURPOSE_ALPHA));
    NN_TRY(nn_rng_fill_uniform(&alpha_rng, alphas.data(), epochs, 0.0, 1.0));
    NN_TRY(nn_rng_init_stream(&noise_rng, c->seed, static_cast<uint32_t>(s), NN_RNG_PURPOSE_NOISE));
    NN_TRY(nn_rng_init_stream(&crop_rng, c->seed, static_cast<uint32_t>(s), NN_RNG_PURPOSE_CROP));
    const size_t milestone =
        static_cast<size_t>(c->milestone_fraction * static_cast<double>(epochs));
    const std::vector<size_t> windows =
        cropped && s > 0 ? crop_windows(&r.frozen, s, rate, Lg) : std::vector<size_t>{};

    // the checkpoint image of the trained scale (either device)
    auto finish = [&](const caw_epoch_losses & L) {
        im->config_hash                 = r.hash;
        const uint64_t info[INFO_COUNT] = {s, r.scales,  r.first,   N,        rate,
                                           C, c->kernel, c->layers, epochs};
        std::memcpy(im->info, info, sizeof(info));
        im->amps.assign(r.frozen.amps, r.frozen.amps + s);
        im->amps.push_back(amp);
        im->z_rec0 = z_rec0;
        im->z_rec  = z_rec_s;
        im->holes.clear();
        if (inpaint) {
            im->holes = {static_cast<uint64_t>(c->mode), r.Fs, c->hole_count};
            for (size_t i = 0; i < c->hole_count; i++) {
                im->holes.push_back(c->holes[i].start);
                im->holes.push_back(c->holes[i].end);
            }
        }
        losses_to_array(L, im->losses);
        im->g_params.assign(G.m.params, G.m.params + G.m.param_layout.total);
        im->g_state.assign(G.m.state, G.m.state + G.m.state_layout.total);
        im->d_params.assign(D.m.params, D.m.params + D.m.param_layout.total);
        im->d_state.assign(D.m.state, D.m.state + D.m.state_layout.total);
        *final_losses = L;
        *seconds      = std::chrono::duration<double>(clock::now() - t0).count();
        return NN_STATUS_OK;
    };
    if (dev != nullptr) { // the epochs on the device, from this same host setup
        std::vector<size_t> crops(cropped ? epochs : 0);
        for (size_t & a : crops) { // the CPU loop's draws, in its order
            a = P + static_cast<size_t>(nn_rng_next_u64(&crop_rng) % (N - Lc - 2 * P + 1));
        }
        const dev_scale_job job = {c,      r.cb,      s,             r.scales,        real,
                                   N,      rate,      C,             P,               cropped,
                                   Lc,     Lg,        inner,         epochs,          milestone,
                                   z_rec0.data(),     prev_rec.data(),                 amp_f,
                                   alphas.data(),     crops.data(),  &r.frozen,       windows.data(),
                                   Lc >= nn_mss_min_length(c->mss, c->mss_count)};
        caw_epoch_losses L = {};
        NN_TRY(dev->train_scale(&job, &G.m, &D.m, &L, cancelled));
        return *cancelled ? NN_STATUS_OK : finish(L);
    }

    mss_holder mss;
    if (Lc >= nn_mss_min_length(c->mss, c->mss_count)) {
        NN_TRY(nn_mss_plan_init(&mss.plan, c->mss, c->mss_count, Lc));
    }

    // G-side buffers hold Lg samples, D-side Lc; dfake and drec stay 0 outside the crop
    std::vector<float> z(Lg), prev(Lg, 0.0f), fake(Lg), rec(Lg), dfake(Lg, 0.0f), drec(Lg, 0.0f);
    std::vector<float> dmss(Lc), map(M), dmap(M);
    acts_holder        fake_acts, rec_acts, d_acts;
    nn_tensor_view     real_v = view(real, N), z_v = view(z.data(), Lg);
    nn_tensor_view     prev_v = view(prev.data(), Lg), fake_g = view(fake.data(), Lg);
    nn_tensor_view     rec_g = view(rec.data(), Lg), dfake_g = view(dfake.data(), Lg);
    nn_tensor_view     drec_g = view(drec.data(), Lg);
    nn_tensor_view     fake_v = view(fake.data() + inner, Lc), rec_v = view(rec.data() + inner, Lc);
    nn_tensor_view     dfake_v = view(dfake.data() + inner, Lc);
    nn_tensor_view     drec_v = view(drec.data() + inner, Lc);
    nn_tensor_view     dmss_v = view(dmss.data(), Lc), map_v = view(map.data(), M);
    nn_tensor_view     dmap_v = view(dmap.data(), M), zrec_v = view(z_rec0.data(), Lg);
    nn_tensor_view     prec_v = view(prev_rec.data(), Lg);
    nn_tensor_view     zrecs_v = view(z_rec_s.data(), N);
    const nn_tensor_view * zrec_in = s == 0 ? &zrec_v : (z_rec_s.empty() ? nullptr : &zrecs_v);
    caw_epoch_losses       L       = {};

    for (size_t e = 0; e < epochs; e++) {
        const auto   te = clock::now();
        const double lr = nn_lr_multistep(c->lr, c->gamma, &milestone, 1, e);
        if (cropped) { // this epoch's crop: real[a, a + Lc), G's window from a - P
            const size_t a = P + static_cast<size_t>(nn_rng_next_u64(&crop_rng) % (N - Lc - 2 * P + 1));
            real_v         = view(real + a, Lc);
            prec_v         = view(prev_rec.data() + (a - P), Lg);
            zrec_v         = view(z_rec0.data() + (a - P), Lg); // read at s == 0 only
        }
        // 1-2. z, then prev redrawn through every frozen generator with fresh noise (on
        // windows around the crop when cropped)
        NN_TRY(nn_rng_fill_normal(&noise_rng, z.data(), Lg, 1.0));
        if (s > 0 && cropped) {
            NN_TRY(frozen_run_window(&r.frozen, s, windows, &noise_rng, rate, prev.data(), Lg));
        } else if (s > 0) {
            NN_TRY(frozen_run(&r.frozen, s, r.frozen.lengths, &noise_rng, &y));
            NN_TRY(upsample_to(y.data(), y.size(), scale_up, prev.data(), N));
        }
        // 4. D step: -mean D(real), mean D(fake.detach()), GP, Adam
        D.zero_grad();
        float v = 0.0f;
        if (inpaint) { // masked D, mean over the kept outputs
            NN_TRY(caw_discriminator_forward_masked(&D.m, &d_acts.a, &real_v, &map_v, CAW_BN_TRAIN,
                                                    &dmask.m));
            NN_TRY(caw_critic_mean_masked(&map_v, &dmask.m, -1.0f, &v, &dmap_v));
        } else {
            NN_TRY(caw_discriminator_forward(&D.m, &d_acts.a, &real_v, &map_v, CAW_BN_TRAIN));
            NN_TRY(critic_mean_forward_cpu(&map_v, &v));
            NN_TRY(critic_mean_backward_cpu(-1.0f, &dmap_v));
        }
        L.d_real = v;
        NN_TRY(caw_discriminator_backward(&D.m, &d_acts.a, &dmap_v, nullptr));
        NN_TRY(caw_generator_forward(&G.m, &fake_acts.a, &z_v, amp_f, s > 0 ? &prev_v : nullptr,
                                     &fake_g, CAW_BN_TRAIN));
        NN_TRY(caw_discriminator_forward(&D.m, &d_acts.a, &fake_v, &map_v, CAW_BN_TRAIN));
        NN_TRY(critic_mean_forward_cpu(&map_v, &v));
        L.d_fake = v;
        NN_TRY(critic_mean_backward_cpu(1.0f, &dmap_v));
        NN_TRY(caw_discriminator_backward(&D.m, &d_acts.a, &dmap_v, nullptr));
        float gp = 0.0f;
        if (inpaint) {
            NN_TRY(caw_gradient_penalty_masked(&D.m, &d_acts.a, &real_v, &fake_v, alphas[e],
                                               static_cast<float>(c->lambda_grad), true, true,
                                               &dmask.m, &gp));
        } else {
            NN_TRY(caw_gradient_penalty(&D.m, &d_acts.a, &real_v, &fake_v, alphas[e],
                                        static_cast<float>(c->lambda_grad), true, true, &gp));
        }
        L.gp = gp;
        NN_TRY(D.adam(e + 1, lr, c));
        // 6. G step: -mean D(fake) through the updated D (train-mode BN: running stats move, as
        // PyTorch's), then the reconstruction loss; Adam
        G.zero_grad();
        NN_TRY(caw_discriminator_forward(&D.m, &d_acts.a, &fake_v, &map_v, CAW_BN_TRAIN));
        NN_TRY(critic_mean_forward_cpu(&map_v, &v));
        L.err_g = -static_cast<double>(v);
        NN_TRY(critic_mean_backward_cpu(-1.0f, &dmap_v));
        NN_TRY(caw_discriminator_backward(&D.m, &d_acts.a, &dmap_v, &dfake_v));
        NN_TRY(caw_generator_forward(&G.m, &rec_acts.a, zrec_in, amp_f, s > 0 ? &prec_v : nullptr,
                                     &rec_g, CAW_BN_TRAIN));
        if (inpaint) { // MSE over the valid samples: mean and gradient 2 a1 (rec - x) / n_valid
            double sq = 0.0;
            for (size_t i = 0; i < N; i++) {
                const double d = static_cast<double>(rec[i]) - static_cast<double>(real[i]);
                sq += valid[i] != 0 ? d * d : 0.0;
            }
            L.mse          = static_cast<float>(sq / static_cast<double>(n_valid));
            const float k2 = static_cast<float>(2.0 * c->alpha1 / static_cast<double>(n_valid));
            for (size_t i = 0; i < N; i++) {
                drec[i] = valid[i] != 0 ? k2 * (rec[i] - real[i]) : 0.0f;
            }
        } else {
            float mse = 0.0f;
            NN_TRY(mse_forward_cpu(&rec_v, &real_v, &mse));
            L.mse = mse;
            NN_TRY(
                mse_backward_cpu(&rec_v, &real_v, static_cast<float>(c->alpha1), &drec_v, nullptr));
        }
        L.mss = NAN;
        if (mss.plan != nullptr && c->alpha2 > 0.0) {
            NN_TRY(mss_loss_backward_cpu(mss.plan, &real_v, &rec_v, &dmss_v, &L.mss));
            const float a2 = static_cast<float>(c->alpha2);
            for (size_t i = 0; i < Lc; i++) {
                drec[inner + i] += a2 * dmss[i];
            }
        } else if (mss.plan != nullptr) {
            NN_TRY(mss_loss_forward_cpu(mss.plan, &real_v, &rec_v, &L.mss));
        }
        L.rec = c->alpha1 * L.mse + (c->alpha2 > 0.0 ? c->alpha2 * L.mss : 0.0);
        NN_TRY(caw_generator_backward(&G.m, &rec_acts.a, &drec_g, nullptr, nullptr));
        NN_TRY(caw_generator_backward(&G.m, &fake_acts.a, &dfake_g, nullptr, nullptr));
        NN_TRY(G.adam(e + 1, lr, c));
        // 7. the schedule is nn_lr_multistep(epoch): nothing to step

        if (r.cb != nullptr && r.cb->on_epoch != nullptr) {
            const caw_progress p = {s, r.scales,
                                    e, epochs,
                                    L, std::chrono::duration<double>(clock::now() - te).count()};
            if (!r.cb->on_epoch(r.cb->ctx, &p)) {
                *cancelled = true;
                return NN_STATUS_OK;
            }
        }
    }

    return finish(L);
}

struct pyramid_holder {
    nn_pyramid p = {};
    ~pyramid_holder() { nn_pyramid_free(&p); }
};

struct trained_holder {
    caw_trained * t;
    ~trained_holder() { caw_trained_free(t); }
};

nn_status train_all(const float * x, size_t N, uint32_t Fs, const nn_pyramid_options * options,
                    const caw_train_config * c, const char * out_dir, bool resume,
                    const caw_train_callbacks * callbacks, const dev_runner * dev,
                    caw_train_result * result) {
    const char * op = "caw_train";
    NN_TRY(check_config(c));
    NN_TRY(check_holes(c, N));
    nn_pyramid_options opt = *options; // the holes are the config's
    opt.holes              = c->hole_count > 0 ? c->holes : nullptr;
    opt.hole_count         = c->hole_count;
    pyramid_holder pyr;
    NN_TRY(nn_pyramid_init(&pyr.p, x, N, Fs, &opt));
    const nn_pyramid & p = pyr.p;

    run_ctx        r;
    trained_holder hold{&r.frozen};
    r.cfg    = c;
    r.cb     = callbacks;
    r.Fs     = Fs;
    r.first  = p.first;
    r.scales = p.count - p.first;
    r.hash   = config_hash(c, options, x, N, Fs);
    std::vector<uint32_t> rates(r.scales);
    std::vector<size_t>   lengths(r.scales);
    const size_t          mss_min = nn_mss_min_length(c->mss, c->mss_count);
    for (size_t s = 0; s < r.scales; s++) {
        const nn_pyramid_level & lv = p.levels[p.first + s];
        const caw_config arch       = {CAW_GENERATOR, s == 0 ? c->channels_first : c->channels_rest,
                                       c->kernel, c->layers};
        rates[s]                    = lv.rate;
        lengths[s]                  = lv.length;
        if (lv.length < 2 * caw_pad(&arch) + 1) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: the %u Hz scale has %zu samples, the discriminator needs at least "
                           "%zu (2P + 1)",
                           op, lv.rate, lv.length, 2 * caw_pad(&arch) + 1);
        }
        if (c->mode == CAW_TRAIN_INPAINTING) { // the masks exist and keep enough at every level
            const std::vector<caw_hole> holes = level_holes(c, lv.rate, Fs);
            const caw_config darch = {CAW_DISCRIMINATOR, arch.channels, c->kernel, c->layers};
            dmask_holder     probe;
            size_t           hole_samples = 0;
            for (const caw_hole & h : holes) {
                hole_samples += h.end - h.start;
            }
            if (hole_samples >= lv.length) {
                return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                               "%s: the holes leave no valid sample at %u Hz", op, lv.rate);
            }
            NN_TRY(caw_dmask_init(&probe.m, &darch, lv.length, holes.data(), holes.size()));
        }
        const bool cropped_level = c->crop > 0 && lv.length >= c->crop + 2 * caw_pad(&arch) + 1;
        if (c->alpha2 > 0.0 && cropped_level && c->crop < mss_min) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: a crop of %zu samples is shorter than the MSS loss's %zu", op,
                           c->crop, mss_min);
        }
        if (c->alpha2 > 0.0 && lv.length < mss_min) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: the %u Hz scale has %zu samples, the MSS loss needs at least %zu",
                           op, lv.rate, lv.length, mss_min);
        }
    }
    if (r.scales > NN_RNG_MAX_STREAM) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %zu scales exceed the rng's streams", op,
                       r.scales);
    }
    NN_TRY(trained_reserve(&r.frozen, r.scales));

    // resume: every consecutive complete scale of a run with the same hash
    std::vector<manifest_scale> done;
    size_t                      start = 0;
    if (resume) {
        for (; start < r.scales && file_exists(scale_path(out_dir, start)); start++) {
            scale_image im;
            NN_TRY(load_scale(scale_path(out_dir, start), start, &im));
            if (im.config_hash != r.hash || im.info[INFO_SCALES] != r.scales ||
                im.info[INFO_LENGTH] != lengths[start]) {
                return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                               "%s: '%s' was trained with another configuration or signal; start a "
                               "new run instead of resuming",
                               op, scale_path(out_dir, start).c_str());
            }
            NN_TRY(trained_push(&r.frozen, im));
            done.push_back(manifest_scale{rates[start], lengths[start],
                                          static_cast<size_t>(im.info[INFO_CHANNELS]),
                                          im.amps[start], losses_from_array(im.losses), NAN});
            r.last = std::move(im);
        }
    }
    // checkpoints past the start belong to an older run: remove them so a later resume cannot
    // mix runs
    for (size_t s = start; s < r.scales || file_exists(scale_path(out_dir, s)); s++) {
        const std::string path = scale_path(out_dir, s);
        if (file_exists(path) && std::remove(path.c_str()) != 0) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: cannot remove the stale '%s'", op,
                           path.c_str());
        }
    }
    NN_TRY(write_manifest(out_dir, r.hash, c, Fs, r.first, rates, lengths, done));
    result->scales_total = r.scales;
    result->scales_done  = start;
    result->resumed_at   = start;

    for (size_t s = start; s < r.scales; s++) {
        bool             cancelled = false;
        scale_image      im;
        caw_epoch_losses L       = {};
        double           seconds = 0.0;
        NN_TRY(train_scale(r, p, s, dev, &cancelled, &im, &L, &seconds));
        if (cancelled) {
            result->cancelled = true;
            break;
        }
        NN_TRY(save_scale(scale_path(out_dir, s), im));
        NN_TRY(trained_push(&r.frozen, im));
        done.push_back(manifest_scale{rates[s], lengths[s],
                                      static_cast<size_t>(im.info[INFO_CHANNELS]), im.amps[s], L,
                                      seconds});
        NN_TRY(write_manifest(out_dir, r.hash, c, Fs, r.first, rates, lengths, done));
        r.last              = std::move(im);
        result->scales_done = s + 1;
    }
    return NN_STATUS_OK;
}

} // namespace

nn_status caw_train(const float * x, size_t N, uint32_t Fs, const nn_pyramid_options * options,
                    const caw_train_config * config, const char * out_dir, bool resume,
                    const caw_train_callbacks * callbacks, caw_train_result * result) {
#if defined(NN_WITH_CUDA)
    const dev_runner * dev = dev_runner_cuda();
#else
    const dev_runner * dev = nullptr;
#endif
    return train_on(dev, x, N, Fs, options, config, out_dir, resume, callbacks, result);
}

nn_status caw_tr::train_on(const dev_runner * candidate, const float * x, size_t N, uint32_t Fs,
                           const nn_pyramid_options * options, const caw_train_config * config,
                           const char * out_dir, bool resume, const caw_train_callbacks * callbacks,
                           caw_train_result * result) {
    const char * op = "caw_train";
    if (x == nullptr || options == nullptr || config == nullptr || out_dir == nullptr ||
        result == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: x, options, config, out_dir and result must not be null", op);
    }
    if (N == 0 || Fs == 0 || out_dir[0] == '\0') {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: N, Fs and out_dir must not be empty", op);
    }
    if (config->device != CAW_DEVICE_CPU && config->device != CAW_DEVICE_CUDA &&
        config->device != CAW_DEVICE_AUTO) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: unknown device %d", op,
                       static_cast<int>(config->device));
    }
    *result = caw_train_result{};
    // bf16 convolutions for this thread's training only (nn/conv1d.h: the setting is
    // thread-local; where the CPU lacks AVX512_BF16 it stays fp32), restored on every return
    struct precision_scope {
        nn_conv_precision before;
        explicit precision_scope(bool bf16)
            : before(conv1d_set_precision(bf16 ? NN_CONV_BF16 : NN_CONV_FP32)) {}
        ~precision_scope() { conv1d_set_precision(before); }
    } precision(config->bf16);
    try {
        // the device: CPU unless CUDA / AUTO was asked and the device passes its self-test
        // (caw-device-select.cpp); on_device hears the choice and the reason for a fallback
        const dev_runner * dev = nullptr;
        NN_TRY(choose_device(candidate, config, callbacks, &dev));
        NN_TRY(train_all(x, N, Fs, options, config, out_dir, resume, callbacks, dev, result));
    } catch (const std::bad_alloc &) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of memory", op);
    }
    nn_clear_error();
    return NN_STATUS_OK;
}
