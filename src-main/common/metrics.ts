/**
 * Metrics DTOs: what Eureka measures of a take against its source clip and against
 * held-out real audio of the same song (docs/metrics.md: the pitch and MFCC metrics plus spectral distance and
 * level), where it copies its source, how a model's takes differ from each other, and the
 * ranking score built on them. Shared by the metrics service, the IPC contract, the CLI and the
 * renderer. Times in seconds, levels in dBFS / LUFS.
 */
import { z } from 'zod';
import { idSchema } from './dto.js';
import { AppError } from './errors.js';

/** Pitch statistics of one signal (YIN/pYIN frames; unvoiced frames excluded). */
export const pitchStatsSchema = z.object({
  /** Distinct MIDI pitches (rounded) among voiced frames. */
  distinctPitches: z.number().int().nonnegative(),
  /** Entropy of the MIDI pitch histogram, bits (docs/metrics.md §3: −Σ P(i) log2 P(i), i = 0…127). */
  entropyBits: z.number().nonnegative(),
  /** Highest minus lowest voiced f0, Hz (docs/metrics.md §3); 0 with no voiced frame. */
  rangeHz: z.number().nonnegative(),
  /** Share of frames with a pitch. */
  voicedFraction: z.number().min(0).max(1),
});
export type PitchStats = z.infer<typeof pitchStatsSchema>;

/** One signal compared with a reference (the source clip, or held-out audio of the song). */
export const comparisonSchema = z.object({
  /** KL divergence of the MFCC distributions (first 13 of 40; Gaussians fitted to each), nats. */
  mfccKl: z.number().nonnegative(),
  /** Fréchet distance of the MFCC means and covariances (FAD's formula on MFCCs, docs/metrics.md §4). */
  mfccFrechet: z.number().nonnegative(),
  /** Multi-resolution log-spectral distance (0 for identical audio). */
  spectralDistance: z.number().nonnegative(),
  /** This signal's pitch entropy minus the reference's, bits. */
  pitchEntropyDelta: z.number(),
});
export type Comparison = z.infer<typeof comparisonSchema>;

/** A stretch of the take that reproduces the source: take [start, end) ↔ source from sourceStart. */
export const copyRegionSchema = z.object({
  takeStart: z.number().nonnegative(),
  takeEnd: z.number().nonnegative(),
  sourceStart: z.number().nonnegative(),
  /** Mean frame similarity over the stretch, 0…1. */
  similarity: z.number().min(0).max(1),
});
export type CopyRegion = z.infer<typeof copyRegionSchema>;

export const copyReportSchema = z.object({
  /** Longest stretch reproducing the source, seconds (0: none above the similarity threshold). */
  longestSeconds: z.number().nonnegative(),
  /** Every stretch of at least the minimum length, longest first. */
  regions: z.array(copyRegionSchema),
  /** The user's limit, seconds: longestSeconds above it flags the take as a near-copy. */
  limitSeconds: z.number().positive(),
  nearCopy: z.boolean(),
});
export type CopyReport = z.infer<typeof copyReportSchema>;

/** The ranking weights: score = fidelity·wF + novelty·wN (wF + wN = 1). */
export const rankWeightsSchema = z.object({
  fidelity: z.number().min(0).max(1).default(0.5),
  novelty: z.number().min(0).max(1).default(0.5),
  /** Seconds of copying that flag a near-copy. */
  copyLimitSeconds: z.number().positive().max(600).default(4),
});
export type RankWeights = z.infer<typeof rankWeightsSchema>;

/** Fidelity and novelty scaled to sum to 1 (INVALID_INPUT when both are 0): the weights as they are kept and used. */
export function normaliseWeights(input: z.input<typeof rankWeightsSchema>): RankWeights {
  const parsed = rankWeightsSchema.safeParse(input);
  if (!parsed.success) throw new AppError('INVALID_INPUT', `the ranking weights are not valid: ${parsed.error.issues[0]?.message ?? ''}`);
  const weights = parsed.data;
  const sum = weights.fidelity + weights.novelty;
  if (!(sum > 0)) throw new AppError('INVALID_INPUT', 'fidelity and novelty cannot both be 0');
  return { fidelity: weights.fidelity / sum, novelty: weights.novelty / sum, copyLimitSeconds: weights.copyLimitSeconds };
}

