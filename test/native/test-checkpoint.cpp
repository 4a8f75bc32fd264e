// test-checkpoint.cpp: the resume checkpoint format's cases (nn/checkpoint.h); host-side files,
// so CPU only.
//   test   CRC-32 check value, bit-exact round trip of f32/f64/u64/u8 blobs (incl. an RNG state
//          that resumes its sequence), the byte layout, identical bytes for identical content,
//          every corruption class (truncation at many points, trailing bytes, flipped bytes,
//          wrong magic, newer/zero version, hand-crafted bad tables with a valid CRC), failed
//          saves leaving the old file intact (tmp is a directory, parent is a file, disk full via
//          /dev/full, rename onto a directory), getter and writer argument checks

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "nn/checkpoint.h"
#include "nn/nn.h"
#include "nn/rng.h"
#include "test-common.h"
#include "test-registry.h"

namespace fs = std::filesystem;

namespace {

fs::path g_dir; // a fresh directory per case (in_temp_dir)

/** fn run with g_dir fresh and empty, removed afterwards. */
std::function<void()> in_temp_dir(void (*fn)()) {
    return [fn] {
        g_dir = fs::temp_directory_path() / "nn-test-checkpoint";
        std::error_code ec;
        fs::remove_all(g_dir, ec);
        fs::create_directories(g_dir);
        fn();
        fs::remove_all(g_dir, ec);
    };
}

std::vector<uint8_t> read_bytes(const fs::path & p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path & p, const std::vector<uint8_t> & b) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(b.data()), static_cast<std::streamsize>(b.size()));
}

bool has(const char * needle) {
    return std::string(nn_last_error()).find(needle) != std::string::npos;
}

uint64_t rd64(const std::vector<uint8_t> & b, size_t at) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
    }
    return v;
}
uint32_t rd32(const std::vector<uint8_t> & b, size_t at) {
    return static_cast<uint32_t>(rd64(b, at) & 0xFFFFFFFFu);
}
void wr64(std::vector<uint8_t> & b, size_t at, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        b[at + i] = static_cast<uint8_t>(v >> (8 * i));
    }
}
void wr32(std::vector<uint8_t> & b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        b[at + i] = static_cast<uint8_t>(v >> (8 * i));
    }
}
// Recomputes the trailing CRC so structural checks (not the CRC) are what fail.
void fix_crc(std::vector<uint8_t> & b) {
    wr32(b, b.size() - 4, nn_crc32(0, b.data(), b.size() - 4));
}

// The test content: several dtypes, odd sizes, special float bit patterns, an RNG state.
struct content {
    std::vector<float>    weights;
    std::vector<double>   amps;
    std::vector<uint64_t> counters;
    uint8_t               rng_image[NN_RNG_STATE_BYTES];
    nn_rng                rng;
    std::string           long_name;
};

content make_content() {
    content c;
    c.weights.resize(1001);
    fill_uniform(c.weights, 11, -3.0, 3.0);
    c.weights[0] = -0.0f;
    c.weights[1] = 1e-42f; // subnormal
    c.weights[2] = INFINITY;
    c.weights[3] = NAN; // bit patterns survive, whatever they are
    c.amps       = {1.0, 0.1496, 1.6e-4, 8.8e-4, 0.0};
    c.counters   = {2000, 1333, UINT64_MAX, 0};
    nn_rng_init_stream(&c.rng, 7, 3, NN_RNG_PURPOSE_NOISE);
    for (int i = 0; i < 5; i++) {
        nn_rng_normal(&c.rng); // odd count: the cached normal is set
    }
    nn_rng_serialize(&c.rng, c.rng_image);
    c.long_name = std::string(63, 'n');
    return c;
}

