// pyramid.h: the Catch-A-Waveform scale pyramid (docs/caw-spec.md §2, §1 "Noise amplitudes",
// "Ten details" #6 and #10): candidate rates, every level resampled directly from the full-rate
// signal, the first trained scale (energy / speech rules and their fallback), per-level energies
// and the noise amplitudes derived from them.
// defines: NN_CAW_FS_LIST, NN_CAW_FS_LIST_LEN, NN_CAW_SPEECH_MIN_RATE, nn_pyramid_options,
//          nn_pyramid_default_options, nn_pyramid_level, nn_pyramid, nn_pyramid_init,
//          nn_pyramid_free, nn_pyramid_samples, nn_peak_normalize, nn_std_unbiased
//
// Input: a mono float signal at Fs (TypeScript has already mixed down, cropped and resampled to
// at most init_sample_rate). Host memory only; all sums are in double.
#pragma once

#include <cstdint>

#include "nn/nn.h"
#include "nn/resample.h"

/** CAW's default candidate rates (params.fs_list), ascending, in Hz. */
constexpr size_t   NN_CAW_FS_LIST_LEN                 = 16;
constexpr uint32_t NN_CAW_FS_LIST[NN_CAW_FS_LIST_LEN] = {
    320, 400, 500, 640, 800, 1000, 1280, 1600, 2000, 2500, 4000, 8000, 10000, 12000, 14400, 16000};

/** With `speech`, levels below this rate are never trained (CAW hard-codes 500 Hz). */
constexpr uint32_t NN_CAW_SPEECH_MIN_RATE = 500;

/** An inpainting hole: samples [start, end) of the full-rate signal (docs/caw-spec.md §4
 * "Inpainting"). */
struct nn_hole {
    size_t start, end;
};

/** Most holes a pyramid (and an inpainting run) takes. */
constexpr size_t NN_MAX_HOLES = 16;

/** A full-rate index h at a level of `rate` Hz: floor(h * rate / Fs), exact in integers (the
 * reference's int(h / (Fs / f)) in float64, equal but for rounding at exact multiples). */
size_t nn_hole_index(size_t h, uint32_t rate, uint32_t Fs);

/** How to build a pyramid. nn_pyramid_default_options gives CAW's defaults (in brackets). */
struct nn_pyramid_options {
    const uint32_t * fs_list;           // candidate rates, strictly ascending, > 0 [NN_CAW_FS_LIST]
    size_t           fs_count;          // entries in fs_list [NN_CAW_FS_LIST_LEN]
    bool             speech;            // skip levels < 500 Hz, no energy rule [false]
    bool             energy_rule;       // set_first_scale_by_energy (ignored for speech) [true]
    double           min_energy;        // min_energy_th: mean(x_k^2) a first level needs [0.0025]
    double           initial_noise_amp; // the first trained level's amp [1]
    double           noise_amp_factor;  // later levels: factor * sqrt(max(0, dE)) [0.01]
    bool             peak_normalize;    // x /= max|x| before anything else [true]
    nn_sinc_mode     sinc_mode;         // resampler placement [NN_SINC_MODE_LIBROSA]
    const nn_hole *  holes;             // inpainting: zeroed after step 1, and every level's
    size_t           hole_count;        // energy skips them (nn_hole_index) [null, 0]
};

/** Fills options with the defaults listed in nn_pyramid_options. */
void nn_pyramid_default_options(nn_pyramid_options * options);

/** One candidate level. Levels before nn_pyramid::first are built but not trained. */
struct nn_pyramid_level {
    uint32_t rate;    // Hz: Python's int(Fs / (Fs / f)) in double, = f except rare rounding
                      // (Fs 15000, f 14400 gives 14399, as the reference)
    size_t length;    // samples: N at rate Fs, else ceil(N * rate / Fs) (librosa)
    size_t offset;    // index of the level's first sample in nn_pyramid::samples
    double energy;    // mean(x_k^2) over the level's samples
    double noise_amp; // trained levels only (0 before `first`), see nn_pyramid_init
};

