/**
 * `eureka web`: serve the UI and the API to a browser on this machine. The link is the same
 * from one run to the next (web/web-token.ts: the token kept in the data folder, and the port
 * the last run used when it is free), so a restarted server keeps open pages and bookmarks
 * working; `--token` serves one run under a token of the caller's, `--new-token` retires the
 * kept one. `--share` adds a raters-only server on the local network (web/server.ts, audience
 * 'raters') and tells the owner's UI its address, so the rater links it shows open on a band
 * mate's phone or laptop.
 */
import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { AppError } from '../../common/errors.js';
import { createCore, type Core } from '../../core.js';
import { resolveDataDir } from '../../services/store/data-dir.js';
import { limitsFromEnv } from '../../node/limits-from-env.js';
import { packagePath } from '../../node/package-root.js';
import { startWebServer, type WebServer, type WebServerOptions } from '../../web/server.js';
import { loadWebAccess, parseWebToken, readWebAccess, rememberWebPort } from '../../web/web-token.js';
import { globalOptions } from '../context.js';
import { printJson, printLines, printNotes } from '../output.js';

interface WebOptions {
  port?: number;
  token?: string;
  newToken?: boolean;
  share?: boolean;
  sharePort?: number;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port 0-65535');
  return port;
}

function parseToken(text: string): string {
  try {
    return parseWebToken(text);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

export function registerWebCommand(program: Command): void {
  program
    .command('web')
    .description('serve the Eureka UI on 127.0.0.1 for a browser (token-protected; the link survives a restart)')
    .option('--port <port>', 'port (default: the one the last run used if it is free, else any free one; 0: any)', parsePort)
    .option('--token <token>', "this run's token instead of the one kept in the data folder (32-256 letters, digits, - _ . ~)", parseToken)
    .option('--new-token', 'replace the kept token: links and open pages of the old one stop working')
    .option('--share', "also serve band mates' rater links on the local network (rater pages only; your UI stays on this computer)")
    .option('--share-port <port>', 'with --share: its port (default: any free one)', parsePort)
    .action(async (options: WebOptions, command: Command) => {
      if (options.token !== undefined && options.newToken) {
        throw new AppError('INVALID_INPUT', '--token and --new-token do not go together: one gives the token, the other makes a new kept one');
      }
      const global = globalOptions(command);
      const staticDir = packagePath('out', 'web');
      if (!existsSync(packagePath('out', 'web', 'index.html'))) {
        throw new AppError('INTERNAL', 'the web UI is not built: run npm run build:web');
      }
      const core = await createCore({
        dataDir: resolveDataDir(global.dataDir),
        limits: limitsFromEnv(),
        audio: 'worker',
        host: 'web',
        runQueue: 'all',
      });
      if (options.sharePort !== undefined && !options.share) {
        await core.dispose();
        throw new AppError('INVALID_INPUT', '--share-port goes with --share');
      }
      let server: WebServer;
      let shared: WebServer | null = null;
      try {
        server = await serve(core, staticDir, options);
        if (options.share) {
          shared = await startWebServer({ core, staticDir, host: '0.0.0.0', audience: 'raters', port: options.sharePort ?? 0 }).catch(async (error: unknown) => {
            await server.close();
            throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
              ? new AppError('INVALID_INPUT', `port ${options.sharePort} is in use: choose another with --share-port`)
              : error;
          });
          core.setShareOrigin(new URL(shared.url).origin);
        }
      } catch (error) {
        await core.dispose();
        throw error;
      }
      // Listening for Ctrl-C before the link is printed: whoever reads the link may stop us at once.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      if (global.json) printJson({ url: server.url, port: server.port, shareOrigin: shared ? new URL(shared.url).origin : null });
      else {
        printLines(
          `Eureka is serving ${core.dataDir}`,
          `open ${server.url}`,
          options.token === undefined
            ? '(the same link works after a restart; eureka web --new-token retires it)'
            : '(a token given with --token lasts for this run)',
          ...(shared
            ? [
                `band mates on your network: their rater links now start with ${new URL(shared.url).origin} (copy them from the session's page)`,
                '(that address serves rater pages only; anyone on this network can reach it, so share links only with your raters)',
              ]
            : []),
          '(Ctrl-C to stop)',
        );
      }
      await stopped;
      await shared?.close();
      await server.close();
      await core.dispose();
    });
}

/** Starts the server on the asked port, else the remembered one (or any, when that is taken). */
async function serve(core: Core, staticDir: string, options: WebOptions): Promise<WebServer> {
  const kept = options.token === undefined ? await loadWebAccess(core.dataDir, { rotate: options.newToken === true }) : null;
  const token = options.token ?? kept?.token;
  const remembered = (kept ?? (await readWebAccess(core.dataDir).catch(() => null)))?.port ?? null;
  const start = (port: number): Promise<WebServer> =>
    startWebServer({
      core,
      staticDir,
      port,
      ...(token === undefined ? {} : { token }),
      onConnections: (open) => printNotes(`eureka web: ${open} browser connection(s) open`),
    } satisfies WebServerOptions);
  const port = options.port ?? remembered ?? 0;
  let server: WebServer;
  try {
    server = await start(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (options.port !== undefined) {
      throw new AppError('INVALID_INPUT', `port ${port} is in use: choose another with --port, or leave it out for a free one`);
    }
    printNotes(`eureka web: port ${port} is in use, so this run serves on another one (links to port ${port} will not open)`);
    server = await start(0);
  }
  if (kept) await rememberWebPort(core.dataDir, kept.token, server.port);
  return server;
}
