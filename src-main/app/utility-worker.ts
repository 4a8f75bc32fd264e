/**
 * The desktop app's training-worker launcher: Electron's utilityProcess (a Node child process
 * managed by Electron, recommended over child_process.fork inside an app). Same contract as
 * forkWorker in services/training/worker-process.ts.
 */
import { utilityProcess } from 'electron';
import type { WorkerLauncher } from '../services/training/worker-process.js';
import { describeExit } from '../services/training/worker-process.js';

const STDERR_TAIL = 4096;

export const utilityWorker: WorkerLauncher = (script) => {
  const child = utilityProcess.fork(script, [], { serviceName: 'Eureka training', stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  let exitReason: string | null | undefined;
  const exitListeners: ((reason: string | null) => void)[] = [];
  child.on('exit', (code) => {
    // utilityProcess reports a crash or kill as a non-zero code (no signal name).
    exitReason = describeExit(code, null, stderr);
    for (const listener of exitListeners) listener(exitReason);
  });
  let alive = true;
  child.on('exit', () => {
    alive = false;
  });
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (alive) child.postMessage(message);
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit(listener) {
      if (exitReason !== undefined) listener(exitReason);
      else exitListeners.push(listener);
    },
    kill() {
      if (alive) child.kill();
    },
  };
};
