/**
 * What the import's analysis says about a file's musical time: its tempo and first downbeat
 * (tempo.ts) and its key (key.ts), on the mono mix of its channels. The library stores it on
 * the file's song, as estimates the user can overwrite; the signature is not estimated (4/4
 * until the user says otherwise, and the downbeat is found for 4/4 bars).
 */
import type { DecodedAudio } from '../decode.js';
import { mixToMono } from '../resample.js';
import { estimateKey, type KeyEstimate } from './key.js';
import { estimateBeatGrid, type BeatGridEstimate } from './tempo.js';

/** The bars the downbeat is looked for in, until a user sets another signature. */
export const ESTIMATED_BEATS_PER_BAR = 4;

export interface MusicalTimeEstimate {
  /** Tempo (BPM), its confidence and the first downbeat; null when there is no clear beat. */
  beat: BeatGridEstimate | null;
  /** Null when there is no clear key. */
  key: KeyEstimate | null;
}

/** Estimates tempo, downbeat and key of decoded audio (C channels, T frames each). */
export function estimateMusicalTime(audio: Pick<DecodedAudio, 'channels' | 'sampleRate'>): MusicalTimeEstimate {
  const mono = mixToMono(audio.channels);
  return {
    beat: estimateBeatGrid(mono, audio.sampleRate, ESTIMATED_BEATS_PER_BAR),
    key: estimateKey(mono, audio.sampleRate),
  };
}
