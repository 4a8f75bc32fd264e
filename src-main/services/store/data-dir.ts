/**
 * Where Eureka keeps its library: `--data-dir`, else `EUREKA_DATA_DIR`, else the OS per-user
 * app-data folder (~/.local/share/Eureka, ~/Library/Application Support/Eureka,
 * %LOCALAPPDATA%\Eureka\Data). The desktop app and the CLI resolve it the same way, so both
 * see the same songs.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import envPaths from 'env-paths';
import { AppError } from '../../common/errors.js';
import { describeFsError } from './atomic-write.js';

export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.EUREKA_DATA_DIR;
  if (chosen !== undefined && chosen.trim() !== '') return path.resolve(chosen);
  return envPaths('Eureka', { suffix: '' }).data;
}

/** Creates the data directory if needed; a one-line STORAGE error if it cannot. */
export async function ensureDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw new AppError('STORAGE', `cannot create the data directory ${dataDir}: ${describeFsError(error)}`);
  }
}
