/**
 * Held-out real audio of a model's song (docs/metrics.md §1): what the metrics compare a take with besides
 * the clip the model learned. Two rules, the first that yields audio wins:
 *
 *  1. "held-out clips": the song's clips marked split val or test (not the model's own clip),
 *     minus any part that overlaps the model's clip in the same file.
 *  2. "the song outside the clip": the model clip's file (its playback copy) before the clip's
 *     start and after its end.
 *
 * Otherwise null (the song or the clip was deleted, or the clip covers the whole file). Pieces
 * under MIN_PIECE_SECONDS are dropped, fewer than MIN_TOTAL_SECONDS in all count as none, and
 * at most MAX_TOTAL_SECONDS are used (the first ones, in song order), so a long song does not
 * make measuring slow. The clip region is the clip as it is now (an edited clip moves it).
 *
 * planHeldOut decides from the library (main thread, no audio touched); loadHeldOut decodes
 * the playback WAVs a plan names and returns mono samples at the rate asked for (a worker
 * runs it).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AudioFile, Clip } from '../../common/dto.js';
import { AppError } from '../../common/errors.js';
import { decodeAudio } from '../audio/decode.js';
import { mixToMono, resample } from '../audio/resample.js';

export const MIN_PIECE_SECONDS = 0.5;
export const MIN_TOTAL_SECONDS = 2;
export const MAX_TOTAL_SECONDS = 60;

export type HeldOutRule = 'held-out clips' | 'the song outside the clip';

/** A stretch of a playback WAV, seconds from its start. */
export interface HeldOutPiece {
  file: string;
  start: number;
  end: number;
}

export interface HeldOutPlan {
  rule: HeldOutRule;
  pieces: HeldOutPiece[];
  seconds: number;
}

/** What planning needs from the library (LibraryService fits). */
export interface HeldOutLibrary {
  listClips(songId: number): Clip[];
  getClip(clipId: number): Clip;
  getFile(fileId: number): AudioFile;
  playbackPath(fileId: number): string;
}

/** Which real audio a model's takes are compared with, or null when the song has none. */
export function planHeldOut(library: HeldOutLibrary, model: { clipId: number | null; songId: number | null }): HeldOutPlan | null {
  if (model.songId === null) return null;
  const own = model.clipId === null ? null : findClip(library, model.clipId);
  const clips = safe(() => library.listClips(model.songId!)) ?? [];
  const heldOut = clips
    .filter((clip) => clip.id !== own?.id && (clip.split === 'val' || clip.split === 'test'))
    .sort((a, b) => a.fileId - b.fileId || a.start - b.start)
    .flatMap((clip) => {
      const overlap = own && own.fileId === clip.fileId ? [{ start: own.start, end: own.end }] : [];
      return subtract({ start: clip.start, end: clip.end }, overlap).map((range) => ({ fileId: clip.fileId, ...range }));
    });
  const fromClips = finish(library, 'held-out clips', heldOut);
  if (fromClips || !own) return fromClips;
  const file = safe(() => library.getFile(own.fileId));
  if (!file) return null;
  const outside = subtract({ start: 0, end: file.durationSeconds }, [{ start: own.start, end: own.end }]);
  return finish(library, 'the song outside the clip', outside.map((range) => ({ fileId: own.fileId, ...range })));
}

/** The plan's audio as one mono signal at `sampleRate` (pieces joined end to end). */
export async function loadHeldOut(plan: HeldOutPlan, sampleRate: number): Promise<Float32Array> {
  const decoded = new Map<string, { rate: number; mono: Float32Array }>();
  const parts: Float32Array[] = [];
  for (const piece of plan.pieces) {
    let audio = decoded.get(piece.file);
    if (!audio) {
      const bytes = await readFile(piece.file).catch(() => {
        throw new AppError('NOT_FOUND', "the song's audio is missing from the library store");
      });
      const file = await decodeAudio(bytes, 'the song');
      audio = { rate: file.sampleRate, mono: mixToMono(file.channels) };
      decoded.set(piece.file, audio);
    }
    const first = Math.max(0, Math.round(piece.start * audio.rate));
    const last = Math.min(audio.mono.length, Math.round(piece.end * audio.rate));
    if (last > first) parts.push(await resample(audio.mono.subarray(first, last), audio.rate, sampleRate, 'medium'));
  }
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/**
 * What a plan takes from the library, as a string (playback copies are content-addressed, so
 * their names identify the audio wherever the data folder lives): stored with a take's metrics (they are stale
 * once the song's held-out audio changes) and the key of its decoded audio in a worker's cache.
 */
export function heldOutKey(plan: HeldOutPlan | null): string {
  if (!plan) return 'none';
  return `${plan.rule}|${plan.pieces.map((p) => `${path.basename(p.file)}:${p.start}:${p.end}`).join('|')}`;
}

/** A range minus the ranges cut out of it, in order. */
function subtract(range: { start: number; end: number }, cuts: { start: number; end: number }[]): { start: number; end: number }[] {
  let left = [range];
  for (const cut of cuts) {
    left = left.flatMap((r) => [
      ...(cut.start > r.start ? [{ start: r.start, end: Math.min(r.end, cut.start) }] : []),
      ...(cut.end < r.end ? [{ start: Math.max(r.start, cut.end), end: r.end }] : []),
    ]);
  }
  return left.filter((r) => r.end > r.start);
}

/** Drops short pieces, caps the total, resolves files; null below the minimum. */
function finish(library: HeldOutLibrary, rule: HeldOutRule, ranges: { fileId: number; start: number; end: number }[]): HeldOutPlan | null {
  const pieces: HeldOutPiece[] = [];
  let seconds = 0;
  for (const range of ranges) {
    if (seconds >= MAX_TOTAL_SECONDS) break;
    if (range.end - range.start < MIN_PIECE_SECONDS) continue;
    const file = safe(() => library.playbackPath(range.fileId));
    if (file === null) continue;
    const end = Math.min(range.end, range.start + (MAX_TOTAL_SECONDS - seconds));
    pieces.push({ file, start: range.start, end });
    seconds += end - range.start;
  }
  return seconds >= MIN_TOTAL_SECONDS ? { rule, pieces, seconds } : null;
}

function findClip(library: HeldOutLibrary, clipId: number): Clip | null {
  return safe(() => library.getClip(clipId));
}

/** The value, or null when the library says NOT_FOUND (a deleted song, clip or file). */
function safe<T>(read: () => T): T | null {
  try {
    return read();
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}
