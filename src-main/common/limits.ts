/**
 * Default limits on what the library accepts; these are the values a songwriter gets without
 * asking. EUREKA_MAX_IMPORT_SECONDS / EUREKA_MAX_CLIP_SECONDS and the CLI's --max-duration
 * override them (node/limits-from-env.ts).
 */

/** The limits the library enforces (the defaults below, or the environment's). */
export interface LibraryLimits {
  /** Longest file accepted on import, seconds. */
  maxImportSeconds: number;
  /** Longest clip, seconds. */
  maxClipSeconds: number;
}

/** Longest bounce we import, in seconds: a long song with room to spare, not a DJ mix. */
export const DEFAULT_MAX_IMPORT_SECONDS = 20 * 60;

/** Shortest clip, in seconds: the coarsest CAW scale needs a few hundred samples at 320 Hz. */
export const MIN_CLIP_SECONDS = 1;

/** Longest clip by default, in seconds (the product cuts 15-60 s regions; 120 s leaves room). */
export const DEFAULT_MAX_CLIP_SECONDS = 120;

/**
 * Highest sample peak accepted, in dBFS. Float files may go over full scale (a master bounced
 * hot has overs of a few dB, +12 dBFS is already extreme), but +24 dBFS is 16 times full scale:
 * no recording, only damaged data or integers stored as floats, whose loudness and every
 * number measured from them would be nonsense (1e30 reads as +600 dBFS).
 */
export const MAX_PEAK_DBFS = 24;

/**
 * Peak below which a file counts as silent, in dBFS. -90 dBFS is below 16-bit dither, so only
 * digital silence (or a file that is silence plus a stray LSB) is refused.
 */
export const SILENCE_FLOOR_DBFS = -90;

/** Largest file accepted over IPC or web upload, in bytes (a 20 min 32-bit stereo 96 kHz WAV). */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
