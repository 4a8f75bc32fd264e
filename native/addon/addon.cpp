// addon.cpp: eureka_native, the Node-API face of nn_core. Only native/addon includes napi.h.
// Exposes version(), buildInfo(), cudaDevices(), preemphasis(...) (a Promise, via AsyncWorker),
// train(...) (train.cpp), generate(...) / reconstruct(...) (generate.cpp) and readTrained(...) /
// generationNoise(...) / upsampleCubic(...) (trained.cpp), and the phrase models' synchronous
// ops lstmSizes, lstmForward, … adamStep (sequence.cpp).
// Rules: arguments are checked before any work and the function returns right after throwing;
// errors are JS Error objects with a `code` ("NN_INVALID_ARGUMENT", "NN_CUDA_ERROR", …);
// TypedArray memory is used in place (no copies) and kept alive by references while a worker runs.
// The typed facade is in src-main/addon/.

#include <napi.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>

#include "addon-common.h"
#include "nn/conv1d.h"
#include "nn/nn.h"
#include "nn/preemphasis.h"

namespace eureka_addon {

// ----------------------------------------------------------------------------
// errors

/** The JS `code` for an nn_status: NN_STATUS_CUDA_ERROR → "NN_CUDA_ERROR". */
const char * status_code(nn_status status) {
    switch (status) {
        case NN_STATUS_OK: return "NN_OK";
        case NN_STATUS_INVALID_ARGUMENT: return "NN_INVALID_ARGUMENT";
        case NN_STATUS_OUT_OF_MEMORY: return "NN_OUT_OF_MEMORY";
        case NN_STATUS_CUDA_ERROR: return "NN_CUDA_ERROR";
        case NN_STATUS_UNSUPPORTED: return "NN_UNSUPPORTED";
        case NN_STATUS_INTERNAL: return "NN_INTERNAL";
    }
    return "NN_INTERNAL";
}

/** A TypeError with code NN_INVALID_ARGUMENT, thrown into JS. The caller returns right after. */
void throw_invalid(Napi::Env env, const std::string & message) {
    Napi::Error error = Napi::TypeError::New(env, message);
    error.Set("code", Napi::String::New(env, status_code(NN_STATUS_INVALID_ARGUMENT)));
    error.ThrowAsJavaScriptException();
}

/** An Error with message and the `code` of status, for throwing or rejecting. */
Napi::Error status_error(Napi::Env env, nn_status status, const std::string & message) {
    Napi::Error error = Napi::Error::New(env, message);
    error.Set("code", Napi::String::New(env, status_code(status)));
    return error;
}

} // namespace eureka_addon

namespace {

using eureka_addon::status_error;
using eureka_addon::throw_invalid;

/** Reads info[index] as an integer in [1, 2^32 - 1]; throws and returns false otherwise. */
bool read_dimension(const Napi::CallbackInfo & info, size_t index, const char * name,
                    size_t * out) {
    const Napi::Value value = info[index];
    if (!value.IsNumber()) {
        throw_invalid(info.Env(), std::string("preemphasis: ") + name + " must be a number");
        return false;
    }
    const double number = value.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(number) || number < 1.0 || number > 4294967295.0 ||
        std::floor(number) != number) {
        throw_invalid(info.Env(), std::string("preemphasis: ") + name +
                                      " must be a positive integer, got " +
                                      value.ToString().Utf8Value());
        return false;
    }
    *out = static_cast<size_t>(number);
    return true;
}

// ----------------------------------------------------------------------------
// workers

/**
 * Runs preemphasis_forward_cpu off the JS thread. input and output are held by references so
 * their memory outlives the work; the Promise resolves with output.
 */
class PreemphasisWorker : public Napi::AsyncWorker {
  public:
    PreemphasisWorker(Napi::Env env, Napi::Float32Array input, Napi::Float32Array output, size_t B,
                      size_t C, size_t T, float a) :
        Napi::AsyncWorker(env, "eureka_native.preemphasis"),
        deferred_(Napi::Promise::Deferred::New(env)), input_ref_(Napi::Persistent(input)),
        output_ref_(Napi::Persistent(output)), x_(nn_view_3d(input.Data(), B, C, T)),
        y_(nn_view_3d(output.Data(), B, C, T)), a_(a) {}

