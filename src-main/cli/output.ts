/**
 * How the CLI speaks: tables for people, JSON on stdout with `--json` (progress and notes go
 * to stderr either way), and one-line errors that exit non-zero.
 *
 * Everything written for people goes through {@link printLines}, {@link printNotes},
 * {@link printPrompt} or {@link printTable}, which show control and bidi characters as escapes
 * (`\x1b`, `\n`, `\u202e`): a file, song or rater name is the user's text and must not clear
 * the screen, forge a line of output or reorder the line it sits in. JSON (and the CSV of
 * results) is data and stays exact. Lint keeps the commands off process.stdout/stderr.
 */
import { z } from 'zod';
import { AppError, toErrorPayload } from '../common/errors.js';
import type { AudioFile, Clip, Song } from '../common/dto.js';
import { formatSeconds } from '../common/format-time.js';
import { barAt, formatBars, formatSignature, formatTempo, secondsToBars, type BarGrid } from '../common/musical-time.js';
import { codeWithWords, LABEL_WORDS, SPLIT_WORDS } from '../common/plain-words.js';
import { BIDI_CONTROLS, CONTROL_CHARACTERS } from '../common/unsafe-text.js';

/** Raised for a run that must end with a non-zero status after its output was written. */
export class CliExit extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const UNSAFE = new RegExp(`${CONTROL_CHARACTERS.source}|${BIDI_CONTROLS.source}|[\u2028\u2029]`, 'g');

/** `text` as a terminal may show it: control, bidi and line-separator characters as escapes. */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const named = NAMED_ESCAPES[char];
    if (named !== undefined) return named;
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Writes lines for people to stdout; each element is one line (a newline inside it is escaped). */
export function printLines(...lines: readonly string[]): void {
  process.stdout.write(lines.map((line) => `${forTerminal(line)}\n`).join(''));
}

/** Writes lines to stderr (notes, warnings, a session's questions), as {@link printLines}. */
export function printNotes(...lines: readonly string[]): void {
  process.stderr.write(lines.map((line) => `${forTerminal(line)}\n`).join(''));
}

/** Writes a question on stderr without ending the line (the reply is typed after it). */
export function printPrompt(text: string): void {
  process.stderr.write(forTerminal(text));
}

/** Data for programs on stdout: exact, never escaped. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One value as one line of JSON on stdout (NDJSON, for a stream of results): exact. */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Writes data text (a CSV) to stdout exactly as it is. */
export function printData(text: string): void {
  process.stdout.write(text);
}

export function printTable(rows: string[][]): void {
  printLines(...tableLines(rows));
}

/** A table's lines for people, columns padded to their widest cell (print them with printLines or printNotes). */
export function tableLines(rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const safe = rows.map((row) => row.map(forTerminal));
  const widths = safe[0]!.map((_, column) => Math.max(...safe.map((row) => (row[column] ?? '').length)));
  return safe.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
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
    ['ID', 'SONG', 'FILES', 'LENGTH', 'RATE', 'CH', 'LOUDNESS', 'TEMPO', 'METER', 'KEY', 'CLIPS'],
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
        song.musicalTime ? formatTempo(song.musicalTime.tempo) : 'not analysed',
        song.musicalTime ? formatSignature(song.musicalTime.timeSignature) : '-',
        song.musicalTime ? (song.musicalTime.key ?? 'no clear key') : '-',
        String(song.clipCount),
      ];
    }),
  ];
}

/**
 * Clips as a table; with their songs' grids (by song id), also where each starts on its song's
 * bar grid and how many bars it lasts ("bar 9 · 8 bars"). Labels and splits are the codes the
 * flags take, with the GUI's words beside them ("U (new idea)", "val (check)").
 */
export function clipRows(clips: Clip[], grids: ReadonlyMap<number, BarGrid> = new Map()): string[][] {
  return [
    ['ID', 'SONG', 'FILE', 'START', 'END', 'LENGTH', 'BARS', 'LABEL', 'SPLIT', 'HOLE', 'NOTES'],
    ...clips.map((clip) => [
      String(clip.id),
      String(clip.songId),
      String(clip.fileId),
      formatSeconds(clip.start),
      formatSeconds(clip.end),
      formatSeconds(clip.end - clip.start),
      clipBars(clip, grids.get(clip.songId)),
      codeWithWords(clip.label, LABEL_WORDS[clip.label]),
      codeWithWords(clip.split, SPLIT_WORDS[clip.split]),
      clip.holeStart !== null && clip.holeEnd !== null
        ? `${formatSeconds(clip.holeStart)}–${formatSeconds(clip.holeEnd)}`
        : '',
      clip.notes.split('\n')[0] ?? '',
    ]),
  ];
}

/** "bar 9 · 8 bars" (bar positions to a hundredth where the clip is not on a bar line), or "-" without a grid. */
export function clipBars(clip: Pick<Clip, 'start' | 'end'>, grid: BarGrid | undefined): string {
  if (!grid) return '-';
  const bar = Math.round(barAt(clip.start, grid) * 100) / 100;
  return `bar ${bar} · ${formatBars(secondsToBars(clip.end - clip.start, grid))}`;
}

/**
 * Prints a one-line error and returns the status to exit with. A validation error (a ZodError,
 * whose message is a multi-line JSON dump) is bad input: each field and its problem, on one line.
 */
export function reportError(error: unknown): number {
  if (error instanceof CliExit) return error.status;
  if (error instanceof z.ZodError) {
    const issues = error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`);
    printNotes(`eureka: ${issues.join('; ').replace(/\s+/g, ' ')}`);
    return 1;
  }
  const payload = toErrorPayload(error);
  printNotes(`eureka: ${payload.message}`);
  return error instanceof AppError ? 1 : 70; // 70: EX_SOFTWARE, a bug rather than bad input
}
