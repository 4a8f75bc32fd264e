/**
 * Phrase models on the command line: `eureka train --kind continue|vary` (train one on the MIDI
 * parts of chosen songs or the whole library, or resume one, and follow it to the end) and
 * `eureka phrase-models` (list them). `train.ts` hands `--kind` runs over to {@link trainPhrases}.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { AppError } from '../../common/errors.js';
import { formatDuration } from '../../common/format-time.js';
import type { EventPayloadOf } from '../../common/ipc-contract.js';
import {
  MAX_PHRASE_BARS,
  MIN_PHRASE_BARS,
  PHRASE_PRESETS,
  type PhraseEvaluation,
  type PhraseForecast,
  type PhraseModel,
  type PhraseModelKind,
  type PhrasePreset,
  type PhraseTrainRequest,
} from '../../common/phrases.js';
import type { Core } from '../../core.js';
import { withCore } from '../context.js';
import { CliExit, printJson, printLines, printNotes, printTable } from '../output.js';
import { parseId } from '../parse.js';
import { createProgressBar } from '../progress.js';

/** `--songs 1,2,5` → [1, 2, 5]. */
export function parseSongIds(text: string): number[] {
  const ids = text.split(',').map((part) => part.trim());
  if (ids.length === 0 || ids.some((id) => id === '')) throw new InvalidArgumentError('expected song ids separated by commas, e.g. 1,2');
  return ids.map(parseId);
}

/** `--bars 4`: a phrase length the phrases floor cuts. */
export function parseBars(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < MIN_PHRASE_BARS || value > MAX_PHRASE_BARS) {
    throw new InvalidArgumentError(`expected a whole number of bars from ${MIN_PHRASE_BARS} to ${MAX_PHRASE_BARS}`);
  }
  return value;
}

export interface PhraseTrainOptions {
  kind: PhraseModelKind;
  songs?: number[];
  bars?: number;
  preset: string;
  budget?: number;
  seed?: string;
  /** true (no id) or the phrase model's id. */
  resume?: boolean | string;
  forecast?: boolean;
  model?: number;
}

/** `eureka train --kind …` (see the file comment). */
export async function trainPhrases(core: Core, clipId: number | undefined, options: PhraseTrainOptions, json: boolean): Promise<void> {
  if (clipId !== undefined) throw new AppError('INVALID_INPUT', '--kind trains on MIDI parts, not a clip: choose songs with --songs (or none for the whole library)');
  if (options.forecast) {
    if (options.resume !== undefined) throw new AppError('INVALID_INPUT', '--forecast is for a new model, not with --resume');
    const forecast = core.phraseModels.forecast(phraseRequest(options));
    if (json) printJson(forecast);
    else printForecast(forecast);
    if (forecast.outcome === 'refused') throw new CliExit(1);
    return;
  }
  const model = options.resume !== undefined ? resumePhraseModel(core, options) : await startPhraseModel(core, options, json);
  const finished = await followPhraseModel(core, model.id, json);
  if (json) printJson(finished);
  else printPhraseModel(finished);
  if (finished.status === 'failed') throw new AppError('INTERNAL', `training failed: ${finished.error ?? 'no reason given'}`);
  if (finished.status !== 'done') {
    printNotes(`stopped at step ${finished.stepsDone} of ${finished.stepsTotal ?? '?'}; continue with: eureka train --kind ${finished.kind} --resume ${finished.id}`);
    throw new CliExit(130);
  }
}

