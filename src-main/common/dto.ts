/**
 * Data transfer objects: what services return and what crosses IPC. Each has a zod schema
 * (the source of truth) and the type inferred from it. Times are in seconds (float), ids are
 * SQLite integer row ids, timestamps are ISO-8601 strings in UTC.
 */
import { z } from 'zod';
import { musicalTimeSchema } from './musical-time.js';

export const CLIP_LABELS = ['U', 'V', 'gap'] as const;
/** U: new material (unfinished song); V: variation (rework a rejected song); gap: fill a hole. */
export const clipLabelSchema = z.enum(CLIP_LABELS);
export type ClipLabel = z.infer<typeof clipLabelSchema>;

export const CLIP_SPLITS = ['train', 'val', 'test'] as const;
/** Which part of an evaluation a clip belongs to (val and test are held out: docs/metrics.md §1). */
export const clipSplitSchema = z.enum(CLIP_SPLITS);
export type ClipSplit = z.infer<typeof clipSplitSchema>;

export const idSchema = z.number().int().positive();

/** One imported bounce: the original bytes kept in the store, plus what we measured. */
export const audioFileSchema = z.object({
  id: idSchema,
  songId: idSchema,
  /** The name the user's file had, e.g. "Verse idea 3.aif". */
  originalName: z.string(),
  /** Container as detected from the bytes: wav, aiff, flac, mp3, caf. */
  format: z.string(),
  /** SHA-256 of the original bytes, hex; also its key in the content-addressed store. */
  sha256: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sampleRate: z.number().int().positive(),
  channels: z.number().int().positive(),
  /** Sample frames per channel. */
  frames: z.number().int().positive(),
  durationSeconds: z.number().positive(),
  /** Sample peak over all channels, dBFS. */
  peakDbfs: z.number(),
  /** Integrated loudness, ITU-R BS.1770-4 with gating, LUFS; null if the gate closed. */
  loudnessLufs: z.number().nullable(),
  createdAt: z.string(),
});
export type AudioFile = z.infer<typeof audioFileSchema>;

export const songSchema = z.object({
  id: idSchema,
  name: z.string(),
  createdAt: z.string(),
  files: z.array(audioFileSchema),
  clipCount: z.number().int().nonnegative(),
  /**
   * Tempo, signature, bar 1 and key (common/musical-time.ts): estimated at import, editable;
   * null while a song imported before the analysis existed waits for it.
   */
  musicalTime: musicalTimeSchema.nullable(),
});
export type Song = z.infer<typeof songSchema>;

export const clipSchema = z.object({
  id: idSchema,
  songId: idSchema,
  fileId: idSchema,
  /** Region of the file, seconds from its start. */
  start: z.number().nonnegative(),
  end: z.number().positive(),
  label: clipLabelSchema,
  split: clipSplitSchema,
  /** For label "gap": the hole to fill, inside (start, end); null otherwise. */
  holeStart: z.number().nonnegative().nullable(),
  holeEnd: z.number().positive().nullable(),
  notes: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Clip = z.infer<typeof clipSchema>;

/** Fields a user sets when creating a clip; the service validates them against the file. */
export const clipDraftSchema = z.object({
  songId: idSchema,
  /** Defaults to the song's most recently imported file. */
  fileId: idSchema.optional(),
  start: z.number().finite().nonnegative(),
  end: z.number().finite().positive(),
  label: clipLabelSchema,
  split: clipSplitSchema.default('train'),
  /** Only for label "gap"; defaults to the middle third of the clip. */
  holeStart: z.number().finite().nonnegative().optional(),
  holeEnd: z.number().finite().positive().optional(),
  notes: z.string().max(10_000).default(''),
});
export type ClipDraft = z.input<typeof clipDraftSchema>;

/** A change to an existing clip: any subset of its editable fields. */
export const clipPatchSchema = z.object({
  start: z.number().finite().nonnegative().optional(),
  end: z.number().finite().positive().optional(),
  label: clipLabelSchema.optional(),
  split: clipSplitSchema.optional(),
  holeStart: z.number().finite().nonnegative().nullable().optional(),
  holeEnd: z.number().finite().positive().nullable().optional(),
  notes: z.string().max(10_000).optional(),
});
export type ClipPatch = z.infer<typeof clipPatchSchema>;

/** Progress of one import, sent as an event while files are decoded and stored. */
export const importProgressSchema = z.object({
  /** Index of the file in the request, 0-based, and how many there are. */
  index: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  name: z.string(),
  phase: z.enum(['reading', 'decoding', 'analysing', 'storing', 'done', 'failed']),
  /** Fraction of the whole request done, 0..1. */
  fraction: z.number().min(0).max(1),
  /** Set when phase is "failed": the one-line reason. */
  error: z.string().optional(),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;

/**
 * A file an import left alone because the library holds the same bytes already (by SHA-256):
 * the song and file that have them, so the person can open that song instead.
 */
export const importDuplicateSchema = z.object({
  /** The name of the file that was not imported. */
  name: z.string(),
  songId: idSchema,
  songName: z.string(),
  /** The audio file with those bytes; null for a MIDI file (then `midiFileId`). */
  fileId: idSchema.nullable(),
  midiFileId: idSchema.optional(),
});
export type ImportDuplicate = z.infer<typeof importDuplicateSchema>;