void add_content(nn_checkpoint_writer & w, const content & c) {
    CHECK(nn_checkpoint_writer_init(&w) == NN_STATUS_OK);
    CHECK(nn_checkpoint_writer_add(&w, "g.params", NN_CK_F32, c.weights.data(), c.weights.size()) ==
          NN_STATUS_OK);
    CHECK(nn_checkpoint_writer_add(&w, "noise_amps", NN_CK_F64, c.amps.data(), c.amps.size()) ==
          NN_STATUS_OK);
    CHECK(nn_checkpoint_writer_add(&w, "counters", NN_CK_U64, c.counters.data(),
                                   c.counters.size()) == NN_STATUS_OK);
    CHECK(nn_checkpoint_writer_add(&w, "empty", NN_CK_F32, nullptr, 0) == NN_STATUS_OK);
    CHECK(nn_checkpoint_writer_add(&w, "rng.noise.3", NN_CK_U8, c.rng_image, NN_RNG_STATE_BYTES) ==
          NN_STATUS_OK);
    const float one = 0.5f;
    CHECK(nn_checkpoint_writer_add(&w, c.long_name.c_str(), NN_CK_F32, &one, 1) == NN_STATUS_OK);
}

// ----------------------------------------------------------------------------

void test_crc32() {
    CHECK(nn_crc32(0, "123456789", 9) == 0xCBF43926u);
    CHECK(nn_crc32(0, nullptr, 0) == 0u);
    CHECK(nn_crc32(0, "a", 1) == 0xE8B7BE43u);
    const uint32_t part = nn_crc32(0, "12345", 5);
    CHECK(nn_crc32(part, "6789", 4) == 0xCBF43926u);
}

