/**
 * How a take's measurements look in the Takes view: its score out of 100 and near-copy flag
 * for the list, the two linked weight sliders (fidelity + novelty = 1), the copy limit typed
 * in seconds, the "why this score" numbers as compact table rows, and the Measure progress
 * line. Pure functions over the metrics DTOs.
 */
// Relative, not @common: jest and the Node type check load this file too (see its test).
import type { Comparison, MetricsProgressEvent, RankWeights, TakeMetrics } from '../../../src-main/common/metrics.js';

/** What a take's row shows once it is measured. */
export interface ScoreBadge {
  /** 0…100, higher is better. */
  score: number;
  nearCopy: boolean;
}

/** A score's total (0…1) as the whole number out of 100 the UI shows. */
export function scorePercent(total: number): number {
  if (!Number.isFinite(total)) return 0;
  return Math.round(Math.min(1, Math.max(0, total)) * 100);
}

/** Each measured take's badge, by take id. */
export function scoreBadges(metrics: Readonly<Record<number, TakeMetrics>>): Record<number, ScoreBadge> {
  const badges: Record<number, ScoreBadge> = {};
  for (const measured of Object.values(metrics)) {
    badges[measured.takeId] = { score: scorePercent(measured.score.total), nearCopy: measured.copy.nearCopy };
  }
  return badges;
}

/** The ids of the takes flagged as near-copies. */
export function nearCopyIds(metrics: Readonly<Record<number, TakeMetrics>>): Set<number> {
  return new Set(Object.values(metrics).filter((measured) => measured.copy.nearCopy).map((measured) => measured.takeId));
}

/** Weight steps the sliders move in (hundredths): rounding keeps fidelity + novelty exactly 1. */
const WEIGHT_STEPS = 100;

/**
 * The weights after one slider moved to `value` (0…1): the other part takes the rest, so the
 * two always add up to 1; the copy limit is kept.
 */
export function linkedWeights(weights: RankWeights, part: 'fidelity' | 'novelty', value: number): RankWeights {
  const moved = Number.isFinite(value) ? Math.round(Math.min(1, Math.max(0, value)) * WEIGHT_STEPS) : WEIGHT_STEPS / 2;
  const rest = WEIGHT_STEPS - moved;
  const fidelity = (part === 'fidelity' ? moved : rest) / WEIGHT_STEPS;
  const novelty = (part === 'novelty' ? moved : rest) / WEIGHT_STEPS;
  return { ...weights, fidelity, novelty };
}

/** The longest copy limit the settings accept, seconds (the contract's bound). */
export const MAX_COPY_LIMIT_SECONDS = 600;

/** A typed copy limit ("4", "2.5 s") in seconds, or null when it is not a usable limit. */
export function parseCopyLimit(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:s|sec|seconds?)?\s*$/i.exec(text);
  if (!match?.[1]) return null;
  const seconds = Number(match[1]);
  return seconds > 0 && seconds <= MAX_COPY_LIMIT_SECONDS ? seconds : null;
}

/** "4 s", "2.5 s": seconds with at most two decimals. */
export function formatSecondsShort(seconds: number): string {
  return `${String(Math.round(seconds * 100) / 100)} s`;
}

/** The weights in one sentence, for the panel and the sliders' description. */
export function weightsSentence(weights: Pick<RankWeights, 'fidelity' | 'novelty'>): string {
  const fidelity = Math.round(weights.fidelity * 100);
  const novelty = Math.round(weights.novelty * 100);
  return `Score = ${fidelity}% fidelity (sounds like the source clip) + ${novelty}% novelty (does not copy it).`;
}

/** A measurement for the table: up to three significant digits, a true minus sign. */
export function formatMeasure(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  const text = value.toFixed(digits).replace('-', '−');
  return unit ? `${text} ${unit}` : text;
}

/** One row of a metrics table: a name, what it means, and its values in column order. */
export interface MetricRow {
  name: string;
  /** What the number says, for the row's tooltip. */
  hint: string;
  values: string[];
}

/** The take's own numbers beside its source clip's: pitch content and level. */
export function ownRows(metrics: TakeMetrics, sourceLoudnessLufs: number | null): MetricRow[] {
  const { pitch, sourcePitch } = metrics;
  const lufs = (value: number | null): string => (value === null ? '—' : formatMeasure(value, 'LUFS'));
  return [
    {
      name: 'Distinct pitches',
      hint: 'How many different notes (rounded to semitones) the pitch tracker heard',
      values: [String(pitch.distinctPitches), String(sourcePitch.distinctPitches)],
    },
    {
      name: 'Pitch entropy',
      hint: 'How evenly the notes are used, in bits: 0 is a single note',
      values: [formatMeasure(pitch.entropyBits, 'bits'), formatMeasure(sourcePitch.entropyBits, 'bits')],
    },
    {
      name: 'Pitch range',
      hint: 'Highest minus lowest pitch heard',
      values: [formatMeasure(pitch.rangeHz, 'Hz'), formatMeasure(sourcePitch.rangeHz, 'Hz')],
    },
    {
      name: 'Loudness',
      hint: 'Integrated loudness (EBU R 128)',
      values: [lufs(metrics.loudnessLufs), lufs(sourceLoudnessLufs)],
    },
    { name: 'Peak', hint: 'Sample peak', values: [formatMeasure(metrics.peakDbfs, 'dBFS'), '—'] },
  ];
}

/** The take against its source clip and against held-out audio of the song. */
export function comparisonRows(metrics: TakeMetrics): MetricRow[] {
  const column = (comparison: Comparison | null, read: (c: Comparison) => number, unit = ''): string =>
    comparison === null ? '—' : formatMeasure(read(comparison), unit);
  const both = (read: (c: Comparison) => number, unit = ''): string[] => [
    column(metrics.vsSource, read, unit),
    column(metrics.vsHeldOut, read, unit),
  ];
  return [
    {
      name: 'MFCC KL divergence',
      hint: 'How differently the timbres are distributed (0: the same distribution)',
      values: both((c) => c.mfccKl, 'nats'),
    },
    {
      name: 'MFCC Fréchet distance',
      hint: 'Distance between the timbre statistics (0: the same)',
      values: both((c) => c.mfccFrechet),
    },
    {
      name: 'Spectral distance',
      hint: 'Multi-resolution log-spectral distance (0: identical audio)',
      values: both((c) => c.spectralDistance, 'dB'),
    },
    {
      name: 'Pitch entropy change',
      hint: "The take's pitch entropy minus the reference's, bits",
      values: both((c) => c.pitchEntropyDelta, 'bits'),
    },
  ];
}

/** "Measuring take 3 of 20 · about 5 s left" for the Measure progress line. */
export function measureProgressText(event: MetricsProgressEvent | null): string {
  if (!event) return 'Measuring…';
  const step = `Measuring take ${Math.min(event.done + 1, event.total)} of ${event.total}`;
  if (event.etaSeconds === null) return `${step}…`;
  return `${step} · about ${Math.max(1, Math.round(event.etaSeconds))} s left`;
}
