/**
 * A/B between a take and the clip it came from: where the source plays for a position in the
 * take, where the take resumes for a position in the source, and the gains that leave the two
 * equally loud. Pure functions, no DOM, so the unit tests run without a browser.
 *
 * Positions: a take's playhead is its `offset` (seconds from the take's start). The source is
 * the imported file's playback audio; the clip is the region [start, end) of it. A take longer
 * than its clip ('new' takes of any length) is compared with the clip looped: offset o maps to
 * start + (o mod clipLength), and the whole laps before it are remembered as `lapStart` so
 * switching back lands on the same offset in the take.
 */

/** The clip's region of its file, seconds. */
export interface ClipSpan {
  start: number;
  end: number;
}

/** Where the source plays for a take offset, and the take offset its current lap began at. */
export interface SourcePosition {
  /** Seconds into the source file, in [start, end). */
  time: number;
  /** Take offset where this pass through the clip began (a multiple of the clip's length). */
  lapStart: number;
}

function clipLength(clip: ClipSpan): number {
  return Math.max(0, clip.end - clip.start);
}

/** The source position of take offset `offset` (negative offsets count as 0). */
export function sourcePositionFor(offset: number, clip: ClipSpan): SourcePosition {
  const length = clipLength(clip);
  const at = Math.max(0, Number.isFinite(offset) ? offset : 0);
  if (length === 0) return { time: clip.start, lapStart: 0 };
  const laps = Math.floor(at / length);
  const into = at - laps * length;
  // Float division can put `into` a hair below `length`; the next lap starts there instead.
  if (length - into < 1e-9) return { time: clip.start, lapStart: (laps + 1) * length };
  return { time: clip.start + into, lapStart: laps * length };
}

/**
 * The take offset of source time `time` during the lap that began at `lapStart`, clamped to the
 * take (0..takeSeconds) and to the clip.
 */
export function takeOffsetFor(time: number, clip: ClipSpan, lapStart: number, takeSeconds: number): number {
  const into = Math.min(clipLength(clip), Math.max(0, time - clip.start));
  return Math.min(Math.max(0, takeSeconds), Math.max(0, lapStart + into));
}

/** What the source player does when it reaches `time` while playing. */
export interface SourceStep {
  /** Seek here (the clip's end wrapped to its start), or null to keep playing. */
  seekTo: number | null;
  lapStart: number;
  /** The mapped offset passed the take's end: stop, as the take itself would. */
  ended: boolean;
}

/**
 * Keeps a playing source inside the clip: at the clip's end it starts the next lap from the
 * clip's start, and it stops where the take would have ended.
 */
export function stepSource(time: number, clip: ClipSpan, lapStart: number, takeSeconds: number): SourceStep {
  const length = clipLength(clip);
  const offset = lapStart + Math.max(0, time - clip.start);
  if (offset >= takeSeconds) return { seekTo: null, lapStart, ended: true };
  if (length > 0 && time >= clip.end) {
    const next = lapStart + length;
    return next >= takeSeconds ? { seekTo: null, lapStart, ended: true } : { seekTo: clip.start, lapStart: next, ended: false };
  }
  return { seekTo: null, lapStart, ended: false };
}

/** Linear gains for the two players, each in (0, 1]. */
export interface MatchGains {
  take: number;
  source: number;
}

/**
 * Gains that make take and source equally loud. The generator already normalises a take to its
 * clip's loudness, so the residual difference is small; it is taken off the louder of the two
 * (a media element cannot amplify, so neither gain exceeds 1). Unknown loudness (null: the gate
 * closed on near-silence) leaves both at 1.
 */
export function loudnessMatchGains(takeLufs: number | null, sourceLufs: number | null): MatchGains {
  if (takeLufs === null || sourceLufs === null || !Number.isFinite(takeLufs) || !Number.isFinite(sourceLufs)) {
    return { take: 1, source: 1 };
  }
  const takeLouderDb = takeLufs - sourceLufs;
  const cut = Math.pow(10, -Math.abs(takeLouderDb) / 20);
  return takeLouderDb > 0 ? { take: cut, source: 1 } : { take: 1, source: cut };
}