function phraseRequest(options: PhraseTrainOptions): PhraseTrainRequest {
  if (options.model !== undefined) throw new AppError('INVALID_INPUT', 'with --kind, name the phrase model to resume as --resume <id>');
  if (!(PHRASE_PRESETS as readonly string[]).includes(options.preset)) {
    throw new AppError('INVALID_INPUT', `the ${options.preset} preset is for audio models; phrase models take ${PHRASE_PRESETS.join(', ')}`);
  }
  return {
    kind: options.kind,
    preset: options.preset as PhrasePreset,
    ...(options.songs === undefined ? {} : { songIds: options.songs }),
    ...(options.bars === undefined ? {} : { bars: options.bars }),
    ...(options.budget === undefined ? {} : { budgetSeconds: options.budget }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
}

async function startPhraseModel(core: Core, options: PhraseTrainOptions, json: boolean): Promise<PhraseModel> {
  const request = phraseRequest(options);
  const forecast = core.phraseModels.forecast(request);
  if (forecast.outcome === 'refused') throw new AppError('INVALID_INPUT', forecast.headline);
  if (!json) printNotes(forecast.headline);
  return core.phraseModels.create(request);
}

function resumePhraseModel(core: Core, options: PhraseTrainOptions): PhraseModel {
  if (options.resume === true) throw new AppError('INVALID_INPUT', 'name the phrase model to resume: --resume <id> (see eureka phrase-models)');
  if (options.songs !== undefined || options.bars !== undefined || options.budget !== undefined || options.seed !== undefined) {
    throw new AppError('INVALID_INPUT', 'a resumed model keeps its songs, bars, budget and seed: give --resume <id> alone');
  }
  const id = parseId(String(options.resume));
  const model = core.phraseModels.get(id);
  if (model.kind !== options.kind) throw new AppError('INVALID_INPUT', `phrase model ${id} is a ${model.kind} model, not ${options.kind}`);
  return core.phraseModels.resume(id);
}

/**
 * Follows a phrase model to its end: a progress bar (step, loss, ETA) on a terminal, a note once
 * its steps are planned; Ctrl-C cancels after the current step (a second one leaves at once, and
 * the worker stops when it notices its parent gone).
 */
async function followPhraseModel(core: Core, modelId: number, json: boolean): Promise<PhraseModel> {
  const bar = createProgressBar();
  let planned = core.phraseModels.get(modelId).stepsTotal !== null;
  const say = (line: string) => {
    bar.done();
    printNotes(line);
  };
  const unsubscribe = core.subscribe((event, payload) => {
    if (event === 'phrase-models:did-progress') {
      const p = payload as EventPayloadOf<'phrase-models:did-progress'>;
      if (p.modelId === modelId) bar.update(p.fraction, `step ${p.step}/${p.steps}, loss ${p.loss.toFixed(3)}`, p.etaSeconds);
    } else if (event === 'phrase-models:did-change') {
      if (planned || !(payload as EventPayloadOf<'phrase-models:did-change'>).modelIds.includes(modelId)) return;
      const model = core.phraseModels.get(modelId);
      if (model.stepsTotal === null) return;
      planned = true;
      if (!json) say(`phrase model ${modelId}: ${model.stepsTotal} training steps (${model.preset} preset, about ${formatDuration(model.budgetSeconds)})`);
    }
  });
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    say('stopping after the current step (Ctrl-C again to leave now)');
    try {
      core.phraseModels.cancel(modelId);
    } catch {
      // already finished
    }
  };
  process.on('SIGINT', onSigint);
  try {
    return await core.phraseModels.waitFor(modelId);
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
    bar.done();
  }
}

function printForecast(forecast: PhraseForecast): void {
  printLines(forecast.headline);
}

const percent = (value: number): string => `${Math.round(value * 100)}%`;

/** The held-out figures in plain words, then the numbers behind them. */
export function evaluationLines(evaluation: PhraseEvaluation): string[] {
  if (evaluation.heldOutPhrases === 0) return ['no phrases were kept aside to test it (its phrases came from one part)'];
  const lines: string[] = [];
  if (evaluation.accuracy !== null && evaluation.markovAccuracy !== null) {
    lines.push(`on ${evaluation.heldOutPhrases} phrases it never heard, it guesses the next note ${percent(evaluation.accuracy)} of the time; a simple chain guesses ${percent(evaluation.markovAccuracy)}`);
  }
  if (evaluation.perplexity !== null && evaluation.markovPerplexity !== null) {
    lines.push(`  (next-token accuracy ${evaluation.accuracy!.toFixed(3)}, perplexity ${evaluation.perplexity.toFixed(2)}; order-3 Markov chain ${evaluation.markovAccuracy!.toFixed(3)}, ${evaluation.markovPerplexity.toFixed(2)})`);
  }
  if (evaluation.reconstructionF1 !== null) {
    lines.push(`on ${evaluation.heldOutPhrases} phrases it never heard, it plays back ${percent(evaluation.reconstructionF1)} of the notes right`, `  (held-out reconstruction note F1 ${evaluation.reconstructionF1.toFixed(3)})`);
  }
  return lines;
}

function printPhraseModel(model: PhraseModel): void {
  const corpus = model.corpus;
  printLines(
    `phrase model ${model.id}: ${model.name}`,
    `status: ${model.status}${model.error ? ` (${model.error})` : ''}, step ${model.stepsDone} of ${model.stepsTotal ?? '?'}, ${formatDuration(model.trainSeconds)} training`,
    ...(corpus ? [`learned from ${corpus.trainPhrases} phrases of ${model.bars} bars (${corpus.parts} parts in ${corpus.songs} songs, ${corpus.notes} notes)`] : []),
    ...(model.evaluation ? evaluationLines(model.evaluation) : []),
  );
}

export function registerPhraseModelCommands(program: Command): void {
  program
    .command('phrase-models')
    .description('list phrase models (eureka train --kind continue|vary makes them)')
    .action(async (_options: unknown, command: Command) => {
      await withCore(command, (core, global) => {
        const models = core.phraseModels.list();
        if (global.json) return Promise.resolve(printJson(models));
        printTable([
          ['ID', 'KIND', 'PRESET', 'STATUS', 'BARS', 'PHRASES', 'STEPS', 'TIME', 'HELD OUT', 'NAME'],
          ...models.map((m) => [
            String(m.id),
            m.kind,
            m.preset,
            m.status,
            String(m.bars),
            m.corpus === null ? '-' : String(m.corpus.trainPhrases),
            `${m.stepsDone}/${m.stepsTotal ?? '?'}`,
            formatDuration(m.trainSeconds),
            heldOutCell(m.evaluation),
            m.name,
          ]),
        ]);
        return Promise.resolve();
      });
    });
}

/** "81% vs 57%" (continue: next-note guesses against the chain), "F1 0.78" (vary), or "-". */
function heldOutCell(evaluation: PhraseEvaluation | null): string {
  if (evaluation?.accuracy != null && evaluation.markovAccuracy !== null) return `${percent(evaluation.accuracy)} vs ${percent(evaluation.markovAccuracy)}`;
  if (evaluation?.reconstructionF1 != null) return `F1 ${evaluation.reconstructionF1.toFixed(2)}`;
  return '-';
}
