/** Opens the core for a command from the global options, and closes it afterwards. */
import type { Command } from 'commander';
import { createCore, type Core } from '../core.js';
import { resolveDataDir } from '../services/store/data-dir.js';
import { limitsFromEnv } from '../node/limits-from-env.js';

export interface GlobalOptions {
  dataDir?: string;
  json: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export async function withCore<T>(
  command: Command,
  work: (core: Core, options: GlobalOptions) => Promise<T>,
  limits: { maxImportSeconds?: number; maxClipSeconds?: number } = {},
  audio: 'inline' | 'worker' = 'inline',
): Promise<T> {
  const options = globalOptions(command);
  const core = await createCore({
    dataDir: resolveDataDir(options.dataDir),
    limits: { ...limitsFromEnv(), ...limits },
    audio,
    host: 'web',
  });
  try {
    return await work(core, options);
  } finally {
    await core.dispose();
  }
}
