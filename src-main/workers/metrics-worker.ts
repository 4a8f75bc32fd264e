/**
 * Worker-thread entry for measuring takes off the main thread (see
 * services/metrics/metrics-runner.ts): answers each posted job — measure a take, or draw the
 * data of its pictures — with its result or a one-line error. Keeps a small cache of decoded
 * sources and held-out audio, so the takes of one model decode their references once.
 */
import { serveThreadJobs } from '../node/worker-port.js';
import { runMetricsJob, type JobCache, type MetricsJob } from '../services/metrics/metrics-jobs.js';

const cache: JobCache = new Map();

serveThreadJobs('metrics-worker', (job: MetricsJob) => runMetricsJob(job, cache));
