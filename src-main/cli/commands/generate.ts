/**
 * Generation commands: `generate` (make takes of a trained model, streamed as they finish),
 * `takes` (list; `takes purge` deletes the files of discarded ones) and `take <id> [verdict]`
 * (show one, or keep / discard / undecide / star / unstar it). They share the app's database,
 * so takes made here show up in a running app. A take says the band it really has ("up to
 * 8 kHz": its model's Nyquist frequency, whatever rate its file is at) and a gap fill where its
 * fill sits ("gap filled 3.2–4.0 s"); --json adds `bandHz` beside the take's `render`.
 */
import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import { AppError } from '../../common/errors.js';
import { formatSeconds, parseSeconds } from '../../common/format-time.js';
import {
  DEFAULT_TAKE_SECONDS,
  GENERATION_MODES,
  MAX_TAKES_PER_REQUEST,
  MAX_TAKE_SECONDS,
  MIN_TAKE_SECONDS,
  TAKE_FAILURE,
  type GenerationMode,
  type Take,
  type TakePatch,
} from '../../common/generation.js';
import type { EventPayloadOf } from '../../common/ipc-contract.js';
import { bandText, bandTopHz, formatKilohertz, gapFillText } from '../../common/take-render.js';
import { seedTextSchema } from '../../common/training.js';
import type { Core } from '../../core.js';
import { withCore } from '../context.js';
import { CliExit, printJson, printJsonLine, printLines, printNotes, printTable } from '../output.js';
import { parseId } from '../parse.js';
import { createProgressBar } from '../progress.js';
import { barsToSeconds, formatBars, formatSignature, formatTempo } from '../../common/musical-time.js';
import { parseBarCount } from './musical-time.js';
import { PHRASE_GRIDS, PHRASE_TAKE_MODES, SLIDER_LIMIT, VARY_SLIDER_COUNT } from '../../common/phrases.js';
import {
  isPhraseMode,
  parseFraction,
  parseGrid,
  parsePhraseArgument,
  parseSlider,
  parseTemperature,
  registerPhraseTakeCommands,
  runPhraseGenerate,
  type PhraseGenerateOptions,
} from './phrase-generate.js';

function parseCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_TAKES_PER_REQUEST) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_TAKES_PER_REQUEST}`);
  }
  return value;
}

function parseLength(text: string): number {
  const seconds = parseSeconds(text);
  if (seconds === null || seconds < MIN_TAKE_SECONDS || seconds > MAX_TAKE_SECONDS) {
    throw new InvalidArgumentError(`expected a length from ${MIN_TAKE_SECONDS} to ${MAX_TAKE_SECONDS} seconds (e.g. 30 or 1:30)`);
  }
  return seconds;
}

function parseSeed(text: string): string {
  const parsed = seedTextSchema.safeParse(text.trim());
  if (!parsed.success) throw new InvalidArgumentError('expected a whole number from 0 to 2^64 - 1');
  return parsed.data;
}

function parseRate(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError('expected a rate in Hz, e.g. 8000');
  return value;
}

interface GenerateOptions extends Omit<PhraseGenerateOptions, 'mode'> {
  mode: GenerationMode | PhraseGenerateOptions['mode'];
  count: number;
  length?: number;
  bars?: number;
  seed?: string;
  fromRate?: number;
  provider: 'auto' | 'cpu' | 'cuda';
}

/** `bars` bars of the model's song in seconds (its stored tempo and signature), refused outside a take's lengths. */
async function barsOfModelSong(core: Core, modelId: number, bars: number): Promise<number> {
  const { songId } = core.training.get(modelId);
  if (songId === null) throw new AppError('INVALID_INPUT', `model ${modelId}'s song is gone, so it has no bars: give --length in seconds`);
  const grid = await core.library.ensureMusicalTime(songId);
  const seconds = barsToSeconds(bars, grid);
  if (seconds < MIN_TAKE_SECONDS || seconds > MAX_TAKE_SECONDS) {
    throw new AppError(
      'INVALID_INPUT',
      `${formatBars(bars)} at ${formatTempo(grid.tempo)} in ${formatSignature(grid.timeSignature)} is ${formatSeconds(seconds)}; a take is ${MIN_TAKE_SECONDS} s to ${MAX_TAKE_SECONDS / 60} min`,
    );
  }
  return seconds;
}

