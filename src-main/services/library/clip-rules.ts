/**
 * The rules a clip must satisfy, in one place, so the GUI, the CLI and the database agree.
 * A clip is a region of one file: inside it, at least MIN_CLIP_SECONDS, at most the configured
 * maximum. A "gap" clip also carries the hole to fill, strictly inside, with enough music on
 * each side for the model to learn the sections it joins.
 */
import { AppError } from '../../common/errors.js';
import { MIN_CLIP_SECONDS } from '../../common/limits.js';
import type { ClipLabel } from '../../common/dto.js';
import { formatSeconds } from '../../common/format-time.js';
import { MIN_GAP_CONTEXT_SECONDS, MIN_HOLE_SECONDS } from '../../common/clip-geometry.js';

/** Float slack when comparing with a file's duration (frames / rate rounds). */
const EPSILON = 1e-6;

export interface ClipRegion {
  start: number;
  end: number;
  label: ClipLabel;
  holeStart: number | null;
  holeEnd: number | null;
}

/** Throws INVALID_INPUT with a one-line reason if the region breaks a rule. */
export function checkClipRegion(
  region: ClipRegion,
  file: { durationSeconds: number; name: string },
  maxClipSeconds: number,
): void {
  const { start, end } = region;
  const span = `${formatSeconds(start)}–${formatSeconds(end)}`;
  if (!(end > start)) {
    throw new AppError('INVALID_INPUT', `clip ${span}: the end must come after the start`);
  }
  if (start < 0 || end > file.durationSeconds + EPSILON) {
    throw new AppError(
      'INVALID_INPUT',
      `clip ${span} is outside "${file.name}", which is ${formatSeconds(file.durationSeconds)} long`,
    );
  }
  const length = end - start;
  if (length < MIN_CLIP_SECONDS - EPSILON) {
    throw new AppError(
      'INVALID_INPUT',
      `clip ${span} is ${length.toFixed(2)} s long; a clip needs at least ${MIN_CLIP_SECONDS} s`,
    );
  }
  if (length > maxClipSeconds + EPSILON) {
    throw new AppError(
      'INVALID_INPUT',
      `clip ${span} is ${formatSeconds(length)} long; the limit is ${formatSeconds(maxClipSeconds)}`,
    );
  }
  if (region.label !== 'gap') {
    if (region.holeStart !== null || region.holeEnd !== null) {
      throw new AppError('INVALID_INPUT', `clip ${span}: only a gap clip has a hole`);
    }
    return;
  }
  const { holeStart, holeEnd } = region;
  if (holeStart === null || holeEnd === null) {
    throw new AppError('INVALID_INPUT', `gap clip ${span} needs a hole start and end`);
  }
  const hole = `${formatSeconds(holeStart)}–${formatSeconds(holeEnd)}`;
  if (holeEnd - holeStart < MIN_HOLE_SECONDS) {
    throw new AppError('INVALID_INPUT', `gap clip ${span}: the hole ${hole} is too short`);
  }
  if (holeStart - start < MIN_GAP_CONTEXT_SECONDS || end - holeEnd < MIN_GAP_CONTEXT_SECONDS) {
    throw new AppError(
      'INVALID_INPUT',
      `gap clip ${span}: the hole ${hole} must leave at least ${MIN_GAP_CONTEXT_SECONDS} s of music on each side`,
    );
  }
}
