/**
 * The side-by-side picture of a take and its source as a PNG, for a report: the take's and the
 * source's waveforms (min/max columns) and mel spectrograms, drawn on one time scale so a
 * second of the take lines up with a second of the source; both log-frequency spectra on one
 * axis; the stretches flagged as copies shaded red on the take's time axis and on the source's
 * (where the copied audio came from). Titles, a legend and time/frequency ticks are drawn with
 * png-canvas.ts's 5×7 font. Input is PictureData, the same the UI draws on canvas.
 */
import type { CopyRegion, PictureData } from '../../common/metrics.js';
import { Raster, type Rgb } from './png-canvas.js';

export const PNG_WIDTH = 1200;

const LEFT = 64;
const RIGHT = 16;
const GAP = 26;
const TITLE_HEIGHT = 8;
const WAVE_HEIGHT = 90;
const SPECTRUM_HEIGHT = 150;
const MEL_ROW_PIXELS = 1;

export const BACKGROUND: Rgb = [252, 252, 250];
export const PANEL: Rgb = [236, 237, 240];
const INK: Rgb = [35, 35, 40];
export const TAKE: Rgb = [38, 92, 200];
export const SOURCE: Rgb = [225, 115, 25];
export const COPY: Rgb = [215, 30, 40];
/** dB below the loudest mel cell that maps to the colormap's bottom. */
const MEL_RANGE_DB = 80;
const SPECTRUM_RANGE_DB = 90;

export interface Panel {
  top: number;
  height: number;
}

/** Where everything goes: exported so tests can look at the right pixels. */
export interface PictureLayout {
  width: number;
  height: number;
  /** The plots' left edge (x of time 0 and of the lowest frequency), px. */
  left: number;
  plotWidth: number;
  /** Shared by the four time panels: one second of take and of source is as wide. */
  pixelsPerSecond: number;
  panels: Record<'takeWave' | 'sourceWave' | 'spectrum' | 'takeMel' | 'sourceMel', Panel>;
}

export function pictureLayout(data: PictureData): PictureLayout {
  const plotWidth = PNG_WIDTH - LEFT - RIGHT;
  const melHeight = Math.max(64, data.mel.bands * MEL_ROW_PIXELS);
  const heights = { takeWave: WAVE_HEIGHT, sourceWave: WAVE_HEIGHT, spectrum: SPECTRUM_HEIGHT, takeMel: melHeight, sourceMel: melHeight };
  let y = TITLE_HEIGHT;
  const panels = {} as PictureLayout['panels'];
  for (const [name, height] of Object.entries(heights) as [keyof typeof heights, number][]) {
    panels[name] = { top: y + GAP, height };
    y += GAP + height;
  }
  const takeSeconds = data.waveform.take.length * data.waveform.secondsPerColumn;
  const sourceSeconds = data.waveform.source.length * data.waveform.secondsPerColumn;
  return {
    width: PNG_WIDTH,
    height: y + GAP,
    left: LEFT,
    plotWidth,
    pixelsPerSecond: plotWidth / Math.max(takeSeconds, sourceSeconds, 1e-3),
    panels,
  };
}

