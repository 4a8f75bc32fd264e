/** `eureka web`: serve the UI and the API to a browser on this machine. */
import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { AppError } from '../../common/errors.js';
import { createCore } from '../../core.js';
import { resolveDataDir } from '../../services/store/data-dir.js';
import { limitsFromEnv } from '../../node/limits-from-env.js';
import { packagePath } from '../../node/package-root.js';
import { startWebServer } from '../../web/server.js';
import { globalOptions } from '../context.js';
import { printJson, printLines, printNotes } from '../output.js';

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port 0-65535');
  return port;
}

export function registerWebCommand(program: Command): void {
  program
    .command('web')
    .description('serve the Eureka UI on 127.0.0.1 for a browser (token-protected)')
    .option('--port <port>', 'port (default: a free one)', parsePort, 0)
    .action(async (options: { port: number }, command: Command) => {
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
      const server = await startWebServer({
        core,
        staticDir,
        port: options.port,
        onConnections: (open) => printNotes(`eureka web: ${open} browser connection(s) open`),
      });
      if (global.json) printJson({ url: server.url, port: server.port });
      else printLines(`Eureka is serving ${core.dataDir}`, `open ${server.url}`, '(Ctrl-C to stop)');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await core.dispose();
    });
}
