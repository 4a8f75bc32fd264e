/**
 * What the Ableton writer needs to know about a song, in Live's own units (beats for positions,
 * frames and Hz for files), and the checks that keep a bad value out of the set: Live can crash
 * on load, without a message, when a known field holds a value it does not expect.
 */
import { AppError } from '../../../common/errors.js';
import type { MeterPoint, PartNote, TempoPoint } from '../../../common/midi.js';

/** A WAV already written into the project folder. */
export interface LiveSampleFile {
  /** Project-relative, forward slashes: "Samples/Imported/Take 3.wav". */
  relativePath: string;
  /** Where the file is now (any OS form); written with forward slashes. */
  absolutePath: string;
  /** File size in bytes (Live's `OriginalFileSize`). */
  bytes: number;
  /** Length in sample frames at `sampleRate`. */
  frames: number;
  /** The file's own rate, Hz. */
  sampleRate: number;
  /** Unix seconds of the file's last modification (Live's `LastModDate`); 0 if unknown. */
  modifiedSeconds?: number;
}

export interface LiveClipSpec {
  name: string;
  /** Arrangement position, beats (quarter notes) from bar 1. */
  startBeats: number;
  file: LiveSampleFile;
  /** Clip length in seconds of audio (normally frames / sampleRate). */
  seconds: number;
}

export interface LiveTrackSpec {
  kind?: 'audio';
  name: string;
  /** Live's colour index 0..69; a palette colour by track position when absent. */
  color?: number;
  clip: LiveClipSpec;
}

/** A MIDI clip: notes in beats from the clip's start (common/midi.ts), velocity 1..127. */
export interface LiveMidiClipSpec {
  name: string;
  /** Arrangement position, beats (quarter notes) from bar 1. */
  startBeats: number;
  /** Beats; every note starts inside the clip. */
  lengthBeats: number;
  /** The song's signature where the clip starts. */
  timeSignature: { numerator: number; denominator: number };
  notes: readonly PartNote[];
}

/** A MIDI track with one clip and no instrument (the songwriter picks one in Live). */
export interface LiveMidiTrackSpec {
  kind: 'midi';
  name: string;
  /** Live's colour index 0..69; a palette colour by track position when absent. */
  color?: number;
  clip: LiveMidiClipSpec;
}

export interface LiveSetSpec {
  /** Beats per minute, 20..999 (Live's limits): the song's tempo at bar 1. */
  tempo: number;
  /** The signature at bar 1. */
  timeSignature: { numerator: number; denominator: number };
  /**
   * Tempo changes after bar 1, written as the master track's tempo automation (steps); the first
   * point must be `tempo` at beat 0. None: one tempo.
   */
  tempoMap?: readonly TempoPoint[];
  /** Signature changes after bar 1, as the master's signature automation; first point `timeSignature` at 0. */
  meterMap?: readonly MeterPoint[];
  tracks: (LiveTrackSpec | LiveMidiTrackSpec)[];
  /** Scene count, at least `tracks.length` (default exactly that, and at least 1). */
  scenes?: number;
}

/** Live's limits for the song tempo. */
export const MIN_TEMPO = 20;
export const MAX_TEMPO = 999;

/** Live stores the time signature as one number: 99·log2(denominator) + numerator − 1. */
export function timeSignatureCode(timeSignature: { numerator: number; denominator: number }): number {
  return 99 * Math.log2(timeSignature.denominator) + timeSignature.numerator - 1;
}

/** Rejects anything Live would misread; returns the scene count to write. */
export function validateLiveSet(set: LiveSetSpec): number {
  const { tempo, timeSignature, tracks } = set;
  checkTempo(tempo);
  checkTimeSignature(timeSignature);
  checkMaps(set);
  for (const track of tracks) {
    if (track.kind === 'midi') checkMidiTrack(track);
    else checkTrack(track);
  }
  const scenes = set.scenes ?? Math.max(1, tracks.length);
  if (!Number.isInteger(scenes) || scenes < Math.max(1, tracks.length)) {
    throw new AppError('INVALID_INPUT', `a Live set with ${tracks.length} tracks needs at least that many scenes`);
  }
  return scenes;
}

function checkTempo(tempo: number): void {
  if (!Number.isFinite(tempo) || tempo < MIN_TEMPO || tempo > MAX_TEMPO) {
    throw new AppError('INVALID_INPUT', `the tempo must be between ${MIN_TEMPO} and ${MAX_TEMPO} BPM (got ${tempo})`);
  }
}

