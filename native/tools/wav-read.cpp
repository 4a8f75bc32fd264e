// wav-read.cpp: see wav-read.h. Little-endian fields read byte by byte, so the reader works on
// any host; chunks are walked by their sizes (padded to even lengths, as RIFF requires).

#include "wav-read.h"

#include <cstdio>
#include <cstring>

namespace {

uint32_t le32(const unsigned char * p) {
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
           (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint16_t le16(const unsigned char * p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

bool fail(std::string * error, const std::string & path, const std::string & why) {
    if (error != nullptr)
        *error = path + ": " + why;
    return false;
}

// One sample of the given format at p as a float (integers scaled to [-1, 1)).
float sample_at(const unsigned char * p, uint16_t bits, bool is_float) {
    if (is_float) {
        if (bits == 32) {
            const uint32_t u = le32(p);
            float          f;
            std::memcpy(&f, &u, sizeof f);
            return f;
        }
        const uint64_t u =
            static_cast<uint64_t>(le32(p)) | (static_cast<uint64_t>(le32(p + 4)) << 32);
        double d;
        std::memcpy(&d, &u, sizeof d);
        return static_cast<float>(d);
    }
    switch (bits) {
        case 16: return static_cast<float>(static_cast<int16_t>(le16(p))) / 32768.0f;
        case 24: {
            const int32_t v = static_cast<int32_t>((static_cast<uint32_t>(p[0]) << 8) |
                                                   (static_cast<uint32_t>(p[1]) << 16) |
                                                   (static_cast<uint32_t>(p[2]) << 24)) >>
                              8;
            return static_cast<float>(v) / 8388608.0f;
        }
        default:
            return static_cast<float>(static_cast<double>(static_cast<int32_t>(le32(p))) /
                                      2147483648.0);
    }
}

} // namespace

bool wav_read_mono(const std::string & path, wav_mono * out, std::string * error) {
    FILE * f = std::fopen(path.c_str(), "rb");
    if (f == nullptr)
        return fail(error, path, "cannot open");
    std::vector<unsigned char> bytes;
    unsigned char              buf[1 << 16];
    size_t                     n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
        bytes.insert(bytes.end(), buf, buf + n);
    std::fclose(f);
    if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 ||
        std::memcmp(bytes.data() + 8, "WAVE", 4) != 0) {
        return fail(error, path, "not a RIFF/WAVE file");
    }
    uint16_t              format = 0, channels = 0, bits = 0;
    uint32_t              rate      = 0;
    const unsigned char * data      = nullptr;
    size_t                data_size = 0;
    size_t                pos       = 12;
    while (pos + 8 <= bytes.size()) {
        const unsigned char * chunk = bytes.data() + pos;
        const size_t          size  = le32(chunk + 4);
        const size_t          avail = bytes.size() - pos - 8;
        if (std::memcmp(chunk, "fmt ", 4) == 0) {
            if (size < 16 || size > avail)
                return fail(error, path, "short fmt chunk");
            format   = le16(chunk + 8);
            channels = le16(chunk + 10);
            rate     = le32(chunk + 12);
            bits     = le16(chunk + 22);
            if (format ==
                0xFFFE) { // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the tag
                if (size < 40)
                    return fail(error, path, "short extensible fmt chunk");
                format = le16(chunk + 8 + 24);
            }
        } else if (std::memcmp(chunk, "data", 4) == 0) {
            data      = chunk + 8;
            data_size = size < avail ? size : avail; // a truncated file: take what is there
            break;
        }
        pos += 8 + size + (size & 1);
    }
    if (format == 0)
        return fail(error, path, "no fmt chunk before the data");
    if (data == nullptr)
        return fail(error, path, "no data chunk");
    const bool is_float = format == 3;
    if (!(format == 1 && (bits == 16 || bits == 24 || bits == 32)) &&
        !(is_float && (bits == 32 || bits == 64))) {
        return fail(error, path,
                    "unsupported format " + std::to_string(format) + " with " +
                        std::to_string(bits) + " bits (PCM 16/24/32 or float 32/64 only)");
    }
    if (channels == 0 || rate == 0)
        return fail(error, path, "zero channels or rate");
    const size_t frame  = static_cast<size_t>(channels) * (bits / 8);
    const size_t frames = data_size / frame;
    if (frames == 0)
        return fail(error, path, "no samples");
    out->samples.assign(frames, 0.0f);
    for (size_t i = 0; i < frames; i++) {
        double sum = 0.0;
        for (uint16_t c = 0; c < channels; c++) {
            sum += sample_at(data + i * frame + c * (bits / 8), bits, is_float);
        }
        out->samples[i] = static_cast<float>(sum / channels);
    }
    out->rate     = rate;
    out->channels = channels;
    out->bits     = bits;
    out->is_float = is_float;
    return true;
}
