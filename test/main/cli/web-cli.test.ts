/**
 * `eureka web` as a user runs it (the compiled CLI, a real data folder, real sockets): the link
 * it prints is the same after a restart (the token kept private in the data folder, the port
 * remembered), `--new-token` retires it, `--token` serves one run under a token of the user's,
 * a remembered port that is taken gives way to a free one, and bad options are one-line errors.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { runEureka } from '../../helpers/cli.js';
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js';

const CLI = path.resolve('bin/eureka.js');
const TOKEN_FILE = 'web-token.json';

interface Serving {
  url: string;
  port: number;
  /** With --share: where band mates open rater links. */
  shareOrigin: string | null;
  token: string;
  stderr: () => string;
  /** SIGTERM, as Ctrl-C would; resolves with the exit code (or the signal that ended it). */
  stop(): Promise<number | string | null>;
}

/** Servers still running when a test ends (a failed one): stopped after it. */
const running = new Set<() => Promise<number | string | null>>();

/** Starts `eureka --data-dir <dataDir> --json web …args` and resolves once it printed its link. */
function serve(dataDir: string, ...args: string[]): Promise<Serving> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, '--json', 'web', ...args], {
      env: { ...process.env, EUREKA_DATA_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | string | null>((done) => child.once('exit', (code, signal) => done(code ?? signal)));
    const stop = async (): Promise<number | string | null> => {
      running.delete(stop);
      child.kill('SIGTERM');
      return exited;
    };
    running.add(stop);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      let printed: { url: string; port: number; shareOrigin: string | null };
      try {
        printed = JSON.parse(stdout) as typeof printed; // --json prints one object
      } catch {
        return; // not all of it yet
      }
      const { url, port, shareOrigin } = printed;
      resolve({
        url,
        port,
        shareOrigin,
        token: new URL(url).searchParams.get('token') ?? '',
        stderr: () => stderr,
        stop,
      });
    });
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`eureka web ended (${code}) before printing its link: ${stderr.trim()}`)));
  });
}

/** Holds a port the way another program would. */
function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('eureka web', () => {
  let work: string;
  let dataDir: string;
  const kept = async (): Promise<{ token: string; port: number | null }> => JSON.parse(await readFile(path.join(dataDir, TOKEN_FILE), 'utf8'));

  beforeAll(() => {
    if (!existsSync('out/node/src-main/cli/main.js')) throw new Error('the CLI is not built: run npm run build:node');
    if (!existsSync('out/web/index.html')) throw new Error('the web UI is not built: run npm run build:web');
  });
  beforeEach(async () => {
    work = await makeTempDir();
    dataDir = path.join(work, 'data');
  });
  afterEach(async () => {
    for (const stop of [...running]) await stop();
    await removeDir(work);
  }, 60_000);

  it('prints the same link after a restart, its token kept private in the data folder', async () => {
    const first = await serve(dataDir);
    expect(first.url).toBe(`http://127.0.0.1:${first.port}/?token=${first.token}`);
    expect(first.token).toMatch(/^[0-9a-f]{64}$/);
    expect([await first.stop(), first.stderr()]).toEqual([0, '']);
    expect(await kept()).toEqual({ token: first.token, port: first.port });
    if (process.platform !== 'win32') expect((await stat(path.join(dataDir, TOKEN_FILE))).mode & 0o777).toBe(0o600);

    const second = await serve(dataDir);
    try {
      expect(second.url).toBe(first.url);
      expect((await fetch(second.url, { redirect: 'manual' })).status).toBe(303);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('retires the old link with --new-token, and keeps the port', async () => {
    const first = await serve(dataDir);
    await first.stop();
    const rotated = await serve(dataDir, '--new-token');
    try {
      expect(rotated.token).toMatch(/^[0-9a-f]{64}$/);
      expect(rotated.token).not.toBe(first.token);
      expect(rotated.port).toBe(first.port);
      expect((await fetch(first.url, { redirect: 'manual' })).status).toBe(401);
      expect((await fetch(rotated.url, { redirect: 'manual' })).status).toBe(303);
    } finally {
      await rotated.stop();
    }
    expect(await kept()).toEqual({ token: rotated.token, port: rotated.port });
  }, 60_000);

  it('serves one run under a token given with --token, leaving the kept one alone', async () => {
    const first = await serve(dataDir);
    await first.stop();
    const given = 'band-practice-room_token.0123456789~';
    const run = await serve(dataDir, '--token', given);
    try {
      expect(run.url).toBe(`http://127.0.0.1:${first.port}/?token=${given}`);
      expect((await fetch(run.url, { redirect: 'manual' })).status).toBe(303);
      expect((await fetch(first.url, { redirect: 'manual' })).status).toBe(401);
    } finally {
      await run.stop();
    }
    expect(await kept()).toEqual({ token: first.token, port: first.port });
  }, 60_000);

  it('serves on a free port when the remembered one is taken, and says so', async () => {
    const first = await serve(dataDir);
    await first.stop();
    const other = await occupy(first.port);
    try {
      const moved = await serve(dataDir);
      try {
        expect(moved.port).not.toBe(first.port);
        expect(moved.token).toBe(first.token);
        expect(moved.stderr()).toContain(`eureka web: port ${first.port} is in use, so this run serves on another one (links to port ${first.port} will not open)`);
      } finally {
        await moved.stop();
      }
      expect(await kept()).toEqual({ token: first.token, port: moved.port });
      // A port asked for by name is not swapped for another.
      const refused = await runEureka(dataDir, ['web', '--port', String(first.port)]);
      expect([refused.code, refused.stderr.trim()]).toEqual([1, `eureka: port ${first.port} is in use: choose another with --port, or leave it out for a free one`]);
    } finally {
      await new Promise<void>((done) => other.close(() => done()));
    }
  }, 60_000);

  it('refuses a weak or malformed --token, and --token with --new-token, in one line', async () => {
    const short = await runEureka(dataDir, ['web', '--token', 'letmein']);
    expect(short.code).toBe(2); // a usage error, as commander reports them, with its hint below
    expect(short.stderr.split('\n')[0]).toBe(
      "error: option '--token <token>' argument 'letmein' is invalid. a web token is 32 to 256 characters: letters, digits and - _ . ~ (it goes into the link as it is)",
    );
    const both = await runEureka(dataDir, ['web', '--token', 'x'.repeat(40), '--new-token']);
    expect([both.code, both.stderr.trim()]).toEqual([
      1,
      'eureka: --token and --new-token do not go together: one gives the token, the other makes a new kept one',
    ]);
    expect(existsSync(path.join(dataDir, TOKEN_FILE))).toBe(false);
  }, 60_000);

  it('--share serves rater links on the local network and nothing of the owner’s', async () => {
    const serving = await serve(dataDir, '--share');
    try {
      expect(serving.shareOrigin).toMatch(/^http:\/\/[0-9.]+:\d+$/);
      const sharePort = new URL(serving.shareOrigin!).port;
      expect(sharePort).not.toBe(String(serving.port));
      // The owner's token opens the owner's UI on loopback, and nothing on the shared address.
      expect((await fetch(`http://127.0.0.1:${sharePort}/?token=${serving.token}`, { redirect: 'manual' })).status).toBe(403);
      expect((await fetch(serving.url, { redirect: 'manual' })).status).toBe(303);
    } finally {
      expect(await serving.stop()).toBe(0);
    }
    const misuse = await runEureka(dataDir, ['web', '--share-port', '4567']);
    expect([misuse.code, misuse.stderr.trim()]).toEqual([1, 'eureka: --share-port goes with --share']);
  }, 60_000);
});
