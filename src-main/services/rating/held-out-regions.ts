/**
 * Where a rating session's real items come from: stretches of the takes' own songs that no
 * model learned (docs/listening-tests.md; its "originals"), cut into windows of the
 * item length. Per song, the first rule that yields a window wins:
 *
 *  1. "held-out clips": the song's clips marked val or test that no model of the session
 *     trained on, minus any part overlapping a training clip of the same file;
 *  2. "outside the training clips": each of the song's files, minus every clip marked train
 *     and every clip a model of the session trained on.
 *
 * A real item is one contiguous window (joining pieces would put a seam in it), so a region
 * shorter than the item length gives none; a long one gives as many non-overlapping windows as
 * fit, spread evenly with equal gaps. Decisions only, no audio is read here.
 */
import type { Clip, Song } from '../../common/dto.js';
import { orNull } from '../../common/errors.js';

/** What this needs from the library (LibraryService fits). */
export interface HeldOutLibrary {
  getSong(songId: number): Song;
  listClips(songId: number): Clip[];
}

export type HeldOutRule = 'held-out clips' | 'outside the training clips';

/** One candidate real item: `end − start` is the item length, seconds of the file. */
export interface HeldOutWindow {
  songId: number;
  fileId: number;
  /** The val/test clip it lies in (rule 1), else null. */
  clipId: number | null;
  rule: HeldOutRule;
  start: number;
  end: number;
}

interface Range {
  start: number;
  end: number;
}

/** Every window of `seconds` the songs' held-out audio holds, song by song in the order given. */
export function heldOutWindows(
  library: HeldOutLibrary,
  songIds: readonly number[],
  trainingClipIds: ReadonlySet<number>,
  seconds: number,
): HeldOutWindow[] {
  return songIds.flatMap((songId) => songWindows(library, songId, trainingClipIds, seconds));
}

function songWindows(library: HeldOutLibrary, songId: number, trainingClipIds: ReadonlySet<number>, seconds: number): HeldOutWindow[] {
  const song = orNull(() => library.getSong(songId));
  if (!song) return [];
  const clips = library.listClips(songId);
  const isTraining = (clip: Clip): boolean => clip.split === 'train' || trainingClipIds.has(clip.id);
  const trainingOn = (fileId: number): Range[] => clips.filter((clip) => clip.fileId === fileId && isTraining(clip));

  const fromClips = clips
    .filter((clip) => !isTraining(clip))
    .sort((a, b) => a.fileId - b.fileId || a.start - b.start)
    .flatMap((clip) =>
      subtract(clip, trainingOn(clip.fileId)).flatMap((range) =>
        windowsIn(range, seconds).map((w) => ({ songId, fileId: clip.fileId, clipId: clip.id, rule: 'held-out clips' as const, ...w })),
      ),
    );
  if (fromClips.length > 0) return fromClips;
  return song.files.flatMap((file) =>
    subtract({ start: 0, end: file.durationSeconds }, trainingOn(file.id)).flatMap((range) =>
      windowsIn(range, seconds).map((w) => ({ songId, fileId: file.id, clipId: null, rule: 'outside the training clips' as const, ...w })),
    ),
  );
}

/** As many windows of `seconds` as fit in `range`, with equal gaps before, between and after. */
export function windowsIn(range: Range, seconds: number): Range[] {
  const length = range.end - range.start;
  const count = Math.floor(length / seconds + 1e-9);
  if (count < 1) return [];
  const gap = Math.max(0, (length - count * seconds) / (count + 1));
  return Array.from({ length: count }, (_, i) => {
    const start = range.start + gap * (i + 1) + seconds * i;
    return { start, end: start + seconds };
  });
}

/** A range minus the ranges cut out of it, in order. */
export function subtract(range: Range, cuts: readonly Range[]): Range[] {
  let left: Range[] = [{ start: range.start, end: range.end }];
  for (const cut of cuts) {
    left = left.flatMap((r) => [
      ...(cut.start > r.start ? [{ start: r.start, end: Math.min(r.end, cut.start) }] : []),
      ...(cut.end < r.end ? [{ start: Math.max(r.start, cut.end), end: r.end }] : []),
    ]);
  }
  return left.filter((r) => r.end > r.start);
}
