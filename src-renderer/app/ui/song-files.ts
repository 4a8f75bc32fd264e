/**
 * Which of a song's files the UI shows first (the library's song table, the clip editor on
 * opening a song): the most recently imported one. Pure.
 */
import type { AudioFile, Song } from '@common/dto.js';

/** The file a song's editor opens by default: the most recently imported one. */
export function latestFile(song: Song): AudioFile | undefined {
  return song.files.reduce<AudioFile | undefined>(
    (latest, file) => (latest === undefined || file.id > latest.id ? file : latest),
    undefined,
  );
}
