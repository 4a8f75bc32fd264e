// caw-device-check.cu: the device trainer's runner (model/caw-device-train.h dev_runner: its name,
// its self-test, its scale trainer), and, in the simulator build, caw_train_sim.
// The self-test runs a tiny generator (C 4, K 3, L 3: head and body convolutions with dilation,
// train-mode BN, LeakyReLU, the gate's padded convolutions, the gated unit, out_conv,
// pre-emphasis) forward and backward, and a tiny discriminator's forward, backward (with dx) and
// gradient penalty (the double backward: BN JVP and its reverse) on the device and on
// caw_cpu_backend from the same parameters and inputs, and reports the worst NMSE over outputs,
// input and parameter gradients, BN running statistics and the penalty:
// a device whose kernels disagree with the CPU falls back before training (caw-device-select.cpp).
// No kernels here: entry points and the model templates only.

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "cuda/caw-train-device.cuh"
#include "cuda/common.cuh"
#include "model/caw-gp-impl.h"
#include "model/caw-model-impl.h"

namespace CAW_DEV_NS {

namespace {

// A fixed, seedless generator for the self-test's parameters and inputs.
struct lcg {
    uint64_t state = 0x853c49e6748fea9bull;
    double   uniform() {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(state >> 11) * (1.0 / 9007199254740992.0);
    }
};
double lcg_uniform(void * ctx) {
    return static_cast<lcg *>(ctx)->uniform();
}
double lcg_normal(void * ctx) { // Irwin-Hall: good enough for test values
    double s = 0.0;
    for (int i = 0; i < 12; i++) {
        s += static_cast<lcg *>(ctx)->uniform();
    }
    return s - 6.0;
}

double nmse(const std::vector<float> & got, const float * want, size_t n) {
    double err = 0.0, ref = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double d = static_cast<double>(got[i]) - static_cast<double>(want[i]);
        err += d * d;
        ref += static_cast<double>(want[i]) * static_cast<double>(want[i]);
    }
    return ref > 0.0 ? err / ref : err;
}

struct dev_mem {
    void * p = nullptr;
    ~dev_mem() {
        if (p != nullptr) {
            cudaFree(p);
        }
    }
};

// initial BN state (running mean 0, var 1): what the CPU's train-mode forward moved
std::vector<float> initial_state(const caw_model & m) {
    std::vector<float> st(m.state_layout.total, 0.0f);
    for (size_t l = 0; l < m.n_convs; l++) {
        if (m.convs[l].bn) {
            for (size_t o = 0; o < m.convs[l].C_out; o++) {
                st[m.convs[l].rvar + o] = 1.0f;
            }
        }
    }
    return st;
}

// A device copy of host model H (layout, params, initial state, zero grads) plus `extra` floats,
// in one allocation.
struct dev_model {
    caw_model m     = {};
    dev_mem   mem;
    float *   extra = nullptr;
    ~dev_model() {
        nn_param_layout_free(&m.param_layout);
        nn_param_layout_free(&m.state_layout);
    }
    nn_status init(const caw_model & H, caw_acts * acts, size_t N, bool tangents, size_t n_extra) {
        NN_TRY(caw_model_layout(&m, &H.config));
        const size_t n_p = m.param_layout.total, n_s = m.state_layout.total, n_w = m.weights_total;
        const size_t n_a = caw_acts_bind<float>(&m, acts, N, nullptr);
        const size_t n_t = tangents ? caw_tangents_bind<float>(&m, acts, nullptr) : 0;
        NN_CUDA_CHECK(cudaMalloc(&mem.p, (2 * n_p + n_s + 2 * n_w + n_a + n_t + n_extra) *
                                             sizeof(float)));
        float * p = static_cast<float *>(mem.p);
        m.params  = p;
        m.grads   = p + n_p;
        m.state   = p + 2 * n_p;
        m.weights = m.state + n_s;
        m.wgrads  = m.weights + n_w;
        caw_acts_bind<float>(&m, acts, N, m.wgrads + n_w);
        if (tangents) {
            caw_tangents_bind<float>(&m, acts, m.wgrads + n_w + n_a);
        }
        extra = m.wgrads + n_w + n_a + n_t;
        NN_TRY(caw_dev_backend::zero(m.grads, n_p));
        NN_TRY(caw_dev_backend::upload(m.params, H.params, n_p));
        const std::vector<float> st = initial_state(H);
        return caw_dev_backend::upload(m.state, st.data(), n_s);
    }
    // worst NMSE of the device's grads and state against H's
    nn_status compare(const caw_model & H, double * worst) {
        std::vector<float> g(m.param_layout.total), st(m.state_layout.total);
        NN_TRY(caw_dev_backend::download(g.data(), m.grads, g.size()));
        NN_TRY(caw_dev_backend::download(st.data(), m.state, st.size()));
        *worst = std::max(*worst, std::max(nmse(g, H.grads, g.size()), nmse(st, H.state, st.size())));
        return NN_STATUS_OK;
    }
};

struct host_model {
    caw_model m = {};
    caw_acts  a = {};
    ~host_model() {
        caw_acts_free(&a);
        caw_model_free(&m);
    }
};

std::vector<float> test_signal(lcg & rng, size_t n, double scale) {
    std::vector<float> v(n);
    for (float & x : v) {
        x = static_cast<float>(scale * lcg_normal(&rng));
    }
    return v;
}

// G: forward (train BN, noise and prev) and backward.
nn_status check_generator(const caw_config & cfg, lcg & rng, double * worst) {
    const size_t N = 41;
    host_model   H;
    NN_TRY(caw_model_init(&H.m, &cfg));
    const caw_rng_source src = {&rng, &lcg_uniform, &lcg_normal};
    NN_TRY(caw_model_init_params(&H.m, &src));
    std::vector<float> noise = test_signal(rng, N, 1.0), prev = test_signal(rng, N, 0.5);
    std::vector<float> dout = test_signal(rng, N, 1.0), out(N);
    caw_acts           da = {};
    dev_model          Dv;
    NN_TRY(Dv.init(H.m, &da, N, false, 4 * N)); // before the CPU moves the running statistics
    nn_tensor_view nv = nn_view_3d(noise.data(), 1, 1, N), pv = nn_view_3d(prev.data(), 1, 1, N);
    nn_tensor_view ov = nn_view_3d(out.data(), 1, 1, N), dv = nn_view_3d(dout.data(), 1, 1, N);
    NN_TRY(caw_generator_forward(&H.m, &H.a, &nv, 0.7f, &pv, &ov, CAW_BN_TRAIN));
    NN_TRY(caw_generator_backward(&H.m, &H.a, &dv, nullptr, nullptr));
    float * d_noise = Dv.extra, *d_prev = d_noise + N, *d_out = d_prev + N, *d_dout = d_out + N;
    NN_TRY(caw_dev_backend::upload(d_noise, noise.data(), N));
    NN_TRY(caw_dev_backend::upload(d_prev, prev.data(), N));
    NN_TRY(caw_dev_backend::upload(d_dout, dout.data(), N));
    NN_TRY((caw_generator_forward_impl<caw_dev_backend, float>(&Dv.m, &da, d_noise, 0.7f, d_prev,
                                                               d_out, CAW_BN_TRAIN)));
    NN_TRY((caw_generator_backward_impl<caw_dev_backend, float>(&Dv.m, &da, d_dout, nullptr,
                                                                nullptr)));
    std::vector<float> got(N);
    NN_TRY(caw_dev_backend::download(got.data(), d_out, N));
    *worst = std::max(*worst, nmse(got, out.data(), N));
    return Dv.compare(H.m, worst);
}

// D: forward on real, backward with dx, then the gradient penalty with its parameter gradient.
nn_status check_discriminator(const caw_config & cfg, lcg & rng, double * worst) {
    host_model H;
    NN_TRY(caw_model_init(&H.m, &cfg));
    const caw_rng_source src = {&rng, &lcg_uniform, &lcg_normal};
    NN_TRY(caw_model_init_params(&H.m, &src));
    const size_t       N = 2 * H.m.pad + 19, M = N - 2 * H.m.pad;
    std::vector<float> real = test_signal(rng, N, 0.5), fake = test_signal(rng, N, 0.5);
    std::vector<float> dmap = test_signal(rng, M, 1.0), map(M), dx(N);
    const float        alpha = 0.37f;
    caw_acts           da    = {};
    dev_model          Dv;
    NN_TRY(Dv.init(H.m, &da, N, true, 3 * N + 2 * M + 2));
    nn_tensor_view rv = nn_view_3d(real.data(), 1, 1, N), fv = nn_view_3d(fake.data(), 1, 1, N);
    nn_tensor_view mv = nn_view_3d(map.data(), 1, 1, M), dmv = nn_view_3d(dmap.data(), 1, 1, M);
    nn_tensor_view dxv = nn_view_3d(dx.data(), 1, 1, N);
    float          gp  = 0.0f;
    NN_TRY(caw_discriminator_forward(&H.m, &H.a, &rv, &mv, CAW_BN_TRAIN));
    NN_TRY(caw_discriminator_backward(&H.m, &H.a, &dmv, &dxv));
    NN_TRY(caw_gradient_penalty(&H.m, &H.a, &rv, &fv, alpha, 0.01f, true, true, &gp));
    float * d_real = Dv.extra, *d_fake = d_real + N, *d_dx = d_fake + N, *d_map = d_dx + N;
    float * d_dmap = d_map + M, *d_alpha = d_dmap + M, *d_gp = d_alpha + 1;
    NN_TRY(caw_dev_backend::upload(d_real, real.data(), N));
    NN_TRY(caw_dev_backend::upload(d_fake, fake.data(), N));
    NN_TRY(caw_dev_backend::upload(d_dmap, dmap.data(), M));
    NN_TRY(caw_dev_backend::upload(d_alpha, &alpha, 1));
    NN_TRY((caw_discriminator_forward_impl<caw_dev_backend, float>(&Dv.m, &da, d_real, d_map,
                                                                   CAW_BN_TRAIN)));
    NN_TRY((caw_discriminator_backward_impl<caw_dev_backend, float>(&Dv.m, &da, d_dmap, d_dx)));
    NN_TRY((caw_gradient_penalty_impl<caw_dev_backend, float>(
        &Dv.m, &da, d_real, d_fake, d_alpha, 0.01f, true, true, d_gp, nullptr, nullptr)));
    std::vector<float> got_map(M), got_dx(N), got_gp(1);
    NN_TRY(caw_dev_backend::download(got_map.data(), d_map, M));
    NN_TRY(caw_dev_backend::download(got_dx.data(), d_dx, N));
    NN_TRY(caw_dev_backend::download(got_gp.data(), d_gp, 1));
    *worst = std::max(*worst, std::max(nmse(got_map, map.data(), M), nmse(got_dx, dx.data(), N)));
    *worst = std::max(*worst, nmse(got_gp, &gp, 1));
    return Dv.compare(H.m, worst);
}

} // namespace

