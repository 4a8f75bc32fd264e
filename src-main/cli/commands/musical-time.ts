/**
 * Musical time on the command line: `eureka song show <id>` (tempo, signature, bar 1 and key,
 * each with where it came from) and `eureka song set <id> --tempo 96 --key "A minor"
 * --time-signature 3/4 --downbeat 0.42`, plus the helpers other commands use to take lengths
 * in bars (`clip add --bars 9:8`, `generate --bars 16`) on a song's grid.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Song } from '../../common/dto.js';
import { AppError } from '../../common/errors.js';
import { formatSeconds } from '../../common/format-time.js';
import {
  describeMusicalTime,
  formatSignature,
  formatTempo,
  keyNameSchema,
  MAX_TEMPO,
  MIN_TEMPO,
  parseBarRange,
  parseTimeSignature,
  secondsAtBar,
  type BarGrid,
  type MusicalSource,
  type MusicalTime,
  type MusicalTimePatch,
  type TimeSignature,
} from '../../common/musical-time.js';
import type { Core } from '../../core.js';
import { withCore } from '../context.js';
import { printJson, printLines, printNotes, printTable } from '../output.js';
import { parseId } from '../parse.js';

function parseTempo(text: string): number {
  const value = Number(text.trim());
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || value < MIN_TEMPO || value > MAX_TEMPO) {
    throw new InvalidArgumentError(`expected a tempo from ${MIN_TEMPO} to ${MAX_TEMPO} BPM`);
  }
  return value;
}

function parseKeyOption(text: string): string | null {
  if (/^none$/i.test(text.trim())) return null;
  const parsed = keyNameSchema.safeParse(text);
  if (!parsed.success) throw new InvalidArgumentError('expected a key such as "A minor", "Eb major", "F#m", or none');
  return parsed.data;
}

function parseSignatureOption(text: string): TimeSignature {
  const signature = parseTimeSignature(text);
  if (!signature) throw new InvalidArgumentError('expected a time signature such as 4/4, 3/4 or 6/8');
  return signature;
}

function parseDownbeat(text: string): number {
  const value = Number(text.trim());
  if (!/^\d+(\.\d+)?$/.test(text.trim())) throw new InvalidArgumentError('expected seconds from the start of the song, e.g. 0.42');
  return value;
}

/** "--bars 9:8": bar 9, 8 bars long. */
export function parseBarsOption(text: string): { startBar: number; bars: number } {
  const range = parseBarRange(text);
  if (!range) throw new InvalidArgumentError('expected START:LENGTH in bars, e.g. 9:8 (8 bars from bar 9)');
  return range;
}

/** A positive number of bars ("16", "4.5"). */
export function parseBarCount(text: string): number {
  const value = Number(text.trim());
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0)) throw new InvalidArgumentError('expected a number of bars, e.g. 16');
  return value;
}

/** The seconds a bar range covers on the song's grid: [start of bar, start of bar + length). */
export function barRangeSeconds(range: { startBar: number; bars: number }, grid: BarGrid): { start: number; end: number } {
  return { start: secondsAtBar(range.startBar, grid), end: secondsAtBar(range.startBar + range.bars, grid) };
}

/** The grids of these songs (each analysed first when it never was), by song id. */
export async function songGrids(core: Core, songIds: Iterable<number>): Promise<Map<number, MusicalTime>> {
  const grids = new Map<number, MusicalTime>();
  for (const songId of new Set(songIds)) grids.set(songId, await core.library.ensureMusicalTime(songId));
  return grids;
}

const SOURCE_WORDS: Record<MusicalSource, string> = {
  estimated: 'estimated at import',
  default: 'the default',
  user: 'set by you',
};

/** The lines `song show` prints. */
export function musicalTimeLines(song: Song, time: MusicalTime): string[][] {
  return [
    ['song', `${song.id} "${song.name}"`],
    ['tempo', `${formatTempo(time.tempo)} (${time.tempoSource === 'default' ? 'no clear beat: the default' : SOURCE_WORDS[time.tempoSource]})`],
    ['time signature', `${formatSignature(time.timeSignature)} (${SOURCE_WORDS[time.timeSignatureSource]})`],
    ['bar 1 at', `${formatSeconds(time.downbeatSeconds)} (${SOURCE_WORDS[time.downbeatSource]})`],
    ['key', time.key === null ? `none (${time.keySource === 'user' ? 'set by you' : 'no clear key'})` : `${time.key} (${SOURCE_WORDS[time.keySource]})`],
  ];
}

interface SetOptions {
  tempo?: number;
  key?: string | null;
  timeSignature?: TimeSignature;
  downbeat?: number;
}

/** Adds `show` and `set` to the `song` command. */
export function registerSongMusicalTimeCommands(song: Command): void {
  song
    .command('show')
    .description("a song's tempo, time signature, bar 1 and key, and where each came from")
    .argument('<song-id>', 'song id', parseId)
    .action(async (songId: number, _options: unknown, command: Command) => {
      await withCore(command, async (core, global) => {
        const time = await core.library.ensureMusicalTime(songId);
        const found = core.library.getSong(songId);
        if (global.json) printJson(found);
        else printTable(musicalTimeLines(found, time));
      });
    });

  song
    .command('set')
    .description("set a song's tempo, key, time signature or bar 1 (what the grid, --bars and export use)")
    .argument('<song-id>', 'song id', parseId)
    .option('--tempo <bpm>', 'quarter notes per minute, e.g. 96', parseTempo)
    .option('--key <key>', 'e.g. "A minor", "Eb major", "F#m", or none', parseKeyOption)
    .option('--time-signature <n/d>', 'e.g. 4/4, 3/4, 6/8', parseSignatureOption)
    .option('--downbeat <seconds>', 'where bar 1 starts, seconds into the song', parseDownbeat)
    .action(async (songId: number, options: SetOptions, command: Command) => {
      const patch: MusicalTimePatch = {
        ...(options.tempo === undefined ? {} : { tempo: options.tempo }),
        ...(options.key === undefined ? {} : { key: options.key }),
        ...(options.timeSignature === undefined ? {} : { timeSignature: options.timeSignature }),
        ...(options.downbeat === undefined ? {} : { downbeatSeconds: options.downbeat }),
      };
      if (Object.keys(patch).length === 0) {
        throw new AppError('INVALID_INPUT', 'nothing to change: give --tempo, --key, --time-signature or --downbeat');
      }
      await withCore(command, async (core, global) => {
        const changed = await core.library.setMusicalTime(songId, patch);
        if (global.json) printJson(changed);
        else printLines(`song ${changed.id}: ${changed.musicalTime ? describeMusicalTime(changed.musicalTime) : ''}`);
      });
    });
}

/**
 * Analyses the songs imported before tempo and key existed, saying so on stderr (a one-time
 * cost: each one's newest file is decoded again).
 */
export async function analyseWaitingSongs(core: Core, songs: Song[]): Promise<boolean> {
  const waiting = songs.filter((song) => song.musicalTime === null).length;
  if (waiting === 0) return false;
  printNotes(`finding tempo and key of ${waiting} song(s) imported before Eureka measured them…`);
  await core.library.backfillMusicalTime();
  return true;
}
