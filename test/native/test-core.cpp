// test-core.cpp: nn_core's non-op API: status strings, views, build info, and a device query
// that must answer (never abort) on machines with no driver or no GPU.

#include <cstring>

#include "common.h"
#include "nn/nn.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

void test_status_strings() {
    // distinct, never null
    const nn_status all[] = {
        NN_STATUS_OK,         NN_STATUS_INVALID_ARGUMENT, NN_STATUS_OUT_OF_MEMORY,
        NN_STATUS_CUDA_ERROR, NN_STATUS_UNSUPPORTED,      NN_STATUS_INTERNAL};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        CHECK(nn_status_string(all[i]) != nullptr);
        for (size_t j = 0; j < i; j++) {
            CHECK(std::strcmp(nn_status_string(all[i]), nn_status_string(all[j])) != 0);
        }
    }
    CHECK(std::strcmp(nn_status_string(static_cast<nn_status>(999)), "unknown status") == 0);
}

void test_views() {
    float          storage[24];
    nn_tensor_view v = nn_view_3d(storage, 2, 3, 4);
    CHECK(v.ndim == 3 && v.strides[0] == 12 && v.strides[1] == 4 && v.strides[2] == 1);
    CHECK(nn_view_is_contiguous(&v));
    CHECK(nn_view_numel(&v) == 24);
    v.strides[1] = 5;
    CHECK(!nn_view_is_contiguous(&v));
    CHECK(!nn_view_is_contiguous(nullptr));
}

// The last error is per call: set by a failure, cleared by a success.
void test_build_info_and_last_error() {
    CHECK(nn_get_build_info(nullptr) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(std::strstr(nn_last_error(), "nn_get_build_info") != nullptr);

    nn_build_info info{};
    CHECK(nn_get_build_info(&info) == NN_STATUS_OK);
    CHECK(std::strcmp(nn_last_error(), "") == 0);
    CHECK(std::strcmp(info.version, nn_version()) == 0);
    CHECK(info.simd != nullptr && info.simd[0] != '\0');
#if defined(NN_WITH_CUDA)
    CHECK(info.cuda_compiled && info.cuda_version[0] != '\0');
#else
    CHECK(!info.cuda_compiled && info.cuda_version[0] == '\0');
#endif
    std::printf("nn %s, cuda compiled: %s %s, simd: %s\n", info.version,
                info.cuda_compiled ? "yes" : "no", info.cuda_version, info.simd);
}

// OK with a count, and a reason exactly when the count is 0.
void test_device_query() {
    int  count       = -1;
    char reason[256] = "x";
    CHECK(nn_cuda_device_count(&count, reason, sizeof(reason)) == NN_STATUS_OK);
    CHECK(count >= 0);
    CHECK((count == 0) == (reason[0] != '\0'));
    std::printf("CUDA devices: %d%s%s\n", count, count == 0 ? ", reason: " : "", reason);
    CHECK(nn_cuda_device_count(nullptr, reason, sizeof(reason)) == NN_STATUS_INVALID_ARGUMENT);
    char tiny[4];
    CHECK(nn_cuda_device_count(&count, tiny, sizeof(tiny)) == NN_STATUS_OK);
    CHECK(std::strlen(tiny) < sizeof(tiny));
    CHECK(nn_cuda_device_count(&count, nullptr, 0) == NN_STATUS_OK);
}

} // namespace

NN_TEST_CASES(core) {
    cases.values("status strings", test_status_strings);
    cases.values("views", test_views);
    cases.values("build info and the last error", test_build_info_and_last_error);
    cases.values("device query", test_device_query);
}