    Napi::Promise promise() const { return deferred_.Promise(); }

  protected:
    void Execute() override {
        status_ = preemphasis_forward_cpu(&x_, &y_, a_);
        if (status_ != NN_STATUS_OK) {
            SetError(nn_last_error());
        }
    }

    void OnOK() override { deferred_.Resolve(output_ref_.Value()); }

    void OnError(const Napi::Error & error) override {
        deferred_.Reject(status_error(Env(), status_, error.Message()).Value());
    }

  private:
    Napi::Promise::Deferred             deferred_;
    Napi::Reference<Napi::Float32Array> input_ref_;
    Napi::Reference<Napi::Float32Array> output_ref_;
    nn_tensor_view                      x_; // (B, C, T), input's memory
    nn_tensor_view                      y_; // (B, C, T), output's memory
    float                               a_;
    nn_status                           status_ = NN_STATUS_OK;
};

} // namespace

// ----------------------------------------------------------------------------
// the addon

class EurekaNative : public Napi::Addon<EurekaNative> {
  public:
    EurekaNative(Napi::Env /*env*/, Napi::Object exports) {
        DefineAddon(exports, {
                                 InstanceMethod("version", &EurekaNative::version),
                                 InstanceMethod("buildInfo", &EurekaNative::build_info),
                                 InstanceMethod("cudaDevices", &EurekaNative::cuda_devices),
                                 InstanceMethod("convKernels", &EurekaNative::conv_kernels),
                                 InstanceMethod("preemphasis", &EurekaNative::preemphasis),
                                 InstanceMethod("train", &EurekaNative::train),
                                 InstanceMethod("generate", &EurekaNative::generate),
                                 InstanceMethod("reconstruct", &EurekaNative::reconstruct),
                                 InstanceMethod("readTrained", &EurekaNative::read_trained),
                                 InstanceMethod("generationNoise", &EurekaNative::generation_noise),
                                 InstanceMethod("upsampleCubic", &EurekaNative::upsample_cubic),
                                 InstanceMethod("lstmSizes", &EurekaNative::lstm_sizes),
                                 InstanceMethod("lstmForward", &EurekaNative::lstm_forward),
                                 InstanceMethod("lstmBackward", &EurekaNative::lstm_backward),
                                 InstanceMethod("denseForward", &EurekaNative::dense_forward),
                                 InstanceMethod("denseBackward", &EurekaNative::dense_backward),
                                 InstanceMethod("embeddingForward",
                                                &EurekaNative::embedding_forward),
                                 InstanceMethod("embeddingBackward",
                                                &EurekaNative::embedding_backward),
                                 InstanceMethod("crossEntropy", &EurekaNative::cross_entropy),
                                 InstanceMethod("klNormal", &EurekaNative::kl_normal),
                                 InstanceMethod("reparamForward", &EurekaNative::reparam_forward),
                                 InstanceMethod("reparamBackward", &EurekaNative::reparam_backward),
                                 InstanceMethod("gradClipNorm", &EurekaNative::grad_clip_norm),
                                 InstanceMethod("adamStep", &EurekaNative::adam_step),
                                 InstanceMethod("attentionForward",
                                                &EurekaNative::attention_forward),
                                 InstanceMethod("attentionBackward",
                                                &EurekaNative::attention_backward),
                                 InstanceMethod("layerNormForward",
                                                &EurekaNative::layer_norm_forward),
                                 InstanceMethod("layerNormBackward",
                                                &EurekaNative::layer_norm_backward),
                                 InstanceMethod("geluForward", &EurekaNative::gelu_forward),
                                 InstanceMethod("geluBackward", &EurekaNative::gelu_backward),
                             });
    }

