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
 * to the next number. The folders of one export share their number: "Verse Project 2" goes
 * with "Verse Logic 2", even when only "Verse Project" was taken.
 *
 * A missing destination is created one folder at a time, not with mkdir's recursive option:
 * Node reports a read-only disk under it as ENOENT ("no such file or directory, mkdir"), while
 * a plain mkdir reports the true reason, which is then said in words.
 */
import { lstat, mkdir, readlink, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../common/errors.js';
import { describeFsError } from '../store/atomic-write.js';
import { ownerTag, sweepAbandoned } from '../store/leftovers.js';
import { pausePoint } from '../../node/pause-point.js';
import { firstFreeName } from './export-names.js';

/**
 * Temp folders are `<prefix><owner tag>` (hidden on macOS and Linux; the tag names the process,
 * see store/leftovers.ts): the next export into the same folder removes those of a process
 * that was killed mid-export.
 */
export const TEMP_PREFIX = '.eureka-export-';

/**
 * Creates `destination` when missing and an empty temp folder inside it, after removing the
 * temp folders killed exports left there. `created` is the outermost folder this made
 * (undefined when the destination existed), for removeCreated.
 */
export async function makeTempFolder(destination: string): Promise<{ temp: string; created: string | undefined }> {
  let created: string | undefined;
  try {
    created = await createFolders(destination);
    await sweepAbandoned(destination, (name) => name.startsWith(TEMP_PREFIX));
    const temp = path.join(destination, `${TEMP_PREFIX}${ownerTag()}`);
    await mkdir(temp);
    return { temp, created };
  } catch (error) {
    await removeCreated(destination, created);
    if (error instanceof AppError) throw error;
    throw new AppError('STORAGE', `cannot write into ${destination}: ${await plainReason(error)}`);
  }
}

/** A folder on the way to the destination that is not one. */
class NotAFolder extends Error {}

/**
 * Creates `target` and the folders above it that are missing, one mkdir each (see the module
 * comment); returns the outermost one it created (undefined when `target` existed).
 */
async function createFolders(target: string): Promise<string | undefined> {
  const missing: string[] = [];
  for (let current = path.resolve(target); ; current = path.dirname(current)) {
    const facts = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    if (facts?.isDirectory()) break;
    if (facts) throw new NotAFolder(`${current} is a file, not a folder`);
    if (path.dirname(current) === current) throw new NotAFolder(`${current} does not exist`);
    missing.push(current);
  }
  const outermostFirst = missing.reverse();
  for (const [i, folder] of outermostFirst.entries()) {
    try {
      await mkdir(folder);
    } catch (error) {
      // Made by someone else meanwhile: as good as ours, but not ours to remove.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(folder).catch(() => null))?.isDirectory()) continue;
      await removeCreated(outermostFirst[i - 1] ?? folder, i > 0 ? outermostFirst[0] : undefined);
      throw Object.assign(error as Error, { folder });
    }
  }
  return outermostFirst[0];
}

/** Why a folder could not be made, in words ("the disk is read-only", "… is a file, not a folder"). */
async function plainReason(error: unknown): Promise<string> {
  if (error instanceof NotAFolder) return error.message;
  const failure = error as NodeJS.ErrnoException & { folder?: string };
  const folder = failure.folder ?? failure.path;
  if (failure.code === 'EEXIST' && folder) {
    // stat said nothing is there, mkdir says something is: a link whose target is gone.
    const target = await readlink(folder).catch(() => null);
    return target === null ? `${folder} is in the way (not a folder)` : `${folder} is a link to ${path.resolve(path.dirname(folder), target)}, which is not there`;
  }
  if (failure.code === 'ENAMETOOLONG') return 'a folder name is too long';
  if (failure.code === 'ELOOP') return 'too many links on the way';
  return describeFsError(error);
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
 * Names for folders that belong together ("Verse Project", "Verse Logic"): the first number n
 * for which every "<base> n" is free in `parent` (no number for n = 1), in the order of `bases`.
 */
export async function freeFolderNames(parent: string, bases: string[]): Promise<string[]> {
  const numbered = (base: string, name: string): string => `${base}${name.slice(bases[0]!.length)}`;
  const first = await firstFreeName(bases[0]!, async (name) => {
    for (const base of bases) if (await exists(path.join(parent, numbered(base, name)))) return false;
    return true;
  });
  return bases.map((base) => numbered(base, first));
}

/**
 * Moves the finished folder `from` into `parent` under the first free name from `preferred`
 * on (see the module comment); returns the folder's new path.
 */
export async function placeFolder(from: string, parent: string, base: string, preferred: string): Promise<string> {
  pausePoint('export:placing');
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
