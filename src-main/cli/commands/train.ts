/**
 * Training commands: `train` (start or resume a model of a clip and follow it to the end; with
 * `--kind continue|vary` a phrase model of MIDI parts instead, train-phrases.ts), `models`
 * (list), `model` (show one), `model rm`, and `phrase-models` (list the phrase models).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { plainDeviceReason } from '../../common/device-words.js';
import { AppError } from '../../common/errors.js';
import { formatDuration, parseDuration } from '../../common/format-time.js';
import { MIN_PHRASE_BUDGET_SECONDS, PHRASE_MODEL_KINDS, type PhraseModelKind } from '../../common/phrases.js';
import {
  MAX_BUDGET_SECONDS,
  MIN_BUDGET_SECONDS,
  PRESET_NAMES,
  RESUMABLE_STATUSES,
  TRAIN_DEVICES,
  TRAIN_MODES,
  seedTextSchema,
  type Model,
  type PresetName,
  type TrainingPlan,
  type TrainDevice,
  type TrainForecast,
  type TrainMode,
  type TrainRequest,
} from '../../common/training.js';
import type { EventPayloadOf } from '../../common/ipc-contract.js';
import type { Core } from '../../core.js';
import { withCore } from '../context.js';
import { parseId } from '../parse.js';
import { CliExit, printJson, printLines, printNotes, printTable, tableLines } from '../output.js';
import { createProgressBar } from '../progress.js';
import { parseBars, parseSongIds, registerPhraseModelCommands, trainPhrases } from './train-phrases.js';

function parseBudget(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === null) throw new InvalidArgumentError('expected a duration such as 15m, 1h30m or 600 (seconds)');
  // Phrase models train in as little as 10 s; an audio model's 30 s floor is checked once the kind is known.
  if (seconds < MIN_PHRASE_BUDGET_SECONDS || seconds > MAX_BUDGET_SECONDS) {
    throw new InvalidArgumentError(`expected a budget between ${formatDuration(MIN_PHRASE_BUDGET_SECONDS)} and 7 days`);
  }
  return seconds;
}

function parseSeed(text: string): string {
  const parsed = seedTextSchema.safeParse(text.trim());
  if (!parsed.success) throw new InvalidArgumentError('expected a whole number from 0 to 2^64 - 1');
  return parsed.data;
}

interface TrainOptions {
  /** [studio where training runs on a GPU, else quick; quick for phrase models] */
  preset?: PresetName;
  budget?: number;
  device: TrainDevice;
  mode?: TrainMode;
  seed?: string;
  /** true, or (with --kind) the phrase model to resume; without --kind a value is the clip, as `train <clip> --resume`. */
  resume?: boolean | string;
  model?: number;
  forecast?: boolean;
  kind?: PhraseModelKind;
  songs?: number[];
  bars?: number;
}

