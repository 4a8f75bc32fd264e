// fft-impl.h: the radix-2 FFT loops behind nn/fft.h, templated on the scalar type so nn_core runs
// them in float and test/native runs the very same code in double against a naive DFT.
// defines: fft_plan_impl, fft_is_power_of_two, fft_plan_build, fft_complex_inplace,
//          rfft_forward_inplace, rfft_inverse_inplace, rfft_adjoint_inplace
//
// A real transform of size n (a power of two >= 2) runs as one complex transform of size m = n/2
// on the samples packed as z[j] = x[2j] + i x[2j+1], plus an O(n) split step. Spectra are
// interleaved (re, im) pairs; a one-sided spectrum is (m + 1, 2), i.e. n + 2 scalars, so every
// real routine here works in place on one buffer of n + 2 scalars.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

template <typename Real>
struct fft_plan_impl {
    size_t                n = 0;   // real transform size, a power of two >= 2
    size_t                m = 0;   // n / 2, the size of the complex transform inside
    std::vector<uint32_t> bitrev;  // (m) bit-reversal permutation of [0, m)
    std::vector<Real>     twiddle; // (m, 2) W^k = exp(-2 pi i k / n), k in [0, m), from double
};

inline bool fft_is_power_of_two(size_t n) {
    return n >= 1 && (n & (n - 1)) == 0;
}

// Fills plan for size n (a power of two >= 2, checked by the caller). May throw std::bad_alloc;
// the entry points catch it and return NN_STATUS_OUT_OF_MEMORY.
template <typename Real>
void fft_plan_build(fft_plan_impl<Real> & plan, size_t n) {
    const double two_pi = 6.283185307179586476925286766559;
    plan.n              = n;
    plan.m              = n / 2;
    plan.bitrev.assign(plan.m, 0);
    plan.twiddle.assign(2 * plan.m, Real(0));
    unsigned bits = 0;
    while ((size_t(1) << bits) < plan.m) {
        bits++;
    }
    for (size_t i = 0; i < plan.m; i++) {
        uint32_t r = 0;
        for (unsigned b = 0; b < bits; b++) {
            r |= static_cast<uint32_t>(((i >> b) & 1u) << (bits - 1 - b));
        }
        plan.bitrev[i] = r;
    }
    for (size_t k = 0; k < plan.m; k++) {
        const double angle      = two_pi * static_cast<double>(k) / static_cast<double>(n);
        plan.twiddle[2 * k]     = static_cast<Real>(std::cos(angle));
        plan.twiddle[2 * k + 1] = static_cast<Real>(-std::sin(angle));
    }
}

// ----------------------------------------------------------------------------
// complex transform of size m

// z is (m, 2), in place. Forward: Z[k] = sum_j z[j] exp(-2 pi i jk / m); inverse: the same with
// exp(+2 pi i jk / m), un-normalised (forward then inverse multiplies by m).
// Iterative radix-2 decimation in time: bit-reverse, then log2(m) butterfly passes.
template <typename Real>
void fft_complex_inplace(const fft_plan_impl<Real> & plan, Real * z, bool inverse) {
    const size_t m = plan.m;
    for (size_t i = 0; i < m; i++) {
        const size_t j = plan.bitrev[i];
        if (i < j) {
            const Real re = z[2 * i], im = z[2 * i + 1];
            z[2 * i]     = z[2 * j];
            z[2 * i + 1] = z[2 * j + 1];
            z[2 * j]     = re;
            z[2 * j + 1] = im;
        }
    }
    const Real sign = inverse ? Real(-1) : Real(1);
    for (size_t len = 2; len <= m; len <<= 1) {
        const size_t half   = len / 2;
        const size_t stride = plan.n / len; // exp(-2 pi i j / len) = W^(j * n / len)
        for (size_t start = 0; start < m; start += len) {
            Real * a = z + 2 * start;
            Real * b = z + 2 * (start + half);
            for (size_t j = 0; j < half; j++) {
                const Real wr = plan.twiddle[2 * j * stride];
                const Real wi = sign * plan.twiddle[2 * j * stride + 1];
                const Real tr = b[2 * j] * wr - b[2 * j + 1] * wi;
                const Real ti = b[2 * j] * wi + b[2 * j + 1] * wr;
                b[2 * j]      = a[2 * j] - tr;
                b[2 * j + 1]  = a[2 * j + 1] - ti;
                a[2 * j]      = a[2 * j] + tr;
                a[2 * j + 1]  = a[2 * j + 1] + ti;
            }
        }
    }
}

// ----------------------------------------------------------------------------
// real transforms of size n, in place on buf (n + 2)

