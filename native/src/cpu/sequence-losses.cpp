// sequence-losses.cpp: float entry points of nn/sequence-losses.h: argument checks, then
// sequence-losses-impl.h's loops; eps from nn_rng.

#include "nn/sequence-losses.h"

#include <cmath>

#include "common.h"
#include "cpu/sequence-losses-impl.h"
#include "cpu/spans.h"
#include "nn/rng.h"

namespace {

constexpr size_t LOSS_MAX_DIM = size_t(1) << 28;

nn_status check_rows(const char * op, const char * cols, size_t N, size_t C) {
    if (N == 0 || C == 0 || N > LOSS_MAX_DIM || C > LOSS_MAX_DIM ||
        double(N) * double(C) >= 70368744177664.0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: N %zu, %s %zu: each must be 1..2^28, their product under 2^46", op, N,
                       cols, C);
    }
    return NN_STATUS_OK;
}

nn_status check_targets(const char * op, const int32_t * targets, size_t N, size_t V,
                        int32_t ignore_index) {
    for (size_t n = 0; n < N; n++) {
        const int32_t t = targets[n];
        if (t != ignore_index && (t < 0 || size_t(t) >= V)) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: targets[%zu] = %d is outside [0, %zu) and not the ignore index %d",
                           op, n, int(t), V, int(ignore_index));
        }
    }
    return NN_STATUS_OK;
}

nn_status check_finite(const char * op, const char * name, float v) {
    if (!std::isfinite(v)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: %s is not finite", op, name);
    }
    return NN_STATUS_OK;
}

} // namespace

nn_status cross_entropy_forward_cpu(const float * logits, const int32_t * targets, size_t N,
                                    size_t V, int32_t ignore_index, float * loss, size_t * kept) {
    const char * op = "cross_entropy_forward_cpu";
    NN_TRY(check_rows(op, "V", N, V));
    const host_span required[] = {{"logits", logits, N * V},
                                  {"targets", targets, N, sizeof(int32_t)},
                                  {"loss", loss, 1}};
    NN_TRY(check_required_spans(op, required, 3));
    NN_TRY(check_targets(op, targets, N, V, ignore_index));
    size_t M = 0;
    *loss    = float(cross_entropy_value(logits, targets, N, V, ignore_index, &M));
    if (kept != nullptr) *kept = M;
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status cross_entropy_backward_cpu(const float * logits, const int32_t * targets, size_t N,
                                     size_t V, int32_t ignore_index, float dloss, float * dlogits) {
    const char * op = "cross_entropy_backward_cpu";
    NN_TRY(check_rows(op, "V", N, V));
    NN_TRY(check_finite(op, "dloss", dloss));
    const host_span in[]  = {{"logits", logits, N * V}, {"targets", targets, N, sizeof(int32_t)}};
    const host_span out[] = {{"dlogits", dlogits, N * V}};
    const host_span required[] = {in[0], in[1], out[0]};
    NN_TRY(check_required_spans(op, required, 3));
    NN_TRY(check_output_spans(op, in, 2, out, 1));
    NN_TRY(check_targets(op, targets, N, V, ignore_index));
    cross_entropy_backward_values(logits, targets, N, V, ignore_index, double(dloss), dlogits);
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status kl_normal_forward_cpu(const float * mu, const float * logvar, size_t N, size_t Z,
                                float * kl) {
    const char * op = "kl_normal_forward_cpu";
    NN_TRY(check_rows(op, "Z", N, Z));
    const host_span required[] = {{"mu", mu, N * Z}, {"logvar", logvar, N * Z}, {"kl", kl, 1}};
    NN_TRY(check_required_spans(op, required, 3));
    *kl = float(kl_normal_value(mu, logvar, N, Z));
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status kl_normal_backward_cpu(const float * mu, const float * logvar, size_t N, size_t Z,
                                 float dkl, float * dmu, float * dlogvar) {
    const char * op = "kl_normal_backward_cpu";
    NN_TRY(check_rows(op, "Z", N, Z));
    NN_TRY(check_finite(op, "dkl", dkl));
    const host_span in[]  = {{"mu", mu, N * Z}, {"logvar", logvar, N * Z}};
    const host_span out[] = {{"dmu", dmu, N * Z}, {"dlogvar", dlogvar, N * Z}};
    const host_span required[] = {in[0], in[1], out[0], out[1]};
    NN_TRY(check_required_spans(op, required, 4));
    NN_TRY(check_output_spans(op, in, 2, out, 2));
    kl_normal_backward_values(mu, logvar, N, Z, double(dkl), dmu, dlogvar);
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status reparam_forward_cpu(const float * mu, const float * logvar, size_t N, size_t Z,
                              uint64_t seed, float * eps, float * z) {
    const char * op = "reparam_forward_cpu";
    NN_TRY(check_rows(op, "Z", N, Z));
    const host_span in[]  = {{"mu", mu, N * Z}, {"logvar", logvar, N * Z}};
    const host_span out[] = {{"eps", eps, N * Z}, {"z", z, N * Z}};
    const host_span required[] = {in[0], in[1], out[0], out[1]};
    NN_TRY(check_required_spans(op, required, 4));
    NN_TRY(check_output_spans(op, in, 2, out, 2));
    nn_rng rng;
    NN_TRY(nn_rng_init(&rng, seed));
    NN_TRY(nn_rng_fill_normal(&rng, eps, N * Z, 1.0));
    reparam_forward_values(mu, logvar, eps, z, N * Z);
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status reparam_backward_cpu(const float * logvar, const float * eps, const float * dz, size_t N,
                               size_t Z, float * dmu, float * dlogvar) {
    const char * op = "reparam_backward_cpu";
    NN_TRY(check_rows(op, "Z", N, Z));
    const host_span in[]  = {{"logvar", logvar, N * Z}, {"eps", eps, N * Z}, {"dz", dz, N * Z}};
    const host_span out[] = {{"dmu", dmu, N * Z}, {"dlogvar", dlogvar, N * Z}};
    const host_span required[] = {in[0], in[1], in[2], out[1]};
    NN_TRY(check_required_spans(op, required, 4));
    NN_TRY(check_output_spans(op, in, 3, out, 2));
    reparam_backward_values(logvar, eps, dz, dmu, dlogvar, N * Z);
    nn_clear_error();
    return NN_STATUS_OK;
}
