/**
 * Worker-thread entry for measuring takes off the main thread (see
 * services/metrics/metrics-runner.ts): answers each posted job — measure a take, or draw the
 * data of its pictures — with its result or a one-line error. Keeps a small cache of decoded
 * sources and held-out audio, so the takes of one model decode their references once.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorPayload } from '../common/errors.js';
import { runMetricsJob, type JobCache, type MetricsJob } from '../services/metrics/metrics-jobs.js';

if (!parentPort) throw new Error('metrics-worker must run as a worker thread');
const port = parentPort;
const cache: JobCache = new Map();

port.on('message', (message: { id: number; job: MetricsJob }) => {
  runMetricsJob(message.job, cache).then(
    (value) => port.postMessage({ id: message.id, ok: true, value }),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, error: toErrorPayload(error) }),
  );
});
