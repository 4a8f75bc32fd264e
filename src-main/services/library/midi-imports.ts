/**
 * MIDI files dropped or imported with the bounces (.mid, .midi): the library finds their song
 * as for a bounce (the song asked for, the one `--song NAME` made first, or a new one named
 * after the file) and hands the bytes to the parts feature, which core.ts plugs in here
 * (services/parts/). The library keeps the order, the progress and the per-file failures.
 */
import type { PartDto } from '../../common/midi.js';

export interface MidiImports {
  /** Whether a file of this name is MIDI, for this port rather than the audio decoder. */
  accepts(name: string): boolean;
  /** Refuses it from its size and first bytes (AppError), before the rest is read. */
  checkHeader(name: string, head: Uint8Array, fileSize: number): void;
  /** The first MIDI file in the library with these bytes and its song, or undefined. */
  duplicateOf(sha256: string): { midiFileId: number; songId: number; songName: string } | undefined;
  /** Imports it into the song, or a new song of this name; its song and the parts made. */
  importMidi(name: string, bytes: Uint8Array, song: number | { newSongName: string }): Promise<{ songId: number; parts: PartDto[] }>;
}
