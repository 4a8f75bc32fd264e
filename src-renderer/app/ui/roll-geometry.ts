/**
 * The piano roll's geometry, as pure functions: beats ↔ x, pitch ↔ y, the bar and beat lines a
 * part's meter map draws (a 6/8 section draws 6/8 bars), a drag on the bar ruler snapped to
 * whole bars, and the pitch range the roll opens on. Times are in beats (quarter notes from
 * bar 1, @common/midi.ts); bars through @common/tempo-map.ts, numbered from 1.
 */
import type { MeterPoint, PartNote, TempoPoint } from '../../../src-main/common/midi.js';
import { barAtBeats, beatsAtBar, beatsAtSeconds, secondsAtBeats } from '../../../src-main/common/tempo-map.js';

/** How the roll is scaled: horizontal zoom and the height of one semitone row. */
export interface RollScale {
  pixelsPerBeat: number;
  rowHeight: number;
  /** The highest pitch drawn (the top row). */
  highPitch: number;
}

/** The lowest and highest MIDI pitches a roll can show. */
export const LOWEST_PITCH = 0;
export const HIGHEST_PITCH = 127;

/** Zoom steps (pixels per beat) the buttons and Ctrl+wheel move between. */
export const ZOOM_STEPS = [6, 9, 12, 18, 24, 36, 48, 72, 96, 144] as const;
export const DEFAULT_ZOOM = 24;

/** Rounding slack, in bars, for bar lines computed from beats. */
const BAR_EPSILON = 1e-6;

export function xOfBeats(beats: number, scale: Pick<RollScale, 'pixelsPerBeat'>): number {
  return beats * scale.pixelsPerBeat;
}

export function beatsOfX(x: number, scale: Pick<RollScale, 'pixelsPerBeat'>): number {
  return Math.max(0, x / scale.pixelsPerBeat);
}

/** The top of pitch `pitch`'s row. */
export function yOfPitch(pitch: number, scale: Pick<RollScale, 'rowHeight' | 'highPitch'>): number {
  return (scale.highPitch - pitch) * scale.rowHeight;
}

/** The pitch whose row holds `y` (clamped to the MIDI range). */
export function pitchOfY(y: number, scale: Pick<RollScale, 'rowHeight' | 'highPitch'>): number {
  const pitch = scale.highPitch - Math.floor(y / scale.rowHeight);
  return Math.min(HIGHEST_PITCH, Math.max(LOWEST_PITCH, pitch));
}

const PITCH_CLASS_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;

/** "C4" for MIDI 60 (scientific pitch notation: middle C is C4, A4 = 69 is 440 Hz). */
export function noteName(pitch: number): string {
  return `${PITCH_CLASS_NAMES[((pitch % 12) + 12) % 12]}${Math.floor(pitch / 12) - 1}`;
}

/** Whether a pitch is a black key (its keyboard row is drawn dark). */
export function isBlackKey(pitch: number): boolean {
  return [1, 3, 6, 8, 10].includes(((pitch % 12) + 12) % 12);
}

/** A note's velocity as the opacity of its rectangle: soft notes fade, none disappears. */
export function velocityOpacity(velocity: number): number {
  return 0.3 + (0.7 * Math.min(127, Math.max(1, velocity))) / 127;
}

/** A line of the grid: a bar line (with its number, and its signature where a meter starts) or a beat line. */
export interface GridLine {
  beats: number;
  kind: 'bar' | 'beat';
  /** The bar this line starts (bar lines only). */
  bar: number | null;
  /** "6/8" where a meter begins (bar lines only). */
  signature: string | null;
}

/**
 * The bar lines and, inside each bar, a line per beat of its meter (eighths in 6/8, quarters
 * in 4/4), from bar 1 up to `endBeats`.
 */
export function gridLines(meterMap: readonly MeterPoint[], endBeats: number): GridLine[] {
  const lines: GridLine[] = [];
  const lastBar = Math.ceil(barAtBeats(meterMap, endBeats) - BAR_EPSILON);
  let meterIndex = -1;
  for (let bar = 1; bar <= Math.max(1, lastBar); bar++) {
    const start = beatsAtBar(meterMap, bar);
    const end = beatsAtBar(meterMap, bar + 1);
    let signature: string | null = null;
    const meterHere = lastMeterAt(meterMap, start);
    if (meterHere !== meterIndex) {
      meterIndex = meterHere;
      const { numerator, denominator } = meterMap[meterHere]!.timeSignature;
      signature = `${numerator}/${denominator}`;
    }
    lines.push({ beats: start, kind: 'bar', bar, signature });
    const { numerator, denominator } = meterMap[meterHere]!.timeSignature;
    const step = 4 / denominator;
    for (let beat = 1; beat < numerator; beat++) {
      const at = start + beat * step;
      if (at < end - BAR_EPSILON) lines.push({ beats: at, kind: 'beat', bar: null, signature: null });
    }
  }
  return lines;
}

