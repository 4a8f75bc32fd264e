/** Runs the compiled `eureka` CLI (bin/eureka.js; `npm test` builds it first) as a user would. */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = path.resolve('bin/eureka.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `eureka --data-dir <dataDir> …args` with EUREKA_DATA_DIR cleared (plus `env`); never throws for a non-zero exit. */
export async function runEureka(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, '--data-dir', dataDir, ...args], {
      env: { ...process.env, EUREKA_DATA_DIR: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A running `eureka` stopped at a pause point (src-main/node/pause-point.ts), alive until killed. */
export interface PausedEureka {
  pid: number;
  /** SIGKILL, as a crash or a force-quit would; resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts `eureka --data-dir <dataDir> …args` with EUREKA_PAUSE_AT=`point` and resolves once it
 * says it paused there (no sleeps: the process writes the line, then blocks). Rejects with its
 * stderr if it exits without reaching the point.
 */
export function runEurekaUntilPaused(dataDir: string, args: string[], point: string, env: Record<string, string> = {}): Promise<PausedEureka> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, ...args], {
      env: { ...process.env, EUREKA_DATA_DIR: '', EUREKA_PAUSE_AT: point, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(`eureka: paused at ${point}\n`)) {
        resolve({
          pid: child.pid!,
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`eureka ${args.join(' ')} ended (${signal ?? code}) before pausing at ${point}: ${stderr.trim()}`)));
  });
}
