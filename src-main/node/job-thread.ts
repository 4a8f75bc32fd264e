/**
 * The parent's side of a worker thread that answers numbered jobs (node/worker-port.ts's
 * `serveThreadJobs` is the thread's side), written once for the audio processor and the synth.
 *
 * One thread, started on first use; jobs queue on it in the order they were posted. A thread
 * that crashes fails every job still waiting with a one-line reason and is replaced by the next
 * job. While nothing is waiting the thread is unref'd, so an idle worker never keeps the CLI's
 * process alive.
 */
import { Worker, type Transferable } from 'node:worker_threads';
import { AppError, errorPayloadSchema, firstLine, toErrorPayload } from '../common/errors.js';

export interface JobThread {
  /** Posts `job` (moving `transfer` instead of copying it) and resolves with the thread's answer. */
  run<T>(job: unknown, transfer?: readonly Transferable[]): Promise<T>;
  /** How many posted jobs have not been answered yet. */
  readonly waiting: number;
  /** Fails the waiting jobs with `reason` and stops the thread; a later `run` starts a new one. */
  dispose(reason?: string): Promise<void>;
}

/** The error a thread sent back (a toErrorPayload), as the AppError it was on the other side. */
export function errorFromPayload(payload: unknown): AppError {
  const { code, message } = errorPayloadSchema.parse(payload);
  return new AppError(code, message);
}

/** Why jobs failed when the `name` worker threw outside any job (it could not load, say). */
export function workerFailed(name: string, error: unknown): AppError {
  return new AppError('INTERNAL', `the ${name} worker failed: ${messageOf(error)}`);
}

/** An error's first line; worker_threads' errors may come from another realm (jest's sandbox), where instanceof Error fails. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? firstLine(message) : toErrorPayload(error).message;
}

/** Why jobs failed when the `name` worker's thread ended under them. */
export function workerStopped(name: string, exitCode: number): AppError {
  return new AppError('INTERNAL', `the ${name} worker stopped unexpectedly (exit code ${exitCode})`);
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: AppError) => void;
}

/** `name` is how errors call the worker ("audio" → "the audio worker failed: …"). */
export function createJobThread(script: string | URL, options: { name: string }): JobThread {
  const { name } = options;
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  const failAll = (error: AppError): void => {
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  };

  const ensureWorker = (): Worker => {
    if (worker) return worker;
    const started = new Worker(script);
    started.on('message', (message: { id: number; ok: boolean; value?: unknown; error?: unknown }) => {
      const job = pending.get(message.id);
      if (!job) return;
      pending.delete(message.id);
      if (message.ok) job.resolve(message.value);
      else job.reject(errorFromPayload(message.error));
    });
    // A thread already replaced (or disposed) no longer owns the waiting jobs.
    started.on('error', (error) => {
      if (worker !== started) return;
      worker = null;
      failAll(workerFailed(name, error));
    });
    started.on('exit', (code) => {
      if (worker !== started) return;
      worker = null;
      if (pending.size > 0) failAll(workerStopped(name, code));
    });
    started.unref();
    worker = started;
    return started;
  };

  return {
    run<T>(job: unknown, transfer?: readonly Transferable[]): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        try {
          const active = ensureWorker();
          active.ref();
          active.postMessage({ id, job }, transfer);
        } catch (error) {
          // A job that cannot be sent (a value structured clone refuses) must not stay waiting:
          // it would hold the thread ref'd, and the process open, for good.
          pending.delete(id);
          reject(new AppError('INTERNAL', `the ${name} worker was not given the job: ${messageOf(error)}`));
        }
      }).finally(() => {
        if (pending.size === 0) worker?.unref();
      });
    },
    get waiting() {
      return pending.size;
    },
    async dispose(reason = `the ${name} worker was shut down`) {
      failAll(new AppError('INTERNAL', reason));
      const stopping = worker;
      worker = null;
      await stopping?.terminate();
    },
  };
}
