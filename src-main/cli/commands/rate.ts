/**
 * `eureka rate …`: blind real-vs-fake listening sessions from the command line
 * (docs/listening-tests.md). The organiser creates, lists, closes a session and reads its results;
 * a rater answers with `next` / `answer` / `final` / `submit`, or all at once in an interactive
 * `session` on the terminal. Raters are named by the session's rater names; items only by
 * their position, with playable copies under neutral names (rate-terminal.ts).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AppError } from '../../common/errors.js';
import {
  DEFAULT_ITEM_SECONDS,
  DETECTION_EASE,
  INSPIRING,
  MAX_ITEM_SECONDS,
  MIN_ITEM_SECONDS,
  SESSION_FORMATS,
  type Answer,
  type RaterProgress,
  type SessionDraft,
  type SessionFormat,
} from '../../common/rating.js';
import type { Core } from '../../core.js';
import { withCore } from '../context.js';
import { printData, printJson, printLines, printNotes, printTable } from '../output.js';
import { parseId } from '../parse.js';
import { describeSession, resultsRows, sessionRow } from './rate-output.js';
import { describeDone, describeTrial, runTerminalSession, writePlayableCopies } from './rate-terminal.js';

function parseCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 100) throw new InvalidArgumentError('expected a whole number from 0 to 100');
  return value;
}

function parseIdList(text: string): number[] {
  return text.split(',').map((part) => parseId(part.trim()));
}

/** A repeatable option of ids, each occurrence one id or a comma-separated list. */
function collectIdList(text: string, previous: number[] = []): number[] {
  return [...previous, ...parseIdList(text)];
}

function parseItemSeconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < MIN_ITEM_SECONDS || value > MAX_ITEM_SECONDS) {
    throw new InvalidArgumentError(`expected seconds from ${MIN_ITEM_SECONDS} to ${MAX_ITEM_SECONDS}`);
  }
  return value;
}

function parseMusicality(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 10) throw new InvalidArgumentError('expected a whole number from 0 to 10');
  return value;
}

interface CreateOptions {
  name: string;
  takes?: number[];
  model?: number;
  phraseTake?: number[];
  starred: boolean;
  generated?: number;
  real: number;
  seconds?: number;
  format: SessionFormat;
  catch: boolean;
  raters: string;
  seed?: string;
}

interface AnswerOptions {
  rater: string;
  position?: number;
  real?: boolean;
  fake?: boolean;
  ease?: (typeof DETECTION_EASE)[number];
  musicality?: number;
  inspiring?: (typeof INSPIRING)[number];
  choice?: 'A' | 'B';
  comment: string;
}

const raterOption = () => new Option('--rater <name>', "the rater's name in the session").makeOptionMandatory();

