/**
 * Beats ↔ seconds through a tempo map, and bars ↔ beats through a meter map (common/midi.ts
 * gives the units: quarter notes from bar 1). Both maps are step functions: a tempo holds from
 * its point to the next, a meter from its point (a bar line) to the next. Bars are numbered
 * from 1, as in a DAW.
 */
import type { MeterPoint, TempoPoint } from './midi.js';

/** Seconds from bar 1 at `beats` quarter notes from bar 1. */
export function secondsAtBeats(tempoMap: readonly TempoPoint[], beats: number): number {
  let seconds = 0;
  for (let i = 0; i < tempoMap.length; i++) {
    const point = tempoMap[i]!;
    const nextBeats = tempoMap[i + 1]?.beats ?? Infinity;
    if (beats <= nextBeats) return seconds + ((beats - point.beats) * 60) / point.bpm;
    seconds += ((nextBeats - point.beats) * 60) / point.bpm;
  }
  return seconds;
}

/** Quarter notes from bar 1 at `seconds` from bar 1 (the inverse of secondsAtBeats). */
export function beatsAtSeconds(tempoMap: readonly TempoPoint[], seconds: number): number {
  let elapsed = 0;
  for (let i = 0; i < tempoMap.length; i++) {
    const point = tempoMap[i]!;
    const next = tempoMap[i + 1];
    const segment = next ? ((next.beats - point.beats) * 60) / point.bpm : Infinity;
    if (!next || elapsed + segment > seconds) return point.beats + ((seconds - elapsed) * point.bpm) / 60;
    elapsed += segment;
  }
  return 0;
}

/** Beats closer than this to a map point count as on it (float noise from sums of bar lengths). */
const ON_POINT = 1e-6;

/**
 * The stretch [start, end) of a step map (tempos, meters) as a map of its own, from beat 0: the
 * point in effect at `start` moved to it, then the later points before `end`, shifted alike.
 * Part clips and export stems play a stretch of a part with it.
 */
export function mapFrom<T extends { beats: number }>(points: readonly T[], start: number, end = Infinity): T[] {
  const inEffect = [...points].reverse().find((point) => point.beats <= start + ON_POINT) ?? points[0]!;
  const later = points.filter((point) => point.beats > start + ON_POINT && point.beats < end - ON_POINT);
  return [{ ...inEffect, beats: 0 }, ...later.map((point) => ({ ...point, beats: point.beats - start }))];
}

/** Quarter notes in one bar of a meter. */
export function beatsPerBarOf(meter: MeterPoint['timeSignature']): number {
  return (meter.numerator * 4) / meter.denominator;
}

/** The beat at which bar `bar` (1-based; a fraction is part of the way into that bar) starts. */
export function beatsAtBar(meterMap: readonly MeterPoint[], bar: number): number {
  let barAtPoint = 1;
  for (let i = 0; i < meterMap.length; i++) {
    const point = meterMap[i]!;
    const perBar = beatsPerBarOf(point.timeSignature);
    const next = meterMap[i + 1];
    const barsHere = next ? (next.beats - point.beats) / perBar : Infinity;
    if (bar < barAtPoint + barsHere || !next) return point.beats + (bar - barAtPoint) * perBar;
    barAtPoint += barsHere;
  }
  return 0;
}

/** The bar (1-based, fractional inside a bar) at `beats` quarter notes from bar 1. */
export function barAtBeats(meterMap: readonly MeterPoint[], beats: number): number {
  let barAtPoint = 1;
  for (let i = 0; i < meterMap.length; i++) {
    const point = meterMap[i]!;
    const perBar = beatsPerBarOf(point.timeSignature);
    const next = meterMap[i + 1];
    if (!next || beats < next.beats) return barAtPoint + (beats - point.beats) / perBar;
    barAtPoint += (next.beats - point.beats) / perBar;
  }
  return 1;
}
