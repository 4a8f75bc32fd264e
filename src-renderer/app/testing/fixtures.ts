/**
 * Contract-valid DTOs for store specs, each with the fields a spec cares about overridable.
 * The fake bridge's answers go through the contract's schemas, so these must stay valid: a
 * fixture that drifts from the contract shows up as a fault in the spec, not as a silent pass.
 */
import type { DeletionSummary, DeletionTarget } from '@common/deletion.js';
import type { AudioFile, Clip, Song } from '@common/dto.js';
import type { ExportDefaults } from '@common/export.js';
import type { Take } from '@common/generation.js';
import type { PartClipDto, PartDetail, PartDto } from '@common/midi.js';
import type { Ranking, TakeMetrics } from '@common/metrics.js';
import type { Proportion, RaterProgress, RaterTrial, RatingStats, SessionResults, SessionSummary } from '@common/rating.js';
import type { Model } from '@common/training.js';

const AT = '2025-01-02T03:04:05.000Z';

export function audioFile(overrides: Partial<AudioFile> & Pick<AudioFile, 'id' | 'songId'>): AudioFile {
  return {
    originalName: `file-${overrides.id}.wav`,
    format: 'wav',
    sha256: 'a'.repeat(64),
    sizeBytes: 1_000_000,
    sampleRate: 48_000,
    channels: 2,
    frames: 48_000 * 90,
    durationSeconds: 90,
    peakDbfs: -1,
    loudnessLufs: -14,
    createdAt: AT,
    ...overrides,
  };
}

export function song(overrides: Partial<Song> & Pick<Song, 'id'>): Song {
  return {
    name: `Song ${overrides.id}`,
    createdAt: AT,
    files: [audioFile({ id: overrides.id * 10, songId: overrides.id })],
    clipCount: 0,
    musicalTime: null,
    ...overrides,
  };
}

