/**
 * The piano roll's arithmetic: beats ↔ x and pitch ↔ y round-trip, note names, the grid a
 * meter map draws (4/4 bars with four beat lines, then 6/8 bars with six eighth lines), a ruler
 * drag snapped to the whole bars it covers (either direction, across a meter change), a position
 * as bar.beat, playback followed through tempo changes, and the pitch range and scroll the roll
 * opens on.
 */
import type { MeterPoint, PartNote } from '../../../../src-main/common/midi.js';
import {
  barBeatText,
  barCount,
  beatsIntoPlayback,
  barsLabel,
  barsOfDrag,
  beatsOfBars,
  beatsOfX,
  gridLines,
  isBlackKey,
  nextZoom,
  noteName,
  pitchOfY,
  pitchRangeOf,
  scrollTopFor,
  velocityOpacity,
  xOfBeats,
  yOfPitch,
  ZOOM_STEPS,
} from '../../../../src-renderer/app/ui/roll-geometry.js';

const FOUR_FOUR: MeterPoint[] = [{ beats: 0, timeSignature: { numerator: 4, denominator: 4 } }];
// 2 bars of 4/4, then 6/8 (3 quarter notes a bar) from beat 8.
const WITH_SIX_EIGHT: MeterPoint[] = [
  { beats: 0, timeSignature: { numerator: 4, denominator: 4 } },
  { beats: 8, timeSignature: { numerator: 6, denominator: 8 } },
];

const note = (pitch: number, startBeats: number, durationBeats = 1, velocity = 100): PartNote => ({ pitch, startBeats, durationBeats, velocity });

