/**
 * Two faults a listener notices at once in a long take, each judged against what the clip itself
 * does (so a song with stops, or with hard drum hits, is not counted against its takes):
 *
 *  - Dropouts: the sound falls away — a stretch of near-silence, or the level collapsing by far
 *    more than it ever does in the clip — and stays away for at least HOLD_SECONDS (about 0.2 s
 *    with the level's 50 ms window). Heard as a gap, a hiccup, the band stopping mid-bar.
 *    Level: RMS of 50 ms windows every 10 ms, dB. Held level S[t]: the loudest of the windows
 *    starting in [t, t + HOLD_SECONDS), so S is low only if the whole stretch is. Local level
 *    R[t]: the median level of the second before t. A frame is a dropout where the collapse
 *    R − S exceeds max(MIN_COLLAPSE_DB, the clip's deepest collapse + MARGIN_DB), or where S is
 *    below min(the clip's loud level (95th percentile) − SILENCE_BELOW_LOUD_DB, the clip's lowest
 *    held level − MARGIN_DB). Consecutive dropout frames make one event.
 *  - Joins: a seam where two pieces of generated audio meet — a click or an abrupt change of the
 *    whole spectrum at once. Heard as a tick, a jump, a splice. Measured as spectral flux (the
 *    project's onset strength: mean over 64 log-mel bands of the rise in dB since the previous
 *    frame, 32 ms frames every 8 ms, no top-dB floor) above JOIN_FACTOR × the largest flux
 *    anywhere in the clip: a stronger jump than the clip's hardest hit. Frames within 50 ms make
 *    one event.
 *
 * The first and last EDGE_SECONDS of a signal are not judged (fades at a take's ends).
 */
import { melFromPower, onsetFromMel, stft } from './project-audio.js';

const LEVEL_WINDOW_SECONDS = 0.05;
const LEVEL_HOP_SECONDS = 0.01;
export const HOLD_SECONDS = 0.15;
const LOCAL_SECONDS = 1;
const MIN_COLLAPSE_DB = 20;
const MARGIN_DB = 6;
const SILENCE_BELOW_LOUD_DB = 50;
const EDGE_SECONDS = 0.5;
export const JOIN_FACTOR = 1.5;
const JOIN_MERGE_SECONDS = 0.05;
const FLUX_BANDS = 64;
const SILENT_DB = -120;

/** A stretch of a signal, seconds. */
export interface LevelEvent {
  start: number;
  end: number;
}

/** The clip's own behaviour the events are judged against. */
export interface EventReference {
  /** A collapse (local level − held level) deeper than this is a dropout, dB. */
  collapseDb: number;
  /** A held level below this is near-silence, dB. */
  silenceDb: number;
  /** A flux above this is a join (mean dB rise per band per frame). */
  fluxLimit: number;
}

interface LevelTrack {
  /** Held level S (frames). */
  held: Float64Array;
  /** Collapse R − S (frames); 0 where there is no second before. */
  collapse: Float64Array;
  /** Every frame's level, for percentiles. */
  level: Float64Array;
  /** The judged frames [first, last). */
  first: number;
  last: number;
}

function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return SILENT_DB;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))]!;
}

function levelTrack(samples: Float32Array, sampleRate: number): LevelTrack {
  const window = Math.round(LEVEL_WINDOW_SECONDS * sampleRate);
  const hop = Math.round(LEVEL_HOP_SECONDS * sampleRate);
  const frames = Math.max(0, Math.floor((samples.length - window) / hop) + 1);
  const energy = new Float64Array(samples.length + 1);
  for (let i = 0; i < samples.length; i++) energy[i + 1] = energy[i]! + samples[i]! * samples[i]!;
  const level = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    const power = (energy[t * hop + window]! - energy[t * hop]!) / window;
    level[t] = power > 0 ? Math.max(SILENT_DB, 10 * Math.log10(power)) : SILENT_DB;
  }
  const holdFrames = Math.round(HOLD_SECONDS / LEVEL_HOP_SECONDS);
  const localFrames = Math.round(LOCAL_SECONDS / LEVEL_HOP_SECONDS);
  const held = new Float64Array(frames).fill(SILENT_DB);
  const collapse = new Float64Array(frames);
  for (let t = 0; t + holdFrames <= frames; t++) {
    let loudest = SILENT_DB;
    for (let k = t; k < t + holdFrames; k++) loudest = Math.max(loudest, level[k]!);
    held[t] = loudest;
    if (t >= localFrames / 4) collapse[t] = percentile(level.subarray(Math.max(0, t - localFrames), t), 0.5) - loudest;
  }
  const edge = Math.round(EDGE_SECONDS / LEVEL_HOP_SECONDS);
  return { held, collapse, level, first: edge, last: Math.max(edge, frames - holdFrames - edge) };
}

