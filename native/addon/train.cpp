// train.cpp: train(...) of eureka_native (see addon.cpp's rules): caw_train (nn/caw-trainer.h) on
// a worker thread with throttled progress through a thread-safe function and cooperative cancel.
// Options: mode 'normal' | 'denoising' | 'inpainting' (+ holes), the alpha1 / alpha2 overrides,
// architecture, schedule, seed, MSS and pyramid fields, device 'auto' | 'cpu' | 'cuda'. Before
// the first epoch the progress stream carries one device event (the trainer's on_device: where
// it trains and, when a GPU was asked for but the CPU runs, why). Generation from what it writes is
// generate.cpp. The typed facade is in src-main/addon/.

#include <napi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "addon-common.h"
#include "train-options.h"
#include "nn/caw-trainer.h"
#include "nn/nn.h"

namespace {

using eureka_addon::read_path;
using eureka_addon::read_train_options;
using eureka_addon::status_error;
using eureka_addon::throw_invalid;

// ----------------------------------------------------------------------------
// training

/**
 * One report on its way from the worker thread to JS, an epoch's progress or (is_device) the
 * device choice; lives on the worker's stack until JS has seen it.
 */
struct ProgressMessage {
    caw_progress progress{};
    bool         is_device = false;
    bool         cuda      = false; // is_device: the device that trains
    std::string  name;              // is_device: "NVIDIA H100 80GB HBM3" or "CPU"
    std::string  reason;            // is_device: why the CPU when a GPU was asked for, else ""
    bool         done = false;      // set (under the worker's mutex) once JS has seen it
};

class TrainWorker;
void call_progress(Napi::Env env, Napi::Function callback, TrainWorker * worker,
                   ProgressMessage * message);
using ProgressFunction = Napi::TypedThreadSafeFunction<TrainWorker, ProgressMessage, call_progress>;

/** Progress reaches JS at most this often, plus always the last epoch of each scale. */
constexpr std::chrono::milliseconds PROGRESS_INTERVAL(100);

/**
 * Runs caw_train off the JS thread. The signal is held by a reference for the whole run. Each
 * delivered progress report waits until JS has run onProgress, so a cancel() made inside
 * onProgress stops training before the next epoch; cancel() from anywhere else stops it after
 * the epoch in progress. Reports are throttled (PROGRESS_INTERVAL), so the wait costs at most a
 * few round trips per second.
 */
class TrainWorker : public Napi::AsyncWorker {
  public:
    TrainWorker(Napi::Env env, Napi::Float32Array signal, uint32_t rate,
                const caw_train_config & config, const nn_pyramid_options & options,
                std::vector<uint32_t> rates, std::string out_dir, bool resume,
                Napi::Function on_progress, std::shared_ptr<std::atomic<bool>> cancel) :
        Napi::AsyncWorker(env, "eureka_native.train"),
        deferred_(Napi::Promise::Deferred::New(env)), signal_ref_(Napi::Persistent(signal)),
        x_(signal.Data()), n_(signal.ElementLength()), rate_(rate), config_(config),
        options_(options), rates_(std::move(rates)), out_dir_(std::move(out_dir)), resume_(resume),
        cancel_(std::move(cancel)) {
        if (options_.fs_list != nullptr && !rates_.empty()) {
            options_.fs_list = rates_.data(); // the moved vector's buffer, same contents
        }
        progress_ =
            ProgressFunction::New(env, on_progress, "eureka_native.train.progress", 0, 1, this);
    }

    Napi::Promise promise() const { return deferred_.Promise(); }

    /** JS has handled message (or the function is being torn down): wake the worker. */
    void acknowledge(ProgressMessage * message) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            message->done = true;
        }
        acked_.notify_all();
    }

  protected:
    void Execute() override {
        caw_train_callbacks callbacks{};
        callbacks.ctx       = this;
        callbacks.on_epoch  = &TrainWorker::on_epoch;
        callbacks.on_device = &TrainWorker::on_device;
        status_ = caw_train(x_, n_, rate_, &options_, &config_, out_dir_.c_str(), resume_,
                            &callbacks, &result_);
        progress_.Release();
        if (status_ != NN_STATUS_OK) {
            SetError(nn_last_error());
        }
    }

    void OnOK() override {
        Napi::Env    env    = Env();
        Napi::Object result = Napi::Object::New(env);
        result.Set("scalesTotal", static_cast<double>(result_.scales_total));
        result.Set("scalesDone", static_cast<double>(result_.scales_done));
        result.Set("resumedAt", static_cast<double>(result_.resumed_at));
        result.Set("cancelled", result_.cancelled);
        deferred_.Resolve(result);
    }

    void OnError(const Napi::Error & error) override {
        deferred_.Reject(status_error(Env(), status_, error.Message()).Value());
    }

  private:
    /** Hands message to JS and waits until JS has seen it (it lives on this stack). */
    void deliver(ProgressMessage * message) {
        if (progress_.BlockingCall(message) == napi_ok) {
            std::unique_lock<std::mutex> lock(mutex_);
            acked_.wait(lock, [message] { return message->done; });
        }
    }

    /** The trainer's device choice, once before training: always delivered (not throttled). */
    static void on_device(void * ctx, const caw_device_choice * choice) {
        auto *          self = static_cast<TrainWorker *>(ctx);
        ProgressMessage message;
        message.is_device = true;
        message.cuda      = choice->device == CAW_DEVICE_CUDA;
        message.name      = choice->name != nullptr ? choice->name : "";
        message.reason    = choice->reason != nullptr ? choice->reason : "";
        self->deliver(&message);
    }

    static bool on_epoch(void * ctx, const caw_progress * progress) {
        auto *     self = static_cast<TrainWorker *>(ctx);
        const auto now  = std::chrono::steady_clock::now();
        // A scale's first and last epochs are always reported: loss curves start and end there.
        const bool edge = progress->epoch == 0 || progress->epoch + 1 == progress->epochs;
        const bool due  = !self->sent_any_ || now - self->last_sent_ >= PROGRESS_INTERVAL;
        if (edge || due) {
            self->sent_any_  = true;
            self->last_sent_ = now;
            ProgressMessage message;
            message.progress = *progress;
            self->deliver(&message);
        }
        return !self->cancel_->load();
    }

    Napi::Promise::Deferred               deferred_;
    Napi::Reference<Napi::Float32Array>   signal_ref_;
    const float *                         x_; // (N), signal's memory
    size_t                                n_;
    uint32_t                              rate_;
    caw_train_config                      config_;
    nn_pyramid_options                    options_;
    std::vector<uint32_t>                 rates_; // options_.fs_list when fsList was given
    std::string                           out_dir_;
    bool                                  resume_;
    std::shared_ptr<std::atomic<bool>>    cancel_;
    ProgressFunction                      progress_;
    std::mutex                            mutex_;
    std::condition_variable               acked_;
    bool                                  sent_any_ = false;
    std::chrono::steady_clock::time_point last_sent_{};
    caw_train_result                      result_{};
    nn_status                             status_ = NN_STATUS_OK;
};