export function registerRateCommands(program: Command): void {
  const rate = program.command('rate').description('blind real-vs-fake listening sessions: create, rate, read the results');

  rate
    .command('create')
    .description('build a session: cut, loudness-match and shuffle takes and real clips for each rater')
    .requiredOption('--name <name>', 'what to call the session')
    .option('--takes <ids>', 'these takes (comma-separated ids)', parseIdList)
    .option('--model <id>', "or pick from this model's takes (seeded)", parseId)
    .option('--phrase-take <id>', "or a session of MIDI: these phrase models' MIDI takes against real phrases, all played by one synth sound (repeat, or comma-separated)", collectIdList)
    .option('--starred', 'with --model: starred takes only', false)
    .option('--generated <n>', 'generated items (default: every --takes or --phrase-take take, or 8)', parseCount)
    .option('--real <n>', "real items: held-out parts of the same songs (MIDI: held-out phrases of the takes' model, else bars of their songs' parts)", parseCount, 2)
    .option('--seconds <s>', `item length (${MIN_ITEM_SECONDS}-${MAX_ITEM_SECONDS}; default ${DEFAULT_ITEM_SECONDS}; MIDI: the shortest take's, at most this)`, parseItemSeconds)
    .addOption(new Option('--format <format>', 'single: real or fake per item; 2afc: which is real; abx: is X A or B').choices(SESSION_FORMATS).default('single'))
    .option('--catch', 'add catch trials (a low-passed real clip, a repeated item) to measure reliability', false)
    .requiredOption('--raters <names>', 'comma-separated rater names, e.g. "Ana,Ben"')
    .option('--seed <n>', 'the shuffle seed (default: a fresh one, stored)')
    .action(async (options: CreateOptions, command: Command) => {
      const sources = [options.takes, options.model, options.phraseTake].filter((given) => given !== undefined).length;
      if (sources !== 1) throw new AppError('INVALID_INPUT', 'give --takes, --model or --phrase-take (one of them)');
      if (options.starred && options.model === undefined) throw new AppError('INVALID_INPUT', '--starred goes with --model');
      const material: Pick<SessionDraft, 'takeIds' | 'takeFilter' | 'phraseTakeIds'> = options.phraseTake
        ? { phraseTakeIds: options.phraseTake }
        : options.takes
          ? { takeIds: options.takes }
          : { takeFilter: { modelIds: [options.model!], starredOnly: options.starred } };
      const draft: SessionDraft = {
        name: options.name,
        format: options.format,
        ...material,
        generatedCount: options.generated ?? options.takes?.length ?? options.phraseTake?.length ?? 8,
        realCount: options.real,
        ...(options.seconds === undefined ? {} : { itemSeconds: options.seconds }),
        catchTrials: options.catch,
        raters: options.raters.split(',').map((name) => name.trim()).filter((name) => name !== ''),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      };
      await withCore(command, async (core, global) => {
        printNotes(`building "${draft.name}": cutting and matching the items …`);
        const summary = await core.rating.create(draft);
        if (global.json) printJson(summary);
        else printLines(describeSession(summary));
      });
    });

  rate
    .command('list')
    .description('every session, newest first, with each rater\'s progress')
    .action(async (_options: unknown, command: Command) => {
      await withCore(command, (core, global) => {
        const sessions = core.rating.list();
        if (global.json) printJson(sessions);
        else printTable([['ID', 'NAME', 'FORMAT', 'ITEMS', 'LENGTH', 'STATUS', 'RATERS'], ...sessions.map(sessionRow)]);
        return Promise.resolve();
      });
    });

  rate
    .command('next')
    .description("the rater's next item, with a playable copy of its audio")
    .argument('<session>', 'the session id', parseId)
    .addOption(raterOption())
    .action(async (sessionId: number, options: { rater: string }, command: Command) => {
      await withCore(command, async (core, global) => {
        const rater = core.rating.raterByName(sessionId, options.rater);
        await printProgress(core, sessionId, core.rating.progress(rater.id), global.json);
      });
    });

  rate
    .command('answer')
    .description("answer the rater's next item (single: --real or --fake, …; 2afc/abx: --choice)")
    .argument('<session>', 'the session id', parseId)
    .addOption(raterOption())
    .option('--position <n>', 'the item being answered (default: the next one); refused if it is not the next', parseId)
    .option('--real', 'single: the item sounds real')
    .option('--fake', 'single: the item sounds generated')
    .addOption(new Option('--ease <ease>', 'with --fake: how easy it was to tell').choices(DETECTION_EASE))
    .option('--musicality <0-10>', 'single: 0 not musical at all … 10 very musical', parseMusicality)
    .addOption(new Option('--inspiring <answer>', 'single: does it give you ideas?').choices(INSPIRING))
    .addOption(new Option('--choice <A|B>', '2afc: which one is real; abx: is X A or B').choices(['A', 'B']))
    .option('--comment <text>', 'anything else', '')
    .action(async (sessionId: number, options: AnswerOptions, command: Command) => {
      await withCore(command, async (core, global) => {
        const rater = core.rating.raterByName(sessionId, options.rater);
        const position = options.position ?? core.rating.progress(rater.id).next?.position ?? 1;
        const progress = core.rating.answer(rater.id, position, answerFromOptions(options, core.rating.get(sessionId).format));
        await printProgress(core, sessionId, progress, global.json);
      });
    });

  rate
    .command('final')
    .description('the final questions, once every item is answered')
    .argument('<session>', 'the session id', parseId)
    .addOption(raterOption())
    .addOption(new Option('--helps <answer>', 'could the model help you finish songs?').choices(['yes', 'maybe', 'no']).makeOptionMandatory())
    .addOption(new Option('--new-places <answer>', 'did it reach places you would not go?').choices(['yes', 'maybe', 'no']).makeOptionMandatory())
    .option('--need <text>', 'what would you need from it?', '')
    .action(async (sessionId: number, options: { rater: string; helps: 'yes' | 'maybe' | 'no'; newPlaces: 'yes' | 'maybe' | 'no'; need: string }, command: Command) => {
      await withCore(command, async (core, global) => {
        const rater = core.rating.raterByName(sessionId, options.rater);
        const progress = core.rating.final(rater.id, { helpsFinishSongs: options.helps, reachedNewPlaces: options.newPlaces, whatWouldYouNeed: options.need });
        await printProgress(core, sessionId, progress, global.json);
      });
    });

  rate
    .command('submit')
    .description("hand in the rater's answers (they cannot change afterwards)")
    .argument('<session>', 'the session id', parseId)
    .addOption(raterOption())
    .action(async (sessionId: number, options: { rater: string }, command: Command) => {
      await withCore(command, async (core, global) => {
        const rater = core.rating.raterByName(sessionId, options.rater);
        await printProgress(core, sessionId, core.rating.submit(rater.id), global.json);
      });
    });

  rate
    .command('session')
    .description('rate interactively: each item in turn, answers read from the terminal (or piped)')
    .argument('<session>', 'the session id', parseId)
    .addOption(raterOption())
    .action(async (sessionId: number, options: { rater: string }, command: Command) => {
      await withCore(command, async (core, global) => {
        const rater = core.rating.raterByName(sessionId, options.rater);
        const progress = await runTerminalSession(core.rating, core.dataDir, rater.id);
        if (global.json) printJson(progress);
        else printLines(describeDone(progress, sessionId));
      });
    });

  rate
    .command('close')
    .description('end a session: no more answers')
    .argument('<session>', 'the session id', parseId)
    .action(async (sessionId: number, _options: unknown, command: Command) => {
      await withCore(command, (core, global) => {
        const summary = core.rating.close(sessionId);
        if (global.json) printJson(summary);
        else printLines(describeSession(summary));
        return Promise.resolve();
      });
    });

  rate
    .command('results')
    .description("a session's results: detection, d', fooled, musicality, inspiring (submitted raters)")
    .argument('<session>', 'the session id', parseId)
    .option('--csv', 'the results as CSV on stdout', false)
    .option('--exclude-unreliable', 'leave raters who failed the catch trials out of the pooled results', false)
    .action(async (sessionId: number, options: { csv: boolean; excludeUnreliable: boolean }, command: Command) => {
      await withCore(command, (core, global) => {
        if (options.csv && global.json) throw new AppError('INVALID_INPUT', 'give --csv or --json, not both');
        if (options.csv) {
          printData(core.rating.exportResults(sessionId, 'csv', { excludeUnreliable: options.excludeUnreliable }).text);
          return Promise.resolve();
        }
        const results = core.rating.results(sessionId, { excludeUnreliable: options.excludeUnreliable });
        if (global.json) return Promise.resolve(printJson(results));
        printLines(`${results.name} (${results.format})`);
        printTable(resultsRows(results));
        return Promise.resolve();
      });
    });
}

