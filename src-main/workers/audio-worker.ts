/**
 * Worker-thread entry for decoding and analysing audio off the event loop
 * (see services/audio/processor.ts). Bundled as its own entry next to the main bundle.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorPayload } from '../common/errors.js';
import { handleWorkerJob } from '../services/audio/processor.js';

if (!parentPort) throw new Error('audio-worker must run as a worker thread');
const port = parentPort;

port.on('message', (message: { id: number; job: Parameters<typeof handleWorkerJob>[0] }) => {
  handleWorkerJob(message.job).then(
    (value) => port.postMessage({ id: message.id, ok: true, value }),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, error: toErrorPayload(error) }),
  );
});
