/**
 * `eureka export [take-id…] [--part ID…] [--part-clip ID…] [--phrase-take ID…] --to DIR`: takes
 * (and their source clip), MIDI parts and the phrase models' MIDI takes as an Ableton Live
 * project and/or a Logic Pro folder, the same export the app's Export dialog makes. Prints each folder
 * written (the result as JSON with --json); never overwrites: an existing folder gets a
 * numbered sibling ("Verse Project 2").
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { EXPORT_FORMATS, MAX_EXPORT_SONG_NAME, MAX_EXPORT_TEMPO, MIN_EXPORT_TEMPO, type ExportFormat } from '../../common/export.js';
import { formatTempo } from '../../common/musical-time.js';
import type { Core } from '../../core.js';
import { withCore } from '../context.js';
import { printJson, printLines, printNotes } from '../output.js';
import { parseId } from '../parse.js';
import { createProgressBar } from '../progress.js';

function parseTempo(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < MIN_EXPORT_TEMPO || value > MAX_EXPORT_TEMPO) {
    throw new InvalidArgumentError(`expected a tempo from ${MIN_EXPORT_TEMPO} to ${MAX_EXPORT_TEMPO} BPM`);
  }
  return value;
}

function parseTimeSignature(text: string): { numerator: number; denominator: 1 | 2 | 4 | 8 | 16 } {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{1,2})\s*$/.exec(text);
  const numerator = Number(match?.[1]);
  const denominator = Number(match?.[2]);
  if (!match || numerator < 1 || ![1, 2, 4, 8, 16].includes(denominator)) {
    throw new InvalidArgumentError('expected a time signature such as 4/4, 3/4 or 6/8');
  }
  return { numerator, denominator: denominator as 1 | 2 | 4 | 8 | 16 };
}

/** As the export request counts it: spaces at either end do not count. */
function parseSongName(text: string): string {
  const length = text.trim().length;
  if (length < 1 || length > MAX_EXPORT_SONG_NAME) {
    throw new InvalidArgumentError(`expected a name of 1 to ${MAX_EXPORT_SONG_NAME} characters`);
  }
  return text;
}

function collectIds(text: string, previous: number[] = []): number[] {
  return [...previous, parseId(text)];
}

interface ExportOptions {
  to: string;
  part?: number[];
  partClip?: number[];
  phraseTake?: number[];
  format: ExportFormat;
  rate: '44100' | '48000';
  bits: '24' | '32';
  tempo?: number;
  timeSignature?: { numerator: number; denominator: 1 | 2 | 4 | 8 | 16 };
  stack: boolean;
  source: boolean;
  song?: string;
  zip?: boolean;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export takes (and their source clip), MIDI parts and MIDI takes for Ableton Live and/or Logic Pro; prints the folders written')
    .argument('[take-id...]', 'the takes (see eureka takes)', collectIds)
    .requiredOption('--to <dir>', 'the folder to export into (created if missing)')
    .option('--part <id>', 'a MIDI part, on its own MIDI track (repeat for more; see eureka parts)', collectIds)
    .option('--part-clip <id>', 'a part clip (bars of a part), on its own MIDI track (repeat for more)', collectIds)
    .option('--phrase-take <id>', "a phrase model's MIDI take, on its own MIDI track at its place in the song (repeat for more)", collectIds)
    .addOption(new Option('--format <daw>', 'which DAW').choices(EXPORT_FORMATS).default('both'))
    .addOption(new Option('--rate <hz>', 'sample rate of the exported files').choices(['44100', '48000']).default('48000'))
    .addOption(new Option('--bits <n>', '24-bit PCM or 32-bit float').choices(['24', '32']).default('24'))
    .option('--tempo <bpm>', "the set's tempo (default: the song's, see eureka song show; else 120)", parseTempo)
    .option('--time-signature <n/d>', "the time signature (default: the song's, else 4/4)", parseTimeSignature)
    .option('--stack', 'put every take at bar 1 (default: one after another)', false)
    .option('--no-source', 'leave the source clip out')
    .option('--song <name>', "name of the folders and the set (default: the song's name)", parseSongName)
    .option('--zip', 'also write each folder as a .zip beside it (to send, or to carry to another computer)')
    .action(async (takeIds: number[] | undefined, options: ExportOptions, command: Command) => {
      await withCore(command, async (core, global) => {
        const bar = createProgressBar();
        try {
          const result = await core.export.exportTakes(
            {
              takeIds: takeIds ?? [],
              partIds: options.part ?? [],
              partClipIds: options.partClip ?? [],
              phraseTakeIds: options.phraseTake ?? [],
              destination: path.resolve(options.to),
              format: options.format,
              sampleRate: options.rate === '44100' ? 44100 : 48000,
              bitDepth: options.bits === '32' ? 32 : 24,
              placement: options.stack ? 'stack' : 'sequence',
              includeSource: options.source,
              ...(options.tempo === undefined ? {} : { tempo: options.tempo }),
              ...(options.timeSignature === undefined ? {} : { timeSignature: options.timeSignature }),
              ...(options.song === undefined ? {} : { songName: options.song }),
            },
            { caller: 'cli', onProgress: (event) => bar.update(event.fraction, event.file ?? event.phase) },
          );
          bar.done();
          const zips = options.zip ? await zipFolders(core, result.folders) : [];
          if (global.json) return printJson(options.zip ? { ...result, zips } : result);
          const tempoNote = {
            user: '',
            song: " (the song's)",
            estimate: " (the song's, estimated at import)",
            fallback: ' (no clear beat in the song; the default)',
            part: " (the first MIDI part's or take's, at bar 1)",
          }[result.tempoSource];
          const { numerator, denominator } = result.timeSignature;
          printNotes(`${result.files} file(s) at ${formatTempo(result.tempo)}${tempoNote} in ${numerator}/${denominator}`);
          printLines(...result.folders, ...zips);
        } finally {
          bar.done();
        }
      });
    });
}

/** Each exported folder as `<folder>.zip` beside it, written under a temporary name and renamed into place. */
async function zipFolders(core: Core, folders: readonly string[]): Promise<string[]> {
  const written: string[] = [];
  for (const folder of folders) {
    const zip = await core.export.zipExported(folder);
    const target = path.join(path.dirname(folder), zip.fileName);
    const temporary = `${target}.part-${process.pid}`;
    try {
      await zip.write(createWriteStream(temporary));
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    written.push(target);
  }
  return written;
}