function checkTimeSignature({ numerator, denominator }: { numerator: number; denominator: number }): void {
  const denominatorOk = [1, 2, 4, 8, 16].includes(denominator);
  if (!Number.isInteger(numerator) || numerator < 1 || numerator > 99 || !denominatorOk) {
    throw new AppError('INVALID_INPUT', `Ableton Live cannot use the time signature ${numerator}/${denominator}`);
  }
}

/** Maps start at beat 0 with the set's own tempo and signature and ascend. */
function checkMaps(set: LiveSetSpec): void {
  const ascending = (beats: number[]): boolean => beats[0] === 0 && beats.every((b, i) => Number.isFinite(b) && (i === 0 || b > beats[i - 1]!));
  if (set.tempoMap) {
    if (!ascending(set.tempoMap.map((point) => point.beats)) || set.tempoMap[0]!.bpm !== set.tempo) {
      throw new AppError('INVALID_INPUT', "the set's tempo map must start at beat 0 with its tempo and ascend");
    }
    for (const point of set.tempoMap) checkTempo(point.bpm);
  }
  if (set.meterMap) {
    const first = set.meterMap[0]?.timeSignature;
    const same = first?.numerator === set.timeSignature.numerator && first.denominator === set.timeSignature.denominator;
    if (!ascending(set.meterMap.map((point) => point.beats)) || !same) {
      throw new AppError('INVALID_INPUT', "the set's meter map must start at beat 0 with its time signature and ascend");
    }
    for (const point of set.meterMap) checkTimeSignature(point.timeSignature);
  }
}

function checkMidiTrack(track: LiveMidiTrackSpec): void {
  const { clip } = track;
  const where = `the MIDI track "${track.name}"`;
  if (track.color !== undefined && !(Number.isInteger(track.color) && track.color >= 0 && track.color <= 69)) {
    throw new AppError('INVALID_INPUT', `${where} has a colour Live does not know (${track.color})`);
  }
  if (!Number.isFinite(clip.startBeats) || clip.startBeats < 0) throw new AppError('INVALID_INPUT', `${where} starts before bar 1`);
  if (!Number.isFinite(clip.lengthBeats) || clip.lengthBeats <= 0) throw new AppError('INVALID_INPUT', `${where} has an empty clip`);
  checkTimeSignature(clip.timeSignature);
  for (const note of clip.notes) {
    const valid =
      Number.isInteger(note.pitch) && note.pitch >= 0 && note.pitch <= 127 &&
      Number.isInteger(note.velocity) && note.velocity >= 1 && note.velocity <= 127 &&
      Number.isFinite(note.startBeats) && note.startBeats >= 0 && note.startBeats < clip.lengthBeats &&
      Number.isFinite(note.durationBeats) && note.durationBeats > 0;
    if (!valid) throw new AppError('INVALID_INPUT', `${where} has a note Live cannot hold (pitch ${note.pitch} at beat ${note.startBeats})`);
  }
}

function checkTrack(track: LiveTrackSpec): void {
  const { clip } = track;
  const { file } = clip;
  const where = `the track "${track.name}"`;
  if (track.color !== undefined && !(Number.isInteger(track.color) && track.color >= 0 && track.color <= 69)) {
    throw new AppError('INVALID_INPUT', `${where} has a colour Live does not know (${track.color})`);
  }
  if (!Number.isFinite(clip.startBeats) || clip.startBeats < 0) {
    throw new AppError('INVALID_INPUT', `${where} starts before bar 1`);
  }
  if (!Number.isFinite(clip.seconds) || clip.seconds <= 0) {
    throw new AppError('INVALID_INPUT', `${where} has an empty clip`);
  }
  if (!Number.isInteger(file.frames) || file.frames <= 0 || !Number.isInteger(file.sampleRate) || file.sampleRate <= 0) {
    throw new AppError('INVALID_INPUT', `${where} refers to an audio file with no samples`);
  }
  if (!Number.isInteger(file.bytes) || file.bytes <= 0) {
    throw new AppError('INVALID_INPUT', `${where} refers to an empty audio file`);
  }
  const relative = file.relativePath;
  if (relative === '' || relative.includes('\\') || relative.startsWith('/') || relative.split('/').includes('..')) {
    throw new AppError('INVALID_INPUT', `${where} refers to a file outside the project ("${relative}")`);
  }
}
