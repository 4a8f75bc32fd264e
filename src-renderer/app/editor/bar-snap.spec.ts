import { describe, expect, it } from '@jest/globals';
import type { MusicalTime } from '@common/musical-time.js';
import { editorGrid, snapCut, snapEdit } from './bar-snap.js';

/** 96 BPM in 4/4 (2.5 s bars), bar 1 at 0.5 s: bar lines at 0.5, 3, 5.5, 8, … */
const time: MusicalTime = {
  tempo: 96,
  tempoSource: 'estimated',
  timeSignature: { numerator: 4, denominator: 4 },
  timeSignatureSource: 'default',
  downbeatSeconds: 0.5,
  downbeatSource: 'estimated',
  key: 'A minor',
  keySource: 'estimated',
};
const grid = editorGrid(time)!;

describe('the editor grid', () => {
  it('exists once a tempo is known, not for the no-beat default or a song not analysed yet', () => {
    expect(grid).toEqual({ tempo: 96, timeSignature: { numerator: 4, denominator: 4 }, downbeatSeconds: 0.5 });
    expect(editorGrid({ ...time, tempoSource: 'user' })).not.toBeNull();
    expect(editorGrid({ ...time, tempoSource: 'default' })).toBeNull();
    expect(editorGrid(null)).toBeNull();
  });
});

describe('snapping a cut', () => {
  it('puts both ends on the nearest bar lines', () => {
    expect(snapCut(2.7, 13.4, grid, 60)).toEqual({ start: 3, end: 13 });
    // 0 s is not a bar line (bar 1 starts at 0.5 s): the cut starts there.
    expect(snapCut(0.1, 5.2, grid, 60)).toEqual({ start: 0.5, end: 5.5 });
  });

  it('makes a cut shorter than half a bar one bar long', () => {
    expect(snapCut(8.1, 8.6, grid, 60)).toEqual({ start: 8, end: 10.5 });
  });

  it('stops at the last whole bar before the end of the file', () => {
    expect(snapCut(50.2, 59.9, grid, 59.9)).toEqual({ start: 50.5, end: 58 });
    expect(snapCut(58.6, 59.9, grid, 59.9)).toEqual({ start: 55.5, end: 58 });
  });

  it('leaves a cut as drawn when not one bar fits the file', () => {
    expect(snapCut(0.2, 1.9, grid, 2)).toEqual({ start: 0.2, end: 1.9 });
  });
});

describe('snapping a moved or resized clip', () => {
  const previous = { start: 3, end: 13 };

  it('moves a clip so its start lands on a bar line, keeping its length', () => {
    expect(snapEdit(4.4, 14.4, previous, grid, 60)).toEqual({ start: 5.5, end: 15.5 });
    expect(snapEdit(54, 64, previous, grid, 60)).toEqual({ start: 48, end: 58 });
  });

  it('puts a resized edge on the nearest bar line, at least a bar from the other', () => {
    expect(snapEdit(3, 16.1, previous, grid, 60)).toEqual({ start: 3, end: 15.5 });
    expect(snapEdit(7, 13, previous, grid, 60)).toEqual({ start: 8, end: 13 });
    expect(snapEdit(12.9, 13, previous, grid, 60)).toEqual({ start: 10.5, end: 13 });
    expect(snapEdit(3, 3.2, previous, grid, 60)).toEqual({ start: 3, end: 5.5 });
  });
});
