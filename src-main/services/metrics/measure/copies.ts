/**
 * Copy detection: where a take reproduces its source clip, and for how long.
 *
 * Both signals become log-mel frames (64 bands, 64 ms windows every 32 ms at 16 kHz). Each
 * frame has the source's mean frame subtracted (what every frame of the song shares: its
 * spectral tilt, its instrument colour) and becomes a weighted Pearson vector: centred and
 * scaled to unit length with each band weighted by the source's mean power in it (relative to
 * its loudest band). The dot product of a take frame and a source frame is then the correlation
 * of what is particular to each moment, where the source has its sound: 1 for the same moment
 * copied (at any level), near 0 for unrelated music or noise. Without the weights a copy under
 * hiss 20 dB down is missed, because the hiss owns the bands the music leaves near-empty.
 *
 * The similarity matrix take × source is scanned along every diagonal (every offset between
 * the two: a copy of source[s…] at take[t…] is a diagonal run). A run is a stretch of frames at
 * or above the threshold, bridging dips of up to MAX_GAP_FRAMES (a drum hit the model smeared);
 * its length in seconds is frames × hop. The longest run is the copy length; runs of at least
 * the minimum length become regions, longest first, dropping a run whose take stretch is mostly
 * covered by a longer one (neighbouring diagonals repeat a copy one frame off).
 *
 * The matrix is never stored: each diagonal's similarities are computed as it is walked, so a
 * 10-minute take against a 1-minute clip needs no more memory than the frames.
 *
 * Shapes: frames (F, B) row-major, F frames of B bands.
 */
import { AppError } from '../../../common/errors.js';
import type { CopyRegion, CopyReport } from '../../../common/metrics.js';
import { melSpectrogram, type MelSpectrogram } from '../features/index.js';

/** Frames below the signal's loudest by more than this are silence: they copy nothing. */
const SILENCE_BELOW_PEAK_DB = 60;
const COPY_BANDS = 64;
/** Frame length and hop, seconds; rounded to powers of two in samples at the signal's rate. */
const COPY_WINDOW_SECONDS = 0.064;
/** Default similarity (correlation of frames) at which a take frame counts as a copy. */
export const DEFAULT_COPY_THRESHOLD = 0.8;
/** Frames under the threshold a run may bridge. */
const MAX_GAP_FRAMES = 2;
/** The shortest stretch reported as a region, seconds. */
export const DEFAULT_MIN_REGION_SECONDS = 1;
/** A run whose take stretch overlaps longer regions by more than this share is a duplicate. */
const MAX_REGION_OVERLAP = 0.5;

/** Frames ready for comparison: unit vectors (F, B); silent frames are all zeros. */
export interface CopyFrames {
  frames: number;
  bands: number;
  /** (F, B) normalised frames. */
  data: Float32Array;
  secondsPerFrame: number;
  sampleRate: number;
}

export interface CopyOptions {
  /** Seconds of copying that flag a near-copy. */
  limitSeconds: number;
  /** Frame similarity, 0…1, from which frames count as copied [DEFAULT_COPY_THRESHOLD]. */
  threshold?: number;
  /** Shortest region listed, seconds [DEFAULT_MIN_REGION_SECONDS]. */
  minRegionSeconds?: number;
}

/** The log-mel frames (F, B) of x, dB, at the copy detector's resolution. */
export function copyMel(x: Float32Array, sampleRate: number): MelSpectrogram {
  const nFft = 2 ** Math.round(Math.log2(COPY_WINDOW_SECONDS * sampleRate));
  return melSpectrogram(x, sampleRate, { nFft, hop: nFft / 2, nMels: COPY_BANDS });
}

/**
 * What every frame of the source shares, removed before comparing: the per-band mean (B), dB,
 * of its non-silent frames, and each band's weight, its mean power relative to the loudest band.
 */
export interface SourceColour {
  meanDb: Float64Array;
  weights: Float64Array;
}

/** The colour of a source's log-mel (F, B). */
export function sourceColour(mel: MelSpectrogram): SourceColour {
  const { frames, bands, db } = mel;
  const loud = loudFrames(db, frames, bands);
  const meanDb = new Float64Array(bands);
  let count = 0;
  for (let t = 0; t < frames; t++) {
    if (!loud[t]) continue;
    count += 1;
    for (let b = 0; b < bands; b++) meanDb[b]! += db[t * bands + b]!;
  }
  if (count > 0) for (let b = 0; b < bands; b++) meanDb[b] = meanDb[b]! / count;
  const loudest = Math.max(...meanDb);
  const weights = meanDb.map((level) => 10 ** ((level - loudest) / 10));
  return { meanDb, weights };
}

function loudFrames(db: Float32Array, frames: number, bands: number): Uint8Array {
  let peak = -Infinity;
  for (const value of db) if (value > peak) peak = value;
  const loud = new Uint8Array(frames);
  for (let t = 0; t < frames; t++) {
    let frameMax = -Infinity;
    for (let b = 0; b < bands; b++) frameMax = Math.max(frameMax, db[t * bands + b]!);
    loud[t] = frameMax >= peak - SILENCE_BELOW_PEAK_DB ? 1 : 0;
  }
  return loud;
}

/**
 * Normalised frames of a log-mel (F, B) against a source's colour: x = db − colour.meanDb,
 * then v_b = √w_b·(x_b − x̄_w) / ‖·‖ with x̄_w the w-weighted mean, so v·u is the weighted
 * correlation of two frames. Silent or flat frames become zeros.
 */