void test_round_trip() {
    const content        c = make_content();
    nn_checkpoint_writer w = {};
    add_content(w, c);
    const fs::path path = g_dir / "round.ck";
    CHECK(nn_checkpoint_writer_save(&w, path.string().c_str()) == NN_STATUS_OK);
    CHECK(nn_last_error()[0] == '\0');
    CHECK(!fs::exists(path.string() + ".tmp"));

    nn_checkpoint ck = {};
    CHECK(nn_checkpoint_load(&ck, path.string().c_str()) == NN_STATUS_OK);
    CHECK(ck.version == NN_CHECKPOINT_VERSION && ck.count == 6);
    const char * names[] = {"g.params", "noise_amps", "counters", "empty", "rng.noise.3"};
    for (size_t i = 0; i < 5; i++) {
        CHECK(std::strcmp(ck.entries[i].name, names[i]) == 0); // insertion order
        CHECK(ck.entries[i].offset % NN_CHECKPOINT_ALIGN == 0);
    }
    std::vector<float> weights(c.weights.size(), 0.0f);
    CHECK(nn_checkpoint_get_f32(&ck, "g.params", weights.data(), weights.size()) == NN_STATUS_OK);
    CHECK(std::memcmp(weights.data(), c.weights.data(), weights.size() * sizeof(float)) == 0);
    std::vector<double> amps(c.amps.size());
    CHECK(nn_checkpoint_get_f64(&ck, "noise_amps", amps.data(), amps.size()) == NN_STATUS_OK);
    CHECK(std::memcmp(amps.data(), c.amps.data(), amps.size() * sizeof(double)) == 0);
    std::vector<uint64_t> counters(c.counters.size());
    CHECK(nn_checkpoint_get_u64(&ck, "counters", counters.data(), counters.size()) == NN_STATUS_OK);
    CHECK(counters == c.counters);
    CHECK(nn_checkpoint_get_f32(&ck, "empty", nullptr, 0) == NN_STATUS_OK);
    float one = 0.0f;
    CHECK(nn_checkpoint_get_f32(&ck, c.long_name.c_str(), &one, 1) == NN_STATUS_OK && one == 0.5f);

    // The RNG resumes its exact sequence, cached normal included.
    uint8_t image[NN_RNG_STATE_BYTES];
    CHECK(nn_checkpoint_get_u8(&ck, "rng.noise.3", image, sizeof(image)) == NN_STATUS_OK);
    nn_rng resumed = {}, original = c.rng;
    CHECK(nn_rng_deserialize(&resumed, image) == NN_STATUS_OK);
    CHECK(resumed.has_normal == 1);
    for (int i = 0; i < 9; i++) {
        const double a = nn_rng_normal(&original), b = nn_rng_normal(&resumed);
        CHECK(std::memcmp(&a, &b, sizeof(double)) == 0);
    }

    // find / get errors.
    CHECK(nn_checkpoint_find(&ck, "nope") == nullptr);
    CHECK(nn_checkpoint_find(&ck, "counters") == &ck.entries[2]);
    CHECK(nn_checkpoint_get_f32(&ck, "nope", weights.data(), 1) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("no entry 'nope'"));
    CHECK(nn_checkpoint_get_f64(&ck, "g.params", amps.data(), 1) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("is f32, expected f64"));
    CHECK(nn_checkpoint_get_f32(&ck, "g.params", weights.data(), 1000) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("1001 elements, expected 1000"));
    CHECK(nn_checkpoint_get_u8(&ck, "rng.noise.3", nullptr, 48) == NN_STATUS_INVALID_ARGUMENT);
    nn_checkpoint_free(&ck);
    CHECK(ck.data == nullptr && ck.entries == nullptr && ck.count == 0);
    nn_checkpoint_free(&ck);

    // The byte layout of nn/checkpoint.h.
    const std::vector<uint8_t> b = read_bytes(path);
    CHECK(std::memcmp(b.data(), "EUREKACK", 8) == 0);
    CHECK(rd32(b, 8) == 1 && rd32(b, 12) == 6 && rd64(b, 16) == b.size() && rd64(b, 24) == 0);
    const size_t table_end = 32 + 6 * 96;
    const size_t first     = rd64(b, 32 + 80);
    CHECK(first == 640); // align_up(608)
    bool padding_zero = true;
    for (size_t i = table_end; i < first; i++) {
        padding_zero = padding_zero && b[i] == 0;
    }
    CHECK(padding_zero);
    CHECK(std::memcmp(b.data() + first, c.weights.data(), 4 * c.weights.size()) == 0);
    CHECK(rd32(b, b.size() - 4) == nn_crc32(0, b.data(), b.size() - 4));

    // Determinism: the same content, saved twice and by a second writer, gives the same bytes.
    const fs::path again = g_dir / "again.ck";
    CHECK(nn_checkpoint_writer_save(&w, again.string().c_str()) == NN_STATUS_OK);
    CHECK(read_bytes(again) == b);
    nn_checkpoint_writer w2 = {};
    add_content(w2, c);
    const fs::path third = g_dir / "third.ck";
    CHECK(nn_checkpoint_writer_save(&w2, third.string().c_str()) == NN_STATUS_OK);
    CHECK(read_bytes(third) == b);
    nn_checkpoint_writer_free(&w2);

    // load_memory validates the same bytes.
    CHECK(nn_checkpoint_load_memory(&ck, b.data(), b.size()) == NN_STATUS_OK && ck.count == 6);
    nn_checkpoint_free(&ck);

    // An empty checkpoint is valid.
    nn_checkpoint_writer none = {};
    nn_checkpoint_writer_init(&none);
    const fs::path empty = g_dir / "empty.ck";
    CHECK(nn_checkpoint_writer_save(&none, empty.string().c_str()) == NN_STATUS_OK);
    CHECK(fs::file_size(empty) == 36);
    CHECK(nn_checkpoint_load(&ck, empty.string().c_str()) == NN_STATUS_OK && ck.count == 0);
    nn_checkpoint_free(&ck);
    nn_checkpoint_writer_free(&none);
    nn_checkpoint_writer_free(&w);
    CHECK(w.blobs == nullptr && w.count == 0);
}

