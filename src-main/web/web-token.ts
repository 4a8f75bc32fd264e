/**
 * The owner's web token, kept in the data folder so that `eureka web` serves the same link
 * after a restart (a crashed server brought back, a reboot, a laptop's tunnel re-opened): the
 * URL's token, the session cookies and page keys derived from it (web-session.ts), and the port
 * the link names all stay the same, so an open page reconnects and a bookmark still opens.
 *
 * `web-token.json` holds `{ token, port }`. The token is made once from 32 random bytes; the
 * file is written with mode 0600 (only this user may read it: whoever has the token has the
 * library) under a temporary name and then linked into place, so two servers starting at once
 * agree on one token and nobody ever reads half a file; `eureka web --new-token` replaces it,
 * which retires every link and session of the old one. A token given on the command line
 * (`--token`) is used for that run and never written. Raters' links are not derived from this
 * token: each rater has a key of their own in the database (rater-access.ts), which neither
 * this file nor its rotation touches.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../common/errors.js';
import { describeFsError } from '../services/store/atomic-write.js';
import { tempNameFor } from '../services/store/leftovers.js';

export const WEB_TOKEN_FILE = 'web-token.json';

/** Unreserved URL characters only, so the token goes into the link as it is. */
const TOKEN = /^[A-Za-z0-9._~-]{32,256}$/;
const webTokenSchema = z.string().regex(TOKEN);
const webAccessSchema = z.object({
  token: webTokenSchema,
  /** The port last served on (null: none yet), which the next run tries first. */
  port: z.number().int().min(1).max(65_535).nullable(),
});
export type WebAccess = z.infer<typeof webAccessSchema>;

/** A token given on the command line, checked; a one-line INVALID_INPUT error otherwise. */
export function parseWebToken(text: string): string {
  const parsed = webTokenSchema.safeParse(text);
  if (!parsed.success) {
    throw new AppError('INVALID_INPUT', 'a web token is 32 to 256 characters: letters, digits and - _ . ~ (it goes into the link as it is)');
  }
  return parsed.data;
}

/** A new token: 32 random bytes, hex. */
export function newWebToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The data folder's token and last port, made on first use. `rotate`: a new token replaces the
 * old one (and the port is kept).
 */
export async function loadWebAccess(dataDir: string, options: { rotate?: boolean } = {}): Promise<WebAccess> {
  const file = path.join(dataDir, WEB_TOKEN_FILE);
  if (options.rotate) {
    const previous = await readAccessFile(file).catch(() => null);
    const access: WebAccess = { token: newWebToken(), port: previous?.port ?? null };
    await writeSecret(file, access, 'replace');
    return access;
  }
  const existing = await readAccessFile(file);
  if (existing) return existing;
  const made: WebAccess = { token: newWebToken(), port: null };
  // Another server may have made one meanwhile: then its token is the one.
  if (await writeSecret(file, made, 'create')) return made;
  const theirs = await readAccessFile(file);
  if (!theirs) throw new AppError('STORAGE', `cannot read ${file} right after another process made it`);
  return theirs;
}

/** Remembers the port a server listens on, for the next run's link (the token stays). */
export async function rememberWebPort(dataDir: string, token: string, port: number): Promise<void> {
  const file = path.join(dataDir, WEB_TOKEN_FILE);
  const stored = await readAccessFile(file);
  if (!stored || stored.token !== token || stored.port === port) return;
  await writeSecret(file, { token, port }, 'replace');
}

/** The data folder's token and last port without making them: null when there are none yet. */
export function readWebAccess(dataDir: string): Promise<WebAccess | null> {
  return readAccessFile(path.join(dataDir, WEB_TOKEN_FILE));
}

/** The file's contents, or null when there is none; a damaged file is a one-line error. */
async function readAccessFile(file: string): Promise<WebAccess | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('STORAGE', `cannot read ${file} (${describeFsError(error)})`);
  }
  let value: unknown = null;
  try {
    value = JSON.parse(text);
  } catch {
    // not JSON: refused below, like JSON of the wrong shape
  }
  const parsed = webAccessSchema.safeParse(value);
  if (!parsed.success) throw new AppError('INVALID_INPUT', `${file} is damaged: \`eureka web --new-token\` makes a new token`);
  await keepPrivate(file);
  return parsed.data;
}

/** A token file others may read (copied, restored from a backup) is made private again. */
async function keepPrivate(file: string): Promise<void> {
  if (process.platform === 'win32') return; // no POSIX modes: the user's profile folder guards it
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) await chmod(file, 0o600);
}

/**
 * Writes `access` readable by this user alone: into a temporary file made with mode 0600,
 * flushed, then linked into place when `create` (false: a file was there first, left as it is)
 * or renamed over the old one when `replace`.
 */
async function writeSecret(file: string, access: WebAccess, how: 'create' | 'replace'): Promise<boolean> {
  const temp = tempNameFor(file);
  try {
    const handle = await open(temp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o600);
    try {
      await handle.chmod(0o600); // whatever the umask left
      await handle.writeFile(`${JSON.stringify(access)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (how === 'replace') {
      await rename(temp, file);
      return true;
    }
    return await linkInto(temp, file);
  } catch (error) {
    throw new AppError('STORAGE', `cannot write ${file} (${describeFsError(error)})`);
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

/** Links `temp` to `file` unless `file` exists (false); where links are not supported, renames. */
async function linkInto(temp: string, file: string): Promise<boolean> {
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    await rename(temp, file);
    return true;
  }
}
