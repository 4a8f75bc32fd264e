/**
 * What the metrics keep of a signal: a small, JSON-safe summary from which every distance is
 * computed (compare.ts, diversity.ts), so a take's summary can be stored beside its metrics and
 * a model's takes compared with each other later without decoding their audio again.
 *
 *  - mfcc: a Gaussian (mean 13, covariance 13×13) fitted to the MFCC frames (first 13 of 40,
 *    log-mel 2048 / 512 / 128 bands: docs/metrics.md §2's features, as librosa computes them).
 *  - pitch: docs/metrics.md §3's pitch statistics of a YIN track (50–2000 Hz, hop 512) whose voicing
 *    threshold is 0.25 instead of YIN's 0.1: mixed music (several instruments at once) almost
 *    never dips below 0.1, so the track would be empty (the demo song: 1 % voiced); at 0.25 it
 *    follows the dominant line (the demo: 40 % voiced, its bass notes) and white noise still
 *    has no voiced frame.
 *  - spectra: per resolution (window 2048, 1024, 512 samples at 16 kHz; scaled with the rate),
 *    the mean and standard deviation over frames of each log-mel band, dB. The means are the
 *    signal's long-term colour at that resolution; the deviations how much each band moves
 *    (short windows see attacks, long ones notes).
 *
 * The 1024-sample log-mel is also what copy detection compares frame by frame, so summarising
 * returns it (copyMel) for that use instead of transforming the signal a fourth time.
 */
import { z } from 'zod';
import { AppError } from '../../../common/errors.js';
import { pitchStatsSchema } from '../../../common/metrics.js';
import { melFromPower, mfccFromMel, pitchTrack, stft, type MelSpectrogram } from '../features/index.js';
import { copyMel } from './copies.js';
import { fitGaussian } from './gaussian.js';
import { pitchStats } from './pitch-stats.js';

/** Bumped when a summary's meaning changes: stored summaries of another version are stale. */
export const SUMMARY_VERSION = 1;

/** The lowest rate measured (the test suite's tiny models generate at 2 kHz). */
const MIN_SAMPLE_RATE = 1000;

/** The kept MFCCs (docs/metrics.md §2: 13 of 40). */
export const MFCC_KEPT = 13;
const MFCC_COMPUTED = 40;
/** YIN's d' below which a frame is pitched (see the file header). */
const PITCH_THRESHOLD = 0.25;

/** Analysis resolutions at 16 kHz besides copy detection's: window, hop (samples), mel bands. */
const MFCC_RESOLUTION = { nFft: 2048, hop: 512, nMels: 128 } as const;
const FINE_RESOLUTION = { nFft: 512, hop: 256, nMels: 32 } as const;

const gaussianSchema = z.object({
  dimension: z.number().int().positive(),
  mean: z.array(z.number()),
  covariance: z.array(z.number()),
});

const bandStatsSchema = z.object({
  /** Window, samples. */
  nFft: z.number().int().positive(),
  meanDb: z.array(z.number()),
  stdDb: z.array(z.number()),
});
export type BandStats = z.infer<typeof bandStatsSchema>;

export const featureSummarySchema = z.object({
  version: z.literal(SUMMARY_VERSION),
  sampleRate: z.number().int().positive(),
  durationSeconds: z.number().nonnegative(),
  mfcc: gaussianSchema,
  pitch: pitchStatsSchema,
  spectra: z.array(bandStatsSchema),
});
export type FeatureSummary = z.infer<typeof featureSummarySchema>;

/** A summary and the log-mel frames copy detection compares. */
export interface SummaryWithFrames {
  summary: FeatureSummary;
  copyMel: MelSpectrogram;
}

/** A window scaled from 16 kHz to `sampleRate`, kept a power of two. */
function scaled(samplesAt16k: number, sampleRate: number): number {
  return 2 ** Math.round(Math.log2((samplesAt16k * sampleRate) / 16000));
}

/** Per-band mean and standard deviation over frames of a log-mel (frames, bands). */
function bandStats(mel: MelSpectrogram): BandStats {
  const { frames, bands, db } = mel;
  const sum = new Float64Array(bands);
  const sumSquares = new Float64Array(bands);
  for (let t = 0; t < frames; t++) {
    for (let b = 0; b < bands; b++) {
      const value = db[t * bands + b]!;
      sum[b]! += value;
      sumSquares[b]! += value * value;
    }
  }
  const meanDb: number[] = [];
  const stdDb: number[] = [];
  for (let b = 0; b < bands; b++) {
    const mean = frames > 0 ? sum[b]! / frames : 0;
    meanDb.push(mean);
    stdDb.push(frames > 0 ? Math.sqrt(Math.max(0, sumSquares[b]! / frames - mean * mean)) : 0);
  }
  return { nFft: mel.nFft, meanDb, stdDb };
}

/** The summary of mono `samples` at `sampleRate` (and its copy-detection frames). */
export function summariseWithFrames(samples: Float32Array, sampleRate: number): SummaryWithFrames {
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE) {
    throw new AppError('INVALID_INPUT', `cannot measure audio at ${sampleRate} Hz (${MIN_SAMPLE_RATE} Hz or more needed)`);
  }
  if (samples.length === 0) throw new AppError('EMPTY_AUDIO', 'cannot measure audio with no samples');
  const [mfccMel, fineMel] = [MFCC_RESOLUTION, FINE_RESOLUTION].map((resolution) => {
    const nFft = scaled(resolution.nFft, sampleRate);
    const hop = scaled(resolution.hop, sampleRate);
    return melFromPower(stft(samples, { nFft, hop }), sampleRate, { nMels: resolution.nMels });
  }) as [MelSpectrogram, MelSpectrogram];
  const copyFrames = copyMel(samples, sampleRate);
  const mfcc = mfccFromMel(mfccMel, { nMfcc: MFCC_COMPUTED, keep: MFCC_KEPT });
  const track = pitchTrack(samples, sampleRate, { hop: mfccMel.hop, threshold: PITCH_THRESHOLD });
  return {
    summary: {
      version: SUMMARY_VERSION,
      sampleRate,
      durationSeconds: samples.length / sampleRate,
      mfcc: fitGaussian(mfcc.data, mfcc.frames, MFCC_KEPT),
      pitch: pitchStats(track.f0),
      spectra: [mfccMel, copyFrames, fineMel].map(bandStats),
    },
    copyMel: copyFrames,
  };
}

/** The summary of mono `samples` at `sampleRate`. */
export function summarise(samples: Float32Array, sampleRate: number): FeatureSummary {
  return summariseWithFrames(samples, sampleRate).summary;
}
