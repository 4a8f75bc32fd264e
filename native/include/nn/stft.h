// stft.h: the magnitude of the short-time Fourier transform, as the MSS loss of docs/caw-spec.md §3
// ("MSS loss", "Ten details" #9) computes it with torch.stft(center=True, pad_mode="reflect",
// window=hann_window(win, periodic=True) zero-padded centrally to n_fft, onesided=True,
// normalized=False), followed by .abs().
// defines: nn_stft_frames, stft_magnitude_forward_cpu, stft_magnitude_backward_cpu
//
// x is one signal: a contiguous view of T samples whose leading dimensions are all 1 ((T),
// (1, T) or (1, 1, T): B = C = 1). S is (F, N), F = n_fft/2 + 1 bins, N = 1 + T/hop frames,
// S[k * N + f] = |sum_j w[j] xpad[f*hop + j] exp(-2 pi i jk / n_fft)|, the layout torch.stft
// returns. n_fft is a power of two, 1 <= win <= n_fft, hop >= 1, and T > n_fft/2 (reflect padding
// by n_fft/2 needs it; torch refuses shorter signals too). No parameters: backward writes (=) dx.
// These calls allocate their scratch per call; nn/mss-loss.h plans it once for the trainer.
#pragma once

#include "nn/nn.h"

/** N = 1 + T / hop, the frame count of a centred STFT of T samples (0 for hop = 0). */
size_t nn_stft_frames(size_t T, size_t hop);

// x is (T); S is (F, N); host memory.
nn_status stft_magnitude_forward_cpu(const nn_tensor_view * x, nn_tensor_view * S, size_t n_fft,
                                     size_t hop, size_t win);

// x is (T), dS is (F, N), dx is (T); host memory. dx = d(sum dS * S(x)) / dx, written (=).
// The gradient of |Z| is Z / |Z|, taken as 0 where |Z| = 0; reflected samples fold back onto
// their sources.
nn_status stft_magnitude_backward_cpu(const nn_tensor_view * x, const nn_tensor_view * dS,
                                      nn_tensor_view * dx, size_t n_fft, size_t hop, size_t win);