nn_status self_test_dev(nn_conv_precision precision, double * worst) {
    cudaStream_t stream = nullptr;
    NN_CUDA_CHECK(cudaStreamCreate(&stream));
    nn_status st = NN_STATUS_OK;
    *worst       = 0.0;
    {
        caw_dev_scope    scope(stream, precision);
        lcg              rng;
        const caw_config g = {CAW_GENERATOR, 4, 3, 3}, d = {CAW_DISCRIMINATOR, 4, 3, 3};
        st                 = check_generator(g, rng, worst);
        if (st == NN_STATUS_OK) {
            st = check_discriminator(d, rng, worst);
        }
        if (!std::isfinite(*worst)) {
            *worst = INFINITY;
        }
    }
    cudaStreamDestroy(stream);
    return st;
}

namespace {

nn_status runner_train_scale(const caw_tr::dev_scale_job * job, caw_model * G, caw_model * D,
                             caw_epoch_losses * last, bool * cancelled) {
    cudaStream_t stream = nullptr;
    NN_CUDA_CHECK(cudaStreamCreate(&stream));
    nn_status st = NN_STATUS_OK;
    {
        caw_dev_scope scope(stream, job->cfg->bf16 ? NN_CONV_BF16 : NN_CONV_FP32);
        st = train_scale_dev(job, G, D, last, cancelled);
    }
    cudaStreamDestroy(stream);
    return st;
}

nn_status runner_name(char * name, size_t len) {
#if defined(NN_SIM)
    std::snprintf(name, len, "CPU simulator");
#else
    cudaDeviceProp prop;
    NN_CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
    std::snprintf(name, len, "%s", prop.name);
#endif
    return NN_STATUS_OK;
}

#if defined(NN_SIM)
const caw_tr::dev_runner RUNNER = {"sim", &runner_name, &self_test_dev, &runner_train_scale,
                                   &graph_replays};
#else
const caw_tr::dev_runner RUNNER = {"cuda", &runner_name, &self_test_dev, &runner_train_scale,
                                   &graph_replays};
#endif

} // namespace

} // namespace CAW_DEV_NS

#if defined(NN_SIM)
const caw_tr::dev_runner * caw_tr::dev_runner_sim() {
    return &CAW_DEV_NS::RUNNER;
}

nn_status caw_train_sim(const float * x, size_t N, uint32_t Fs, const nn_pyramid_options * options,
                        const caw_train_config * config, const char * out_dir, bool resume,
                        const caw_train_callbacks * callbacks, caw_train_result * result) {
    return caw_tr::train_on(caw_tr::dev_runner_sim(), x, N, Fs, options, config, out_dir, resume,
                            callbacks, result);
}
#else
const caw_tr::dev_runner * caw_tr::dev_runner_cuda() {
    return &CAW_DEV_NS::RUNNER;
}
#endif
