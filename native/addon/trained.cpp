// trained.cpp: what generation outside the native core needs from a trained run — the frozen
// generators as plain arrays (for the ONNX export), the seeded noise caw_generate draws, and the
// between-scale cubic upsampling (so the exported graph can be checked against it).
// defines: eureka_addon::read_trained, generation_noise, upsample_cubic
#include <napi.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "addon-common.h"
#include "nn/caw-generate.h"
#include "nn/resample.h"
#include "nn/rng.h"
#include "nn/weight-norm.h"
#include "train-options.h"

namespace eureka_addon {

namespace {

/** Most samples generationNoise and upsampleCubic hand out per array (4 GiB of float32 / 4). */
constexpr double MAX_ARRAY_SAMPLES = 1024.0 * 1024.0 * 1024.0;

// One conv of a frozen generator, copied out of caw_trained on the worker thread.
struct conv_copy {
    std::string        name;
    size_t             C_in, C_out, K, D, pad;
    std::vector<float> weight, bias, gamma, beta, rmean, rvar; // BN vectors empty when !bn
};

struct scale_copy {
    uint32_t               rate;
    size_t                 length, channels, kernel, layers, pad;
    double                 amp;
    std::vector<conv_copy> convs;
    std::vector<float>     z_rec; // empty: zeros
};

// The layout names of caw-model-impl.h, by conv index (l < L trunk, then the gates, out_conv).
std::string conv_name(size_t l, size_t L) {
    if (l == 0) return "head";
    if (l < L - 1) return "body." + std::to_string(l - 1);
    if (l == L - 1) return "tail";
    if (l == L) return "gate_tanh";
    if (l == L + 1) return "gate_sigmoid";
    return "out_conv";
}

std::vector<float> copy_of(const float * p, size_t n) { return std::vector<float>(p, p + n); }

class ReadTrainedWorker : public Napi::AsyncWorker {
  public:
    ReadTrainedWorker(Napi::Env env, std::string out_dir) :
        Napi::AsyncWorker(env, "eureka_native.readTrained"),
        deferred_(Napi::Promise::Deferred::New(env)), out_dir_(std::move(out_dir)) {}

    Napi::Promise promise() const { return deferred_.Promise(); }

  protected:
    void Execute() override {
        caw_trained t{};
        status_ = caw_trained_load(&t, out_dir_.c_str());
        if (status_ == NN_STATUS_OK) {
            status_ = copy_out(t);
        }
        if (status_ != NN_STATUS_OK) {
            message_ = nn_last_error();
        }
        caw_trained_free(&t);
        if (status_ != NN_STATUS_OK) {
            SetError(message_);
        }
    }

    void OnOK() override {
        Napi::Env   env    = Env();
        Napi::Array scales = Napi::Array::New(env, scales_.size());
        for (size_t s = 0; s < scales_.size(); s++) {
            scales.Set(static_cast<uint32_t>(s), scale_object(env, scales_[s]));
        }
        Napi::Object result = Napi::Object::New(env);
        result.Set("scales", scales);
        char hash[17];
        std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(config_hash_));
        result.Set("configHash", std::string(hash));
        result.Set("inpainting", inpainting_);
        result.Set("holeRate", inpainting_ ? Napi::Value(Napi::Number::New(env, hole_rate_))
                                           : env.Null());
        Napi::Array holes = Napi::Array::New(env, holes_.size());
        for (size_t h = 0; h < holes_.size(); h++) {
            Napi::Object hole = Napi::Object::New(env);
            hole.Set("start", static_cast<double>(holes_[h].start));
            hole.Set("end", static_cast<double>(holes_[h].end));
            holes.Set(static_cast<uint32_t>(h), hole);
        }
        result.Set("holes", holes);
        result.Set("preemphasis", 0.97);
        if (env.IsExceptionPending()) {
            deferred_.Reject(env.GetAndClearPendingException().Value());
            return;
        }
        deferred_.Resolve(result);
    }

    void OnError(const Napi::Error & error) override {
        deferred_.Reject(status_error(Env(), status_, error.Message()).Value());
    }

