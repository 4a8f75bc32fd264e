// adam.cpp: CPU Adam step, MultiStepLR and the parameter layout (see nn/adam.h, docs/caw-spec.md
// §3). The update is one flat elementwise loop (adam-impl.h) split over nn_parallel_for: every
// element is updated by exactly one item, so results are bitwise identical for any thread count.
// CAW: lr 0.0015, betas (0.5, 0.999), eps 1e-8, MultiStepLR([int(2/3 * epochs)], gamma 0.1).

#include "nn/adam.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "common.h"
#include "cpu/adam-impl.h"
#include "cpu/parallel.h"

namespace {

constexpr size_t ADAM_GRAIN = 16384;

nn_status check_buffer(const char * name, const nn_tensor_view * v) {
    if (v == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "adam_step_cpu: %s is null", name);
    }
    if (v->data == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "adam_step_cpu: %s has no data", name);
    }
    if (v->ndim < 1 || v->ndim > NN_MAX_DIMS) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "adam_step_cpu: %s has %d dimensions", name,
                       v->ndim);
    }
    if (nn_view_numel(v) == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "adam_step_cpu: %s is empty", name);
    }
    if (!nn_view_is_contiguous(v)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "adam_step_cpu: %s is not contiguous", name);
    }
    return NN_STATUS_OK;
}

} // namespace

// ----------------------------------------------------------------------------
// Adam

nn_status adam_step_cpu(nn_tensor_view * params, const nn_tensor_view * grads, nn_tensor_view * m,
                        nn_tensor_view * v, size_t step, double lr, double beta1, double beta2,
                        double eps) {
    const nn_tensor_view * views[4] = {params, grads, m, v};
    const char *           names[4] = {"params", "grads", "m", "v"};
    for (int i = 0; i < 4; i++) {
        NN_TRY(check_buffer(names[i], views[i]));
    }
    const size_t n = nn_view_numel(params);
    for (int i = 1; i < 4; i++) {
        if (nn_view_numel(views[i]) != n) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "adam_step_cpu: params has %zu elements but %s has %zu", n, names[i],
                           nn_view_numel(views[i]));
        }
    }
    for (int i = 0; i < 4; i++) {
        for (int j = i + 1; j < 4; j++) {
            if (nn_views_overlap(views[i], views[j])) {
                return nn_fail(NN_STATUS_INVALID_ARGUMENT, "adam_step_cpu: %s and %s overlap",
                               names[i], names[j]);
            }
        }
    }
    if (step == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "adam_step_cpu: step is 0, expected the 1-based count of steps");
    }
    if (!std::isfinite(lr) || lr < 0.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "adam_step_cpu: lr is %g, expected >= 0", lr);
    }
    if (!std::isfinite(beta1) || beta1 < 0.0 || beta1 >= 1.0 || !std::isfinite(beta2) ||
        beta2 < 0.0 || beta2 >= 1.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "adam_step_cpu: betas are (%g, %g), expected each in [0, 1)", beta1, beta2);
    }
    if (!std::isfinite(eps) || eps < 0.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "adam_step_cpu: eps is %g, expected >= 0", eps);
    }
    const adam_coeffs<float> c  = adam_coefficients<float>(step, lr, beta1, beta2, eps);
    float *                  p  = params->data;
    const float *            g  = grads->data;
    float *                  md = m->data;
    float *                  vd = v->data;
    nn_parallel_for(n, ADAM_GRAIN, [&](size_t begin, size_t end) {
        adam_update_range(p, g, md, vd, begin, end, c);
    });
    nn_clear_error();
    return NN_STATUS_OK;
}

// ----------------------------------------------------------------------------
// learning-rate schedule

double nn_lr_multistep(double base_lr, double gamma, const size_t * milestones, size_t count,
                       size_t epoch) {
    double lr = base_lr;
    for (size_t i = 0; milestones != nullptr && i < count; i++) {
        if (milestones[i] <= epoch) {
            lr *= gamma;
        }
    }
    return lr;
}

