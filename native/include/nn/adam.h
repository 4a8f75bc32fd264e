// adam.h: the optimiser of the Catch-A-Waveform trainer (docs/caw-spec.md §3): Adam as
// torch.optim.Adam (torch 1.9, no weight decay, amsgrad off), the MultiStepLR schedule, and the
// parameter layout that puts all of a model's tensors in one buffer (llm.c's
// fill_in_parameter_sizes / point_parameters), so params, grads, Adam m and Adam v are one buffer
// each and the update is one flat loop.
// defines: adam_step_cpu, nn_lr_multistep, nn_caw_lr_milestone, NN_PARAM_ALIGN,
//          NN_PARAM_NAME_MAX, nn_param_tensor, nn_param_layout, nn_param_layout_init,
//          nn_param_layout_free, nn_param_layout_add, nn_param_layout_get, nn_param_layout_find,
//          nn_param_layout_data
#pragma once

#include "nn/nn.h"

// ----------------------------------------------------------------------------
// Adam

/**
 * One Adam step over flat buffers, in torch 1.9's single-tensor operation order:
 *   m  = m * beta1 + (1 - beta1) * g
 *   v  = v * beta2 + ((1 - beta2) * g) * g
 *   bc1 = 1 - beta1^step,  bc2 = 1 - beta2^step            (double, like Python)
 *   denom = sqrt(v) / sqrt(bc2) + eps
 *   p  = p + (-(lr / bc1) * m) / denom
 * Scalars are formed in double and rounded to float once, as PyTorch passes them to its kernels.
 * params, grads, m and v are contiguous views of any shape with the same element count (n) and
 * no overlap; params, m and v are updated in place, grads is read. step is the 1-based count of
 * steps taken including this one. Checks: step >= 1, lr >= 0, 0 <= beta1, beta2 < 1, eps >= 0,
 * all finite (torch's own checks). Elementwise and parallel: bitwise identical for any thread
 * count. Host memory.
 */
nn_status adam_step_cpu(nn_tensor_view * params, const nn_tensor_view * grads, nn_tensor_view * m,
                        nn_tensor_view * v, size_t step, double lr, double beta1, double beta2,
                        double eps);

// ----------------------------------------------------------------------------
// learning-rate schedule

/**
 * torch.optim.lr_scheduler.MultiStepLR: the learning rate of 0-based epoch `epoch` (the
 * scheduler stepped `epoch` times) is base_lr multiplied by gamma once per milestone <= epoch
 * (a repeated milestone counts twice), multiplied one factor at a time as PyTorch's chainable
 * form does. milestones may be null when count is 0.
 */
double nn_lr_multistep(double base_lr, double gamma, const size_t * milestones, size_t count,
                       size_t epoch);

/** CAW's single milestone, Python's int(2 / 3 * num_epochs): 1333 for 2000, 2000 for 3000. */
size_t nn_caw_lr_milestone(size_t num_epochs);

// ----------------------------------------------------------------------------
// parameter layout

/** Every tensor's offset is a multiple of this many floats (64 bytes). */
constexpr size_t NN_PARAM_ALIGN = 16;

/** Longest tensor name, terminating NUL included. */
constexpr size_t NN_PARAM_NAME_MAX = 64;

/** One named tensor inside a layout's buffer. */
struct nn_param_tensor {
    char   name[NN_PARAM_NAME_MAX]; // "head.conv.v"
    size_t numel;                   // elements, > 0
    size_t offset;                  // floats from the buffer start, a multiple of NN_PARAM_ALIGN
};

/**
 * A size table of named tensors in insertion order. total is the buffer size in floats (the
 * last tensor's end rounded up to NN_PARAM_ALIGN). The gaps between tensors belong to no tensor;
 * keep them zero in every buffer (calloc) so Adam leaves them at zero.
 */
struct nn_param_layout {
    nn_param_tensor * tensors;
    size_t            count;
    size_t            capacity;
    size_t            total;
};

/** An empty layout. */
nn_status nn_param_layout_init(nn_param_layout * layout);

/** Releases the table; the layout becomes empty. Safe on a zeroed or already-freed layout. */
void nn_param_layout_free(nn_param_layout * layout);

/**
 * Appends a tensor of numel (> 0) floats named name (unique, 1..63 characters) at the next
 * aligned offset; *index (when non-null) receives its index.
 */
nn_status nn_param_layout_add(nn_param_layout * layout, const char * name, size_t numel,
                              size_t * index);

/** The tensor at index, or null when layout is null or index >= count. */
const nn_param_tensor * nn_param_layout_get(const nn_param_layout * layout, size_t index);

/** The index of the tensor named name; NN_STATUS_INVALID_ARGUMENT when there is none. */
nn_status nn_param_layout_find(const nn_param_layout * layout, const char * name, size_t * index);

/** base + offset of the tensor at index (base holds layout->total floats); null if out of range. */
float * nn_param_layout_data(const nn_param_layout * layout, float * base, size_t index);
