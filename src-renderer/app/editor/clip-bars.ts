/**
 * A clip's place on the song's bar grid in words, for the editor's status line, clip list and
 * inspector: "bar 9 · 8 bars" (a start off the grid to a hundredth of a bar: "bar 9.37").
 */
import { barAt, formatBars, secondsToBars, type BarGrid } from '@common/musical-time.js';

/** "bar 9 · 8 bars", or '' without a grid. */
export function clipBarsText(start: number, end: number, grid: BarGrid | null): string {
  if (!grid) return '';
  const bar = Math.round(barAt(start, grid) * 100) / 100;
  return `bar ${bar} · ${formatBars(secondsToBars(end - start, grid))}`;
}

/** "8 bars", or '' without a grid. */
export function clipLengthInBars(start: number, end: number, grid: BarGrid | null): string {
  return grid ? formatBars(secondsToBars(end - start, grid)) : '';
}
