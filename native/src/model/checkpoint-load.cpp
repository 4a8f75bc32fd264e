// checkpoint-load.cpp: the validating checkpoint reader and its typed getters (layout in
// nn/checkpoint.h). Invariant: a checkpoint that loads has passed every check (magic, version,
// size, CRC, each entry's name, dtype, reserved fields, bounds, alignment and overlap), so the
// getters only look up and copy.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common.h"
#include "model/checkpoint-io.h"
#include "nn/checkpoint.h"

using namespace nn_ck;

namespace {

nn_status corrupt(const char * detail) {
    return nn_fail(NN_STATUS_INVALID_ARGUMENT, "checkpoint: corrupt: %s", detail);
}

// Validates size bytes at data (owned by ck on success) and builds ck's table.
nn_status parse(nn_checkpoint * ck, uint8_t * data, size_t size) {
    const char * op = "checkpoint";
    char         buf[320];
    if (size >= 8 && std::memcmp(data, NN_CHECKPOINT_MAGIC, 8) != 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: not a Eureka checkpoint (bad magic)", op);
    }
    if (size < HEADER_BYTES + CRC_BYTES) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: truncated: %zu bytes, the header alone needs %zu", op, size,
                       HEADER_BYTES + CRC_BYTES);
    }
    const uint32_t version  = get_u32(data + 8);
    const uint64_t count    = get_u32(data + 12);
    const uint64_t declared = get_u64(data + 16);
    if (version == 0 || version > NN_CHECKPOINT_VERSION) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: format version %u is %s (this build reads 1 to %u)", op, version,
                       version == 0 ? "invalid" : "newer than this build", NN_CHECKPOINT_VERSION);
    }
    if (declared != size) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: %s: the header declares %llu bytes but there are %zu", op,
                       declared > size ? "truncated" : "trailing bytes",
                       static_cast<unsigned long long>(declared), size);
    }
    const uint32_t stored   = get_u32(data + size - CRC_BYTES);
    const uint32_t computed = nn_crc32(0, data, size - CRC_BYTES);
    if (stored != computed) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: CRC mismatch (stored 0x%08x, computed 0x%08x): the file is corrupt", op,
                       stored, computed);
    }
    if (get_u64(data + 24) != 0) {
        return corrupt("reserved header field is not 0");
    }
    const size_t payload_end = size - CRC_BYTES;
    if (count > (payload_end - HEADER_BYTES) / ENTRY_BYTES) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: corrupt: a table of %llu entries does not fit in %zu bytes", op,
                       static_cast<unsigned long long>(count), size);
    }
    const size_t table_end = HEADER_BYTES + static_cast<size_t>(count) * ENTRY_BYTES;

    std::vector<nn_checkpoint_entry> entries(static_cast<size_t>(count));
    for (size_t i = 0; i < entries.size(); i++) {
        const uint8_t *       e   = data + HEADER_BYTES + i * ENTRY_BYTES;
        nn_checkpoint_entry & out = entries[i];
        const void *          nul = std::memchr(e, 0, NN_CHECKPOINT_NAME_MAX);
        if (nul == nullptr || nul == e) {
            std::snprintf(buf, sizeof(buf), "entry %zu has %s name", i,
                          nul == e ? "an empty" : "an unterminated");
            return corrupt(buf);
        }
        const size_t name_len = static_cast<size_t>(static_cast<const uint8_t *>(nul) - e);
        for (size_t j = name_len; j < NN_CHECKPOINT_NAME_MAX; j++) {
            if (e[j] != 0) {
                std::snprintf(buf, sizeof(buf), "entry %zu's name is not NUL-padded", i);
                return corrupt(buf);
            }
        }
        std::memcpy(out.name, e, NN_CHECKPOINT_NAME_MAX);
        const uint32_t dtype    = get_u32(e + 64);
        const uint64_t elements = get_u64(e + 72);
        const uint64_t offset   = get_u64(e + 80);
        const size_t   esize    = nn_ck_dtype_size(static_cast<nn_ck_dtype>(dtype));
        if (esize == 0) {
            std::snprintf(buf, sizeof(buf), "entry '%s' has unknown dtype %u", out.name, dtype);
            return corrupt(buf);
        }
        if (get_u32(e + 68) != 0 || get_u64(e + 88) != 0) {
            std::snprintf(buf, sizeof(buf), "entry '%s' has non-zero reserved fields", out.name);
            return corrupt(buf);
        }
        if (elements > payload_end / esize || offset % NN_CHECKPOINT_ALIGN != 0 ||
            offset < table_end || offset > payload_end || elements * esize > payload_end - offset) {
            std::snprintf(buf, sizeof(buf),
                          "entry '%s' (%llu elements at byte %llu) is misaligned or outside the "
                          "data area [%zu, %zu)",
                          out.name, static_cast<unsigned long long>(elements),
                          static_cast<unsigned long long>(offset), table_end, payload_end);
            return corrupt(buf);
        }
        out.dtype  = static_cast<nn_ck_dtype>(dtype);
        out.count  = static_cast<size_t>(elements);
        out.offset = static_cast<size_t>(offset);
        out.nbytes = out.count * esize;
    }
    // Unique names and non-overlapping blobs: sort a copy by name, then by offset.
    std::vector<const nn_checkpoint_entry *> order;
    for (const nn_checkpoint_entry & e : entries) {
        order.push_back(&e);
    }
    std::sort(order.begin(), order.end(),
              [](const nn_checkpoint_entry * a, const nn_checkpoint_entry * b) {
                  return std::strcmp(a->name, b->name) < 0;
              });
    for (size_t i = 1; i < order.size(); i++) {
        if (std::strcmp(order[i - 1]->name, order[i]->name) == 0) {
            std::snprintf(buf, sizeof(buf), "the name '%s' appears twice", order[i]->name);
            return corrupt(buf);
        }
    }
    std::sort(order.begin(), order.end(),
              [](const nn_checkpoint_entry * a, const nn_checkpoint_entry * b) {
                  return a->offset < b->offset;
              });
    size_t                      end  = table_end;
    const nn_checkpoint_entry * prev = nullptr;
    for (const nn_checkpoint_entry * e : order) {
        if (e->nbytes == 0) {
            continue;
        }
        if (e->offset < end) {
            std::snprintf(buf, sizeof(buf), "blobs '%s' and '%s' overlap", prev ? prev->name : "",
                          e->name);
            return corrupt(buf);
        }
        end  = e->offset + e->nbytes;
        prev = e;
    }

    ck->entries = static_cast<nn_checkpoint_entry *>(
        std::malloc(std::max<size_t>(1, entries.size()) * sizeof(nn_checkpoint_entry)));
    if (ck->entries == nullptr) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: cannot allocate the table", op);
    }
    if (!entries.empty()) {
        std::memcpy(ck->entries, entries.data(), entries.size() * sizeof(nn_checkpoint_entry));
    }
    ck->count   = entries.size();
    ck->data    = data;
    ck->size    = size;
    ck->version = version;
    return NN_STATUS_OK;
}

