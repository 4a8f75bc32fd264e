/**
 * Library limits a user can change without a settings screen: `EUREKA_MAX_IMPORT_SECONDS` and
 * `EUREKA_MAX_CLIP_SECONDS` (the CLI's --max-duration overrides the first). The desktop app,
 * web mode and the CLI all read them here, so the same file is accepted everywhere.
 */
import { AppError } from '../common/errors.js';
import type { LibraryLimits } from '../common/limits.js';

const VARIABLES = {
  maxImportSeconds: 'EUREKA_MAX_IMPORT_SECONDS',
  maxClipSeconds: 'EUREKA_MAX_CLIP_SECONDS',
} as const satisfies Record<keyof LibraryLimits, string>;

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<LibraryLimits> {
  const limits: Partial<LibraryLimits> = {};
  for (const [key, variable] of Object.entries(VARIABLES) as [keyof LibraryLimits, string][]) {
    const text = env[variable];
    if (text === undefined || text.trim() === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
      throw new AppError('INVALID_INPUT', `${variable} must be a positive number of seconds (got "${text}")`);
    }
    limits[key] = value;
  }
  return limits;
}
