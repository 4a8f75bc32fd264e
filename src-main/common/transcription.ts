/**
 * Transcription: a clip or a take becomes a MIDI part (common/midi.ts) through Spotify's
 * basic-pitch model, offline. The settings are stored with the part, so a transcription can be
 * redone with other ones; docs/midi.md "Transcription" says what each does and how accurate the
 * model is.
 */
import { z } from 'zod';
import { idSchema } from './dto.js';

/** What basic-pitch's note decoding is given; defaults measured on the bench (docs/midi.md). */
export const transcriptionSettingsSchema = z
  .object({
    /** How sure the model must be that a note starts here, 0.05–0.95 (higher: fewer, surer notes). */
    onsetThreshold: z.number().min(0.05).max(0.95).default(0.6),
    /** How sure it must be that a note still sounds, 0.05–0.95 (higher: shorter notes, fewer ghosts). */
    frameThreshold: z.number().min(0.05).max(0.95).default(0.4),
    /** Notes shorter than this are dropped, milliseconds (basic-pitch's default is 128 ms). */
    minNoteMs: z.number().min(10).max(2000).default(128),
    /** The lowest and highest MIDI note kept (the model hears 21 = A0 to 108 = C8). */
    minPitch: z.number().int().min(21).max(108).default(21),
    maxPitch: z.number().int().min(21).max(108).default(108),
    /**
     * basic-pitch's "melodia trick": after the notes with onsets, also take sustained energy
     * without a clear onset as notes. More notes found, and more ghosts.
     */
    melodiaTrick: z.boolean().default(false),
    /** Pitch bends from the model's pitch contour, where one note sounds alone (a channel bends all its notes). */
    pitchBends: z.boolean().default(true),
  })
  .strict()
  .refine((s) => s.minPitch <= s.maxPitch, 'minPitch must not be above maxPitch');
export type TranscriptionSettings = z.infer<typeof transcriptionSettingsSchema>;
export type TranscriptionSettingsInput = z.input<typeof transcriptionSettingsSchema>;

/** The settings with every default filled in. */
export function transcriptionSettings(input: TranscriptionSettingsInput = {}): TranscriptionSettings {
  return transcriptionSettingsSchema.parse(input);
}

/** What to transcribe: a clip, a take, or a transcribed part again (its source, new settings). */
export const transcriptionTargetSchema = z.union([
  z.object({ clipId: idSchema }).strict(),
  z.object({ takeId: idSchema }).strict(),
  z.object({ partId: idSchema }).strict(),
]);
export type TranscriptionTarget = z.infer<typeof transcriptionTargetSchema>;

export const transcriptionRequestSchema = z.object({
  target: transcriptionTargetSchema,
  /** Omitted fields take their defaults; for a redo, omitted fields keep the part's stored settings. */
  settings: z.record(z.string(), z.unknown()).default({}),
  /** The caller's id for the job, so it can follow progress and cancel before the answer. */
  jobId: z.string().min(1).max(64).optional(),
});
export type TranscriptionRequest = z.input<typeof transcriptionRequestSchema>;

export const transcriptionResultSchema = z.object({
  jobId: z.string(),
  partId: idSchema,
  partName: z.string(),
  /** True when an existing part's music was replaced (a redo). */
  replaced: z.boolean(),
  notes: z.number().int().nonnegative(),
  bends: z.number().int().nonnegative(),
  /** Notes that began before bar 1 of the song and were left out (a part starts at bar 1). */
  notesBeforeBarOne: z.number().int().nonnegative(),
  /** Seconds of audio transcribed, and the wall time it took. */
  audioSeconds: z.number().nonnegative(),
  elapsedSeconds: z.number().nonnegative(),
  settings: z.record(z.string(), z.unknown()),
});
export type TranscriptionResult = z.infer<typeof transcriptionResultSchema>;

/** What `transcription:start` answers: the stored part, or that the job was cancelled. */
export const transcriptionOutcomeSchema = z.discriminatedUnion('status', [
  transcriptionResultSchema.extend({ status: z.literal('done') }),
  z.object({ status: z.literal('cancelled'), jobId: z.string() }),
]);
export type TranscriptionOutcome = z.infer<typeof transcriptionOutcomeSchema>;

export const transcriptionProgressEventSchema = z.object({
  jobId: z.string(),
  /** What is happening now, in words ("reading the clip", "listening", "writing the notes"). */
  stage: z.enum(['reading', 'listening', 'writing']),
  /** 0..1 of the whole job. */
  fraction: z.number().min(0).max(1),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type TranscriptionProgressEvent = z.infer<typeof transcriptionProgressEventSchema>;

/** "42 notes in a new part 'verse riff (transcribed)'" — the result in plain words. */
export function describeTranscription(result: Pick<TranscriptionResult, 'notes' | 'partName' | 'replaced' | 'notesBeforeBarOne'>): string {
  const notes = `${result.notes} ${result.notes === 1 ? 'note' : 'notes'}`;
  const where = result.replaced ? `replace the notes of '${result.partName}'` : `in a new part '${result.partName}'`;
  const before =
    result.notesBeforeBarOne > 0
      ? ` (${result.notesBeforeBarOne} before bar 1 left out)`
      : '';
  return `${notes} ${where}${before}`;
}
