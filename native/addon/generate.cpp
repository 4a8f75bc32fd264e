// generate.cpp: generate(...) and reconstruct(...) of eureka_native (see addon.cpp's rules):
// caw_trained_load, then caw_generate or caw_reconstruct (nn/caw-generate.h), on a worker
// thread, resolving a Promise with the samples. The typed facade is in src-main/addon/.

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "addon-common.h"
#include "nn/caw-generate.h"
#include "nn/nn.h"
#include "train-options.h"

namespace {

using eureka_addon::read_path;
using eureka_addon::read_seed;
using eureka_addon::status_error;
using eureka_addon::throw_invalid;

/** The most samples one generate call returns (1 GiB of floats): refused, not a bad_alloc. */
constexpr size_t MAX_OUTPUT_SAMPLES = size_t(1) << 28;

/**
 * Loads a trained run's checkpoints and generates (seed, seconds) or reconstructs, off the JS
 * thread. The samples are copied into a new Float32Array on the JS thread: Electron's memory
 * cage forbids ArrayBuffers over external memory, and the copy is tiny next to the generation.
 */
class GenerateWorker : public Napi::AsyncWorker {
  public:
    GenerateWorker(Napi::Env env, std::string out_dir, bool reconstruct, uint64_t seed,
                   double seconds) :
        Napi::AsyncWorker(env,
                          reconstruct ? "eureka_native.reconstruct" : "eureka_native.generate"),
        deferred_(Napi::Promise::Deferred::New(env)), out_dir_(std::move(out_dir)),
        reconstruct_(reconstruct), seed_(seed), seconds_(seconds) {}

    Napi::Promise promise() const { return deferred_.Promise(); }

  protected:
    void Execute() override {
        caw_trained trained{};
        status_ = caw_trained_load(&trained, out_dir_.c_str());
        if (status_ == NN_STATUS_OK) {
            rate_              = trained.rates[trained.scales - 1];
            const size_t count = reconstruct_ ? trained.lengths[trained.scales - 1]
                                              : caw_generate_length(&trained, seconds_);
            if (count == 0) {
                status_  = NN_STATUS_INVALID_ARGUMENT;
                message_ = "generate: " + std::to_string(seconds_) +
                           " s is too short for the trained rates";
            } else if (count > MAX_OUTPUT_SAMPLES) {
                status_  = NN_STATUS_INVALID_ARGUMENT;
                message_ = "generate: " + std::to_string(count) + " samples is more than the " +
                           std::to_string(MAX_OUTPUT_SAMPLES) + " one call may produce";
            } else {
                samples_.resize(count);
                status_ = reconstruct_
                              ? caw_reconstruct(&trained, samples_.data(), count)
                              : caw_generate(&trained, seed_, seconds_, samples_.data(), count);
            }
        }
        if (status_ != NN_STATUS_OK && message_.empty()) {
            message_ = nn_last_error();
        }
        caw_trained_free(&trained);
        if (status_ != NN_STATUS_OK) {
            SetError(message_);
        }
    }

    void OnOK() override {
        Napi::Env          env     = Env();
        Napi::Float32Array samples = Napi::Float32Array::New(env, samples_.size());
        if (env.IsExceptionPending()) {
            deferred_.Reject(env.GetAndClearPendingException().Value());
            return;
        }
        std::memcpy(samples.Data(), samples_.data(), samples_.size() * sizeof(float));
        Napi::Object result = Napi::Object::New(env);
        result.Set("sampleRate", static_cast<double>(rate_));
        result.Set("samples", samples);
        deferred_.Resolve(result);
    }

    void OnError(const Napi::Error & error) override {
        deferred_.Reject(status_error(Env(), status_, error.Message()).Value());
    }

  private:
    Napi::Promise::Deferred deferred_;
    std::string             out_dir_;
    bool                    reconstruct_;
    uint64_t                seed_;
    double                  seconds_;
    uint32_t                rate_ = 0;
    std::vector<float>      samples_; // (out_len) at rate_, normalised units
    std::string             message_;
    nn_status               status_ = NN_STATUS_OK;
};

} // namespace

namespace eureka_addon {

// generate(outDir, seed: number | bigint, seconds): Promise<{ sampleRate, samples }>
Napi::Value generate(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() != 3) {
        throw_invalid(env, "generate: expected 3 arguments (outDir, seed, seconds), got " +
                               std::to_string(info.Length()));
        return env.Undefined();
    }
    std::string out_dir;
    uint64_t    seed = 0;
    if (!read_path(env, info[0], "generate: outDir", &out_dir) ||
        !read_seed(env, info[1], "generate: seed", &seed)) {
        return env.Undefined();
    }
    const double seconds = info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : NAN;
    if (!std::isfinite(seconds) || seconds <= 0.0) {
        throw_invalid(env, "generate: seconds must be a finite number > 0");
        return env.Undefined();
    }
    auto *              worker  = new GenerateWorker(env, std::move(out_dir), false, seed, seconds);
    const Napi::Promise promise = worker->promise();
    worker->Queue();
    return promise;
}

// reconstruct(outDir): Promise<{ sampleRate, samples }>
Napi::Value reconstruct(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() != 1) {
        throw_invalid(env, "reconstruct: expected 1 argument (outDir), got " +
                               std::to_string(info.Length()));
        return env.Undefined();
    }
    std::string out_dir;
    if (!read_path(env, info[0], "reconstruct: outDir", &out_dir)) {
        return env.Undefined();
    }
    auto *              worker  = new GenerateWorker(env, std::move(out_dir), true, 0, 0.0);
    const Napi::Promise promise = worker->promise();
    worker->Queue();
    return promise;
}

} // namespace eureka_addon
