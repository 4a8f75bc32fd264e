/**
 * The take-vs-source pictures' arithmetic: panels stacked without overlap on one time axis,
 * the shared time span, copied stretches placed on the take's and the source's axes, the log
 * frequency axis, dB bounds that ignore silence, the heat map's ends and the mel pixels' layout,
 * and the mel panels' frequency rulers (a tone's brightest band sits where the ruler names the
 * tone's frequency, in the measurements' own picture data).
 */
import type { PictureData } from '../../../../src-main/common/metrics.js';
import { pictureData } from '../../../../src-main/services/metrics/measure/picture-data.js';
import { hzToMel } from '../../../../src-main/services/metrics/features/mel.js';
import {
  LABEL_GUTTER,
  MIN_PICTURE_WIDTH,
  copyBands,
  dbBounds,
  frequencyRange,
  frequencyTicks,
  frequencyToX,
  heatColor,
  melPixels,
  melTicks,
  melToY,
  pictureLayout,
  slaneyMel,
  pictureSeconds,
  timeTicks,
  timeToX,
  type Rect,
} from '../../../../src-renderer/app/takes/picture-geometry.js';

const RECT: Rect = { x: 100, y: 0, width: 1000, height: 50 };

/** Picture data of a `takeSeconds` take and a `sourceSeconds` source, 10 columns/frames a second. */
function pictures(takeSeconds: number, sourceSeconds: number): PictureData {
  const columns = (seconds: number): [number, number][] => Array.from({ length: seconds * 10 }, () => [-0.5, 0.5]);
  const frames = (seconds: number): number[][] => Array.from({ length: seconds * 10 }, () => [-20, -10]);
  return {
    takeId: 1,
    sampleRate: 16_000,
    waveform: { take: columns(takeSeconds), source: columns(sourceSeconds), secondsPerColumn: 0.1 },
    spectrum: { frequencies: [0, 100, 1000], take: [-60, -20, -30], source: [-60, -25, -35] },
    mel: { bands: 2, secondsPerFrame: 0.1, take: frames(takeSeconds), source: frames(sourceSeconds) },
    copies: [],
  };
}

describe('pictureLayout', () => {
  test('the time panels share x and width and are stacked without overlap, the spectrum below', () => {
    const layout = pictureLayout(800);
    const stack = [
      layout.takeWave,
      layout.sourceWave,
      layout.takeMel,
      layout.takeMelAxis,
      layout.sourceMel,
      layout.timeAxis,
      layout.spectrum,
      layout.frequencyAxis,
    ];
    for (const rect of stack) {
      expect(rect.x).toBe(LABEL_GUTTER);
      expect(rect.width).toBe(layout.takeWave.width);
      expect(rect.x + rect.width).toBeLessThanOrEqual(800);
    }
    for (let i = 1; i < stack.length; i += 1) {
      const above = stack[i - 1];
      const below = stack[i];
      if (!above || !below) throw new Error('missing panel');
      expect(below.y).toBeGreaterThanOrEqual(above.y + above.height);
    }
    const last = layout.frequencyAxis;
    expect(layout.height).toBeGreaterThanOrEqual(last.y + last.height);
  });

  test('each mel spectrogram has a time ruler right under it', () => {
    const layout = pictureLayout(800);
    expect(layout.takeMelAxis.y).toBe(layout.takeMel.y + layout.takeMel.height);
    expect(layout.timeAxis.y).toBe(layout.sourceMel.y + layout.sourceMel.height);
  });

  test('a narrow container still gets the minimum width', () => {
    expect(pictureLayout(100).width).toBe(MIN_PICTURE_WIDTH);
  });
});

