/**
 * Geometry of the Results view's bar charts: one bar per group (a rater, the pool, a breakdown
 * value) with its 95 % interval as a whisker, on a fixed scale (shares 0–1, musicality 0–10)
 * and an optional reference line (chance, 50 %). Pure numbers for an SVG; groups without a
 * value get no bar but keep their slot, so charts of the same groups line up.
 *
 * Coordinates: SVG user units, y down; the plot area is [left, left + width] × [top, top + height].
 */

/** One group's value and interval, in the chart's units. */
export interface BarDatum {
  label: string;
  value: number | null;
  low: number | null;
  high: number | null;
}

export interface BarChartSize {
  width: number;
  height: number;
  /** The scale's top (the bottom is 0). */
  max: number;
  /** A horizontal reference line at this value (e.g. 0.5 for chance), or null. */
  reference: number | null;
}

export interface BarGeometry {
  label: string;
  /** Centre of the slot, for the label. */
  centre: number;
  bar: { x: number; y: number; width: number; height: number } | null;
  whisker: { x: number; top: number; bottom: number } | null;
}

export interface BarChartGeometry {
  plot: { left: number; top: number; width: number; height: number };
  bars: BarGeometry[];
  /** y of the reference line, or null. */
  referenceY: number | null;
  /** Gridlines: value and y. */
  ticks: { value: number; y: number }[];
}

/** Room for tick labels on the left and group labels below. */
export const CHART_MARGIN = { left: 36, right: 8, top: 8, bottom: 34 } as const;
/** Share of a slot a bar fills. */
const BAR_FILL = 0.6;

const clamp = (value: number, max: number): number => Math.min(max, Math.max(0, value));

/** Lays out `data` as bars in a chart of `size`. */
export function barChart(data: readonly BarDatum[], size: BarChartSize): BarChartGeometry {
  const plot = {
    left: CHART_MARGIN.left,
    top: CHART_MARGIN.top,
    width: Math.max(1, size.width - CHART_MARGIN.left - CHART_MARGIN.right),
    height: Math.max(1, size.height - CHART_MARGIN.top - CHART_MARGIN.bottom),
  };
  const max = size.max > 0 ? size.max : 1;
  const yOf = (value: number): number => plot.top + plot.height * (1 - clamp(value, max) / max);
  const slot = plot.width / Math.max(1, data.length);
  const bars = data.map((datum, index): BarGeometry => {
    const centre = plot.left + slot * (index + 0.5);
    const barWidth = slot * BAR_FILL;
    const bar =
      datum.value === null || !Number.isFinite(datum.value)
        ? null
        : { x: centre - barWidth / 2, y: yOf(datum.value), width: barWidth, height: plot.top + plot.height - yOf(datum.value) };
    const whisker =
      bar === null || datum.low === null || datum.high === null
        ? null
        : { x: centre, top: yOf(Math.max(datum.low, datum.high)), bottom: yOf(Math.min(datum.low, datum.high)) };
    return { label: datum.label, centre, bar, whisker };
  });
  const steps = 4;
  const ticks = Array.from({ length: steps + 1 }, (_, i) => {
    const value = (max * i) / steps;
    return { value, y: yOf(value) };
  });
  return { plot, bars, referenceY: size.reference === null ? null : yOf(size.reference), ticks };
}

/** A tick's label: shares as percentages, other scales as plain numbers. */
export function tickLabel(value: number, max: number): string {
  return max === 1 ? `${Math.round(value * 100)}%` : String(Math.round(value * 10) / 10);
}