// In: buf[0, n) holds x (n real samples). Out: buf is (m + 1, 2), X[k] = sum_t x[t] W^(tk) for
// k in [0, m] (one-sided, un-normalised); Im X[0] = Im X[m] = 0 exactly.
// Split step: with Z = FFT_m(x[2j] + i x[2j+1]), E = (Z[k] + conj Z[m-k]) / 2 and
// O = -i (Z[k] - conj Z[m-k]) / 2, X[k] = E + W^k O and X[m-k] = conj(E - W^k O).
template <typename Real>
void rfft_forward_inplace(const fft_plan_impl<Real> & plan, Real * buf) {
    const size_t m = plan.m;
    fft_complex_inplace(plan, buf, false);
    const Real z0r = buf[0], z0i = buf[1];
    buf[0]          = z0r + z0i;
    buf[1]          = Real(0);
    buf[2 * m]      = z0r - z0i;
    buf[2 * m + 1]  = Real(0);
    const Real half = Real(0.5);
    for (size_t k = 1; 2 * k <= m; k++) {
        const size_t c  = m - k;
        const Real   ar = buf[2 * k], ai = buf[2 * k + 1];  // Z[k]
        const Real   br = buf[2 * c], bi = -buf[2 * c + 1]; // conj Z[m-k]
        const Real   er = half * (ar + br), ei = half * (ai + bi);
        const Real   odr = half * (ai - bi), odi = -half * (ar - br);
        const Real   wr = plan.twiddle[2 * k], wi = plan.twiddle[2 * k + 1];
        const Real   tr = wr * odr - wi * odi, ti = wr * odi + wi * odr;
        buf[2 * k]     = er + tr;
        buf[2 * k + 1] = ei + ti;
        if (c != k) {
            buf[2 * c]     = er - tr;
            buf[2 * c + 1] = -(ei - ti);
        }
    }
}

// In: buf is (m + 1, 2), a one-sided spectrum X[0..m]. Out: buf[0, n) holds
//   x[t] = sum_{k=0}^{n-1} X[k] exp(+2 pi i kt / n)
// for the Hermitian extension X[n-k] = conj X[k], un-normalised (rfft then this multiplies by n).
// Im X[0] and Im X[m] are ignored. middle_scale multiplies X[1..m-1] first: 1 for the inverse,
// 1/2 for the adjoint (see rfft_adjoint_inplace).
// Split step (the forward one undone): Z[k] = (X[k] + conj X[m-k]) + i (X[k] - conj X[m-k]) W^-k,
// then z = IFFT_m(Z) and x[2j] = Re z[j], x[2j+1] = Im z[j].
template <typename Real>
void rfft_inverse_scaled_inplace(const fft_plan_impl<Real> & plan, Real * buf, Real middle_scale) {
    const size_t m  = plan.m;
    const Real   x0 = buf[0];
    const Real   xm = buf[2 * m];
    buf[0]          = x0 + xm;
    buf[1]          = x0 - xm;
    for (size_t k = 1; 2 * k <= m; k++) {
        const size_t c  = m - k;
        const Real   ar = middle_scale * buf[2 * k], ai = middle_scale * buf[2 * k + 1]; // X[k]
        const Real   br = middle_scale * buf[2 * c],
                   bi   = -middle_scale * buf[2 * c + 1];                   // conj X[m-k]
        const Real wr = plan.twiddle[2 * k], wi = -plan.twiddle[2 * k + 1]; // W^-k
        const Real sr = ar + br, si = ai + bi;                              // X[k] + conj X[m-k]
        const Real dr = ar - br, di = ai - bi;                              // X[k] - conj X[m-k]
        const Real pr = dr * wr - di * wi, pi = dr * wi + di * wr;          // (..) W^-k
        buf[2 * k]     = sr - pi;                                           // + i (pr + i pi)
        buf[2 * k + 1] = si + pr;
        if (c != k) {
            // Z[m-k] from the same pair: X[m-k] + conj X[k] = conj(s), X[m-k] - conj X[k] =
            // -conj(d), W^-(m-k) = -conj(W^-k), so Z[m-k] = conj(s) + i conj(d W^-k).
            buf[2 * c]     = sr + pi;
            buf[2 * c + 1] = -si + pr;
        }
    }
    fft_complex_inplace(plan, buf, true);
}

template <typename Real>
void rfft_inverse_inplace(const fft_plan_impl<Real> & plan, Real * buf) {
    rfft_inverse_scaled_inplace(plan, buf, Real(1));
}

// The adjoint (transpose) of rfft_forward_inplace seen as a real linear map from x (n) to
// (Re X[0..m], Im X[0..m]). In: buf is (m + 1, 2), the cotangent g[k] = dL/dRe X[k] + i dL/dIm
// X[k]. Out: buf[0, n) holds dL/dx[t] = Re sum_{k=0}^{m} g[k] exp(+2 pi i kt / n). Bins 0 and m
// appear once in that sum, bins 1..m-1 once too, where the Hermitian inverse counts them twice: so
// the middle bins are halved and the inverse above does the rest. Im g[0] and Im g[m] are dropped
// (Im X[0] = Im X[m] = 0 for every x).
template <typename Real>
void rfft_adjoint_inplace(const fft_plan_impl<Real> & plan, Real * buf) {
    rfft_inverse_scaled_inplace(plan, buf, Real(0.5));
}
