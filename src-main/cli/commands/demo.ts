/** `eureka demo`: the main job on the bundled clip. */
import { InvalidArgumentError, type Command } from 'commander';
import { loadNativeAddon } from '../../addon/binding.js';
import { chooseTrainingDevice, describeCompute } from '../../addon/device.js';
import { formatDuration, formatSeconds, parseDuration } from '../../common/format-time.js';
import { MAX_BUDGET_SECONDS, MIN_BUDGET_SECONDS } from '../../common/training.js';
import { DEMO_BUDGET_SECONDS, runDemo } from '../../demo.js';
import { withCore } from '../context.js';
import { CliExit, describeFile, printJson, printLines, printNotes } from '../output.js';
import { followBatch } from './generate.js';
import { follow } from './train.js';

function parseBudget(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === null || seconds < MIN_BUDGET_SECONDS || seconds > MAX_BUDGET_SECONDS) {
    throw new InvalidArgumentError('expected a budget such as 3m (30 s to 7 days)');
  }
  return seconds;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the main job on the bundled demo clip: import, cut, prepare, train, generate takes')
    .option('--budget <duration>', `CPU training budget (default ${formatDuration(DEMO_BUDGET_SECONDS)}; a GPU trains the studio preset)`, parseBudget)
    .option('--no-train', 'stop after preparing the training audio')
    .option('--no-generate', 'stop after training')
    .action(async (options: { budget?: number; train: boolean; generate: boolean }, command: Command) => {
      await withCore(command, async (core, global) => {
        const { device } = chooseTrainingDevice('auto', () => describeCompute(loadNativeAddon()));
        const result = await runDemo(core, {
          train: options.train,
          generate: options.generate,
          device,
          ...(options.budget === undefined ? {} : { budgetSeconds: options.budget }),
          onStep: (step) => printNotes(`demo: ${step}`),
          follow: (modelId) => follow(core, modelId, global.json),
          makeTakes: async (request) => {
            const { batchId } = await core.takes.generate(request);
            const outcome = await followBatch(core, batchId, () => undefined);
            if (outcome.interrupted) throw new CliExit(130);
            return outcome.takes;
          },
        });
        if (global.json) printJson(result);
        else {
          const { file, clip, trainingAudio, model } = result;
          const lines = [
            `${result.imported ? 'imported' : 'found'} song ${file.songId}: ${describeFile(file)}`,
            `clip ${clip.id}: ${formatSeconds(clip.start)}–${formatSeconds(clip.end)} (${clip.label}, ${clip.split})`,
            `training audio: ${trainingAudio.samples} samples, mono, ${trainingAudio.sampleRate} Hz`,
          ];
          if (model) {
            lines.push(
              `model ${model.id}: ${model.status}, ${model.scalesDone}/${model.scalesTotal ?? '?'} scales in ${formatDuration(model.trainSeconds)}` +
                (model.plan ? ` (${model.plan.summary})` : ''),
              `previews: ${core.training.modelDir(model.id)}/previews`,
            );
          }
          for (const take of result.takes) {
            const loudness = take.loudnessLufs === null ? '' : `, ${take.loudnessLufs.toFixed(1)} LUFS`;
            lines.push(`take ${take.id} (${take.settings.mode}, seed ${take.seed}, ${formatSeconds(take.durationSeconds ?? 0)}${loudness}): ${take.file}`);
          }
          lines.push(`library: ${core.dataDir}`, 'see it: eureka models · eureka takes · eureka web');
          printLines(...lines);
        }
        if (result.model && result.model.status !== 'done') throw new CliExit(130);
      });
    });
}