const VERDICT_ACTIONS: Record<string, TakePatch> = {
  keep: { verdict: 'kept' },
  discard: { verdict: 'discarded' },
  undecide: { verdict: 'undecided' },
  star: { starred: true },
  unstar: { starred: false },
};

export function registerGenerateCommands(program: Command): void {
  program
    .command('generate')
    .description('make takes with a trained model; each is printed as it finishes (Ctrl-C cancels the rest). continue, vary and interpolate make MIDI takes with a phrase model')
    .argument('<model-id>', 'the model (see eureka models; a phrase model for continue, vary, interpolate: eureka phrase-models)', parseId)
    .addOption(
      new Option('--mode <mode>', 'what to make (eureka modes <model-id> lists what an audio model offers)').choices([...GENERATION_MODES, ...PHRASE_TAKE_MODES]).default('new'),
    )
    .option('--count <n>', `how many takes, seeds seed, seed+1, … (1-${MAX_TAKES_PER_REQUEST})`, parseCount, 1)
    .option('--length <seconds>', `new takes only: length (default ${DEFAULT_TAKE_SECONDS} s)`, parseLength)
    .option('--bars <n>', "new takes: length in bars of the clip's song (its tempo and signature: eureka song show); continue: bars to add (default 4)", parseBarCount)
    .option('--seed <n>', "the first take's seed (default: a fresh one, recorded with the take)", parseSeed)
    .option('--from-rate <hz>', "extend only: the input's rate (default: half the model's top rate)", parseRate)
    .addOption(new Option('--provider <name>', 'onnxruntime execution provider').choices(['auto', 'cpu', 'cuda']).default('auto'))
    .option('--from <phrase>', 'continue, vary, interpolate: the phrase to start from, <part>:<bar>:<bars> or part-clip:<id>', parsePhraseArgument)
    .option('--to <phrase>', 'interpolate: the phrase to move towards, as --from', parsePhraseArgument)
    .option('--temperature <t>', 'MIDI takes: 0 for the likeliest notes up to 2 for wilder ones (default 1 for continue, 0 for vary and interpolate)', parseTemperature)
    .option('--slider <i=position>', `vary: put slider i (1-${VARY_SLIDER_COUNT}) at a position in spreads (-${SLIDER_LIMIT}..${SLIDER_LIMIT}); repeat for more`, parseSlider)
    .option('--fraction <f>', 'interpolate: how far from --from (0) to --to (1); without it, --count takes step evenly from one to the other', parseFraction)
    .option('--grid <grid>', `MIDI takes: snap notes to ${PHRASE_GRIDS.join(', ')} (default 1/16)`, parseGrid)
    .option('--to-key', "MIDI takes: move notes outside the song's key into it")
    .action(async (modelId: number, options: GenerateOptions, command: Command) => {
      if (isPhraseMode(options.mode)) {
        if (options.length !== undefined || options.fromRate !== undefined || options.provider !== 'auto') {
          throw new AppError('INVALID_INPUT', '--length, --from-rate and --provider go with audio takes; a MIDI take is as long as --bars says');
        }
        return runPhraseGenerate(modelId, { ...options, mode: options.mode }, command);
      }
      const midiOnly = (['from', 'to', 'temperature', 'slider', 'fraction', 'grid', 'toKey'] as const).find((name) => options[name] !== undefined);
      if (midiOnly !== undefined) throw new AppError('INVALID_INPUT', `--${midiOnly === 'toKey' ? 'to-key' : midiOnly} goes with the MIDI modes continue, vary and interpolate`);
      const mode = options.mode;
      if ((options.length !== undefined || options.bars !== undefined) && mode !== 'new') {
        throw new AppError('INVALID_INPUT', `--length and --bars go with --mode new; ${mode} takes have the clip's length`);
      }
      if (options.length !== undefined && options.bars !== undefined) throw new AppError('INVALID_INPUT', 'give --length or --bars, not both');
      if (options.fromRate !== undefined && mode !== 'extend') throw new AppError('INVALID_INPUT', '--from-rate goes with --mode extend');
      await withCore(command, async (core, global) => {
        const seconds = options.bars === undefined ? options.length : await barsOfModelSong(core, modelId, options.bars);
        const { batchId, takes } = await core.takes.generate(
          {
            modelId,
            mode,
            count: options.count,
            ...(seconds === undefined ? {} : { seconds }),
            ...(options.seed === undefined ? {} : { seed: options.seed }),
            ...(options.fromRate === undefined ? {} : { extendFromRate: options.fromRate }),
          },
          { executionProvider: options.provider },
        );
        const first = takes[0]!;
        const inBars = options.bars === undefined ? '' : `${formatBars(options.bars)}, `;
        printNotes(
          `model ${modelId}: ${takes.length} ${mode} take(s) of ${inBars}${formatSeconds(first.settings.seconds)}, seed ${first.seed}` +
            `${takes.length > 1 ? ` to ${takes.at(-1)!.seed}` : ''}`,
        );
        const outcome = await followBatch(core, batchId, (take) => printTake(core, take, global.json));
        const failed = outcome.takes.filter((take) => take.status === 'failed');
        if (outcome.interrupted) {
          printNotes(`cancelled: ${outcome.takes.length - failed.length} of ${outcome.takes.length} take(s) made`);
          throw new CliExit(130);
        }
        if (failed.length > 0) {
          throw new AppError('INTERNAL', `${failed.length} of ${outcome.takes.length} take(s) failed: ${failed[0]!.error ?? 'no reason given'}`);
        }
      });
    });

  program
    .command('modes')
    .description('the generation modes of a model, and why not where one does not apply')
    .argument('<model-id>', 'the model', parseId)
    .action(async (modelId: number, _options: unknown, command: Command) => {
      await withCore(command, async (core, global) => {
        const modes = await core.takes.listModes(modelId);
        if (global.json) return printJson(modes);
        printTable([
          ['MODE', 'AVAILABLE', 'LENGTH', 'NOTE'],
          ...modes.map((m) => [
            m.mode,
            m.available ? 'yes' : 'no',
            m.fixedSeconds === null ? 'any' : formatSeconds(m.fixedSeconds),
            m.available ? (m.extendRates.length > 0 ? `from ${m.extendRates.join(', ')} Hz` : '') : (m.reason ?? ''),
          ]),
        ]);
      });
    });

  const takes = program.command('takes').description('list takes, or delete the files of discarded ones');
  takes
    .command('list', { isDefault: true })
    .description('list takes, newest first')
    .option('--model <id>', 'only the takes of this model', parseId)
    .option('--clip <id>', "only the takes of this clip's models", parseId)
    .action(async (options: { model?: number; clip?: number }, command: Command) => {
      await withCore(command, (core, global) => {
        const list = core.takes.list({ modelId: options.model, clipId: options.clip });
        if (global.json) printJson(list.map((take) => withFile(core, take)));
        else printTable([['ID', 'MODEL', 'NAME', 'MODE', 'LENGTH', 'BAND', 'SEED', 'STATUS', 'VERDICT', 'FILE'], ...list.map((take) => takeRow(core, take))]);
        return Promise.resolve();
      });
    });
  takes
    .command('purge')
    .description('delete the audio files of discarded takes (their rows and provenance stay)')
    .option('--model <id>', 'only the takes of this model', parseId)
    .option('--clip <id>', "only the takes of this clip's models", parseId)
    .action(async (options: { model?: number; clip?: number }, command: Command) => {
      await withCore(command, async (core, global) => {
        const result = await core.takes.deleteDiscarded({ modelId: options.model, clipId: options.clip });
        if (global.json) printJson(result);
        else printLines(`deleted the files of ${result.deleted} discarded take(s)`);
      });
    });

  program
    .command('take')
    .description('show a take, or keep / discard / undecide / star / unstar it')
    .argument('<take-id>', 'the take (see eureka takes)', parseId)
    .addArgument(new Argument('[action]', 'what to do').choices(Object.keys(VERDICT_ACTIONS)))
    .action(async (takeId: number, action: string | undefined, _options: unknown, command: Command) => {
      await withCore(command, (core, global) => {
        const take = action === undefined ? core.takes.get(takeId) : core.takes.update(takeId, VERDICT_ACTIONS[action]!);
        if (global.json) printJson(withFile(core, take));
        else printLines(describeTake(core, take));
        return Promise.resolve();
      });
    });

  registerPhraseTakeCommands(program);
}

