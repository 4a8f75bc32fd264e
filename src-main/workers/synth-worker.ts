/**
 * Worker-thread entry for rendering MIDI parts with the General MIDI synth off the event loop
 * (see services/synth/synth-runner.ts). Bundled as its own entry next to the main bundle.
 */
import { serveThreadJobs } from '../node/worker-port.js';
import { handleSynthJob } from '../services/synth/synth-runner.js';

serveThreadJobs('synth-worker', handleSynthJob);