/**
 * The thread-safe function's JS-thread side: onProgress({ scale, scales, epoch, epochs, losses,
 * epochSeconds }) with epoch counting finished epochs (1-based), or for the device choice
 * onProgress({ kind: 'device', device: 'cpu' | 'cuda', name, reason }), then wake the worker.
 * env is null when the function is torn down with the message still queued; the worker is woken
 * anyway.
 * An exception from onProgress surfaces as an uncaught exception (the facade never lets one out).
 */
void call_progress(Napi::Env env, Napi::Function callback, TrainWorker * worker,
                   ProgressMessage * message) {
    if (env != nullptr && callback != nullptr && message->is_device) {
        Napi::Object event = Napi::Object::New(env);
        event.Set("kind", "device");
        event.Set("device", message->cuda ? "cuda" : "cpu");
        event.Set("name", message->name);
        event.Set("reason", message->reason);
        callback.Call({event});
    } else if (env != nullptr && callback != nullptr) {
        const caw_progress & p      = message->progress;
        Napi::Object         losses = Napi::Object::New(env);
        losses.Set("dReal", p.losses.d_real);
        losses.Set("dFake", p.losses.d_fake);
        losses.Set("gp", p.losses.gp);
        losses.Set("errG", p.losses.err_g);
        losses.Set("rec", p.losses.rec);
        losses.Set("mse", p.losses.mse);
        losses.Set("mss", p.losses.mss);
        Napi::Object event = Napi::Object::New(env);
        event.Set("scale", static_cast<double>(p.scale));
        event.Set("scales", static_cast<double>(p.scales));
        event.Set("epoch", static_cast<double>(p.epoch + 1));
        event.Set("epochs", static_cast<double>(p.epochs));
        event.Set("losses", losses);
        event.Set("epochSeconds", p.seconds);
        callback.Call({event});
    }
    worker->acknowledge(message);
}

} // namespace

namespace eureka_addon {

// train(signal: Float32Array (N), sampleRate, options, outDir, resume, onProgress):
//   { promise: Promise<{ scalesTotal, scalesDone, resumedAt, cancelled }>, cancel(): void }
Napi::Value train(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() != 6) {
        throw_invalid(env, "train: expected 6 arguments (signal, sampleRate, options, outDir, "
                           "resume, onProgress), got " +
                               std::to_string(info.Length()));
        return env.Undefined();
    }
    if (!info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array ||
        info[0].As<Napi::Float32Array>().ElementLength() == 0) {
        throw_invalid(env, "train: signal must be a non-empty Float32Array");
        return env.Undefined();
    }
    Napi::Float32Array signal = info[0].As<Napi::Float32Array>();
    uint64_t           rate   = 0;
    if (!read_integer(env, info[1], "train: sampleRate", 1, 4294967295.0, &rate)) {
        return env.Undefined();
    }
    caw_train_config      config{};
    nn_pyramid_options    options{};
    std::vector<uint32_t> rates;
    if (!read_train_options(env, info[2], &config, &options, &rates)) {
        return env.Undefined();
    }
    std::string out_dir;
    if (!read_path(env, info[3], "train: outDir", &out_dir)) {
        return env.Undefined();
    }
    if (!info[4].IsBoolean()) {
        throw_invalid(env, "train: resume must be a boolean");
        return env.Undefined();
    }
    if (!info[5].IsFunction()) {
        throw_invalid(env, "train: onProgress must be a function");
        return env.Undefined();
    }
    auto   cancel = std::make_shared<std::atomic<bool>>(false);
    auto * worker =
        new TrainWorker(env, signal, static_cast<uint32_t>(rate), config, options, std::move(rates),
                        std::move(out_dir), info[4].As<Napi::Boolean>().Value(),
                        info[5].As<Napi::Function>(), cancel);
    const Napi::Promise promise = worker->promise();
    worker->Queue();
    Napi::Object handle = Napi::Object::New(env);
    handle.Set("promise", promise);
    handle.Set("cancel", Napi::Function::New(
                             env,
                             [cancel](const Napi::CallbackInfo & call) -> Napi::Value {
                                 cancel->store(true);
                                 return call.Env().Undefined();
                             },
                             "cancel"));
    return handle;
}

} // namespace eureka_addon
