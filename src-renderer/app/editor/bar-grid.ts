/**
 * The bar/beat grid drawn over the clip editor's waveform: a line per bar (bar numbers above
 * it), and a fainter line per beat once beats are far enough apart to see. The lines sit in
 * wavesurfer's wrapper, positioned in percent of the file's length, so they scroll and zoom
 * with the waveform; only their density is recomputed on zoom (lines closer than a few pixels
 * are thinned to every 2nd, 4th, … bar). They never take the pointer: dragging still cuts.
 */
import { barLinesBetween, secondsPerBar, type BarGrid } from '@common/musical-time.js';

/** Bar lines closer than this (CSS px) are thinned; beat lines appear from this far apart. */
const MIN_BAR_PX = 6;
const MIN_BEAT_PX = 14;
/** Bar numbers at least this far apart. */
const MIN_LABEL_PX = 34;

/** The grid's CSS, for the waveform's constructed stylesheet (waveform-styles.ts). */
export const BAR_GRID_CSS = `
  .bar-grid { position: absolute; inset: 0; pointer-events: none; z-index: 1; }
  .bar-grid .bar-line { position: absolute; top: 0; bottom: 0; width: 0; border-left: 1px solid rgba(143, 180, 255, 0.38); }
  .bar-grid .beat-line { position: absolute; top: 14px; bottom: 0; width: 0; border-left: 1px dotted rgba(143, 180, 255, 0.16); }
  .bar-grid .bar-number { position: absolute; top: 1px; margin-left: 3px; color: rgba(175, 198, 245, 0.8);
    font: 600 10px/1.2 system-ui, sans-serif; font-variant-numeric: tabular-nums; }
`;

/** The smallest power of two k with k·`px` ≥ `least` (1 when px already is). */
function stride(px: number, least: number): number {
  let k = 1;
  while (k * px < least && k < 1 << 16) k *= 2;
  return k;
}

/**
 * Draws (or redraws) the grid inside `wrapper` for a file of `duration` seconds shown at
 * `pxPerSec`; a null grid removes it. Returns the number of bar lines drawn.
 */
export function drawBarGrid(wrapper: HTMLElement, grid: BarGrid | null, duration: number, pxPerSec: number): number {
  let layer = wrapper.querySelector<HTMLElement>(':scope > .bar-grid');
  if (!grid || !(duration > 0) || !(pxPerSec > 0)) {
    layer?.remove();
    return 0;
  }
  if (!layer) {
    layer = document.createElement('div');
    layer.className = 'bar-grid';
    layer.dataset.testid = 'bar-grid';
    wrapper.prepend(layer);
  }
  const barPx = secondsPerBar(grid) * pxPerSec;
  const every = stride(barPx, MIN_BAR_PX);
  const labelEvery = Math.max(every, stride(barPx, MIN_LABEL_PX));
  const beats = grid.timeSignature.numerator;
  const beatPx = barPx / beats;
  const at = (seconds: number): string => `${(100 * seconds) / duration}%`;
  const lines: HTMLElement[] = [];
  let count = 0;
  for (const { bar, seconds } of barLinesBetween(0, duration, grid)) {
    if (beatPx >= MIN_BEAT_PX) {
      for (let beat = 1; beat < beats; beat++) {
        const beatSeconds = seconds + (beat * secondsPerBar(grid)) / beats;
        if (beatSeconds >= duration) break;
        lines.push(line('beat-line', at(beatSeconds)));
      }
    }
    if (((bar - 1) % every + every) % every !== 0) continue;
    const barLine = line('bar-line', at(seconds));
    barLine.dataset.testid = 'bar-line';
    barLine.dataset.bar = String(bar);
    barLine.dataset.seconds = String(seconds);
    lines.push(barLine);
    count++;
    if (bar >= 1 && (bar - 1) % labelEvery === 0) {
      const label = line('bar-number', at(seconds));
      label.textContent = String(bar);
      lines.push(label);
    }
  }
  // Beat lines of the pickup before the first bar line.
  const first = barLinesBetween(0, duration, grid)[0];
  if (first && beatPx >= MIN_BEAT_PX) {
    for (let beat = 1; beat < beats; beat++) {
      const beatSeconds = first.seconds - (beat * secondsPerBar(grid)) / beats;
      if (beatSeconds >= 0) lines.push(line('beat-line', at(beatSeconds)));
    }
  }
  layer.replaceChildren(...lines);
  return count;
}

function line(className: string, left: string): HTMLElement {
  const element = document.createElement('div');
  element.className = className;
  element.style.left = left;
  return element;
}
