/**
 * The export plan: everything the file writers need, already decided. The export service
 * builds it (takes loaded, resampled to the export rate, placed in the song, named uniquely);
 * the WAV, Logic and Ableton writers only turn it into bytes. Times in seconds (and, for
 * positions, in beats), samples Float32 at `sampleRate`: one channel for a take, the original's
 * one or two for the source clip, the synth's two for a MIDI part.
 *
 * A MIDI part (or part clip) is an item whose `midi` holds its notes in beats from the item's
 * start (common/midi.ts); its `channels` are the part rendered by the synth at the plan's tempo
 * (Logic's stems and regions), or none when only Ableton is exported (Live gets the notes).
 * The plan's tempo map and meter map are the song's conductor: one tempo and signature unless
 * the export is of MIDI parts alone, when they are the first part's (export-plan-builder.ts).
 */
import type { MeterPoint, PartNote, PitchBend, TempoPoint } from '../../common/midi.js';
import { beatsAtSeconds, secondsAtBeats as secondsAtBeatsOfMap } from '../../common/tempo-map.js';

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

/** A MIDI part's music in an export, placed by its item. */
export interface ExportItemMidi {
  /** General MIDI program 0..127 and channel 0..15 (9: drums), as the part has them. */
  program: number;
  channel: number;
  /** Beats from the item's start. */
  notes: PartNote[];
  bends: PitchBend[];
  /** The clip's length, beats from the item's start (the part's or part clip's whole length). */
  lengthBeats: number;
}

export interface ExportItem {
  /** Track and file base name (already unique within the plan, NOT yet filesystem-sanitised). */
  name: string;
  /** 'phrase-take': a MIDI take of a phrase model, a MIDI item like a part. */
  kind: 'source' | 'take' | 'part' | 'phrase-take';
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
  /** A MIDI part's music; null for audio. */
  midi: ExportItemMidi | null;
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
  /**
   * The song's tempo changes, first point `tempo` at beat 0 (absent: `tempo` throughout). Only
   * an export of MIDI parts alone has more than one point.
   */
  tempoMap?: TempoPoint[];
  /** The song's meter changes, first point `timeSignature` at beat 0 (absent: `timeSignature` throughout). */
  meterMap?: MeterPoint[];
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

/** The plan's conductor: its tempo and meter maps (one point each when it has none). */
export function conductorOf(plan: Pick<ExportPlan, 'tempo' | 'timeSignature' | 'tempoMap' | 'meterMap'>): {
  tempoMap: TempoPoint[];
  meterMap: MeterPoint[];
} {
  return {
    tempoMap: plan.tempoMap ?? [{ beats: 0, bpm: plan.tempo }],
    // The plan's signature has a power-of-two denominator (exportTimeSignatureSchema).
    meterMap: plan.meterMap ?? [{ beats: 0, timeSignature: plan.timeSignature as MeterPoint['timeSignature'] }],
  };
}

/** Seconds from bar 1 at `beats`, through the plan's tempo map (exact at one tempo, as secondsAtBeats). */
export function planSecondsAtBeats(plan: Pick<ExportPlan, 'tempo' | 'timeSignature' | 'tempoMap' | 'meterMap'>, beats: number): number {
  return plan.tempoMap ? secondsAtBeatsOfMap(plan.tempoMap, beats) : secondsAtBeats(beats, plan.tempo);
}

/** Beats from bar 1 at `seconds`, through the plan's tempo map. */
export function planBeatsAtSeconds(plan: Pick<ExportPlan, 'tempo' | 'tempoMap'>, seconds: number): number {
  return plan.tempoMap ? beatsAtSeconds(plan.tempoMap, seconds) : (seconds * plan.tempo) / 60;
}

/** An item's length, sample frames. */
export function itemFrames(item: Pick<ExportItem, 'channels'>): number {
  return item.channels[0]?.length ?? 0;
}

/** An item's length, seconds: its audio's, or for a MIDI part its clip's through the plan's tempo map. */
export function itemSeconds(item: Pick<ExportItem, 'channels'> & Partial<Pick<ExportItem, 'midi' | 'startBeats'>>, sampleRate: number, plan?: Pick<ExportPlan, 'tempo' | 'timeSignature' | 'tempoMap' | 'meterMap'>): number {
  if (item.midi && plan) {
    const start = item.startBeats ?? 0;
    return planSecondsAtBeats(plan, start + item.midi.lengthBeats) - planSecondsAtBeats(plan, start);
  }
  return itemFrames(item) / sampleRate;
}
