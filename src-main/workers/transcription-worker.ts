/**
 * Worker-thread entry for one transcription (services/transcription/transcription-runner.ts):
 * takes the job, posts progress while basic-pitch listens, then the heard notes or a one-line
 * error. The runner terminates the thread when the job ends or is cancelled.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorPayload } from '../common/errors.js';
import { runTranscription, type TranscriptionJob } from '../services/transcription/run-transcription.js';

const port = parentPort;
if (!port) throw new Error('transcription-worker must run as a worker thread');
port.once('message', (job: TranscriptionJob) => {
  runTranscription(job, (fraction) => port.postMessage({ type: 'progress', fraction })).then(
    (notes) => port.postMessage({ type: 'done', notes }),
    (error: unknown) => port.postMessage({ type: 'error', error: toErrorPayload(error) }),
  );
});
