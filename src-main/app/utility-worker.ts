/**
 * The desktop app's training-worker launcher: Electron's utilityProcess (a Node child process
 * managed by Electron, recommended over child_process.fork inside an app). Same contract as
 * forkWorker in services/training/worker-process.ts.
 */
import { utilityProcess } from 'electron';
import { ExitReport, type WorkerLauncher } from '../services/training/worker-process.js';

export const utilityWorker: WorkerLauncher = (script) => {
  const child = utilityProcess.fork(script, [], { serviceName: 'Eureka training', stdio: ['ignore', 'ignore', 'pipe'] });
  const report = new ExitReport();
  report.follow(child.stderr);
  // utilityProcess reports a crash or kill as a non-zero code (no signal name).
  child.on('exit', (code) => report.settle(code, null));
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (!report.settled) child.postMessage(message);
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit: (listener) => report.onExit(listener),
    kill() {
      if (!report.settled) child.kill();
    },
  };
};
