// stft.cpp: the STFT-magnitude entry points of nn/stft.h over the loops of cpu/stft-impl.h.
// Plain loops, no fast-math; frames are independent and run in parallel (nn_parallel_for), the
// overlap-add of the backward gathers per sample in frame order, so results do not depend on the
// thread count. Each call builds its plan and a (N, n_fft + 2) frame buffer; the MSS loss
// (mss-loss.cpp) keeps both in a plan instead.

#include "nn/stft.h"

#include <new>
#include <vector>

#include "common.h"
#include "cpu/parallel.h"
#include "cpu/stft-impl.h"

namespace {

// Checks x and the configuration, builds the plan and an (N, n_fft + 2) frame buffer.
nn_status stft_prepare(const char * op, const nn_tensor_view * x, size_t n_fft, size_t hop,
                       size_t win, stft_plan_impl<float> & plan, std::vector<float> & frames) {
    size_t    T      = 0;
    nn_status status = stft_check_signal(op, "x", x, &T);
    if (status != NN_STATUS_OK) {
        return status;
    }
    status = stft_check_args(op, n_fft, hop, win, T);
    if (status != NN_STATUS_OK) {
        return status;
    }
    try {
        stft_plan_build(plan, n_fft, hop, win, T);
        frames.assign(plan.frames * (n_fft + 2), 0.0f);
    } catch (const std::bad_alloc &) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of memory (T = %zu, n_fft = %zu)", op, T,
                       n_fft);
    }
    return NN_STATUS_OK;
}

} // namespace

size_t nn_stft_frames(size_t T, size_t hop) {
    return hop == 0 ? 0 : stft_frame_count(T, hop);
}

nn_status stft_magnitude_forward_cpu(const nn_tensor_view * x, nn_tensor_view * S, size_t n_fft,
                                     size_t hop, size_t win) {
    const char *          op = "stft_magnitude_forward_cpu";
    stft_plan_impl<float> plan;
    std::vector<float>    frames;
    nn_status             status = stft_prepare(op, x, n_fft, hop, win, plan, frames);
    if (status != NN_STATUS_OK) {
        return status;
    }
    status = stft_check_matrix(op, "S", S, plan.bins, plan.frames);
    if (status != NN_STATUS_OK) {
        return status;
    }
    if (nn_views_overlap(x, S)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x and S overlap", op);
    }
    const size_t  N = plan.frames, F = plan.bins, stride = n_fft + 2;
    const float * xs = x->data;
    float *       s  = S->data;
    nn_parallel_for(N, STFT_FRAME_GRAIN, [&](size_t begin, size_t end) {
        for (size_t f = begin; f < end; f++) {
            float * buf = frames.data() + f * stride;
            stft_frame_spectrum(plan, xs, f, buf);
            for (size_t k = 0; k < F; k++) {
                s[k * N + f] = std::sqrt(buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1]);
            }
        }
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status stft_magnitude_backward_cpu(const nn_tensor_view * x, const nn_tensor_view * dS,
                                      nn_tensor_view * dx, size_t n_fft, size_t hop, size_t win) {
    const char *          op = "stft_magnitude_backward_cpu";
    stft_plan_impl<float> plan;
    std::vector<float>    frames;
    nn_status             status = stft_prepare(op, x, n_fft, hop, win, plan, frames);
    if (status != NN_STATUS_OK) {
        return status;
    }
    status = stft_check_matrix(op, "dS", dS, plan.bins, plan.frames);
    if (status != NN_STATUS_OK) {
        return status;
    }
    size_t T_dx = 0;
    status      = stft_check_signal(op, "dx", dx, &T_dx);
    if (status != NN_STATUS_OK) {
        return status;
    }
    if (T_dx != plan.T) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: x has %zu samples but dx has %zu", op,
                       plan.T, T_dx);
    }
    if (nn_views_overlap(dx, x) || nn_views_overlap(dx, dS)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: dx overlaps %s", op,
                       nn_views_overlap(dx, x) ? "x" : "dS");
    }
    std::vector<float> dpad;
    try {
        dpad.assign(plan.T + 2 * plan.pad, 0.0f);
    } catch (const std::bad_alloc &) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of memory (T = %zu)", op, plan.T);
    }
    const size_t  N = plan.frames, stride = n_fft + 2;
    const float * xs = x->data;
    const float * ds = dS->data;
    nn_parallel_for(N, STFT_FRAME_GRAIN, [&](size_t begin, size_t end) {
        for (size_t f = begin; f < end; f++) {
            float * buf = frames.data() + f * stride;
            stft_frame_spectrum(plan, xs, f, buf);
            stft_magnitude_cotangent(plan.bins, buf, ds + f, N, 1.0f); // column f of (F, N)
            stft_frame_backward(plan, buf);
        }
    });
    stft_overlap_add_fold(plan, frames.data(), dpad.data(), dx->data, false);
    nn_clear_error();
    return NN_STATUS_OK;
}
