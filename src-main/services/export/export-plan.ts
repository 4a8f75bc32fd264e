/**
 * The export plan: everything the file writers need, already decided. The export service
 * builds it (takes loaded, resampled to the export rate, placed in the song, named uniquely);
 * the WAV, Logic and Ableton writers only turn it into bytes. Times in seconds (and, for
 * positions, in beats), samples Float32 at `sampleRate`: one channel for a take, the original's
 * one or two for the source clip.
 */

export interface ExportMidiNote {
  /** MIDI note number 0..127. */
  midi: number;
  /** Start, seconds from the item's start. */
  time: number;
  /** Seconds. */
  duration: number;
  /** 0..1. */
  velocity: number;
}

export interface ExportItem {
  /** Track and file base name (already unique within the plan, NOT yet filesystem-sanitised). */
  name: string;
  kind: 'source' | 'take';
  /** One or two channels of equal length at plan.sampleRate (already resampled), the clip's level. */
  channels: Float32Array[];
  /** Where it starts in the song, seconds from bar 1 (arrangement position). */
  startSeconds: number;
  /**
   * The same position in quarter notes from bar 1, exact: items start on bar lines, and a bar is
   * numerator·4/denominator quarter notes (a power-of-two denominator keeps that a float exactly).
   */
  startBeats: number;
  /** LIST/INFO comment and bext description: "model 3 · new · seed 42" or "source clip 0:04–0:12". */
  comment: string;
  /** Provenance for eureka-takes.json (free-form JSON object). */
  provenance: Record<string, unknown>;
  /** MIDI notes when the item has them (none today). */
  midi: { notes: ExportMidiNote[] } | null;
}

export const EXPORT_SAMPLE_RATES = [44100, 48000] as const;
export type ExportSampleRate = (typeof EXPORT_SAMPLE_RATES)[number];
export const EXPORT_BIT_DEPTHS = [24, 32] as const;
/** 24 = 24-bit integer PCM, 32 = 32-bit float. */
export type ExportBitDepth = (typeof EXPORT_BIT_DEPTHS)[number];
export type ExportPlacement = 'sequence' | 'stack';

export interface ExportTimeSignature {
  numerator: number;
  /** A power of two: 1, 2, 4, 8, 16, 32. */
  denominator: number;
}

export interface ExportPlan {
  /** "Verse idea 3" (not filesystem-sanitised). */
  songName: string;
  /** BPM, 20..999. */
  tempo: number;
  /** 4/4 default. */
  timeSignature: ExportTimeSignature;
  sampleRate: ExportSampleRate;
  /** 32 = 32-bit float. */
  bitDepth: ExportBitDepth;
  /** One after another (each starts at the first bar line after the previous ends), or all at bar 1. */
  placement: ExportPlacement;
  /** items[0] is the source clip when included. */
  items: ExportItem[];
  /** For the bext origination date/time. */
  createdAt: Date;
}

/** Quarter notes in one bar (a beat is a 1/denominator note): exact for every time signature we take. */
export function beatsPerBar(timeSignature: ExportTimeSignature): number {
  return (timeSignature.numerator * 4) / timeSignature.denominator;
}

/**
 * Seconds at `beats` quarter notes from bar 1, in one division (so bar 11 of 3/4 at 100 BPM is
 * 18 s, not the 17.999999999999996 that ten sums of a 1.8 s bar give).
 */
export function secondsAtBeats(beats: number, tempo: number): number {
  return (beats * 60) / tempo;
}

/** Seconds in one bar of the plan's tempo and time signature. */
export function secondsPerBar(plan: Pick<ExportPlan, 'tempo' | 'timeSignature'>): number {
  return secondsAtBeats(beatsPerBar(plan.timeSignature), plan.tempo);
}

/** An item's length, sample frames. */
export function itemFrames(item: Pick<ExportItem, 'channels'>): number {
  return item.channels[0]?.length ?? 0;
}

/** An item's length, seconds. */
export function itemSeconds(item: Pick<ExportItem, 'channels'>, sampleRate: number): number {
  return itemFrames(item) / sampleRate;
}