export function normaliseFrames(mel: MelSpectrogram, colour: SourceColour, sampleRate: number): CopyFrames {
  const { frames, bands, db } = mel;
  const { meanDb, weights } = colour;
  const rootWeights = weights.map(Math.sqrt);
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const loud = loudFrames(db, frames, bands);
  const data = new Float32Array(frames * bands);
  const centred = new Float64Array(bands);
  for (let t = 0; t < frames; t++) {
    if (!loud[t]) continue;
    let mean = 0;
    for (let b = 0; b < bands; b++) {
      centred[b] = db[t * bands + b]! - meanDb[b]!;
      mean += weights[b]! * centred[b]!;
    }
    mean /= weightSum;
    let norm = 0;
    for (let b = 0; b < bands; b++) {
      centred[b] = (centred[b]! - mean) * rootWeights[b]!;
      norm += centred[b]! * centred[b]!;
    }
    if (norm < 1e-12) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let b = 0; b < bands; b++) data[t * bands + b] = centred[b]! * scale;
  }
  return { frames, bands, data, secondsPerFrame: mel.secondsPerFrame, sampleRate };
}

/** The source's copy frames from its copy-resolution log-mel, and its colour (normalise takes with it). */
export function sourceCopyFramesFromMel(mel: MelSpectrogram, sampleRate: number): { frames: CopyFrames; colour: SourceColour } {
  const colour = sourceColour(mel);
  return { frames: normaliseFrames(mel, colour, sampleRate), colour };
}

/** A diagonal run: take frames [start, end] ↔ source frames from sourceStart; summed similarity. */
interface Run {
  start: number;
  end: number;
  sourceStart: number;
  similaritySum: number;
}

function dot(a: Float32Array, aRow: number, b: Float32Array, bRow: number, bands: number): number {
  let sum = 0;
  for (let i = 0; i < bands; i++) sum += a[aRow + i]! * b[bRow + i]!;
  return sum;
}

/** Every run of at least `minFrames` frames, plus the longest run of all. */
function scanDiagonals(take: CopyFrames, source: CopyFrames, threshold: number, minFrames: number): { runs: Run[]; longest: number } {
  const { bands } = take;
  const runs: Run[] = [];
  let longest = 0;
  // Offset d: take frame i meets source frame i + d.
  for (let d = -(take.frames - 1); d < source.frames; d++) {
    const first = Math.max(0, -d);
    const last = Math.min(take.frames, source.frames - d) - 1;
    let runStart = -1;
    let runEnd = -1;
    let runSum = 0;
    let pendingSum = 0;
    const close = (): void => {
      if (runStart < 0) return;
      const frames = runEnd - runStart + 1;
      longest = Math.max(longest, frames);
      if (frames >= minFrames) runs.push({ start: runStart, end: runEnd, sourceStart: runStart + d, similaritySum: runSum });
      runStart = -1;
    };
    for (let i = first; i <= last; i++) {
      const similarity = dot(take.data, i * bands, source.data, (i + d) * bands, bands);
      if (similarity >= threshold) {
        if (runStart < 0) {
          runStart = i;
          runSum = 0;
        } else {
          runSum += pendingSum;
        }
        pendingSum = 0;
        runEnd = i;
        runSum += similarity;
      } else if (runStart >= 0) {
        if (i - runEnd > MAX_GAP_FRAMES) close();
        else pendingSum += Math.max(0, similarity);
      }
    }
    close();
  }
  return { runs, longest };
}

function overlap(a: Run, b: Run): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start) + 1);
}

/** Copy report of prepared frames (see sourceCopyFrames / takeCopyFrames). */
export function detectCopiesInFrames(take: CopyFrames, source: CopyFrames, o: CopyOptions): CopyReport {
  if (take.bands !== source.bands || take.secondsPerFrame !== source.secondsPerFrame) {
    throw new AppError('INTERNAL', 'copy detection: take and source frames differ in shape');
  }
  const threshold = o.threshold ?? DEFAULT_COPY_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) throw new AppError('INVALID_INPUT', `the copy threshold must be above 0 and at most 1 (got ${threshold})`);
  if (!(o.limitSeconds > 0)) throw new AppError('INVALID_INPUT', `the copy limit must be above 0 seconds (got ${o.limitSeconds})`);
  const spf = take.secondsPerFrame;
  const minFrames = Math.max(1, Math.round((o.minRegionSeconds ?? DEFAULT_MIN_REGION_SECONDS) / spf));
  const { runs, longest } = scanDiagonals(take, source, threshold, minFrames);
  runs.sort((a, b) => b.end - b.start - (a.end - a.start) || b.similaritySum - a.similaritySum);
  const kept: Run[] = [];
  for (const run of runs) {
    const covered = kept.reduce((sum, k) => sum + overlap(run, k), 0);
    if (covered <= MAX_REGION_OVERLAP * (run.end - run.start + 1)) kept.push(run);
  }
  const regions: CopyRegion[] = kept.map((run) => {
    const frames = run.end - run.start + 1;
    return {
      // Frame t is centred on t·spf and stands for [t − ½, t + ½)·spf.
      takeStart: Math.max(0, (run.start - 0.5) * spf),
      takeEnd: (run.end + 0.5) * spf,
      sourceStart: Math.max(0, (run.sourceStart - 0.5) * spf),
      similarity: Math.min(1, Math.max(0, run.similaritySum / frames)),
    };
  });
  const longestSeconds = longest * spf;
  return { longestSeconds, regions, limitSeconds: o.limitSeconds, nearCopy: longestSeconds > o.limitSeconds };
}

/** Where `take` reproduces `source` (both mono at `sampleRate`). */
export function detectCopies(take: Float32Array, source: Float32Array, sampleRate: number, o: CopyOptions): CopyReport {
  const prepared = sourceCopyFramesFromMel(copyMel(source, sampleRate), sampleRate);
  return detectCopiesInFrames(normaliseFrames(copyMel(take, sampleRate), prepared.colour, sampleRate), prepared.frames, o);
}
