/**
 * What the Takes view needs from the rest of the window, stated here so that the takes feature
 * never imports another: the composition root (App.svelte) hands it the library and training
 * stores, which have these shapes, and the export feature's dialog as a snippet.
 */
import type { Clip, Song } from '@common/dto.js';
import type { Take } from '@common/generation.js';
import type { Model } from '@common/training.js';

/** The songs and their clips, for the model picker and the A/B source (the library store). */
export interface TakesLibrary {
  readonly songs: Song[];
  /** Clips per song id, for songs whose clips have been loaded. */
  readonly clipsBySong: Record<number, Clip[]>;
  clipsOf(songId: number): Clip[];
  loadClips(songId: number): Promise<void>;
}

/** The models takes come from (the training store). */
export interface TakesModels {
  readonly models: Model[];
  readonly status: 'loading' | 'ready' | 'failed';
}

/** What the view hands the transcription feature's "Transcribe to MIDI" panel under a take. */
export interface TranscribeSlot {
  target: { takeId: number };
  songId: number;
}

/** What the view hands the Export dialog. */
export interface ExportDialogSlot {
  /** The open model's takes (the dialog offers the finished ones with their file). */
  takes: Take[];
  /** The selected take (ticked when none is kept). */
  selectedId: number | null;
  /** The open model's song, and its name (the folders' default name). */
  songId: number | null;
  songName: string | null;
}