function answerFromOptions(options: AnswerOptions, format: SessionFormat): Answer {
  if (options.choice !== undefined) {
    if (options.real || options.fake || options.musicality !== undefined || options.inspiring !== undefined || options.ease !== undefined) {
      throw new AppError('INVALID_INPUT', '--choice answers a 2afc or abx item; --real/--fake, --ease, --musicality, --inspiring a single one');
    }
    // A single-stimulus session refuses it (the service names the format it asks).
    return { kind: format === 'abx' ? 'abx' : '2afc', choice: options.choice === 'A' ? 0 : 1, comment: options.comment };
  }
  if (options.real === options.fake) throw new AppError('INVALID_INPUT', 'give --real or --fake (or --choice A|B)');
  if (options.musicality === undefined) throw new AppError('INVALID_INPUT', 'give --musicality 0-10');
  if (options.inspiring === undefined) throw new AppError('INVALID_INPUT', `give --inspiring (${INSPIRING.join(', ')})`);
  if (options.fake && options.ease === undefined) throw new AppError('INVALID_INPUT', `with --fake give --ease (${DETECTION_EASE.join(', ')})`);
  if (options.real && options.ease !== undefined) throw new AppError('INVALID_INPUT', '--ease goes with --fake');
  return {
    kind: 'single',
    judgedReal: options.real === true,
    ease: options.ease ?? null,
    musicality: options.musicality,
    inspiring: options.inspiring,
    comment: options.comment,
  };
}

/** The rater's state: their next item with playable copies, or what is left to do. */
async function printProgress(core: Core, sessionId: number, progress: RaterProgress, json: boolean): Promise<void> {
  const copies = progress.next ? await writePlayableCopies(core.rating, core.dataDir, progress.next) : [];
  if (json) return printJson({ ...progress, files: copies });
  printLines(...(progress.next ? describeTrial(progress, progress.next, copies) : [describeDone(progress, sessionId)]));
}
