/**
 * The owner's web token kept in the data folder, on real files: made once from random bytes,
 * readable by this user alone (whatever the umask), written atomically (no temporary file stays,
 * two servers starting at once agree on one token), the same on every later run until
 * `--new-token` replaces it; the port the link names remembered beside it; a damaged file a
 * one-line error; a token given on the command line checked.
 */
import { readdir, readFile, stat, chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../src-main/common/errors.js';
import { equalSecrets } from '../../../src-main/web/web-session.js';
import { loadWebAccess, parseWebToken, readWebAccess, rememberWebPort, WEB_TOKEN_FILE } from '../../../src-main/web/web-token.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

const POSIX = process.platform !== 'win32';

describe('the web token file', () => {
  let dir: string;
  const file = (): string => path.join(dir, WEB_TOKEN_FILE);
  const mode = async (): Promise<number> => (await stat(file())).mode & 0o777;

  beforeEach(async () => {
    dir = await makeTempDir('eureka-web-token-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('is made once, private, atomically, and gives the same token on every later run', async () => {
    expect(await readWebAccess(dir)).toBeNull();
    expect(await readdir(dir)).toEqual([]); // reading makes nothing

    const previousUmask = POSIX ? process.umask(0) : 0; // a umask that would leave it world-readable
    let first;
    try {
      first = await loadWebAccess(dir);
    } finally {
      if (POSIX) process.umask(previousUmask);
    }
    expect(first.token).toMatch(/^[0-9a-f]{64}$/);
    expect(first.port).toBeNull();
    if (POSIX) expect(await mode()).toBe(0o600);
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({ token: first.token, port: null });
    expect(await readdir(dir)).toEqual([WEB_TOKEN_FILE]);

    expect(await loadWebAccess(dir)).toEqual(first);
    expect(await readWebAccess(dir)).toEqual(first);
    // Another data folder gets a token of its own.
    const other = await makeTempDir('eureka-web-token-');
    try {
      expect((await loadWebAccess(other)).token).not.toBe(first.token);
    } finally {
      await removeDir(other);
    }
  });

  it('gives servers that start at the same moment one token', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => loadWebAccess(dir)));
    expect(new Set(all.map((access) => access.token)).size).toBe(1);
    expect((await readWebAccess(dir))?.token).toBe(all[0]?.token);
    expect(await readdir(dir)).toEqual([WEB_TOKEN_FILE]);
  });

  it('remembers the port of the link, for the token it belongs to only', async () => {
    const { token } = await loadWebAccess(dir);
    await rememberWebPort(dir, token, 41_234);
    expect(await loadWebAccess(dir)).toEqual({ token, port: 41_234 });
    await rememberWebPort(dir, 'a-token-given-with-the-token-option', 5_000);
    expect(await readWebAccess(dir)).toEqual({ token, port: 41_234 });
    if (POSIX) expect(await mode()).toBe(0o600);
    expect(await readdir(dir)).toEqual([WEB_TOKEN_FILE]);
  });

  it('is replaced by a new token on rotation, keeping the port', async () => {
    const old = await loadWebAccess(dir);
    await rememberWebPort(dir, old.token, 41_234);
    const rotated = await loadWebAccess(dir, { rotate: true });
    expect(rotated.token).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.token).not.toBe(old.token);
    expect(rotated.port).toBe(41_234);
    expect(await loadWebAccess(dir)).toEqual(rotated);
    if (POSIX) expect(await mode()).toBe(0o600);
    expect(await readdir(dir)).toEqual([WEB_TOKEN_FILE]);
  });

  (POSIX ? it : it.skip)('makes a copy that others may read private again', async () => {
    const made = await loadWebAccess(dir);
    await chmod(file(), 0o644);
    expect(await loadWebAccess(dir)).toEqual(made);
    expect(await mode()).toBe(0o600);
  });

  it('refuses a damaged file in one line that says how to repair it, and rotation repairs it', async () => {
    for (const text of ['', 'not json', '{"token":"short","port":null}', '{"token":"' + 'a'.repeat(64) + '","port":70000}', '[]']) {
      await writeFile(file(), text);
      const error = await loadWebAccess(dir).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toBe(`${file()} is damaged: \`eureka web --new-token\` makes a new token`);
    }
    const repaired = await loadWebAccess(dir, { rotate: true });
    expect(await loadWebAccess(dir)).toEqual(repaired);
  });

  it('checks a token given on the command line: 32 to 256 characters that go into a link as they are', () => {
    const ok = ['a'.repeat(32), 'Z9._~-'.repeat(6), 'x'.repeat(256)];
    for (const token of ok) expect(parseWebToken(token)).toBe(token);
    const refused = ['a'.repeat(31), 'x'.repeat(257), `${'a'.repeat(32)} `, `${'a'.repeat(32)}/`, `${'a'.repeat(32)}&x=1`, `${'a'.repeat(32)}é`, `${'a'.repeat(32)}%20`];
    for (const token of refused) {
      expect(() => parseWebToken(token)).toThrow('a web token is 32 to 256 characters: letters, digits and - _ . ~ (it goes into the link as it is)');
    }
  });

  it('compares secrets by their digests, so neither a difference nor a length shows', () => {
    const token = 'f'.repeat(64);
    expect(equalSecrets(token, token)).toBe(true);
    for (const given of ['', 'f', 'f'.repeat(63), 'f'.repeat(65), `${'f'.repeat(63)}e`, 'F'.repeat(64)]) expect(equalSecrets(given, token)).toBe(false);
  });
});