// Expects bytes to be refused with a message containing needle; the output stays empty.
void expect_refused(const std::vector<uint8_t> & bytes, const char * needle, int line) {
    nn_checkpoint   ck = {};
    const nn_status st = nn_checkpoint_load_memory(&ck, bytes.data(), bytes.size());
    CHECK_MSG(st == NN_STATUS_INVALID_ARGUMENT && has(needle), "line %d: status %d, error '%s'",
              line, static_cast<int>(st), nn_last_error());
    CHECK(ck.data == nullptr && ck.entries == nullptr && ck.count == 0);
}
#define REFUSED(bytes, needle) expect_refused(bytes, needle, __LINE__)

void test_corruption() {
    const content        c = make_content();
    nn_checkpoint_writer w = {};
    add_content(w, c);
    const fs::path path = g_dir / "good.ck";
    CHECK(nn_checkpoint_writer_save(&w, path.string().c_str()) == NN_STATUS_OK);
    nn_checkpoint_writer_free(&w);
    const std::vector<uint8_t> good = read_bytes(path);
    const size_t               n    = good.size();
    const size_t               e1   = 32 + 96; // second table entry ("noise_amps")

    // Truncated anywhere, including inside the magic, the table, a blob and the CRC.
    for (size_t cut : {size_t(0), size_t(5), size_t(8), size_t(20), size_t(35), size_t(36),
                       size_t(200), size_t(700), n / 2, n - 5, n - 1}) {
        std::vector<uint8_t> t(good.begin(), good.begin() + static_cast<long>(cut));
        REFUSED(t, "truncated");
    }
    std::vector<uint8_t> longer = good;
    longer.push_back(0);
    REFUSED(longer, "trailing bytes");

    // One flipped bit in a blob, in the table, in the CRC itself.
    for (size_t at : {size_t(700), e1 + 3, n - 2}) {
        std::vector<uint8_t> f = good;
        f[at] ^= 0x10;
        REFUSED(f, "CRC mismatch");
    }
    std::vector<uint8_t> magic = good;
    magic[3]                   = 'X';
    REFUSED(magic, "bad magic");
    std::vector<uint8_t> newer = good;
    wr32(newer, 8, NN_CHECKPOINT_VERSION + 1);
    fix_crc(newer);
    REFUSED(newer, "newer than this build");
    std::vector<uint8_t> zero_version = good;
    wr32(zero_version, 8, 0);
    REFUSED(zero_version, "is invalid");

    // Hand-crafted tables with a valid CRC: each structural check on its own.
    struct craft {
        const char * needle;
        void (*edit)(std::vector<uint8_t> &, size_t e1);
    };
    const craft crafts[] = {
        {"overlap", [](std::vector<uint8_t> & b, size_t e) { wr64(b, e + 80, rd64(b, 32 + 80)); }},
        {"outside the data area",
         [](std::vector<uint8_t> & b, size_t e) { wr64(b, e + 80, b.size() / 64 * 64 + 64); }},
        {"outside the data area", [](std::vector<uint8_t> & b, size_t e) { wr64(b, e + 80, 64); }},
        {"misaligned",
         [](std::vector<uint8_t> & b, size_t e) { wr64(b, e + 80, rd64(b, e + 80) + 8); }},
        {"outside the data area",
         [](std::vector<uint8_t> & b, size_t e) { wr64(b, e + 72, 1ull << 62); }},
        {"outside the data area",
         [](std::vector<uint8_t> & b, size_t e) { wr64(b, e + 72, 100000); }},
        {"unknown dtype 9", [](std::vector<uint8_t> & b, size_t e) { wr32(b, e + 64, 9); }},
        {"reserved", [](std::vector<uint8_t> & b, size_t e) { wr32(b, e + 68, 1); }},
        {"reserved", [](std::vector<uint8_t> & b, size_t) { wr64(b, 24, 1); }},
        {"appears twice",
         [](std::vector<uint8_t> & b, size_t e) { std::memcpy(&b[e], "g.params\0\0\0", 11); }},
        {"empty name", [](std::vector<uint8_t> & b, size_t e) { b[e] = 0; }},
        {"unterminated name",
         [](std::vector<uint8_t> & b, size_t e) { std::memset(&b[e], 'a', 64); }},
        {"not NUL-padded", [](std::vector<uint8_t> & b, size_t e) { b[e + 40] = 'z'; }},
        {"does not fit", [](std::vector<uint8_t> & b, size_t) { wr32(b, 12, 1000000); }},
    };
    for (const craft & cr : crafts) {
        std::vector<uint8_t> b = good;
        cr.edit(b, e1);
        fix_crc(b);
        REFUSED(b, cr.needle);
    }

    // Through the file API: the path leads the message.
    std::vector<uint8_t> flipped = good;
    flipped[n / 2] ^= 1;
    const fs::path bad = g_dir / "bad.ck";
    write_bytes(bad, flipped);
    nn_checkpoint ck = {};
    CHECK(nn_checkpoint_load(&ck, bad.string().c_str()) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("bad.ck': CRC mismatch"));
    CHECK(nn_checkpoint_load(&ck, (g_dir / "missing.ck").string().c_str()) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("cannot open"));
    CHECK(ck.data == nullptr);
}