/**
 * The pyramid: candidate levels in ascending rate (the last one is Fs), all samples in one
 * buffer, and the index of the first trained level. Trained scale s (0 = coarsest) is
 * levels[first + s]; there are count - first of them.
 */
struct nn_pyramid {
    nn_pyramid_level * levels;
    size_t             count;           // candidate levels (fs_list entries <= Fs, plus Fs)
    size_t             first;           // first trained level
    bool               energy_fallback; // no level passed the rules: restarted at the third entry
    uint32_t           Fs;              // input rate
    float              norm_factor;     // max|x| of the input (1 when !peak_normalize)
    float *            samples;         // (sum of level lengths), level k at levels[k].offset
    size_t             total;           // floats in samples
};

/**
 * Builds the pyramid of x (N samples at Fs Hz) as CAW's train_main / create_input_signals do:
 *  1. peak normalisation (options->peak_normalize): x / max|x| in float32 (numpy's division);
 *     an all-zero x is an error;
 *  2. rates: the fs_list entries <= Fs, plus Fs appended unless it is already the last entry;
 *     each is converted as Python's int(Fs / (Fs / f)) in double;
 *  3. level k: the normalised x itself at rate Fs, else resample_sinc_cpu(x, rate_k / Fs,
 *     sinc_mode) of length ceil(N * rate_k / Fs): always from the full-rate signal;
 *  4. first trained level: the first level that is not skipped, where speech skips rate < 500
 *     and (non-speech with energy_rule) skips energy < min_energy; once one level passes, every
 *     later level is kept. If none passes, the energy rule is switched off and the rules are
 *     re-applied from the THIRD entry on (the reference's `scales[2:]`, 500 Hz with the default
 *     list; energy_fallback = true); if that still leaves nothing (fewer than 3 levels, or
 *     speech with Fs < 500) it is an error;
 *  5. noise amps over trained levels, with E the level energies: levels[first] gets
 *     initial_noise_amp; level k > first gets noise_amp_factor * sqrt(max(0, E_k - E_{k-1})),
 *     where a negative difference gives 0 (the reference's max(0, NaN) = 0). Like the reference
 *     the sqrt and product are taken in float32 (torch.Tensor([dE])) and widened to double.
 *     The second trained scale's std-matched amp (add_cond_noise) depends on the trained model
 *     and is set by the trainer from nn_std_unbiased of the padded reconstruction.
 * Holes (options->holes, inpainting): after step 1 the samples of every hole are set to 0 (the
 * reference zeroes them in the normalised signal), and every level's energy is the mean over
 * its valid samples only: level k drops [nn_hole_index(start), nn_hole_index(end)). Holes must
 * be ascending, non-overlapping, non-empty and inside [0, N) (checked).
 * Energies are sums in double (the reference: torch float32 mean); the threshold is compared in
 * double. x is (N), finite; Fs > 0; N large enough that every level has >= 1 sample. On failure
 * *pyramid is left empty (safe to nn_pyramid_free). NN_STATUS_OUT_OF_MEMORY on allocation
 * failure, NN_STATUS_INVALID_ARGUMENT otherwise, with a one-line reason.
 */
nn_status nn_pyramid_init(nn_pyramid * pyramid, const float * x, size_t N, uint32_t Fs,
                          const nn_pyramid_options * options);

/** Releases everything; *pyramid becomes empty. Safe on a zeroed or already-freed pyramid. */
void nn_pyramid_free(nn_pyramid * pyramid);

/** The samples of level k ((levels[k].length) floats), or null for k >= count. */
const float * nn_pyramid_samples(const nn_pyramid * pyramid, size_t k);

/**
 * In place x[i] = x[i] / max|x| in float32; *norm_factor (when non-null) receives max|x|.
 * x is (N). Fails on N == 0, a non-finite sample or an all-zero signal (nothing to normalise).
 */
nn_status nn_peak_normalize(float * x, size_t N, float * norm_factor);

/**
 * torch.std's default: the unbiased standard deviation sqrt(sum (x - mean)^2 / (n - 1)), two
 * passes in double. x is (n). NaN for n < 2 (as torch) or a null x with n > 0.
 */
double nn_std_unbiased(const float * x, size_t n);