  private:
    // version(): string
    Napi::Value version(const Napi::CallbackInfo & info) {
        return Napi::String::New(info.Env(), nn_version());
    }

    // buildInfo(): { version, cudaCompiled, cudaVersion: string | null, simd }
    Napi::Value build_info(const Napi::CallbackInfo & info) {
        Napi::Env       env = info.Env();
        nn_build_info   build{};
        const nn_status status = nn_get_build_info(&build);
        if (status != NN_STATUS_OK) {
            status_error(env, status, nn_last_error()).ThrowAsJavaScriptException();
            return env.Undefined();
        }
        Napi::Object result = Napi::Object::New(env);
        result.Set("version", build.version);
        result.Set("cudaCompiled", build.cuda_compiled);
        result.Set("cudaVersion", build.cuda_compiled
                                      ? Napi::Value(Napi::String::New(env, build.cuda_version))
                                      : env.Null());
        result.Set("simd", build.simd);
        return result;
    }

    // convKernels(): { fp32: string, bf16: string | null }: the kernels conv1d picks on this CPU
    // (the JS thread always runs fp32, so conv1d_cpu_kernel() names the fp32 one here)
    Napi::Value conv_kernels(const Napi::CallbackInfo & info) {
        Napi::Env    env    = info.Env();
        Napi::Object result = Napi::Object::New(env);
        result.Set("fp32", conv1d_cpu_kernel());
        result.Set("bf16", conv1d_bf16_available() ? Napi::Value(Napi::String::New(env, "avx512bf16"))
                                                   : env.Null());
        return result;
    }

    // cudaDevices(): { count, reason: string | null }
    Napi::Value cuda_devices(const Napi::CallbackInfo & info) {
        Napi::Env       env         = info.Env();
        int             count       = 0;
        char            reason[512] = "";
        const nn_status status      = nn_cuda_device_count(&count, reason, sizeof(reason));
        if (status != NN_STATUS_OK) {
            status_error(env, status, nn_last_error()).ThrowAsJavaScriptException();
            return env.Undefined();
        }
        Napi::Object result = Napi::Object::New(env);
        result.Set("count", count);
        result.Set("reason", count > 0 ? env.Null() : Napi::Value(Napi::String::New(env, reason)));
        return result;
    }

    // preemphasis(input: Float32Array (B, C, T), B, C, T, a): Promise<Float32Array (B, C, T)>
    Napi::Value preemphasis(const Napi::CallbackInfo & info) {
        Napi::Env env = info.Env();
        if (info.Length() != 5) {
            throw_invalid(env, "preemphasis: expected 5 arguments (input, batch, channels, length, "
                               "coefficient), got " +
                                   std::to_string(info.Length()));
            return env.Undefined();
        }
        if (!info[0].IsTypedArray() ||
            info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
            throw_invalid(env, "preemphasis: input must be a Float32Array");
            return env.Undefined();
        }
        Napi::Float32Array input = info[0].As<Napi::Float32Array>();
        size_t             B = 0, C = 0, T = 0;
        if (!read_dimension(info, 1, "batch", &B) || !read_dimension(info, 2, "channels", &C) ||
            !read_dimension(info, 3, "length", &T)) {
            return env.Undefined();
        }
        if (!info[4].IsNumber()) {
            throw_invalid(env, "preemphasis: coefficient must be a number");
            return env.Undefined();
        }
        const double a = info[4].As<Napi::Number>().DoubleValue();
        if (!std::isfinite(a) || std::fabs(a) > static_cast<double>(FLT_MAX)) {
            throw_invalid(env, "preemphasis: coefficient must be finite (a float32)");
            return env.Undefined();
        }
        const size_t n = input.ElementLength();
        // B, C < 2^32 each, so B*C fits in 64 bits; compare T against n/(B*C) to avoid overflow.
        const size_t rows = B * C;
        if (rows > n || n % rows != 0 || n / rows != T) {
            throw_invalid(env, "preemphasis: input has " + std::to_string(n) +
                                   " samples but (batch, channels, length) = (" +
                                   std::to_string(B) + ", " + std::to_string(C) + ", " +
                                   std::to_string(T) + ")");
            return env.Undefined();
        }

        Napi::Float32Array output = Napi::Float32Array::New(env, n);
        if (env.IsExceptionPending()) {
            return env.Undefined();
        }
        auto * worker = new PreemphasisWorker(env, input, output, B, C, T, static_cast<float>(a));
        const Napi::Promise promise = worker->promise();
        worker->Queue();
        return promise;
    }

