/**
 * Export DTOs: what the UI or CLI asks for when it exports takes to Ableton Live or Logic Pro,
 * what comes back, the defaults the Export dialog starts from, and the progress event. Shared by
 * the export service, the IPC contract, the CLI and the renderer. Times in seconds, tempo in
 * quarter notes per minute (BPM, as both DAWs count it), sample rates in Hz.
 */
import { z } from 'zod';
import { idSchema } from './dto.js';

export const EXPORT_FORMATS = ['ableton', 'logic', 'both'] as const;
export const exportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export const MIN_EXPORT_TEMPO = 20;
export const MAX_EXPORT_TEMPO = 999;
/** The tempo used when the user gives none and the song has no clear beat (or is gone). */
export const FALLBACK_TEMPO = 120;
/** The most takes one export carries (each becomes a track). */
export const MAX_EXPORT_TAKES = 100;
/** The longest song name an export takes, characters after trimming. */
export const MAX_EXPORT_SONG_NAME = 200;

/** The one line an export of nothing is refused with. */
export const NOTHING_TO_EXPORT = 'name at least one take, part, part clip or MIDI take';

export const exportTimeSignatureSchema = z.object({
  numerator: z.number().int().min(1).max(99),
  /** A power of two, as DAWs and MIDI require. */
  denominator: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8), z.literal(16)]),
});

/**
 * An export request. `destination` is the folder the export folders go into (created when it
 * is missing). Which folders a caller may name is the export service's rule (see
 * export-service.ts checkDestination): the app passes only a folder the user picked in the
 * system dialog, web mode only folders under its export root, and never the data folder.
 */
export const exportRequestSchema = z.object({
  /** Takes, each on an audio track; with parts or part clips, none is needed [none]. */
  takeIds: z.array(idSchema).max(MAX_EXPORT_TAKES).default([]),
  /** Whole MIDI parts, each on a MIDI track (and, for Logic, a MIDI file and its rendered stem) [none]. */
  partIds: z.array(idSchema).max(MAX_EXPORT_TAKES).default([]),
  /** Part clips (bars of a part), each like a part [none]. */
  partClipIds: z.array(idSchema).max(MAX_EXPORT_TAKES).default([]),
  /**
   * MIDI takes of phrase models (phrase_takes), each on a MIDI track like a part, at its place in
   * its song when every one is of the same song; a failed or discarded take is refused [none].
   */
  phraseTakeIds: z.array(idSchema).max(MAX_EXPORT_TAKES).default([]),
  /** Put the clip the takes' model learned on its own track, first [true]. */
  includeSource: z.boolean().default(true),
  format: exportFormatSchema.default('both'),
  sampleRate: z.union([z.literal(44100), z.literal(48000)]).default(48000),
  /** 24-bit integer PCM, or 32-bit float. */
  bitDepth: z.union([z.literal(24), z.literal(32)]).default(24),
  /** BPM [the song's tempo (estimated at import or set by the user), else 120]. */
  tempo: z.number().finite().min(MIN_EXPORT_TEMPO).max(MAX_EXPORT_TEMPO).optional(),
  /** [the song's, else 4/4]. */
  timeSignature: exportTimeSignatureSchema.optional(),
  /** sequence: one after another from bar 1, each at the first bar line after the previous ends; stack: all at bar 1. */
  placement: z.enum(['sequence', 'stack']).default('sequence'),
  /** An absolute folder [the remembered one, else <Music or home>/Eureka Exports]. */
  destination: z.string().min(1).max(4096).optional(),
  /** Names the folders, the set and the tempo map [the song's name]. */
  songName: z.string().trim().min(1).max(MAX_EXPORT_SONG_NAME).optional(),
  /** Tags this export's progress events [a fresh id]. */
  exportId: z.string().min(1).max(64).optional(),
}).refine((request) => request.takeIds.length + request.partIds.length + request.partClipIds.length + request.phraseTakeIds.length > 0, {
  message: NOTHING_TO_EXPORT,
  path: ['takeIds'],
});
export type ExportRequest = z.input<typeof exportRequestSchema>;
export type ParsedExportRequest = z.output<typeof exportRequestSchema>;

export const exportResultSchema = z.object({
  /** The folders written, absolute ("…/Verse idea Project", "…/Verse idea Logic"). */
  folders: z.array(z.string()),
  /** Files written over all folders. */
  files: z.number().int().nonnegative(),
  tempo: z.number(),
  /** True when the tempo is the song's estimate (not set by anyone, not the fallback). */
  tempoEstimated: z.boolean(),
  /**
   * Where the tempo came from: the request ('user'), the song's tempo as its user set it
   * ('song'), the song's tempo as estimated at import ('estimate'), 120 BPM ('fallback': the
   * song has no clear beat, or is gone), or the first MIDI part's tempo map ('part': an export
   * of MIDI parts or MIDI takes alone, the first one's song map; `tempo` is its tempo at bar 1).
   */
  tempoSource: z.enum(['user', 'song', 'estimate', 'fallback', 'part']),
  /** The set's time signature: the request's, else the song's, else 4/4. */
  timeSignature: exportTimeSignatureSchema,
});
export type ExportResult = z.infer<typeof exportResultSchema>;

/** What the Export dialog starts from. */
export const exportDefaultsSchema = z.object({
  /** The remembered destination, else the export root. */
  destination: z.string(),
  /** Web mode allows destinations inside this folder only; the app's default. */
  exportRoot: z.string(),
  /** True when the host can show a folder picker (the app); web mode types a folder under exportRoot. */
  canChooseFolder: z.boolean(),
  /** True when the host can reveal a folder in Finder / Explorer. */
  canReveal: z.boolean(),
  format: exportFormatSchema,
  sampleRate: z.union([z.literal(44100), z.literal(48000)]),
  bitDepth: z.union([z.literal(24), z.literal(32)]),
  placement: z.enum(['sequence', 'stack']),
  includeSource: z.boolean(),
});
export type ExportDefaults = z.infer<typeof exportDefaultsSchema>;

/** Progress of one export: a step per file read or written. */
export const exportProgressEventSchema = z.object({
  /** The id `export:takes` was called with (or one the service made up). */
  exportId: z.string(),
  phase: z.enum(['preparing', 'writing', 'finishing']),
  /** The file being read or written ("Take 3.wav"), or null. */
  file: z.string().nullable(),
  /** Of the whole export, 0..1. */
  fraction: z.number().min(0).max(1),
});
export type ExportProgressEvent = z.infer<typeof exportProgressEventSchema>;
