/**
 * The one way a media request reaches a file, for web mode's `/media` and the desktop app's
 * `eureka-media:` alike: the core names the file (from numeric ids or an opaque token), and it
 * is served only when it is a regular file inside the data folder reached without a single
 * symbolic link below the data folder (a store file or folder linked to /etc/passwd is refused,
 * as is a link to another file of the data folder such as the database). The data folder itself
 * may be a link: where it lives is the user's choice.
 */
import { constants } from 'node:fs';
import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * The real path of `file` when it is a regular file under `dataDir` with no symbolic link on
 * the way, else null.
 */
export async function mediaPathInside(dataDir: string, file: string): Promise<string | null> {
  const relative = path.relative(path.resolve(dataDir), path.resolve(file));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  try {
    let current = await realpath(dataDir);
    const parts = relative.split(path.sep);
    for (const [index, part] of parts.entries()) {
      current = path.join(current, part);
      const info = await lstat(current);
      const last = index === parts.length - 1;
      if (info.isSymbolicLink() || (last ? !info.isFile() : !info.isDirectory())) return null;
    }
    return current;
  } catch {
    return null;
  }
}

/**
 * Opens a media file as {@link mediaPathInside} allows, with O_NOFOLLOW where the platform has
 * it (a link swapped in after the check is refused too). The caller closes the handle (a read
 * stream made from it closes it at its end).
 */
export async function openMediaFile(dataDir: string, file: string): Promise<{ handle: FileHandle; size: number } | null> {
  const checked = await mediaPathInside(dataDir, file);
  if (checked === null) return null;
  let handle: FileHandle;
  try {
    handle = await open(checked, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return null;
  }
  try {
    const info = await handle.stat();
    if (info.isFile()) return { handle, size: info.size };
  } catch {
    // fall through: refused below
  }
  await handle.close();
  return null;
}
