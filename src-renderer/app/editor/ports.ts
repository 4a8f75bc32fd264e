/**
 * What the clip editor needs from the rest of the window, stated here so that the editor never
 * imports another feature: the composition root (stores.ts, App.svelte) hands it the library
 * store, which has this shape, and the training feature's Train form as a snippet.
 */
import type { Clip, ClipDraft, ClipPatch, Song } from '@common/dto.js';
import type { MusicalTimePatch } from '@common/musical-time.js';
import type { Model } from '@common/training.js';

/** The songs and clips the editor works on, and the calls that change clips (the library store). */
export interface EditorLibrary {
  readonly status: 'loading' | 'ready' | 'failed';
  song(songId: number): Song | undefined;
  clipsOf(songId: number): Clip[];
  loadClips(songId: number): Promise<void>;
  /** Rejects with the service's ApiError when it refuses, as do the two below. */
  addClip(draft: ClipDraft): Promise<Clip>;
  updateClip(clipId: number, patch: ClipPatch): Promise<Clip>;
  /** Asks first when models go with the clip; resolves false when the person kept it. */
  deleteClip(clip: Clip): Promise<boolean>;
  /** Where the renderer can load a file's playback audio from. */
  mediaUrl(fileId: number): string;
  /** Sets the song's tempo, signature, bar 1 or key; rejects with the service's ApiError when it refuses. */
  setMusicalTime(songId: number, patch: MusicalTimePatch): Promise<Song>;
}

/** What the editor hands the transcription feature's "Transcribe to MIDI" panel in the clip inspector. */
export interface TranscribeSlot {
  target: { clipId: number };
  songId: number;
}

/** What the editor hands the Train form it shows under the selected clip. */
export interface TrainFormSlot {
  clip: Clip;
  /** Training started: the editor goes to the new model. */
  onstarted: (model: Model) => void;
  onclose: () => void;
}
