/**
 * What Phrase ideas needs from the rest of the window, stated here so that this feature never
 * imports another: the composition root (App.svelte) hands it the library store, which has this
 * shape (the songs' names, for the Train form and the phrase pickers), and the export feature's
 * Export dialog as a snippet, over the open model's takes.
 */
import type { Song } from '@common/dto.js';
import type { PhraseTake } from '@common/phrases.js';

/** The songs phrases come from (the library store). */
export interface PhrasesLibrary {
  readonly status: 'loading' | 'ready' | 'failed';
  song(songId: number): Song | undefined;
}

/** What the model page hands the Export dialog it shows: the model's takes (the kept ones are offered, ticked). */
export interface PhraseExportSlot {
  phraseTakes: PhraseTake[];
  /** The song the kept takes belong to (the first one's when they span songs), and its name. */
  songId: number | null;
  songName: string | null;
}