describe('roll geometry', () => {
  it('maps beats to x and pitch to rows, and back', () => {
    const scale = { pixelsPerBeat: 24, rowHeight: 10, highPitch: 127 };
    expect(xOfBeats(4, scale)).toBe(96);
    expect(beatsOfX(96, scale)).toBe(4);
    expect(beatsOfX(-5, scale)).toBe(0);
    expect(yOfPitch(127, scale)).toBe(0);
    expect(yOfPitch(60, scale)).toBe(670);
    expect(pitchOfY(670, scale)).toBe(60);
    expect(pitchOfY(679.9, scale)).toBe(60);
    expect(pitchOfY(680, scale)).toBe(59);
    expect(pitchOfY(99_999, scale)).toBe(0);
  });

  it('names notes with middle C as C4 and knows the black keys', () => {
    expect(noteName(60)).toBe('C4');
    expect(noteName(69)).toBe('A4');
    expect(noteName(61)).toBe('C#4');
    expect(noteName(0)).toBe('C-1');
    expect(noteName(127)).toBe('G9');
    expect([60, 61, 62, 63, 64, 65, 66].map(isBlackKey)).toEqual([false, true, false, true, false, false, true]);
  });

  it('fades soft notes without hiding them', () => {
    expect(velocityOpacity(127)).toBeCloseTo(1, 12);
    expect(velocityOpacity(1)).toBeGreaterThan(0.3);
    expect(velocityOpacity(64)).toBeLessThan(velocityOpacity(100));
  });

  it('draws 4/4 bars with quarter lines, then 6/8 bars with eighth lines and the signature where it starts', () => {
    const lines = gridLines(WITH_SIX_EIGHT, 14);
    const bars = lines.filter((line) => line.kind === 'bar');
    expect(bars.map((b) => [b.bar, b.beats, b.signature])).toEqual([
      [1, 0, '4/4'],
      [2, 4, null],
      [3, 8, '6/8'],
      [4, 11, null],
      [5, 14, null],
    ]);
    const beatsInBar = (start: number, end: number): number[] =>
      lines.filter((line) => line.kind === 'beat' && line.beats > start && line.beats < end).map((line) => line.beats);
    expect(beatsInBar(0, 4)).toEqual([1, 2, 3]);
    expect(beatsInBar(8, 11)).toEqual([8.5, 9, 9.5, 10, 10.5]);
  });

  it('snaps a ruler drag to the whole bars it covers, either way round', () => {
    expect(barsOfDrag(FOUR_FOUR, 0, 16)).toEqual({ startBar: 1, bars: 4 });
    expect(barsOfDrag(FOUR_FOUR, 16, 0)).toEqual({ startBar: 1, bars: 4 });
    expect(barsOfDrag(FOUR_FOUR, 1.2, 13.5)).toEqual({ startBar: 1, bars: 4 });
    expect(barsOfDrag(FOUR_FOUR, 32.5, 33)).toEqual({ startBar: 9, bars: 1 });
    // Floating-point slack at a bar line does not add or drop a bar.
    expect(barsOfDrag(FOUR_FOUR, 4 - 1e-9, 16 + 1e-9)).toEqual({ startBar: 2, bars: 3 });
    // Across the meter change: bar 2 (4/4) to the end of bar 4 (6/8).
    expect(barsOfDrag(WITH_SIX_EIGHT, 5, 12.9)).toEqual({ startBar: 2, bars: 3 });
    expect(beatsOfBars(WITH_SIX_EIGHT, { startBar: 2, bars: 3 })).toEqual({ start: 4, end: 14 });
  });

  it('shows a position as bar.beat in the meter of its bar', () => {
    expect(barBeatText(FOUR_FOUR, 0)).toBe('1.1');
    expect(barBeatText(FOUR_FOUR, 5)).toBe('2.2');
    expect(barBeatText(FOUR_FOUR, 3.999)).toBe('1.4');
    // 6/8 from beat 8: bar 3, its eighths are half a beat each.
    expect(barBeatText(WITH_SIX_EIGHT, 8)).toBe('3.1');
    expect(barBeatText(WITH_SIX_EIGHT, 9.5)).toBe('3.4');
    expect(barBeatText(WITH_SIX_EIGHT, 11)).toBe('4.1');
  });

  it('follows playback through tempo changes from where the audio starts', () => {
    const tempoMap = [
      { beats: 0, bpm: 120 },
      { beats: 8, bpm: 60 },
    ];
    expect(beatsIntoPlayback(tempoMap, 0, 2)).toBeCloseTo(4, 12);
    // A clip from beat 6: one second reaches the change at beat 8, the next at 60 BPM one beat more.
    expect(beatsIntoPlayback(tempoMap, 6, 1)).toBeCloseTo(8, 12);
    expect(beatsIntoPlayback(tempoMap, 6, 2)).toBeCloseTo(9, 12);
  });

  it('says bars in words', () => {
    expect(barsLabel({ startBar: 9, bars: 4 })).toBe('bars 9–12');
    expect(barsLabel({ startBar: 3, bars: 1 })).toBe('bar 3');
    expect(barCount(4)).toBe('4 bars');
    expect(barCount(1)).toBe('1 bar');
  });

  it('opens on the notes’ pitches, scrolled so they sit in the middle', () => {
    expect(pitchRangeOf([note(40, 0), note(52, 1)])).toEqual({ low: 37, high: 55 });
    expect(pitchRangeOf([])).toEqual({ low: 54, high: 72 });
    const scale = { pixelsPerBeat: 24, rowHeight: 10, highPitch: 127 };
    const top = scrollTopFor({ low: 37, high: 55 }, scale, 200);
    const middlePitch = pitchOfY(top + 100, scale);
    expect(middlePitch).toBeGreaterThanOrEqual(45);
    expect(middlePitch).toBeLessThanOrEqual(47);
    expect(scrollTopFor({ low: 120, high: 127 }, scale, 200)).toBe(0);
    expect(scrollTopFor({ low: 0, high: 3 }, scale, 200)).toBe(1280 - 200);
  });

  it('zooms in steps and stops at the ends', () => {
    expect(nextZoom(24, 1)).toBe(36);
    expect(nextZoom(24, -1)).toBe(18);
    expect(nextZoom(20, 1)).toBe(24);
    expect(nextZoom(ZOOM_STEPS.at(-1)!, 1)).toBe(ZOOM_STEPS.at(-1));
    expect(nextZoom(ZOOM_STEPS[0], -1)).toBe(ZOOM_STEPS[0]);
  });
});