/** The index of the meter point in force at `beats`. */
function lastMeterAt(meterMap: readonly MeterPoint[], beats: number): number {
  let index = 0;
  for (let i = 1; i < meterMap.length; i++) {
    if (meterMap[i]!.beats <= beats + BAR_EPSILON) index = i;
  }
  return index;
}

/** Whole bars: the first and how many. */
export interface BarSpan {
  startBar: number;
  bars: number;
}

/**
 * A drag on the bar ruler from `fromBeats` to `toBeats` (either way round), snapped to the whole
 * bars it covers: a drag from inside bar 1 to inside bar 4 is bars 1–4, one from bar 1's line
 * to bar 5's line is bars 1–4 too.
 */
export function barsOfDrag(meterMap: readonly MeterPoint[], fromBeats: number, toBeats: number): BarSpan {
  const lo = Math.max(0, Math.min(fromBeats, toBeats));
  const hi = Math.max(0, Math.max(fromBeats, toBeats));
  const startBar = Math.max(1, Math.floor(barAtBeats(meterMap, lo) + BAR_EPSILON));
  const endBar = Math.max(startBar + 1, Math.ceil(barAtBeats(meterMap, hi) - BAR_EPSILON));
  return { startBar, bars: endBar - startBar };
}

/** Where whole bars start and end, in beats. */
export function beatsOfBars(meterMap: readonly MeterPoint[], span: BarSpan): { start: number; end: number } {
  return { start: beatsAtBar(meterMap, span.startBar), end: beatsAtBar(meterMap, span.startBar + span.bars) };
}

/** "bars 9–12", "bar 3". */
export function barsLabel(span: BarSpan): string {
  return span.bars === 1 ? `bar ${span.startBar}` : `bars ${span.startBar}–${span.startBar + span.bars - 1}`;
}

/** "4 bars", "1 bar". */
export function barCount(bars: number): string {
  return `${bars} ${bars === 1 ? 'bar' : 'bars'}`;
}

/** The pitches the roll shows on open: the notes' range with some room, an octave around C4 without notes. */
export function pitchRangeOf(notes: readonly PartNote[], margin = 3): { low: number; high: number } {
  if (notes.length === 0) return { low: 54, high: 72 };
  let low = HIGHEST_PITCH;
  let high = LOWEST_PITCH;
  for (const note of notes) {
    low = Math.min(low, note.pitch);
    high = Math.max(high, note.pitch);
  }
  return { low: Math.max(LOWEST_PITCH, low - margin), high: Math.min(HIGHEST_PITCH, high + margin) };
}

/** The scroll position that puts the middle of `range` in the middle of a view `viewHeight` tall. */
export function scrollTopFor(range: { low: number; high: number }, scale: RollScale, viewHeight: number): number {
  const middle = (yOfPitch(range.high, scale) + yOfPitch(range.low, scale) + scale.rowHeight) / 2;
  const full = (scale.highPitch - LOWEST_PITCH + 1) * scale.rowHeight;
  return Math.min(Math.max(0, full - viewHeight), Math.max(0, middle - viewHeight / 2));
}

/** The next zoom step in (`+1`) or out (`−1`) from `pixelsPerBeat`. */
export function nextZoom(pixelsPerBeat: number, direction: 1 | -1): number {
  if (direction > 0) return ZOOM_STEPS.find((step) => step > pixelsPerBeat + 1e-9) ?? ZOOM_STEPS.at(-1)!;
  return ZOOM_STEPS.findLast((step) => step < pixelsPerBeat - 1e-9) ?? ZOOM_STEPS[0];
}

/** "3.2": the bar and the beat of its meter (eighths in 6/8) at `beats`, as a DAW's position shows them. */
export function barBeatText(meterMap: readonly MeterPoint[], beats: number): string {
  const bar = barAtBeats(meterMap, beats);
  const whole = Math.floor(bar + BAR_EPSILON);
  const meter = meterMap[lastMeterAt(meterMap, beats)]!.timeSignature;
  const beatInBar = Math.floor((bar - whole) * meter.numerator + BAR_EPSILON) + 1;
  return `${whole}.${Math.min(meter.numerator, beatInBar)}`;
}

/** Where playback of audio that starts at beat `fromBeats` is, in beats, `seconds` into it. */
export function beatsIntoPlayback(tempoMap: readonly TempoPoint[], fromBeats: number, seconds: number): number {
  return beatsAtSeconds(tempoMap, secondsAtBeats(tempoMap, fromBeats) + seconds);
}
