/**
 * Everything Eureka measures of one take (TakeMetrics, docs/metrics.md): level, the pitch metrics, the
 * comparisons with the source clip and with held-out audio of the song, copy detection and the
 * score.
 *
 * A model's takes share one source and one held-out stretch, so their analysis is done once
 * (prepareReference) and each take is measured against it (measureTakeAgainst); measureTake is
 * the one-call form. All audio is mono at one sample rate (the model's): the caller resamples
 * held-out audio to the source's rate first.
 *
 * Changing the weights or the copy limit needs no audio: rescore() redoes the near-copy flag and
 * the score from stored metrics (the copy lengths do not depend on the limit).
 */
import { AppError } from '../../../common/errors.js';
import type { CopyReport, RankWeights, TakeMetrics } from '../../../common/metrics.js';
import { integratedLoudness } from '../../audio/loudness.js';
import { compare } from './compare.js';
import { detectCopiesInFrames, normaliseFrames, sourceCopyFramesFromMel, type CopyFrames, type SourceColour } from './copies.js';
import { score } from './score.js';
import { summariseWithFrames, type FeatureSummary } from './summary.js';

/** Bumped when any measurement changes, so stored metrics of an older version are recomputed. */
export const METRICS_VERSION = 1;

/** Peak of digital silence, dBFS (the DTO holds finite numbers). */
const SILENT_PEAK_DBFS = -120;

/** Mono samples at a rate. */
export interface AudioInput {
  samples: Float32Array;
  sampleRate: number;
}

/** The source and held-out audio, analysed once for all takes of a model. */
export interface MeasureReference {
  sampleRate: number;
  source: FeatureSummary;
  heldOut: FeatureSummary | null;
  /** The source's copy-detection frames and its colour (removed from every take's frames). */
  sourceFrames: CopyFrames;
  sourceColour: SourceColour;
}

export interface MeasureTakeInput {
  takeId: number;
  modelId: number;
  take: AudioInput;
  weights: RankWeights;
  /** The time stamped on the metrics [now]. */
  now?: Date;
}

function checkRate(what: string, audio: AudioInput, sampleRate: number): void {
  if (audio.sampleRate !== sampleRate) {
    throw new AppError('INVALID_INPUT', `cannot measure ${what} at ${audio.sampleRate} Hz against a source at ${sampleRate} Hz (resample it first)`);
  }
}

/** Analyses the source clip and the held-out audio (null: the song has none). */
export function prepareReference(source: AudioInput, heldOut: AudioInput | null): MeasureReference {
  if (heldOut) checkRate('held-out audio', heldOut, source.sampleRate);
  const analysed = summariseWithFrames(source.samples, source.sampleRate);
  const { frames, colour } = sourceCopyFramesFromMel(analysed.copyMel, source.sampleRate);
  return {
    sampleRate: source.sampleRate,
    source: analysed.summary,
    heldOut: heldOut ? summariseWithFrames(heldOut.samples, heldOut.sampleRate).summary : null,
    sourceFrames: frames,
    sourceColour: colour,
  };
}

function peakDbfs(samples: Float32Array): number {
  let peak = 0;
  for (const value of samples) peak = Math.max(peak, Math.abs(value));
  return peak > 0 ? Math.max(SILENT_PEAK_DBFS, 20 * Math.log10(peak)) : SILENT_PEAK_DBFS;
}

/** A take's metrics against a prepared reference, and its summary (keep it for diversity). */
export function measureTakeAgainst(reference: MeasureReference, input: MeasureTakeInput): { metrics: TakeMetrics; summary: FeatureSummary } {
  const { take } = input;
  checkRate(`take ${input.takeId}`, take, reference.sampleRate);
  const analysed = summariseWithFrames(take.samples, take.sampleRate);
  const summary = analysed.summary;
  const takeFrames = normaliseFrames(analysed.copyMel, reference.sourceColour, take.sampleRate);
  const copy = detectCopiesInFrames(takeFrames, reference.sourceFrames, { limitSeconds: input.weights.copyLimitSeconds });
  const vsSource = compare(summary, reference.source);
  const durationSeconds = summary.durationSeconds;
  const metrics: TakeMetrics = {
    takeId: input.takeId,
    modelId: input.modelId,
    version: METRICS_VERSION,
    computedAt: (input.now ?? new Date()).toISOString(),
    durationSeconds,
    loudnessLufs: integratedLoudness([take.samples], take.sampleRate),
    peakDbfs: peakDbfs(take.samples),
    pitch: summary.pitch,
    sourcePitch: reference.source.pitch,
    vsSource,
    vsHeldOut: reference.heldOut ? compare(summary, reference.heldOut) : null,
    copy,
    score: score({ vsSource, copy, durationSeconds }, input.weights),
  };
  return { metrics, summary };
}

/** A take's metrics against its source clip and held-out audio (all mono at one rate). */
export function measureTake(input: MeasureTakeInput & { source: AudioInput; heldOut: AudioInput | null }): TakeMetrics {
  return measureTakeAgainst(prepareReference(input.source, input.heldOut), input).metrics;
}

/** The copy report under another limit (its lengths and regions do not depend on it). */
export function withCopyLimit(copy: CopyReport, limitSeconds: number): CopyReport {
  if (!(limitSeconds > 0)) throw new AppError('INVALID_INPUT', `the copy limit must be above 0 seconds (got ${limitSeconds})`);
  return { ...copy, limitSeconds, nearCopy: copy.longestSeconds > limitSeconds };
}

/** Stored metrics under new weights: the near-copy flag and the score redone, nothing else. */
export function rescore(metrics: TakeMetrics, weights: RankWeights): TakeMetrics {
  const copy = withCopyLimit(metrics.copy, weights.copyLimitSeconds);
  return { ...metrics, copy, score: score({ vsSource: metrics.vsSource, copy, durationSeconds: metrics.durationSeconds }, weights) };
}