/**
 * Follows a batch to its end, calling `onFinished` once per take as it becomes ready or fails,
 * in the order they finish; a progress bar with the ETA on a terminal. Ctrl-C cancels the
 * batch (a second one leaves at once).
 */
export async function followBatch(core: Core, batchId: string, onFinished: (take: Take) => void): Promise<{ takes: Take[]; interrupted: boolean }> {
  const bar = createProgressBar();
  const reported = new Set<number>();
  const report = () => {
    for (const take of core.takes.batch(batchId)) {
      if ((take.status !== 'ready' && take.status !== 'failed') || reported.has(take.id)) continue;
      reported.add(take.id);
      bar.done();
      onFinished(take);
    }
  };
  const unsubscribe = core.subscribe((event, payload) => {
    if (event === 'takes:did-progress') {
      const p = payload as EventPayloadOf<'takes:did-progress'>;
      if (p.batchId !== batchId) return;
      const label = p.phase === 'preparing' ? 'opening the model' : `take ${p.index + 1}/${p.count}: ${p.phase}`;
      bar.update(p.fraction, label, p.etaSeconds);
    } else if (event === 'takes:did-change') report();
  });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    bar.done('cancelling (Ctrl-C again to leave now)');
    core.takes.cancel(batchId);
  };
  process.on('SIGINT', onSigint);
  try {
    const takes = await core.takes.waitForBatch(batchId);
    report();
    return { takes, interrupted };
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
    bar.done();
  }
}

