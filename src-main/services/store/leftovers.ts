/**
 * Temporary names that say which process made them, and the sweeps that remove what a killed
 * process left under them.
 *
 * Every temporary file or folder Eureka writes on the way to a finished one (an atomic write's
 * `.<name>.<tag>.tmp`, a rating session's staging folder, an export's temp folder) carries an
 * owner tag `<pid>-<12 hex>`, the pattern the persisted job queues use (owner_pid): while that
 * process lives the entry is its work in progress, and once it is gone nobody will finish or
 * remove it, so the next start (or the next export into that folder) does. A recycled pid only
 * keeps a leftover a little longer; a live process's work is never touched.
 *
 * Names from before the tag (`.<name>.<12 hex>.tmp`, `.building-<16 hex>`,
 * `.eureka-export-<12 hex>`) have no owner to ask: they are removed once a day old, far longer
 * than any write or export takes.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive } from '../../node/process-alive.js';

/** How old an untagged temporary entry must be before it counts as abandoned. */
const UNTAGGED_MAX_AGE_MS = 24 * 3600 * 1000;

const OWNER_TAG = /(?:^|[.-])(\d{1,10})-[0-9a-f]{12}(?:\.tmp)?$/;
const UNTAGGED = /(?:^|[.-])[0-9a-f]{12,16}(?:\.tmp)?$/;

/** A fresh owner tag for a temporary name of this process: `<pid>-<12 hex>`. */
export function ownerTag(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** The process that made a tagged temporary name, or null when the name carries no tag. */
export function ownerOf(name: string): number | null {
  const match = OWNER_TAG.exec(name);
  return match ? Number(match[1]) : null;
}

/** The temporary name an atomic write uses beside `target`: `.<name>.<tag>.tmp`. */
export function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${ownerTag()}.tmp`);
}

export interface SweepOptions {
  /** Whether a process lives [signal 0]. */
  isAlive?: (pid: number) => boolean;
  /** The time to age untagged entries against, ms since the epoch [now]. */
  now?: number;
}

/**
 * Removes the entries of `dir` that `isOurs` recognises as temporary and that are abandoned: a
 * tagged one whose process is gone, an untagged one over a day old. Never throws (a sweep must
 * not stop a start or an export); returns the names it removed.
 */
export async function sweepAbandoned(dir: string, isOurs: (name: string) => boolean, options: SweepOptions = {}): Promise<string[]> {
  const isAlive = options.isAlive ?? isProcessAlive;
  const now = options.now ?? Date.now();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith('.') || !isOurs(name)) continue;
    const entry = path.join(dir, name);
    const owner = ownerOf(name);
    let abandoned: boolean;
    if (owner !== null) abandoned = !isAlive(owner);
    else if (UNTAGGED.test(name)) abandoned = await stat(entry).then((facts) => now - facts.mtimeMs > UNTAGGED_MAX_AGE_MS, () => false);
    else abandoned = false;
    if (!abandoned) continue;
    try {
      await rm(entry, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another sweep got there first, or the disk refuses: either way nothing to do now.
    }
  }
  return removed;
}

/** Whether `name` is an atomic write's temporary file (writeFileAtomic, the store's staging). */
export function isTempFile(name: string): boolean {
  return name.endsWith('.tmp');
}

/**
 * The start-up sweep of a data folder: every folder in it (not following links) loses its
 * abandoned temporary files and the abandoned folders named with one of `folderPrefixes`
 * (a rating session's staging folder). Returns the paths removed, relative to `dataDir`.
 */
export async function sweepDataDir(dataDir: string, folderPrefixes: string[], options: SweepOptions = {}): Promise<string[]> {
  const removed: string[] = [];
  const isOurs = (name: string): boolean => isTempFile(name) || folderPrefixes.some((prefix) => name.startsWith(prefix));
  const visit = async (dir: string): Promise<void> => {
    for (const name of await sweepAbandoned(dir, isOurs, options)) removed.push(path.relative(dataDir, path.join(dir, name)));
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) await visit(path.join(dir, entry.name));
  };
  await visit(dataDir);
  return removed.sort();
}

/**
 * Removes the folders of `parent` named by a row's id (`models/<id>/`) whose row is gone: what a
 * process killed between deleting a row and removing its folder left. Rows are inserted before
 * their folder is made and deleted before it is removed, so a folder without a row is never
 * work in progress. Never throws; returns the names removed.
 */
export async function removeRowlessFolders(parent: string, rowExists: (id: number) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(parent, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !/^[1-9]\d{0,15}$/.test(entry.name)) continue;
    try {
      if (rowExists(Number(entry.name))) continue;
      await rm(path.join(parent, entry.name), { recursive: true, force: true });
      removed.push(entry.name);
    } catch {
      // A database busy past its timeout, or a disk that refuses: the next start tries again.
    }
  }
  return removed;
}
