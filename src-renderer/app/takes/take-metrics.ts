/**
 * How a take's measurements look in the Takes view: its score out of 100 and near-copy flag
 * for the list, the two linked weight sliders (fidelity + novelty = 1), the copy limit typed
 * in seconds, "why this score" in a songwriter's words (how close it sounds to the clip, how
 * much it copies) and, one click away, the numbers as compact table rows that name each
 * measure plainly and as docs/metrics.md does, and the Measure progress line. Pure functions
 * over the metrics DTOs.
 */
// Relative, not @common: jest and the Node type check load this file too (see its test).
import type { Comparison, MetricsProgressEvent, RankWeights, TakeMetrics } from '../../../src-main/common/metrics.js';
import { MEASURES, type MeasureKey } from '../../../src-main/common/plain-words.js';

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
  return `Score = ${fidelity}% how close it sounds to the clip + ${novelty}% how little it copies it.`;
}

/**
 * Fidelity in words, at the thresholds the core's own sentence uses
 * (services/metrics/measure/score.ts), so the words and the numbers behind them agree.
 */
export function closenessWords(fidelity: number): string {
  if (fidelity >= 0.75) return 'Sounds close to the clip.';
  if (fidelity >= 0.4) return 'Sounds somewhat like the clip.';
  return 'Sounds far from the clip.';
}

/**
 * What the take copies of its clip, in words: nothing, a stretch under the limit, or a
 * near-copy. Seconds are said to a tenth, so a stretch under 0.05 s (a frame or two alike, not
 * a passage played back) counts as nothing rather than "0 s".
 */
export function copyWords(copy: TakeMetrics['copy']): string {
  const tenths = Math.round(copy.longestSeconds * 10) / 10;
  const longest = formatSecondsShort(tenths);
  const limit = formatSecondsShort(copy.limitSeconds);
  if (tenths === 0 && !copy.nearCopy) return 'Copies nothing of the clip.';
  if (copy.nearCopy) return `Plays back ${longest} of the clip in one stretch: more than your ${limit} limit.`;
  return `Its longest stretch copied from the clip is ${longest} (your limit: ${limit}).`;
}

/** "Why this score" in words, shown first: how close it sounds, and how much it copies. */
export function plainVerdicts(metrics: TakeMetrics): string[] {
  return [closenessWords(metrics.score.fidelity), copyWords(metrics.copy)];
}

/** A measurement for the table: up to three significant digits, a true minus sign. */
export function formatMeasure(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  const text = value.toFixed(digits).replace('-', '−');
  return unit ? `${text} ${unit}` : text;
}

/** One row of a metrics table: its plain name, the name docs/metrics.md gives it, what it means, and its values in column order. */
export interface MetricRow {
  name: string;
  technical: string;
  /** What the number says, for the row's tooltip. */
  hint: string;
  values: string[];
}

function row(key: MeasureKey, values: string[]): MetricRow {
  const { plain, technical, hint } = MEASURES[key];
  return { name: plain, technical, hint, values };
}

/** The take's own numbers beside its source clip's: pitch content and level. */
export function ownRows(metrics: TakeMetrics, sourceLoudnessLufs: number | null): MetricRow[] {
  const { pitch, sourcePitch } = metrics;
  const lufs = (value: number | null): string => (value === null ? '—' : formatMeasure(value, 'LUFS'));
  return [
    row('distinctPitches', [String(pitch.distinctPitches), String(sourcePitch.distinctPitches)]),
    row('pitchEntropy', [formatMeasure(pitch.entropyBits, 'bits'), formatMeasure(sourcePitch.entropyBits, 'bits')]),
    row('pitchRange', [formatMeasure(pitch.rangeHz, 'Hz'), formatMeasure(sourcePitch.rangeHz, 'Hz')]),
    row('loudness', [lufs(metrics.loudnessLufs), lufs(sourceLoudnessLufs)]),
    row('peak', [formatMeasure(metrics.peakDbfs, 'dBFS'), '—']),
  ];
}

/** The take against its source clip and against held-out audio of the song ("the rest of the song"). */
export function comparisonRows(metrics: TakeMetrics): MetricRow[] {
  const column = (comparison: Comparison | null, read: (c: Comparison) => number, unit = ''): string =>
    comparison === null ? '—' : formatMeasure(read(comparison), unit);
  const both = (read: (c: Comparison) => number, unit = ''): string[] => [
    column(metrics.vsSource, read, unit),
    column(metrics.vsHeldOut, read, unit),
  ];
  return [
    row('mfccFrechet', both((c) => c.mfccFrechet)),
    row('mfccKl', both((c) => c.mfccKl, 'nats')),
    row('spectralDistance', both((c) => c.spectralDistance, 'dB')),
    row('pitchEntropyDelta', both((c) => c.pitchEntropyDelta, 'bits')),
  ];
}

/** "Measuring take 3 of 20 · about 5 s left" for the Measure progress line. */
export function measureProgressText(event: MetricsProgressEvent | null): string {
  if (!event) return 'Measuring…';
  const step = `Measuring take ${Math.min(event.done + 1, event.total)} of ${event.total}`;
  if (event.etaSeconds === null) return `${step}…`;
  return `${step} · about ${Math.max(1, Math.round(event.etaSeconds))} s left`;
}
