// checkpoint.h: the trainer's binary checkpoint, "all state needed to resume" (docs/caw-spec.md
// §3: parameters, Adam m/v, BN buffers, noise amps, z_rec, RNG states, epoch counters, ...).
// defines: NN_CHECKPOINT_MAGIC, NN_CHECKPOINT_VERSION, NN_CHECKPOINT_NAME_MAX,
//          NN_CHECKPOINT_ALIGN, nn_ck_dtype, nn_ck_dtype_size, nn_crc32, nn_checkpoint_writer,
//          nn_checkpoint_writer_init, nn_checkpoint_writer_add, nn_checkpoint_writer_save,
//          nn_checkpoint_writer_free, nn_checkpoint_entry, nn_checkpoint, nn_checkpoint_load,
//          nn_checkpoint_load_memory, nn_checkpoint_free, nn_checkpoint_find, nn_checkpoint_get,
//          nn_checkpoint_get_f32, nn_checkpoint_get_f64, nn_checkpoint_get_u64,
//          nn_checkpoint_get_u8
//
// File layout, every integer little-endian (format version 1):
//   0     8    magic "EUREKACK"
//   8     4    u32 format version (1)
//   12    4    u32 entry count E
//   16    8    u64 file size in bytes, CRC included
//   24    8    u64 reserved, 0
//   32    96*E table, one entry per blob, in insertion order:
//                64  name: 1..63 bytes, NUL-terminated, NUL-padded
//                4   u32 dtype (nn_ck_dtype)   4  u32 reserved, 0
//                8   u64 element count         8  u64 byte offset from the file start
//                8   u64 reserved, 0
//   ...        blobs: each at an offset that is a multiple of 64, zero bytes in between; the
//              bytes of blob i are its elements in little-endian order (f32/f64 are IEEE bits)
//   size-4 4   u32 CRC-32 (IEEE 802.3, reflected poly 0xEDB88320, as zlib) of bytes [0, size-4)
// No timestamps or other varying bytes: the same blobs in the same order give the same file.
// Big-endian hosts are refused (NN_STATUS_UNSUPPORTED); every platform we ship is little-endian.
#pragma once

#include <cstdint>

#include "nn/nn.h"

// ----------------------------------------------------------------------------
// format

/** The 8 magic bytes (not NUL-terminated in the file). */
constexpr char NN_CHECKPOINT_MAGIC[9] = "EUREKACK";

/** The format version this build writes; it reads versions 1 .. NN_CHECKPOINT_VERSION. */
constexpr uint32_t NN_CHECKPOINT_VERSION = 1;

/** Name field size: names are 1 .. NN_CHECKPOINT_NAME_MAX - 1 = 63 bytes. */
constexpr size_t NN_CHECKPOINT_NAME_MAX = 64;

/** Every blob starts at a multiple of this many bytes. */
constexpr size_t NN_CHECKPOINT_ALIGN = 64;

/** Element type of a blob (the u32 tag stored in the table). */
enum nn_ck_dtype : uint32_t {
    NN_CK_F32 = 1,
    NN_CK_F64 = 2,
    NN_CK_U64 = 3,
    NN_CK_U8  = 4,
};

/** Bytes per element of dtype: 4, 8, 8, 1; 0 for an unknown tag. */
size_t nn_ck_dtype_size(nn_ck_dtype dtype);

/**
 * zlib's crc32(crc, data, n): continue a CRC-32 (IEEE) over n more bytes. Start with crc = 0;
 * nn_crc32(0, "123456789", 9) == 0xCBF43926. data may be null only when n == 0.
 */
uint32_t nn_crc32(uint32_t crc, const void * data, size_t n);

// ----------------------------------------------------------------------------
// writer

struct nn_ck_blob; // private: one added blob (name, dtype, count, owned copy of the bytes)

/** Collects named blobs, then writes them as one file. Not thread-safe; one per save. */
struct nn_checkpoint_writer {
    nn_ck_blob * blobs;
    size_t       count;
    size_t       capacity;
};

/** An empty writer. */
nn_status nn_checkpoint_writer_init(nn_checkpoint_writer * writer);

/**
 * Adds a blob of `count` elements of dtype, COPIED from data (so temporaries are fine). name is
 * 1..63 bytes, unique within the writer. data may be null only when count == 0. Fails
 * (INVALID_ARGUMENT) on a bad name, duplicate, unknown dtype or a size overflow; OUT_OF_MEMORY.
 */
nn_status nn_checkpoint_writer_add(nn_checkpoint_writer * writer, const char * name,
                                   nn_ck_dtype dtype, const void * data, size_t count);