function flux(samples: Float32Array, sampleRate: number): { data: Float32Array; secondsPerFrame: number } {
  const nFft = 2 ** Math.round(Math.log2(0.032 * sampleRate));
  return onsetFromMel(melFromPower(stft(samples, { nFft, hop: nFft / 4 }), sampleRate, { nMels: FLUX_BANDS, topDb: null }));
}

function edgeFrames(frames: number, secondsPerFrame: number): [number, number] {
  const edge = Math.round(EDGE_SECONDS / secondsPerFrame);
  return [edge, Math.max(edge, frames - edge)];
}

/** What the clip itself does: its deepest collapse, lowest held level, loud level and largest flux. */
export function eventReference(clip: Float32Array, sampleRate: number): EventReference {
  const track = levelTrack(clip, sampleRate);
  let deepest = 0;
  let lowest = Infinity;
  for (let t = track.first; t < track.last; t++) {
    deepest = Math.max(deepest, track.collapse[t]!);
    lowest = Math.min(lowest, track.held[t]!);
  }
  const loud = percentile(track.level, 0.95);
  const clipFlux = flux(clip, sampleRate);
  const [first, last] = edgeFrames(clipFlux.data.length, clipFlux.secondsPerFrame);
  let largest = 0;
  for (let t = first; t < last; t++) largest = Math.max(largest, clipFlux.data[t]!);
  return {
    collapseDb: Math.max(MIN_COLLAPSE_DB, deepest + MARGIN_DB),
    silenceDb: Math.min(loud - SILENCE_BELOW_LOUD_DB, (Number.isFinite(lowest) ? lowest : loud) - MARGIN_DB),
    fluxLimit: JOIN_FACTOR * largest,
  };
}

/** Runs of flagged frames as events; runs closer than `mergeFrames` join; each event ends `tailSeconds` after its last frame. */
function events(flagged: Uint8Array, secondsPerFrame: number, mergeFrames: number, tailSeconds: number): LevelEvent[] {
  const found: LevelEvent[] = [];
  let start = -1;
  let end = -1;
  for (let t = 0; t <= flagged.length; t++) {
    if (t < flagged.length && flagged[t]) {
      if (start < 0) start = t;
      else if (t - end > mergeFrames) {
        found.push({ start: start * secondsPerFrame, end: end * secondsPerFrame + tailSeconds });
        start = t;
      }
      end = t;
    }
  }
  if (start >= 0) found.push({ start: start * secondsPerFrame, end: end * secondsPerFrame + tailSeconds });
  return found;
}

/** The take's dropouts against the clip's reference. */
export function dropouts(take: Float32Array, sampleRate: number, reference: EventReference): LevelEvent[] {
  const track = levelTrack(take, sampleRate);
  const flagged = new Uint8Array(track.held.length);
  for (let t = track.first; t < track.last; t++) {
    flagged[t] = track.collapse[t]! > reference.collapseDb || track.held[t]! < reference.silenceDb ? 1 : 0;
  }
  return events(flagged, LEVEL_HOP_SECONDS, 1, HOLD_SECONDS + LEVEL_WINDOW_SECONDS);
}

/** The take's joins against the clip's reference. */
export function joins(take: Float32Array, sampleRate: number, reference: EventReference): LevelEvent[] {
  const takeFlux = flux(take, sampleRate);
  const [first, last] = edgeFrames(takeFlux.data.length, takeFlux.secondsPerFrame);
  const flagged = new Uint8Array(takeFlux.data.length);
  for (let t = first; t < last; t++) flagged[t] = takeFlux.data[t]! > reference.fluxLimit ? 1 : 0;
  return events(flagged, takeFlux.secondsPerFrame, Math.round(JOIN_MERGE_SECONDS / takeFlux.secondsPerFrame), takeFlux.secondsPerFrame);
}