void test_atomic_save() {
    const content        c = make_content();
    nn_checkpoint_writer a = {}, b = {};
    add_content(a, c);
    nn_checkpoint_writer_init(&b);
    const double other[] = {42.0};
    nn_checkpoint_writer_add(&b, "other", NN_CK_F64, other, 1);

    const fs::path    path = g_dir / "atomic.ck";
    const std::string tmp  = path.string() + ".tmp";
    CHECK(nn_checkpoint_writer_save(&a, path.string().c_str()) == NN_STATUS_OK);
    const std::vector<uint8_t> original = read_bytes(path);

    // 1. The temporary file cannot be created (a directory sits at <path>.tmp).
    fs::create_directory(tmp);
    CHECK(nn_checkpoint_writer_save(&b, path.string().c_str()) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("cannot create"));
    CHECK(read_bytes(path) == original);
    fs::remove(tmp);

    // 2. A path whose parent is a regular file (the checkpoint itself).
    const fs::path below = path / "inner.ck";
    CHECK(nn_checkpoint_writer_save(&b, below.string().c_str()) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("inner.ck.tmp"));
    CHECK(read_bytes(path) == original);

#if defined(__linux__)
    // 3. The disk fills up mid-write: <path>.tmp is a link to /dev/full (ENOSPC on flush).
    if (fs::exists("/dev/full")) {
        fs::create_symlink("/dev/full", tmp);
        CHECK(nn_checkpoint_writer_save(&b, path.string().c_str()) == NN_STATUS_INVALID_ARGUMENT);
        CHECK(has("cannot write"));
        CHECK(read_bytes(path) == original);
        CHECK(!fs::exists(fs::symlink_status(tmp))); // the temporary is cleaned up
    } else {
        std::printf("note: /dev/full missing, disk-full case not run\n");
    }
#endif

    // 4. The replace itself fails (the target is a non-empty directory): tmp is removed.
    const fs::path dir_target = g_dir / "is-a-dir";
    fs::create_directories(dir_target / "child");
    CHECK(nn_checkpoint_writer_save(&b, dir_target.string().c_str()) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("cannot replace"));
    CHECK(!fs::exists(dir_target.string() + ".tmp"));
    CHECK(fs::is_directory(dir_target / "child"));

    // 5. A successful save replaces the old content completely.
    CHECK(nn_checkpoint_writer_save(&b, path.string().c_str()) == NN_STATUS_OK);
    nn_checkpoint ck = {};
    CHECK(nn_checkpoint_load(&ck, path.string().c_str()) == NN_STATUS_OK);
    CHECK(ck.count == 1 && nn_checkpoint_find(&ck, "g.params") == nullptr);
    double got = 0.0;
    CHECK(nn_checkpoint_get_f64(&ck, "other", &got, 1) == NN_STATUS_OK && got == 42.0);
    nn_checkpoint_free(&ck);
    CHECK(!fs::exists(tmp));
    nn_checkpoint_writer_free(&a);
    nn_checkpoint_writer_free(&b);
}

