/**
 * Starting a worker process (workers/training-worker.ts, workers/generation-worker.ts) and
 * finding a worker script. The services see a {@link WorkerProcess}; where it comes from is
 * injected: child_process.fork here (CLI, web mode, tests), Electron's utilityProcess in the
 * desktop app (app/utility-worker.ts), because Electron's docs steer Node child processes of the
 * app toward utilityProcess.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagePath } from './package-root.js';

export interface WorkerProcess {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Once, when the process has ended: null for a clean exit, else why it ended. */
  onExit(listener: (reason: string | null) => void): void;
  kill(): void;
}

export type WorkerLauncher = (script: string) => WorkerProcess;

/** How much of the worker's stderr is kept to explain a crash. */
const STDERR_TAIL = 4096;

/**
 * The bookkeeping both launchers share: the tail of the child's stderr (to explain a crash)
 * and the one exit report, delivered to listeners registered before or after it happened.
 */
export class ExitReport {
  #stderr = '';
  /** What the reasons call the process: "the training worker". */
  readonly #who: string;

  constructor(script: string) {
    this.#who = workerTitle(script);
  }

  #reason: string | null | undefined;
  readonly #listeners: ((reason: string | null) => void)[] = [];

  /** Keeps the last STDERR_TAIL characters of a text stream. */
  follow(stream: NodeJS.ReadableStream | null | undefined): void {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => this.note(chunk));
  }

  note(text: string): void {
    this.#stderr = (this.#stderr + text).slice(-STDERR_TAIL);
  }

  /** Records how the process ended (describeExit) and tells the listeners. */
  settle(code: number | null, signal: string | null): void {
    this.#reason = describeExit(code, signal, this.#stderr, this.#who);
    for (const listener of this.#listeners.splice(0)) listener(this.#reason);
  }

  get settled(): boolean {
    return this.#reason !== undefined;
  }

  onExit(listener: (reason: string | null) => void): void {
    if (this.#reason !== undefined) listener(this.#reason);
    else this.#listeners.push(listener);
  }
}

export const forkWorker: WorkerLauncher = (script) => {
  const child = fork(script, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
  const report = new ExitReport(script);
  report.follow(child.stderr);
  // 'close' (not 'exit') so stderr is complete when the reason is read.
  child.on('close', (code, signal) => report.settle(code, signal));
  child.on('error', (error) => report.note(`\n${error.message}`));
  return {
    pid: child.pid,
    send(message) {
      if (child.connected) child.send(message as never);
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit: (listener) => report.onExit(listener),
    kill() {
      child.kill('SIGKILL');
    },
  };
};

/** Why a worker ended, in a line ("the training worker was killed (SIGKILL): …"); null for a clean exit. */
export function describeExit(code: number | null, signal: string | null, stderr: string, who = 'the worker'): string | null {
  if (code === 0 && signal === null) return null;
  const last = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
  const how = signal !== null ? `was killed (${signal})` : `exited with code ${code ?? '?'}`;
  return `${who} ${how}${last ? `: ${last}` : ''}`;
}

/** "…/generation-worker.js" → "the generation worker": how a crash reason names the process. */
export function workerTitle(script: string): string {
  const kind = /([a-z]+)-worker\.[cm]?js$/.exec(script)?.[1];
  return kind ? `the ${kind} worker` : 'the worker';
}

/**
 * A worker script (process or thread) next to the running code (`core.ts` passes its sibling
 * URL, `./workers/<name>-worker.js`: tsc's out/node/src-main and electron-vite's out/main both
 * put workers/ there), or the same file in tsc's build when the TypeScript sources run directly
 * (jest), since neither a process nor a worker thread can start from a .ts file.
 */
export function resolveWorkerScript(sibling: URL): string {
  const beside = fileURLToPath(sibling);
  if (existsSync(beside)) return beside;
  return packagePath('out', 'node', 'src-main', 'workers', path.basename(beside));
}
