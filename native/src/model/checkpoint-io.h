// checkpoint-io.h: private helpers shared by checkpoint.cpp (writer) and checkpoint-load.cpp
// (reader): the fixed sizes of the layout in nn/checkpoint.h, little-endian integer packing,
// 64-byte alignment and UTF-8 file paths (UTF-16 on Windows).
// defines: nn_ck::HEADER_BYTES, ENTRY_BYTES, CRC_BYTES, host_is_little_endian, put_u32, put_u64,
//          get_u32, get_u64, align_up, open_file, remove_file, system_error_text
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "nn/checkpoint.h"

#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <io.h>
#include <windows.h>
#endif

namespace nn_ck {

constexpr size_t HEADER_BYTES = 32;
constexpr size_t ENTRY_BYTES  = 96;
constexpr size_t CRC_BYTES    = 4;

inline bool host_is_little_endian() {
    const uint16_t one = 1;
    uint8_t        first;
    std::memcpy(&first, &one, 1);
    return first == 1;
}

inline void put_u32(uint8_t * p, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        p[i] = static_cast<uint8_t>(v >> (8 * i));
    }
}
inline void put_u64(uint8_t * p, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        p[i] = static_cast<uint8_t>(v >> (8 * i));
    }
}
inline uint32_t get_u32(const uint8_t * p) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        v |= static_cast<uint32_t>(p[i]) << (8 * i);
    }
    return v;
}
inline uint64_t get_u64(const uint8_t * p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= static_cast<uint64_t>(p[i]) << (8 * i);
    }
    return v;
}

inline size_t align_up(size_t x) {
    return (x + NN_CHECKPOINT_ALIGN - 1) / NN_CHECKPOINT_ALIGN * NN_CHECKPOINT_ALIGN;
}

// ---- file helpers (UTF-8 paths everywhere) ----

#if defined(_WIN32)
inline std::wstring widen(const std::string & s) {
    const int n = MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, nullptr, 0);
    if (n <= 0) {
        return std::wstring();
    }
    std::wstring w(static_cast<size_t>(n), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, &w[0], n);
    w.resize(static_cast<size_t>(n - 1));
    return w;
}
inline FILE * open_file(const std::string & path, bool for_write) {
    return _wfopen(widen(path).c_str(), for_write ? L"wb" : L"rb");
}
inline void remove_file(const std::string & path) {
    _wremove(widen(path).c_str());
}
#else
inline FILE * open_file(const std::string & path, bool for_write) {
    return std::fopen(path.c_str(), for_write ? "wb" : "rb");
}
inline void remove_file(const std::string & path) {
    std::remove(path.c_str());
}
#endif

inline std::string system_error_text(int err) {
    return std::strerror(err);
}

} // namespace nn_ck
