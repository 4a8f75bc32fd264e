/**
 * Where the take-vs-source pictures go on the canvas, and the arithmetic behind them: the
 * stacked panels (take and source waveforms, take and source mel spectrograms, all on one
 * time axis, each mel spectrogram with a time ruler under it and a frequency ruler in the
 * gutter beside it; then both spectra on one log-frequency axis), seconds and hertz to x, hertz
 * to a mel spectrogram's height, the copied
 * stretches as bands on the take's and the source's time axes, dB bounds that ignore silence,
 * and the mel spectrogram as RGBA pixels. Pure, so the unit tests check it without a canvas;
 * picture-draw.ts paints what this computes.
 */
// Relative, not @common: jest and the Node type check load this file too (see its test).
import type { CopyRegion, PictureData } from '../../../src-main/common/metrics.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The panels of the picture, CSS pixels; the time panels share x and width. */
export interface PictureLayout {
  width: number;
  height: number;
  takeWave: Rect;
  sourceWave: Rect;
  takeMel: Rect;
  /** The time ruler under the take's mel spectrogram. */
  takeMelAxis: Rect;
  sourceMel: Rect;
  /** The time ruler under the four time panels (and under the source's mel spectrogram). */
  timeAxis: Rect;
  spectrum: Rect;
  /** The frequency ruler under the spectrum. */
  frequencyAxis: Rect;
}

/** Room on the left for each panel's name (at its left) and a mel panel's frequency ruler (at its right). */
export const LABEL_GUTTER = 124;
const RIGHT_MARGIN = 10;
const TOP_MARGIN = 8;
const GAP = 8;
const WAVE_HEIGHT = 64;
const MEL_HEIGHT = 84;
const AXIS_HEIGHT = 18;
const SPECTRUM_HEIGHT = 120;
/** Below this the panels would be too narrow to read. */
export const MIN_PICTURE_WIDTH = 360;

/** The panels for a picture `width` CSS pixels wide (at least {@link MIN_PICTURE_WIDTH}). */
export function pictureLayout(width: number): PictureLayout {
  const total = Math.max(MIN_PICTURE_WIDTH, Math.floor(width));
  const x = LABEL_GUTTER;
  const inner = total - LABEL_GUTTER - RIGHT_MARGIN;
  let y = TOP_MARGIN;
  const next = (height: number, gap = GAP): Rect => {
    const rect = { x, y, width: inner, height };
    y += height + gap;
    return rect;
  };
  const takeWave = next(WAVE_HEIGHT);
  const sourceWave = next(WAVE_HEIGHT);
  const takeMel = next(MEL_HEIGHT, 0);
  const takeMelAxis = next(AXIS_HEIGHT, GAP);
  const sourceMel = next(MEL_HEIGHT, 0);
  const timeAxis = next(AXIS_HEIGHT, GAP * 2);
  const spectrum = next(SPECTRUM_HEIGHT, 0);
  const frequencyAxis = next(AXIS_HEIGHT, TOP_MARGIN);
  return { width: total, height: y, takeWave, sourceWave, takeMel, takeMelAxis, sourceMel, timeAxis, spectrum, frequencyAxis };
}

/** Seconds each signal covers, and the span the time panels share (the longer of the two). */
export function pictureSeconds(data: PictureData): { take: number; source: number; span: number } {
  const byColumns = (columns: number): number => columns * data.waveform.secondsPerColumn;
  const byFrames = (frames: number): number => frames * data.mel.secondsPerFrame;
  const take = Math.max(byColumns(data.waveform.take.length), byFrames(data.mel.take.length));
  const source = Math.max(byColumns(data.waveform.source.length), byFrames(data.mel.source.length));
  return { take, source, span: Math.max(take, source, Number.EPSILON) };
}

/** x of `seconds` on a time panel spanning `spanSeconds`, clamped to the panel. */
export function timeToX(seconds: number, spanSeconds: number, rect: Rect): number {
  const fraction = Math.min(1, Math.max(0, seconds / spanSeconds));
  return rect.x + fraction * rect.width;
}

/** A highlighted stretch on one time axis, CSS pixels. */
export interface Band {
  x: number;
  width: number;
}

/**
 * The copied stretches on one side's time axis: the take's [takeStart, takeEnd), or where the
 * same stretch lies in the source (from sourceStart, as long). At least a pixel wide so a
 * short copy stays visible.
 */
export function copyBands(copies: readonly CopyRegion[], side: 'take' | 'source', spanSeconds: number, rect: Rect): Band[] {
  return copies.map((copy) => {
    const start = side === 'take' ? copy.takeStart : copy.sourceStart;
    const end = start + Math.max(0, copy.takeEnd - copy.takeStart);
    const x0 = timeToX(start, spanSeconds, rect);
    const x1 = timeToX(end, spanSeconds, rect);
    return { x: x0, width: Math.max(1, x1 - x0) };
  });
}

/** The positive frequency range of a spectrum (a log axis cannot show 0 Hz). */
export function frequencyRange(frequencies: readonly number[]): { low: number; high: number } {
  const positive = frequencies.filter((f) => Number.isFinite(f) && f > 0);
  if (positive.length === 0) return { low: 20, high: 20_000 };
  const low = Math.min(...positive);
  const high = Math.max(...positive);
  return high > low ? { low, high } : { low, high: low * 2 };
}

/** x of `hz` on a log-frequency panel covering [low, high], clamped. */
export function frequencyToX(hz: number, range: { low: number; high: number }, rect: Rect): number {
  if (!(hz > 0)) return rect.x;
  const fraction = Math.log(hz / range.low) / Math.log(range.high / range.low);
  return rect.x + Math.min(1, Math.max(0, fraction)) * rect.width;
}