export function registerTrainCommands(program: Command): void {
  program
    .command('train')
    .description('train a model on a clip, or with --kind a phrase model of your MIDI parts (Ctrl-C stops after the current epoch or step; --resume continues)')
    .argument('[clip-id]', 'the clip to learn (see eureka clips)', parseId)
    .addOption(
      new Option(
        '--preset <name>',
        "studio: the best takes (the default on a GPU); quick: fits --budget (the default on a CPU); paper: the paper's recipe (days on a CPU); test: tiny",
      ).choices(PRESET_NAMES),
    )
    .option('--budget <duration>', 'quick only: time budget, e.g. 15m (default 15m); phrase models: any preset, e.g. 60 (seconds)', parseBudget)
    .addOption(
      new Option('--device <device>', 'where to train: auto (the GPU when one works, else the CPU), cpu, or cuda (the GPU; without one it says why and trains on the CPU)')
        .choices(TRAIN_DEVICES)
        .default('auto'),
    )
    .addOption(new Option('--mode <mode>', "normal: music; denoising: reconstruct the clip's waveform (default: the preset's; gap clips inpaint)").choices(TRAIN_MODES))
    .option('--seed <n>', 'random seed (default: a fresh one, recorded with the model)', parseSeed)
    .option('--resume [id]', "continue the clip's most recent unfinished model after its last finished scale; with --kind, phrase model <id> from its last saved step")
    .option('--model <id>', 'with --resume: the model to continue', parseId)
    .option('--forecast', 'say what it would train, how long it takes and what it buys, and stop there')
    .addOption(new Option('--kind <kind>', 'a phrase model of the MIDI parts: continue (carries a phrase on) or vary (variations with sliders)').choices(PHRASE_MODEL_KINDS))
    .option('--songs <ids>', 'with --kind: the songs whose MIDI parts it learns, e.g. 1,2 (default: the whole library)', parseSongIds)
    .option('--bars <n>', 'with --kind: phrase length in bars, 2..16 (default 4 for continue, 2 for vary)', parseBars)
    .action(async (clipId: number | undefined, options: TrainOptions, command: Command) => {
      await withCore(command, async (core, global) => {
        if (options.kind !== undefined) {
          if (options.mode !== undefined || command.getOptionValueSource('device') === 'cli') {
            throw new AppError('INVALID_INPUT', '--mode and --device are for audio models; phrase models train on the CPU');
          }
          return trainPhrases(core, clipId, { ...options, preset: options.preset ?? 'quick', kind: options.kind }, global.json);
        }
        if (options.songs !== undefined || options.bars !== undefined) throw new AppError('INVALID_INPUT', '--songs and --bars go with --kind continue|vary');
        if (options.budget !== undefined && options.budget < MIN_BUDGET_SECONDS) {
          throw new AppError('INVALID_INPUT', `an audio model's budget is at least ${formatDuration(MIN_BUDGET_SECONDS)}`);
        }
        if (typeof options.resume === 'string') clipId ??= parseId(options.resume);
        if (options.resume === undefined) options.preset ??= defaultPreset(core, options);
        if (options.forecast) {
          if (options.resume) throw new AppError('INVALID_INPUT', '--forecast is for a new model, not with --resume');
          const forecast = await forecastOf(core, trainRequest(clipId, options, command));
          if (global.json) printJson(forecast);
          else printForecast(forecast, options.device);
          if (forecast.outcome === 'refused') throw new CliExit(1);
          return;
        }
        const model = options.resume !== undefined ? resumeModel(core, clipId, options.model) : await startModel(core, clipId, options, command, global.json);
        const finished = await follow(core, model.id, global.json);
        if (global.json) printJson(finished);
        else printModel(finished);
        if (finished.status === 'failed') throw new AppError('INTERNAL', `training failed: ${finished.error ?? 'no reason given'}`);
        if (finished.status !== 'done') {
          printNotes(`stopped after ${finished.scalesDone} scale(s); continue with: eureka train --resume --model ${finished.id}`);
          throw new CliExit(130);
        }
      });
    });

  program
    .command('models')
    .description('list trained and training models')
    .option('--clip <id>', 'only the models of this clip', parseId)
    .action(async (options: { clip?: number }, command: Command) => {
      await withCore(command, (core, global) => {
        const models = core.training.list(options.clip);
        if (global.json) return Promise.resolve(printJson(models));
        printTable([
          ['ID', 'CLIP', 'PRESET', 'STATUS', 'SCALES', 'RATE', 'TIME', 'NAME'],
          ...models.map((m) => [
            String(m.id),
            m.clipId === null ? '-' : String(m.clipId),
            m.preset,
            m.status,
            `${m.scalesDone}/${m.scalesTotal ?? '?'}`,
            m.plan ? `${m.plan.topRate / 1000} kHz` : '-',
            formatDuration(m.trainSeconds),
            m.name,
          ]),
        ]);
        return Promise.resolve();
      });
    });

  registerPhraseModelCommands(program);

  const model = program.command('model').description('show or delete one model');
  model
    .command('show', { isDefault: true })
    .argument('<model-id>', 'the model', parseId)
    .action(async (modelId: number, _options: unknown, command: Command) => {
      await withCore(command, (core, global) => {
        const found = core.training.get(modelId);
        if (global.json) printJson({ ...found, folder: core.training.modelDir(modelId) });
        else {
          printModel(found);
          printLines(`folder: ${core.training.modelDir(modelId)}`);
        }
        return Promise.resolve();
      });
    });
  model
    .command('rm')
    .argument('<model-id>', 'the model', parseId)
    .description('delete a model that is not training, with its checkpoints and previews')
    .action(async (modelId: number, _options: unknown, command: Command) => {
      await withCore(command, async (core, global) => {
        await core.training.delete(modelId);
        if (global.json) printJson({ deleted: modelId });
        else printLines(`deleted model ${modelId}`);
      });
    });
}

/**
 * The preset when none is given: studio where training runs on a GPU (minutes there), quick on
 * a CPU (it fits a budget). A --budget means quick.
 */
function defaultPreset(core: Core, options: TrainOptions): PresetName {
  if (options.budget !== undefined) return 'quick';
  return core.training.deviceFor(options.device).device === 'cuda' ? 'studio' : 'quick';
}

