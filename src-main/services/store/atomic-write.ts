/**
 * Writes a whole file atomically: a temporary sibling, fsync, then rename over the target, so a
 * reader (or a crash) sees the old file or the new one, never half of one. Failures become
 * AppError('STORAGE') in words a person understands ("the disk is full"). The temporary name
 * carries this process's owner tag (leftovers.ts), so what a killed process left is swept.
 */
import { constants as fsConstants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import { tempNameFor } from './leftovers.js';

/** `what` names the target in the error ("cannot write <what> (the disk is full)"); default its file name. */
export async function writeFileAtomic(target: string, data: Uint8Array | string, what = path.basename(target)): Promise<void> {
  const temp = await writeTempFile(target, data, what);
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new AppError('STORAGE', `cannot write ${what} (${describeFsError(error)})`);
  }
}

/**
 * Writes `data`, flushed to disk, under a fresh temporary name beside `target` and returns that
 * name: the first half of an atomic write, for a caller that renames it into place later (the
 * audio store, inside the library's transaction). On failure nothing is left.
 */
export async function writeTempFile(target: string, data: Uint8Array | string, what = path.basename(target)): Promise<string> {
  const temp = tempNameFor(target);
  try {
    const handle = await open(temp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new AppError('STORAGE', `cannot write ${what} (${describeFsError(error)})`);
  }
}

/** "disk full" rather than "ENOSPC: no space left on device, write". */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is exceeded';
    case 'EROFS':
      return 'the disk is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message.split('\n')[0] ?? String(error) : String(error);
  }
}
