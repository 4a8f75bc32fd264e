// caw-device-select.cpp: where caw_train runs (nn/caw-trainer.h caw_device; docs/cuda.md):
// the CPU unless CUDA or AUTO was asked and the device is there and passes a quick self-test of
// its ops against the CPU; every fallback is reported with its reason through on_device.

#include <cmath>
#include <cstdio>
#include <string>

#include "common.h"
#include "model/caw-device-train.h"

namespace {

// The self-test's worst NMSE against the CPU: fp32 convolutions run 3xTF32 (float accuracy, ~1e-12
// on these sizes); bf16 ones round their inputs to 8 mantissa bits (~1e-5, nn/conv1d.h).
double self_test_limit(bool bf16) {
    return bf16 ? 1e-3 : 1e-5;
}

void report(const caw_train_callbacks * cb, caw_device device, const char * name,
            const std::string & reason, double nmse) {
    if (cb != nullptr && cb->on_device != nullptr) {
        const caw_device_choice choice = {device, name, reason.c_str(), nmse};
        cb->on_device(cb->ctx, &choice);
    }
}

} // namespace

nn_status caw_tr::choose_device(const dev_runner * candidate, const caw_train_config * c,
                                const caw_train_callbacks * cb, const dev_runner ** dev) {
    *dev = nullptr;
    if (c->device == CAW_DEVICE_CPU) {
        report(cb, CAW_DEVICE_CPU, "CPU", "", NAN);
        return NN_STATUS_OK;
    }
    std::string reason;
    double      nmse = NAN;
    char        text[256] = "";
    if (c->mode == CAW_TRAIN_INPAINTING) {
        reason = "inpainting trains on the CPU (the device trainer has no masked discriminator)";
    } else if (candidate == nullptr) {
        reason = "this build has no CUDA support (built with NN_CUDA=OFF or without nvcc)";
    } else {
        int count = 1;
        if (std::string(candidate->backend) == "cuda") {
            NN_TRY(nn_cuda_device_count(&count, text, sizeof text));
        }
        if (count == 0) {
            reason = text[0] != '\0' ? text : "no CUDA device found";
        } else {
            const nn_conv_precision precision = c->bf16 ? NN_CONV_BF16 : NN_CONV_FP32;
            const nn_status         st        = candidate->self_test(precision, &nmse);
            if (st != NN_STATUS_OK) {
                reason = std::string("the device self-test failed: ") + nn_last_error();
                nmse   = NAN;
            } else if (!(nmse <= self_test_limit(c->bf16))) {
                std::snprintf(text, sizeof text,
                              "the device self-test's NMSE against the CPU is %.3g (limit %g)",
                              nmse, self_test_limit(c->bf16));
                reason = text;
            } else if (candidate->device_name(text, sizeof text) != NN_STATUS_OK) {
                reason = std::string("the device has no name: ") + nn_last_error();
            }
        }
    }
    nn_clear_error();
    if (!reason.empty()) {
        report(cb, CAW_DEVICE_CPU, "CPU", reason, nmse);
        return NN_STATUS_OK;
    }
    *dev = candidate;
    report(cb, CAW_DEVICE_CUDA, text, "", nmse);
    return NN_STATUS_OK;
}
