/**
 * Worker-thread entry for decoding and analysing audio off the event loop
 * (see services/audio/processor.ts). Bundled as its own entry next to the main bundle.
 */
import { serveThreadJobs } from '../node/worker-port.js';
import { handleWorkerJob } from '../services/audio/processor.js';

serveThreadJobs('audio-worker', handleWorkerJob);
