// test-stft.cpp: the STFT magnitude's cases (nn/stft.h, cpu/stft-impl.h).
//   test   torch.stft golden values (torch 1.13, float64), the templated loops in double against a
//          direct O(N * n_fft^2) computation written independently (explicit reflect-padded
//          signal, window, DFT) for odd T and win < n_fft, a sine at a bin frequency peaking at
//          its bin, float entry points vs double with NaN-poisoned outputs, bitwise determinism
//          across thread counts, argument checks
//   grad   finite differences of the backward in double
// The device kernels (cuda/stft.cu) are checked in test-stft-dev.cpp (sim, cuda).

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/parallel.h"
#include "cpu/stft-impl.h"
#include "nn/nn.h"
#include "nn/stft.h"
#include "test-common.h"
#include "test-registry.h"

namespace {

/** Double loops vs the direct double computation (rounding only; ~1e-31 observed). */
constexpr double STFT_DOUBLE_MAX_NMSE = 1e-24;
/** Float entry points vs the double loops (~1e-13 observed). */
constexpr double STFT_FLOAT_MAX_NMSE = 1e-11;

const double TWO_PI = 6.283185307179586476925286766559;

struct stft_config {
    size_t n_fft, hop, win;
};

// Golden values: torch.stft(x, n_fft, hop, win_length=win, window=torch.hann_window(win),
// return_complex=True).abs() in float64 (torch 1.13), x[t] = golden_signal(t), (F, N) row-major.
double golden_signal(size_t t) {
    const double s = static_cast<double>(t);
    return std::sin(0.37 * s) + 0.5 * std::cos(1.3 * s + 0.2) + 0.25 * std::sin(0.05 * s * s);
}

const double GOLDEN_T23_16_3_11[9 * 8] = {
    2.8790065589259695,   4.1869545652458164,   4.4340256765679049,    0.041459470872301618,
    3.789406959492795,    3.319695430667478,    0.81219108594119649,   3.9136186931088179,
    1.7443081939347593,   3.2612590046506913,   4.0940689999079067,    2.2253635120533515,
    3.3458836561418122,   2.8194444403815329,   2.2410314022333373,    3.1740308566841784,
    0.1774801347464518,   1.7877286249640605,   3.1495959921123378,    1.7344441349158433,
    2.3103839632717,      1.3070904047966991,   2.5003032652534403,    1.7494368095713542,
    0.34687428778728707,  1.459333206902425,    2.0115009867924014,    0.21264896471984648,
    1.3598835657793387,   0.32169281407294154,  1.4856478622999738,    1.5795068928853035,
    0.68124739172429893,  1.0630984611362631,   1.116009988640102,     1.0074798997231542,
    0.81641140320574312,  0.72300941492676318,  0.62359322958532915,   1.3857914072484605,
    0.44619206124297783,  0.47117379876266735,  0.47401144882037682,   0.5165241398399385,
    0.43144520417365861,  0.34295519591950863,  0.25676583278008547,   0.68944526331903633,
    0.072689253303139342, 0.12741334054315187,  0.065291727269153957,  0.044045609783868116,
    0.11011240484188217,  0.11662960428875904,  0.26916606077781757,   0.23637485570608102,
    0.14411777647120302,  0.050225196763120594, 0.030180727763492021,  0.025415277053715199,
    0.027809864065690561, 0.026776706754706087, 0.13371327066453673,   0.27854588197342123,
    0.10206902298650222,  0.056152782120306721, 0.0095161017767173561, 0.013727567081701197,
    0.007565409921503452, 0.015197161508718304, 0.071897960695272045,  0.32326353223122517};

const double GOLDEN_T37_32_5_32[17 * 8] = {
    8.5097839075331372,   5.3721480601412583,   0.85478263361877116,  0.13098874080607681,
    0.31313265550893643,  0.14166532779629737,  2.6644949674221321,   4.9873120899472001,
    7.3889133331413586,   7.3164301723019562,   5.6084321921776583,   4.7051098296696194,
    4.697347606890439,    4.8818992561275811,   4.3601396323912667,   1.7640109466739438,
    0.20851266883554906,  5.2069578119564763,   8.0425415590314167,   8.146769091197049,
    7.9180002563454153,   7.7141504691681027,   6.5133266947501873,   5.2269314167482381,
    5.5157050814542004,   5.1547962793443922,   3.8821116756232326,   3.0073075495010633,
    3.2797109080246152,   3.5259615780280389,   4.5345695099760723,   5.3590249486066552,
    3.3056383279427841,   2.5638111261849605,   1.4228842777340556,   0.6091328799174035,
    0.061748840912652855, 0.3523402188792103,   0.92867420920287247,  1.7205877924075446,
    0.53357260012617014,  1.0258301895639768,   0.65538685114533157,  0.72225672751564485,
    0.71078843518417911,  0.55495860427044119,  0.96922278308193321,  0.57384523533143528,
    2.0824414773362854,   2.1108477981106382,   2.2098267351287597,   2.3247820736968725,
    2.8465419988979259,   3.0757059546662378,   2.7727432912337231,   2.3562241799059906,
    3.1279991604299351,   3.0249597021498742,   2.7025487081104655,   2.665340206702699,
    3.0541548941325707,   3.486496526678609,    3.5355084712556466,   3.4317148728996996,
    1.0846188915988595,   1.2223170673605592,   1.0381768846558357,   0.071231183855126931,
    1.1728272424527,      1.3610320911655702,   0.99758088269316592,  1.0026850510086489,
    0.19235310935428829,  0.16081100717626365,  0.48308612586326932,  1.0249440554710005,
    0.89092650069725843,  0.51149386872430347,  0.19784218638907045,  0.1802635483700718,
    0.10814136685590092,  0.049057653777904942, 0.34997815126897391,  0.77663414711483958,
    1.007865348883175,    0.73025682809709236,  0.36108565226619493,  0.034594386483031758,
    0.12667800737587231,  0.13306941294408514,  0.21136277704275963,  0.62245267211745436,
    0.95782884082642172,  0.88142988241598508,  0.38868800929980779,  0.043468098469406968,
    0.1239552936974857,   0.075921796126349389, 0.145549131264887,    0.44857838183150983,
    0.85569072145677727,  0.99322656501780238,  0.7484764236494551,   0.47883574575460702,
    0.11662902855765678,  0.099424458617214689, 0.033425283028836225, 0.27113347086212114,
    0.73817303844017368,  0.86423578227479025,  0.66015080314632102,  0.14352810778215733,
    0.11601417023914248,  0.09096665861153018,  0.033823013057351553, 0.14009120481296419,
    0.59885663922207188,  1.00190962330717,     0.7567592561919676,   0.1922319255446879,
    0.11170835533813905,  0.082890076979717994, 0.042934858437234977, 0.058758370707806581,
    0.45409772956881134,  1.2835833776552996,   1.9762844438024465,   2.1251890772038569,
    0.11289904287396446,  0.092588025132148921, 0.034806936822721124, 0.017868400680320473,
    0.38290504873644093,  1.3569821639438149,   2.5629598953134938,   3.3410009429495546};

// x = {0.3, -1.2, 0.7, 2.0, -0.4, 0.9, 1.1}, n_fft 4, hop 2, win 1: hann_window(1) is [1].
const double GOLDEN_WIN1[3 * 4] = {1.2, 1.2, 2, 0.9, 1.2, 1.2, 2, 0.9, 1.2, 1.2, 2, 0.9};

// x is (T) -> S (F, N), written from the definition with nothing shared with nn_core.
std::vector<double> direct_stft_magnitude(const std::vector<double> & x, stft_config c) {
    const size_t        T = x.size(), P = c.n_fft / 2, N = 1 + T / c.hop, F = c.n_fft / 2 + 1;
    std::vector<double> padded(T + 2 * P);
    for (size_t i = 0; i < P; i++) {
        padded[P - 1 - i] = x[i + 1];     // left: x[1], x[2], ... mirrored around x[0]
        padded[P + T + i] = x[T - 2 - i]; // right: x[T-2], x[T-3], ... around x[T-1]
    }
    std::copy(x.begin(), x.end(), padded.begin() + static_cast<std::ptrdiff_t>(P));
    std::vector<double> window(c.n_fft, 0.0);
    const size_t        left = (c.n_fft - c.win) / 2;
    for (size_t i = 0; i < c.win; i++) {
        window[left + i] = c.win == 1 ? 1.0
                                      : 0.5 * (1.0 - std::cos(TWO_PI * static_cast<double>(i) /
                                                              static_cast<double>(c.win)));
    }
    std::vector<double> S(F * N);
    for (size_t f = 0; f < N; f++) {
        for (size_t k = 0; k < F; k++) {
            double re = 0.0, im = 0.0;
            for (size_t j = 0; j < c.n_fft; j++) {
                const double a =
                    TWO_PI * static_cast<double>((j * k) % c.n_fft) / static_cast<double>(c.n_fft);
                re += window[j] * padded[f * c.hop + j] * std::cos(a);
                im -= window[j] * padded[f * c.hop + j] * std::sin(a);
            }
            S[k * N + f] = std::sqrt(re * re + im * im);
        }
    }
    return S;
}

// The templated loops in double: x (T) -> S (F, N).
std::vector<double> impl_stft_magnitude(const std::vector<double> & x, stft_config c) {
    stft_plan_impl<double> plan;
    stft_plan_build(plan, c.n_fft, c.hop, c.win, x.size());
    std::vector<double> buf(c.n_fft + 2), S(plan.bins * plan.frames);
    for (size_t f = 0; f < plan.frames; f++) {
        stft_frame_spectrum(plan, x.data(), f, buf.data());
        for (size_t k = 0; k < plan.bins; k++) {
            S[k * plan.frames + f] = std::hypot(buf[2 * k], buf[2 * k + 1]);
        }
    }
    return S;
}

// The templated backward in double: dS (F, N) -> dx (T), written.
std::vector<double> impl_stft_backward(const std::vector<double> & x,
                                       const std::vector<double> & dS, stft_config c) {
    stft_plan_impl<double> plan;
    stft_plan_build(plan, c.n_fft, c.hop, c.win, x.size());
    std::vector<double> frames(plan.frames * (c.n_fft + 2)), dpad(x.size() + c.n_fft),
        dx(x.size(), NAN);
    for (size_t f = 0; f < plan.frames; f++) {
        double * buf = frames.data() + f * (c.n_fft + 2);
        stft_frame_spectrum(plan, x.data(), f, buf);
        stft_magnitude_cotangent(plan.bins, buf, dS.data() + f, plan.frames, 1.0);
        stft_frame_backward(plan, buf);
    }
    stft_overlap_add_fold(plan, frames.data(), dpad.data(), dx.data(), false);
    return dx;
}

const stft_config CONFIGS[] = {{16, 3, 11}, {16, 4, 16}, {32, 5, 20}, {64, 7, 33},
                               {8, 1, 5},   {2, 1, 1},   {4, 2, 1},   {128, 50, 60}};
const size_t      LENGTHS[] = {65, 101, 257};

// ----------------------------------------------------------------------------
// CPU

void check_golden(const std::vector<double> & x, stft_config c, const double * want, size_t n,
                  const char * name) {
    const std::vector<double> got = impl_stft_magnitude(x, c);
    CHECK_MSG(got.size() == n, "%s: %zu values, torch has %zu", name, got.size(), n);
    if (got.size() == n) {
        const double e = nmse(got.data(), want, n);
        CHECK_MSG(e < STFT_DOUBLE_MAX_NMSE, "%s: nmse %.3g against torch.stft", name, e);
    }
    std::vector<float> xf(x.begin(), x.end()), S(n, NAN);
    nn_tensor_view     vx = nn_view_3d(xf.data(), 1, 1, xf.size());
    nn_tensor_view     vS = {};
    vS.data               = S.data();
    vS.ndim               = 2;
    vS.shape[0]           = c.n_fft / 2 + 1;
    vS.shape[1]           = nn_stft_frames(x.size(), c.hop);
    vS.strides[0]         = vS.shape[1];
    vS.strides[1]         = 1;
    CHECK(stft_magnitude_forward_cpu(&vx, &vS, c.n_fft, c.hop, c.win) == NN_STATUS_OK);
    const double e = nmse(S.data(), want, n);
    CHECK_MSG(e < STFT_FLOAT_MAX_NMSE, "%s (float): nmse %.3g against torch.stft", name, e);
}

void test_torch_golden() {
    std::vector<double> x23(23), x37(37);
    for (size_t t = 0; t < 37; t++) {
        x37[t] = golden_signal(t);
    }
    std::copy(x37.begin(), x37.begin() + 23, x23.begin());
    check_golden(x23, {16, 3, 11}, GOLDEN_T23_16_3_11, 9 * 8, "T=23 (16, 3, 11)");
    check_golden(x37, {32, 5, 32}, GOLDEN_T37_32_5_32, 17 * 8, "T=37 (32, 5, 32)");
    check_golden({0.3, -1.2, 0.7, 2.0, -0.4, 0.9, 1.1}, {4, 2, 1}, GOLDEN_WIN1, 3 * 4,
                 "T=7 (4, 2, 1)");
}

void test_double_against_direct() {
    uint64_t seed = 1;
    for (const stft_config c : CONFIGS) {
        for (const size_t T : LENGTHS) {
            std::vector<double> x(T);
            fill_uniform(x, seed++);
            const std::vector<double> want = direct_stft_magnitude(x, c);
            const std::vector<double> got  = impl_stft_magnitude(x, c);
            CHECK(got.size() == want.size());
            const double e = nmse(got.data(), want.data(), want.size());
            CHECK_MSG(e < STFT_DOUBLE_MAX_NMSE, "(%zu, %zu, %zu) T=%zu: nmse %.3g", c.n_fft, c.hop,
                      c.win, T, e);
        }
    }
}

// A sine with exactly k0 cycles per n_fft peaks at bin k0 in every interior frame.
void test_sine_peaks_at_its_bin() {
    const stft_config c = {64, 16, 48};
    const size_t      T = 301;
    for (const size_t k0 : {size_t(3), size_t(10), size_t(25)}) {
        std::vector<double> x(T);
        for (size_t t = 0; t < T; t++) {
            x[t] = std::sin(TWO_PI * static_cast<double>(k0 * t) / 64.0 + 0.3);
        }
        const std::vector<double> S = impl_stft_magnitude(x, c);
        const size_t              N = 1 + T / c.hop;
        for (size_t f = 2; f + 2 < N; f++) { // frames clear of the reflected edges
            size_t best = 0;
            for (size_t k = 1; k <= c.n_fft / 2; k++) {
                if (S[k * N + f] > S[best * N + f]) {
                    best = k;
                }
            }
            CHECK_MSG(best == k0, "k0=%zu frame %zu: peak at bin %zu", k0, f, best);
        }
    }
}

// L(x) = sum dS * S(x); the backward must equal dL/dx by central differences, in double.
// Random x keeps |Z| away from 0 (where |Z| is not differentiable). Relative error per element
// against max(1, |dx|): the loss is a smooth sum of O(n_fft) terms, so 1e-6 leaves room for the
// O(eps^2) truncation and the rounding of the loss differences (~1e-8 observed).
void test_gradient_finite_differences() {
    const double EPS         = 1e-6;
    const double MAX_REL_ERR = 1e-6;
    uint64_t     seed        = 100;
    for (const stft_config c : {stft_config{16, 3, 10}, stft_config{32, 5, 32},
                                stft_config{8, 2, 5}, stft_config{16, 7, 16}}) {
        const size_t        T = 53;
        std::vector<double> x(T), dS((c.n_fft / 2 + 1) * (1 + T / c.hop));
        fill_uniform(x, seed++);
        fill_uniform(dS, seed++);
        const std::vector<double> dx    = impl_stft_backward(x, dS, c);
        double                    worst = 0.0;
        for (size_t i = 0; i < T; i++) {
            const double saved = x[i];
            double       loss[2];
            for (int side = 0; side < 2; side++) {
                x[i]                        = saved + (side == 0 ? EPS : -EPS);
                const std::vector<double> S = impl_stft_magnitude(x, c);
                loss[side]                  = 0.0;
                for (size_t j = 0; j < S.size(); j++) {
                    loss[side] += dS[j] * S[j];
                }
            }
            x[i]                 = saved;
            const double numeric = (loss[0] - loss[1]) / (2.0 * EPS);
            worst = std::fmax(worst, std::fabs(numeric - dx[i]) / std::fmax(1.0, std::fabs(dx[i])));
        }
        CHECK_MSG(worst < MAX_REL_ERR, "(%zu, %zu, %zu): worst relative error %.3g", c.n_fft, c.hop,
                  c.win, worst);
    }
}

nn_tensor_view matrix_view(float * data, size_t rows, size_t cols) {
    nn_tensor_view v = {};
    v.data           = data;
    v.ndim           = 2;
    v.shape[0]       = rows;
    v.shape[1]       = cols;
    v.strides[0]     = cols;
    v.strides[1]     = 1;
    return v;
}

// Float entry points vs the double loops, outputs poisoned with NaN; reruns with 1, 2 and 4
// threads must give identical bits.
void test_float_matches_double() {
    uint64_t seed = 200;
    for (const stft_config c : CONFIGS) {
        const size_t       T = 1001, F = c.n_fft / 2 + 1, N = nn_stft_frames(T, c.hop);
        std::vector<float> x(T), dS(F * N);
        fill_uniform(x, seed++);
        fill_uniform(dS, seed++);
        const std::vector<double> xd(x.begin(), x.end()), dSd(dS.begin(), dS.end());
        const std::vector<double> S_want  = impl_stft_magnitude(xd, c);
        const std::vector<double> dx_want = impl_stft_backward(xd, dSd, c);

        std::vector<float> S_first, dx_first;
        for (const size_t threads : {size_t(1), size_t(2), size_t(4)}) {
            nn_set_cpu_threads(threads);
            std::vector<float> S(F * N, NAN), dx(T, NAN);
            nn_tensor_view     vx  = nn_view_3d(x.data(), 1, 1, T);
            nn_tensor_view     vS  = matrix_view(S.data(), F, N);
            nn_tensor_view     vdS = matrix_view(dS.data(), F, N);
            nn_tensor_view     vdx = nn_view_3d(dx.data(), 1, 1, T);
            CHECK(stft_magnitude_forward_cpu(&vx, &vS, c.n_fft, c.hop, c.win) == NN_STATUS_OK);
            CHECK(stft_magnitude_backward_cpu(&vx, &vdS, &vdx, c.n_fft, c.hop, c.win) ==
                  NN_STATUS_OK);
            const double e_fwd = nmse(S.data(), S_want.data(), F * N);
            const double e_bwd = nmse(dx.data(), dx_want.data(), T);
            CHECK_MSG(e_fwd < STFT_FLOAT_MAX_NMSE, "forward (%zu, %zu, %zu): nmse %.3g", c.n_fft,
                      c.hop, c.win, e_fwd);
            CHECK_MSG(e_bwd < STFT_FLOAT_MAX_NMSE, "backward (%zu, %zu, %zu): nmse %.3g", c.n_fft,
                      c.hop, c.win, e_bwd);
            if (threads == 1) {
                S_first  = S;
                dx_first = dx;
            } else {
                CHECK_MSG(std::memcmp(S.data(), S_first.data(), S.size() * sizeof(float)) == 0 &&
                              std::memcmp(dx.data(), dx_first.data(), T * sizeof(float)) == 0,
                          "(%zu, %zu, %zu): %zu threads differ from 1", c.n_fft, c.hop, c.win,
                          threads);
            }
        }
        nn_set_cpu_threads(0);
    }
}

void expect_invalid(nn_status status, const char * what, const char * needle) {
    CHECK_MSG(status == NN_STATUS_INVALID_ARGUMENT, "%s: got %s", what, nn_status_string(status));
    CHECK_MSG(std::strstr(nn_last_error(), needle) != nullptr, "%s: message '%s'", what,
              nn_last_error());
}

void test_argument_checks() {
    std::vector<float> x(40, 0.5f), S(9 * 14, 7.0f), dx(40, 7.0f);
    nn_tensor_view     vx  = nn_view_3d(x.data(), 1, 1, 40);
    nn_tensor_view     vS  = matrix_view(S.data(), 9, 14); // n_fft 16, hop 3: F 9, N 14
    nn_tensor_view     vdx = nn_view_3d(dx.data(), 1, 1, 40);
    CHECK(stft_magnitude_forward_cpu(&vx, &vS, 16, 3, 10) == NN_STATUS_OK);
    CHECK(nn_stft_frames(40, 3) == 14 && nn_stft_frames(40, 0) == 0);

    expect_invalid(stft_magnitude_forward_cpu(&vx, &vS, 12, 3, 10), "n_fft 12", "power of two");
    expect_invalid(stft_magnitude_forward_cpu(&vx, &vS, 16, 3, 17), "win > n_fft", "win = 17");
    expect_invalid(stft_magnitude_forward_cpu(&vx, &vS, 16, 3, 0), "win 0", "win = 0");
    expect_invalid(stft_magnitude_forward_cpu(&vx, &vS, 16, 0, 10), "hop 0", "hop is 0");
    nn_tensor_view short_x = nn_view_3d(x.data(), 1, 1, 8);
    expect_invalid(stft_magnitude_forward_cpu(&short_x, &vS, 16, 3, 10), "T = n_fft/2",
                   "needs at least 9");
    nn_tensor_view batch = nn_view_3d(x.data(), 2, 1, 20);
    expect_invalid(stft_magnitude_forward_cpu(&batch, &vS, 16, 3, 10), "B = 2", "B = C = 1");
    nn_tensor_view wrong_S = matrix_view(S.data(), 9, 13);
    expect_invalid(stft_magnitude_forward_cpu(&vx, &wrong_S, 16, 3, 10), "S shape", "(9, 14)");
    expect_invalid(stft_magnitude_forward_cpu(nullptr, &vS, 16, 3, 10), "null x", "x is null");
    expect_invalid(stft_magnitude_forward_cpu(&vx, nullptr, 16, 3, 10), "null S", "S is null");
    std::vector<float> shared(200, 0.5f);
    nn_tensor_view     x_head = nn_view_3d(shared.data(), 1, 1, 40);
    nn_tensor_view     S_tail = matrix_view(shared.data() + 20, 2, 41); // n_fft 2, hop 1
    expect_invalid(stft_magnitude_forward_cpu(&x_head, &S_tail, 2, 1, 2), "overlap", "overlap");
    nn_tensor_view strided = vx;
    strided.strides[2]     = 2;
    expect_invalid(stft_magnitude_forward_cpu(&strided, &vS, 16, 3, 10), "strided", "contiguous");

    std::fill(dx.begin(), dx.end(), 7.0f);
    expect_invalid(stft_magnitude_backward_cpu(&vx, &vS, &vx, 16, 3, 10), "dx = x", "dx overlaps");
    nn_tensor_view short_dx = nn_view_3d(dx.data(), 1, 1, 39);
    expect_invalid(stft_magnitude_backward_cpu(&vx, &vS, &short_dx, 16, 3, 10), "dx length",
                   "dx has 39");
    expect_invalid(stft_magnitude_backward_cpu(&vx, &vS, &vdx, 16, 3, 33), "win > n_fft",
                   "stft_magnitude_backward_cpu");
    CHECK(dx[0] == 7.0f && dx[39] == 7.0f); // failures leave the output untouched
    CHECK(stft_magnitude_backward_cpu(&vx, &vS, &vdx, 16, 3, 10) == NN_STATUS_OK);
    CHECK(std::strcmp(nn_last_error(), "") == 0);
}

} // namespace

NN_TEST_CASES(stft) {
    cases.values("torch.stft golden values", test_torch_golden);
    cases.values("double loops vs a direct computation", test_double_against_direct);
    cases.values("a sine peaks at its bin", test_sine_peaks_at_its_bin);
    cases.values("float vs double, determinism", test_float_matches_double);
    cases.values("argument checks", test_argument_checks);
    cases.grad("backward", test_gradient_finite_differences);
}
