/**
 * What the clip editor's undo steps are made of: a clip's name in words, the change that takes
 * a patch back, and the draft that makes a deleted clip again. Pure functions; the editor store
 * turns them into entries of the window's undo history (shell/undo.svelte.ts).
 */
import type { Clip, ClipDraft, ClipPatch } from '@common/dto.js';
import { LABEL_NOUN, SPLIT_NAME } from '../ui/clip-style.js';
import { formatTime } from '../ui/format.js';

/** Longest clip name quoted in an undo label; a longer first line of notes is cut with "…". */
const MAX_NAME_CHARS = 28;

/**
 * A clip in words: the first line of its notes, quoted ("clip 'chorus 2'"), or its label and
 * start when it has no notes ("new-idea clip at 0:12.500"). Clips have no name field: the notes are
 * what the person wrote about the clip.
 */
export function describeClip(clip: Clip): string {
  const line = clip.notes.split('\n', 1)[0]?.trim() ?? '';
  if (line === '') return `${LABEL_NOUN[clip.label]} at ${formatTime(clip.start)}`;
  const name = line.length > MAX_NAME_CHARS ? `${line.slice(0, MAX_NAME_CHARS - 1)}…` : line;
  return `clip '${name}'`;
}

/** The patch that puts back every field `patch` changes, as it was on `before`. */
export function inversePatch(before: Clip, patch: ClipPatch): ClipPatch {
  const inverse: ClipPatch = {};
  for (const key of Object.keys(patch) as (keyof ClipPatch)[]) {
    if (patch[key] === undefined) continue;
    Object.assign(inverse, { [key]: before[key] });
  }
  return inverse;
}

/** What a patch did to a clip, for the undo label: "move new-idea clip at 0:12.500", "make clip 'x' a gap clip". */
export function describeChange(before: Clip, patch: ClipPatch): string {
  const name = describeClip(before);
  if (patch.label !== undefined && patch.label !== before.label) return `make ${name} a ${LABEL_NOUN[patch.label]}`;
  if ((patch.start !== undefined && patch.start !== before.start) || (patch.end !== undefined && patch.end !== before.end)) {
    const sameLength =
      patch.start !== undefined && patch.end !== undefined && Math.abs(patch.end - patch.start - (before.end - before.start)) < 1e-6;
    return `${sameLength ? 'move' : 'resize'} ${name}`;
  }
  if (patch.holeStart !== undefined || patch.holeEnd !== undefined) return `move the hole of ${name}`;
  if (patch.split !== undefined) return `use ${name} as ${SPLIT_NAME[patch.split].toLowerCase()}`;
  if (patch.notes !== undefined) return `edit the notes of ${name}`;
  return `change ${name}`;
}

/** The draft that makes `clip` again where it was: same song, file, bounds, label, split, hole and notes. */
export function draftOf(clip: Clip): ClipDraft {
  return {
    songId: clip.songId,
    fileId: clip.fileId,
    start: clip.start,
    end: clip.end,
    label: clip.label,
    split: clip.split,
    notes: clip.notes,
    ...(clip.label === 'gap' && clip.holeStart !== null && clip.holeEnd !== null
      ? { holeStart: clip.holeStart, holeEnd: clip.holeEnd }
      : {}),
  };
}
