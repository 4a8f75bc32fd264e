/**
 * Drawing the piano roll on canvases the size of what is visible (a long part at a close zoom
 * is far wider than any canvas may be): the note grid, the bar ruler above it and the keyboard
 * beside it, each from the scroll position. The arithmetic is roll-geometry.ts; the colours are
 * the app's (ui/global.css), spelled here because a canvas cannot read CSS variables cheaply on
 * every frame.
 */
import type { PartNote } from '../../../src-main/common/midi.js';
import {
  HIGHEST_PITCH,
  LOWEST_PITCH,
  isBlackKey,
  noteName,
  velocityOpacity,
  xOfBeats,
  yOfPitch,
  type GridLine,
  type RollScale,
} from './roll-geometry.js';

const COLOR = {
  background: '#13161c',
  blackRow: '#0f1217',
  cRow: '#1a1f28',
  barLine: '#3a4352',
  beatLine: '#222832',
  note: '110, 168, 255',
  noteEdge: '#cfe0ff',
  /** Notes shown for reference only (a take's source phrase): grey, drawn under the notes. */
  ghost: 'rgba(170, 178, 192, 0.32)',
  ghostEdge: 'rgba(200, 206, 216, 0.55)',
  ruler: '#171b22',
  rulerText: '#c2c8d2',
  signature: '#8d96a6',
  clip: '46, 196, 166',
  selection: '143, 188, 255',
  playhead: '#ff6b7d',
  position: '#e7e9ee',
  whiteKey: '#d9dde4',
  blackKey: '#252b36',
  keyText: '#3a4352',
  keyTextOnBlack: '#8d96a6',
};

/** What is visible: the scroll position and the canvas size, in CSS pixels. */
export interface RollViewport {
  scrollLeft: number;
  scrollTop: number;
  width: number;
  height: number;
}

/** Beats spans drawn over the roll: the part's clips, the bars being selected. */
export interface RollMarks {
  clips: readonly { startBeats: number; endBeats: number; label: string; selected: boolean }[];
  selection: { start: number; end: number } | null;
  /** Where Play starts, in beats. */
  position: number;
  /** Where playback is now, in beats (null when stopped). */
  playhead: number | null;
}

/** Sizes a canvas's backing store to its CSS size at the screen's pixel ratio; returns its context. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = globalThis.devicePixelRatio || 1;
  const pixelWidth = Math.max(1, Math.round(width * ratio));
  const pixelHeight = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== pixelWidth) canvas.width = pixelWidth;
  if (canvas.height !== pixelHeight) canvas.height = pixelHeight;
  const context = canvas.getContext('2d');
  context?.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

/**
 * Rows, bar and beat lines, clip and selection bands, the ghost notes (grey, for reference), the
 * notes (velocity as opacity), position and playhead.
 */
export function drawGrid(
  context: CanvasRenderingContext2D,
  view: RollViewport,
  scale: RollScale,
  lines: readonly GridLine[],
  notes: readonly PartNote[],
  marks: RollMarks,
  ghosts: readonly PartNote[] = [],
): void {
  const { width, height, scrollLeft, scrollTop } = view;
  context.fillStyle = COLOR.background;
  context.fillRect(0, 0, width, height);
  const top = Math.min(HIGHEST_PITCH, scale.highPitch - Math.floor(scrollTop / scale.rowHeight));
  const bottom = Math.max(LOWEST_PITCH, scale.highPitch - Math.ceil((scrollTop + height) / scale.rowHeight));
  for (let pitch = top; pitch >= bottom; pitch--) {
    const y = yOfPitch(pitch, scale) - scrollTop;
    if (isBlackKey(pitch)) {
      context.fillStyle = COLOR.blackRow;
      context.fillRect(0, y, width, scale.rowHeight);
    } else if (pitch % 12 === 0) {
      context.fillStyle = COLOR.cRow;
      context.fillRect(0, y + scale.rowHeight - 1, width, 1);
    }
  }
  for (const clip of marks.clips) {
    band(context, view, scale, clip.startBeats, clip.endBeats, `rgba(${COLOR.clip}, ${clip.selected ? 0.14 : 0.07})`, height);
  }
  if (marks.selection) band(context, view, scale, marks.selection.start, marks.selection.end, `rgba(${COLOR.selection}, 0.16)`, height);
  for (const line of lines) {
    const x = Math.round(xOfBeats(line.beats, scale) - scrollLeft) + 0.5;
    if (x < -1 || x > width + 1) continue;
    context.fillStyle = line.kind === 'bar' ? COLOR.barLine : COLOR.beatLine;
    context.fillRect(x - 0.5, 0, 1, height);
  }
  const startBeats = scrollLeft / scale.pixelsPerBeat;
  const endBeats = (scrollLeft + width) / scale.pixelsPerBeat;
  const drawNotes = (list: readonly PartNote[], fill: (note: PartNote) => string, edge: string): void => {
    for (const note of list) {
      if (note.startBeats > endBeats || note.startBeats + note.durationBeats < startBeats) continue;
      if (note.pitch > top || note.pitch < bottom) continue;
      const x = xOfBeats(note.startBeats, scale) - scrollLeft;
      const y = yOfPitch(note.pitch, scale) - scrollTop;
      const w = Math.max(2, xOfBeats(note.durationBeats, scale) - 1);
      context.fillStyle = fill(note);
      context.fillRect(x, y + 1, w, scale.rowHeight - 2);
      context.fillStyle = edge;
      context.fillRect(x, y + 1, 1.5, scale.rowHeight - 2);
    }
  };
  drawNotes(ghosts, () => COLOR.ghost, COLOR.ghostEdge);
  drawNotes(notes, (note) => `rgba(${COLOR.note}, ${velocityOpacity(note.velocity)})`, COLOR.noteEdge);
  vertical(context, view, scale, marks.position, COLOR.position, height, 1);
  if (marks.playhead !== null) vertical(context, view, scale, marks.playhead, COLOR.playhead, height, 2);
}

