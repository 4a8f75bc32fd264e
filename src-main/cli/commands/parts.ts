/**
 * MIDI parts on the command line (docs/midi.md): `eureka parts [song]`, `eureka part <id>` (its
 * facts and clips), `eureka part-clips [--part ID | --song ID]`, `eureka part-clip set|rm`, and
 * the MIDI side of `eureka clip add <song> --part <id> --bars 9:4` (library.ts parses it, this
 * file cuts it). `eureka import` of .mid/.midi files prints the parts made (partLines).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AppError } from '../../common/errors.js';
import { instrumentName } from '../../common/gm-programs.js';
import { PART_CLIP_SPLITS, type PartClipDto, type PartClipPatch, type PartDto } from '../../common/midi.js';
import { formatSignature, formatTempo } from '../../common/musical-time.js';
import { codeWithWords, SPLIT_WORDS } from '../../common/plain-words.js';
import type { Core } from '../../core.js';
import { withCore } from '../context.js';
import { writePartWav } from './part-audio.js';
import { printJson, printLines, printTable } from '../output.js';
import { parseId } from '../parse.js';

const SOURCE_WORDS: Record<PartDto['source'], string> = {
  'midi-file': 'MIDI file',
  transcription: 'transcription',
  model: 'model',
};

/** The line `eureka import` prints for each part a MIDI file made. */
export function partLine(part: PartDto): string {
  return (
    `imported song ${part.songId}, part ${part.id}: ${part.name} (${instrumentName(part.program, part.channel)}), ` +
    `${part.noteCount} note${part.noteCount === 1 ? '' : 's'}, ${bars(part.lengthBars)}, ${formatTempo(part.bpm)} ${formatSignature(part.timeSignature)}`
  );
}

export function partRows(parts: PartDto[]): string[][] {
  return [
    ['ID', 'SONG', 'NAME', 'PROGRAM', 'NOTES', 'BARS', 'SOURCE'],
    ...parts.map((part) => [
      String(part.id),
      String(part.songId),
      part.name,
      `${part.channel === 9 ? '-' : part.program} ${instrumentName(part.program, part.channel)}`,
      String(part.noteCount),
      String(part.lengthBars),
      SOURCE_WORDS[part.source],
    ]),
  ];
}

export function partClipRows(clips: PartClipDto[]): string[][] {
  return [
    ['ID', 'PART', 'SONG', 'BARS', 'NOTES', 'LABEL', 'SPLIT', 'COMMENT'],
    ...clips.map((clip) => [
      String(clip.id),
      String(clip.partId),
      String(clip.songId),
      `bar ${clip.startBar} · ${bars(clip.lengthBars)}`,
      String(clip.noteCount),
      clip.label,
      codeWithWords(clip.split, SPLIT_WORDS[clip.split]),
      clip.notes.split('\n')[0] ?? '',
    ]),
  ];
}

/** `clip add <song> --part <id> --bars 9:4`: the part must be the song's, the bars whole. */
export async function addPartClip(
  core: Core,
  songId: number,
  options: { partId: number; bars: { startBar: number; bars: number }; label: string; split: (typeof PART_CLIP_SPLITS)[number]; notes: string },
): Promise<PartClipDto> {
  if (!Number.isInteger(options.bars.bars)) {
    throw new AppError('INVALID_INPUT', `a part clip is whole bars: --bars ${options.bars.startBar}:${Math.max(1, Math.round(options.bars.bars))}`);
  }
  const part = core.parts.get(options.partId);
  if (part.songId !== songId) throw new AppError('INVALID_INPUT', `part ${part.id} is song ${part.songId}'s, not song ${songId}'s`);
  return core.parts.addClip({
    partId: part.id,
    startBar: options.bars.startBar,
    lengthBars: options.bars.bars,
    label: options.label,
    split: options.split,
    notes: options.notes,
  });
}

function parseLabel(text: string): string {
  if (text.trim().length > 200) throw new InvalidArgumentError('a label has at most 200 characters');
  return text.trim();
}

const splitOption = () =>
  new Option('--split <split>', 'train: practice (to learn from), val/test: check (kept out, to measure against)').choices(PART_CLIP_SPLITS);