    // train: train.cpp; generate / reconstruct: generate.cpp; the rest: trained.cpp
    Napi::Value train(const Napi::CallbackInfo & info) { return eureka_addon::train(info); }
    Napi::Value generate(const Napi::CallbackInfo & info) { return eureka_addon::generate(info); }
    Napi::Value reconstruct(const Napi::CallbackInfo & info) {
        return eureka_addon::reconstruct(info);
    }
    Napi::Value read_trained(const Napi::CallbackInfo & info) {
        return eureka_addon::read_trained(info);
    }
    Napi::Value generation_noise(const Napi::CallbackInfo & info) {
        return eureka_addon::generation_noise(info);
    }
    Napi::Value upsample_cubic(const Napi::CallbackInfo & info) {
        return eureka_addon::upsample_cubic(info);
    }

    // the phrase models' synchronous ops: sequence.cpp
    Napi::Value lstm_sizes(const Napi::CallbackInfo & info) {
        return eureka_addon::lstm_sizes(info);
    }
    Napi::Value lstm_forward(const Napi::CallbackInfo & info) {
        return eureka_addon::lstm_forward(info);
    }
    Napi::Value lstm_backward(const Napi::CallbackInfo & info) {
        return eureka_addon::lstm_backward(info);
    }
    Napi::Value dense_forward(const Napi::CallbackInfo & info) {
        return eureka_addon::dense_forward(info);
    }
    Napi::Value dense_backward(const Napi::CallbackInfo & info) {
        return eureka_addon::dense_backward(info);
    }
    Napi::Value embedding_forward(const Napi::CallbackInfo & info) {
        return eureka_addon::embedding_forward(info);
    }
    Napi::Value embedding_backward(const Napi::CallbackInfo & info) {
        return eureka_addon::embedding_backward(info);
    }
    Napi::Value cross_entropy(const Napi::CallbackInfo & info) {
        return eureka_addon::cross_entropy(info);
    }
    Napi::Value kl_normal(const Napi::CallbackInfo & info) { return eureka_addon::kl_normal(info); }
    Napi::Value reparam_forward(const Napi::CallbackInfo & info) {
        return eureka_addon::reparam_forward(info);
    }
    Napi::Value reparam_backward(const Napi::CallbackInfo & info) {
        return eureka_addon::reparam_backward(info);
    }
    Napi::Value grad_clip_norm(const Napi::CallbackInfo & info) {
        return eureka_addon::grad_clip_norm(info);
    }
    Napi::Value adam_step(const Napi::CallbackInfo & info) { return eureka_addon::adam_step(info); }

    // the Transformer block's ops: transformer.cpp
    Napi::Value attention_forward(const Napi::CallbackInfo & info) {
        return eureka_addon::attention_forward(info);
    }
    Napi::Value attention_backward(const Napi::CallbackInfo & info) {
        return eureka_addon::attention_backward(info);
    }
    Napi::Value layer_norm_forward(const Napi::CallbackInfo & info) {
        return eureka_addon::layer_norm_forward(info);
    }
    Napi::Value layer_norm_backward(const Napi::CallbackInfo & info) {
        return eureka_addon::layer_norm_backward(info);
    }
    Napi::Value gelu_forward(const Napi::CallbackInfo & info) {
        return eureka_addon::gelu_forward(info);
    }
    Napi::Value gelu_backward(const Napi::CallbackInfo & info) {
        return eureka_addon::gelu_backward(info);
    }
};

NODE_API_ADDON(EurekaNative)
