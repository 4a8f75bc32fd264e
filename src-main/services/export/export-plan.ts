/**
 * The export plan: everything the file writers need, already decided. The export service
 * builds it (takes loaded, resampled to the export rate, placed in the song, named uniquely);
 * the WAV, Logic and Ableton writers only turn it into bytes. Times in seconds, samples mono
 * Float32 at `sampleRate`.
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
  /** Mono samples at plan.sampleRate (already resampled), the clip's level. */
  samples: Float32Array;
  /** Where it starts in the song, seconds from bar 1 (arrangement position). */
  startSeconds: number;
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

/** Seconds in one bar of the plan's tempo and time signature (a beat is a 1/denominator note). */
export function secondsPerBar(plan: Pick<ExportPlan, 'tempo' | 'timeSignature'>): number {
  const quarterNoteSeconds = 60 / plan.tempo;
  return plan.timeSignature.numerator * quarterNoteSeconds * (4 / plan.timeSignature.denominator);
}

/** An item's length, seconds. */
export function itemSeconds(item: ExportItem, sampleRate: number): number {
  return item.samples.length / sampleRate;
}