  private:
    nn_status copy_out(const caw_trained & t) {
        config_hash_ = t.config_hash;
        inpainting_  = t.inpainting;
        hole_rate_   = t.Fs;
        holes_.assign(t.holes, t.holes + t.hole_count);
        scales_.resize(t.scales);
        for (size_t s = 0; s < t.scales; s++) {
            const caw_model & G  = t.G[s];
            scale_copy &      sc = scales_[s];
            sc.rate              = t.rates[s];
            sc.length            = t.lengths[s];
            sc.amp               = t.amps[s];
            sc.channels          = G.config.channels;
            sc.kernel            = G.config.kernel;
            sc.layers            = G.config.layers;
            sc.pad               = G.pad;
            if (t.z_rec[s] != nullptr) {
                sc.z_rec = copy_of(t.z_rec[s], t.lengths[s]);
            }
            for (size_t l = 0; l < G.n_convs; l++) {
                const caw_conv & c = G.convs[l];
                conv_copy        cc{conv_name(l, G.config.layers), c.C_in, c.C_out, c.K, c.D,
                             c.pad,                           {},     {},      {},  {},
                             {},                              {}};
                // The effective weight exactly as the forward computes it (weight-norm.h).
                cc.weight.resize(c.C_out * c.C_in * c.K);
                nn_tensor_view v = nn_view_3d(G.params + c.v, c.C_out, c.C_in, c.K);
                nn_tensor_view g = nn_view_3d(G.params + c.g, c.C_out, 1, 1);
                g.ndim           = 1; // (C_out): a vector, as weight_norm_forward_cpu wants
                g.strides[1] = g.strides[2] = 0;
                nn_tensor_view w = nn_view_3d(cc.weight.data(), c.C_out, c.C_in, c.K);
                const nn_status st = weight_norm_forward_cpu(&v, &g, &w);
                if (st != NN_STATUS_OK) {
                    return st;
                }
                cc.bias = copy_of(G.params + c.bias, c.C_out);
                if (c.bn) {
                    cc.gamma = copy_of(G.params + c.gamma, c.C_out);
                    cc.beta  = copy_of(G.params + c.beta, c.C_out);
                    cc.rmean = copy_of(G.state + c.rmean, c.C_out);
                    cc.rvar  = copy_of(G.state + c.rvar, c.C_out);
                }
                sc.convs.push_back(std::move(cc));
            }
        }
        return NN_STATUS_OK;
    }

    static Napi::Float32Array floats(Napi::Env env, const std::vector<float> & x) {
        Napi::Float32Array a = Napi::Float32Array::New(env, x.size());
        if (!x.empty()) {
            std::memcpy(a.Data(), x.data(), x.size() * sizeof(float));
        }
        return a;
    }

    static Napi::Object scale_object(Napi::Env env, const scale_copy & sc) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("rate", static_cast<double>(sc.rate));
        o.Set("length", static_cast<double>(sc.length));
        o.Set("amp", sc.amp);
        o.Set("channels", static_cast<double>(sc.channels));
        o.Set("kernel", static_cast<double>(sc.kernel));
        o.Set("layers", static_cast<double>(sc.layers));
        o.Set("pad", static_cast<double>(sc.pad));
        o.Set("zRec", sc.z_rec.empty() ? env.Null() : Napi::Value(floats(env, sc.z_rec)));
        Napi::Array convs = Napi::Array::New(env, sc.convs.size());
        for (size_t l = 0; l < sc.convs.size(); l++) {
            const conv_copy & cc = sc.convs[l];
            Napi::Object      c  = Napi::Object::New(env);
            c.Set("name", cc.name);
            c.Set("inChannels", static_cast<double>(cc.C_in));
            c.Set("outChannels", static_cast<double>(cc.C_out));
            c.Set("kernel", static_cast<double>(cc.K));
            c.Set("dilation", static_cast<double>(cc.D));
            c.Set("padding", static_cast<double>(cc.pad));
            c.Set("weight", floats(env, cc.weight));
            c.Set("bias", floats(env, cc.bias));
            if (cc.gamma.empty()) {
                c.Set("batchNorm", env.Null());
            } else {
                Napi::Object bn = Napi::Object::New(env);
                bn.Set("gamma", floats(env, cc.gamma));
                bn.Set("beta", floats(env, cc.beta));
                bn.Set("runningMean", floats(env, cc.rmean));
                bn.Set("runningVar", floats(env, cc.rvar));
                bn.Set("eps", 1e-5);
                c.Set("batchNorm", bn);
            }
            convs.Set(static_cast<uint32_t>(l), c);
        }
        o.Set("convs", convs);
        return o;
    }

