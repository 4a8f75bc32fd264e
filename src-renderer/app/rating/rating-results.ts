/**
 * SessionResults → what the Results view draws: table rows (raters, the pool, each breakdown)
 * and bar-chart data for one statistic. Pure; the statistics themselves come from the core.
 */
import { BREAKDOWN_KEYS, type RatingStats, type SessionResults } from '../../../src-main/common/rating.js';
import { BREAKDOWN_NAMES, formatProportion } from './rating-format.js';
import type { BarDatum } from './rating-plot.js';

/** One table row: its group's name and statistics. */
export interface StatsRow {
  key: string;
  label: string;
  stats: RatingStats;
  /** Raters only: the catch-trial score. */
  catchText?: string;
  /** Raters only: failed the catch trials. */
  unreliable?: boolean;
}

/** A breakdown table: one key (model, preset…) and a row per value. */
export interface BreakdownTable {
  key: (typeof BREAKDOWN_KEYS)[number];
  name: string;
  rows: StatsRow[];
}

/** A row per rater, then "Everyone" (the pool, without excluded raters when asked). */
export function summaryRows(results: SessionResults): StatsRow[] {
  const raters = results.raters.map(
    (rater): StatsRow => ({
      key: `rater-${rater.raterId}`,
      label: rater.submitted ? rater.name : `${rater.name} (not submitted)`,
      stats: rater.stats,
      catchText: rater.catchScore ? formatProportion(rater.catchScore) : '—',
      unreliable: !rater.reliable,
    }),
  );
  const excluded = results.excludedRaters.length;
  const pooled: StatsRow = {
    key: 'pooled',
    label: excluded > 0 ? `Everyone (without ${excluded} unreliable)` : 'Everyone',
    stats: results.pooled,
  };
  return [...raters, pooled];
}

/** The breakdown tables that have at least one value, in the contract's key order. */
export function breakdownTables(results: SessionResults): BreakdownTable[] {
  return BREAKDOWN_KEYS.flatMap((key) => {
    const values = results.breakdown[key];
    if (!values) return [];
    const rows = Object.entries(values)
      .toSorted(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([value, stats]): StatsRow => ({ key: `${key}-${value}`, label: value, stats }));
    return rows.length === 0 ? [] : [{ key, name: BREAKDOWN_NAMES[key], rows }];
  });
}

/** The statistics a chart can show. */
export type ChartStat = 'accuracy' | 'fooled' | 'musicality' | 'inspiringOrMaybe';

/** The chart's scale top: shares 0–1, musicality 0–10. */
export function chartMax(stat: ChartStat): number {
  return stat === 'musicality' ? 10 : 1;
}

/** One bar per row for `stat`, with its interval. */
export function chartData(rows: readonly StatsRow[], stat: ChartStat): BarDatum[] {
  return rows.map((row): BarDatum => {
    if (stat === 'musicality') {
      const musicality = row.stats.musicality;
      return musicality && musicality.n > 0
        ? { label: row.label, value: musicality.mean, low: musicality.low, high: musicality.high }
        : { label: row.label, value: null, low: null, high: null };
    }
    const share = row.stats[stat];
    return share.of === 0 ? { label: row.label, value: null, low: null, high: null } : { label: row.label, value: share.value, low: share.low, high: share.high };
  });
}

/** Short bar labels: long names are cut so the slots stay legible. */
export function shortLabel(label: string, max = 12): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}