/** Bar numbers (a signature where a meter begins), clip regions with their labels, the selection, position and playhead. */
export function drawRuler(
  context: CanvasRenderingContext2D,
  view: RollViewport,
  scale: RollScale,
  lines: readonly GridLine[],
  marks: RollMarks,
): void {
  const { width, height, scrollLeft } = view;
  context.fillStyle = COLOR.ruler;
  context.fillRect(0, 0, width, height);
  const clipTop = Math.round(height / 2);
  for (const clip of marks.clips) {
    const x = xOfBeats(clip.startBeats, scale) - scrollLeft;
    const w = xOfBeats(clip.endBeats - clip.startBeats, scale);
    if (x > width || x + w < 0) continue;
    context.fillStyle = `rgba(${COLOR.clip}, ${clip.selected ? 0.75 : 0.45})`;
    context.fillRect(x + 1, clipTop + 1, w - 2, height - clipTop - 3);
    if (clip.label && w > 24) {
      context.save();
      context.beginPath();
      context.rect(x + 1, clipTop, w - 2, height - clipTop);
      context.clip();
      context.fillStyle = '#08111f';
      context.font = '600 10.5px system-ui, sans-serif';
      context.textBaseline = 'middle';
      context.fillText(clip.label, x + 5, clipTop + (height - clipTop) / 2);
      context.restore();
    }
  }
  if (marks.selection) band(context, view, scale, marks.selection.start, marks.selection.end, `rgba(${COLOR.selection}, 0.35)`, height);
  // Bar numbers thin out at a far zoom so they never overlap.
  const firstBarBeats = lines.find((line) => line.kind === 'bar' && line.bar === 2)?.beats ?? 4;
  const every = Math.max(1, 2 ** Math.ceil(Math.log2(Math.max(1, 28 / (firstBarBeats * scale.pixelsPerBeat)))));
  context.font = '11px system-ui, sans-serif';
  context.textBaseline = 'top';
  for (const line of lines) {
    if (line.kind !== 'bar' || line.bar === null) continue;
    const x = Math.round(xOfBeats(line.beats, scale) - scrollLeft) + 0.5;
    if (x < -60 || x > width + 1) continue;
    context.fillStyle = COLOR.barLine;
    context.fillRect(x - 0.5, 0, 1, height);
    if ((line.bar - 1) % every !== 0 && line.signature === null) continue;
    context.fillStyle = COLOR.rulerText;
    context.fillText(String(line.bar), x + 4, 3);
    if (line.signature) {
      context.fillStyle = COLOR.signature;
      context.fillText(line.signature, x + 4 + context.measureText(String(line.bar)).width + 6, 3);
    }
  }
  vertical(context, view, scale, marks.position, COLOR.position, height, 1);
  if (marks.playhead !== null) vertical(context, view, scale, marks.playhead, COLOR.playhead, height, 2);
}

/** The keyboard strip: white and black keys, every C named (C4 is middle C). */
export function drawKeys(context: CanvasRenderingContext2D, view: RollViewport, scale: RollScale): void {
  const { width, height, scrollTop } = view;
  context.fillStyle = COLOR.whiteKey;
  context.fillRect(0, 0, width, height);
  context.font = '10px system-ui, sans-serif';
  context.textBaseline = 'middle';
  const labelAll = scale.rowHeight >= 12;
  for (let pitch = HIGHEST_PITCH; pitch >= LOWEST_PITCH; pitch--) {
    const y = yOfPitch(pitch, scale) - scrollTop;
    if (y + scale.rowHeight < 0 || y > height) continue;
    const black = isBlackKey(pitch);
    if (black) {
      context.fillStyle = COLOR.blackKey;
      context.fillRect(0, y, width * 0.62, scale.rowHeight);
    }
    if (pitch % 12 === 0 || pitch % 12 === 5) {
      context.fillStyle = COLOR.barLine;
      context.fillRect(0, y + scale.rowHeight - 0.5, width, 0.5);
    }
    if (pitch % 12 === 0 || (labelAll && !black)) {
      context.fillStyle = black ? COLOR.keyTextOnBlack : COLOR.keyText;
      context.textAlign = 'right';
      context.fillText(noteName(pitch), width - 4, y + scale.rowHeight / 2);
      context.textAlign = 'left';
    }
  }
}

function band(
  context: CanvasRenderingContext2D,
  view: RollViewport,
  scale: RollScale,
  start: number,
  end: number,
  fill: string,
  height: number,
): void {
  const x = xOfBeats(start, scale) - view.scrollLeft;
  const w = xOfBeats(end - start, scale);
  if (x > view.width || x + w < 0) return;
  context.fillStyle = fill;
  context.fillRect(x, 0, w, height);
}

function vertical(
  context: CanvasRenderingContext2D,
  view: RollViewport,
  scale: RollScale,
  beats: number,
  color: string,
  height: number,
  lineWidth: number,
): void {
  const x = xOfBeats(beats, scale) - view.scrollLeft;
  if (x < -2 || x > view.width + 2) return;
  context.fillStyle = color;
  context.fillRect(Math.round(x) - lineWidth / 2, 0, lineWidth, height);
}
