/**
 * The child's side of the workers' message channels, written once for every worker:
 * - a worker PROCESS (workers/training-worker.ts, generation-worker.ts) talks to its parent
 *   through `process.parentPort` under Electron's utilityProcess, or `process.send` under
 *   child_process.fork (node/worker-process.ts starts both kinds);
 * - a worker THREAD (workers/audio-worker.ts, metrics-worker.ts) answers numbered jobs on
 *   worker_threads' parentPort, each with its result or a one-line error.
 */
import { parentPort as threadPort } from 'node:worker_threads';
import { toErrorPayload } from '../common/errors.js';

/** A worker process's line to its parent; `Out` is the worker protocol's message type. */
export interface ParentChannel<Out> {
  post(message: Out): void;
  onMessage(listener: (message: unknown) => void): void;
  /**
   * Ends the process once its last message is out: under fork, closing the IPC channel lets the
   * process end once that message is flushed; a utilityProcess (which cannot disconnect) exits.
   */
  finish(): void;
}

/** Electron's utilityProcess gives the child `process.parentPort`; fork gives `process.send`. */
interface UtilityParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function parentChannel<Out>(): ParentChannel<Out> {
  const port = (process as NodeJS.Process & { parentPort?: UtilityParentPort }).parentPort;
  return {
    post(message) {
      if (port) port.postMessage(message);
      else process.send?.(message);
    },
    onMessage(listener) {
      if (port) port.on('message', (event) => listener(event.data));
      else process.on('message', listener);
    },
    finish() {
      if (!port && process.connected) process.disconnect();
      else if (port) process.exit(0);
    },
  };
}

/**
 * Runs a worker thread's job loop: each posted `{ id, job }` is answered with
 * `{ id, ok: true, value }` or `{ id, ok: false, error }` (toErrorPayload). `name` says which
 * worker refused to start outside a worker thread.
 */
export function serveThreadJobs<Job, Result>(name: string, run: (job: Job) => Promise<Result>): void {
  if (!threadPort) throw new Error(`${name} must run as a worker thread`);
  const port = threadPort;
  port.on('message', (message: { id: number; job: Job }) => {
    run(message.job).then(
      (value) => port.postMessage({ id: message.id, ok: true, value }),
      (error: unknown) => port.postMessage({ id: message.id, ok: false, error: toErrorPayload(error) }),
    );
  });
}
