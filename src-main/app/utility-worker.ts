/**
 * The desktop app's worker launcher (training and generation workers): Electron's
 * utilityProcess (a Node child process managed by Electron, recommended over
 * child_process.fork inside an app). Same contract as forkWorker in
 * node/worker-process.ts.
 */
import path from 'node:path';
import { utilityProcess } from 'electron';
import { ExitReport, type WorkerLauncher } from '../node/worker-process.js';

export const utilityWorker: WorkerLauncher = (script) => {
  // "Eureka training" / "Eureka generation" in the OS's task list, from the script's name.
  const serviceName = `Eureka ${path.basename(script).replace(/-worker\.[cm]?js$/, '')}`;
  const child = utilityProcess.fork(script, [], { serviceName, stdio: ['ignore', 'ignore', 'pipe'] });
  const report = new ExitReport(script);
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
