/**
 * Heights of the clip editor's stacked views, in CSS pixels. Shared with the build: wavesurfer
 * writes its layout stylesheet (which embeds WAVE_HEIGHT) into its shadow root, and the
 * Content-Security-Policy allows exactly that stylesheet by its SHA-256, which the renderer's
 * Vite config recomputes and checks against index.html.
 */

/** The waveform itself. */
export const WAVE_HEIGHT = 168;
/** The spectrogram under it. */
export const SPECTROGRAM_HEIGHT = 128;
/** The time ruler at the bottom. */
export const TIMELINE_HEIGHT = 22;
