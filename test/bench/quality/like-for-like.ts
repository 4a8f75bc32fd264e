/**
 * The like-for-like bar for a clip that is a stretch of one of the paper's songs. The paper's
 * rows measure each song's takes against its whole recording (23–48 s); our takes are measured
 * against a 10 s stretch, and a shorter reference scores every set worse — the real recording's
 * own other stretches, measured against a 10 s clip of it, are worse than the paper's ten-song
 * median on several measures. So, against the same clip stretch, this measures:
 *  - the paper's takes of that song (the bar ours is judged by), and
 *  - the recording outside the clip: its stretches before and after the clip, each one take
 *    (the figures of material that IS the song, for scale).
 */
import { measureSet, type Audio, type SetFigures } from './measures.js';

/**
 * The shortest stretch outside the clip that is measured as a take: shorter ones give the
 * detector (0.5 s windows, 5 folds of blocks of time) and the MFCC statistics only a few notes.
 */
export const MIN_OUTSIDE_SECONDS = 3;

/** A stretch of a file, seconds. */
export interface Stretch {
  start: number;
  seconds: number;
}

/** What the run measured against the same clip stretch, beside ours. */
export interface LikeForLike {
  /** The paper's song the clip is a stretch of. */
  song: string;
  /** The paper's takes of that song, each against our clip (not against its whole recording). */
  paperTakes: SetFigures;
  /** The recording's stretches before and after the clip that were measured (empty: none long enough). */
  outsideStretches: Stretch[];
  /** Those stretches as takes against our clip; null when there is none. */
  outsideClip: SetFigures | null;
}

/**
 * The stretches of a `fileSeconds` recording before and after the clip [`start`, `start` +
 * `seconds`), each kept when at least `minSeconds` long.
 */
export function outsideStretches(fileSeconds: number, start: number, seconds: number, minSeconds = MIN_OUTSIDE_SECONDS): Stretch[] {
  const end = Math.min(start + seconds, fileSeconds);
  return [
    { start: 0, seconds: start },
    { start: end, seconds: fileSeconds - end },
  ].filter((stretch) => stretch.seconds >= minSeconds);
}

function secondsLabel(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** "0–5 s" */
export function stretchLabel(stretch: Stretch): string {
  return `${secondsLabel(stretch.start)}–${secondsLabel(stretch.start + stretch.seconds)} s`;
}

/**
 * The paper's takes of `song` and the recording outside the clip, each measured against `clip`,
 * the stretch from `clipStart` of `recording` (the song's whole real recording). All audio is
 * mono at MEASURE_RATE.
 */
export function measureLikeForLike(
  song: string,
  recording: Audio,
  clip: Audio,
  clipStart: number,
  paperTakes: { name: string; audio: Audio }[],
): LikeForLike {
  const rate = recording.sampleRate;
  const stretches = outsideStretches(recording.samples.length / rate, clipStart, clip.samples.length / clip.sampleRate);
  const outside = stretches.map((stretch) => ({
    name: `${song}_real ${stretchLabel(stretch)}`,
    audio: {
      samples: recording.samples.subarray(Math.round(stretch.start * rate), Math.round((stretch.start + stretch.seconds) * rate)),
      sampleRate: rate,
    },
  }));
  return {
    song,
    paperTakes: measureSet(`the paper's ${song} takes`, clip, paperTakes),
    outsideStretches: stretches,
    outsideClip: outside.length > 0 ? measureSet(`${song}'s recording outside the clip`, clip, outside) : null,
  };
}