/**
 * Writes the file atomically: the bytes go to "<path>.tmp" (created or truncated), are flushed
 * and synced to disk, and the temporary file then replaces path in one step, so a reader sees
 * either the old file or the complete new one, never a partial file.
 *   POSIX:   fwrite, fflush, fsync(fd), fclose, rename(tmp, path) (atomic replace), then fsync
 *            of the parent directory so the rename itself is durable (best effort: skipped if
 *            the directory cannot be opened; EINVAL / ENOTSUP / EROFS from its fsync are
 *            ignored, as some file systems cannot sync a directory; other errors are returned
 *            although path already holds the new file).
 *   Windows: paths are UTF-8, converted to UTF-16 (_wfopen); fflush, _commit (FlushFileBuffers),
 *            fclose, MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)
 *            (write-through returns after the move is flushed; NTFS has no directory fsync).
 * On any failure before the replace, the temporary file is removed and path is untouched.
 * I/O failures return NN_STATUS_INVALID_ARGUMENT (nn.h has no I/O status) with the path and
 * the system's reason. The writer is unchanged, so a failed save can be retried.
 */
nn_status nn_checkpoint_writer_save(const nn_checkpoint_writer * writer, const char * path);

/** Releases the copies; the writer becomes empty. Safe on a zeroed or freed writer. */
void nn_checkpoint_writer_free(nn_checkpoint_writer * writer);

// ----------------------------------------------------------------------------
// reader

/** One validated table entry. */
struct nn_checkpoint_entry {
    char        name[NN_CHECKPOINT_NAME_MAX];
    nn_ck_dtype dtype;
    size_t      count;  // elements
    size_t      offset; // bytes from the file start, a multiple of NN_CHECKPOINT_ALIGN
    size_t      nbytes; // count * nn_ck_dtype_size(dtype)
};

/** A loaded, fully validated checkpoint: the file's bytes and its table. */
struct nn_checkpoint {
    uint8_t *             data; // (size) the whole file
    size_t                size;
    uint32_t              version;
    nn_checkpoint_entry * entries; // (count) in file order
    size_t                count;
};

/**
 * Reads and validates path. Refused with NN_STATUS_INVALID_ARGUMENT and a one-line reason in
 * nn_last_error(), checked in this order: unreadable file; wrong magic ("not a Eureka
 * checkpoint"); shorter than the header or than its declared size ("truncated"), longer
 * ("trailing bytes"); version 0 or newer than NN_CHECKPOINT_VERSION ("newer"); CRC mismatch
 * ("corrupt"); then every table entry: name not NUL-terminated / empty / not NUL-padded,
 * duplicate name, unknown dtype, reserved fields not 0, size overflow, offset not 64-aligned,
 * inside the header/table, past the CRC, or overlapping another blob. On failure *checkpoint is
 * empty (safe to free). OUT_OF_MEMORY when the file does not fit.
 */
nn_status nn_checkpoint_load(nn_checkpoint * checkpoint, const char * path);

/** The same validation on size bytes in memory (copied; bytes may be freed afterwards). */
nn_status nn_checkpoint_load_memory(nn_checkpoint * checkpoint, const void * bytes, size_t size);

/** Releases the bytes and table; *checkpoint becomes empty. Safe on a zeroed/freed one. */
void nn_checkpoint_free(nn_checkpoint * checkpoint);

/** The entry called name, or null (no error is recorded) when there is none. */
const nn_checkpoint_entry * nn_checkpoint_find(const nn_checkpoint * checkpoint, const char * name);

/**
 * Copies entry `name` into out, which holds exactly `count` elements of dtype. Fails
 * (INVALID_ARGUMENT) when the entry is missing, has another dtype, or another element count;
 * the message names the entry and both types / counts. out may be null only when count == 0.
 */
nn_status nn_checkpoint_get(const nn_checkpoint * checkpoint, const char * name, nn_ck_dtype dtype,
                            void * out, size_t count);

/** Typed forms of nn_checkpoint_get. */
nn_status nn_checkpoint_get_f32(const nn_checkpoint * checkpoint, const char * name, float * out,
                                size_t count);
nn_status nn_checkpoint_get_f64(const nn_checkpoint * checkpoint, const char * name, double * out,
                                size_t count);
nn_status nn_checkpoint_get_u64(const nn_checkpoint * checkpoint, const char * name, uint64_t * out,
                                size_t count);
nn_status nn_checkpoint_get_u8(const nn_checkpoint * checkpoint, const char * name, uint8_t * out,
                               size_t count);
