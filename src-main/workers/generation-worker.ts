/**
 * The generation worker: a separate process per batch of takes (child_process.fork from the
 * CLI and web mode, Electron's utilityProcess in the desktop app), so onnxruntime, the addon and
 * a long render never block the app, and a crash or a cancel (the parent kills it) ends this
 * process only; the parent fails the unfinished takes with the reason.
 *
 * Protocol (services/takes/protocol.ts): the worker says `ready`, receives one `start`,
 * reports `prepared`, per-take progress and `take-done`/`take-failed`, and ends with `finished`
 * or `failed`. If the parent goes away the worker leaves at once.
 */
import { loadNativeAddon } from '../addon/binding.js';
import { toErrorPayload } from '../common/errors.js';
import { parentChannel } from '../node/worker-port.js';
import { createOnnxEngine } from '../services/takes/engine.js';
import { parentMessageSchema, type WorkerMessage } from '../services/takes/protocol.js';
import { runGenerationJob } from '../services/takes/run-generation.js';

const parent = parentChannel<WorkerMessage>();
const post = (message: WorkerMessage): void => parent.post(message);

let started = false;
let finishing = false;

parent.onMessage((raw) => {
  const parsed = parentMessageSchema.safeParse(raw);
  if (!parsed.success) return post({ type: 'failed', error: { code: 'INTERNAL', message: 'the generation worker got a malformed message' } });
  if (started) return;
  started = true;
  void (async () => {
    try {
      await runGenerationJob(parsed.data.job, createOnnxEngine(loadNativeAddon()), post);
    } catch (error) {
      post({ type: 'failed', error: toErrorPayload(error) });
    } finally {
      finish();
    }
  })();
});

// The parent went away (app killed, CLI interrupted hard): nobody will record the takes.
process.on('disconnect', () => {
  if (!finishing) process.exit(0);
});

function finish(): void {
  finishing = true;
  parent.finish();
}

post({ type: 'ready' });
