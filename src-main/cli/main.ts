/**
 * `eureka`: the headless command line. Every command takes --data-dir and --json, calls the
 * same services as the GUI, prints progress on stderr, and exits non-zero with a one-line
 * reason on bad input. Commands grow with the product: library, train, generate, metrics,
 * rate (blind listening sessions) and export.
 */
import { Command, CommanderError, Option } from 'commander';
import { APP_VERSION } from '../version.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerExportCommand } from './commands/export.js';
import { registerGenerateCommands } from './commands/generate.js';
import { registerLibraryCommands } from './commands/library.js';
import { registerMetricsCommands } from './commands/metrics.js';
import { registerPartsCommands } from './commands/parts.js';
import { registerRateCommands } from './commands/rate.js';
import { registerTrainCommands } from './commands/train.js';
import { registerTranscribeCommand } from './commands/transcribe.js';
import { registerWebCommand } from './commands/web.js';
import { CliExit, reportError } from './output.js';

export function buildProgram(): Command {
  const program = new Command('eureka')
    .description('Train small generative models on clips of your unfinished songs, and make new takes.')
    .version(APP_VERSION)
    .addOption(new Option('--data-dir <dir>', 'library folder (default: EUREKA_DATA_DIR or the app-data folder)'))
    .option('--json', 'machine-readable output on stdout (progress stays on stderr)', false)
    .showHelpAfterError('(run eureka --help for usage)')
    .exitOverride();
  registerLibraryCommands(program);
  registerPartsCommands(program);
  registerTrainCommands(program);
  registerGenerateCommands(program);
  registerMetricsCommands(program);
  registerTranscribeCommand(program);
  registerRateCommands(program);
  registerExportCommand(program);
  registerWebCommand(program);
  registerDemoCommand(program);
  return program;
}

/** Runs the CLI; resolves to the process exit status. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed help, the version, or the usage error.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliExit) return error.status;
    return reportError(error);
  }
}
