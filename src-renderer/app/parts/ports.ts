/**
 * What the part view needs from the rest of the window, stated here so that the parts feature
 * never imports another: the composition root (App.svelte) hands it the library store, which
 * has this shape (the song's name and musical time, and the call that corrects them), and the
 * export feature's Export dialog as a snippet.
 */
import type { Song } from '@common/dto.js';
import type { MusicalTimePatch } from '@common/musical-time.js';

/** The songs parts belong to (the library store). */
export interface PartsLibrary {
  readonly status: 'loading' | 'ready' | 'failed';
  song(songId: number): Song | undefined;
  /** Sets the song's tempo, signature, bar 1 or key; rejects with the service's ApiError when it refuses. */
  setMusicalTime(songId: number, patch: MusicalTimePatch): Promise<Song>;
}

/** What the part view hands the Export dialog it shows (its song's parts and part clips are offered there). */
export interface PartExportSlot {
  songId: number;
  songName: string;
  /** The part open in the view (ticked when the dialog opens, unless a clip is selected). */
  partId: number;
  /** The clip selected in the view's list, ticked instead of the whole part. */
  partClipId: number | null;
}
