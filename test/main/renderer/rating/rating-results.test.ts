/**
 * The Results view's numbers: statistics as text (shares, p-values, d′, musicality), table
 * rows and breakdown tables from SessionResults, bar-chart data and geometry (bars, whiskers,
 * the chance line), the blind waveform's peaks and the rater's link.
 */
import type { Proportion, RatingStats, SessionResults } from '../../../../src-main/common/rating.js';
import { peakColumns, peakScale } from '../../../../src-renderer/app/rating/blind-peaks.js';
import {
  formatDPrime,
  formatInterval,
  formatMusicality,
  formatPValue,
  formatProportion,
} from '../../../../src-renderer/app/rating/rating-format.js';
import { barChart, CHART_MARGIN, tickLabel } from '../../../../src-renderer/app/rating/rating-plot.js';
import { breakdownTables, chartData, summaryRows } from '../../../../src-renderer/app/rating/rating-results.js';
import { hashForRater, raterIdFromHash } from '../../../../src-renderer/app/shell/route-hash.js';

const share = (count: number, of: number, low: number | null = null, high: number | null = null): Proportion => ({
  count,
  of,
  value: of === 0 ? null : count / of,
  low,
  high,
});

const stats = (patch: Partial<RatingStats> = {}): RatingStats => ({
  trials: 8,
  accuracy: share(6, 8, 0.41, 0.93),
  binomialP: 0.1445,
  dPrime: 1.35,
  fooled: share(1, 6),
  musicality: { mean: 6.25, low: 5.1, high: 7.4, n: 8 },
  inspiring: share(2, 8),
  inspiringOrMaybe: share(5, 8),
  ...patch,
});

const results = (): SessionResults => ({
  sessionId: 1,
  name: 'Band night',
  format: 'single',
  excludedRaters: [2],
  raters: [
    { raterId: 1, name: 'Ana', submitted: true, catchScore: share(2, 2), reliable: true, stats: stats(), final: null },
    { raterId: 2, name: 'Ben', submitted: false, catchScore: share(0, 2), reliable: false, stats: stats(), final: null },
  ],
  pooled: stats({ trials: 16 }),
  breakdown: { epochs: { '60': stats(), '120': stats() }, model: { 'Hook · 0:00': stats() }, preset: {}, mode: {}, length: {} },
  items: [],
});

describe('rating results', () => {
  test('formats statistics, with a dash for what is absent', () => {
    expect(formatProportion(share(5, 8))).toBe('63 % (5/8)');
    expect(formatProportion(share(0, 0))).toBe('—');
    expect(formatInterval(share(5, 8, 0.306, 0.863))).toBe('31–86 %');
    expect(formatPValue(0.0312)).toBe('p = 0.031');
    expect(formatPValue(0.2)).toBe('p = 0.20');
    expect(formatPValue(0.0002)).toBe('p < 0.001');
    expect(formatPValue(1)).toBe('p = 1');
    expect(formatPValue(null)).toBe('—');
    expect(formatDPrime(-0.456)).toBe('−0.46');
    expect(formatDPrime(null)).toBe('—');
    expect(formatMusicality({ mean: 6.25, low: 5.1, high: 7.4, n: 8 })).toBe('6.3 (5.1–7.4)');
    expect(formatMusicality(null)).toBe('—');
  });

  test('rows: each rater, then the pool naming how many were left out', () => {
    const rows = summaryRows(results());
    expect(rows.map((row) => [row.key, row.label, row.unreliable ?? null, row.catchText ?? null])).toEqual([
      ['rater-1', 'Ana', false, '100 % (2/2)'],
      ['rater-2', 'Ben (not submitted)', true, '0 % (0/2)'],
      ['pooled', 'Everyone (without 1 unreliable)', null, null],
    ]);
  });

  test('breakdown tables follow the key order, values in numeric order', () => {
    const tables = breakdownTables(results());
    expect(tables.map((table) => [table.key, table.rows.map((row) => row.label)])).toEqual([
      ['model', ['Hook · 0:00']],
      ['epochs', ['60', '120']],
    ]);
  });

  test('chart data: shares with intervals, musicality on 0–10, nothing for empty groups', () => {
    const rows = summaryRows(results());
    expect(chartData(rows, 'accuracy')[0]).toEqual({ label: 'Ana', value: 0.75, low: 0.41, high: 0.93 });
    expect(chartData(rows, 'musicality')[0]).toEqual({ label: 'Ana', value: 6.25, low: 5.1, high: 7.4 });
    const empty = [{ key: 'x', label: 'x', stats: stats({ fooled: share(0, 0), musicality: null }) }];
    expect(chartData(empty, 'fooled')[0]?.value).toBeNull();
    expect(chartData(empty, 'musicality')[0]?.value).toBeNull();
  });

  test('bar geometry: heights in proportion, whiskers around the top, the chance line halfway', () => {
    const size = { width: 236, height: 142, max: 1, reference: 0.5 };
    const plotHeight = size.height - CHART_MARGIN.top - CHART_MARGIN.bottom; // 100
    const plotWidth = size.width - CHART_MARGIN.left - CHART_MARGIN.right; // 192
    const chart = barChart(
      [
        { label: 'a', value: 0.75, low: 0.5, high: 0.9 },
        { label: 'b', value: null, low: null, high: null },
      ],
      size,
    );
    const bottom = CHART_MARGIN.top + plotHeight;
    const [first, second] = chart.bars;
    expect(first?.bar?.height).toBeCloseTo(75, 6);
    expect(first?.bar?.y).toBeCloseTo(bottom - 75, 6);
    expect(first?.bar?.width).toBeCloseTo((plotWidth / 2) * 0.6, 6);
    expect(first?.centre).toBeCloseTo(CHART_MARGIN.left + plotWidth / 4, 6);
    expect(first?.whisker).toEqual({ x: first?.centre, top: bottom - 90, bottom: bottom - 50 });
    expect(second?.bar).toBeNull();
    expect(second?.whisker).toBeNull();
    expect(chart.referenceY).toBeCloseTo(bottom - 50, 6);
    expect(chart.ticks.map((tick) => tickLabel(tick.value, 1))).toEqual(['0%', '25%', '50%', '75%', '100%']);
    // Values beyond the scale are clamped to it.
    expect(barChart([{ label: 'c', value: 14, low: null, high: null }], { ...size, max: 10 }).bars[0]?.bar?.height).toBeCloseTo(plotHeight, 6);
  });

  test('peaks: min and max per column over every channel', () => {
    const left = Float32Array.from([0, 0.5, -0.25, 0.1, 0, 0]);
    const right = Float32Array.from([0, -0.75, 0, 0, 0.2, 0]);
    expect(peakColumns([left, right], 3)).toEqual([
      { min: -0.75, max: 0.5 },
      { min: -0.25, max: 0.10000000149011612 },
      { min: 0, max: 0.20000000298023224 },
    ]);
    expect(peakColumns([left], 100)).toHaveLength(6);
    expect(peakColumns([], 10)).toEqual([]);
    expect(peakScale(peakColumns([left, right], 3))).toBe(0.75);
    expect(peakScale([])).toBe(1e-3);
  });

  test('the rater link round-trips and ignores other hashes', () => {
    expect(hashForRater(12)).toBe('#/rate/12');
    expect(raterIdFromHash('#/rate/12')).toBe(12);
    expect(raterIdFromHash('#/rate/0')).toBeNull();
    expect(raterIdFromHash('#/rate/12x')).toBeNull();
    expect(hashForRater(null)).toBe('');
  });
});
