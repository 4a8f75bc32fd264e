// checkpoint.cpp: the checkpoint format's CRC-32 and the writer with its atomic save (layout
// and per-platform write sequence in nn/checkpoint.h; the validating reader is in
// checkpoint-load.cpp). Invariant: save never leaves a partial file at `path`: bytes go to
// `<path>.tmp`, are synced, and replace `path` in one rename / MoveFileExW.

#include "nn/checkpoint.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common.h"
#include "model/checkpoint-io.h"

#if !defined(_WIN32)
#include <fcntl.h>
#include <unistd.h>
#endif

using namespace nn_ck;

struct nn_ck_blob {
    char        name[NN_CHECKPOINT_NAME_MAX];
    nn_ck_dtype dtype;
    size_t      count;
    size_t      nbytes;
    uint8_t *   data; // owned copy (null when nbytes == 0)
};

namespace {

constexpr std::array<uint32_t, 256> make_crc_table() {
    std::array<uint32_t, 256> table = {};
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
        }
        table[i] = c;
    }
    return table;
}
constexpr std::array<uint32_t, 256> CRC_TABLE = make_crc_table();

// Flush the C buffer and the OS cache of f to the device.
bool sync_file(FILE * f) {
    if (std::fflush(f) != 0) {
        return false;
    }
#if defined(_WIN32)
    return _commit(_fileno(f)) == 0;
#else
    return fsync(fileno(f)) == 0;
#endif
}

// Replaces `path` by `tmp` in one step (removing tmp if that fails), then makes it durable.
nn_status replace_file(const std::string & tmp, const std::string & path) {
    const char * op = "nn_checkpoint_writer_save";
#if defined(_WIN32)
    if (!MoveFileExW(widen(tmp).c_str(), widen(path).c_str(),
                     MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        const unsigned long code = GetLastError();
        remove_file(tmp);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: cannot replace '%s' (MoveFileExW error %lu)", op, path.c_str(), code);
    }
    return NN_STATUS_OK;
#else
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        remove_file(tmp);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: cannot replace '%s': %s", op, path.c_str(),
                       system_error_text(err).c_str());
    }
    // Make the rename durable: fsync the directory that holds path.
    const size_t      slash = path.find_last_of('/');
    const std::string dir =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const int fd = open(dir.c_str(), O_RDONLY);
    if (fd >= 0) {
        const int rc  = fsync(fd);
        const int err = errno;
        close(fd);
        if (rc != 0 && err != EINVAL && err != ENOTSUP && err != EROFS) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                           "%s: wrote '%s' but syncing its directory failed: %s", op, path.c_str(),
                           system_error_text(err).c_str());
        }
    }
    return NN_STATUS_OK;
#endif
}

} // namespace

// ----------------------------------------------------------------------------
// format

size_t nn_ck_dtype_size(nn_ck_dtype dtype) {
    switch (dtype) {
        case NN_CK_F32: return 4;
        case NN_CK_F64: return 8;
        case NN_CK_U64: return 8;
        case NN_CK_U8: return 1;
    }
    return 0;
}

uint32_t nn_crc32(uint32_t crc, const void * data, size_t n) {
    const uint8_t * p = static_cast<const uint8_t *>(data);
    uint32_t        c = crc ^ 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c = CRC_TABLE[(c ^ p[i]) & 0xFFu] ^ (c >> 8);
    }
    return c ^ 0xFFFFFFFFu;
}

// ----------------------------------------------------------------------------
// writer

nn_status nn_checkpoint_writer_init(nn_checkpoint_writer * writer) {
    if (writer == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "nn_checkpoint_writer_init: writer is null");
    }
    *writer = nn_checkpoint_writer{};
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status nn_checkpoint_writer_add(nn_checkpoint_writer * writer, const char * name,
                                   nn_ck_dtype dtype, const void * data, size_t count) {
    const char * op = "nn_checkpoint_writer_add";
    if (writer == nullptr || name == nullptr) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: writer or name is null", op);
    }
    const size_t len = std::strlen(name);
    if (len == 0 || len >= NN_CHECKPOINT_NAME_MAX) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT,
                       "%s: name '%.80s' has %zu bytes, expected 1..%zu", op, name, len,
                       NN_CHECKPOINT_NAME_MAX - 1);
    }
    const size_t esize = nn_ck_dtype_size(dtype);
    if (esize == 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: '%s': unknown dtype %u", op, name,
                       static_cast<unsigned>(dtype));
    }
    if (data == nullptr && count > 0) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: '%s': data is null", op, name);
    }
    if (count > (SIZE_MAX / 2) / esize) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: '%s': %zu elements overflow", op, name,
                       count);
    }
    for (size_t i = 0; i < writer->count; i++) {
        if (std::strcmp(writer->blobs[i].name, name) == 0) {
            return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: '%s' was already added", op, name);
        }
    }
    if (writer->count == writer->capacity) {
        const size_t capacity = writer->capacity ? 2 * writer->capacity : 16;
        void *       grown    = std::realloc(writer->blobs, capacity * sizeof(nn_ck_blob));
        if (grown == nullptr) {
            return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: cannot grow the blob list", op);
        }
        writer->blobs    = static_cast<nn_ck_blob *>(grown);
        writer->capacity = capacity;
    }
    nn_ck_blob blob = {};
    std::memcpy(blob.name, name, len);
    blob.dtype  = dtype;
    blob.count  = count;
    blob.nbytes = count * esize;
    if (blob.nbytes > 0) {
        blob.data = static_cast<uint8_t *>(std::malloc(blob.nbytes));
        if (blob.data == nullptr) {
            return nn_fail(NN_STATUS_OUT_OF_MEMORY, "%s: '%s': cannot copy %zu bytes", op, name,
                           blob.nbytes);
        }
        std::memcpy(blob.data, data, blob.nbytes);
    }
    writer->blobs[writer->count++] = blob;
    nn_clear_error();
    return NN_STATUS_OK;
}

