/**
 * Snapping clips to the song's bar lines in the clip editor. A song has a grid to snap to once
 * its tempo is known — estimated at import or set by the user; a song without a clear beat
 * (tempo only the 120 BPM default) has none, so a free recording is never forced onto a made-up
 * grid. Holding Alt (Option) cuts and moves freely (the waveform decides; these are the rules).
 * Pure functions.
 */
import { barGridOf, nearestBarLine, secondsPerBar, type BarGrid, type MusicalTime } from '@common/musical-time.js';

/** The grid the editor draws and snaps to, or null (not analysed yet, or no clear beat). */
export function editorGrid(time: MusicalTime | null | undefined): BarGrid | null {
  return barGridOf(time);
}

/** The last bar line at or before `seconds` (not before 0). */
function barLineAtOrBefore(seconds: number, grid: BarGrid): number {
  const bar = secondsPerBar(grid);
  const line = grid.downbeatSeconds + Math.floor((seconds - grid.downbeatSeconds) / bar + 1e-9) * bar;
  return line < 0 ? line + bar : line;
}

/**
 * A new clip dragged from `start` to `end` on a file of `duration` seconds, with both ends on
 * the nearest bar lines: at least one bar long, never past the end of the file (the last whole
 * bar line before it). When not even one bar fits there, the cut is left as drawn (the core
 * then says what is wrong with it, as for a free cut).
 */
export function snapCut(start: number, end: number, grid: BarGrid, duration: number): { start: number; end: number } {
  const bar = secondsPerBar(grid);
  let from = nearestBarLine(start, grid);
  let to = nearestBarLine(end, grid);
  if (to > duration + 1e-9) to = barLineAtOrBefore(duration, grid);
  if (to <= from + 1e-9) to = from + bar;
  if (to > duration + 1e-9) {
    from = barLineAtOrBefore(duration - bar, grid);
    to = from + bar;
  }
  if (from < -1e-9 || to > duration + 1e-9 || to <= from) return { start, end };
  return { start: Math.max(0, from), end: to };
}

/**
 * A clip moved or resized to (start, end) from `previous`: a move (same length) shifts the clip
 * so its start lands on the nearest bar line, keeping its length; a resize puts the edge that
 * moved on the nearest bar line (never closer than a bar to the other edge). Stays inside the
 * file; when it cannot, the drawn range is kept.
 */
export function snapEdit(
  start: number,
  end: number,
  previous: { start: number; end: number },
  grid: BarGrid,
  duration: number,
): { start: number; end: number } {
  const bar = secondsPerBar(grid);
  const length = end - start;
  let snapped: { start: number; end: number };
  if (Math.abs(length - (previous.end - previous.start)) < 1e-6) {
    let from = nearestBarLine(start, grid);
    if (from + length > duration + 1e-9) from = barLineAtOrBefore(duration - length, grid);
    snapped = { start: from, end: from + length };
  } else if (Math.abs(start - previous.start) > 1e-9) {
    const from = nearestBarLine(start, grid);
    snapped = { start: from > end - bar ? barLineAtOrBefore(end - bar, grid) : from, end };
  } else {
    let to = nearestBarLine(end, grid);
    if (to > duration + 1e-9) to = barLineAtOrBefore(duration, grid);
    snapped = { start, end: to < start + bar ? start + bar : to };
  }
  const inside = snapped.start >= -1e-9 && snapped.end <= duration + 1e-9 && snapped.end > snapped.start;
  return inside ? { start: Math.max(0, snapped.start), end: snapped.end } : { start, end };
}