export function registerPartsCommands(program: Command): void {
  program
    .command('parts')
    .description('list MIDI parts (of one song, or all)')
    .argument('[song-id]', 'only this song', parseId)
    .action(async (songId: number | undefined, _options: unknown, command: Command) => {
      await withCore(command, async (core, global) => {
        const parts = core.parts.list(songId);
        if (global.json) printJson(parts);
        else if (parts.length === 0) printLines('no MIDI parts yet: eureka import <file.mid>');
        else printTable(partRows(parts));
      });
    });

  program
    .command('part')
    .description("a MIDI part's facts and its clips")
    .argument('<part-id>', 'part id', parseId)
    .option('--wav <file>', 'render it with the General MIDI synth into a 16-bit WAV (docs/midi.md "Hearing MIDI")')
    .option('--clip <part-clip-id>', 'with --wav: render this clip of the part', parseId)
    .action(async (partId: number, options: { wav?: string; clip?: number }, command: Command) => {
      if (options.clip !== undefined && options.wav === undefined) throw new AppError('INVALID_INPUT', '--clip goes with --wav: eureka part <id> --clip <part-clip-id> --wav out.wav');
      await withCore(command, async (core, global) => {
        if (options.wav !== undefined) return writePartWav(core, partId, { wav: options.wav, ...(options.clip === undefined ? {} : { clip: options.clip }) }, global.json);
        const part = core.parts.get(partId);
        const clips = core.parts.listClips({ partId });
        if (global.json) return printJson({ ...part, clips });
        const music = core.parts.musicOf({ partId });
        const tempos = music.tempoMap.map((point) => `${formatTempo(point.bpm)} at beat ${round(point.beats)}`).join(', ');
        const meters = music.meterMap.map((point) => `${formatSignature(point.timeSignature)} at beat ${round(point.beats)}`).join(', ');
        printTable([
          ['part', `${part.id} "${part.name}"`],
          ['song', String(part.songId)],
          ['instrument', `${instrumentName(part.program, part.channel)} (program ${part.program}, channel ${part.channel + 1})`],
          ['notes', `${part.noteCount}, ${bars(part.lengthBars)} (${round(part.lengthBeats)} beats)`],
          ['pitch bends', String(music.bends.length)],
          ['tempo', tempos],
          ['time signature', meters],
          ['source', `${SOURCE_WORDS[part.source]}${part.midiFileId === null ? '' : ` ${part.midiFileId}`}${part.sourceClipId === null ? '' : `, clip ${part.sourceClipId}`}${part.sourceTakeId === null ? '' : `, take ${part.sourceTakeId}`}`],
        ]);
        printLines('', ...(clips.length === 0 ? [`no clips yet: eureka clip add ${part.songId} --part ${part.id} --bars 1:4`] : []));
        if (clips.length > 0) printTable(partClipRows(clips));
      });
    });

  program
    .command('part-clips')
    .description('list MIDI part clips (of a part, or of a song)')
    .option('--part <id>', 'of this part', parseId)
    .option('--song <id>', "of this song's parts", parseId)
    .action(async (options: { part?: number; song?: number }, command: Command) => {
      if ((options.part === undefined) === (options.song === undefined)) throw new AppError('INVALID_INPUT', 'give --part or --song');
      await withCore(command, async (core, global) => {
        const clips = core.parts.listClips(options.part === undefined ? { songId: options.song! } : { partId: options.part });
        if (global.json) printJson(clips);
        else if (clips.length === 0) printLines('no part clips yet: eureka clip add <song-id> --part <part-id> --bars 9:4');
        else printTable(partClipRows(clips));
      });
    });

  const partClip = program.command('part-clip').description('change or remove MIDI part clips');
  partClip
    .command('set')
    .description('change a part clip')
    .argument('<part-clip-id>', 'part clip id', parseId)
    .option('--bars <start:length>', 'new bars, e.g. 9:4')
    .option('--label <words>', 'your own label, e.g. "chorus hook"', parseLabel)
    .addOption(splitOption())
    .option('--notes <text>', 'replace the notes')
    .action(async (partClipId: number, options: { bars?: string; label?: string; split?: (typeof PART_CLIP_SPLITS)[number]; notes?: string }, command: Command) => {
      const range = options.bars === undefined ? undefined : wholeBars(options.bars);
      const patch: PartClipPatch = {
        ...(range === undefined ? {} : { startBar: range.startBar, lengthBars: range.lengthBars }),
        ...(options.label === undefined ? {} : { label: options.label }),
        ...(options.split === undefined ? {} : { split: options.split }),
        ...(options.notes === undefined ? {} : { notes: options.notes }),
      };
      if (Object.keys(patch).length === 0) throw new AppError('INVALID_INPUT', 'nothing to change: give at least one option');
      await withCore(command, async (core, global) => {
        const updated = core.parts.updateClip(partClipId, patch);
        if (global.json) printJson(updated);
        else printTable(partClipRows([updated]));
      });
    });
  partClip
    .command('rm')
    .description('delete a part clip (the part stays)')
    .argument('<part-clip-id>', 'part clip id', parseId)
    .action(async (partClipId: number, _options: unknown, command: Command) => {
      await withCore(command, async (core, global) => {
        core.parts.deleteClip(partClipId);
        if (global.json) printJson({ deleted: true, partClipId });
        else printLines(`deleted part clip ${partClipId}`);
      });
    });
}

/** "9:4" as whole bars (a part clip is never a fraction of a bar). */
function wholeBars(text: string): { startBar: number; lengthBars: number } {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  const startBar = Number(match?.[1]);
  const lengthBars = Number(match?.[2]);
  if (!match || startBar < 1 || lengthBars < 1) throw new AppError('INVALID_INPUT', 'expected --bars START:LENGTH in whole bars, e.g. 9:4');
  return { startBar, lengthBars };
}

function bars(count: number): string {
  return `${count} bar${count === 1 ? '' : 's'}`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
