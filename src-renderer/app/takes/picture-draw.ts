/**
 * Paints the take-vs-source pictures onto a canvas, following picture-geometry.ts: the take's
 * and the source's waveforms (a min/max line per column), their mel spectrograms (heat maps,
 * each with a frequency ruler in the gutter and a time ruler under it), the shared time ruler,
 * and both log-frequency spectra on one axis; the copied stretches are
 * shaded on the take's panels at take time and on the source's at source time. The canvas is
 * opaque (the theme's panel colour) so a saved PNG reads on its own, in a report.
 */
import type { PictureData } from '@common/metrics.js';
import { formatRulerTime } from '../ui/format.js';
import { hzLabel } from './spectrogram-axis.js';
import {
  copyBands,
  dbBounds,
  frequencyRange,
  frequencyTicks,
  frequencyToX,
  melPixels,
  melTicks,
  pictureLayout,
  pictureSeconds,
  timeTicks,
  timeToX,
  type Rect,
} from './picture-geometry.js';

/** The theme's colours (global.css), spelled out: a canvas cannot read CSS variables cheaply. */
const COLORS = {
  background: '#171b22',
  panel: '#0d0f13',
  grid: 'rgba(42, 49, 61, 0.9)',
  text: '#c2c8d2',
  muted: '#8d96a6',
  take: '#6ea8ff',
  source: '#2ec4a6',
  copy: 'rgba(236, 84, 106, 0.28)',
  copyEdge: '#ec546a',
} as const;
const FONT = '11px system-ui, sans-serif';

/**
 * Draws `data` into `canvas` at `cssWidth` CSS pixels wide and `pixelRatio` device pixels per
 * CSS pixel; sets the canvas's size (its CSS height follows the layout).
 */