describe('time axis', () => {
  test('the span is the longer of take and source', () => {
    expect(pictureSeconds(pictures(3, 2))).toEqual({ take: 3, source: 2, span: 3 });
    expect(pictureSeconds(pictures(2, 5)).span).toBe(5);
  });

  test('seconds map linearly onto the panel and are clamped to it', () => {
    expect(timeToX(0, 10, RECT)).toBe(100);
    expect(timeToX(2.5, 10, RECT)).toBe(350);
    expect(timeToX(10, 10, RECT)).toBe(1100);
    expect(timeToX(12, 10, RECT)).toBe(1100);
    expect(timeToX(-1, 10, RECT)).toBe(100);
  });

  test('ticks fall on a round step from 0 to the span', () => {
    expect(timeTicks(3)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    expect(timeTicks(30)).toEqual([0, 5, 10, 15, 20, 25, 30]);
  });
});

describe('copyBands', () => {
  const copy = { takeStart: 2, takeEnd: 7, sourceStart: 1, similarity: 0.95 };

  test('a copy sits at take time on the take axis and at source time, as long, on the source axis', () => {
    expect(copyBands([copy], 'take', 10, RECT)).toEqual([{ x: 300, width: 500 }]);
    expect(copyBands([copy], 'source', 10, RECT)).toEqual([{ x: 200, width: 500 }]);
  });

  test('a very short copy stays at least a pixel wide', () => {
    const short = { ...copy, takeEnd: 2.0001 };
    expect(copyBands([short], 'take', 10, RECT)[0]?.width).toBe(1);
  });
});

describe('frequency axis', () => {
  test('0 Hz is left out of the range; the axis is logarithmic', () => {
    const range = frequencyRange([0, 100, 1000, 10_000]);
    expect(range).toEqual({ low: 100, high: 10_000 });
    expect(frequencyToX(100, range, RECT)).toBe(100);
    expect(frequencyToX(1000, range, RECT)).toBeCloseTo(600, 9);
    expect(frequencyToX(10_000, range, RECT)).toBe(1100);
    expect(frequencyToX(0, range, RECT)).toBe(100);
  });

  test('ticks are the 1-2-5 steps inside the range', () => {
    expect(frequencyTicks({ low: 30, high: 8000 })).toEqual([50, 100, 200, 500, 1000, 2000, 5000]);
  });
});

describe('dbBounds', () => {
  test('silence (−∞, NaN) is ignored and the floor is 80 dB under the loudest', () => {
    expect(dbBounds([[-Infinity, -10, Number.NaN], [-200, -3]])).toEqual({ low: -83, high: -3 });
    expect(dbBounds([[-20, -10]])).toEqual({ low: -20, high: -10 });
  });

  test('nothing finite, or one value, still gives a usable range', () => {
    expect(dbBounds([[-Infinity]])).toEqual({ low: -80, high: 0 });
    expect(dbBounds([[-6, -6]])).toEqual({ low: -7, high: -6 });
  });
});

describe('heat map', () => {
  test('runs from the dark end to the bright end and clamps', () => {
    expect(heatColor(0)).toEqual([13, 15, 19]);
    expect(heatColor(1)).toEqual([250, 232, 120]);
    expect(heatColor(-1)).toEqual(heatColor(0));
    expect(heatColor(2)).toEqual(heatColor(1));
    const brightness = (t: number): number => heatColor(t).reduce((sum, channel) => sum + channel, 0);
    for (let t = 0.1; t <= 1; t += 0.1) expect(brightness(t)).toBeGreaterThan(brightness(t - 0.1));
  });

  test('mel pixels: a column per frame, the highest band on the top row, opaque', () => {
    // Two frames of two bands: frame 0 loud in the high band, frame 1 loud in the low band.
    const pixels = melPixels([[-80, 0], [0, -80]], 2, { low: -80, high: 0 });
    const at = (x: number, y: number): number[] => [...pixels.subarray((y * 2 + x) * 4, (y * 2 + x) * 4 + 4)];
    expect(pixels.length).toBe(2 * 2 * 4);
    expect(at(0, 0)).toEqual([...heatColor(1), 255]);
    expect(at(0, 1)).toEqual([...heatColor(0), 255]);
    expect(at(1, 0)).toEqual([...heatColor(0), 255]);
    expect(at(1, 1)).toEqual([...heatColor(1), 255]);
  });
});

describe('mel panels’ frequency ruler', () => {
  const MEL: Rect = { x: 124, y: 200, width: 600, height: 84 };

  test('uses the measurements’ Slaney mel scale', () => {
    for (const hz of [0, 200, 999, 1000, 2500, 8000]) expect(slaneyMel(hz)).toBeCloseTo(hzToMel(hz), 9);
  });

  test('a tone’s brightest band is where the ruler puts its frequency', () => {
    const sampleRate = 16_000;
    for (const hz of [300, 1000, 3000]) {
      const samples = Float32Array.from({ length: sampleRate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / sampleRate));
      const data = pictureData(1, { samples, sampleRate }, { samples, sampleRate }, []);
      const frame = data.mel.take[Math.floor(data.mel.take.length / 2)] ?? [];
      const loudest = frame.indexOf(Math.max(...frame));
      // melPixels puts band b on row (bands - 1 - b), each row an equal share of the panel.
      const rowCentre = MEL.y + ((data.mel.bands - 1 - loudest + 0.5) / data.mel.bands) * MEL.height;
      const bandHeight = MEL.height / data.mel.bands;
      expect({ hz, y: Math.abs(melToY(hz, sampleRate, data.mel.bands, MEL) - rowCentre) <= bandHeight }).toEqual({ hz, y: true });
    }
  });

  test('higher frequencies sit higher, clamped to the panel', () => {
    const y = (hz: number): number => melToY(hz, 16_000, 64, MEL);
    expect(y(500)).toBeGreaterThan(y(1000));
    expect(y(1000)).toBeGreaterThan(y(4000));
    expect(y(8000)).toBe(MEL.y);
    expect(y(0)).toBe(MEL.y + MEL.height);
  });

  test('ticks lie inside the panel, top first, apart, and below the top frequency', () => {
    const ticks = melTicks(16_000, 64, MEL);
    expect(ticks.map((tick) => tick.hz)).toEqual([4000, 2000, 1000, 500]);
    expect(ticks[0]!.y).toBeGreaterThanOrEqual(MEL.y + 6);
    expect(ticks.at(-1)!.y).toBeLessThanOrEqual(MEL.y + MEL.height - 6);
    for (let i = 1; i < ticks.length; i += 1) expect(ticks[i]!.y - ticks[i - 1]!.y).toBeGreaterThanOrEqual(12);
    expect(melTicks(44_100, 64, MEL).every((tick) => tick.hz < 22_050)).toBe(true);
    expect(melTicks(44_100, 64, MEL)[0]?.hz).toBe(8000);
  });
});
