/** `eureka demo`: the main job on the bundled clip. */
import type { Command } from 'commander';
import { formatSeconds } from '../../common/format-time.js';
import { runDemo } from '../../services/demo.js';
import { withCore } from '../context.js';
import { describeFile, printJson } from '../output.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the main job on the bundled demo clip')
    .action(async (_options: unknown, command: Command) => {
      await withCore(command, async (core, global) => {
        const result = await runDemo(core.library, (step) => process.stderr.write(`demo: ${step}\n`));
        if (global.json) return printJson(result);
        const { file, clip, trainingAudio } = result;
        process.stdout.write(
          [
            `${result.imported ? 'imported' : 'found'} song ${file.songId}: ${describeFile(file)}`,
            `clip ${clip.id}: ${formatSeconds(clip.start)}–${formatSeconds(clip.end)} (${clip.label}, ${clip.split})`,
            `training audio: ${trainingAudio.samples} samples, mono, ${trainingAudio.sampleRate} Hz`,
            `library: ${core.dataDir}`,
            'see it: eureka songs · eureka clips · eureka web',
          ].join('\n') + '\n',
        );
      });
    });
}
