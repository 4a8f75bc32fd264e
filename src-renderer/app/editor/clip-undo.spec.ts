import { describe, expect, it } from '@jest/globals';
import type { Clip } from '@common/dto.js';
import { clip as clipOf } from '../testing/fixtures.js';
import { describeChange, describeClip, draftOf, inversePatch } from './clip-undo.js';

const clip = (overrides: Partial<Clip>): Clip => clipOf({ id: 1, songId: 1, fileId: 1, ...overrides });

describe("the clip editor's undo steps", () => {
  it('names a clip by the first line of its notes, else by its label in words and its start', () => {
    expect(describeClip(clip({ start: 12.5, notes: '' }))).toBe('new-idea clip at 0:12.500');
    expect(describeClip(clip({ start: 3, label: 'V', notes: '' }))).toBe('variation clip at 0:03.000');
    expect(describeClip(clip({ start: 3, label: 'gap', holeStart: 4, holeEnd: 5, notes: '' }))).toBe('gap clip at 0:03.000');
    expect(describeClip(clip({ notes: 'chorus 2\nneeds more air' }))).toBe("clip 'chorus 2'");
    expect(describeClip(clip({ notes: 'the long build into the last chorus' }))).toBe("clip 'the long build into the las…'");
  });

  it('says what a change did', () => {
    const gap = clip({ start: 10, end: 20, label: 'gap', holeStart: 13, holeEnd: 17, notes: 'bridge' });
    expect(describeChange(gap, { start: 11, end: 21, holeStart: 14, holeEnd: 18 })).toBe("move clip 'bridge'");
    expect(describeChange(gap, { start: 10, end: 25 })).toBe("resize clip 'bridge'");
    expect(describeChange(gap, { holeStart: 12, holeEnd: 16 })).toBe("move the hole of clip 'bridge'");
    expect(describeChange(gap, { label: 'U', holeStart: null, holeEnd: null })).toBe("make clip 'bridge' a new-idea clip");
    expect(describeChange(gap, { split: 'val' })).toBe("use clip 'bridge' as check");
    expect(describeChange(gap, { split: 'train' })).toBe("use clip 'bridge' as practice");
    expect(describeChange(gap, { notes: 'middle 8' })).toBe("edit the notes of clip 'bridge'");
  });

  it('puts back exactly the fields a patch changed', () => {
    const gap = clip({ start: 10, end: 20, label: 'gap', holeStart: 13, holeEnd: 17, split: 'val' });
    expect(inversePatch(gap, { label: 'U', holeStart: null, holeEnd: null })).toEqual({ label: 'gap', holeStart: 13, holeEnd: 17 });
    expect(inversePatch(gap, { start: 11, end: 21 })).toEqual({ start: 10, end: 20 });
    expect(inversePatch(clip({ label: 'U' }), { label: 'gap', holeStart: 2, holeEnd: 4 })).toEqual({
      label: 'U',
      holeStart: null,
      holeEnd: null,
    });
  });

  it('drafts a deleted clip as it was: song, file, bounds, label, split, hole and notes', () => {
    const gap = clip({ id: 5, songId: 2, fileId: 7, start: 10, end: 20, label: 'gap', holeStart: 13, holeEnd: 17, split: 'test', notes: 'n' });
    expect(draftOf(gap)).toEqual({ songId: 2, fileId: 7, start: 10, end: 20, label: 'gap', split: 'test', notes: 'n', holeStart: 13, holeEnd: 17 });
    expect(draftOf(clip({ songId: 1, fileId: 3, start: 0, end: 4 }))).toEqual({
      songId: 1,
      fileId: 3,
      start: 0,
      end: 4,
      label: 'U',
      split: 'train',
      notes: '',
    });
  });
});
