// mss-loss.cuh: the multi-resolution spectral loss on the device (cuda/mss-loss.cu; CPU
// reference cpu/mss-loss-impl.h). Its per-frame transforms, the plan and the block sizes are
// the STFT's (cuda/stft.cuh).
// defines: MSS_LOSS_THREADS
// Per configuration: one block per frame (both signals' spectra, E = |Z_y| - |Z_x|, the frame's
// sum of E^2 reduced in shared memory in a fixed tree order), one block for the norm (strided
// partial sums over frames, then the same tree), and for the backward one block per frame (the
// cotangent and the adjoint transform) and one thread per sample (the overlap-add gather).
// Every sum has a fixed order and no atomics: the loss and dy are bitwise identical on reruns.
#pragma once

#include "cuda/stft.cuh"

/** Threads of the one-block kernel that writes the loss (a warp: one lane works). */
constexpr unsigned MSS_LOSS_THREADS = 32;
