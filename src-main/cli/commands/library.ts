/**
 * Library commands: import, songs, song rename|rm|show|set (show and set: musical-time.ts),
 * clips, clip add|set|rm, info. A delete that takes other work with it (a song; a clip with
 * models) prints what would go and does nothing without --yes. `clip add --bars 9:8` cuts on the
 * song's bar grid.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CLIP_LABELS, CLIP_SPLITS, type ClipLabel, type ClipPatch, type ClipSplit, type ImportDuplicate } from '../../common/dto.js';
import { describeDeletion, takesWorkAlong, whatGoes, type DeletionSummary } from '../../common/deletion.js';
import { AppError } from '../../common/errors.js';
import { parseSeconds } from '../../common/format-time.js';
import { withCore } from '../context.js';
import { parseId } from '../parse.js';
import { CliExit, clipRows, describeFile, printJson, printLines, printNotes, printTable, songRows } from '../output.js';
import { createProgressBar } from '../progress.js';
import { analyseWaitingSongs, barRangeSeconds, parseBarsOption, registerSongMusicalTimeCommands, songGrids } from './musical-time.js';
import { addPartClip, partClipRows, partLine } from './parts.js';

function parseTime(text: string): number {
  const value = parseSeconds(text);
  if (value === null) throw new InvalidArgumentError('expected seconds (12.5) or m:ss.mmm (0:12.500)');
  return value;
}

function parsePositiveSeconds(text: string): number {
  const value = parseTime(text);
  if (value <= 0) throw new InvalidArgumentError('expected a positive duration');
  return value;
}

/** "--hole 10-12.5" or "--hole 0:10-0:12.5". */
function parseHole(text: string): { holeStart: number; holeEnd: number } {
  const match = /^(.+?)-(.+)$/.exec(text.trim());
  const holeStart = match ? parseSeconds(match[1] ?? '') : null;
  const holeEnd = match ? parseSeconds(match[2] ?? '') : null;
  if (holeStart === null || holeEnd === null) throw new InvalidArgumentError('expected START-END, e.g. 10-12.5');
  return { holeStart, holeEnd };
}

function describeDuplicate(duplicate: ImportDuplicate): string {
  return (
    `${duplicate.name}: already in your library as song ${duplicate.songId} “${duplicate.songName}” ` +
    `(${duplicate.fileId === null ? `MIDI file ${duplicate.midiFileId ?? '?'}` : `file ${duplicate.fileId}`}); ` +
    'not imported again (--again imports it anyway)'
  );
}

/** What a delete would take and keep, then a refusal: nothing happens without --yes. */
function refuseUnconfirmed(summary: DeletionSummary, json: boolean, what: string): Promise<never> {
  const words = describeDeletion(summary);
  if (json) printJson({ deleted: false, ...summary });
  else printLines(words.question, words.goes, ...(words.stays === null ? [] : [words.stays]));
  throw new AppError(
    'INVALID_INPUT',
    summary.blockers.length > 0
      ? `${what} cannot be deleted now: ${summary.blockers.join('; ')}`
      : `nothing deleted: add --yes to delete ${what} and what goes with it`,
  );
}

function reportDeleted(summary: DeletionSummary, json: boolean): void {
  if (json) return printJson({ deleted: true, ...summary });
  const { target } = summary;
  const what = target.kind === 'song' ? `song ${target.songId}` : `clip ${target.clipId}`;
  const along = whatGoes(summary);
  const stays = describeDeletion(summary).stays;
  printLines(`deleted ${what} “${summary.name}”${along === '' ? '' : ` with ${along}`}`, ...(stays === null ? [] : [stays]));
}

const labelOption = () =>
  new Option('--label <label>', 'U: a new idea, V: a variation, gap: a hole to fill').choices(CLIP_LABELS);
const splitOption = () =>
  new Option('--split <split>', 'train: practice (to learn from), val/test: check (kept out, to measure takes against)').choices(CLIP_SPLITS);

