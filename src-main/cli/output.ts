/**
 * How the CLI speaks: tables for people, JSON on stdout with `--json` (progress and notes go
 * to stderr either way), and one-line errors that exit non-zero.
 */
import { AppError, toErrorPayload } from '../common/errors.js';
import type { AudioFile, Clip, Song } from '../common/dto.js';
import { formatSeconds } from '../common/format-time.js';

/** Raised for a run that must end with a non-zero status after its output was written. */
export class CliExit extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(rows: string[][]): void {
  if (rows.length === 0) return;
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const row of rows) {
    process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()}\n`);
  }
}

export function describeFile(file: AudioFile): string {
  const loudness = file.loudnessLufs === null ? 'below the gate' : `${file.loudnessLufs.toFixed(1)} LUFS`;
  return (
    `${file.originalName}: ${formatSeconds(file.durationSeconds)}, ${file.sampleRate} Hz, ` +
    `${file.channels === 1 ? 'mono' : file.channels === 2 ? 'stereo' : `${file.channels} ch`}, ` +
    `${file.format.toUpperCase()}, peak ${file.peakDbfs.toFixed(1)} dBFS, ${loudness}`
  );
}

export function songRows(songs: Song[]): string[][] {
  return [
    ['ID', 'SONG', 'FILES', 'LENGTH', 'RATE', 'CH', 'LOUDNESS', 'CLIPS'],
    ...songs.map((song) => {
      const file = song.files.at(-1);
      return [
        String(song.id),
        song.name,
        String(song.files.length),
        file ? formatSeconds(file.durationSeconds) : '-',
        file ? `${file.sampleRate}` : '-',
        file ? `${file.channels}` : '-',
        file?.loudnessLufs != null ? `${file.loudnessLufs.toFixed(1)} LUFS` : '-',
        String(song.clipCount),
      ];
    }),
  ];
}

export function clipRows(clips: Clip[]): string[][] {
  return [
    ['ID', 'SONG', 'FILE', 'START', 'END', 'LENGTH', 'LABEL', 'SPLIT', 'HOLE', 'NOTES'],
    ...clips.map((clip) => [
      String(clip.id),
      String(clip.songId),
      String(clip.fileId),
      formatSeconds(clip.start),
      formatSeconds(clip.end),
      formatSeconds(clip.end - clip.start),
      clip.label,
      clip.split,
      clip.holeStart !== null && clip.holeEnd !== null
        ? `${formatSeconds(clip.holeStart)}–${formatSeconds(clip.holeEnd)}`
        : '',
      clip.notes.split('\n')[0] ?? '',
    ]),
  ];
}

/** Prints a one-line error and returns the status to exit with. */
export function reportError(error: unknown): number {
  if (error instanceof CliExit) return error.status;
  const payload = toErrorPayload(error);
  process.stderr.write(`eureka: ${payload.message}\n`);
  return error instanceof AppError ? 1 : 70; // 70: EX_SOFTWARE, a bug rather than bad input
}
