/**
 * Where measuring runs. Decoding a take, its features, copy detection and the pictures are
 * seconds of CPU per take, so the app, web mode and the CLI run them on worker threads
 * (workers/metrics-worker.ts) and the main thread only hands out jobs and records results;
 * `createInlineRunner` runs the same jobs on the caller's thread (unit tests of the pieces).
 *
 * The pool holds up to `threads` workers (one per core by default, at most 4: a take's job
 * holds a few tens of MB), started on first use and unref'd while idle so they never keep
 * the CLI's process alive. Jobs go to the least busy worker; a worker that crashes fails its
 * jobs with a one-line reason and is replaced by the next job.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, errorPayloadSchema, toErrorPayload } from '../../common/errors.js';
import { packagePath } from '../../node/package-root.js';
import { runMetricsJob, type MetricsJob, type MetricsJobResult, type JobCache } from './metrics-jobs.js';

export interface MetricsRunner {
  run<J extends MetricsJob>(job: J): Promise<MetricsJobResult<J>>;
  dispose(): Promise<void>;
}

/** The jobs on the caller's thread, one after another (a shared cache, like a worker's). */
export function createInlineRunner(): MetricsRunner {
  const cache: JobCache = new Map();
  return {
    run: (job) => runMetricsJob(job, cache),
    dispose: () => Promise.resolve(),
  };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: AppError) => void;
}

interface PooledWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function createWorkerRunner(script: string, threads = defaultThreads()): MetricsRunner {
  const pool: (PooledWorker | null)[] = Array.from({ length: Math.max(1, threads) }, () => null);
  let nextId = 0;

  const start = (slot: number): PooledWorker => {
    const worker = new Worker(script);
    const entry: PooledWorker = { worker, pending: new Map() };
    const failAll = (message: string) => {
      for (const job of entry.pending.values()) job.reject(new AppError('INTERNAL', message));
      entry.pending.clear();
      if (pool[slot] === entry) pool[slot] = null;
    };
    worker.on('message', (message: { id: number; ok: boolean; value?: unknown; error?: unknown }) => {
      const job = entry.pending.get(message.id);
      if (!job) return;
      entry.pending.delete(message.id);
      if (entry.pending.size === 0) worker.unref();
      if (message.ok) job.resolve(message.value);
      else {
        const payload = errorPayloadSchema.parse(message.error);
        job.reject(new AppError(payload.code, payload.message));
      }
    });
    worker.on('error', (error) => failAll(`the metrics worker failed: ${toErrorPayload(error).message}`));
    worker.on('exit', (code) => failAll(`the metrics worker stopped unexpectedly (exit code ${code})`));
    worker.unref();
    pool[slot] = entry;
    return entry;
  };

  const leastBusy = (): PooledWorker => {
    let best = -1;
    for (let slot = 0; slot < pool.length; slot++) {
      const entry = pool[slot];
      if (!entry) return start(slot); // an empty slot is the least busy of all
      if (best < 0 || entry.pending.size < pool[best]!.pending.size) best = slot;
    }
    return pool[best]!;
  };

  return {
    run<J extends MetricsJob>(job: J): Promise<MetricsJobResult<J>> {
      return new Promise((resolve, reject) => {
        const entry = leastBusy();
        const id = nextId++;
        entry.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        entry.worker.ref();
        entry.worker.postMessage({ id, job });
      });
    },
    async dispose() {
      const running = pool.filter((entry): entry is PooledWorker => entry !== null);
      pool.fill(null);
      for (const entry of running) {
        for (const job of entry.pending.values()) job.reject(new AppError('INTERNAL', 'measuring was stopped: Eureka is shutting down'));
        entry.pending.clear();
      }
      await Promise.all(running.map((entry) => entry.worker.terminate()));
    },
  };
}

/**
 * The worker script next to the running code (core.ts passes its sibling URL), or tsc's build
 * when the TypeScript sources run directly (jest): a worker thread cannot start from a .ts file.
 */
export function resolveMetricsWorkerScript(sibling: URL): string {
  const beside = fileURLToPath(sibling);
  if (existsSync(beside)) return beside;
  return packagePath('out', 'node', 'src-main', 'workers', 'metrics-worker.js');
}