nn_status nn_checkpoint_writer_save(const nn_checkpoint_writer * writer, const char * path) {
    const char * op = "nn_checkpoint_writer_save";
    if (writer == nullptr || path == nullptr || path[0] == '\0') {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: writer or path is null or empty", op);
    }
    if (!host_is_little_endian()) {
        return nn_fail(NN_STATUS_UNSUPPORTED, "%s: big-endian hosts are not supported", op);
    }
    if (writer->count > UINT32_MAX) {
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: too many blobs (%zu)", op, writer->count);
    }
    // Layout: header, table, then each blob at the next 64-byte boundary, then the CRC.
    std::vector<size_t> offsets(writer->count);
    size_t              cursor = HEADER_BYTES + writer->count * ENTRY_BYTES;
    for (size_t i = 0; i < writer->count; i++) {
        cursor     = align_up(cursor);
        offsets[i] = cursor;
        cursor += writer->blobs[i].nbytes;
    }
    const size_t file_size = cursor + CRC_BYTES;

    std::vector<uint8_t> head(HEADER_BYTES + writer->count * ENTRY_BYTES, 0);
    std::memcpy(head.data(), NN_CHECKPOINT_MAGIC, 8);
    put_u32(head.data() + 8, NN_CHECKPOINT_VERSION);
    put_u32(head.data() + 12, static_cast<uint32_t>(writer->count));
    put_u64(head.data() + 16, file_size);
    for (size_t i = 0; i < writer->count; i++) {
        uint8_t *          e = head.data() + HEADER_BYTES + i * ENTRY_BYTES;
        const nn_ck_blob & b = writer->blobs[i];
        std::memcpy(e, b.name, NN_CHECKPOINT_NAME_MAX);
        put_u32(e + 64, static_cast<uint32_t>(b.dtype));
        put_u64(e + 72, b.count);
        put_u64(e + 80, offsets[i]);
    }

    const std::string tmp = std::string(path) + ".tmp";
    FILE *            f   = open_file(tmp, true);
    if (f == nullptr) {
        const int err = errno;
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: cannot create '%s': %s", op, tmp.c_str(),
                       system_error_text(err).c_str());
    }
    uint32_t      crc                        = 0;
    bool          ok                         = true;
    size_t        written                    = 0;
    const uint8_t zeros[NN_CHECKPOINT_ALIGN] = {};
    auto          emit                       = [&](const void * bytes, size_t n) {
        if (ok && n > 0) {
            ok  = std::fwrite(bytes, 1, n, f) == n;
            crc = nn_crc32(crc, bytes, n);
            written += n;
        }
    };
    emit(head.data(), head.size());
    for (size_t i = 0; i < writer->count; i++) {
        emit(zeros, offsets[i] - written);
        emit(writer->blobs[i].data, writer->blobs[i].nbytes);
    }
    uint8_t crc_bytes[CRC_BYTES];
    put_u32(crc_bytes, crc);
    emit(crc_bytes, CRC_BYTES);
    ok            = ok && written == file_size && sync_file(f);
    const int err = errno;
    ok            = (std::fclose(f) == 0) && ok;
    if (!ok) {
        remove_file(tmp);
        return nn_fail(NN_STATUS_INVALID_ARGUMENT, "%s: cannot write '%s': %s", op, tmp.c_str(),
                       system_error_text(err != 0 ? err : EIO).c_str());
    }
    NN_TRY(replace_file(tmp, path));
    nn_clear_error();
    return NN_STATUS_OK;
}

void nn_checkpoint_writer_free(nn_checkpoint_writer * writer) {
    if (writer == nullptr) {
        return;
    }
    for (size_t i = 0; i < writer->count; i++) {
        std::free(writer->blobs[i].data);
    }
    std::free(writer->blobs);
    *writer = nn_checkpoint_writer{};
}