    Napi::Promise::Deferred deferred_;
    std::string             out_dir_;
    std::vector<scale_copy> scales_;
    uint64_t                config_hash_ = 0;
    bool                    inpainting_  = false;
    uint32_t                hole_rate_   = 0;
    std::vector<caw_hole>   holes_;
    std::string             message_;
    nn_status               status_ = NN_STATUS_OK;
};

} // namespace

// readTrained(outDir): Promise<{ scales, configHash, inpainting, holeRate, holes, preemphasis }>
Napi::Value read_trained(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() != 1) {
        throw_invalid(env, "readTrained: expected 1 argument (outDir), got " +
                               std::to_string(info.Length()));
        return env.Undefined();
    }
    std::string out_dir;
    if (!read_path(env, info[0], "readTrained: outDir", &out_dir)) {
        return env.Undefined();
    }
    auto *              worker  = new ReadTrainedWorker(env, std::move(out_dir));
    const Napi::Promise promise = worker->promise();
    worker->Queue();
    return promise;
}

// generationNoise(seed, lengths: number[]): Float32Array[] — nn_rng_init(seed), then one
// nn_rng_fill_normal per length in order: exactly the draws caw_generate makes scale by scale.
Napi::Value generation_noise(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    uint64_t  seed = 0;
    if (info.Length() != 2 || !read_seed(env, info[0], "generationNoise: seed", &seed)) {
        if (info.Length() != 2) {
            throw_invalid(env, "generationNoise: expected 2 arguments (seed, lengths)");
        }
        return env.Undefined();
    }
    if (!info[1].IsArray()) {
        throw_invalid(env, "generationNoise: lengths must be an array of sample counts");
        return env.Undefined();
    }
    Napi::Array         lengths = info[1].As<Napi::Array>();
    std::vector<size_t> counts(lengths.Length());
    for (uint32_t i = 0; i < lengths.Length(); i++) {
        uint64_t n = 0;
        if (!read_integer(env, lengths.Get(i), "generationNoise: lengths[" + std::to_string(i) + "]",
                          0, MAX_ARRAY_SAMPLES, &n)) {
            return env.Undefined();
        }
        counts[i] = static_cast<size_t>(n);
    }
    nn_rng rng;
    nn_rng_init(&rng, seed);
    Napi::Array out = Napi::Array::New(env, counts.size());
    for (size_t i = 0; i < counts.size(); i++) {
        Napi::Float32Array a = Napi::Float32Array::New(env, counts[i]);
        if (env.IsExceptionPending()) {
            return env.Undefined();
        }
        if (counts[i] > 0) {
            nn_rng_fill_normal(&rng, a.Data(), counts[i], 1.0);
        }
        out.Set(static_cast<uint32_t>(i), a);
    }
    return out;
}

// upsampleCubic(x: Float32Array, scale: number, outLength: number): Float32Array
Napi::Value upsample_cubic(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() != 3 || !info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
        throw_invalid(env, "upsampleCubic: expected (x: Float32Array, scale, outLength)");
        return env.Undefined();
    }
    Napi::Float32Array x     = info[0].As<Napi::Float32Array>();
    const double       scale = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : NAN;
    uint64_t           n_out = 0;
    if (!std::isfinite(scale) || scale < 1.0 || x.ElementLength() == 0) {
        throw_invalid(env, "upsampleCubic: scale must be a finite number >= 1 and x non-empty");
        return env.Undefined();
    }
    if (!read_integer(env, info[2], "upsampleCubic: outLength", 1, MAX_ARRAY_SAMPLES, &n_out)) {
        return env.Undefined();
    }
    Napi::Float32Array y = Napi::Float32Array::New(env, static_cast<size_t>(n_out));
    if (env.IsExceptionPending()) {
        return env.Undefined();
    }
    nn_tensor_view    xv = nn_view_3d(x.Data(), 1, 1, x.ElementLength());
    nn_tensor_view    yv = nn_view_3d(y.Data(), 1, 1, static_cast<size_t>(n_out));
    const nn_status   st = upsample_cubic_forward_cpu(&xv, &yv, scale);
    if (st != NN_STATUS_OK) {
        status_error(env, st, nn_last_error()).ThrowAsJavaScriptException();
        return env.Undefined();
    }
    return y;
}

} // namespace eureka_addon
