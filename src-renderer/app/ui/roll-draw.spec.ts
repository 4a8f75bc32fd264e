/**
 * What the piano roll draws, read off a recording 2D context: the ruler numbers every bar and
 * names the meter where it changes (a 6/8 section says 6/8 at its first bar), the keyboard
 * names middle C "C4", and the grid draws only the notes in view, each as opaque as it is loud.
 */
import { describe, expect, it } from '@jest/globals';
import type { MeterPoint, PartNote } from '@common/midi.js';
import { drawGrid, drawKeys, drawRuler, type RollMarks } from './roll-draw.js';
import { gridLines, yOfPitch } from './roll-geometry.js';

/** A context that records text and filled rectangles with the fill style they were drawn in. */
function recorder() {
  const texts: { text: string; x: number; y: number }[] = [];
  const rects: { x: number; y: number; w: number; h: number; fill: string }[] = [];
  const context = {
    fillStyle: '',
    font: '',
    textBaseline: '',
    textAlign: '',
    fillRect(x: number, y: number, w: number, h: number) {
      rects.push({ x, y, w, h, fill: String(context.fillStyle) });
    },
    fillText(text: string, x: number, y: number) {
      texts.push({ text, x, y });
    },
    measureText: (text: string) => ({ width: text.length * 6 }),
    save() {},
    restore() {},
    beginPath() {},
    rect() {},
    clip() {},
  };
  return { context: context as unknown as CanvasRenderingContext2D, texts, rects };
}

const WITH_SIX_EIGHT: MeterPoint[] = [
  { beats: 0, timeSignature: { numerator: 4, denominator: 4 } },
  { beats: 8, timeSignature: { numerator: 6, denominator: 8 } },
];
const scale = { pixelsPerBeat: 24, rowHeight: 12, highPitch: 127 };
const noMarks: RollMarks = { clips: [], selection: null, position: 0, playhead: null };

describe('roll drawing', () => {
  it('numbers the bars on the ruler and names each meter where it starts', () => {
    const { context, texts } = recorder();
    const view = { scrollLeft: 0, scrollTop: 0, width: 24 * 20, height: 34 };
    drawRuler(context, view, scale, gridLines(WITH_SIX_EIGHT, 20), noMarks);
    const at = (text: string) => texts.filter((t) => t.text === text).map((t) => Math.round(t.x));
    expect(texts.filter((t) => /^\d+$/.test(t.text)).map((t) => t.text)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    // 4/4 at bar 1 (beat 0), 6/8 at bar 3 (beat 8 = 192 px), after the bar's number.
    expect(at('4/4')).toHaveLength(1);
    expect(at('6/8')).toHaveLength(1);
    expect(at('6/8')[0]).toBeGreaterThan(192);
    expect(at('3')[0]).toBe(197);
  });

  it('draws a clip as a region in the lower half of the ruler, with its label', () => {
    const { context, rects, texts } = recorder();
    const view = { scrollLeft: 0, scrollTop: 0, width: 24 * 20, height: 34 };
    const marks: RollMarks = { ...noMarks, clips: [{ startBeats: 0, endBeats: 16, label: 'verse', selected: false }] };
    drawRuler(context, view, scale, gridLines(WITH_SIX_EIGHT, 20), marks);
    const region = rects.find((r) => r.fill.startsWith('rgba(46, 196, 166'));
    expect(region).toBeDefined();
    expect(region!.y).toBeGreaterThanOrEqual(17);
    expect(region!.y + region!.h).toBeLessThanOrEqual(34);
    expect(region!.w).toBeCloseTo(24 * 16 - 2, 9);
    expect(texts.some((t) => t.text === 'verse')).toBe(true);
  });

  it('names middle C on the keyboard at its row', () => {
    const { context, texts } = recorder();
    const top = yOfPitch(72, scale);
    drawKeys(context, { scrollLeft: 0, scrollTop: top, width: 58, height: 12 * 13 }, scale);
    const c4 = texts.find((t) => t.text === 'C4');
    expect(c4).toBeDefined();
    expect(c4!.y).toBeCloseTo(yOfPitch(60, scale) - top + 6, 9);
    // Right-aligned inside the strip, not at the edge of some wider canvas.
    expect(c4!.x).toBe(58 - 4);
  });

  it('draws the notes in view only, louder ones more opaque', () => {
    const { context, rects } = recorder();
    const notes: PartNote[] = [
      { pitch: 60, startBeats: 0, durationBeats: 1, velocity: 127 },
      { pitch: 62, startBeats: 1, durationBeats: 1, velocity: 20 },
      { pitch: 64, startBeats: 40, durationBeats: 1, velocity: 100 },
    ];
    const view = { scrollLeft: 0, scrollTop: yOfPitch(72, scale), width: 24 * 8, height: 12 * 24 };
    drawGrid(context, view, scale, gridLines(WITH_SIX_EIGHT, 8), notes, noMarks);
    const noteFills = rects.filter((r) => r.fill.startsWith('rgba(110, 168, 255')).map((r) => Number(/, ([\d.]+)\)$/.exec(r.fill)![1]));
    expect(noteFills).toHaveLength(2);
    expect(noteFills[0]).toBeCloseTo(1, 9);
    expect(noteFills[1]).toBeLessThan(0.5);
  });
});