size_t nn_caw_lr_milestone(size_t num_epochs) {
    return static_cast<size_t>(2.0 / 3.0 * static_cast<double>(num_epochs));
}

// ----------------------------------------------------------------------------
// parameter layout

nn_status nn_param_layout_init(nn_param_layout * layout) {
    if (layout == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_param_layout_init: layout is null");
    }
    std::memset(layout, 0, sizeof(*layout));
    nn_clear_error();
    return NN_STATUS_OK;
}

void nn_param_layout_free(nn_param_layout * layout) {
    if (layout == nullptr) {
        return;
    }
    std::free(layout->tensors);
    std::memset(layout, 0, sizeof(*layout));
}

nn_status nn_param_layout_add(nn_param_layout * layout, const char * name, size_t numel,
                              size_t * index) {
    const char * op = "nn_param_layout_add";
    if (layout == nullptr || name == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op,
                       layout == nullptr ? "layout" : "name");
    }
    const size_t length = std::strlen(name);
    if (length == 0 || length >= NN_PARAM_NAME_MAX) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: tensor name '%.80s' has %zu characters, expected 1..%zu", op, name,
                       length, NN_PARAM_NAME_MAX - 1);
    }
    if (numel == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: tensor '%s' has no elements", op, name);
    }
    for (size_t i = 0; i < layout->count; i++) {
        if (std::strcmp(layout->tensors[i].name, name) == 0) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: tensor '%s' is already in the layout",
                           op, name);
        }
    }
    const size_t offset = layout->total; // always a multiple of NN_PARAM_ALIGN
    if (numel > SIZE_MAX - offset - NN_PARAM_ALIGN) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: tensor '%s' of %zu elements overflows", op,
                       name, numel);
    }
    if (layout->count == layout->capacity) {
        const size_t      capacity = layout->capacity == 0 ? 16 : layout->capacity * 2;
        nn_param_tensor * grown    = static_cast<nn_param_tensor *>(
            std::realloc(layout->tensors, capacity * sizeof(nn_param_tensor)));
        if (grown == nullptr) {
            return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: cannot grow the table to %zu tensors", op,
                           capacity);
        }
        layout->tensors  = grown;
        layout->capacity = capacity;
    }
    nn_param_tensor & t = layout->tensors[layout->count];
    std::memset(t.name, 0, sizeof(t.name));
    std::memcpy(t.name, name, length);
    t.numel       = numel;
    t.offset      = offset;
    layout->total = (offset + numel + NN_PARAM_ALIGN - 1) / NN_PARAM_ALIGN * NN_PARAM_ALIGN;
    if (index != nullptr) {
        *index = layout->count;
    }
    layout->count++;
    nn_clear_error();
    return NN_STATUS_OK;
}

const nn_param_tensor * nn_param_layout_get(const nn_param_layout * layout, size_t index) {
    if (layout == nullptr || index >= layout->count) {
        return nullptr;
    }
    return &layout->tensors[index];
}

nn_status nn_param_layout_find(const nn_param_layout * layout, const char * name, size_t * index) {
    if (layout == nullptr || name == nullptr || index == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_param_layout_find: %s is null",
                       layout == nullptr ? "layout"
                       : name == nullptr ? "name"
                                         : "index");
    }
    for (size_t i = 0; i < layout->count; i++) {
        if (std::strcmp(layout->tensors[i].name, name) == 0) {
            *index = i;
            nn_clear_error();
            return NN_STATUS_OK;
        }
    }
    return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_param_layout_find: no tensor named '%.80s'",
                   name);
}

float * nn_param_layout_data(const nn_param_layout * layout, float * base, size_t index) {
    const nn_param_tensor * t = nn_param_layout_get(layout, index);
    if (t == nullptr || base == nullptr) {
        return nullptr;
    }
    return base + t->offset;
}