export function clip(overrides: Partial<Clip> & Pick<Clip, 'id' | 'songId' | 'fileId'>): Clip {
  return {
    start: 0,
    end: 20,
    label: 'U',
    split: 'train',
    holeStart: null,
    holeEnd: null,
    notes: '',
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

/** What deleting `target` takes along: by default nothing but itself (a clip without models, a song with one file). */
export function deletionSummary(target: DeletionTarget, overrides: Partial<DeletionSummary> = {}): DeletionSummary {
  const isSong = target.kind === 'song';
  return {
    target,
    name: isSong ? `Song ${target.songId}` : `Song 1 · 0:00.000–0:20.000`,
    files: isSong ? 1 : 0,
    clips: isSong ? 0 : 1,
    models: 0,
    takes: 0,
    parts: 0,
    sessions: [],
    blockers: [],
    ...overrides,
  };
}

export function model(overrides: Partial<Model> & Pick<Model, 'id'>): Model {
  return {
    clipId: 1,
    songId: 1,
    name: `Model ${overrides.id}`,
    preset: 'test',
    status: 'done',
    plan: null,
    scalesTotal: 4,
    scalesDone: 4,
    scales: [],
    error: null,
    trainSeconds: 60,
    createdAt: AT,
    startedAt: AT,
    finishedAt: AT,
    progress: null,
    ...overrides,
  };
}

export function take(overrides: Partial<Take> & Pick<Take, 'id' | 'modelId'>): Take {
  return {
    clipId: 1,
    songId: 1,
    batchId: `batch-${overrides.id}`,
    name: `Take ${overrides.id}`,
    settings: { mode: 'new', seconds: 8, extendFromRate: null },
    seed: String(1000 + overrides.id),
    checkpoint: null,
    status: 'ready',
    error: null,
    verdict: 'undecided',
    starred: false,
    sampleRate: 48_000,
    durationSeconds: 8,
    loudnessLufs: -16,
    sourceLoudnessLufs: -14,
    executionProvider: 'cpu',
    generateSeconds: 1.5,
    render: null,
    hasFile: true,
    createdAt: AT,
    finishedAt: AT,
    ...overrides,
  };
}

export function session(overrides: Partial<SessionSummary> & Pick<SessionSummary, 'id'>): SessionSummary {
  return {
    name: `Session ${overrides.id}`,
    format: 'single',
    itemSeconds: 8,
    itemCount: 4,
    catchTrials: false,
    sampleRate: 48_000,
    targetLufs: -23,
    status: 'open',
    raters: [{ id: 1, name: 'Ana', answered: 0, total: 4, submitted: false, accessKey: 'b'.repeat(64) }],
    createdAt: AT,
    ...overrides,
  };
}

export function trial(overrides: Partial<RaterTrial> & Pick<RaterTrial, 'raterId' | 'position'>): RaterTrial {
  return {
    sessionId: 1,
    total: 4,
    format: 'single',
    stimuli: [{ label: 'A', audio: 'c'.repeat(32) }],
    seconds: 8,
    ...overrides,
  };
}

/** Where a rater stands after `answered` of `total` items (the next trial while any are left). */
export function raterProgress(
  raterId: number,
  answered: number,
  overrides: Partial<RaterProgress> = {},
): RaterProgress {
  const total = overrides.total ?? 4;
  return {
    sessionId: 1,
    raterId,
    raterName: 'Ana',
    answered,
    total,
    next: answered < total ? trial({ raterId, position: answered + 1, total }) : null,
    finalAnswered: false,
    submitted: false,
    ...overrides,
  };
}

export function exportDefaults(overrides: Partial<ExportDefaults> = {}): ExportDefaults {
  return {
    destination: '/exports',
    exportRoot: '/exports',
    canChooseFolder: true,
    canReveal: true,
    format: 'both',
    sampleRate: 48_000,
    bitDepth: 24,
    placement: 'sequence',
    includeSource: true,
    ...overrides,
  };
}

const NOTHING_COUNTED: Proportion = { count: 0, of: 0, value: null, low: null, high: null };

/** Statistics over no answers. */
export function emptyStats(): RatingStats {
  return {
    trials: 0,
    accuracy: NOTHING_COUNTED,
    binomialP: null,
    dPrime: null,
    fooled: NOTHING_COUNTED,
    musicality: null,
    inspiring: NOTHING_COUNTED,
    inspiringOrMaybe: NOTHING_COUNTED,
  };
}

/** A session's results before anyone answered. */
export function emptyResults(sessionId: number): SessionResults {
  return {
    sessionId,
    name: `Session ${sessionId}`,
    format: 'single',
    excludedRaters: [],
    raters: [],
    pooled: emptyStats(),
    breakdown: { model: {}, preset: {}, epochs: {}, mode: {}, length: {} },
    items: [],
  };
}

/** A take's measurements with score `total` (0..1), flagged as a near-copy or not. */
export function takeMetrics(takeId: number, total: number, overrides: Partial<TakeMetrics> = {}): TakeMetrics {
  const pitch = { distinctPitches: 5, entropyBits: 1.5, rangeHz: 220, voicedFraction: 0.8 };
  const comparison = { mfccKl: 0.5, mfccFrechet: 10, spectralDistance: 1, pitchEntropyDelta: 0 };
  return {
    takeId,
    modelId: 1,
    version: 1,
    computedAt: AT,
    durationSeconds: 8,
    loudnessLufs: -16,
    peakDbfs: -1,
    pitch,
    sourcePitch: pitch,
    vsSource: comparison,
    vsHeldOut: null,
    copy: { longestSeconds: 0, regions: [], limitSeconds: 4, nearCopy: false },
    score: { total, fidelity: total, novelty: 1 - total, explanation: [] },
    ...overrides,
  };
}

/** A ranking of `measured`, best first. */
export function ranking(modelId: number, measured: TakeMetrics[]): Ranking {
  const entries = measured
    .toSorted((a, b) => b.score.total - a.score.total)
    .map((metrics, index) => ({ takeId: metrics.takeId, rank: index + 1, metrics }));
  return {
    modelId,
    weights: { fidelity: 0.5, novelty: 0.5, copyLimitSeconds: 4 },
    entries,
    diversity: {
      modelId,
      takes: measured.length,
      meanDistance: null,
      minDistance: null,
      referenceDistance: null,
      nearDuplicates: [],
      summary: 'Too few takes to tell.',
    },
  };
}

/** A MIDI part of 4 bars of 4/4 at 96 BPM, a track of MIDI file 11. */
export function part(overrides: Partial<PartDto> & Pick<PartDto, 'id' | 'songId'>): PartDto {
  return {
    midiFileId: 11,
    name: `Part ${overrides.id}`,
    program: 0,
    channel: 0,
    source: 'midi-file',
    sourceClipId: null,
    sourceTakeId: null,
    settings: {},
    noteCount: 8,
    lengthBeats: 16,
    lengthBars: 4,
    bpm: 96,
    timeSignature: { numerator: 4, denominator: 4 },
    clipCount: 0,
    createdAt: AT,
    ...overrides,
  };
}

/** {@link part} with its music: one middle C on beat 1. */
export function partDetail(overrides: Partial<PartDto> & Pick<PartDto, 'id' | 'songId'>): PartDetail {
  return {
    ...part(overrides),
    music: {
      program: 0,
      channel: 0,
      notes: [{ pitch: 60, startBeats: 0, durationBeats: 1, velocity: 100 }],
      bends: [],
      tempoMap: [{ beats: 0, bpm: 96 }],
      meterMap: [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }],
    },
  };
}

/** A clip of whole 4/4 bars of a part of song 3. */
export function partClip(overrides: Partial<PartClipDto> & Pick<PartClipDto, 'id' | 'partId' | 'startBar'>): PartClipDto {
  const lengthBars = overrides.lengthBars ?? 4;
  return {
    songId: 3,
    lengthBars,
    startBeats: (overrides.startBar - 1) * 4,
    endBeats: (overrides.startBar - 1 + lengthBars) * 4,
    noteCount: 5,
    label: '',
    notes: '',
    split: 'train',
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}
