/**
 * MIDI parts: the note model every MIDI feature shares — the library's parts and part clips,
 * the SMF reader, the SoundFont synth, transcription, the phrase models and the export.
 * docs/midi.md says what a part is and why its times are in beats.
 *
 * Times are in quarter notes ("beats", as Live's KeyTracks and the SMF's PPQ count them) from
 * the part's beat 0 = bar 1, so notes keep their place in the music when the tempo changes.
 * A part carries its own tempo map and meter map (from its MIDI file, or the song's one tempo
 * and signature when it was transcribed from audio), which turn beats into seconds and bars.
 *
 *   note:   pitch 0..127 · startBeats ≥ 0 · durationBeats > 0 · velocity 1..127
 *   bend:   beats ≥ 0 · value −1..1 (±1 = the bend range, 2 semitones by General MIDI default)
 *   tempo:  beats ≥ 0 · bpm 20..999, first point at beat 0, ascending
 *   meter:  beats ≥ 0 (on a bar line of the meter before) · numerator/denominator, first at 0
 */
import { z } from 'zod';
import { MAX_TEMPO, MIN_TEMPO, timeSignatureSchema } from './musical-time.js';

export const partNoteSchema = z.object({
  pitch: z.number().int().min(0).max(127),
  startBeats: z.number().nonnegative(),
  durationBeats: z.number().positive(),
  velocity: z.number().int().min(1).max(127),
});
export type PartNote = z.infer<typeof partNoteSchema>;

export const pitchBendSchema = z.object({
  beats: z.number().nonnegative(),
  /** −1..1 of the bend range. */
  value: z.number().min(-1).max(1),
});
export type PitchBend = z.infer<typeof pitchBendSchema>;

export const tempoPointSchema = z.object({
  beats: z.number().nonnegative(),
  bpm: z.number().min(MIN_TEMPO).max(MAX_TEMPO),
});
export type TempoPoint = z.infer<typeof tempoPointSchema>;

export const meterPointSchema = z.object({
  beats: z.number().nonnegative(),
  timeSignature: timeSignatureSchema,
});
export type MeterPoint = z.infer<typeof meterPointSchema>;

/** Where a part came from. */
export const PART_SOURCES = ['midi-file', 'transcription', 'model'] as const;
export const partSourceSchema = z.enum(PART_SOURCES);
export type PartSource = z.infer<typeof partSourceSchema>;

/** What a synth, an export or a model needs to play or place a part's notes. */
export const partMusicSchema = z.object({
  /** General MIDI program 0..127 (ignored on the drum channel). */
  program: z.number().int().min(0).max(127),
  /** 0..15; 9 is General MIDI's drum channel. */
  channel: z.number().int().min(0).max(15),
  notes: z.array(partNoteSchema),
  bends: z.array(pitchBendSchema),
  tempoMap: z.array(tempoPointSchema).min(1),
  meterMap: z.array(meterPointSchema).min(1),
});
export type PartMusic = z.infer<typeof partMusicSchema>;

/** The General MIDI drum channel (0-based). */
export const GM_DRUM_CHANNEL = 9;

// ---- the library's parts and part clips (services/parts/, docs/midi.md)

/** A part as the library lists it; its music comes with `parts:get` ({@link partDetailSchema}) or PartsService.musicOf. */
export const partDtoSchema = z.object({
  id: z.number().int().positive(),
  songId: z.number().int().positive(),
  /** The imported MIDI file it is a track of; null for a transcription or a model's part. */
  midiFileId: z.number().int().positive().nullable(),
  name: z.string().min(1).max(200),
  program: z.number().int().min(0).max(127),
  channel: z.number().int().min(0).max(15),
  source: partSourceSchema,
  /** The clip or take it was transcribed from (null once that is deleted, or for other sources). */
  sourceClipId: z.number().int().positive().nullable(),
  sourceTakeId: z.number().int().positive().nullable(),
  /** How it was made (a transcription's settings, so it can be redone); {} for an imported track. */
  settings: z.record(z.string(), z.unknown()),
  noteCount: z.number().int().nonnegative(),
  /** From beat 0 to the end of its last note. */
  lengthBeats: z.number().nonnegative(),
  /** Whole bars its notes reach into, on its own meter map. */
  lengthBars: z.number().int().nonnegative(),
  /** Its first tempo and signature (the maps may change later: see the music). */
  bpm: z.number().min(MIN_TEMPO).max(MAX_TEMPO),
  timeSignature: timeSignatureSchema,
  clipCount: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type PartDto = z.infer<typeof partDtoSchema>;

/** A part with its music (the piano roll's `parts:get`). */
export const partDetailSchema = partDtoSchema.extend({ music: partMusicSchema });
export type PartDetail = z.infer<typeof partDetailSchema>;

export const PART_CLIP_SPLITS = ['train', 'val', 'test'] as const;
/** Practice (train) or held out to check against (val, test), as for audio clips. */
export const partClipSplitSchema = z.enum(PART_CLIP_SPLITS);

/** Most bars a part clip may span (a long song is about 200 bars). */
export const MAX_PART_CLIP_BARS = 1000;

/** A stretch of a part by whole bars of its own meter map. */
export const partClipDtoSchema = z.object({
  id: z.number().int().positive(),
  partId: z.number().int().positive(),
  songId: z.number().int().positive(),
  /** 1-based, as a DAW counts. */
  startBar: z.number().int().min(1),
  lengthBars: z.number().int().min(1).max(MAX_PART_CLIP_BARS),
  /** Where those bars fall, in beats from the part's bar 1: [startBeats, endBeats). */
  startBeats: z.number().nonnegative(),
  endBeats: z.number().positive(),
  /** Notes that start inside it. */
  noteCount: z.number().int().nonnegative(),
  /** The songwriter's own words for it ("chorus hook"); may be empty. */
  label: z.string().max(200),
  notes: z.string().max(10_000),
  split: partClipSplitSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PartClipDto = z.infer<typeof partClipDtoSchema>;

export const partClipDraftSchema = z
  .object({
    partId: z.number().int().positive(),
    startBar: z.number().int().min(1),
    lengthBars: z.number().int().min(1).max(MAX_PART_CLIP_BARS),
    label: z.string().trim().max(200).default(''),
    notes: z.string().max(10_000).default(''),
    split: partClipSplitSchema.default('train'),
  })
  .strict();
export type PartClipDraft = z.input<typeof partClipDraftSchema>;

export const partClipPatchSchema = z
  .object({
    startBar: z.number().int().min(1).optional(),
    lengthBars: z.number().int().min(1).max(MAX_PART_CLIP_BARS).optional(),
    label: z.string().trim().max(200).optional(),
    notes: z.string().max(10_000).optional(),
    split: partClipSplitSchema.optional(),
  })
  .strict();
export type PartClipPatch = z.input<typeof partClipPatchSchema>;