/**
 * Where the run trains, in one line: a GPU asked for (--device cuda) and not usable says so
 * plainly; otherwise the plain words of common/device-words.ts.
 */
function deviceLine(requested: TrainDevice, plan: TrainingPlan): string {
  if (requested === 'cuda' && plan.device === 'cpu') return noGpuLine(plan.deviceReason);
  return plainDeviceReason(plan.device, plan.deviceReason);
}

function noGpuLine(reason: string): string {
  return `No usable GPU (${reason}) — training on the CPU.`;
}

function trainRequest(clipId: number | undefined, options: TrainOptions, command: Command): TrainRequest {
  if (clipId === undefined) throw new AppError('INVALID_INPUT', 'give the clip to train (see eureka clips), or --resume');
  if (options.model !== undefined) throw new AppError('INVALID_INPUT', '--model goes with --resume');
  const presetGiven = command.getOptionValueSource('preset') === 'cli';
  if (options.budget !== undefined && presetGiven && options.preset !== 'quick') {
    throw new AppError('INVALID_INPUT', `--budget goes with --preset quick, not ${options.preset}`);
  }
  return {
    clipId,
    preset: options.preset ?? 'quick',
    device: options.device,
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...(options.budget === undefined ? {} : { budgetSeconds: options.budget }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
}

/** The forecast, with a word on stderr when it has to measure this machine first (tens of seconds). */
async function forecastOf(core: Core, request: TrainRequest): Promise<TrainForecast> {
  const slow = setTimeout(() => printNotes('measuring how fast this computer trains (once every half hour)…'), 1500);
  try {
    return await core.training.forecast(request);
  } finally {
    clearTimeout(slow);
  }
}

/** The --budget that gives at least `seconds`, in whole minutes ("7m"). */
function budgetOption(seconds: number): string {
  return `--budget ${Math.ceil(seconds / 60)}m`;
}

/** A refused forecast as the one-line error, with the option that works. */
function refusal(forecast: TrainForecast): AppError {
  const shortest = forecast.shortestBudgetSeconds;
  return new AppError('INVALID_INPUT', shortest === null ? forecast.headline : `${forecast.headline} Try ${budgetOption(shortest)}.`);
}

function printForecast(forecast: TrainForecast, requested: TrainDevice): void {
  const measured = forecast.measuredAt === null ? [] : [`(this computer's speed measured ${forecast.measuredAt.slice(0, 16).replace('T', ' ')} UTC)`];
  printLines(forecast.headline, ...(forecast.plan ? [deviceLine(requested, forecast.plan), `plan: ${forecast.plan.summary}`, ...tableLines(recipeRows(forecast.plan))] : []), ...measured);
  if (forecast.outcome === 'refused' && forecast.shortestBudgetSeconds !== null) {
    printNotes(`try: ${budgetOption(forecast.shortestBudgetSeconds)}`);
  }
}

/** Tells the forecast first (and refuses a budget that cannot work, before anything is made), then starts. */
async function startModel(core: Core, clipId: number | undefined, options: TrainOptions, command: Command, json: boolean): Promise<Model> {
  const request = trainRequest(clipId, options, command);
  const forecast = await forecastOf(core, request);
  if (forecast.outcome === 'refused') throw refusal(forecast);
  const plan = forecast.plan;
  // A GPU asked for and not usable is said even with --json (on stderr): the run goes on on the CPU.
  const noGpu = request.device === 'cuda' && plan?.device === 'cpu';
  if (noGpu) printNotes(noGpuLine(plan.deviceReason));
  if (!json) printNotes(`forecast: ${forecast.headline}`, ...(plan && !noGpu ? [deviceLine(request.device ?? 'auto', plan)] : []));
  return core.training.create(request);
}

function resumeModel(core: Core, clipId: number | undefined, modelId: number | undefined): Model {
  if (modelId !== undefined) return core.training.resume(modelId);
  if (clipId === undefined) throw new AppError('INVALID_INPUT', 'give the clip (or --model ID) to resume');
  const candidate = core.training.list(clipId).find((m) => RESUMABLE_STATUSES.includes(m.status));
  if (!candidate) throw new AppError('INVALID_INPUT', `clip ${clipId} has no failed, cancelled or interrupted model to resume`);
  return core.training.resume(candidate.id);
}

/**
 * Follows a model to its end: a progress bar with the forecast ETA on a terminal, a line per
 * finished scale on stderr, the chosen plan once it is known (its summary and a table of its
 * scales); Ctrl-C cancels (a second one
 * leaves at once, and the worker stops when it notices its parent gone).
 */
export async function follow(core: Core, modelId: number, json: boolean): Promise<Model> {
  const bar = createProgressBar();
  let planPrinted = false;
  let plannedDevice: 'cpu' | 'cuda' | null = null;
  let deviceReported = false;
  let scalesReported = core.training.get(modelId).scalesDone;
  const say = (line: string) => {
    bar.done();
    printNotes(line);
  };
  const unsubscribe = core.subscribe((event, payload) => {
    if (event === 'training:did-progress') {
      const p = payload as EventPayloadOf<'training:did-progress'>;
      if (p.modelId !== modelId) return;
      const label = p.phase === 'probing' ? 'measuring this machine' : `scale ${p.scale + 1}/${p.scales}, epoch ${p.epoch}/${p.epochs}`;
      bar.update(p.fraction, label, p.etaSeconds);
    } else if (event === 'training:did-change') {
      if (!(payload as EventPayloadOf<'training:did-change'>).modelIds.includes(modelId)) return;
      const model = core.training.get(modelId);
      if (model.plan && !planPrinted) {
        planPrinted = true;
        say(`model ${modelId}: ${model.plan.summary}`);
        printNotes(...tableLines(recipeRows(model.plan)));
        plannedDevice = model.plan.device;
        if (!json) {
          if (model.plan.device === 'cpu') say(`device: CPU (${model.plan.deviceReason})`);
          say(`precision: ${model.plan.precisionReason}`);
        }
      }
      // The trainer's own word on the device, once it has started (a GPU it finds unusable
      // puts the run on the CPU, with the reason).
      if (model.plan?.deviceName !== undefined && !deviceReported) {
        deviceReported = true;
        if (model.plan.device === 'cuda') say(`training on the GPU: ${model.plan.deviceName}`);
        else if (plannedDevice === 'cuda') say(noGpuLine(model.plan.deviceReason));
      }
      for (const record of model.scales.filter((s) => s.scale >= scalesReported)) {
        say(
          `scale ${record.scale + 1}/${model.scalesTotal ?? '?'} done: ${record.rate} Hz, ${formatDuration(record.seconds)}` +
            (record.previews.length > 0 ? `, previews ${record.previews.join(' + ')}` : ''),
        );
        scalesReported = record.scale + 1;
      }
    }
  });
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    say('stopping after the current epoch (Ctrl-C again to leave now)');
    try {
      core.training.cancel(modelId);
    } catch {
      // already finished
    }
  };
  process.on('SIGINT', onSigint);
  try {
    return await core.training.waitFor(modelId);
  } finally {
    process.off('SIGINT', onSigint);
    unsubscribe();
    bar.done();
  }
}

/**
 * The plan per scale, coarsest first: rate, the samples an epoch trains on (a crop of the level
 * or the whole level), channels, epochs and the forecast time of the scale.
 */
export function recipeRows(plan: TrainingPlan): string[][] {
  return [
    ['SCALE', 'RATE', 'PER EPOCH', 'CH', 'EPOCHS', 'FORECAST'],
    ...plan.scales.map((scale, k) => [
      String(k + 1),
      `${scale.rate} Hz`,
      scale.cropped ? `${scale.trainedLength} of ${scale.length} (crop)` : `${scale.length} (whole)`,
      String(scale.channels),
      String(scale.epochs),
      plan.predictedSeconds === null ? '-' : formatDuration(scale.epochs * scale.epochSeconds),
    ]),
  ];
}

function printModel(model: Model): void {
  const lines = [
    `model ${model.id}: ${model.name}`,
    `status: ${model.status}${model.error ? ` (${model.error})` : ''}, ${model.scalesDone}/${model.scalesTotal ?? '?'} scales, ${formatDuration(model.trainSeconds)} training`,
  ];
  if (model.plan) {
    const { device, deviceName, deviceReason } = model.plan;
    const where = device === 'cuda' ? `GPU${deviceName ? ` (${deviceName})` : ''}` : `CPU (${deviceReason})`;
    lines.push(`plan: ${model.plan.summary}`, `device: ${where}`, `seed: ${model.plan.seed}`);
  }
  for (const s of model.scales) {
    const mss = s.losses?.mss;
    lines.push(
      `  scale ${s.scale}: ${s.rate} Hz, ${s.length} samples, ${s.channels} ch, ${formatDuration(s.seconds)}` +
        (mss !== undefined && mss !== null ? `, reconstruction MSS ${mss.toFixed(3)}` : '') +
        (s.previews.length > 0 ? `, previews: ${s.previews.join(', ')}` : ''),
    );
  }
  printLines(...lines);
}
