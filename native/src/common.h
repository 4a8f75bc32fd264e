// common.h: helpers shared by the CPU and CUDA halves of nn_core (never by the addon).
// defines: NN_TRY, nn_fail, nn_check_view, nn_views_overlap, nn_check_pair_3d, nn_check_same_3d
//
// nn_fail records a one-line message for nn_last_error() and returns the status, so an entry
// point reads `return nn_fail(NN_STATUS_INVALID_ARGUMENT, "op: x is null");`. NN_TRY passes a
// failure (and its message) up: `NN_TRY(caw_model_init(&G, &cfg));`.
#pragma once

#include "nn/nn.h"

/** Returns the nn_status of expr from the enclosing function when it is not NN_STATUS_OK. */
#define NN_TRY(expr)                             \
    do {                                         \
        const nn_status nn_try_status_ = (expr); \
        if (nn_try_status_ != NN_STATUS_OK) {    \
            return nn_try_status_;               \
        }                                        \
    } while (0)

#if defined(__GNUC__)
#define NN_PRINTF_LIKE(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define NN_PRINTF_LIKE(fmt_index, first_arg)
#endif

/** Records "<message>" as this thread's last error and returns status. */
nn_status nn_fail(nn_status status, const char * format, ...) NN_PRINTF_LIKE(2, 3);

/** Clears this thread's last error; entry points call it on success paths. */
void nn_clear_error(void);

/**
 * Checks that view is non-null, has data, has exactly ndim dimensions, none of them 0, and is
 * contiguous. op and name go into the message ("op: name has an empty dimension 1").
 */
nn_status nn_check_view(const char * op, const char * name, const nn_tensor_view * view, int ndim);

/** True when the float memory of two views intersects; false when either is null. */
bool nn_views_overlap(const nn_tensor_view * a, const nn_tensor_view * b);

/**
 * Checks that a and b are non-null, contiguous, 3-D, non-empty views with non-overlapping data
 * and the same B and C; with same_length also the same T. op, a_name and b_name go into the
 * message.
 */
nn_status nn_check_pair_3d(const char * op, const char * a_name, const nn_tensor_view * a,
                           const char * b_name, const nn_tensor_view * b, bool same_length);

/**
 * Checks that a and b are non-null, contiguous, 3-D, non-empty views of the same shape with
 * distinct, non-overlapping data. op, a_name and b_name go into the message.
 */
nn_status nn_check_same_3d(const char * op, const char * a_name, const nn_tensor_view * a,
                           const char * b_name, const nn_tensor_view * b);

/** The element count of a view (the product of its shape), 0 for a null view. */
size_t nn_view_numel(const nn_tensor_view * view);