export const takeScoreSchema = z.object({
  /** 0…1, higher is better. */
  total: z.number().min(0).max(1),
  /** 0…1: how close to the source's sound (spectral and MFCC distances, mapped). */
  fidelity: z.number().min(0).max(1),
  /** 0…1: how far from a copy (longest copied stretch relative to the limit and take length). */
  novelty: z.number().min(0).max(1),
  /** One sentence per part, for the UI's "why this score". */
  explanation: z.array(z.string()),
});
export type TakeScore = z.infer<typeof takeScoreSchema>;

export const takeMetricsSchema = z.object({
  takeId: idSchema,
  modelId: idSchema,
  /** Bumped when the measurement changes, so stored metrics of an older version are recomputed. */
  version: z.number().int().positive(),
  computedAt: z.string(),
  durationSeconds: z.number().nonnegative(),
  loudnessLufs: z.number().nullable(),
  peakDbfs: z.number(),
  pitch: pitchStatsSchema,
  /** The source clip's own pitch statistics (for side-by-side display). */
  sourcePitch: pitchStatsSchema,
  vsSource: comparisonSchema,
  /** Against held-out real audio of the same song (its clips split val/test, or the song outside
   * the training clip); null when the song has none. */
  vsHeldOut: comparisonSchema.nullable(),
  copy: copyReportSchema,
  score: takeScoreSchema,
});
export type TakeMetrics = z.infer<typeof takeMetricsSchema>;

/** How different a model's takes are from each other. */
export const diversitySchema = z.object({
  modelId: idSchema,
  takes: z.number().int().nonnegative(),
  /** Mean and smallest pairwise distance (MFCC Fréchet between takes); null with < 2 takes. */
  meanDistance: z.number().nonnegative().nullable(),
  minDistance: z.number().nonnegative().nullable(),
  /** The same distance between the source and held-out audio, for scale (null without held-out). */
  referenceDistance: z.number().nonnegative().nullable(),
  /** Pairs closer than a tenth of the mean: near-duplicates. */
  nearDuplicates: z.array(z.tuple([idSchema, idSchema, z.number().nonnegative()])),
  /** One sentence: "the 12 takes differ as much as two real passages of the song". */
  summary: z.string(),
});
export type Diversity = z.infer<typeof diversitySchema>;

export const rankingSchema = z.object({
  modelId: idSchema,
  weights: rankWeightsSchema,
  /** Best first; takes without a file are left out. */
  entries: z.array(z.object({ takeId: idSchema, rank: z.number().int().positive(), metrics: takeMetricsSchema })),
  diversity: diversitySchema,
});
export type Ranking = z.infer<typeof rankingSchema>;

/** What the side-by-side pictures draw, for a take and its source, aligned in time. */
export const pictureDataSchema = z.object({
  takeId: idSchema,
  sampleRate: z.number().int().positive(),
  /** Min/max envelopes, one pair per column (columns ≈ 1000 per signal). */
  waveform: z.object({ take: z.array(z.tuple([z.number(), z.number()])), source: z.array(z.tuple([z.number(), z.number()])), secondsPerColumn: z.number().positive() }),
  /** Log-frequency magnitude spectra, dB, on a shared frequency axis (Hz). */
  spectrum: z.object({ frequencies: z.array(z.number()), take: z.array(z.number()), source: z.array(z.number()) }),
  /** Mel spectrograms, dB, [frame][band], same hop for both. */
  mel: z.object({ bands: z.number().int().positive(), secondsPerFrame: z.number().positive(), take: z.array(z.array(z.number())), source: z.array(z.array(z.number())) }),
  /** The copied stretches to highlight. */
  copies: z.array(copyRegionSchema),
});
export type PictureData = z.infer<typeof pictureDataSchema>;

export const metricsProgressEventSchema = z.object({
  /** The request's id (from metrics:compute). */
  jobId: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  takeId: idSchema.nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type MetricsProgressEvent = z.infer<typeof metricsProgressEventSchema>;
