// spans.h: argument checks for the sequence ops that take raw host buffers (nn/lstm.h,
// nn/dense.h, nn/sequence-losses.h): required pointers, and no output overlapping an input or
// another output; scratch allocation failures as a status.
// defines: host_span, check_required_spans, check_output_spans, guard_alloc
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>

#include "common.h"

/** n elements of `bytes` each at p (null: an absent optional buffer), named for the message. */
struct host_span {
    const char * name;
    const void * p;
    size_t       n;
    size_t       bytes = sizeof(float);
};

inline bool host_spans_overlap(const host_span & a, const host_span & b) {
    if (a.p == nullptr || b.p == nullptr || a.n == 0 || b.n == 0) return false;
    const uintptr_t a0 = uintptr_t(a.p), a1 = a0 + a.n * a.bytes;
    const uintptr_t b0 = uintptr_t(b.p), b1 = b0 + b.n * b.bytes;
    return a0 < b1 && b0 < a1;
}

/** "op: name is null" for the first null pointer among s[0..n). */
inline nn_status check_required_spans(const char * op, const host_span * s, size_t n) {
    for (size_t k = 0; k < n; k++) {
        if (s[k].p == nullptr) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is null", op, s[k].name);
        }
    }
    return NN_STATUS_OK;
}

/** Every output against every input and every other output. */
inline nn_status check_output_spans(const char * op, const host_span * in, size_t n_in,
                                    const host_span * out, size_t n_out) {
    for (size_t o = 0; o < n_out; o++) {
        for (size_t i = 0; i < n_in; i++) {
            if (host_spans_overlap(out[o], in[i])) {
                return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s overlaps %s", op, out[o].name,
                               in[i].name);
            }
        }
        for (size_t k = o + 1; k < n_out; k++) {
            if (host_spans_overlap(out[o], out[k])) {
                return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s overlaps %s", op, out[o].name,
                               out[k].name);
            }
        }
    }
    return NN_STATUS_OK;
}

/** fn(), with an allocation failure of its scratch vectors turned into a status. */
inline nn_status guard_alloc(const char * op, const std::function<nn_status()> & fn) {
    try {
        return fn();
    } catch (const std::bad_alloc &) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: out of memory for the scratch buffers", op);
    }
}