/** Encodes `data` as a PNG (RGBA, PNG_WIDTH wide). */
export function renderPicturePng(data: PictureData, title = `take ${data.takeId} and its source`): Buffer {
  const layout = pictureLayout(data);
  const { panels, pixelsPerSecond, plotWidth } = layout;
  const raster = new Raster(layout.width, layout.height, BACKGROUND);
  raster.text(LEFT, 6, title, INK, 2);
  legend(raster);

  const takeSeconds = data.waveform.take.length * data.waveform.secondsPerColumn;
  const sourceSeconds = data.waveform.source.length * data.waveform.secondsPerColumn;
  const sourceCopies = data.copies.map((c) => ({ start: c.sourceStart, end: c.sourceStart + (c.takeEnd - c.takeStart) }));
  const takeCopies = data.copies.map((c: CopyRegion) => ({ start: c.takeStart, end: c.takeEnd }));

  drawWaveform(raster, panels.takeWave, data.waveform.take, data.waveform.secondsPerColumn * pixelsPerSecond, TAKE);
  shadeCopies(raster, panels.takeWave, takeCopies, pixelsPerSecond);
  label(raster, panels.takeWave, `take waveform  ${takeSeconds.toFixed(1)} seconds`);
  drawWaveform(raster, panels.sourceWave, data.waveform.source, data.waveform.secondsPerColumn * pixelsPerSecond, SOURCE);
  shadeCopies(raster, panels.sourceWave, sourceCopies, pixelsPerSecond);
  label(raster, panels.sourceWave, `source waveform  ${sourceSeconds.toFixed(1)} seconds  (time axes in seconds)`);
  timeTicks(raster, panels.sourceWave, pixelsPerSecond, plotWidth);

  drawSpectrum(raster, panels.spectrum, data.spectrum, plotWidth);
  label(raster, panels.spectrum, 'spectrum (db over frequency in hz, log scale)');

  const melRange = melLimits(data.mel.take, data.mel.source);
  const framePixels = data.mel.secondsPerFrame * pixelsPerSecond;
  drawMel(raster, panels.takeMel, data.mel.take, data.mel.bands, framePixels, melRange);
  shadeCopies(raster, panels.takeMel, takeCopies, pixelsPerSecond);
  label(raster, panels.takeMel, 'take mel spectrogram');
  drawMel(raster, panels.sourceMel, data.mel.source, data.mel.bands, framePixels, melRange);
  shadeCopies(raster, panels.sourceMel, sourceCopies, pixelsPerSecond);
  label(raster, panels.sourceMel, 'source mel spectrogram');
  timeTicks(raster, panels.sourceMel, pixelsPerSecond, plotWidth);
  return raster.toPng();
}

function legend(raster: Raster): void {
  const entries: [string, Rgb][] = [
    ['take', TAKE],
    ['source', SOURCE],
    ['copied', COPY],
  ];
  let x = PNG_WIDTH - RIGHT - 250;
  for (const [name, color] of entries) {
    raster.fill(x, 9, 14, 10, color);
    raster.text(x + 18, 10, name, INK);
    x += 30 + Raster.textWidth(name);
  }
}

function label(raster: Raster, panel: Panel, text: string): void {
  raster.text(LEFT, panel.top - 11, text, INK);
}

/** Min/max columns, each `columnPixels` wide, centred on the panel's middle. */
function drawWaveform(raster: Raster, panel: Panel, columns: [number, number][], columnPixels: number, color: Rgb): void {
  const width = Math.ceil(columns.length * columnPixels);
  raster.fill(LEFT, panel.top, width, panel.height, PANEL);
  const half = panel.height / 2;
  const middle = panel.top + half;
  raster.line(LEFT, middle, LEFT + width - 1, middle, [200, 200, 205]);
  for (let px = 0; px < width; px++) {
    const first = Math.floor(px / columnPixels);
    const last = Math.max(first, Math.min(columns.length - 1, Math.floor((px + 1) / columnPixels) - 1));
    let low = Infinity;
    let high = -Infinity;
    for (let c = first; c <= last; c++) {
      const [min, max] = columns[c] ?? [0, 0];
      low = Math.min(low, min);
      high = Math.max(high, max);
    }
    if (!Number.isFinite(low)) continue;
    const top = middle - clamp(high, -1, 1) * half;
    const bottom = middle - clamp(low, -1, 1) * half;
    raster.fill(LEFT + px, top, 1, Math.max(1, bottom - top), color);
  }
}

function shadeCopies(raster: Raster, panel: Panel, copies: { start: number; end: number }[], pixelsPerSecond: number): void {
  for (const copy of copies) {
    const x = LEFT + copy.start * pixelsPerSecond;
    const width = Math.max(1, (copy.end - copy.start) * pixelsPerSecond);
    raster.fill(x, panel.top, width, panel.height, COPY, 0.22);
    raster.fill(x, panel.top, width, 3, COPY);
  }
}

