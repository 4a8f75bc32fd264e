/**
 * How rating statistics read in the Results view: shares as "62 % (5/8)", p-values
 * ("p = 0.031", "p < 0.001"), d′, musicality "6.2 (5.1–7.3)". Pure; an absent statistic reads
 * as an em dash, never as 0. (A take's ratings in the Takes list: takes/take-ratings.ts.)
 */
import type { Proportion, RatingStats } from '../../../src-main/common/rating.js';

const DASH = '—';

/** 0.625 → "63 %". */
export function formatPercent(value: number | null): string {
  return value === null || !Number.isFinite(value) ? DASH : `${Math.round(value * 100)} %`;
}

/** "63 % (5/8)", or "—" when there was nothing to count. */
export function formatProportion(proportion: Proportion | null): string {
  if (!proportion || proportion.of === 0 || proportion.value === null) return DASH;
  return `${formatPercent(proportion.value)} (${proportion.count}/${proportion.of})`;
}

/** The 95 % interval of a share: "40–85 %". */
export function formatInterval(proportion: Proportion | null): string {
  if (!proportion || proportion.low === null || proportion.high === null || proportion.of === 0) return DASH;
  return `${Math.round(proportion.low * 100)}–${Math.round(proportion.high * 100)} %`;
}

/** "p = 0.031", "p < 0.001", "p = 1". */
export function formatPValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return DASH;
  if (p < 0.001) return 'p < 0.001';
  if (p >= 0.9995) return 'p = 1';
  return `p = ${p < 0.1 ? p.toFixed(3) : p.toFixed(2)}`;
}

/** d′ with two decimals and a real minus sign. */
export function formatDPrime(dPrime: number | null): string {
  if (dPrime === null || !Number.isFinite(dPrime)) return DASH;
  return dPrime.toFixed(2).replace('-', '−');
}

/** "6.2 (5.1–7.3)": the mean musicality and its 95 % interval. */
export function formatMusicality(musicality: RatingStats['musicality']): string {
  if (!musicality || musicality.n === 0) return DASH;
  const { mean, low, high } = musicality;
  return `${mean.toFixed(1)} (${low.toFixed(1)}–${high.toFixed(1)})`;
}

/** What detection accuracy says in words, for a table cell's tooltip. */
export function accuracyVerdict(stats: RatingStats): string {
  if (stats.accuracy.of === 0 || stats.binomialP === null) return 'No detection answers yet.';
  if (stats.binomialP < 0.05) return 'Better than chance: the listeners can tell real from generated.';
  return 'Not distinguishable from guessing (50 %): the fakes could not be told apart reliably.';
}

/** The breakdown keys' names as column headers. */
export const BREAKDOWN_NAMES = {
  model: 'Model',
  preset: 'Preset',
  epochs: 'Epochs',
  mode: 'Mode',
  length: 'Length',
} as const;