// Takes ownership of data (freed on failure).
nn_status load_owned(nn_checkpoint * ck, uint8_t * data, size_t size, const char * what) {
    *ck              = nn_checkpoint{};
    nn_status status = parse(ck, data, size);
    if (status != NN_STATUS_OK) {
        std::free(data);
        *ck = nn_checkpoint{};
        if (what != nullptr) {
            // Prefix the path: "checkpoint 'run/ck.bin': CRC mismatch ...".
            char inner[400];
            std::snprintf(inner, sizeof(inner), "%s", nn_last_error());
            const char * rest = std::strncmp(inner, "checkpoint: ", 12) == 0 ? inner + 12 : inner;
            return nn_fail(status, "checkpoint '%s': %s", what, rest);
        }
        return status;
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

} // namespace

// ----------------------------------------------------------------------------
// reader

nn_status nn_checkpoint_load(nn_checkpoint * checkpoint, const char * path) {
    const char * op = "nn_checkpoint_load";
    if (checkpoint == nullptr || path == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: checkpoint or path is null", op);
    }
    *checkpoint = nn_checkpoint{};
    if (!host_is_little_endian()) {
        return nn_fail(NN_STATUS_UNSUPPORTED, "%s: big-endian hosts are not supported", op);
    }
    FILE * f = open_file(path, false);
    if (f == nullptr) {
        const int err = errno;
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "checkpoint '%s': cannot open: %s", path,
                       system_error_text(err).c_str());
    }
    size_t    size = 0, capacity = 0;
    uint8_t * data = nullptr;
    for (;;) {
        if (size == capacity) {
            capacity     = capacity ? 2 * capacity : (1u << 20);
            void * grown = std::realloc(data, capacity);
            if (grown == nullptr) {
                std::free(data);
                std::fclose(f);
                return nn_fail(NN_STATUS_OUT_OF_MEMORY, "checkpoint '%s': cannot hold %zu bytes",
                               path, capacity);
            }
            data = static_cast<uint8_t *>(grown);
        }
        const size_t got = std::fread(data + size, 1, capacity - size, f);
        size += got;
        if (got == 0) {
            break;
        }
    }
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) {
        std::free(data);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "checkpoint '%s': read error", path);
    }
    return load_owned(checkpoint, data, size, path);
}