function drawSpectrum(raster: Raster, panel: Panel, spectrum: PictureData['spectrum'], plotWidth: number): void {
  raster.fill(LEFT, panel.top, plotWidth, panel.height, PANEL);
  const positive = spectrum.frequencies.map((f, i) => [f, i] as const).filter(([f]) => f > 0);
  if (positive.length < 2) return;
  const logLow = Math.log10(positive[0]![0]);
  const logHigh = Math.log10(positive.at(-1)![0]);
  const xOf = (f: number) => LEFT + ((Math.log10(f) - logLow) / Math.max(1e-9, logHigh - logLow)) * (plotWidth - 1);
  const finite = [...spectrum.take, ...spectrum.source].filter(Number.isFinite);
  const top = Math.max(...finite);
  const bottom = Math.max(Math.min(...finite), top - SPECTRUM_RANGE_DB);
  const yOf = (db: number) => panel.top + (1 - (clamp(db, bottom, top) - bottom) / Math.max(1e-9, top - bottom)) * (panel.height - 1);
  for (let decade = Math.ceil(logLow); decade <= Math.floor(logHigh); decade++) {
    const x = xOf(10 ** decade);
    raster.line(x, panel.top, x, panel.top + panel.height - 1, [205, 205, 210]);
    const text = decade >= 3 ? `${10 ** (decade - 3)}k` : `${10 ** decade}`;
    raster.text(x - Raster.textWidth(text) / 2, panel.top + panel.height + 3, text, INK);
  }
  raster.text(LEFT - Raster.textWidth(`${Math.round(top)} db`) - 4, panel.top, `${Math.round(top)} db`, INK);
  raster.text(LEFT - Raster.textWidth(`${Math.round(bottom)} db`) - 4, panel.top + panel.height - 7, `${Math.round(bottom)} db`, INK);
  for (const [curve, color] of [
    [spectrum.source, SOURCE],
    [spectrum.take, TAKE],
  ] as const) {
    for (let k = 1; k < positive.length; k++) {
      const [f0, i0] = positive[k - 1]!;
      const [f1, i1] = positive[k]!;
      const a = curve[i0];
      const b = curve[i1];
      if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) continue;
      raster.line(xOf(f0), yOf(a), xOf(f1), yOf(b), color);
    }
  }
}

function melLimits(...grids: number[][][]): { low: number; high: number } {
  let high = -Infinity;
  for (const grid of grids) for (const frame of grid) for (const v of frame) if (Number.isFinite(v) && v > high) high = v;
  if (!Number.isFinite(high)) high = 0;
  return { low: high - MEL_RANGE_DB, high };
}

/** Frames left to right at `framePixels` each, band 0 at the bottom. */
function drawMel(raster: Raster, panel: Panel, frames: number[][], bands: number, framePixels: number, range: { low: number; high: number }): void {
  const width = Math.ceil(frames.length * framePixels);
  for (let px = 0; px < width; px++) {
    const frame = frames[Math.min(frames.length - 1, Math.floor(px / framePixels))] ?? [];
    for (let py = 0; py < panel.height; py++) {
      const band = Math.min(bands - 1, Math.floor(((panel.height - 1 - py) * bands) / panel.height));
      const level = ((frame[band] ?? range.low) - range.low) / Math.max(1e-9, range.high - range.low);
      raster.blend(LEFT + px, panel.top + py, heat(clamp(level, 0, 1)));
    }
  }
}

/** Dark blue → purple → orange → pale yellow, 0…1. */
function heat(level: number): Rgb {
  const stops: Rgb[] = [
    [12, 12, 40],
    [90, 30, 120],
    [200, 60, 80],
    [245, 160, 40],
    [252, 250, 190],
  ];
  const at = level * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(at));
  const t = at - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** A tick and its time in seconds every 0.1, 0.2, 0.5, 1, 2, 5, … s, at most twelve across the plot. */
function timeTicks(raster: Raster, panel: Panel, pixelsPerSecond: number, plotWidth: number): void {
  const seconds = plotWidth / pixelsPerSecond;
  const step = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300].find((s) => seconds / s <= 12) ?? 600;
  const bottom = panel.top + panel.height;
  for (let t = 0; t <= seconds + 1e-9; t += step) {
    const x = LEFT + t * pixelsPerSecond;
    raster.line(x, bottom, x, bottom + 3, INK);
    const text = `${Number(t.toFixed(1))}`;
    raster.text(Math.min(PNG_WIDTH - RIGHT - Raster.textWidth(text), x - Raster.textWidth(text) / 2), bottom + 5, text, INK);
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
