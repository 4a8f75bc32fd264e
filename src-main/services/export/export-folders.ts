/**
 * The filesystem side of "an export never overwrites and a failed one leaves nothing": a temp
 * folder inside the destination (same filesystem, so moving a finished folder into place is one
 * rename), the first free "<Song> Project", "<Song> Project 2", … name, and that move.
 *
 * The move must never replace anything, even when another export (or the user) creates the
 * same name meanwhile. rename() gives no such promise for folders (POSIX replaces an empty
 * target folder; Windows refuses any existing target), so the name is reserved first with
 * mkdir, which fails when the name exists: a reserved empty folder is ours, and renaming over
 * it replaces only it (on Windows it is removed just before the rename). Taken names move on
 * to the next number.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import { describeFsError } from '../store/atomic-write.js';
import { firstFreeName } from './export-names.js';

/** Temp folders start with this (hidden on macOS and Linux); a crashed export's one can be deleted. */
export const TEMP_PREFIX = '.eureka-export-';

/**
 * Creates `destination` when missing and an empty temp folder inside it. `created` is the
 * outermost folder this made (undefined when the destination existed), for removeCreated.
 */
export async function makeTempFolder(destination: string): Promise<{ temp: string; created: string | undefined }> {
  try {
    const created = await mkdir(destination, { recursive: true });
    const temp = path.join(destination, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
    await mkdir(temp);
    return { temp, created };
  } catch (error) {
    throw new AppError('STORAGE', `cannot write into ${destination} (${describeFsError(error)})`);
  }
}

/**
 * After a failed export: removes the folders makeTempFolder created for `destination`, deepest
 * first, each only while it is empty (another export may have written there meanwhile).
 */
export async function removeCreated(destination: string, created: string | undefined): Promise<void> {
  if (created === undefined) return;
  for (let folder = destination; ; folder = path.dirname(folder)) {
    try {
      await rmdir(folder);
    } catch {
      return;
    }
    if (folder === created || path.dirname(folder) === folder) return;
  }
}

async function exists(target: string): Promise<boolean> {
  try {
    await lstat(target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The first of "<base>", "<base> 2", … that does not exist in `parent` now. */
export function freeFolderName(parent: string, base: string): Promise<string> {
  return firstFreeName(base, async (name) => !(await exists(path.join(parent, name))));
}

/**
 * Moves the finished folder `from` into `parent` under the first free name from `preferred`
 * on (see the module comment); returns the folder's new path.
 */
export async function placeFolder(from: string, parent: string, base: string, preferred: string): Promise<string> {
  let name = preferred;
  for (let attempt = 0; ; attempt++) {
    const target = path.join(parent, name);
    try {
      await mkdir(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) {
        throw new AppError('STORAGE', `cannot create ${target} (${describeFsError(error)})`);
      }
      name = await freeFolderName(parent, base);
      continue;
    }
    try {
      if (process.platform === 'win32') await rmdir(target);
      await rename(from, target);
      return target;
    } catch (error) {
      await rmdir(target).catch(() => undefined);
      throw new AppError('STORAGE', `cannot move the export into ${target} (${describeFsError(error)})`);
    }
  }
}

/** Removes what a failed export made; never throws (the original error is what matters). */
export async function removeQuietly(targets: string[]): Promise<void> {
  await Promise.all(targets.map((target) => rm(target, { recursive: true, force: true }).catch(() => undefined)));
}