nn_status nn_checkpoint_load_memory(nn_checkpoint * checkpoint, const void * bytes, size_t size) {
    if (checkpoint == nullptr || (bytes == nullptr && size > 0)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_checkpoint_load_memory: null argument");
    }
    *checkpoint = nn_checkpoint{};
    if (!host_is_little_endian()) {
        return nn_fail(NN_STATUS_UNSUPPORTED,
                       "nn_checkpoint_load_memory: big-endian hosts are not supported");
    }
    uint8_t * data = static_cast<uint8_t *>(std::malloc(std::max<size_t>(1, size)));
    if (data == nullptr) {
        return nn_fail(NN_STATUS_OUT_OF_MEMORY, "nn_checkpoint_load_memory: cannot copy %zu bytes",
                       size);
    }
    if (size > 0) {
        std::memcpy(data, bytes, size);
    }
    return load_owned(checkpoint, data, size, nullptr);
}

void nn_checkpoint_free(nn_checkpoint * checkpoint) {
    if (checkpoint == nullptr) {
        return;
    }
    std::free(checkpoint->data);
    std::free(checkpoint->entries);
    *checkpoint = nn_checkpoint{};
}

const nn_checkpoint_entry * nn_checkpoint_find(const nn_checkpoint * checkpoint,
                                               const char *          name) {
    if (checkpoint == nullptr || name == nullptr) {
        return nullptr;
    }
    for (size_t i = 0; i < checkpoint->count; i++) {
        if (std::strcmp(checkpoint->entries[i].name, name) == 0) {
            return &checkpoint->entries[i];
        }
    }
    return nullptr;
}

nn_status nn_checkpoint_get(const nn_checkpoint * checkpoint, const char * name, nn_ck_dtype dtype,
                            void * out, size_t count) {
    const char * op = "nn_checkpoint_get";
    if (checkpoint == nullptr || name == nullptr || (out == nullptr && count > 0)) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: null argument", op);
    }
    static const char * const   NAMES[] = {"?", "f32", "f64", "u64", "u8"};
    const nn_checkpoint_entry * e       = nn_checkpoint_find(checkpoint, name);
    if (e == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "checkpoint: no entry '%s'", name);
    }
    if (e->dtype != dtype) {
        const unsigned want = static_cast<unsigned>(dtype);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "checkpoint: entry '%s' is %s, expected %s",
                       name, NAMES[static_cast<unsigned>(e->dtype)], want <= 4 ? NAMES[want] : "?");
    }
    if (e->count != count) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "checkpoint: entry '%s' has %zu elements, expected %zu", name, e->count,
                       count);
    }
    if (e->nbytes > 0) {
        std::memcpy(out, checkpoint->data + e->offset, e->nbytes);
    }
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status nn_checkpoint_get_f32(const nn_checkpoint * checkpoint, const char * name, float * out,
                                size_t count) {
    return nn_checkpoint_get(checkpoint, name, NN_CK_F32, out, count);
}
nn_status nn_checkpoint_get_f64(const nn_checkpoint * checkpoint, const char * name, double * out,
                                size_t count) {
    return nn_checkpoint_get(checkpoint, name, NN_CK_F64, out, count);
}
nn_status nn_checkpoint_get_u64(const nn_checkpoint * checkpoint, const char * name, uint64_t * out,
                                size_t count) {
    return nn_checkpoint_get(checkpoint, name, NN_CK_U64, out, count);
}
nn_status nn_checkpoint_get_u8(const nn_checkpoint * checkpoint, const char * name, uint8_t * out,
                               size_t count) {
    return nn_checkpoint_get(checkpoint, name, NN_CK_U8, out, count);
}
