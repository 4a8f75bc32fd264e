// wav-read.h: a small RIFF/WAVE reader for the Node-free tools (the app reads audio in
// TypeScript; nn_core has no file reader). Reads PCM 16/24/32-bit and IEEE float 32/64-bit,
// plain or WAVE_FORMAT_EXTENSIBLE, any channel count, and mixes the channels to mono by their
// mean (as the app's loader does for a stereo clip).
// defines: wav_mono, wav_read_mono
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct wav_mono {
    std::vector<float> samples; // mono, in [-1, 1] for integer PCM
    uint32_t           rate     = 0;
    uint16_t           channels = 0; // of the file, before the mix
    uint16_t           bits     = 0;
    bool               is_float = false;
};

/** Reads path into *out; false with a one-line reason in *error when the file is not a WAV this
 * reader handles. */
bool wav_read_mono(const std::string & path, wav_mono * out, std::string * error);
