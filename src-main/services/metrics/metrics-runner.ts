/**
 * Where measuring runs. Decoding a take, its features, copy detection and the pictures are
 * seconds of CPU per take, so the app, web mode and the CLI run them on worker threads
 * (workers/metrics-worker.ts) and the main thread only hands out jobs and records results;
 * `createInlineRunner` runs the same jobs on the caller's thread (unit tests of the pieces).
 *
 * The pool holds up to `threads` job threads (node/job-thread.ts; one per core by default, at
 * most 4: a take's job holds a few tens of MB), each started on its first job and unref'd while
 * idle so it never keeps the CLI's process alive. Jobs go to the least busy thread; a thread
 * that crashes fails its jobs with a one-line reason and is replaced by its next job.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createJobThread, type JobThread } from '../../node/job-thread.js';
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

export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function createWorkerRunner(script: string, threads = defaultThreads()): MetricsRunner {
  const pool = Array.from({ length: Math.max(1, threads) }, () => createJobThread(script, { name: 'metrics' }));
  // The first of the least busy: an idle thread that has run before keeps its cache warm.
  const leastBusy = (): JobThread => pool.reduce((best, thread) => (thread.waiting < best.waiting ? thread : best));
  return {
    run: <J extends MetricsJob>(job: J) => leastBusy().run<MetricsJobResult<J>>(job),
    async dispose() {
      await Promise.all(pool.map((thread) => thread.dispose('measuring was stopped: Eureka is shutting down')));
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