/**
 * A finished take: a line on stdout (NDJSON with --json, cancelled ones included); for people a
 * failure goes to stderr, and cancelled takes are summed up once at the end instead.
 */
export function printTake(core: Core, take: Take, json: boolean): void {
  if (json) printJsonLine(withFile(core, take));
  else if (take.status === 'failed') {
    if (take.error !== TAKE_FAILURE.cancelled) printNotes(`take ${take.id} failed: ${take.error ?? 'no reason given'}`);
  }
  else printLines(describeTake(core, take));
}

function filePath(core: Core, take: Take): string | null {
  return take.hasFile ? core.takes.filePath(take.id) : null;
}

function withFile(core: Core, take: Take): Take & { file: string | null; bandHz: number | null } {
  return { ...take, file: filePath(core, take), bandHz: take.render === null ? null : bandTopHz(take.render) };
}

/** The mode as a take's line says it: a gap fill says where its fill sits. */
function modeText(take: Take): string {
  return take.render?.fill ? gapFillText(take.render.fill) : take.settings.mode;
}

/** "44.1 kHz stereo, up to 8 kHz": the file's rate and channels, and the band the model made. */
function formatText(take: Take): string | null {
  if (take.render === null || take.sampleRate === null) return null;
  const channels = take.render.channels === 1 ? 'mono' : take.render.channels === 2 ? 'stereo' : `${take.render.channels} channels`;
  return `${formatKilohertz(take.sampleRate)} ${channels}, ${bandText(take.render)}`;
}

function describeTake(core: Core, take: Take): string {
  const head = `take ${take.id} (${take.name}, ${modeText(take)}, seed ${take.seed})`;
  if (take.status !== 'ready') return `${head}: ${take.status}${take.error ? ` (${take.error})` : ''}`;
  const loudness = take.loudnessLufs === null ? 'below the gate' : `${take.loudnessLufs.toFixed(1)} LUFS`;
  const format = formatText(take);
  const marks = [take.verdict !== 'undecided' ? take.verdict : '', take.starred ? 'starred' : ''].filter((m) => m !== '');
  return (
    `${head}: ${filePath(core, take) ?? 'file deleted'} · ${formatSeconds(take.durationSeconds ?? 0)} · ${loudness}` +
    (format === null ? '' : ` · ${format}`) +
    (marks.length > 0 ? ` · ${marks.join(', ')}` : '')
  );
}

function takeRow(core: Core, take: Take): string[] {
  return [
    String(take.id),
    String(take.modelId),
    `${take.name}${take.starred ? ' *' : ''}`,
    modeText(take),
    formatSeconds(take.durationSeconds ?? take.settings.seconds),
    take.render === null ? '-' : bandText(take.render),
    take.seed,
    take.status,
    take.verdict,
    take.status === 'ready' ? (filePath(core, take) ?? 'file deleted') : (take.error ?? '-'),
  ];
}