void test_writer_checks() {
    nn_checkpoint_writer w = {};
    nn_checkpoint_writer_init(&w);
    const float x[2] = {1.0f, 2.0f};
    CHECK(nn_checkpoint_writer_add(&w, "", NN_CK_F32, x, 2) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_checkpoint_writer_add(&w, std::string(64, 'x').c_str(), NN_CK_F32, x, 2) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("expected 1..63"));
    CHECK(nn_checkpoint_writer_add(&w, nullptr, NN_CK_F32, x, 2) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_checkpoint_writer_add(&w, "x", static_cast<nn_ck_dtype>(0), x, 2) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("unknown dtype"));
    CHECK(nn_checkpoint_writer_add(&w, "x", NN_CK_F32, nullptr, 2) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_checkpoint_writer_add(&w, "x", NN_CK_F64, x, SIZE_MAX / 4) ==
          NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_checkpoint_writer_add(&w, "x", NN_CK_F32, x, 2) == NN_STATUS_OK);
    CHECK(nn_checkpoint_writer_add(&w, "x", NN_CK_U8, x, 1) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(has("already added"));
    CHECK(w.count == 1);
    // Many blobs: the list grows; the copy is taken at add time.
    float scratch = 0.0f;
    for (int i = 0; i < 40; i++) {
        scratch             = static_cast<float>(i);
        const std::string n = "b" + std::to_string(i);
        CHECK(nn_checkpoint_writer_add(&w, n.c_str(), NN_CK_F32, &scratch, 1) == NN_STATUS_OK);
    }
    const fs::path path = g_dir / "many.ck";
    CHECK(nn_checkpoint_writer_save(&w, path.string().c_str()) == NN_STATUS_OK);
    nn_checkpoint ck = {};
    CHECK(nn_checkpoint_load(&ck, path.string().c_str()) == NN_STATUS_OK && ck.count == 41);
    float v = -1.0f;
    CHECK(nn_checkpoint_get_f32(&ck, "b17", &v, 1) == NN_STATUS_OK && v == 17.0f);
    nn_checkpoint_free(&ck);
    CHECK(nn_checkpoint_writer_save(&w, "") == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_checkpoint_writer_save(nullptr, path.string().c_str()) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_checkpoint_load(nullptr, path.string().c_str()) == NN_STATUS_INVALID_ARGUMENT);
    CHECK(nn_checkpoint_load_memory(&ck, nullptr, 10) == NN_STATUS_INVALID_ARGUMENT);
    nn_checkpoint_writer_free(&w);
    nn_checkpoint_writer_free(&w);
    nn_checkpoint_writer_free(nullptr);
    CHECK(nn_ck_dtype_size(NN_CK_F32) == 4 && nn_ck_dtype_size(NN_CK_F64) == 8 &&
          nn_ck_dtype_size(NN_CK_U64) == 8 && nn_ck_dtype_size(NN_CK_U8) == 1 &&
          nn_ck_dtype_size(static_cast<nn_ck_dtype>(5)) == 0);
}

} // namespace

NN_TEST_CASES(checkpoint) {
    cases.values("CRC-32", in_temp_dir(test_crc32));
    cases.values("round trip and byte layout", in_temp_dir(test_round_trip));
    cases.values("corruption classes", in_temp_dir(test_corruption));
    cases.values("atomic save", in_temp_dir(test_atomic_save));
    cases.values("getter and writer checks", in_temp_dir(test_writer_checks));
}
