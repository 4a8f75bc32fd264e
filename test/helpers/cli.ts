/** Runs the compiled `eureka` CLI (bin/eureka.js; `npm test` builds it first) as a user would. */
import { execFile } from 'node:child_process';
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