export function registerLibraryCommands(program: Command): void {
  program
    .command('import')
    .description('import bounces (WAV, AIFF, FLAC, MP3, CAF) and MIDI files (.mid: a part per track) into the library')
    .argument('<files...>', 'audio or MIDI files')
    .option('--song <name>', 'put all files into one new song with this name')
    .option('--song-id <id>', 'add the files to an existing song', parseId)
    .option('--max-duration <seconds>', 'refuse files longer than this', parsePositiveSeconds)
    .option('--again', 'import files the library holds already (same bytes) once more, instead of naming their song')
    .action(async (files: string[], options: { song?: string; songId?: number; maxDuration?: number; again?: boolean }, command: Command) => {
      if (options.song !== undefined && options.songId !== undefined) {
        throw new AppError('INVALID_INPUT', 'give --song or --song-id, not both');
      }
      await withCore(
        command,
        async (core, global) => {
          const bar = createProgressBar();
          const result = await core.library.importPaths(files, {
            ...(options.song === undefined ? {} : { songName: options.song }),
            ...(options.songId === undefined ? {} : { songId: options.songId }),
            ...(options.again ? { again: true } : {}),
            onProgress: (progress) => bar.update(progress.fraction, `${progress.name}: ${progress.phase}`),
          });
          bar.done();
          if (global.json) printJson(result);
          else {
            printLines(
              ...result.files.map((file) => `imported song ${file.songId}, file ${file.id}: ${describeFile(file)}`),
              ...result.parts.map(partLine),
              ...result.duplicates.map(describeDuplicate),
            );
          }
          printNotes(...result.failures.map((failure) => `eureka: ${failure.error.message}`));
          if (result.failures.length > 0) throw new CliExit(1);
        },
        options.maxDuration === undefined ? {} : { maxImportSeconds: options.maxDuration },
      );
    });

  program
    .command('songs')
    .description('list the songs in the library')
    .action(async (_options: unknown, command: Command) => {
      await withCore(command, async (core, global) => {
        const listed = core.library.listSongs();
        const songs = (await analyseWaitingSongs(core, listed)) ? core.library.listSongs() : listed;
        if (global.json) printJson(songs);
        else if (songs.length === 0) printLines('no songs yet: eureka import <file…>');
        else printTable(songRows(songs));
      });
    });

  const song = program.command('song').description('change or delete a song');
  registerSongMusicalTimeCommands(song);
  song
    .command('rename')
    .description('rename a song')
    .argument('<song-id>', 'song id', parseId)
    .argument('<name>', 'new name')
    .action(async (songId: number, name: string, _options: unknown, command: Command) => {
      await withCore(command, async (core, global) => {
        const renamed = core.library.renameSong(songId, name);
        if (global.json) printJson(renamed);
        else printLines(`song ${renamed.id} is now "${renamed.name}"`);
      });
    });
  song
    .command('rm')
    .description('delete a song with its audio files, clips, MIDI parts, models and takes (prints what goes; needs --yes)')
    .argument('<song-id>', 'song id', parseId)
    .option('--yes', 'delete it and what goes with it')
    .action(async (songId: number, options: { yes?: boolean }, command: Command) => {
      await withCore(command, async (core, global) => {
        const summary = core.library.describeDeletion({ kind: 'song', songId });
        if (!options.yes) return refuseUnconfirmed(summary, global.json, `song ${songId}`);
        reportDeleted(await core.library.deleteSong(songId), global.json);
      });
    });

  program
    .command('clips')
    .description('list clips')
    .option('--song <id>', 'only this song', parseId)
    .action(async (options: { song?: number }, command: Command) => {
      await withCore(command, async (core, global) => {
        const clips = core.library.listClips(options.song);
        if (global.json) printJson(clips);
        else if (clips.length === 0) printLines('no clips yet: eureka clip add <song-id> --start S --end E --label U');
        else printTable(clipRows(clips, await songGrids(core, clips.map((c) => c.songId))));
      });
    });

  const clip = program.command('clip').description('cut, change or remove clips');
  clip
    .command('add')
    .description("cut a clip from a song's audio, or with --part from one of its MIDI parts (by bars)")
    .argument('<song-id>', 'song id', parseId)
    .option('--part <id>', 'cut a MIDI part clip from this part of the song (with --bars; --label is then your own words)', parseId)
    .option('--start <time>', 'start, seconds or m:ss.mmm', parseTime)
    .option('--end <time>', 'end, seconds or m:ss.mmm', parseTime)
    .option('--bars <start:length>', "instead of --start/--end: bars on the song's grid, e.g. 9:8 (8 bars from bar 9)", parseBarsOption)
    .option('--label <label>', 'U: a new idea, V: a variation, gap: a hole to fill (a part clip: your own words, e.g. "chorus hook")')
    .addOption(splitOption().default('train'))
    .option('--file <id>', "which of the song's files (default: the latest)", parseId)
    .option('--hole <start-end>', 'for --label gap: the hole to fill (default: the middle third)', parseHole)
    .option('--notes <text>', 'free notes', '')
    .action(
      async (
        songId: number,
        options: { part?: number; start?: number; end?: number; bars?: { startBar: number; bars: number }; label?: string; split: ClipSplit; file?: number; hole?: { holeStart: number; holeEnd: number }; notes: string },
        command: Command,
      ) => {
        if (options.part !== undefined) {
          if (options.bars === undefined || options.start !== undefined || options.end !== undefined || options.file !== undefined || options.hole !== undefined) {
            throw new AppError('INVALID_INPUT', 'a MIDI part clip takes --bars START:LENGTH (no --start, --end, --file or --hole)');
          }
          const { part: partId, bars } = options;
          return withCore(command, async (core, global) => {
            const created = await addPartClip(core, songId, { partId, bars, label: options.label ?? '', split: options.split, notes: options.notes });
            if (global.json) printJson(created);
            else printTable(partClipRows([created]));
          });
        }
        if (options.label === undefined) throw new AppError('INVALID_INPUT', "required option '--label <label>' not specified (U, V or gap)");
        if (!(CLIP_LABELS as readonly string[]).includes(options.label)) {
          throw new AppError('INVALID_INPUT', `--label ${options.label}: expected U, V or gap (any words only for a MIDI part clip, with --part)`);
        }
        const label = options.label as ClipLabel;
        const bySeconds = options.start !== undefined || options.end !== undefined;
        if (options.bars !== undefined ? bySeconds : options.start === undefined || options.end === undefined) {
          throw new AppError('INVALID_INPUT', 'give --start and --end, or --bars START:LENGTH');
        }
        await withCore(command, async (core, global) => {
          const grid = await core.library.ensureMusicalTime(songId);
          const region = options.bars ? barRangeSeconds(options.bars, grid) : { start: options.start!, end: options.end! };
          const created = core.library.addClip({
            songId,
            ...region,
            label,
            split: options.split,
            notes: options.notes,
            ...(options.file === undefined ? {} : { fileId: options.file }),
            ...(options.hole ?? {}),
          });
          if (global.json) printJson(created);
          else printTable(clipRows([created], new Map([[songId, grid]])));
        });
      },
    );

  clip
    .command('set')
    .description('change a clip')
    .argument('<clip-id>', 'clip id', parseId)
    .option('--start <time>', 'new start', parseTime)
    .option('--end <time>', 'new end', parseTime)
    .addOption(labelOption())
    .addOption(splitOption())
    .option('--hole <start-end>', 'the hole of a gap clip', parseHole)
    .option('--notes <text>', 'replace the notes')
    .action(
      async (
        clipId: number,
        options: { start?: number; end?: number; label?: ClipLabel; split?: ClipSplit; hole?: { holeStart: number; holeEnd: number }; notes?: string },
        command: Command,
      ) => {
        const patch: ClipPatch = {
          ...(options.start === undefined ? {} : { start: options.start }),
          ...(options.end === undefined ? {} : { end: options.end }),
          ...(options.label === undefined ? {} : { label: options.label }),
          ...(options.split === undefined ? {} : { split: options.split }),
          ...(options.notes === undefined ? {} : { notes: options.notes }),
          ...(options.hole ?? {}),
        };
        if (Object.keys(patch).length === 0) throw new AppError('INVALID_INPUT', 'nothing to change: give at least one option');
        await withCore(command, async (core, global) => {
          const updated = core.library.updateClip(clipId, patch);
          if (global.json) printJson(updated);
          else printTable(clipRows([updated]));
        });
      },
    );

  clip
    .command('rm')
    .description('delete a clip (the song and its audio stay); one with models takes them and their takes along, with --yes')
    .argument('<clip-id>', 'clip id', parseId)
    .option('--yes', 'also when models were made from it: they and their takes go too')
    .action(async (clipId: number, options: { yes?: boolean }, command: Command) => {
      await withCore(command, async (core, global) => {
        const summary = core.library.describeDeletion({ kind: 'clip', clipId });
        if (takesWorkAlong(summary) && !options.yes) return refuseUnconfirmed(summary, global.json, `clip ${clipId}`);
        reportDeleted(await core.library.deleteClip(clipId, { withModels: options.yes === true }), global.json);
      });
    });

  program
    .command('info')
    .description('version, data folder and compute device')
    .action(async (_options: unknown, command: Command) => {
      await withCore(command, async (core, global) => {
        const info = await core.handlers['app:get-info']({});
        if (global.json) printJson(info);
        else {
          const { compute } = info;
          printLines(
            `Eureka ${info.version}`,
            `data: ${info.dataDir}`,
            `native core ${compute.addonVersion}, CUDA ${compute.cudaCompiled ? 'compiled' : 'not compiled'}, ${compute.cudaDevices} device(s)` +
              `${compute.cpuReason ? `; using the CPU: ${compute.cpuReason}` : ''}`,
          );
        }
      });
    });
}