export function drawPictures(canvas: HTMLCanvasElement, data: PictureData, cssWidth: number, pixelRatio: number): void {
  const layout = pictureLayout(cssWidth);
  canvas.width = Math.round(layout.width * pixelRatio);
  canvas.height = Math.round(layout.height * pixelRatio);
  canvas.style.width = `${layout.width}px`;
  canvas.style.height = `${layout.height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';

  const seconds = pictureSeconds(data);
  const panels: [Rect, string][] = [
    [layout.takeWave, 'Take'],
    [layout.sourceWave, 'Source clip'],
    [layout.takeMel, 'Take mel'],
    [layout.sourceMel, 'Source mel'],
    [layout.spectrum, 'Spectrum'],
  ];
  // Names at the gutter's left, so its right is free for the mel panels' frequency rulers.
  for (const [rect, label] of panels) {
    ctx.fillStyle = COLORS.panel;
    ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'left';
    ctx.fillText(label, 8, rect.y + rect.height / 2);
  }

  drawWaveform(ctx, data.waveform.take, data.waveform.secondsPerColumn, seconds.span, layout.takeWave, COLORS.take);
  drawWaveform(ctx, data.waveform.source, data.waveform.secondsPerColumn, seconds.span, layout.sourceWave, COLORS.source);
  const bounds = dbBounds([...data.mel.take, ...data.mel.source]);
  drawMel(ctx, data.mel.take, data.mel.bands, bounds, seconds.take / seconds.span, layout.takeMel);
  drawMel(ctx, data.mel.source, data.mel.bands, bounds, seconds.source / seconds.span, layout.sourceMel);

  for (const side of ['take', 'source'] as const) {
    const rects = side === 'take' ? [layout.takeWave, layout.takeMel] : [layout.sourceWave, layout.sourceMel];
    for (const rect of rects) shadeCopies(ctx, copyBands(data.copies, side, seconds.span, rect), rect);
  }

  for (const rect of [layout.takeMel, layout.sourceMel]) drawMelAxis(ctx, data.sampleRate, data.mel.bands, rect);
  drawTimeAxis(ctx, seconds.span, layout.takeMelAxis);
  drawTimeAxis(ctx, seconds.span, layout.timeAxis);
  drawSpectrum(ctx, data, layout.spectrum, layout.frequencyAxis);
}

/** One vertical min/max line per column, over the columns' share of the shared span. */
function drawWaveform(
  ctx: CanvasRenderingContext2D,
  columns: readonly (readonly [number, number])[],
  secondsPerColumn: number,
  span: number,
  rect: Rect,
  color: string,
): void {
  const middle = rect.y + rect.height / 2;
  const half = rect.height / 2 - 2;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.beginPath();
  columns.forEach(([low, high], index) => {
    const x = timeToX((index + 0.5) * secondsPerColumn, span, rect);
    const top = middle - Math.min(1, Math.max(-1, high)) * half;
    const bottom = middle - Math.min(1, Math.max(-1, low)) * half;
    ctx.moveTo(x, top);
    ctx.lineTo(x, Math.max(bottom, top + 0.5));
  });
  ctx.stroke();
}

/** The heat map, stretched over `share` of the panel's width (its length in the shared span). */
function drawMel(
  ctx: CanvasRenderingContext2D,
  frames: readonly (readonly number[])[],
  bands: number,
  bounds: { low: number; high: number },
  share: number,
  rect: Rect,
): void {
  if (frames.length === 0 || bands === 0) return;
  const image = document.createElement('canvas');
  image.width = frames.length;
  image.height = bands;
  const imageCtx = image.getContext('2d');
  if (!imageCtx) return;
  imageCtx.putImageData(new ImageData(melPixels(frames, bands, bounds), frames.length, bands), 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(image, rect.x, rect.y, rect.width * share, rect.height);
}

function shadeCopies(ctx: CanvasRenderingContext2D, bands: { x: number; width: number }[], rect: Rect): void {
  for (const band of bands) {
    ctx.fillStyle = COLORS.copy;
    ctx.fillRect(band.x, rect.y, band.width, rect.height);
    ctx.fillStyle = COLORS.copyEdge;
    ctx.fillRect(band.x, rect.y, band.width, 2);
  }
}

/** A mel panel's frequency ruler: ticks on its left edge, labels right-aligned in the gutter. */
function drawMelAxis(ctx: CanvasRenderingContext2D, sampleRate: number, bands: number, rect: Rect): void {
  ctx.fillStyle = COLORS.muted;
  ctx.textAlign = 'right';
  for (const tick of melTicks(sampleRate, bands, rect)) {
    ctx.fillRect(rect.x - 4, Math.round(tick.y), 4, 1);
    ctx.fillText(hzLabel(tick.hz), rect.x - 7, tick.y);
  }
}

function drawTimeAxis(ctx: CanvasRenderingContext2D, span: number, rect: Rect): void {
  ctx.fillStyle = COLORS.muted;
  ctx.textAlign = 'center';
  for (const tick of timeTicks(span)) {
    const x = timeToX(tick, span, rect);
    ctx.fillRect(x, rect.y, 1, 4);
    ctx.fillText(formatRulerTime(tick), Math.min(Math.max(x, rect.x + 12), rect.x + rect.width - 12), rect.y + 11);
  }
}

/** Both spectra on one log-frequency axis, the same dB scale; a legend names the colours. */
function drawSpectrum(ctx: CanvasRenderingContext2D, data: PictureData, rect: Rect, axis: Rect): void {
  const range = frequencyRange(data.spectrum.frequencies);
  const bounds = dbBounds([data.spectrum.take, data.spectrum.source]);
  const yOf = (db: number): number => {
    const fraction = (Math.max(bounds.low, db) - bounds.low) / (bounds.high - bounds.low);
    return rect.y + rect.height - 3 - fraction * (rect.height - 6);
  };
  ctx.fillStyle = COLORS.grid;
  for (const hz of frequencyTicks(range)) ctx.fillRect(frequencyToX(hz, range, rect), rect.y, 1, rect.height);
  for (const [values, color] of [
    [data.spectrum.source, COLORS.source],
    [data.spectrum.take, COLORS.take],
  ] as const) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let started = false;
    data.spectrum.frequencies.forEach((hz, index) => {
      const db = values[index];
      if (!(hz > 0) || db === undefined || !Number.isFinite(db)) return;
      const x = frequencyToX(hz, range, rect);
      if (started) ctx.lineTo(x, yOf(db));
      else ctx.moveTo(x, yOf(db));
      started = true;
    });
    ctx.stroke();
  }
  ctx.fillStyle = COLORS.muted;
  ctx.textAlign = 'center';
  for (const hz of frequencyTicks(range)) {
    const label = hz >= 1000 ? `${hz / 1000}k` : String(hz);
    ctx.fillText(label, frequencyToX(hz, range, axis), axis.y + 9);
  }
  ctx.textAlign = 'left';
  const legendY = rect.y + 10;
  for (const [label, color, offset] of [
    ['take', COLORS.take, 8],
    ['source clip', COLORS.source, 54],
  ] as const) {
    ctx.fillStyle = color;
    ctx.fillRect(rect.x + offset, legendY - 1, 10, 2);
    ctx.fillText(label, rect.x + offset + 14, legendY);
  }
}
