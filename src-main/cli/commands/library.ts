/** Library commands: import, songs, song rename, clips, clip add|set|rm, info. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CLIP_LABELS, CLIP_SPLITS, type ClipLabel, type ClipPatch, type ClipSplit } from '../../common/dto.js';
import { AppError } from '../../common/errors.js';
import { parseSeconds } from '../../common/format-time.js';
import { withCore } from '../context.js';
import { parseId } from '../parse.js';
import { CliExit, clipRows, describeFile, printJson, printLines, printNotes, printTable, songRows } from '../output.js';
import { createProgressBar } from '../progress.js';

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

const labelOption = () =>
  new Option('--label <label>', 'U: new material, V: variation, gap: a hole to fill').choices(CLIP_LABELS);
const splitOption = () => new Option('--split <split>', 'evaluation split').choices(CLIP_SPLITS);

export function registerLibraryCommands(program: Command): void {
  program
    .command('import')
    .description('import bounces (WAV, AIFF, FLAC, MP3, CAF) into the library')
    .argument('<files...>', 'audio files')
    .option('--song <name>', 'put all files into one new song with this name')
    .option('--song-id <id>', 'add the files to an existing song', parseId)
    .option('--max-duration <seconds>', 'refuse files longer than this', parsePositiveSeconds)
    .action(async (files: string[], options: { song?: string; songId?: number; maxDuration?: number }, command: Command) => {
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
            onProgress: (progress) => bar.update(progress.fraction, `${progress.name}: ${progress.phase}`),
          });
          bar.done();
          if (global.json) printJson(result);
          else printLines(...result.files.map((file) => `imported song ${file.songId}, file ${file.id}: ${describeFile(file)}`));
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
        const songs = core.library.listSongs();
        if (global.json) printJson(songs);
        else if (songs.length === 0) printLines('no songs yet: eureka import <file…>');
        else printTable(songRows(songs));
      });
    });

  const song = program.command('song').description('change a song');
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

  program
    .command('clips')
    .description('list clips')
    .option('--song <id>', 'only this song', parseId)
    .action(async (options: { song?: number }, command: Command) => {
      await withCore(command, async (core, global) => {
        const clips = core.library.listClips(options.song);
        if (global.json) printJson(clips);
        else if (clips.length === 0) printLines('no clips yet: eureka clip add <song-id> --start S --end E --label U');
        else printTable(clipRows(clips));
      });
    });

  const clip = program.command('clip').description('cut, change or remove clips');
  clip
    .command('add')
    .description('cut a clip from a song')
    .argument('<song-id>', 'song id', parseId)
    .requiredOption('--start <time>', 'start, seconds or m:ss.mmm', parseTime)
    .requiredOption('--end <time>', 'end, seconds or m:ss.mmm', parseTime)
    .addOption(labelOption().makeOptionMandatory())
    .addOption(splitOption().default('train'))
    .option('--file <id>', "which of the song's files (default: the latest)", parseId)
    .option('--hole <start-end>', 'for --label gap: the hole to fill (default: the middle third)', parseHole)
    .option('--notes <text>', 'free notes', '')
    .action(
      async (
        songId: number,
        options: { start: number; end: number; label: ClipLabel; split: ClipSplit; file?: number; hole?: { holeStart: number; holeEnd: number }; notes: string },
        command: Command,
      ) => {
        await withCore(command, async (core, global) => {
          const created = core.library.addClip({
            songId,
            start: options.start,
            end: options.end,
            label: options.label,
            split: options.split,
            notes: options.notes,
            ...(options.file === undefined ? {} : { fileId: options.file }),
            ...(options.hole ?? {}),
          });
          if (global.json) printJson(created);
          else printTable(clipRows([created]));
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
    .description('delete a clip (the song and its audio stay)')
    .argument('<clip-id>', 'clip id', parseId)
    .action(async (clipId: number, _options: unknown, command: Command) => {
      await withCore(command, async (core, global) => {
        core.library.deleteClip(clipId);
        if (global.json) printJson({ deleted: clipId });
        else printLines(`deleted clip ${clipId}`);
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