/** The ruler's ticks: 20 Hz…20 kHz in 1-2-5 steps, those inside the range. */
export function frequencyTicks(range: { low: number; high: number }): number[] {
  const ticks: number[] = [];
  for (let decade = 10; decade <= 100_000; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const hz = decade * step;
      if (hz >= range.low && hz <= range.high) ticks.push(hz);
    }
  }
  return ticks;
}

/** Slaney's mel scale, the one the measurements' mel spectrograms use (services/metrics/features/mel.ts). */
export function slaneyMel(hz: number): number {
  const linearHzPerMel = 200 / 3;
  const logStartHz = 1000;
  const logMelsPerNeper = 27 / Math.log(6.4);
  return hz < logStartHz ? hz / linearHzPerMel : logStartHz / linearHzPerMel + Math.log(hz / logStartHz) * logMelsPerNeper;
}

/**
 * y of `hz` on a mel panel of `bands` bands (the pictures' mel spectrograms: bands spaced
 * evenly in Slaney mels from 0 Hz to `sampleRate` / 2, band b peaking at (b + 1) steps), each
 * band an equal row with the highest on top as melPixels lays them out; clamped to the panel.
 */
export function melToY(hz: number, sampleRate: number, bands: number, rect: Rect): number {
  const step = slaneyMel(sampleRate / 2) / (bands + 1);
  const band = slaneyMel(Math.max(0, hz)) / step - 1;
  const fraction = (bands - 0.5 - band) / bands;
  return rect.y + Math.min(1, Math.max(0, fraction)) * rect.height;
}

/** The frequencies a mel panel's ruler may name, low to high. */
const MEL_TICK_HZ = [50, 100, 200, 500, 1000, 2000, 4000, 8000, 16_000] as const;

/**
 * A mel panel's frequency ruler, top first: each candidate frequency that lies inside the
 * panel (below the top band's centre, above the bottom one's), at least `minGap` pixels from
 * the tick above and half that from either edge, so labels centred on them stay apart.
 */
export function melTicks(sampleRate: number, bands: number, rect: Rect, minGap = 12): { hz: number; y: number }[] {
  const ticks: { hz: number; y: number }[] = [];
  let above = rect.y - minGap / 2;
  const bottom = rect.y + rect.height;
  for (const hz of [...MEL_TICK_HZ].reverse()) {
    if (hz >= sampleRate / 2) continue;
    const y = melToY(hz, sampleRate, bands, rect);
    if (y - above < minGap || bottom - y < minGap / 2) continue;
    ticks.push({ hz, y });
    above = y;
  }
  return ticks;
}

/** Time ruler ticks: a round step giving about `target` ticks over `spanSeconds`. */
export function timeTicks(spanSeconds: number, target = 8): number[] {
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300];
  const step = steps.find((s) => spanSeconds / s <= target) ?? steps[steps.length - 1] ?? 1;
  const ticks: number[] = [];
  for (let i = 0; i * step <= spanSeconds + 1e-9; i += 1) ticks.push(Math.round(i * step * 1000) / 1000);
  return ticks;
}

/**
 * The dB range to colour or plot: the loudest finite value, and `floorDb` below it unless
 * the quietest is closer (silence's −∞ or −200 dB would otherwise flatten everything).
 */
export function dbBounds(rows: readonly (readonly number[])[], floorDb = 80): { low: number; high: number } {
  let low = Infinity;
  let high = -Infinity;
  for (const row of rows) {
    for (const value of row) {
      if (!Number.isFinite(value)) continue;
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  if (high === -Infinity) return { low: -floorDb, high: 0 };
  low = Math.max(low, high - floorDb);
  return high > low ? { low, high } : { low: high - 1, high };
}

/** Stops of the heat map, dark to bright (0…1 → RGB): night, indigo, teal, green, straw. */
const HEAT_STOPS: readonly (readonly [number, number, number, number])[] = [
  [0, 13, 15, 19],
  [0.25, 44, 38, 112],
  [0.5, 34, 128, 170],
  [0.75, 78, 201, 140],
  [1, 250, 232, 120],
];

/** The heat map's colour at `t` (0…1, clamped). */
export function heatColor(t: number): [number, number, number] {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  for (let i = 1; i < HEAT_STOPS.length; i += 1) {
    const upper = HEAT_STOPS[i];
    const lower = HEAT_STOPS[i - 1];
    if (!upper || !lower || clamped > upper[0]) continue;
    const mix = (clamped - lower[0]) / (upper[0] - lower[0]);
    const channel = (k: 1 | 2 | 3): number => Math.round(lower[k] + (upper[k] - lower[k]) * mix);
    return [channel(1), channel(2), channel(3)];
  }
  return [250, 232, 120];
}

/**
 * A mel spectrogram ([frame][band], dB) as RGBA pixels, one column per frame and one row per
 * band, the highest band on the top row: width = frames, height = bands.
 */
export function melPixels(
  frames: readonly (readonly number[])[],
  bands: number,
  bounds: { low: number; high: number },
): Uint8ClampedArray<ArrayBuffer> {
  const width = frames.length;
  const pixels = new Uint8ClampedArray(width * bands * 4);
  const scale = 1 / (bounds.high - bounds.low);
  for (let frame = 0; frame < width; frame += 1) {
    const column = frames[frame] ?? [];
    for (let band = 0; band < bands; band += 1) {
      const value = column[band] ?? bounds.low;
      const [r, g, b] = heatColor((value - bounds.low) * scale);
      const offset = ((bands - 1 - band) * width + frame) * 4;
      pixels[offset] = r;
      pixels[offset + 1] = g;
      pixels[offset + 2] = b;
      pixels[offset + 3] = 255;
    }
  }
  return pixels;
}
