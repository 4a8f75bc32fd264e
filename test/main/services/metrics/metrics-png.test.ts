/**
 * The side-by-side picture as a PNG (services/metrics/metrics-png.ts), decoded back with pngjs
 * and checked pixel by pixel where the layout says things are: the take's and the source's
 * waveforms on one time scale, the copied stretch shaded red on the take's axis and on the
 * source's (where it came from) and nowhere else, the louder mel spectrogram brighter, and
 * both spectra drawn in their colours.
 */
import { PNG } from 'pngjs';
import type { PictureData } from '../../../../src-main/common/metrics.js';
import {
  BACKGROUND,
  COPY,
  PANEL,
  PNG_WIDTH,
  SOURCE,
  TAKE,
  pictureLayout,
  renderPicturePng,
  type Panel,
} from '../../../../src-main/services/metrics/metrics-png.js';

const SECONDS_PER_COLUMN = 0.01;
const MEL_SECONDS_PER_FRAME = 0.032;

/** A 10 s take (peaks ±0.5, mel at −10 dB) and a 4 s source (±0.2, −60 dB); take 2–5 s copies source 1–4 s. */
function sampleData(): PictureData {
  const frequencies = Array.from({ length: 256 }, (_, i) => 20 * (8000 / 20) ** (i / 255));
  return {
    takeId: 7,
    sampleRate: 16_000,
    waveform: {
      take: Array.from({ length: 1000 }, () => [-0.5, 0.5] as [number, number]),
      source: Array.from({ length: 400 }, () => [-0.2, 0.2] as [number, number]),
      secondsPerColumn: SECONDS_PER_COLUMN,
    },
    spectrum: { frequencies, take: frequencies.map(() => -20), source: frequencies.map(() => -60) },
    mel: {
      bands: 64,
      secondsPerFrame: MEL_SECONDS_PER_FRAME,
      take: Array.from({ length: Math.round(10 / MEL_SECONDS_PER_FRAME) }, () => Array<number>(64).fill(-10)),
      source: Array.from({ length: Math.round(4 / MEL_SECONDS_PER_FRAME) }, () => Array<number>(64).fill(-60)),
    },
    copies: [{ takeStart: 2, takeEnd: 5, sourceStart: 1, similarity: 0.93 }],
  };
}

const data = sampleData();
const layout = pictureLayout(data);
const png = renderPicturePng(data);
const image = PNG.sync.read(png);

function pixel(x: number, y: number): [number, number, number] {
  const at = (Math.round(y) * image.width + Math.round(x)) * 4;
  return [image.data[at]!, image.data[at + 1]!, image.data[at + 2]!];
}

/** x of time `seconds` on every time panel. */
const xAt = (seconds: number): number => layout.left + seconds * layout.pixelsPerSecond + 0.5;
/** Inside the copy strip at the top of a panel. */
const stripOf = (panel: Panel): number => panel.top + 1;

describe('renderPicturePng', () => {
  it('is a PNG of the layout size', () => {
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(image.width).toBe(PNG_WIDTH);
    expect(image.height).toBe(layout.height);
    // One time scale: 10 s of take span the plot, the source's 4 s two fifths of it.
    expect(layout.pixelsPerSecond).toBeCloseTo(layout.plotWidth / 10, 9);
  });

  it('draws the waveforms in their colours, each as tall as its peaks', () => {
    const { takeWave, sourceWave } = layout.panels;
    const middle = (panel: Panel) => panel.top + panel.height / 2;
    expect(pixel(xAt(8), middle(takeWave))).toEqual([...TAKE]);
    expect(pixel(xAt(8), middle(takeWave) - 0.45 * (takeWave.height / 2))).toEqual([...TAKE]);
    expect(pixel(xAt(8), middle(takeWave) - 0.6 * (takeWave.height / 2))).toEqual([...PANEL]);
    expect(pixel(xAt(0.5), middle(sourceWave) - 0.15 * (sourceWave.height / 2))).toEqual([...SOURCE]);
    expect(pixel(xAt(0.5), middle(sourceWave) - 0.3 * (sourceWave.height / 2))).toEqual([...PANEL]);
    // The source ends at 4 s: nothing is drawn after it.
    expect(pixel(xAt(6), middle(sourceWave))).toEqual([...BACKGROUND]);
  });

  it('marks the copied stretch on the take (2–5 s) and on the source (1–4 s) only', () => {
    const { takeWave, sourceWave, takeMel, sourceMel } = layout.panels;
    for (const panel of [takeWave, takeMel]) {
      expect(pixel(xAt(3.5), stripOf(panel))).toEqual([...COPY]);
      expect(pixel(xAt(1.5), stripOf(panel))).not.toEqual([...COPY]);
      expect(pixel(xAt(6), stripOf(panel))).not.toEqual([...COPY]);
    }
    for (const panel of [sourceWave, sourceMel]) {
      expect(pixel(xAt(2.5), stripOf(panel))).toEqual([...COPY]);
      expect(pixel(xAt(0.5), stripOf(panel))).not.toEqual([...COPY]);
    }
    // Below the strip the shading is translucent: the panel shows through, reddened.
    const [r, g, b] = pixel(xAt(3.5), takeWave.top + takeWave.height - 2);
    expect(r).toBeGreaterThan(g + 30);
    expect(r).toBeGreaterThan(b + 30);
  });

  it('draws the louder mel spectrogram brighter, on the same time scale', () => {
    const brightness = (rgb: [number, number, number]) => rgb[0] + rgb[1] + rgb[2];
    const { takeMel, sourceMel } = layout.panels;
    const take = pixel(xAt(8), takeMel.top + takeMel.height / 2);
    const source = pixel(xAt(0.5), sourceMel.top + sourceMel.height / 2);
    expect(brightness(take)).toBeGreaterThan(brightness(source) + 150);
    expect(pixel(xAt(6), sourceMel.top + sourceMel.height / 2)).toEqual([...BACKGROUND]);
  });

  it('draws both spectra, the louder take above the source', () => {
    const { spectrum } = layout.panels;
    const column = Math.round(layout.left + layout.plotWidth / 2);
    const rowsOf = (color: readonly number[]) => {
      const rows: number[] = [];
      for (let y = spectrum.top; y < spectrum.top + spectrum.height; y++) {
        if (pixel(column, y).every((v, i) => v === color[i])) rows.push(y);
      }
      return rows;
    };
    const takeRows = rowsOf(TAKE);
    const sourceRows = rowsOf(SOURCE);
    expect(takeRows.length).toBeGreaterThan(0);
    expect(sourceRows.length).toBeGreaterThan(0);
    expect(Math.max(...takeRows)).toBeLessThan(Math.min(...sourceRows));
  });
});
